"""A learner's own progress: /progress, its JSON export and deletion, and /api/v1/me."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from app.deps import CurrentLearner, GuideDep, LearnerForWrite, SessionDep
from app.errors import AppError, Invalid, NotFound
from app.services import learner_data, progress
from app.templating import render_private

router = APIRouter()

NO_LEARNER = "This browser has no progress yet: read a chapter or take a quiz first."


class LearnerRef(BaseModel):
    id: int
    display_name: str


class ChapterRead(BaseModel):
    slug: str
    read: bool


class QuizSummary(BaseModel):
    slug: str
    attempts: int
    best_percent: float | None = Field(description="0-100; null before the first attempt")
    last_percent: float | None
    passed: bool


class ProgressPublic(BaseModel):
    learner: LearnerRef | None = Field(
        description="null when this browser has no learner yet (progress is then all zero)")
    chapters: list[ChapterRead]
    quizzes: list[QuizSummary]
    completion_percent: float = Field(description="0-100, one decimal")


class PositionIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    chapter_slug: str = Field(max_length=80)
    section: str = Field(max_length=120, description="a heading id of that chapter")


class DeleteForm(BaseModel):
    confirm: str = ""


@router.get("/progress", response_class=HTMLResponse, include_in_schema=False)
def show_progress(request: Request, session: SessionDep, guide: GuideDep,
                  learner: CurrentLearner):
    summary = progress.learner_progress(session, learner=learner, guide=guide)
    return render_private(request, "progress/show.html", {"guide": guide, "progress": summary})


@router.get("/progress/export.json", include_in_schema=False)
def export_progress(session: SessionDep, learner: CurrentLearner) -> JSONResponse:
    if learner is None:
        raise NotFound(NO_LEARNER)
    data = learner_data.export_learner_data(session, learner=learner)
    return JSONResponse(data, headers={
        "Content-Disposition": 'attachment; filename="my-azure-guide-data.json"',
        "Cache-Control": "no-store"})


@router.get("/progress/delete", response_class=HTMLResponse, include_in_schema=False)
def confirm_delete(request: Request, learner: CurrentLearner):
    if learner is None:
        raise NotFound(NO_LEARNER)
    return render_private(request, "progress/delete.html", {"error": None})


@router.post("/progress/delete", response_class=HTMLResponse, include_in_schema=False)
def delete_account(request: Request, session: SessionDep, learner: CurrentLearner,
                   form: Annotated[DeleteForm, Form()]):
    if learner is None:
        raise NotFound(NO_LEARNER)
    try:
        if form.confirm != "yes":
            raise Invalid("confirm: tick the box to confirm the deletion.", field="confirm")
        learner_data.delete_learner(session, learner=learner)
    except AppError as error:
        return render_private(request, "progress/delete.html", {"error": error}, error.status_code)
    request.state.clear_session = True
    request.state.learner = None
    return render_private(request, "progress/deleted.html", {})


@router.get("/api/v1/me/progress", response_model=ProgressPublic, tags=["progress"])
def api_my_progress(session: SessionDep, guide: GuideDep, learner: CurrentLearner):
    """This browser's own progress. Without a learner yet: 200, `learner: null`, all zero."""
    summary = progress.learner_progress(session, learner=learner, guide=guide)
    return ProgressPublic(
        learner=LearnerRef(id=learner.id, display_name=learner.display_name) if learner else None,
        chapters=[ChapterRead(slug=c.slug, read=c.read) for c in summary.chapters],
        quizzes=[QuizSummary(slug=q.slug, attempts=q.attempts, best_percent=q.best_percent,
                             last_percent=q.last_percent, passed=q.passed)
                 for q in summary.quizzes],
        completion_percent=summary.completion_percent)


@router.post("/api/v1/me/position", status_code=204, tags=["progress"],
             responses={422: {"description": "Unknown chapter_slug or section"}})
def api_remember_position(body: PositionIn, session: SessionDep, guide: GuideDep,
                          learner: LearnerForWrite) -> Response:
    """Remember the section being read, for "Continue where you left off"."""
    progress.remember_position(session, learner=learner, guide=guide,
                               chapter_slug=body.chapter_slug, section=body.section)
    return Response(status_code=204)
