"""The cohorts JSON API under /api/v1/cohorts (sessions, or read-only bearer tokens)."""

from datetime import datetime

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from app.errors import Forbidden
from app.services import cohorts, dashboard, learner_report
from app.web.deps import CurrentInstructor, Db, GuideDep, SettingsDep, Viewer
from app.web.inputs import Id, PageNumber, PerPage, QueryText, Text
from app.web.openapi import errors
from app.web.urls import public_url

ERRORS = errors(401, 403, 404, 422, e401="Not signed in, or an unknown or revoked token",
                e404="No such cohort or learner (or not yours)")
router = APIRouter(prefix="/api/v1/cohorts", tags=["cohorts"], responses=ERRORS)


class CohortCreate(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    name: Text = Field(min_length=1, max_length=120)


class JoinRequest(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    join_code: Text = Field(min_length=1, max_length=64)


class CohortPublic(BaseModel):
    id: int
    name: str
    join_code: str
    join_url: str
    learners: int | None = None


class LearnerProgressPublic(BaseModel):
    id: int
    display_name: str
    email: str | None
    chapters_read: int
    quizzes_passed: int
    completion_percent: float
    last_active: datetime
    stuck: bool
    struggling: bool
    quizzes: dict[str, float]


class ProgressPage(BaseModel):
    total: int
    page: int
    per_page: int
    learners: list[LearnerProgressPublic]


class JoinedCohort(BaseModel):
    id: int
    name: str


def _public(cohort, root: str, learners: int | None = None) -> CohortPublic:
    return CohortPublic(id=cohort.id, name=cohort.name, join_code=cohort.join_code,
                        join_url=root + cohorts.join_path(cohort),
                        learners=learners)


@router.get("", summary="List my cohorts")
async def list_cohorts(request: Request, db: Db, settings: SettingsDep,
                       user: CurrentInstructor, response: Response) -> list[CohortPublic]:
    """The cohorts you own or co-teach (all of them for an admin), with learner counts."""
    mine, counts = await db.read(_cohorts_with_counts, user=user)
    _no_store(response)
    root = public_url(settings, request)
    return [_public(c, root, counts.get(c.id, 0)) for c in mine]


def _cohorts_with_counts(session, *, user):
    mine = cohorts.list_cohorts_for(session, user=user)
    return mine, cohorts.count_members_by_cohort(session, cohort_ids=[c.id for c in mine])


@router.post("", summary="Create a cohort", status_code=201)
async def create_cohort(request: Request, body: CohortCreate, db: Db, settings: SettingsDep,
                        user: CurrentInstructor) -> CohortPublic:
    cohort = await db.write(cohorts.create_cohort, owner=user, name=body.name)
    return _public(cohort, public_url(settings, request), 0)


@router.post("/join", summary="Join a cohort")
async def join_cohort(request: Request, body: JoinRequest, db: Db,
                      viewer: Viewer) -> JoinedCohort:
    """Join with a code; you must be signed in with an account (not a token)."""
    if request.headers.get("authorization"):
        raise Forbidden("API tokens are read-only; sign in to join a cohort.")
    cohort = await db.write(cohorts.join_cohort, code=body.join_code, learner=viewer)
    return JoinedCohort(id=cohort.id, name=cohort.name)


@router.get("/{cohort_id}/progress", summary="Get a cohort's progress")
async def cohort_progress(cohort_id: Id, db: Db, guide: GuideDep, settings: SettingsDep,
                          user: CurrentInstructor, response: Response,
                          page: PageNumber = 1, per_page: PerPage = 50,
                          sort: QueryText = "name", q: QueryText = "",
                          flag: QueryText = "") -> ProgressPage:
    """One page of learners with their counts, completion and best score per quiz taken."""
    query = dashboard.heatmap_query(page=page, per_page=per_page, sort=sort, q=q, flag=flag)
    heatmap = await db.read(_heatmap, cohort_id=cohort_id, user=user, guide=guide, query=query,
                            stuck_days=settings.stuck_days)
    _no_store(response)
    return ProgressPage(total=heatmap.total, page=query.page, per_page=query.per_page,
                        learners=[_progress_row(row) for row in heatmap.learners])


def _heatmap(session, *, cohort_id, user, guide, query, stuck_days):
    cohort = cohorts.get_cohort_for(session, cohort_id=cohort_id, user=user)
    return dashboard.cohort_heatmap(session, cohort=cohort, guide=guide, query=query,
                                    stuck_days=stuck_days)


def _progress_row(row: dashboard.LearnerRow) -> LearnerProgressPublic:
    return LearnerProgressPublic(
        id=row.id, display_name=row.display_name, email=row.email,
        chapters_read=row.chapters_read, quizzes_passed=row.quizzes_passed,
        completion_percent=row.completion_percent, last_active=row.last_active,
        stuck=row.stuck, struggling=row.struggling,
        quizzes={slug: summary.best_percent for slug, summary in row.quizzes.items()})


@router.get("/{cohort_id}/learners/{learner_id}",
            summary="Get one learner's report")
async def learner_detail(cohort_id: Id, learner_id: Id, db: Db, guide: GuideDep,
                         user: CurrentInstructor, response: Response) -> dict:
    """A member's chapters read and every attempt with every answer."""
    report = await db.read(_learner_report, cohort_id=cohort_id, learner_id=learner_id,
                           user=user, guide=guide)
    _no_store(response)
    return learner_report.as_json(report)


def _learner_report(session, *, cohort_id, learner_id, user, guide):
    cohort = cohorts.get_cohort_for(session, cohort_id=cohort_id, user=user)
    return learner_report.learner_report(session, cohort=cohort, viewer=user, learner_id=learner_id,
                                         guide=guide)


def _no_store(response: Response) -> None:
    """Other people's names and emails: never kept by any cache."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "Cookie, Authorization"
