"""Test helpers shared by the test modules (fixtures live in conftest.py and only there).

Import from here: `from tests.support import csrf_token, register, ...`.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.config import Settings
from app.db import immediate, make_engine
from app.migrations import upgrade_database

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
REAL_CONTENT = ROOT / "content"
TEST_SECRET = "test-secret-not-for-production"
ARTIFACTS = ROOT / "test-artifacts"  # screenshots and other files a test run leaves
DEFAULT_PASSWORD = "correct horse battery"
# argon2 at its cheapest: production strength is the default (tests/test_settings_documented.py)
CHEAP_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_kib": 8, "argon2_parallelism": 1}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


# Each test starts its own app: rendering 118 service pages for each would cost most of the run.
CHEAP_START = {"prerender_services": False}
TEST_SETTINGS = CHEAP_ARGON2 | CHEAP_START


def make_settings(tmp_path: Path, database_url: str, content_dir: Path, **overrides) -> Settings:
    return Settings(database_url=database_url, content_dir=content_dir, var_dir=tmp_path / "var",
                    secret_key=TEST_SECRET, **(TEST_SETTINGS | overrides))


def csrf_token(client: TestClient) -> str:
    """Visit a page (as a browser would) and return the CSRF token from the cookie jar."""
    if "csrftoken" not in client.cookies:
        client.get("/healthz")
    return client.cookies["csrftoken"]


def start_anonymous(client: TestClient, chapter: str = "alpha", section: str = "first"):
    """Make this browser's first real write (a reading position), which gives it an anonymous
    user and a sign-in cookie: reads alone never create one."""
    response = client.post("/api/v1/me/position", json={"chapter_slug": chapter,
                                                         "section": section},
                           headers={"X-CSRF-Token": csrf_token(client)})
    assert response.status_code == 204, response.text
    return response


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


def filled_form(form) -> dict:
    """What a parsed form (BeautifulSoup) posts with its hidden fields kept, the first choice of
    every question and "customer" in every drop-down (matrix rows, lab cells, sorting items)."""
    data = {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}
    for choice in form.select("input[type=radio], input[type=checkbox]"):
        data.setdefault(choice["name"], choice["value"])
    for select in form.select("select"):
        data[select["name"]] = "customer"
    return data


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_database(directory: Path, postgres_url: str | None, template: Path | None) -> str:
    """A migrated, empty database: on SQLite a copy of the run's migrated template in
    `directory`; on PostgreSQL the run's database, emptied."""
    if postgres_url is None:
        shutil.copyfile(template, directory / "guide.db")
        return f"sqlite:///{directory / 'guide.db'}"
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


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A migrated database of our own on the server of `server_url`, dropped afterwards."""
    name = f"guide_test_{secrets.token_hex(4)}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade_database(immediate(engine))
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def database_of_its_own(directory: Path, template: Path | None) -> Iterator[str]:
    """A migrated database for a module's shared server, which no test empties (each test's
    `database_url` empties the worker's one PostgreSQL database)."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    if server_url:
        with postgres_database(server_url) as url:
            yield url
    else:
        yield fresh_database(directory, None, template)


def start_server(database_url: str, var_dir: Path, *, content: Path = REAL_CONTENT,
                 workers: int = 1, guide_serve: bool = False,
                 **environment: str) -> tuple[subprocess.Popen, str]:
    """The real app in a process group of its own (its workers die with it), on a free port,
    once it answers: bare uvicorn, or `guide serve` itself (which decides how it is served).
    Returns the process and the base URL; its output goes to var_dir/server.log (a pipe that
    nobody reads could fill and stall the server)."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "GUIDE_DATABASE_URL": database_url,
        "GUIDE_CONTENT_DIR": str(content),
        "GUIDE_VAR_DIR": str(var_dir),
        "GUIDE_SECRET_KEY": TEST_SECRET,
        "GUIDE_BASE_URL": base_url,
        "GUIDE_PORT": str(port),
        "GUIDE_WORKERS": str(workers),
        **{f"GUIDE_{name.upper()}": str(value) for name, value in TEST_SETTINGS.items()},
        **environment,
    }
    arguments = (["-m", "app.cli", "serve"] if guide_serve else
                 ["-m", "uvicorn", "--factory", "app.main:create_app", "--host", "127.0.0.1",
                  "--port", str(port), "--workers", str(workers), "--no-access-log"])
    var_dir.mkdir(parents=True, exist_ok=True)
    log = var_dir / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen([sys.executable, *arguments], cwd=ROOT, env=env,
                                   stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        wait_until_up(base_url, process, log)
    except BaseException:
        stop_server(process)
        raise
    return process, base_url


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=15)


@contextmanager
def serving(database_url: str, var_dir: Path, **options) -> Iterator[str]:
    """`start_server` for the length of a `with`; yields the base URL."""
    process, base_url = start_server(database_url, var_dir, **options)
    try:
        yield base_url
    finally:
        stop_server(process)


def local_http(base_url: str, **options) -> httpx.Client:
    """An HTTP client for our own server on 127.0.0.1. Plain HTTP: without verify=False each
    client loads the system's certificates (~20 ms of CPU, taken from the server under test)."""
    return httpx.Client(base_url=base_url, verify=False, **options)


def wait_until_up(base_url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    with local_http(base_url, timeout=1) as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                output = log.read_text(errors="replace")
                raise RuntimeError(f"server exited early:\n{output}")
            try:
                if http.get("/healthz").status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
    raise RuntimeError("server did not start within 60 s")

