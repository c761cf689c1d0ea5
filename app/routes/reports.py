"""Item analysis pages, CSV exports and the items API, for a cohort's instructors only.

Every handler depends on CurrentInstructor and fetches the cohort through
cohorts.get_cohort_for before anything is read, so a refusal comes before any data.
"""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from pydantic import BaseModel

from app.deps import CurrentInstructor, GuideDep, SessionDep
from app.services import cohorts, exports, reports
from app.services.answer_text import build_lexicon
from app.templating import render_private

router = APIRouter()
ERRORS = {401: {"description": "not signed in, or an unknown or revoked token"},
          403: {"description": "not allowed"}, 404: {"description": "no such cohort"}}


async def get_report_cache(request: Request) -> reports.ReportCache:
    """The app's cache, made in create_app (one per app: tests build many, each on its own DB)."""
    return request.app.state.report_cache


CacheDep = Annotated[reports.ReportCache, Depends(get_report_cache)]


class ItemPublic(BaseModel):
    quiz_slug: str
    question_id: str
    responses: int
    facility: float | None  # fraction 0..1; null under MIN_RESPONSES responses
    discrimination: float | None  # Moodle's discrimination index, in percent
    discriminative_efficiency: float | None  # percent
    most_common_wrong: str | None


@router.get("/instructor/cohorts/{cohort_id}/items", response_class=HTMLResponse,
            include_in_schema=False)
def list_item_analyses(request: Request, cohort_id: int, session: SessionDep,
                       guide: GuideDep, user: CurrentInstructor):
    cohort = cohorts.get_cohort_for(session, cohort_id=cohort_id, user=user)
    return render_private(request, "reports/quizzes.html",
                   {"cohort": cohort, "guide": guide, "quizzes": reports.analysed_quizzes(guide)})


@router.get("/instructor/cohorts/{cohort_id}/quizzes/{slug}/items",
            response_class=HTMLResponse, include_in_schema=False)
def show_item_analysis(request: Request, cohort_id: int, slug: str, session: SessionDep,
                       guide: GuideDep, user: CurrentInstructor, cache: CacheDep,
                       attempts: Literal["first", "all"] = "first"):
    cohort = cohorts.get_cohort_for(session, cohort_id=cohort_id, user=user)
    quiz = reports.get_analysed_quiz(guide, slug)
    report = reports.quiz_report(session, cohort_id=cohort.id, quiz=quiz,
                                 lexicon=build_lexicon(guide), all_attempts=attempts == "all",
                                 cache=cache)
    return render_private(request, "reports/items.html",
                   {"cohort": cohort, "guide": guide, "quiz": quiz, "report": report,
                    "quizzes": reports.analysed_quizzes(guide),
                    "fmt": reports.fmt, "min_responses": reports.MIN_RESPONSES})


def _csv(chunks, *, cohort_id: int, name: str) -> StreamingResponse:
    return StreamingResponse(chunks, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="cohort-{cohort_id}-{name}.csv"',
        "Cache-Control": "no-store"})


@router.get("/instructor/cohorts/{cohort_id}/progress.csv", include_in_schema=False)
def export_progress(cohort_id: int, session: SessionDep, guide: GuideDep,
                    user: CurrentInstructor):
    cohort = cohorts.get_cohort_for(session, cohort_id=cohort_id, user=user)
    rows = exports.progress_csv(session, cohort_id=cohort.id, guide=guide)
    return _csv(rows, cohort_id=cohort.id, name="progress")


@router.get("/instructor/cohorts/{cohort_id}/responses.csv", include_in_schema=False)
def export_responses(cohort_id: int, session: SessionDep, guide: GuideDep,
                     user: CurrentInstructor):
    cohort = cohorts.get_cohort_for(session, cohort_id=cohort_id, user=user)
    rows = exports.responses_csv(session, cohort_id=cohort.id, guide=guide)
    return _csv(rows, cohort_id=cohort.id, name="responses")


@router.get("/instructor/cohorts/{cohort_id}/items.csv", include_in_schema=False)
def export_items(cohort_id: int, session: SessionDep, guide: GuideDep,
                 user: CurrentInstructor, cache: CacheDep):
    cohort = cohorts.get_cohort_for(session, cohort_id=cohort_id, user=user)
    found = reports.cohort_reports(session, cohort_id=cohort.id, guide=guide, cache=cache)
    return _csv(exports.items_csv(found), cohort_id=cohort.id, name="items")


@router.get("/api/v1/cohorts/{cohort_id}/items", responses=ERRORS, tags=["cohorts"])
def list_items(cohort_id: int, session: SessionDep, guide: GuideDep, user: CurrentInstructor,
               cache: CacheDep) -> list[ItemPublic]:
    """Item statistics per question, from each learner's first attempt (Moodle's formulas)."""
    cohort = cohorts.get_cohort_for(session, cohort_id=cohort_id, user=user)
    found = reports.cohort_reports(session, cohort_id=cohort.id, guide=guide, cache=cache)
    return [ItemPublic(**row) for row in reports.item_rows(found)]

