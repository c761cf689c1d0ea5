"""Instructor pages: cohort list, the cohort dashboard, one learner.

Every handler depends on CurrentInstructor, and every cohort is fetched through
cohorts.get_cohort_for, which is the one place that decides who may see it. A form with a
mistake in it comes back as the same page, the input kept and the message by the field (422).
Destructive actions and their confirmation pages: app/routes/instructor_actions.py; personal
API tokens: app/routes/instructor_tokens.py.
"""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from app.errors import Invalid
from app.guide.lab import LAB_SLUG
from app.services import cohorts, dashboard, learner_report
from app.web import charts
from app.web.deps import CurrentInstructor, Db, GuideDep, PageDep, SettingsDep
from app.web.forms import FormDep
from app.web.inputs import Id, PageNumber, PerPage, QueryText
from app.web.responses import see_other
from app.web.urls import is_loopback, public_url

router = APIRouter(include_in_schema=False)


@router.get("/instructor", response_class=HTMLResponse)
async def list_instructor_cohorts(page: PageDep, db: Db, guide: GuideDep,
                                  user: CurrentInstructor):
    return await _index(page, db, guide, user)


async def _index(page, db, guide, user, *, form: dict | None = None, status_code: int = 200):
    summaries = await db.read(_summaries, user=user, guide=guide)
    return page.render("instructor/index.html", {"summaries": summaries, "form": form or {}},
                       status_code=status_code, others_data=True)


def _summaries(session, *, user, guide):
    mine = cohorts.list_cohorts_for(session, user=user)
    return dashboard.cohort_summaries(session, cohorts=mine, guide=guide)


@router.post("/instructor/cohorts", response_class=HTMLResponse)
async def create_cohort(page: PageDep, db: Db, guide: GuideDep, user: CurrentInstructor,
                        form: FormDep):
    name = ""  # kept for the form when the field itself is refused (too long, control chars)
    try:
        name = form.text("name")
        cohort = await db.write(cohorts.create_cohort, owner=user, name=name)
    except Invalid as error:
        return await _index(page, db, guide, user, status_code=422,
                            form={"name": name, "error": error.message})
    return see_other(f"/instructor/cohorts/{cohort.id}")


@router.get("/instructor/cohorts/{cohort_id}", response_class=HTMLResponse)
async def show_cohort(cohort_id: Id, request: Request, page: PageDep, db: Db, guide: GuideDep,
                      settings: SettingsDep, user: CurrentInstructor,
                      page_number: Annotated[PageNumber, Query(alias="page")] = 1,
                      per_page: PerPage = 50, sort: QueryText = "name", q: QueryText = "",
                      flag: QueryText = ""):
    query = dashboard.heatmap_query(page=page_number, per_page=per_page, sort=sort, q=q,
                                    flag=flag)
    return await _cohort_page(request, page, db, guide, settings, user, cohort_id, query)


async def _cohort_page(request, page, db, guide, settings, user, cohort_id, query, *,
                       form: dict | None = None, status_code: int = 200):
    context = await db.read(_cohort_context, cohort_id=cohort_id, user=user, guide=guide,
                            query=query, stuck_days=settings.stuck_days)
    root = public_url(settings, request)
    context |= {"join_url": root + cohorts.join_path(context["cohort"]),
                "join_url_is_loopback": is_loopback(root),
                "base_url_configured": bool(settings.base_url),
                "stuck_days": settings.stuck_days, "form": form or {}}
    return page.render("instructor/cohort.html", context, status_code=status_code,
                       others_data=True)


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


@router.post("/instructor/cohorts/{cohort_id}/instructors", response_class=HTMLResponse)
async def add_co_instructor(cohort_id: Id, request: Request, page: PageDep, db: Db,
                            guide: GuideDep, settings: SettingsDep, user: CurrentInstructor,
                            form: FormDep):
    email = ""  # kept for the form when the field itself is refused (too long, control chars)
    try:
        email = form.text("email")
        await db.write(cohorts.add_co_instructor, cohort_id=cohort_id, email=email, actor=user)
    except Invalid as error:
        return await _cohort_page(request, page, db, guide, settings, user, cohort_id,
                                  dashboard.heatmap_query(), status_code=422,
                                  form={"email": email, "error": error.message})
    return see_other(f"/instructor/cohorts/{cohort_id}#instructors")


@router.get("/instructor/cohorts/{cohort_id}/learners/{learner_id}",
            response_class=HTMLResponse)
async def show_learner(cohort_id: Id, learner_id: Id, page: PageDep, db: Db,
                       guide: GuideDep, user: CurrentInstructor):
    cohort, report = await db.read(_learner_report, cohort_id=cohort_id, learner_id=learner_id,
                                   user=user, guide=guide)
    return page.render("instructor/learner.html",
                       {"cohort": cohort, "report": report,
                        "lab_grids": learner_report.lab_grids(report, guide=guide)},
                       others_data=True)


def _learner_report(session, *, cohort_id, learner_id, user, guide):
    cohort = cohorts.get_cohort_for(session, cohort_id=cohort_id, user=user)
    return cohort, learner_report.learner_report(session, cohort=cohort, viewer=user,
                                                 learner_id=learner_id, guide=guide)
