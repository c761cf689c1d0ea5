"""The application factory. Nothing runs at import: `uvicorn --factory app.main:create_app`.

A request travels: ResponseGuard (headers, CSRF cookie, ETags) -> RequestGuard (body size,
CSRF check) -> PageCache (shared pages of visitors without a sign-in) -> a route in
app/routes/ (thin: dependencies from app/web/deps.py, a use case from app/services/ run
through `Database.read`/`write`, a `Page.render` or a JSON model) -> app/web/errors.py for
anything raised.
"""

from pathlib import Path

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from app.config import Settings
from app.db import Database, make_engine, writer
from app.guide import load_guide
from app.migrations import upgrade_database
from app.routes import (
    accounts,
    api_docs,
    api_quizzes,
    api_services,
    cohorts_api,
    exports,
    health,
    instructor,
    item_analysis,
    join,
    my_data,
    quizzes,
    services,
)
from app.routes import guide as guide_routes
from app.routes import lab as lab_routes
from app.routes import progress as progress_routes
from app.services.item_reports import ReportCache
from app.services.passwords import Passwords
from app.web.errors import ServerErrorPage, install_error_handlers
from app.web.fragments import Fragments
from app.web.middleware import RequestGuard, ResponseGuard
from app.web.pagecache import PageCache, PageStore
from app.web.rendering import make_templates

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
# Every area's router, in the order their routes are matched.
ROUTERS = (guide_routes.router, health.router, quizzes.router, api_quizzes.router,
           api_docs.router, accounts.router, progress_routes.router, my_data.router,
           instructor.router, cohorts_api.router, join.router, lab_routes.router,
           item_analysis.router, exports.router, services.router, api_services.router)


class CachedStatic(StaticFiles):
    """Fingerprinted URLs (?v=hash) are immutable; anything else revalidates hourly."""

    def file_response(self, full_path, stat_result, scope, status_code=200):
        response = super().file_response(full_path, stat_result, scope, status_code)
        fingerprinted = b"v=" in scope.get("query_string", b"")
        response.headers["cache-control"] = (
            "public, max-age=31536000, immutable" if fingerprinted else "public, max-age=3600")
        return response


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> FastAPI:
    """Build the app: load and validate content, migrate the database, wire routes.

    `guide serve` migrates once before its workers start and passes migrate=False.
    """
    settings = settings or Settings()
    templates = make_templates(STATIC_DIR)
    matrix_table = templates.get_template("guide/_matrix_table.html")
    guide = load_guide(settings.content_dir, render_matrix=lambda m: matrix_table.render(matrix=m))
    database = Database(make_engine(settings.resolved_database_url))
    if migrate:
        upgrade_database(writer(database.engine))

    app = FastAPI(title="Azure Shared Responsibility Guide API", version="1",
                  docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.templates = templates
    app.state.guide = guide
    app.state.database = database
    app.state.passwords = passwords_for(settings)
    app.state.page_cache = PageStore()
    app.state.report_cache = ReportCache()
    app.state.fragments = Fragments(templates)  # the service pages' bodies, kept once rendered

    install_error_handlers(app)
    app.mount("/static", CachedStatic(directory=STATIC_DIR), name="static")
    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(PageCache, store=app.state.page_cache)
    app.add_middleware(RequestGuard, secret=settings.resolved_secret_key,
                       max_body_bytes=settings.max_body_bytes)
    app.add_middleware(ServerErrorPage)  # inside ResponseGuard: a 500 gets the headers too
    app.add_middleware(ResponseGuard, https=settings.https)
    return app


def create_served_app() -> FastAPI:
    """The factory `guide serve` hands to uvicorn: it has migrated once, before the workers."""
    return create_app(migrate=False)


def passwords_for(settings: Settings) -> Passwords:
    return Passwords(time_cost=settings.argon2_time_cost, memory_kib=settings.argon2_memory_kib,
                     parallelism=settings.argon2_parallelism,
                     max_concurrent=settings.password_hashing_slots)
