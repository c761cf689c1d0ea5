"""Reading the guide: home, chapters, search."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.deps import CurrentLearner, GuideDep, SessionDep, start_session
from app.errors import NotFound
from app.services import progress, sessions

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def show_home(request: Request, guide: GuideDep, session: SessionDep, learner: CurrentLearner):
    marks = progress.chapter_marks(session, learner=learner)
    return request.app.state.templates.TemplateResponse(
        request, "guide/home.html", {"guide": guide, "marks": marks,
                                     "continue_url": progress.continue_at(learner, guide)[0]})


@router.get("/chapters/{slug}", response_class=HTMLResponse)
def show_chapter(slug: str, request: Request, guide: GuideDep, session: SessionDep,
                 learner: CurrentLearner) -> Response:
    chapter = guide.chapter(slug)
    if chapter is None:
        raise NotFound(f"There is no chapter called “{slug}”.")
    if learner is None and not _returning_browser(request):
        return _cached_anonymous_page(request, guide, chapter)
    if learner is None:
        learner = sessions.create_anonymous_learner(session)
        start_session(request, session, learner)
    progress.record_visit(session, learner=learner, chapter_slug=slug)
    marks = progress.chapter_marks(session, learner=learner)
    return _render_chapter(request, guide, chapter, marks)


@router.get("/search", response_class=HTMLResponse)
def search_guide(request: Request, guide: GuideDep, q: str = ""):
    query = q.strip()
    hits = guide.search(query) if query else []
    return request.app.state.templates.TemplateResponse(
        request, "guide/search.html", {"guide": guide, "query": query, "hits": hits})


def _returning_browser(request: Request) -> bool:
    """True once the browser keeps our cookies: only then is a visit worth a learner row.

    A first request (or a client that drops cookies, like a crawler or a load test) gets the
    shared pre-rendered page and creates nothing.
    """
    return not getattr(request.state, "set_csrf_cookie", False)


def _render_chapter(request: Request, guide, chapter, marks) -> Response:
    previous, following = guide.neighbours(chapter)
    return request.app.state.templates.TemplateResponse(
        request, "guide/chapter.html",
        {"guide": guide, "chapter": chapter, "previous": previous, "next": following,
         "marks": marks})


def _cached_anonymous_page(request: Request, guide, chapter) -> Response:
    """The same bytes for every visitor without a learner: rendered once, then from memory."""
    cache = request.app.state.page_cache
    key = ("chapter", chapter.slug)
    if key not in cache:
        rendered = _render_chapter(request, guide, chapter, {})
        cache[key] = rendered.body
    return HTMLResponse(cache[key])
