"""Item analysis: the pages per cohort and quiz, and the items API, for its instructors only.

Every handler depends on CurrentInstructor and fetches the cohort through
cohorts.get_cohort_for before anything is read, so a refusal comes before any data.
"""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from app.services import cohorts, item_reports
from app.services.answer_text import build_lexicon
from app.web.deps import CurrentInstructor, Db, GuideDep, PageDep
from app.web.inputs import Id, PathText, QueryText
from app.web.openapi import errors
from app.web.responses import see_other

router = APIRouter()
ERRORS = errors(401, 403, 404, e401="Not signed in, or an unknown or revoked token",
                e404="No such cohort (or not yours)")


async def get_report_cache(request: Request) -> item_reports.ReportCache:
    """The app's cache, made in create_app (one per app: tests build many, each on its own DB)."""
    return request.app.state.report_cache


CacheDep = Annotated[item_reports.ReportCache, Depends(get_report_cache)]


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
async def list_item_analyses(cohort_id: Id, page: PageDep, db: Db, guide: GuideDep,
                             user: CurrentInstructor, quiz: QueryText = "",
                             attempts: Literal["first", "all"] = "first"):
    cohort = await db.read(cohorts.get_cohort_for, cohort_id=cohort_id, user=user)
    if quiz:  # the quiz switcher, a GET form: on to that quiz's page
        slug = item_reports.get_analysed_quiz(guide, quiz).slug
        suffix = "?attempts=all" if attempts == "all" else ""
        return see_other(f"/instructor/cohorts/{cohort.id}/quizzes/{slug}/items{suffix}")
    return page.render("reports/quizzes.html",
                       {"cohort": cohort, "quizzes": item_reports.analysed_quizzes(guide)},
                       others_data=True)


@router.get("/instructor/cohorts/{cohort_id}/quizzes/{slug}/items",
            response_class=HTMLResponse, include_in_schema=False)
async def show_item_analysis(cohort_id: Id, slug: PathText, page: PageDep, db: Db,
                             guide: GuideDep, user: CurrentInstructor, cache: CacheDep,
                             attempts: Literal["first", "all"] = "first"):
    quiz = item_reports.get_analysed_quiz(guide, slug)
    cohort, report = await db.read(_quiz_report, cohort_id=cohort_id, user=user, quiz=quiz,
                                   guide=guide, all_attempts=attempts == "all", cache=cache)
    return page.render("reports/items.html",
                       {"cohort": cohort, "quiz": quiz, "report": report,
                        "quizzes": item_reports.analysed_quizzes(guide),
                        "fmt": item_reports.fmt, "min_responses": item_reports.MIN_RESPONSES},
                       others_data=True)


def _quiz_report(session, *, cohort_id, user, quiz, guide, all_attempts, cache):
    cohort = cohorts.get_cohort_for(session, cohort_id=cohort_id, user=user)
    return cohort, item_reports.quiz_report(session, cohort_id=cohort.id, quiz=quiz,
                                            lexicon=build_lexicon(guide),
                                            all_attempts=all_attempts, cache=cache)


@router.get("/api/v1/cohorts/{cohort_id}/items", responses=ERRORS, tags=["cohorts"],
            summary="Get a quiz's item analysis")
async def list_items(cohort_id: Id, db: Db, guide: GuideDep, user: CurrentInstructor,
                     cache: CacheDep, response: Response) -> list[ItemPublic]:
    """Item statistics per question, from each learner's first attempt (Moodle's formulas)."""
    found = await db.read(cohort_reports, cohort_id=cohort_id, user=user, guide=guide,
                          cache=cache)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "Cookie, Authorization"
    return [ItemPublic(**row) for row in item_reports.item_rows(found)]


def cohort_reports(session, *, cohort_id, user, guide, cache):
    cohort = cohorts.get_cohort_for(session, cohort_id=cohort_id, user=user)
    return item_reports.cohort_reports(session, cohort_id=cohort.id, guide=guide, cache=cache)
