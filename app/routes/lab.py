"""The matrix lab: explore the matrix, fill the grid, practise scenarios (no JavaScript needed)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app.deps import CurrentLearner, GuideDep, LearnerForWrite, SessionDep
from app.errors import Invalid, NotFound
from app.guide import Guide
from app.guide.lab import Lab
from app.services import lab as lab_service

router = APIRouter(include_in_schema=False)


async def read_fields(request: Request) -> dict[str, str]:
    """The form as name -> value; a repeated field or a file cannot come from our forms."""
    fields: dict[str, str] = {}
    for name, value in (await request.form()).multi_items():
        if not isinstance(value, str) or name in fields:
            raise Invalid(f"The field “{name[:80]}” is not expected here.", field=name)
        fields[name] = value
    return fields


FieldsDep = Annotated[dict[str, str], Depends(read_fields)]


@router.get("/lab", response_class=HTMLResponse)
def show_lab(request: Request, guide: GuideDep, model: str = "iaas", compare: str = ""):
    exploration = lab_service.explore(_lab(guide), guide.matrix, model=model, compare=compare)
    return _render(request, "lab/explore.html", guide, exploration=exploration)


@router.get("/lab/exercise", response_class=HTMLResponse)
def show_exercise(request: Request, guide: GuideDep):
    lab = _lab(guide)
    return _render(request, "lab/exercise.html", guide, cells=lab.cells, kind="full",
                   values={}, missing=(), client_attempt_id=uuid.uuid4().hex)


@router.post("/lab/exercise", response_class=HTMLResponse)
def submit_exercise(request: Request, guide: GuideDep, session: SessionDep,
                    learner: LearnerForWrite, fields: FieldsDep):
    lab = _lab(guide)
    submission = lab_service.parse_grid(lab, fields)
    if submission.missing:
        return _render(request, "lab/exercise.html", guide, status_code=422,
                       cells=[lab.cell(key) for key in submission.answers],
                       kind=submission.kind, values=submission.answers,
                       missing=[lab.cell(key) for key in submission.missing],
                       client_attempt_id=submission.client_attempt_id)
    attempt = lab_service.submit_grid(session, lab=lab, learner=learner, submission=submission)
    return RedirectResponse(f"/lab/exercise/attempts/{attempt.id}", status_code=303)


@router.get("/lab/exercise/attempts/{attempt_id}", response_class=HTMLResponse)
def show_exercise_result(attempt_id: int, request: Request, guide: GuideDep,
                         session: SessionDep, learner: CurrentLearner):
    result = lab_service.review_grid(session, lab=_lab(guide), learner=learner,
                                     attempt_id=attempt_id)
    return _render(request, "lab/result.html", guide, result=result,
                   client_attempt_id=uuid.uuid4().hex)


@router.get("/lab/scenarios", response_class=HTMLResponse)
def show_scenarios(request: Request, guide: GuideDep):
    return _render(request, "lab/scenarios.html", guide, scenarios=_lab(guide).scenarios,
                   outcomes=None)


@router.post("/lab/scenarios", response_class=HTMLResponse)
def check_scenarios(request: Request, guide: GuideDep, fields: FieldsDep):
    lab = _lab(guide)
    outcomes = lab_service.grade_scenarios(lab, fields)
    return _render(request, "lab/scenarios.html", guide, scenarios=lab.scenarios,
                   outcomes=outcomes)


def _lab(guide: Guide) -> Lab:
    if guide.lab is None:
        raise NotFound("This guide has no matrix lab (content/lab.yaml is missing).")
    return guide.lab


def _render(request: Request, template: str, guide: Guide, *, status_code: int = 200, **context):
    return request.app.state.templates.TemplateResponse(
        request, template, {"guide": guide, "matrix": guide.matrix, **context},
        status_code=status_code)
