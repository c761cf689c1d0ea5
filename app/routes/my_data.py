"""A learner's own data: download everything stored about them, or delete it all."""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse

from app.errors import AppError, Invalid, NotFound
from app.services import learner_data
from app.web.cookies import clear_sign_in_cookie
from app.web.deps import Db, PageDep, SettingsDep
from app.web.forms import FormDep
from app.web.rendering import Page

router = APIRouter(include_in_schema=False)

NO_LEARNER = "This browser has no progress yet: read a chapter or take a quiz first."


@router.get("/progress/export.json")
async def export_my_data(page: PageDep, db: Db) -> JSONResponse:
    if page.viewer is None:
        raise NotFound(NO_LEARNER)
    data = await db.read(learner_data.export_learner_data, learner=page.viewer)
    return JSONResponse(data, headers={
        "Content-Disposition": 'attachment; filename="my-azure-guide-data.json"',
        "Cache-Control": "no-store", "Vary": "Cookie"})


@router.get("/progress/delete", response_class=HTMLResponse)
async def confirm_delete(page: PageDep):
    if page.viewer is None:
        raise NotFound(NO_LEARNER)
    return page.render("progress/delete.html", {"error": None})


@router.post("/progress/delete", response_class=HTMLResponse)
async def delete_my_data(page: PageDep, db: Db, form: FormDep, settings: SettingsDep):
    if page.viewer is None:
        raise NotFound(NO_LEARNER)
    try:
        if form.text("confirm") != "yes":
            raise Invalid("confirm: tick the box to confirm the deletion.", field="confirm")
        await db.write(learner_data.delete_learner, learner=page.viewer)
    except AppError as error:
        return page.render("progress/delete.html", {"error": error},
                           status_code=error.status_code)
    signed_out = Page(request=page.request, viewer=None)
    return clear_sign_in_cookie(signed_out.render("progress/deleted.html"), settings)
