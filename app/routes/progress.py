"""A learner's own progress: /progress and /api/v1/me (position reports included)."""

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from app.services import practice, progress, reading
from app.web.cookies import set_sign_in_cookie
from app.web.deps import Db, GuideDep, PageDep, SettingsDep, SignInToken, Viewer
from app.web.inputs import Text

router = APIRouter()


class LearnerRef(BaseModel):
    id: int
    display_name: str


class ChapterRead(BaseModel):
    slug: str
    read: bool


class MyQuizProgress(BaseModel):
    slug: str
    attempts: int
    best_percent: float | None = Field(description="0-100; null before the first attempt")
    last_percent: float | None
    passed: bool


class ProgressPublic(BaseModel):
    learner: LearnerRef | None = Field(
        description="null when this browser has no learner yet (progress is then all zero)")
    chapters: list[ChapterRead]
    quizzes: list[MyQuizProgress]
    completion_percent: float = Field(description="0-100, one decimal")


class PositionIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    chapter_slug: Text = Field(max_length=80)
    section: Text | None = Field(
        max_length=120, description="a heading id of that chapter; null records the visit alone")


@router.get("/progress", response_class=HTMLResponse, include_in_schema=False)
async def show_progress(page: PageDep, db: Db, guide: GuideDep):
    summary, practised = await db.read(_progress_and_practice, learner=page.viewer,
                                       guide=guide)
    return page.render("progress/show.html", {"progress": summary, "practised": practised})


def _progress_and_practice(session, *, learner, guide):
    """The summary, and the practice per quiz (shown apart: it never counts)."""
    practised = practice.practice_summary(session, learner_id=learner.id if learner else None)
    titled = [(guide.quiz(p.quiz_slug), p) for p in practised]
    return (progress.learner_progress(session, learner=learner, guide=guide),
            [(quiz, p) for quiz, p in titled if quiz is not None])


@router.get("/api/v1/me/progress", response_model=ProgressPublic, tags=["progress"],
            summary="Get my progress")
async def api_my_progress(db: Db, guide: GuideDep, viewer: Viewer, response: Response):
    """This browser's own progress. Without a learner yet: 200, `learner: null`, all zero."""
    summary = await db.read(progress.learner_progress, learner=viewer, guide=guide)
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Vary"] = "Cookie"
    return ProgressPublic(
        learner=LearnerRef(id=viewer.id, display_name=viewer.display_name) if viewer else None,
        chapters=[ChapterRead(slug=c.slug, read=c.read) for c in summary.chapters],
        quizzes=[MyQuizProgress(slug=q.slug, attempts=q.attempts, best_percent=q.best_percent,
                                last_percent=q.last_percent, passed=q.passed)
                 for q in summary.quizzes],
        completion_percent=summary.completion_percent)


@router.post("/api/v1/me/position", status_code=204, tags=["progress"],
             summary="Remember my reading position",
             responses={422: {"description": "Unknown chapter_slug or section"}})
async def api_remember_position(body: PositionIn, db: Db, guide: GuideDep,
                                settings: SettingsDep, token: SignInToken) -> Response:
    """Remember the section being read, for "Continue where you left off"."""
    new_token = await db.write(reading.remember_position, token=token,
                               days=settings.session_days, guide=guide,
                               chapter_slug=body.chapter_slug, section=body.section)
    return set_sign_in_cookie(Response(status_code=204), new_token, settings)
