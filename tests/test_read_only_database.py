"""A database that cannot be written: /healthz says so, writes get a clear 503, reads work.

Tests run as root, which ignores file modes, so the database is made read-only through the
connection instead: SQLite's query_only, a read-only open (mode=ro), PostgreSQL's read-only
transactions.
"""

import sqlite3

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import event

from app.web.errors import READ_ONLY
from tests.support import csrf_token, register


def read_only_connections(engine, how: str) -> None:
    """From now on every new connection of `engine` is read-only."""
    engine.dispose()
    if how == "mode=ro":
        path = engine.url.database

        @event.listens_for(engine, "do_connect")
        def _open_read_only(_dialect, _record, _args, params):
            return sqlite3.connect(f"file:{path}?mode=ro", uri=True, **params)
        return

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        if how == "query_only":
            cursor.execute("PRAGMA query_only=ON")
        else:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            dbapi_connection.commit()
        cursor.close()


@pytest.fixture(params=["query_only", "mode=ro"])
def read_only_client(request, app):
    dialect = app.state.database.engine.dialect.name
    if dialect == "postgresql" and request.param != "query_only":
        pytest.skip("one way to make PostgreSQL read-only is enough")
    with TestClient(app) as client:
        token = csrf_token(client)  # before the database turns read-only
        read_only_connections(app.state.database.engine, "postgresql" if dialect == "postgresql"
                              else request.param)
        client.headers["X-CSRF-Token"] = token
        yield client


def test_healthz_is_ok_on_a_writable_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_read_only_database(read_only_client):
    response = read_only_client.get("/healthz")

    assert response.status_code == 503, response.text
    assert response.json() == {"status": "error", "database": "read-only"}


def test_a_write_under_api_gets_a_clear_503(read_only_client):
    response = read_only_client.post(
        "/api/v1/auth/register",
        json={"email": "ada@example.com", "password": "correct horse battery",
              "display_name": "Ada"})

    assert response.status_code == 503, response.text
    assert response.json() == {"detail": READ_ONLY}
    assert response.headers["content-security-policy"]


def test_a_form_write_gets_the_styled_503_page_and_reading_still_works(read_only_client):
    response = read_only_client.post(
        "/register", data={"email": "ada@example.com", "password": "correct horse battery",
                           "display_name": "Ada", "csrf_token": read_only_client.headers[
                               "X-CSRF-Token"]})

    assert response.status_code == 503, response.text
    page = BeautifulSoup(response.text, "html.parser")
    assert READ_ONLY in page.get_text()
    assert "Traceback" not in response.text
    chapter = read_only_client.get("/chapters/alpha")  # would record a visit: skipped
    assert chapter.status_code == 200, chapter.text
    assert "guide_session" not in chapter.cookies  # no cookie for a session never saved


def test_a_signed_in_learner_can_still_read_chapters(app):
    with TestClient(app) as client:
        assert register(client).status_code == 201
        engine = app.state.database.engine
        read_only_connections(engine, "postgresql"
                              if engine.dialect.name == "postgresql" else "query_only")

        for slug in ("alpha", "beta"):
            response = client.get(f"/chapters/{slug}")
            assert response.status_code == 200, response.text
