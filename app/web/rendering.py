"""Rendering HTML: the single Jinja2 environment, and `Page`, the one way to render a page.

Every HTML page shows who is signed in, the chapter nav with its ticks, and forms that carry
the CSRF token. A route never chooses those: it takes `PageDep` (app/web/deps.py) and returns
`page.render("area/page.html", {...})`; error pages are built the same way.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from starlette.responses import HTMLResponse

from app.guide.vocabulary import PARTY_ICONS, iso_utc
from app.models import User
from app.services import reading
from app.web.cookies import SIGN_IN_COOKIE, read_cookie
from app.web.middleware import csrf_token

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
SITE_NAME = "Azure Shared Responsibility Guide"


@dataclass(frozen=True)
class Page:
    """What every page of one request shares; `render` is the only way to make HTML."""

    request: Request
    viewer: User | None
    marks: dict[str, set[str]] = field(default_factory=dict)

    def render(self, template: str, context: dict | None = None, *, status_code: int = 200,
               headers: dict | None = None, others_data: bool = False,
               shared: bool = False) -> HTMLResponse:
        """Render `template` with the page's shared context.

        A page for a known viewer is private to that browser (and `others_data` pages, such as
        an instructor's reports about other people, are never stored by any cache). Without a
        viewer a page is still private (its forms carry this browser's CSRF token) unless the
        route says it is `shared`: the same bytes for every visitor, no token, no one's data.
        """
        state = self.request.app.state
        common = {"guide": state.guide, "viewer": self.viewer, "marks": self.marks,
                  "csrf_token": csrf_token(self.request)}
        return state.templates.TemplateResponse(
            self.request, template, common | (context or {}), status_code=status_code,
            headers={**cache_headers(self.viewer, others_data, shared), **(headers or {})})


def cache_headers(viewer: User | None, others_data: bool, shared: bool = False) -> dict[str, str]:
    if others_data:
        return {"Cache-Control": "no-store", "Vary": "Cookie"}
    if viewer is None and shared:
        return {"Cache-Control": "no-cache"}
    return {"Cache-Control": "private, no-cache", "Vary": "Cookie"}


async def build_page(request: Request) -> Page:
    """The page context of this request: its viewer and nav ticks, read in one go."""
    token = read_cookie(request.headers, SIGN_IN_COOKIE)
    if token is None:  # no sign-in cookie: nothing to look up, no thread hop
        return Page(request=request, viewer=None)
    viewer, marks = await request.app.state.database.read(reading.viewer_and_marks, token=token)
    return Page(request=request, viewer=viewer, marks=marks)


# --- the Jinja2 environment

def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


def when(value: datetime | None) -> str:
    """A short, readable UTC time."""
    return value.strftime("%d %b %Y, %H:%M UTC") if value else "never"


def day(value: datetime | None) -> str:
    """A compact date for dense tables ("01 Dec"); `when` gives the full time."""
    return value.strftime("%d %b") if value else "never"


def _fingerprints(static_dir: Path) -> dict[str, str]:
    return {
        path.relative_to(static_dir).as_posix(): hashlib.blake2b(
            path.read_bytes(), digest_size=6).hexdigest()
        for path in static_dir.rglob("*") if path.is_file()
    }


@cache
def make_templates(static_dir: Path) -> Jinja2Templates:
    """The one environment of this process: every app built in it (the test suite builds
    hundreds) shares it, so each template is compiled once."""
    templates = Jinja2Templates(directory=TEMPLATES_DIR)
    env = templates.env
    env.trim_blocks = True
    env.lstrip_blocks = True
    fingerprints = _fingerprints(static_dir)

    def static_url(path: str) -> str:
        return f"/static/{path}?v={fingerprints.get(path, '0')}"

    env.globals.update(static_url=static_url, site_name=SITE_NAME, party_icons=PARTY_ICONS)
    env.filters.update(percent=percent, iso=iso_utc, when=when, day=day)
    return templates


def matrix_renderer():
    """The content engine's `[[matrix]]` directive: the matrix as the accessible table partial,
    rendered once at start-up (the partial needs no request and no static URLs)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(party_icons=PARTY_ICONS)
    table = env.get_template("guide/_matrix_table.html")
    return lambda matrix: table.render(matrix=matrix)
