"""Sign-in throttling: 5 failures per account or per IP in 15 minutes, then 429."""

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlmodel import func, select

from app.models import LoginFailure
from tests.factories import make_learner, minutes_ago
from tests.support import DEFAULT_PASSWORD, csrf_token, login, register


def client_from(app, ip: str) -> TestClient:
    return TestClient(app, client=(ip, 40000))


def fail(client: TestClient, email: str = "ada@example.com", times: int = 5) -> None:
    for _ in range(times):
        assert login(client, email=email, password="wrong password!").status_code == 401


def failures(db) -> int:
    return db.exec(select(func.count()).select_from(LoginFailure)).one()


def test_login_is_refused_after_five_failures_even_with_the_right_password(signed_in_client,
                                                                          app, db):
    with client_from(app, "10.0.0.1") as attacker:
        fail(attacker)
        response = login(attacker)

    assert response.status_code == 429
    assert "15 minutes" in response.json()["detail"]
    assert response.headers["retry-after"] == "900"
    assert failures(db) == 5  # refused tries do not extend the lock


def test_account_lock_holds_from_another_ip(signed_in_client, app):
    with client_from(app, "10.0.0.1") as attacker:
        fail(attacker)
    with client_from(app, "10.0.0.2") as owner:
        assert login(owner).status_code == 429


def test_ip_lock_covers_every_account_from_that_ip(app, db):
    make_learner(db, email="grace@example.com", password=DEFAULT_PASSWORD)
    with client_from(app, "10.0.0.9") as sprayer:
        for number in range(5):
            fail(sprayer, email=f"user{number}@example.com", times=1)
        assert login(sprayer, email="grace@example.com").status_code == 429
    with client_from(app, "10.0.0.10") as elsewhere:
        assert login(elsewhere, email="grace@example.com").status_code == 200


def test_unknown_and_known_emails_are_locked_alike(signed_in_client, app):
    with client_from(app, "10.0.1.1") as first, client_from(app, "10.0.1.2") as second:
        fail(first, email="ada@example.com")
        fail(second, email="nobody@example.com")
        known = login(first, email="ada@example.com")
        unknown = login(second, email="nobody@example.com")

    assert (known.status_code, unknown.status_code) == (429, 429)
    assert known.json() == unknown.json()


def test_four_failures_do_not_lock(signed_in_client, app):
    with client_from(app, "10.0.0.3") as owner:
        fail(owner, times=4)
        assert login(owner).status_code == 200


def test_a_successful_login_forgives_the_accounts_failures(signed_in_client, app):
    with client_from(app, "10.0.0.4") as owner, client_from(app, "10.0.0.5") as laptop:
        fail(owner, times=4)
        assert login(owner).status_code == 200
        fail(laptop, times=4)
        assert login(laptop).status_code == 200


def test_failures_older_than_fifteen_minutes_do_not_count(signed_in_client, app, db):
    for _ in range(5):
        db.add(LoginFailure(email="ada@example.com", ip="testclient",
                            created_at=minutes_ago(16)))
    db.commit()

    with client_from(app, "10.0.0.6") as owner:
        assert login(owner).status_code == 200


def test_login_form_shows_the_lock_out_message(app, db):
    make_learner(db, email="grace@example.com", password=DEFAULT_PASSWORD)
    with client_from(app, "10.0.0.7") as client:
        fail(client, email="grace@example.com")
        response = client.post("/login", data={"csrf_token": csrf_token(client),
                                               "email": "grace@example.com",
                                               "password": DEFAULT_PASSWORD})

    assert response.status_code == 429
    alert = BeautifulSoup(response.text, "html.parser").find(role="alert").get_text()
    assert "Too many failed sign-in attempts" in alert


def test_registering_is_not_throttled_by_failed_logins(app):
    with client_from(app, "10.0.0.8") as client:
        fail(client, email="new@example.com")
        assert register(client, email="new@example.com").status_code == 201
