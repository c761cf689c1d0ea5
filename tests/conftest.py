"""Shared fixtures: a fresh database per test, the app on fixture content, a live server."""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.config import Settings
from app.main import create_app

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
REAL_CONTENT = ROOT / "content"
TEST_SECRET = "test-secret-not-for-production"


# --- database: a file per test on SQLite; on PostgreSQL one database per run, emptied per test

@pytest.fixture(scope="session")
def postgres_url():
    """A database of our own on the server named by TEST_DATABASE_URL, dropped at the end."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield None
        return
    name = f"guide_test_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def database_url(tmp_path, postgres_url) -> str:
    if postgres_url is None:
        return f"sqlite:///{tmp_path / 'guide.db'}"
    engine = create_engine(postgres_url)
    with engine.begin() as connection:
        tables = connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version'")).scalars().all()
        if tables:
            names = ", ".join(f'"{t}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return postgres_url


# --- the app

# argon2 at its cheapest: production strength is the default (tests/test_passwords.py checks)
CHEAP_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_kib": 8, "argon2_parallelism": 1}


def make_settings(tmp_path: Path, database_url: str, content_dir: Path, **overrides) -> Settings:
    return Settings(database_url=database_url, content_dir=content_dir, var_dir=tmp_path / "var",
                    secret_key=TEST_SECRET, **(CHEAP_ARGON2 | overrides))


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    return make_settings(tmp_path, database_url, FIXTURE_CONTENT)


@pytest.fixture
def app(settings):
    app = create_app(settings)
    yield app
    app.state.database.dispose()


@pytest.fixture
def client(app):
    with TestClient(app) as client:
        yield client


@pytest.fixture
def real_app(tmp_path, database_url):
    app = create_app(make_settings(tmp_path, database_url, REAL_CONTENT))
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


def start_anonymous(client: TestClient, chapter: str = "alpha", section: str = "first"):
    """Make this browser's first real write (a reading position), which gives it an anonymous
    user and a sign-in cookie: reads alone never create one."""
    response = client.post("/api/v1/me/position", json={"chapter_slug": chapter,
                                                         "section": section},
                           headers={"X-CSRF-Token": csrf_token(client)})
    assert response.status_code == 204, response.text
    return response


def csrf_token(client: TestClient) -> str:
    """Visit a page (as a browser would) and return the CSRF token from the cookie jar."""
    if "csrftoken" not in client.cookies:
        client.get("/healthz")
    return client.cookies["csrftoken"]


# --- a real server and a real browser

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(tmp_path, database_url):
    """The real app under uvicorn in its own process, on real content and a free port."""
    port = free_port()
    env = {
        **os.environ,
        "GUIDE_DATABASE_URL": database_url,
        "GUIDE_CONTENT_DIR": str(REAL_CONTENT),
        "GUIDE_VAR_DIR": str(tmp_path / "var"),
        "GUIDE_SECRET_KEY": TEST_SECRET,
        "GUIDE_BASE_URL": f"http://127.0.0.1:{port}",
        **{f"GUIDE_{name.upper()}": str(value) for name, value in CHEAP_ARGON2.items()},
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app",
         "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    _wait_until_up(base_url, process)
    yield base_url
    process.terminate()
    process.wait(timeout=10)


def _wait_until_up(base_url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace")
            raise RuntimeError(f"server exited early:\n{output}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("server did not start within 30 s")


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


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
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


ARTIFACTS = ROOT / "test-artifacts"


def axe_serious_violations(page) -> list[dict]:
    """Run axe-core on the page; return the serious and critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def describe_violations(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in violations)


# --- accounts and progress: a database session on the app, sign-up/sign-in helpers

@pytest.fixture
def db(app):
    """A session on the app's database, for factories and for checking stored rows."""
    from sqlmodel import Session

    with Session(app.state.database.engine, expire_on_commit=False) as session:
        yield session


DEFAULT_PASSWORD = "correct horse battery"


def register(client: TestClient, email: str = "ada@example.com",
             password: str = DEFAULT_PASSWORD, display_name: str = "Ada"):
    """Create an account through the JSON API (the client is then signed in)."""
    return client.post("/api/v1/auth/register",
                       json={"email": email, "password": password, "display_name": display_name},
                       headers={"X-CSRF-Token": csrf_token(client)})


def login(client: TestClient, email: str = "ada@example.com", password: str = DEFAULT_PASSWORD):
    """Sign in through the JSON API."""
    return client.post("/api/v1/auth/login", json={"email": email, "password": password},
                       headers={"X-CSRF-Token": csrf_token(client)})


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
