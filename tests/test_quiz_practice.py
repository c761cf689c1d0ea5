"""Practice mode (issue 9): check freely, see the key, and never count toward anything
graded; the learner's checks are merged on sign-in and exported with their data.

The storage tests run on SQLite, and on PostgreSQL with TEST_DATABASE_URL set.
"""

import uuid

import pytest

from app.models import Answer, Attempt, AttemptDraft, CheckedAnswer, PracticeAnswer, QuizProgress
from tests.check_helpers import (
    BETA_RIGHT,
    BETA_URL,
    api_check,
    api_submit,
    count,
    form_check,
    hidden_fields,
    rows,
    soup_of,
)
from tests.support import csrf_token

# --- practice

PRACTICE_URL = "/chapters/alpha/practice"


def test_chapter_page_offers_practice(client):
    links = [a["href"] for a in soup_of(client.get("/chapters/alpha")).select(".quiz-cta a")]

    assert links == ["/chapters/alpha/quiz", PRACTICE_URL]


def test_practice_checks_freely_and_stores_practice_only(client, app):
    page = soup_of(client.get(PRACTICE_URL))
    assert page.select_one("form.quiz-form")["data-mode"] == "practice"
    hidden = hidden_fields(client.get(PRACTICE_URL))
    assert "client_attempt_id" not in hidden

    wrong = form_check(client, hidden, "alpha-single", {"q.alpha-single": "customer"},
                       url=PRACTICE_URL)
    right = form_check(client, hidden, "alpha-single", {"q.alpha-single": "microsoft"},
                       url=PRACTICE_URL)

    assert wrong.status_code == 200 and right.status_code == 200, right.text
    assert "Correct answer" in soup_of(wrong).select_one("#q-alpha-single-feedback").get_text()
    assert "Correct" in soup_of(right).select_one("#q-alpha-single-feedback").get_text()
    assert not soup_of(right).select_one("#alpha-single--microsoft").has_attr("disabled")
    assert [p.response for p in rows(app, PracticeAnswer)] == [["customer"], ["microsoft"]]
    for model in (Attempt, Answer, QuizProgress, AttemptDraft, CheckedAnswer):
        assert count(app, model) == 0, model


def test_practice_check_of_an_unanswered_question_says_so(client, app):
    hidden = hidden_fields(client.get(PRACTICE_URL))

    response = form_check(client, hidden, "alpha-multiple", {}, url=PRACTICE_URL)

    assert response.status_code == 422
    error = soup_of(response).select_one("#q-alpha-multiple .quiz-check-error")
    assert "Choose an answer before checking" in error.get_text()
    assert count(app, PracticeAnswer) == 0


def test_practice_api_stores_every_check_as_practice(client, app):
    url = "/api/v1/quizzes/alpha/practice/questions/alpha-single/check"
    first = client.post(url, json={"answer": ["customer"]},
                        headers={"X-CSRF-Token": csrf_token(client)})
    # the first check made this browser's user: its CSRF token is now bound to that sign-in
    assert first.headers["x-csrf-token"] == client.cookies["csrftoken"]
    second = client.post(url, json={"answer": ["microsoft"]},
                         headers={"X-CSRF-Token": csrf_token(client)})

    assert first.status_code == 200, first.text
    assert first.json()["stored_as"] == "practice" and first.json()["correct"] is False
    assert second.json()["correct"] is True
    assert count(app, PracticeAnswer) == 2
    assert count(app, Attempt) == 0 and count(app, QuizProgress) == 0


def test_progress_page_shows_practice_apart_from_scores(client):
    url = "/api/v1/quizzes/alpha/practice/questions/alpha-single/check"
    client.post(url, json={"answer": ["microsoft"]}, headers={"X-CSRF-Token": csrf_token(client)})

    page = soup_of(client.get("/progress"))

    row = page.select_one("table.progress-practice #practice-alpha")
    assert [td.get_text() for td in row.select("td")] == ["1", "1"]
    quizzes = page.select_one("table.progress-quizzes")
    assert "Not attempted" in quizzes.get_text()
    me = client.get("/api/v1/me/progress").json()
    assert all(q["attempts"] == 0 and not q["passed"] for q in me["quizzes"])


def test_practice_never_reaches_the_dashboard_item_analysis_or_exports(app, teacher,
                                                                        instructor_client):
    from tests.cohort_helpers import add_member, client_for, make_account, make_cohort

    cohort = make_cohort(app, owner=teacher, name="Practised")
    ada = make_account(app, email="ada@example.com")
    add_member(app, cohort, ada)
    with client_for(app, ada) as browser:
        for question in app.state.guide.quiz("alpha").questions:
            response = browser.post(
                f"/api/v1/quizzes/alpha/practice/questions/{question.id}/check",
                json={"answer": question.correct_answer},
                headers={"X-CSRF-Token": browser.cookies["csrftoken"]})
            assert response.status_code == 200, response.text

    assert count(app, PracticeAnswer) == 4
    for model in (Attempt, Answer, QuizProgress):
        assert count(app, model) == 0, model
    base = f"/instructor/cohorts/{cohort.id}"
    responses_csv = instructor_client.get(f"{base}/responses.csv").text.splitlines()
    assert len(responses_csv) == 1  # the header only
    progress_csv = instructor_client.get(f"{base}/progress.csv").text
    assert "100" not in progress_csv.splitlines()[1]
    dashboard = instructor_client.get(base)
    assert dashboard.status_code == 200
    items = instructor_client.get(f"{base}/items.csv").text.splitlines()
    assert all(",100" not in line for line in items[1:])


@pytest.mark.parametrize("module", ["dashboard", "exports", "item_reports", "progress",
                                    "cohorts", "learner_report", "attempts"])
def test_graded_reports_never_read_practice_or_checks_in_progress(module):
    """Structural: practice and checked answers live in tables these modules never read."""
    import importlib
    import inspect

    source = inspect.getsource(importlib.import_module(f"app.services.{module}"))
    assert "PracticeAnswer" not in source and "CheckedAnswer" not in source


# --- the learner's own data: merged on sign-in, exported, and the real content's settings

def test_login_carries_the_attempt_in_progress_and_practice_into_the_account(app, client):
    from fastapi.testclient import TestClient

    from tests.support import login, register

    assert register(client).status_code == 201
    with TestClient(app) as browser:
        attempt_id = str(uuid.uuid4())
        assert api_check(browser, "beta-single", ["customer"], attempt_id).status_code == 200
        browser.post("/api/v1/quizzes/alpha/practice/questions/alpha-single/check",
                     json={"answer": ["microsoft"]},
                     headers={"X-CSRF-Token": csrf_token(browser)})

        assert login(browser).status_code == 200, "signed in: the anonymous learner is merged"
        resumed = hidden_fields(browser.get(BETA_URL))["client_attempt_id"]
        late_change = api_submit(browser, attempt_id, BETA_RIGHT)

    assert resumed == attempt_id
    assert late_change.json()["percent"] == 50.0
    [practised] = rows(app, PracticeAnswer)
    [draft] = rows(app, AttemptDraft)
    assert practised.learner_id == draft.learner_id == rows(app, Attempt)[0].learner_id


def test_my_data_export_holds_checks_in_progress_and_practice(client):
    attempt_id = str(uuid.uuid4())
    api_check(client, "beta-single", ["customer"], attempt_id)
    client.post("/api/v1/quizzes/alpha/practice/questions/alpha-single/check",
                json={"answer": ["microsoft"]}, headers={"X-CSRF-Token": csrf_token(client)})

    data = client.get("/progress/export.json").json()

    [draft] = data["attempts_in_progress"]
    assert (draft["client_attempt_id"], draft["submitted_at"]) == (attempt_id, None)
    assert [c["response"] for c in draft["checked"]] == [["customer"]]
    assert [(p["question_id"], p["correct"]) for p in data["practice_answers"]] == [
        ("alpha-single", True)]


def test_real_final_quiz_is_deferred_without_practice_and_chapter_quizzes_immediate(
        real_client):
    guide = real_client.app.state.guide
    behaviours = {slug: quiz.behaviour for slug, quiz in guide.quizzes.items()}

    assert behaviours.pop("faq") == "deferred"
    assert set(behaviours.values()) == {"immediate"}
    assert real_client.get("/chapters/faq/practice").status_code == 404
    response = real_client.post(
        f"/api/v1/quizzes/faq/practice/questions/{guide.quiz('faq').questions[0].id}/check",
        json={"answer": ["x"]}, headers={"X-CSRF-Token": csrf_token(real_client)})
    assert response.status_code == 404
    assert real_client.get("/chapters/how-it-works/practice").status_code == 200
