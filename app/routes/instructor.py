"""Instructor pages: cohort list, the cohort dashboard, one learner, personal API tokens.

Every handler depends on CurrentInstructor, and every cohort is fetched through
cohorts.get_cohort_for, which is the one place that decides who may see it.
"""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from app.guide.lab import LAB_SLUG
from app.services import api_tokens, cohorts, dashboard, learner_report
from app.web import charts
from app.web.deps import CurrentInstructor, Db, GuideDep, PageDep, SettingsDep
from app.web.forms import FormDep
from app.web.inputs import Id, PageNumber, PerPage, QueryText
from app.web.responses import see_other

router = APIRouter(include_in_schema=False)


@router.get("/instructor", response_class=HTMLResponse)
async def list_instructor_cohorts(page: PageDep, db: Db, guide: GuideDep,
                                  user: CurrentInstructor):
    summaries = await db.read(_summaries, user=user, guide=guide)
    return page.render("instructor/index.html", {"summaries": summaries}, others_data=True)


def _summaries(session, *, user, guide):
    mine = cohorts.list_cohorts_for(session, user=user)
    return dashboard.cohort_summaries(session, cohorts=mine, guide=guide)


@router.post("/instructor/cohorts")
async def create_cohort(db: Db, user: CurrentInstructor, form: FormDep):
    cohort = await db.write(cohorts.create_cohort, owner=user, name=form.text("name"))
    return see_other(f"/instructor/cohorts/{cohort.id}")


@router.get("/instructor/cohorts/{cohort_id}", response_class=HTMLResponse)
async def show_cohort(cohort_id: Id, page: PageDep, db: Db, guide: GuideDep,
                      settings: SettingsDep, user: CurrentInstructor,
                      page_number: Annotated[PageNumber, Query(alias="page")] = 1,
                      per_page: PerPage = 50, sort: QueryText = "name", q: QueryText = "",
                      flag: QueryText = ""):
    query = dashboard.heatmap_query(page=page_number, per_page=per_page, sort=sort, q=q,
                                    flag=flag)
    context = await db.read(_cohort_context, cohort_id=cohort_id, user=user, guide=guide,
                            query=query, stuck_days=settings.stuck_days)
    context["join_url"] = settings.base_url.rstrip("/") + cohorts.join_path(context["cohort"])
    context["stuck_days"] = settings.stuck_days
    return page.render("instructor/cohort.html", context, others_data=True)


def _cohort_context(session, *, cohort_id, user, guide, query, stuck_days) -> dict:
    cohort = cohorts.get_cohort_for(session, cohort_id=cohort_id, user=user)
    heatmap = dashboard.cohort_heatmap(session, cohort=cohort, guide=guide, query=query,
                                       stuck_days=stuck_days)
    members = cohorts.count_members(session, cohort_id=cohort.id)
    flag_counts = dashboard.flag_counts(session, cohort=cohort, guide=guide,
                                        stuck_days=stuck_days)
    columns = dashboard.quiz_columns(guide)
    bins = dashboard.score_distribution(session, cohort_id=cohort.id,
                                        quiz_slugs=[slug for slug, _ in columns])
    marks = dashboard.pass_marks(guide)
    histograms = [charts.score_histogram(chart_id=f"scores-{slug}", quiz_title=title,
                                         bins=bins[slug], pass_percent=marks[slug])
                  for slug, title in columns]
    funnel = charts.completion_funnel(
        chart_id="funnel", members=members,
        steps=dashboard.chapter_funnel(session, cohort_id=cohort.id, guide=guide))
    return {"cohort": cohort, "heatmap": heatmap, "members": members,
            "quiz_titles": dict(columns), "lab_slug": LAB_SLUG,
            "histograms": histograms, "funnel": funnel, "flag_counts": flag_counts,
            "co_instructors": cohorts.list_co_instructors(session, cohort_id=cohort.id),
            "page_url": _page_url(cohort.id, heatmap.query), "sorts": dashboard.SORTS}


def _page_url(cohort_id: Id, query: dashboard.HeatmapQuery):
    """A function for the template: this page's URL with some query parameters changed."""
    current = {"sort": query.sort, "q": query.q, "flag": query.flag,
               "per_page": query.per_page, "page": query.page}

    def url(**changes) -> str:
        params = {k: v for k, v in (current | changes).items() if v not in ("", None)}
        return f"/instructor/cohorts/{cohort_id}?{urlencode(params)}"
    return url


@router.post("/instructor/cohorts/{cohort_id}/rotate-code")
async def rotate_join_code(cohort_id: Id, db: Db, user: CurrentInstructor):
    await db.write(cohorts.rotate_code, cohort_id=cohort_id, actor=user)
    return see_other(f"/instructor/cohorts/{cohort_id}#join")


@router.post("/instructor/cohorts/{cohort_id}/instructors")
async def add_co_instructor(cohort_id: Id, db: Db, user: CurrentInstructor, form: FormDep):
    await db.write(cohorts.add_co_instructor, cohort_id=cohort_id,
                   email=form.text("email"), actor=user)
    return see_other(f"/instructor/cohorts/{cohort_id}#instructors")


@router.post("/instructor/cohorts/{cohort_id}/learners/{learner_id}/remove")
async def remove_learner(cohort_id: Id, learner_id: Id, db: Db, user: CurrentInstructor):
    await db.write(cohorts.remove_member, cohort_id=cohort_id, learner_id=learner_id,
                   actor=user)
    return see_other(f"/instructor/cohorts/{cohort_id}")


@router.get("/instructor/cohorts/{cohort_id}/learners/{learner_id}",
            response_class=HTMLResponse)
async def show_learner(cohort_id: Id, learner_id: Id, page: PageDep, db: Db,
                       guide: GuideDep, user: CurrentInstructor):
    cohort, report = await db.read(_learner_report, cohort_id=cohort_id, learner_id=learner_id,
                                   user=user, guide=guide)
    return page.render("instructor/learner.html", {"cohort": cohort, "report": report},
                       others_data=True)


def _learner_report(session, *, cohort_id, learner_id, user, guide):
    cohort = cohorts.get_cohort_for(session, cohort_id=cohort_id, user=user)
    return cohort, learner_report.learner_report(session, cohort=cohort, viewer=user,
                                                 learner_id=learner_id, guide=guide)


@router.post("/instructor/cohorts/{cohort_id}/learners/{learner_id}/reset")
async def reset_quiz(cohort_id: Id, learner_id: Id, db: Db, guide: GuideDep,
                     user: CurrentInstructor, form: FormDep):
    await db.write(learner_report.reset_quiz_attempts, cohort_id=cohort_id,
                   learner_id=learner_id, quiz_slug=form.text("quiz_slug"), actor=user,
                   guide=guide)
    return see_other(f"/instructor/cohorts/{cohort_id}/learners/{learner_id}#audit")


@router.get("/instructor/tokens", response_class=HTMLResponse)
async def list_tokens(page: PageDep, db: Db, user: CurrentInstructor):
    tokens = await db.read(api_tokens.list_tokens, owner=user)
    return page.render("instructor/tokens.html", {"tokens": tokens, "secret": None},
                       others_data=True)


@router.post("/instructor/tokens", response_class=HTMLResponse)
async def create_token(page: PageDep, db: Db, user: CurrentInstructor, form: FormDep):
    # Rendered, not redirected: the secret exists only in this response.
    token, secret = await db.write(api_tokens.create_token, owner=user, name=form.text("name"))
    tokens = await db.read(api_tokens.list_tokens, owner=user)
    return page.render("instructor/tokens.html",
                       {"tokens": tokens, "secret": secret, "new_token": token},
                       status_code=201, others_data=True)


@router.post("/instructor/tokens/{token_id}/revoke")
async def revoke_token(token_id: Id, db: Db, user: CurrentInstructor):
    await db.write(api_tokens.revoke_token, owner=user, token_id=token_id)
    return see_other("/instructor/tokens")
