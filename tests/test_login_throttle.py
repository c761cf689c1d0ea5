"""Sign-in and sign-up throttling (app/services/throttles.py): counted before the password is
checked, per (account, client) pair, per client and per account, with backoff."""

import threading
from collections import Counter
from datetime import timedelta

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlmodel import select, update

from app.models import Throttle
from app.models.types import utcnow
from app.services import throttles
from tests.factories import make_learner
from tests.support import DEFAULT_PASSWORD, csrf_token, local_http, login, register

WRONG = "wrong password!"


def client_from(app, ip: str) -> TestClient:
    return TestClient(app, client=(ip, 40000))


def fail(client: TestClient, email: str = "ada@example.com", times: int = 5) -> None:
    for _ in range(times):
        assert login(client, email=email, password=WRONG).status_code == 401


def counter(db, kind: str, key: str) -> Throttle | None:
    db.expire_all()
    return db.exec(select(Throttle).where(Throttle.kind == kind, Throttle.key == key)).first()


def end_windows(db) -> None:
    """Time passes: every counter's window is over."""
    db.exec(update(Throttle).where(Throttle.kind != throttles.TRUSTED)
            .values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()


def test_pair_is_refused_after_five_failures_even_with_the_right_password(signed_in_client,
                                                                         app, db):
    with client_from(app, "10.0.0.1") as attacker:
        fail(attacker)
        response = login(attacker)

    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.json()["detail"]
    assert 890 <= int(response.headers["retry-after"]) <= 900
    assert counter(db, "pair", "ada@example.com|10.0.0.1").count == 5  # refusals not counted


def test_stranger_locking_a_pair_does_not_lock_the_owner_elsewhere(signed_in_client, app):
    with client_from(app, "10.0.0.1") as stranger:
        fail(stranger)
        assert login(stranger).status_code == 429
    with client_from(app, "10.0.0.2") as owner:
        assert login(owner).status_code == 200


def test_one_client_spraying_many_accounts_is_throttled(app, db):
    make_learner(db, email="grace@example.com", password=DEFAULT_PASSWORD)
    with client_from(app, "10.0.0.9") as sprayer:
        for number in range(throttles.CLIENT.limit):
            fail(sprayer, email=f"user{number}@example.com", times=1)
        assert login(sprayer, email="grace@example.com").status_code == 429
    with client_from(app, "10.0.0.10") as elsewhere:
        assert login(elsewhere, email="grace@example.com").status_code == 200


def test_successful_sign_ins_from_one_address_are_not_held_against_it(app, db):
    """Many people behind one NAT: only failures use up the client's allowance."""
    for number in range(throttles.CLIENT.limit + 5):
        make_learner(db, email=f"user{number}@example.com", password=DEFAULT_PASSWORD)
    for number in range(throttles.CLIENT.limit + 5):
        with client_from(app, "10.0.0.11") as person:
            assert login(person, email=f"user{number}@example.com").status_code == 200


def test_backoff_doubles_the_window_each_time_it_is_used_up(signed_in_client, app, db):
    waits = []
    with client_from(app, "10.0.0.3") as attacker:
        for _ in range(3):
            fail(attacker)
            waits.append(int(login(attacker).headers["retry-after"]))
            end_windows(db)

    assert [round(wait / 60) for wait in waits] == [15, 30, 60]


def test_a_window_that_ends_unused_resets_the_backoff(signed_in_client, app, db):
    with client_from(app, "10.0.0.4") as owner:
        fail(owner)
        end_windows(db)
        fail(owner, times=1)  # a new, doubled window, not used up
        end_windows(db)
        fail(owner)
        assert round(int(login(owner).headers["retry-after"]) / 60) == 15


def test_account_limit_slows_guessers_but_not_the_owners_usual_client(signed_in_client, app):
    with client_from(app, "10.0.1.1") as owner:
        assert login(owner).status_code == 200  # this client is now trusted for the account
    botnet = throttles.ACCOUNT.limit // throttles.PAIR.limit
    for number in range(botnet):
        with client_from(app, f"10.9.0.{number}") as bot:
            fail(bot)
    with client_from(app, "10.0.1.2") as new_client:
        response = login(new_client)
        assert response.status_code == 429, response.text
        assert int(response.headers["retry-after"]) > 0
    with client_from(app, "10.0.1.1") as owner:
        assert login(owner).status_code == 200


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


def test_a_successful_login_clears_the_pair(signed_in_client, app, db):
    with client_from(app, "10.0.0.4") as owner:
        fail(owner, times=4)
        assert login(owner).status_code == 200
        assert counter(db, "pair", "ada@example.com|10.0.0.4") is None
        fail(owner, times=4)
        assert login(owner).status_code == 200


def test_login_form_shows_the_lock_out_message(app, db):
    make_learner(db, email="grace@example.com", password=DEFAULT_PASSWORD)
    with client_from(app, "10.0.0.7") as client:
        fail(client, email="grace@example.com")
        response = client.post("/login", data={"csrf_token": csrf_token(client),
                                               "email": "grace@example.com",
                                               "password": DEFAULT_PASSWORD})

    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0
    alert = BeautifulSoup(response.text, "html.parser").find(role="alert").get_text()
    assert "Too many failed sign-in attempts" in alert


def test_registering_is_not_throttled_by_failed_logins(app):
    with client_from(app, "10.0.0.8") as client:
        fail(client, email="new@example.com")
        assert register(client, email="new@example.com").status_code == 201


def test_registration_is_throttled_per_client(app, settings):
    for number in range(settings.registrations_per_hour):
        with client_from(app, "10.0.2.1") as client:
            assert register(client, email=f"new{number}@example.com").status_code == 201
    with client_from(app, "10.0.2.1") as client:
        refused = register(client, email="one-more@example.com")
    with client_from(app, "10.0.2.2") as client:
        elsewhere = register(client, email="one-more@example.com")

    assert refused.status_code == 429, refused.text
    assert 3590 <= int(refused.headers["retry-after"]) <= 3600
    assert elsewhere.status_code == 201, elsewhere.text


# --- concurrency, against the real server (its own process, SQLite or PostgreSQL)

def test_concurrent_wrong_passwords_are_verified_at_most_the_limit(live_server):
    with local_http(live_server) as setup:
        setup.get("/healthz")
        token = setup.cookies["csrftoken"]
        created = setup.post("/api/v1/auth/register", headers={"X-CSRF-Token": token}, json={
            "email": "ada@example.com", "password": DEFAULT_PASSWORD, "display_name": "Ada"})
        assert created.status_code == 201, created.text
    with local_http(live_server) as visitor:
        visitor.get("/healthz")
        token = visitor.cookies["csrftoken"]
    statuses = hammer(live_server, token, requests=50)

    assert statuses[401] <= throttles.PAIR.limit, statuses
    assert statuses[401] + statuses[429] == 50, statuses


def hammer(base_url: str, token: str, *, requests: int) -> Counter:
    barrier = threading.Barrier(requests)
    statuses: Counter = Counter()
    lock = threading.Lock()

    def attempt():
        with local_http(base_url, cookies={"csrftoken": token}, timeout=60) as http:
            barrier.wait()
            response = http.post("/api/v1/auth/login", headers={"X-CSRF-Token": token},
                                 json={"email": "ada@example.com", "password": WRONG})
        with lock:
            statuses[response.status_code] += 1

    threads = [threading.Thread(target=attempt) for _ in range(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_deleting_an_account_deletes_the_counters_that_name_it(signed_in_client, app, db):
    from tests.test_learner_data import delete_form

    with client_from(app, "10.0.3.1") as stranger:
        fail(stranger, times=2)
    with client_from(app, "10.0.3.2") as owner:
        assert login(owner).status_code == 200  # a trusted pair, and the account counter
        assert delete_form(owner, confirm="yes").status_code == 200

    keys = [row.key for row in db.exec(select(Throttle)).all()]
    assert [key for key in keys if "ada@example.com" in key] == []
    assert "10.0.3.1" in keys  # the client counters name no one
