"""Reading the guide: home, chapters, search."""

import hashlib

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.exc import DBAPIError

from app.db import session_scope
from app.db_status import is_read_only_error
from app.deps import (
    CurrentLearner,
    GuideDep,
    SessionDep,
    get_current_learner,
    get_or_create_learner,
)
from app.errors import NotFound
from app.services import progress

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def show_home(request: Request, guide: GuideDep, session: SessionDep, learner: CurrentLearner):
    marks = progress.chapter_marks(session, learner=learner)
    return request.app.state.templates.TemplateResponse(
        request, "guide/home.html", {"guide": guide, "marks": marks,
                                     "continue_url": progress.continue_at(learner, guide)[0]})


@router.get("/chapters/{slug}", response_class=HTMLResponse)
async def show_chapter(slug: str, request: Request, guide: GuideDep) -> Response:
    chapter = guide.chapter(slug)
    if chapter is None:
        raise NotFound(f"There is no chapter called “{slug}”.")
    if _first_contact(request):
        return _cached_page(request, lambda: _render_chapter(request, guide, chapter, {}))
    return await run_in_threadpool(_show_personal_chapter, request, guide, chapter)


def _show_personal_chapter(request: Request, guide, chapter) -> Response:
    """Record the visit (a returning browser gets an anonymous learner) and render the page.

    Opens its own sessions instead of taking SessionDep: the cookie-less fast path above must
    not pay for a thread hop or a connection, and most visits (reloads) need no write at all.
    """
    state = request.app.state
    with session_scope(state.engine) as session:
        learner = get_current_learner(request, session)
        if not progress.visit_needs_recording(learner, chapter.slug):
            return _render_chapter(request, guide, chapter,
                                   progress.chapter_marks(session, learner=learner))
    try:
        with session_scope(state.write_engine) as session:
            learner = get_or_create_learner(request, session, learner)
            progress.record_visit(session, learner=learner, chapter_slug=chapter.slug)
            return _render_chapter(request, guide, chapter,
                                   progress.chapter_marks(session, learner=learner))
    except DBAPIError as exc:
        if not is_read_only_error(exc):
            raise
    # A read-only database: reading still works, the visit is not recorded.
    request.scope["state"].pop("new_session_token", None)  # that session was not saved
    with session_scope(state.engine) as session:
        learner = get_current_learner(request, session)
        return _render_chapter(request, guide, chapter,
                               progress.chapter_marks(session, learner=learner))


@router.get("/search", response_class=HTMLResponse)
def search_guide(request: Request, guide: GuideDep, q: str = ""):
    query = q.strip()
    hits = guide.search(query) if query else []
    return request.app.state.templates.TemplateResponse(
        request, "guide/search.html", {"guide": guide, "query": query, "hits": hits})


def _first_contact(request: Request) -> bool:
    """No session and no CSRF cookie yet: a first request, a crawler or a load test.

    Such visitors get the shared pre-rendered page and create nothing; once the browser
    keeps our cookies, its visits are recorded.
    """
    return getattr(request.state, "first_contact", False)


def _render_chapter(request: Request, guide, chapter, marks) -> Response:
    previous, following = guide.neighbours(chapter)
    return request.app.state.templates.TemplateResponse(
        request, "guide/chapter.html",
        {"guide": guide, "chapter": chapter, "previous": previous, "next": following,
         "marks": marks})


def _cached_page(request: Request, render) -> Response:
    """Render the first-contact page once; PageCache serves the next ones from memory."""
    body = render().body
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    request.app.state.page_cache.store(request.url.path, body, etag)
    return Response(body, media_type="text/html", headers={"etag": etag})
