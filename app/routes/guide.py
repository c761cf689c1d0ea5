"""Reading the guide: home, chapters, search (and the /favicon.ico browsers ask for)."""

import hashlib

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import DBAPIError

from app.db_status import is_read_only_error
from app.errors import NotFound
from app.services import reading
from app.web.deps import Db, GuideDep, PageDep
from app.web.inputs import QueryText
from app.web.middleware import has_no_sign_in

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def show_home(page: PageDep, guide: GuideDep):
    return page.render("guide/home.html",
                       {"continue_url": reading.continue_at(page.viewer, guide)[0]}, shared=True)


@router.get("/chapters/{slug}", response_class=HTMLResponse)
async def show_chapter(slug: str, request: Request, page: PageDep, guide: GuideDep, db: Db):
    """A chapter. A known reader's visit is recorded (not on a quick reload)."""
    chapter = guide.chapter(slug)
    if chapter is None:
        raise NotFound(f"There is no chapter called “{slug}”.")
    previous, following = guide.neighbours(chapter)
    context = {"chapter": chapter, "previous": previous, "next": following}
    if page.viewer is None:
        response = page.render("guide/chapter.html", context, shared=True)
        if has_no_sign_in(request):  # the same page for every such visitor: keep it
            _keep_for_signed_out_visitors(request, response)
        return response
    if reading.visit_needs_recording(page.viewer, chapter.slug):
        try:
            await db.write(reading.record_visit, user_id=page.viewer.id,
                           chapter_slug=chapter.slug)
            page.marks.setdefault(chapter.slug, set()).add("read")
        except DBAPIError as exc:  # a read-only database: reading still works, unrecorded
            if not is_read_only_error(exc):
                raise
    return page.render("guide/chapter.html", context)


@router.get("/search", response_class=HTMLResponse)
async def search_guide(page: PageDep, guide: GuideDep, q: QueryText = ""):
    query = q.strip()
    results = guide.search(query)
    return page.render("guide/search.html", {"query": query, "results": results}, shared=True)


@router.get("/favicon.ico")
async def show_favicon():
    """Browsers and tools ask for /favicon.ico whatever the page says: point them at the SVG."""
    return RedirectResponse("/static/favicon.svg", status_code=301,
                            headers={"cache-control": "public, max-age=86400"})


def _keep_for_signed_out_visitors(request: Request, response: Response) -> None:
    """The page cache (app/web/pagecache.py) serves the next first-contact visitors."""
    etag = '"' + hashlib.blake2b(response.body, digest_size=12).hexdigest() + '"'
    request.app.state.page_cache.store(request.url.path, response.body, etag)
    response.headers["etag"] = etag
