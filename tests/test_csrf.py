"""CSRF from the attacker's side: tokens are bound to the sign-in, and cross-site requests are
refused even with a valid token (app/web/middleware.py)."""

from fastapi.testclient import TestClient

from app.main import create_app
from tests.support import (
    FIXTURE_CONTENT,
    csrf_token,
    login,
    make_settings,
    register,
    start_anonymous,
)

POSITION = {"chapter_slug": "alpha", "section": "first"}


def remember_position(client: TestClient, token: str, **headers):
    return client.post("/api/v1/me/position", json=POSITION,
                       headers={"X-CSRF-Token": token, **headers})


def plant(client: TestClient, token: str) -> None:
    """What an attacker who can write cookies for the site (a sibling subdomain) does."""
    client.cookies.set("csrftoken", token)


def test_a_planted_token_minted_without_a_sign_in_fails_for_a_signed_in_victim(
        signed_in_client, app):
    with TestClient(app) as attacker:
        token = csrf_token(attacker)
    plant(signed_in_client, token)

    assert remember_position(signed_in_client, token).status_code == 403


def test_a_token_from_another_sign_in_fails(signed_in_client, app):
    with TestClient(app) as attacker:
        assert register(attacker, email="mallory@example.com").status_code == 201
        token = csrf_token(attacker)
    plant(signed_in_client, token)

    assert remember_position(signed_in_client, token).status_code == 403


def test_the_victims_own_token_works(signed_in_client):
    assert remember_position(signed_in_client, csrf_token(signed_in_client)).status_code == 204


def test_signing_in_issues_a_new_token_and_the_old_one_stops_working(client):
    assert register(client).status_code == 201
    client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf_token(client)})
    before = csrf_token(client)

    assert login(client).status_code == 200
    after = client.cookies["csrftoken"]
    assert after != before
    plant(client, before)
    assert remember_position(client, before).status_code == 403
    plant(client, after)
    assert remember_position(client, after).status_code == 204


def test_the_first_write_of_a_visitor_rebinds_the_token(client):
    before = csrf_token(client)
    response = start_anonymous(client)

    assert client.cookies["csrftoken"] != before
    assert response.headers["x-csrf-token"] == client.cookies["csrftoken"]  # for scripts
    assert remember_position(client, client.cookies["csrftoken"]).status_code == 204


def test_a_cross_site_origin_is_refused_even_with_a_valid_token(signed_in_client):
    token = csrf_token(signed_in_client)

    refused = remember_position(signed_in_client, token, Origin="https://evil.example")
    null = remember_position(signed_in_client, token, Origin="null")

    assert (refused.status_code, null.status_code) == (403, 403)
    assert "another site" in refused.json()["detail"]


def test_sec_fetch_site_cross_site_is_refused_even_with_a_valid_token(signed_in_client):
    response = remember_position(signed_in_client, csrf_token(signed_in_client),
                                 **{"Sec-Fetch-Site": "cross-site"})

    assert response.status_code == 403


def test_same_origin_requests_pass(signed_in_client, settings):
    token = csrf_token(signed_in_client)

    for headers in ({"Origin": "http://testserver"},
                    {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
                    {"Sec-Fetch-Site": "none"}):
        assert remember_position(signed_in_client, token, **headers).status_code == 204, headers


def test_the_login_form_then_a_submission_works(client):
    assert register(client).status_code == 201
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    signed_in = client.post("/login", follow_redirects=False, data={
        "csrf_token": csrf_token(client), "email": "ada@example.com",
        "password": "correct horse battery"})
    assert signed_in.status_code == 303, signed_in.text

    assert remember_position(client, csrf_token(client)).status_code == 204


def test_the_public_origin_of_guide_base_url_passes_and_look_alikes_do_not(
        tmp_path, database_url, guides):
    """Behind a proxy that does not pass the Host header on, the browser's Origin is the site's
    public address (GUIDE_BASE_URL), not the host the app sees."""
    settings = make_settings(tmp_path, database_url, FIXTURE_CONTENT,
                             base_url="http://guide.example.org")
    app = create_app(settings, migrate=False, guide=guides[FIXTURE_CONTENT])
    try:
        with TestClient(app) as client:
            assert register(client).status_code == 201
            token = csrf_token(client)
            statuses = {origin: remember_position(client, token, Origin=origin).status_code
                        for origin in ("http://guide.example.org", "http://testserver",
                                       "http://guide.example.org.evil.example",
                                       "https://guide.example.org", "http://evil.example")}
    finally:
        app.state.database.dispose()

    assert statuses == {"http://guide.example.org": 204, "http://testserver": 204,
                        "http://guide.example.org.evil.example": 403,
                        "https://guide.example.org": 403, "http://evil.example": 403}
