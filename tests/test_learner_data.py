"""A learner's own data: JSON export and deleting the account with everything in it."""

import json

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlmodel import func, select

from app.models import (
    Answer,
    Attempt,
    ChapterVisit,
    Cohort,
    LoginFailure,
    QuizProgress,
    SignIn,
    User,
)
from tests.factories import make_attempt, make_learner, make_session_token, make_visit
from tests.support import csrf_token, start_anonymous

PER_LEARNER_TABLES = (ChapterVisit, Attempt, QuizProgress, SignIn)


def client_for(app, token: str) -> TestClient:
    return TestClient(app, cookies={"guide_session": token})


def rows_of(db, learner_id: int) -> dict[str, int]:
    counts = {table.__name__: db.exec(select(func.count()).select_from(table)
                                      .where(table.learner_id == learner_id)).one()
              for table in PER_LEARNER_TABLES}
    counts["Answer"] = db.exec(select(func.count()).select_from(Answer).join(Attempt)
                               .where(Attempt.learner_id == learner_id)).one()
    return counts


def two_learners(db):
    ada = make_learner(db, email="ada@example.com", password="correct horse battery",
                       display_name="Ada")
    eve = make_learner(db, email="eve@example.com", display_name="Eve")
    for learner, slug in ((ada, "alpha"), (eve, "beta")):
        make_visit(db, learner=learner, chapter_slug=slug)
        make_attempt(db, learner=learner, quiz_slug=slug, percent=100,
                     question_ids=(f"{slug}-1", f"{slug}-2"))
    return ada, eve


def delete_form(client: TestClient, **fields):
    return client.post("/progress/delete", data={"csrf_token": csrf_token(client), **fields})


def test_export_holds_all_of_the_learners_own_data_and_nobody_elses(app, db):
    ada, eve = two_learners(db)

    with client_for(app, make_session_token(db, learner=ada)) as client:
        response = client.get("/progress/export.json")

    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["learner"]["email"] == "ada@example.com"
    assert [v["chapter_slug"] for v in data["chapter_visits"]] == ["alpha"]
    assert [a["quiz_slug"] for a in data["attempts"]] == ["alpha"]
    assert [a["question_id"] for a in data["attempts"][0]["answers"]] == ["alpha-1", "alpha-2"]
    assert data["quiz_progress"][0]["passed"] is True
    assert len(data["sessions"]) == 1
    text = response.text
    assert "eve@example.com" not in text and "beta" not in text
    assert "argon2" not in text and "token_hash" not in text and "password" not in text


def test_export_without_a_learner_is_404(client):
    response = client.get("/progress/export.json")

    assert response.status_code == 404


def test_delete_needs_the_confirmation_box(app, db):
    ada, _ = two_learners(db)

    with client_for(app, make_session_token(db, learner=ada)) as client:
        response = delete_form(client)

    assert response.status_code == 422
    page = BeautifulSoup(response.text, "html.parser")
    assert "tick the box" in page.find(role="alert").get_text()
    assert db.get(User, ada.id) is not None
    assert rows_of(db, ada.id)["Attempt"] == 1


def test_export_lists_failed_sign_ins_by_time_without_anyones_address(app, db):
    ada, _eve = two_learners(db)
    db.add(LoginFailure(email="ada@example.com", ip="203.0.113.9"))
    db.commit()
    token = make_session_token(db, learner=ada)

    with client_for(app, token) as client:
        exported = client.get("/progress/export.json")

    assert exported.status_code == 200
    [failure] = exported.json()["login_failures"]
    assert set(failure) == {"created_at"}
    assert "203.0.113.9" not in exported.text


def test_delete_removes_the_account_its_rows_and_its_session(app, db):
    ada, eve = two_learners(db)
    db.add(LoginFailure(email="ada@example.com", ip="10.0.0.1"))
    db.commit()
    ada_id, eve_id = ada.id, eve.id
    eve_before = rows_of(db, eve_id)
    token = make_session_token(db, learner=ada)

    with client_for(app, token) as client:
        response = delete_form(client, confirm="yes")
        assert response.status_code == 200
        assert "Max-Age=0" in response.headers["set-cookie"]
        page = BeautifulSoup(response.text, "html.parser")
        assert page.find("h1").get_text() == "Your data was deleted"

    db.expire_all()
    assert db.get(User, ada_id) is None
    assert rows_of(db, ada_id) == {"ChapterVisit": 0, "Attempt": 0, "QuizProgress": 0,
                                   "SignIn": 0, "Answer": 0}
    assert db.exec(select(LoginFailure)).all() == []
    assert rows_of(db, eve_id) == eve_before
    with client_for(app, token) as replay:
        assert replay.get("/api/v1/me/progress").json()["learner"] is None
        assert replay.get("/progress/export.json").status_code == 404


def test_anonymous_learners_can_delete_their_data_too(client, db):
    start_anonymous(client)
    learner_id = client.get("/api/v1/me/progress").json()["learner"]["id"]

    response = delete_form(client, confirm="yes")

    assert response.status_code == 200
    db.expire_all()
    assert db.get(User, learner_id) is None


def test_delete_without_csrf_is_refused_and_deletes_nothing(app, db):
    ada, _ = two_learners(db)

    with client_for(app, make_session_token(db, learner=ada)) as client:
        response = client.post("/progress/delete", data={"confirm": "yes"})

    assert response.status_code == 403
    assert db.get(User, ada.id) is not None


def test_delete_is_refused_for_an_instructor_who_owns_cohorts(app, db):
    teacher = make_learner(db, email="teach@example.com", role="instructor")
    db.add(Cohort(name="Spring", join_code="code-1234567890", owner_id=teacher.id))
    db.commit()

    with client_for(app, make_session_token(db, learner=teacher)) as client:
        response = delete_form(client, confirm="yes")

    assert response.status_code == 409
    assert db.get(User, teacher.id) is not None


def test_delete_page_offers_a_confirmation_form(signed_in_client):
    page = BeautifulSoup(signed_in_client.get("/progress/delete").text, "html.parser")

    form = page.find("form", action="/progress/delete")
    assert form.find("input", attrs={"name": "confirm", "type": "checkbox"}) is not None
    label = page.find("label", attrs={"for": "delete-confirm"})
    assert "deleted for good" in label.get_text()
