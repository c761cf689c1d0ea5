"""Accounts over HTTP: register, sign in (merging anonymous progress), sign out, CSRF, input."""

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlmodel import func, select

from app.main import create_app
from app.models import Attempt, ChapterVisit, QuizProgress, SignIn, User
from app.services.accounts import safe_next
from tests.factories import make_attempt, minutes_ago
from tests.support import (
    DEFAULT_PASSWORD,
    FIXTURE_CONTENT,
    csrf_token,
    login,
    make_settings,
    register,
    start_anonymous,
)


def read_as_anonymous(client: TestClient, *slugs: str) -> int:
    """Read chapters as a returning browser without an account; return the learner's id."""
    start_anonymous(client)  # a first write: visits are recorded from now on
    for slug in slugs:
        assert client.get(f"/chapters/{slug}").status_code == 200
    return client.get("/api/v1/me/progress").json()["learner"]["id"]


def progress_of(client: TestClient) -> dict:
    return client.get("/api/v1/me/progress").json()


def count(db, table) -> int:
    return db.exec(select(func.count()).select_from(table)).one()


def set_cookies(response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


def test_register_creates_account_and_signs_in(client, db):
    response = register(client, email="  Ada@Example.COM ", display_name="Ada L")

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["email"] == "ada@example.com"
    assert body["display_name"] == "Ada L"
    assert progress_of(client)["learner"] == {"id": body["id"], "display_name": "Ada L"}
    stored = db.get(User, body["id"])
    assert stored.password_hash.startswith("$argon2")
    assert DEFAULT_PASSWORD not in stored.password_hash


def test_session_cookie_is_httponly_and_samesite_lax(client):
    cookie = set_cookies(register(client))["guide_session"]

    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_when_base_url_is_https(tmp_path, database_url):
    app = create_app(make_settings(tmp_path, database_url, FIXTURE_CONTENT,
                                   base_url="https://guide.example.org"))
    try:
        with TestClient(app, base_url="https://testserver") as client:
            cookie = set_cookies(register(client))["guide_session"]
    finally:
        app.state.database.dispose()

    assert "Secure" in cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_register_keeps_anonymous_progress(client, db):
    learner_id = read_as_anonymous(client, "alpha")
    make_attempt(db, learner=db.get(User, learner_id), quiz_slug="alpha", percent=100)

    response = register(client)

    assert response.status_code == 201, response.text
    assert response.json()["id"] == learner_id
    progress = progress_of(client)
    assert {c["slug"]: c["read"] for c in progress["chapters"]}["alpha"] is True
    assert progress["quizzes"][0]["slug"] == "alpha"
    assert progress["quizzes"][0]["passed"] is True
    assert count(db, User) == 1


def test_register_starts_a_new_session_token(client, db):
    read_as_anonymous(client, "alpha")
    anonymous_token = client.cookies["guide_session"]

    register(client)

    assert client.cookies["guide_session"] != anonymous_token
    assert count(db, SignIn) == 1


def test_login_on_a_second_device_sees_the_same_progress(app, signed_in_client, db):
    signed_in_client.get("/chapters/beta")
    learner_id = progress_of(signed_in_client)["learner"]["id"]
    make_attempt(db, learner=db.get(User, learner_id), quiz_slug="beta", percent=60)

    with TestClient(app) as second_device:
        response = login(second_device)
        assert response.status_code == 200, response.text
        assert progress_of(second_device) == progress_of(signed_in_client)
    assert progress_of(signed_in_client)["quizzes"][1]["attempts"] == 1


def test_login_merges_anonymous_progress_into_the_account(app, signed_in_client, db):
    account_id = progress_of(signed_in_client)["learner"]["id"]
    signed_in_client.get("/chapters/alpha")
    account = db.get(User, account_id)
    make_attempt(db, learner=account, quiz_slug="alpha", percent=50, at=minutes_ago(30))

    with TestClient(app) as other_browser:
        anonymous_id = read_as_anonymous(other_browser, "alpha", "beta")
        anonymous = db.get(User, anonymous_id)
        make_attempt(db, learner=anonymous, quiz_slug="alpha", percent=90, at=minutes_ago(10))
        make_attempt(db, learner=anonymous, quiz_slug="lab", percent=100)

        assert login(other_browser).status_code == 200
        merged = progress_of(other_browser)

    assert merged["learner"]["id"] == account_id
    assert [c["read"] for c in merged["chapters"]] == [True, True, False]
    alpha = {q["slug"]: q for q in merged["quizzes"]}["alpha"]
    assert (alpha["attempts"], alpha["best_percent"], alpha["last_percent"]) == (2, 90.0, 90.0)
    assert alpha["passed"] is True
    db.expire_all()
    assert db.get(User, anonymous_id) is None
    assert count(db, ChapterVisit) == 2
    firsts = db.exec(select(Attempt).where(Attempt.is_first)).all()
    assert [(a.quiz_slug, a.percent) for a in sorted(firsts, key=lambda a: a.quiz_slug)] == [
        ("alpha", 50.0), ("lab", 100.0)]
    assert count(db, QuizProgress) == 2


def test_login_says_the_same_for_unknown_email_and_wrong_password(signed_in_client, app):
    with TestClient(app) as client:
        wrong_password = login(client, password="not the password")
        unknown_email = login(client, email="nobody@example.com")

    assert wrong_password.status_code == 401
    assert unknown_email.status_code == 401
    assert wrong_password.json() == unknown_email.json()


def test_logout_ends_the_session_server_side(app, signed_in_client, db):
    old_token = signed_in_client.cookies["guide_session"]

    response = signed_in_client.post("/api/v1/auth/logout",
                                     headers={"X-CSRF-Token": csrf_token(signed_in_client)})

    assert response.status_code == 204
    assert "Max-Age=0" in set_cookies(response)["guide_session"]
    assert count(db, SignIn) == 0
    with TestClient(app, cookies={"guide_session": old_token}) as replay:
        assert progress_of(replay)["learner"] is None


def test_html_logout_redirects_home_and_ends_the_session(app, signed_in_client, db):
    response = signed_in_client.post("/logout", data={"csrf_token": csrf_token(signed_in_client)},
                                     follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert count(db, SignIn) == 0
    assert progress_of(signed_in_client)["learner"] is None


def test_register_rejects_an_email_that_has_an_account(signed_in_client, app, db):
    with TestClient(app) as client:
        response = register(client, email="ADA@example.com", display_name="Impostor")

    assert response.status_code == 409
    assert response.json()["field"] == "email"
    assert count(db, User) == 1


@pytest.mark.parametrize(("body", "field"), [
    ({"email": "not-an-email", "password": DEFAULT_PASSWORD, "display_name": "A"}, "email"),
    ({"email": "a@b", "password": DEFAULT_PASSWORD, "display_name": "A"}, "email"),
    ({"email": "a@example.com", "password": "short", "display_name": "A"}, "password"),
    ({"email": "a@example.com", "password": DEFAULT_PASSWORD, "display_name": "  "},
     "display_name"),
    ({"email": "a@example.com", "password": DEFAULT_PASSWORD}, "display_name"),
    ({"email": "a" * 250 + "@example.com", "password": DEFAULT_PASSWORD, "display_name": "A"},
     "email"),
    ({"email": "a@example.com", "password": "x" * 2000, "display_name": "A"}, "password"),
    ({"email": "a@example.com", "password": 1234567890123, "display_name": "A"}, "password"),
])
def test_register_rejects_bad_input_naming_the_field(client, db, body, field):
    response = client.post("/api/v1/auth/register", json=body,
                           headers={"X-CSRF-Token": csrf_token(client)})

    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert field in response.json()["detail"]
    assert count(db, User) == 0


def test_register_form_states_the_password_rule(client):
    page = BeautifulSoup(client.get("/register").text, "html.parser")

    password = page.find("input", attrs={"name": "password"})
    hint = page.find(id=password["aria-describedby"].split()[0])
    assert "At least 10 characters" in hint.get_text()
    assert password["minlength"] == "10"


def test_register_form_signs_in_and_follows_next(client, db):
    response = client.post("/register", data={
        "csrf_token": csrf_token(client), "email": "grace@example.com",
        "password": DEFAULT_PASSWORD, "display_name": "Grace", "next": "/progress"},
        follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/progress"
    assert progress_of(client)["learner"]["display_name"] == "Grace"


def test_register_form_error_keeps_the_answers_and_marks_the_field(client, db):
    response = client.post("/register", data={
        "csrf_token": csrf_token(client), "email": "grace@example.com",
        "password": "short", "display_name": "Grace"})

    assert response.status_code == 422
    page = BeautifulSoup(response.text, "html.parser")
    assert "at least 10 characters" in page.find(role="alert").get_text()
    assert page.find("input", attrs={"name": "email"})["value"] == "grace@example.com"
    assert page.find("input", attrs={"name": "password"})["aria-invalid"] == "true"
    assert page.find("input", attrs={"name": "password"}).get("value") is None
    assert count(db, User) == 0


def test_login_form_error_does_not_say_which_part_was_wrong(signed_in_client, app):
    with TestClient(app) as client:
        response = client.post("/login", data={
            "csrf_token": csrf_token(client), "email": "ada@example.com",
            "password": "wrong password"})

    assert response.status_code == 401
    message = BeautifulSoup(response.text, "html.parser").find(role="alert").get_text()
    assert "email or password is not right" in message


@pytest.mark.parametrize(("target", "expected"), [
    ("/progress", "/progress"), ("/chapters/alpha#first", "/chapters/alpha#first"),
    ("https://evil.example/", "/"), ("//evil.example/", "/"), ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"), ("", "/"), ("progress", "/"), ("/a\r\nSet-Cookie: x", "/"),
])
def test_next_accepts_only_same_site_paths(target, expected):
    assert safe_next(target) == expected


def test_login_form_redirects_only_to_same_site_next(signed_in_client, app):
    with TestClient(app) as client:
        response = client.post("/login", data={
            "csrf_token": csrf_token(client), "email": "ada@example.com",
            "password": DEFAULT_PASSWORD, "next": "//evil.example/steal"},
            follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_login_page_carries_next_into_the_form(client):
    page = BeautifulSoup(client.get("/login?next=/progress").text, "html.parser")

    assert page.find("input", attrs={"name": "next"})["value"] == "/progress"


@pytest.mark.parametrize("token", [None, "forged.0123456789abcdef"])
@pytest.mark.parametrize(("path", "kind"), [
    ("/api/v1/auth/register", "json"), ("/api/v1/auth/login", "json"),
    ("/api/v1/auth/logout", "json"), ("/register", "form"), ("/login", "form"),
    ("/logout", "form"),
])
def test_requests_without_the_csrf_token_are_refused_and_store_nothing(
        client, db, path, kind, token):
    register(client)
    before = (count(db, User), count(db, SignIn))
    fields = {"email": "eve@example.com", "password": DEFAULT_PASSWORD, "display_name": "Eve"}
    headers = {"X-CSRF-Token": token} if token and kind == "json" else {}
    if kind == "json":
        response = client.post(path, json=fields, headers=headers)
    else:
        response = client.post(path, data={**fields, **({"csrf_token": token} if token else {})})

    assert response.status_code == 403
    assert (count(db, User), count(db, SignIn)) == before
    assert progress_of(client)["learner"]["display_name"] == "Ada"


def test_register_while_signed_in_is_refused(signed_in_client, db):
    response = register(signed_in_client, email="second@example.com")

    assert response.status_code == 409
    assert count(db, User) == 1


def test_header_sign_in_link_returns_to_the_current_page(client):
    page = BeautifulSoup(client.get("/chapters/beta").text, "html.parser")

    link = page.select_one("header .site-nav").find("a", string="Sign in")
    assert link["href"] == "/login?next=/chapters/beta"


def test_register_rejects_an_oversized_body_and_stores_nothing(client, db):
    response = client.post("/api/v1/auth/register", headers={"X-CSRF-Token": csrf_token(client)},
                           json={"email": "a@example.com", "password": DEFAULT_PASSWORD,
                                 "display_name": "x" * 70_000})

    assert response.status_code == 413
    assert count(db, User) == 0
