"""Fixtures, and only fixtures (helpers are in tests/support.py): a fresh database per test,
the app on fixture or real content, a live server, a real browser.

Speed: `make test` runs one pytest worker per core (pytest-xdist); in each worker the schema is
migrated once into a template (copied per test on SQLite, emptied per test on PostgreSQL),
each content folder is loaded once, and the apps share one Jinja environment.
"""

import os
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.db import immediate, make_engine
from app.guide import load_guide
from app.main import create_app
from app.migrations import upgrade_database
from app.web.rendering import matrix_renderer
from tests.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    FIXTURE_CONTENT,
    REAL_CONTENT,
    database_of_its_own,
    fresh_database,
    make_settings,
    postgres_database,
    register,
    serving,
)


def pytest_collection_modifyitems(items):
    """Browser tests run last: Playwright's sync API leaves an event loop running in the main
    thread for the rest of the run, and tests that call `asyncio.run` must come before it.
    Within each kind, the tests marked `long` come first: started last, one of them would keep
    its worker busy for half a minute after the other one had finished."""
    items.sort(key=lambda item: (item.get_closest_marker("browser") is not None,
                                 item.get_closest_marker("long") is None))


# --- database: a file per test on SQLite; on PostgreSQL one database per run, emptied per test

@pytest.fixture(scope="session")
def postgres_url():
    """A migrated database of our own on the server named by TEST_DATABASE_URL, dropped at the
    end (one per xdist worker); None on SQLite."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        yield None
        return
    with postgres_database(server_url) as url:
        yield url


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory, postgres_url) -> Path | None:
    """A migrated SQLite file to copy per test (None on PostgreSQL)."""
    if postgres_url is not None:
        return None
    path = tmp_path_factory.mktemp("template") / "guide.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_database(immediate(engine))
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def database_url(tmp_path, postgres_url, migrated_template) -> str:
    """A migrated, empty database of this test's own."""
    return fresh_database(tmp_path, postgres_url, migrated_template)


# --- the app

@pytest.fixture(scope="session")
def guides() -> dict:
    """Each content folder loaded once per run (a Guide is immutable)."""
    return {path: load_guide(path, render_matrix=matrix_renderer())
            for path in (FIXTURE_CONTENT, REAL_CONTENT)}


@pytest.fixture
def settings(tmp_path, database_url):
    return make_settings(tmp_path, database_url, FIXTURE_CONTENT)


@pytest.fixture
def app(settings, guides):
    app = create_app(settings, migrate=False, guide=guides[FIXTURE_CONTENT])
    yield app
    app.state.database.dispose()


@pytest.fixture
def client(app):
    with TestClient(app) as client:
        yield client


@pytest.fixture
def real_app(tmp_path, database_url, guides):
    app = create_app(make_settings(tmp_path, database_url, REAL_CONTENT), migrate=False,
                     guide=guides[REAL_CONTENT])
    yield app
    app.state.database.dispose()


@pytest.fixture
def real_client(real_app):
    with TestClient(real_app) as client:
        yield client


@pytest.fixture
def content(tmp_path) -> Path:
    """A writable copy of the fixture content, for breaking it on purpose."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


# --- a real server and a real browser

@pytest.fixture
def live_server(tmp_path, database_url):
    """The real app under uvicorn in its own process, on real content and a free port."""
    with serving(database_url, tmp_path / "var") as base_url:
        yield base_url


@pytest.fixture(scope="module")
def shared_site(tmp_path_factory, migrated_template):
    """(base URL, database URL) of one live server for a whole module whose tests only read,
    or write only as their own anonymous browsers: a server start is ~2 s of CPU."""
    tmp = tmp_path_factory.mktemp("shared-server")
    with database_of_its_own(tmp, migrated_template) as database_url, \
            serving(database_url, tmp / "var") as base_url:
        yield base_url, database_url


@pytest.fixture(scope="module")
def shared_server(shared_site):
    """The base URL of the module's `shared_site`."""
    return shared_site[0]


@pytest.fixture(scope="session")
def browser():
    """Debian Chromium through Playwright; a skip locally without it, a failure in CI."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    # Playwright's sync API leaves an event loop running in this thread: browser tests must
    # be marked, so that `-m "not browser"` runs stay free of it.
    assert request.node.get_closest_marker("browser"), "mark browser tests with pytest.mark.browser"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


# --- accounts and progress: a database session on the app, sign-up/sign-in helpers

@pytest.fixture
def db(app):
    """A session on the app's database, for factories and for checking stored rows."""
    from sqlmodel import Session

    with Session(app.state.database.engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def signed_in_client(client):
    """`client`, registered and signed in as ada@example.com."""
    response = register(client)
    assert response.status_code == 201, response.text
    return client


# --- instructors (the instructor dashboard's tests; helpers in tests/cohort_helpers.py)

@pytest.fixture
def teacher(app):
    """An instructor account (no password: tests sign it in with a session directly)."""
    from tests.cohort_helpers import make_account

    return make_account(app, email="teacher@example.com", role="instructor",
                        display_name="Teacher One")


@pytest.fixture
def instructor_client(app, teacher):
    """A client signed in as `teacher`; redirects are not followed."""
    from tests.cohort_helpers import client_for

    with client_for(app, teacher) as client:
        yield client
