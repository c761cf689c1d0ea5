"""Joining a cohort through its link: /join/{code}."""

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app.deps import CurrentLearner, SessionDep
from app.services import cohorts

router = APIRouter(include_in_schema=False)


@router.get("/join/{code}", response_class=HTMLResponse)
def show_join(request: Request, code: str, session: SessionDep, learner: CurrentLearner):
    cohort = cohorts.get_cohort_by_code(session, code=code)
    registered = learner is not None and learner.is_registered
    member = registered and cohorts.is_member(session, cohort_id=cohort.id,
                                              learner_id=learner.id)
    here = quote(f"/join/{code}", safe="/")
    return request.app.state.templates.TemplateResponse(
        request, "join/join.html",
        {"cohort": cohort, "code": code, "registered": registered, "member": member,
         "register_url": f"/register?next={here}", "login_url": f"/login?next={here}"},
        headers={"Cache-Control": "no-store"})


@router.post("/join/{code}")
def join_cohort(code: str, session: SessionDep, learner: CurrentLearner):
    if learner is None or not learner.is_registered:
        return RedirectResponse(f"/login?next={quote(f'/join/{code}', safe='/')}",
                                status_code=303)
    cohorts.join_cohort(session, code=code, learner=learner)
    return RedirectResponse(f"/join/{quote(code, safe='')}", status_code=303)
