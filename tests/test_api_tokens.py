"""Personal API tokens: shown once, stored hashed, read-only, revocable."""

import hashlib

from bs4 import BeautifulSoup
from sqlmodel import select

from app.models import ApiToken, Cohort
from tests.cohort_helpers import (
    add_member,
    bearer,
    client_for,
    csrf,
    db,
    make_account,
    make_cohort,
    make_token,
)


def create_via_page(client, name: str = "LMS sync") -> str:
    """Post the form, then follow the redirect to the page that shows the secret once."""
    response = client.post("/instructor/tokens", data={"name": name} | csrf(client))
    assert response.status_code == 303, response.text
    shown = client.get(response.headers["location"])
    assert shown.status_code == 200, shown.text
    assert "no-store" in shown.headers["cache-control"]
    return BeautifulSoup(shown.text, "html.parser").select_one("#token-secret")["value"]


def test_token_is_shown_once_and_stored_hashed(app, instructor_client):
    secret = create_via_page(instructor_client)
    assert secret.startswith("gt_") and len(secret) > 40
    listing = instructor_client.get("/instructor/tokens").text
    assert secret not in listing
    names = [th.get_text(strip=True) for th in
             BeautifulSoup(listing, "html.parser").select("table.tokens tbody th")]
    assert names == ["LMS sync"]
    with db(app) as session:
        token = session.exec(select(ApiToken)).one()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(token.model_dump())


def test_token_needs_a_name(app, instructor_client):
    response = instructor_client.post("/instructor/tokens", data={"name": " "} |
                                      csrf(instructor_client))
    assert response.status_code == 422
    with db(app) as session:
        assert session.exec(select(ApiToken)).all() == []


def test_bearer_token_reads_cohort_reports(app, teacher):
    cohort = make_cohort(app, owner=teacher, name="Read me")
    learner = make_account(app, email="l@example.com")
    add_member(app, cohort, learner)
    secret = make_token(app, teacher)
    machine = client_for(app)
    machine.cookies.clear()  # a script sends no cookies at all
    listed = machine.get("/api/v1/cohorts", headers=bearer(secret))
    assert listed.status_code == 200, listed.text
    assert [(c["name"], c["learners"]) for c in listed.json()] == [("Read me", 1)]
    progress = machine.get(f"/api/v1/cohorts/{cohort.id}/progress", headers=bearer(secret))
    assert [row["email"] for row in progress.json()["learners"]] == ["l@example.com"]
    detail = machine.get(f"/api/v1/cohorts/{cohort.id}/learners/{learner.id}",
                         headers=bearer(secret))
    assert detail.status_code == 200 and detail.json()["email"] == "l@example.com"
    with db(app) as session:
        assert session.exec(select(ApiToken)).one().last_used_at is not None


def test_bearer_token_cannot_write(app, teacher):
    cohort = make_cohort(app, owner=teacher)
    secret = make_token(app, teacher)
    machine = client_for(app)
    created = machine.post("/api/v1/cohorts", json={"name": "By token"}, headers=bearer(secret))
    assert created.status_code == 403
    assert "read-only" in created.json()["detail"]
    joined = machine.post("/api/v1/cohorts/join", json={"join_code": cohort.join_code},
                          headers=bearer(secret))
    assert joined.status_code == 403
    rotated = machine.post(f"/instructor/cohorts/{cohort.id}/rotate-code", headers=bearer(secret))
    assert rotated.status_code == 403
    with db(app) as session:
        cohorts = session.exec(select(Cohort)).all()
    assert [(c.name, c.join_code) for c in cohorts] == [(cohort.name, cohort.join_code)]


def test_revoked_or_unknown_token_gets_401(app, teacher, instructor_client):
    secret = make_token(app, teacher)
    machine = client_for(app)
    assert machine.get("/api/v1/cohorts", headers=bearer(secret)).status_code == 200
    with db(app) as session:
        token_id = session.exec(select(ApiToken.id)).one()
    response = instructor_client.post(f"/instructor/tokens/{token_id}/revoke",
                                      data=csrf(instructor_client))
    assert response.status_code == 303
    revoked = machine.get("/api/v1/cohorts", headers=bearer(secret))
    assert revoked.status_code == 401
    assert revoked.headers["www-authenticate"] == "Bearer"
    for wrong in ("gt_not-a-token", "nonsense", ""):
        assert machine.get("/api/v1/cohorts", headers=bearer(wrong)).status_code == 401, wrong
    page = BeautifulSoup(instructor_client.get("/instructor/tokens").text, "html.parser")
    assert "Revoked" in page.select_one("table.tokens tbody td:last-child").get_text()


def test_cannot_revoke_someone_elses_token(app, teacher):
    secret = make_token(app, teacher)
    other = client_for(app, make_account(app, email="o@example.com", role="instructor"))
    with db(app) as session:
        token_id = session.exec(select(ApiToken.id)).one()
    assert other.post(f"/instructor/tokens/{token_id}/revoke", data=csrf(other)).status_code == 404
    assert client_for(app).get("/api/v1/cohorts", headers=bearer(secret)).status_code == 200
