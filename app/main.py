"""The application factory. Nothing runs at import: `uvicorn --factory app.main:create_app`.

A request travels: HeadAsGet (HEAD runs as GET, body dropped) -> Compression (gzip, brotli)
-> ResponseGuard (headers, the CSRF cookie bound to the sign-in, ETags) -> RequestGuard (body
size, CSRF check, then same-site Origin) -> PageCache (shared pages of visitors without a
sign-in) -> a route in app/routes/ (thin: dependencies from app/web/deps.py, a use case from
app/services/ run through `Database.read`/`write`, a `Page.render` or a JSON model) ->
app/web/errors.py for anything raised.
"""

import gc
import threading
from contextlib import asynccontextmanager
from pathlib import Path

from anyio import to_thread
from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from app.config import Settings, settings_or_exit
from app.db import Database, immediate, make_engine
from app.guide import Guide, load_guide
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
    instructor_actions,
    instructor_tokens,
    item_analysis,
    join,
    my_data,
    practice,
    quizzes,
    service_practice,
    services,
)
from app.routes import guide as guide_routes
from app.routes import lab as lab_routes
from app.routes import progress as progress_routes
from app.services.item_reports import ReportCache
from app.services.passwords import Passwords
from app.web.compression import Compression
from app.web.errors import ServerErrorPage, install_error_handlers
from app.web.fragments import Fragments
from app.web.head import HeadAsGet
from app.web.middleware import RequestGuard, ResponseGuard
from app.web.openapi import install_openapi
from app.web.pagecache import PageCache, PageStore
from app.web.rendering import make_templates, matrix_renderer
from app.writer import freeze_startup_garbage

# FastAPI's OpenTelemetry bridge: nothing here configures a provider, yet with it on every
# request asked OpenTelemetry whether one was (about 3% of a quiz submission's CPU).
NO_TELEMETRY = {"tracing": False, "metrics": False, "logs": False}
GC_THRESHOLDS = (10_000, 20, 20)  # Python's defaults: (700, 10, 10)
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
# Every area's router, in the order their routes are matched (no two areas share a path).
# FastAPI tries each router's routes in turn (twice per request: to match, then to handle),
# so the hot paths come first: the chapter pages (four routes), then the quiz API.
ROUTERS = (guide_routes.router, api_quizzes.router, health.router, quizzes.router,
           practice.router, api_docs.router, accounts.router, progress_routes.router,
           my_data.router, instructor.router, instructor_actions.router, instructor_tokens.router,
           cohorts_api.router, join.router, service_practice.router, services.router,
           api_services.router, lab_routes.router, item_analysis.router, exports.router)


class CachedStatic(StaticFiles):
    """Fingerprinted URLs (?v=hash) are immutable; anything else revalidates hourly."""

    def file_response(self, full_path, stat_result, scope, status_code=200):
        response = super().file_response(full_path, stat_result, scope, status_code)
        fingerprinted = b"v=" in scope.get("query_string", b"")
        response.headers["cache-control"] = (
            "public, max-age=31536000, immutable" if fingerprinted else "public, max-age=3600")
        return response


def create_app(settings: Settings | None = None, *, migrate: bool = True,
               guide: Guide | None = None) -> FastAPI:
    """Build the app: load and validate content, migrate the database, wire routes.

    `guide serve` migrates once before its workers start and passes migrate=False; tests pass
    a Guide they loaded once for many apps.
    """
    settings = settings or settings_or_exit()
    templates = make_templates(STATIC_DIR)
    guide = guide or load_guide(settings.content_dir, render_matrix=matrix_renderer())
    database = Database(make_engine(settings.resolved_database_url,
                                    pool_size=settings.database_pool_size,
                                    max_overflow=settings.database_max_overflow))
    if migrate:
        upgrade_database(immediate(database.engine))

    app = FastAPI(title="Azure Shared Responsibility Guide API", version="1",
                  docs_url=None, redoc_url=None, lifespan=lifespan, telemetry=NO_TELEMETRY)
    app.state.settings = settings
    app.state.templates = templates
    app.state.guide = guide
    app.state.database = database
    app.state.passwords = passwords_for(settings)
    app.state.page_cache = PageStore()
    app.state.report_cache = ReportCache()
    app.state.fragments = Fragments(templates)  # the service pages' bodies, kept once rendered
    if settings.prerender_services:
        threading.Thread(target=services.prerender, args=(app.state.fragments, guide),
                         name="prerender-services", daemon=True).start()

    install_error_handlers(app)
    app.mount("/static", CachedStatic(directory=STATIC_DIR), name="static")
    # The routers' own routes, as they are: include_router() would wrap each router, and every
    # app would then analyse each route's dependencies again at its first requests (a third of
    # the CPU of the tests, which build an app each). These routers need nothing it adds: no
    # prefix, dependencies or tags at inclusion.
    app.router.routes.extend(route for router in ROUTERS for route in router.routes)
    install_openapi(app)
    app.add_middleware(PageCache, store=app.state.page_cache)
    app.add_middleware(RequestGuard, secret=settings.resolved_secret_key,
                       max_body_bytes=settings.max_body_bytes, base_url=settings.base_url)
    app.add_middleware(ServerErrorPage)  # inside ResponseGuard: a 500 gets the headers too
    app.add_middleware(ResponseGuard, https=settings.https,
                       secret=settings.resolved_secret_key)
    app.add_middleware(Compression)  # outside ResponseGuard: ETags are of the plain body
    app.add_middleware(HeadAsGet)  # outermost: everything inside sees the GET it stands for
    return app


@asynccontextmanager
async def lifespan(app: FastAPI):
    """Start-up is over once the app is built: park its heap out of the collector's way.
    On shutdown the writer commits what it was given, then stops."""
    tune_garbage_collector()
    yield
    await to_thread.run_sync(app.state.database.close)


def tune_garbage_collector() -> None:
    """Fewer, cheaper collections: the start-up heap is frozen, and a request's many
    short-lived objects (rows, dicts, pydantic models) are mostly freed by reference counting,
    so the youngest generation may grow well past its default of 700 before a collection.
    Once per process: a test run builds many apps in one."""
    if gc.get_threshold() != GC_THRESHOLDS:
        gc.set_threshold(*GC_THRESHOLDS)
        freeze_startup_garbage()


def create_served_app() -> FastAPI:
    """The factory `guide serve` hands to uvicorn: it has migrated once, before the workers."""
    return create_app(migrate=False)


def passwords_for(settings: Settings) -> Passwords:
    return Passwords(time_cost=settings.argon2_time_cost, memory_kib=settings.argon2_memory_kib,
                     parallelism=settings.argon2_parallelism,
                     max_concurrent=settings.password_hashing_slots)
