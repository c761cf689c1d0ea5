"""Joining a cohort through its link: /join/{code}."""

from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from app.services import cohorts
from app.web.deps import Db, PageDep
from app.web.inputs import PathText
from app.web.responses import see_other

router = APIRouter(include_in_schema=False)


@router.get("/join/{code}", response_class=HTMLResponse)
async def show_join(code: PathText, page: PageDep, db: Db):
    cohort, member = await db.read(cohorts.join_status, code=code, learner=page.viewer)
    here = quote(f"/join/{code}", safe="/")
    registered = page.viewer is not None and page.viewer.is_registered
    return page.render("join/join.html",
                       {"cohort": cohort, "code": code, "registered": registered,
                        "member": member, "register_url": f"/register?next={here}",
                        "login_url": f"/login?next={here}"},
                       headers={"Cache-Control": "no-store"})


@router.post("/join/{code}")
async def join_cohort(code: PathText, page: PageDep, db: Db):
    if page.viewer is None or not page.viewer.is_registered:
        return see_other(f"/login?next={quote(f'/join/{code}', safe='/')}")
    await db.write(cohorts.join_cohort, code=code, learner=page.viewer)
    return see_other(f"/join/{quote(code, safe='')}")
