"""A bug still gets the styled error page (JSON under /api) and every security header."""

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from app.web.errors import SERVER_ERROR


@pytest.fixture
def buggy_client(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail from the bug")

    @app.get("/api/v1/boom")
    def api_boom():
        raise RuntimeError("secret detail from the bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def assert_guarded(response) -> None:
    assert response.status_code == 500, response.text
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "secret detail" not in response.text
    assert "Traceback" not in response.text


def test_a_bug_gets_the_styled_error_page_with_security_headers(buggy_client):
    response = buggy_client.get("/boom")

    assert_guarded(response)
    assert response.headers["content-type"].startswith("text/html")
    page = BeautifulSoup(response.text, "html.parser")
    assert page.h1.get_text(strip=True) == "Something went wrong"
    assert SERVER_ERROR in page.get_text()
    assert page.find("a", href="/") is not None  # the site's own layout, with a way back


def test_a_bug_under_api_gets_json_with_security_headers(buggy_client):
    response = buggy_client.get("/api/v1/boom")

    assert_guarded(response)
    assert response.json() == {"detail": SERVER_ERROR}


def test_the_bug_still_reaches_the_server_log(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("logged")

    with TestClient(app) as client, pytest.raises(RuntimeError, match="logged"):
        client.get("/boom")


def test_a_database_error_other_than_read_only_is_still_a_500(app):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    @app.get("/api/v1/disk-error")
    def disk_error():
        raise OperationalError("UPDATE x", {}, sqlite3.OperationalError("disk I/O error"))

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/disk-error")

    assert_guarded(response)
    assert response.json() == {"detail": SERVER_ERROR}
