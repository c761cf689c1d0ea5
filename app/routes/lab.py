"""The matrix lab: explore the matrix, fill the grid, practise scenarios (no JavaScript needed)."""

import uuid

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from app.errors import NotFound
from app.guide import Guide
from app.guide.lab import Lab
from app.guide.lab_baselines import lab_service_baselines
from app.services import attempts
from app.services import lab as lab_service
from app.web.cookies import set_sign_in_cookie
from app.web.deps import Db, GuideDep, PageDep, SettingsDep, SignInToken
from app.web.forms import FormDep
from app.web.inputs import Id, QueryText
from app.web.responses import see_other

router = APIRouter(include_in_schema=False)


@router.get("/lab", response_class=HTMLResponse)
async def show_lab(page: PageDep, guide: GuideDep, model: QueryText = "iaas",
                   compare: QueryText = ""):
    exploration = lab_service.explore(_lab(guide), guide.matrix, model=model, compare=compare)
    return page.render("lab/explore.html", {
        "matrix": guide.matrix, "exploration": exploration,
        "baselines": lab_service_baselines(guide.lab, guide.services)})


@router.get("/lab/exercise", response_class=HTMLResponse)
async def show_exercise(page: PageDep, guide: GuideDep):
    return page.render("lab/exercise.html", {
        "matrix": guide.matrix, "cells": _lab(guide).cells, "kind": "full", "values": {},
        "missing": (), "client_attempt_id": uuid.uuid4().hex})


@router.post("/lab/exercise", response_class=HTMLResponse)
async def submit_exercise(page: PageDep, guide: GuideDep, db: Db, form: FormDep,
                          settings: SettingsDep, token: SignInToken):
    lab = _lab(guide)
    submission = lab_service.parse_grid(lab, form.single_values())
    if submission.missing:
        return page.render("lab/exercise.html", {
            "matrix": guide.matrix, "cells": [lab.cell(key) for key in submission.answers],
            "kind": submission.kind, "values": submission.answers,
            "missing": [lab.cell(key) for key in submission.missing],
            "client_attempt_id": submission.client_attempt_id}, status_code=422)
    stored = await db.write(attempts.submit_attempt, token=token, days=settings.session_days,
                            attempt=lab_service.grid_attempt(lab, submission))
    response = see_other(f"/lab/exercise/attempts/{stored.attempt.id}")
    return set_sign_in_cookie(response, stored.new_token, settings)


@router.get("/lab/exercise/attempts/{attempt_id}", response_class=HTMLResponse)
async def show_exercise_result(attempt_id: Id, page: PageDep, guide: GuideDep, db: Db):
    result = await db.read(lab_service.review_grid, lab=_lab(guide), learner=page.viewer,
                           attempt_id=attempt_id)
    return page.render("lab/result.html", {"matrix": guide.matrix, "result": result,
                                           "client_attempt_id": uuid.uuid4().hex})


@router.get("/lab/scenarios", response_class=HTMLResponse)
async def show_scenarios(page: PageDep, guide: GuideDep):
    return page.render("lab/scenarios.html", {"matrix": guide.matrix,
                                              "scenarios": _lab(guide).scenarios,
                                              "outcomes": None})


@router.post("/lab/scenarios", response_class=HTMLResponse)
async def check_scenarios(page: PageDep, guide: GuideDep, form: FormDep):
    lab = _lab(guide)
    outcomes = lab_service.grade_scenarios(lab, form.single_values())
    return page.render("lab/scenarios.html", {"matrix": guide.matrix,
                                              "scenarios": lab.scenarios, "outcomes": outcomes})


def _lab(guide: Guide) -> Lab:
    if guide.lab is None:
        raise NotFound("This guide has no matrix lab (content/lab.yaml is missing).")
    return guide.lab
