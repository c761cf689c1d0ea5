"""The single Jinja2 environment: filters, globals and the fingerprinted static URLs."""

import hashlib
from datetime import datetime
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

TEMPLATES_DIR = Path(__file__).parent / "templates"
SITE_NAME = "Azure Shared Responsibility Guide"


def _fingerprints(static_dir: Path) -> dict[str, str]:
    return {
        path.relative_to(static_dir).as_posix(): hashlib.blake2b(
            path.read_bytes(), digest_size=6).hexdigest()
        for path in static_dir.rglob("*") if path.is_file()
    }


def _request_context(request: Request) -> dict:
    state = request.state
    return {
        "csrf_token": getattr(state, "csrf_token", ""),
        "learner": getattr(state, "learner", None),
        "site_name": SITE_NAME,
    }


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


def iso(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def when(value: datetime | None) -> str:
    """A short, readable UTC time."""
    return value.strftime("%d %b %Y, %H:%M UTC") if value else "never"


def render_private(request: Request, template: str, context: dict, status_code: int = 200):
    """A page about one person (progress, cohorts, reports): never stored by any cache."""
    return request.app.state.templates.TemplateResponse(
        request, template, context, status_code=status_code,
        headers={"Cache-Control": "no-store"})


def make_templates(static_dir: Path) -> Jinja2Templates:
    templates = Jinja2Templates(directory=TEMPLATES_DIR, context_processors=[_request_context])
    env = templates.env
    env.trim_blocks = True
    env.lstrip_blocks = True
    fingerprints = _fingerprints(static_dir)

    def static_url(path: str) -> str:
        return f"/static/{path}?v={fingerprints.get(path, '0')}"

    env.globals.update(static_url=static_url, site_name=SITE_NAME)
    env.filters.update(percent=percent, iso=iso, when=when)
    return templates
