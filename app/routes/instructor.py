"""Instructor pages: cohort list, the cohort dashboard, one learner, personal API tokens.

Every handler depends on CurrentInstructor, and every cohort is fetched through
cohorts.get_cohort_for, which is the one place that decides who may see it.
"""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app.deps import CurrentInstructor, GuideDep, SessionDep, SettingsDep
from app.guide.lab import LAB_SLUG
from app.services import api_tokens, charts, cohorts, dashboard, learner_report
from app.templating import render_private

router = APIRouter(include_in_schema=False)
FormText = Annotated[str, Form(max_length=300)]


def _back(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("/instructor", response_class=HTMLResponse)
def list_instructor_cohorts(request: Request, session: SessionDep, guide: GuideDep,
                            user: CurrentInstructor):
    mine = cohorts.list_cohorts_for(session, user=user)
    summaries = dashboard.cohort_summaries(session, cohorts=mine, guide=guide)
    return render_private(request, "instructor/index.html", {"summaries": summaries})


@router.post("/instructor/cohorts")
def create_cohort(session: SessionDep, user: CurrentInstructor, name: FormText = ""):
    cohort = cohorts.create_cohort(session, owner=user, name=name)
    return _back(f"/instructor/cohorts/{cohort.id}")


@router.get("/instructor/cohorts/{cohort_id}", response_class=HTMLResponse)
def show_cohort(request: Request, cohort_id: int, session: SessionDep, guide: GuideDep,
                settings: SettingsDep, user: CurrentInstructor, page: int = 1,
                per_page: int = 50, sort: str = "name", q: str = "", flag: str = ""):
    cohort = cohorts.get_cohort_for(session, cohort_id=cohort_id, user=user)
    query = dashboard.heatmap_query(page=page, per_page=per_page, sort=sort, q=q, flag=flag)
    heatmap = dashboard.cohort_heatmap(session, cohort=cohort, guide=guide, query=query,
                                       stuck_days=settings.stuck_days)
    context = _cohort_context(session, guide, cohort, heatmap)
    context["join_url"] = settings.base_url.rstrip("/") + cohorts.join_path(cohort)
    context["stuck_days"] = settings.stuck_days
    context["flag_counts"] = dashboard.flag_counts(session, cohort=cohort, guide=guide,
                                                   stuck_days=settings.stuck_days)
    return render_private(request, "instructor/cohort.html", context)


def _cohort_context(session, guide, cohort, heatmap) -> dict:
    members = cohorts.count_members(session, cohort_id=cohort.id)
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
    return {"cohort": cohort, "heatmap": heatmap, "members": members, "guide": guide,
            "quiz_titles": dict(columns), "lab_slug": LAB_SLUG,
            "histograms": histograms, "funnel": funnel,
            "co_instructors": cohorts.list_co_instructors(session, cohort_id=cohort.id),
            "page_url": _page_url(cohort.id, heatmap.query), "sorts": dashboard.SORTS}


def _page_url(cohort_id: int, query: dashboard.HeatmapQuery):
    """A function for the template: this page's URL with some query parameters changed."""
    current = {"sort": query.sort, "q": query.q, "flag": query.flag,
               "per_page": query.per_page, "page": query.page}

    def url(**changes) -> str:
        params = {k: v for k, v in (current | changes).items() if v not in ("", None)}
        return f"/instructor/cohorts/{cohort_id}?{urlencode(params)}"
    return url


@router.post("/instructor/cohorts/{cohort_id}/rotate-code")
def rotate_join_code(cohort_id: int, session: SessionDep, user: CurrentInstructor):
    cohort = cohorts.get_cohort_for(session, cohort_id=cohort_id, user=user)
    cohorts.rotate_code(session, cohort=cohort, actor=user)
    return _back(f"/instructor/cohorts/{cohort_id}#join")


@router.post("/instructor/cohorts/{cohort_id}/instructors")
def add_co_instructor(cohort_id: int, session: SessionDep, user: CurrentInstructor,
                      email: FormText = ""):
    cohort = cohorts.get_cohort_for(session, cohort_id=cohort_id, user=user)
    cohorts.add_co_instructor(session, cohort=cohort, email=email, actor=user)
    return _back(f"/instructor/cohorts/{cohort_id}#instructors")


@router.post("/instructor/cohorts/{cohort_id}/learners/{learner_id}/remove")
def remove_learner(cohort_id: int, learner_id: int, session: SessionDep,
                   user: CurrentInstructor):
    cohort = cohorts.get_cohort_for(session, cohort_id=cohort_id, user=user)
    cohorts.remove_member(session, cohort=cohort, learner_id=learner_id, actor=user)
    return _back(f"/instructor/cohorts/{cohort_id}")


@router.get("/instructor/cohorts/{cohort_id}/learners/{learner_id}",
            response_class=HTMLResponse)
def show_learner(request: Request, cohort_id: int, learner_id: int, session: SessionDep,
                 guide: GuideDep, settings: SettingsDep, user: CurrentInstructor):
    cohort = cohorts.get_cohort_for(session, cohort_id=cohort_id, user=user)
    report = learner_report.learner_report(session, cohort=cohort, learner_id=learner_id,
                                           guide=guide)
    return render_private(request, "instructor/learner.html", {"cohort": cohort, "report": report})


@router.post("/instructor/cohorts/{cohort_id}/learners/{learner_id}/reset")
def reset_quiz(cohort_id: int, learner_id: int, session: SessionDep, guide: GuideDep,
               user: CurrentInstructor, quiz_slug: FormText = ""):
    cohort = cohorts.get_cohort_for(session, cohort_id=cohort_id, user=user)
    learner_report.reset_quiz_attempts(session, cohort=cohort, learner_id=learner_id,
                                       quiz_slug=quiz_slug, actor=user, guide=guide)
    return _back(f"/instructor/cohorts/{cohort_id}/learners/{learner_id}#audit")


@router.get("/instructor/tokens", response_class=HTMLResponse)
def list_tokens(request: Request, session: SessionDep, user: CurrentInstructor):
    tokens = api_tokens.list_tokens(session, owner=user)
    return render_private(request, "instructor/tokens.html", {"tokens": tokens, "secret": None})


@router.post("/instructor/tokens", response_class=HTMLResponse)
def create_token(request: Request, session: SessionDep, user: CurrentInstructor,
                 name: FormText = ""):
    # Rendered, not redirected: the secret exists only in this response.
    token, secret = api_tokens.create_token(session, owner=user, name=name)
    tokens = api_tokens.list_tokens(session, owner=user)
    return render_private(request, "instructor/tokens.html",
                   {"tokens": tokens, "secret": secret, "new_token": token}, status_code=201)


@router.post("/instructor/tokens/{token_id}/revoke")
def revoke_token(token_id: int, session: SessionDep, user: CurrentInstructor):
    api_tokens.revoke_token(session, owner=user, token_id=token_id)
    return _back("/instructor/tokens")
