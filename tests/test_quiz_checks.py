"""Check by quiz behaviour (issue 9): deferred quizzes have no Check; on immediate quizzes a
checked answer is stored at once and final for the attempt; practice is kept apart.

The storage tests run on SQLite, and on PostgreSQL with TEST_DATABASE_URL set.
"""

import uuid

import pytest
from bs4 import BeautifulSoup
from sqlmodel import Session, func, select

from app.models import Answer, Attempt, AttemptDraft, CheckedAnswer, PracticeAnswer, QuizProgress
from app.web.cookies import SIGN_IN_COOKIE
from tests.conftest import csrf_token

BETA_RIGHT = {"beta-single": ["shared"], "beta-tf": ["true"]}
BETA_URL = "/chapters/beta/quiz"


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def count(app, model) -> int:
    with Session(app.state.database.engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def rows(app, model) -> list:
    with Session(app.state.database.engine, expire_on_commit=False) as session:
        return list(session.exec(select(model)).all())


def api_check(client, question_id, answer, client_attempt_id=None, slug="beta"):
    body = {"answer": answer}
    if client_attempt_id is not None:
        body["client_attempt_id"] = client_attempt_id
    return client.post(f"/api/v1/quizzes/{slug}/questions/{question_id}/check", json=body,
                       headers={"X-CSRF-Token": csrf_token(client)})


def api_submit(client, client_attempt_id, answers, slug="beta"):
    return client.post(f"/api/v1/quizzes/{slug}/attempts",
                       json={"client_attempt_id": client_attempt_id, "answers": answers},
                       headers={"X-CSRF-Token": csrf_token(client)})


def hidden_fields(response) -> dict:
    form = soup_of(response).select_one("form.quiz-form")
    return {i["name"]: i["value"] for i in form.select("input[type=hidden]")}


# --- deferred (the default): no Check at all

def test_deferred_quiz_form_has_no_check_button(client):
    page = soup_of(client.get("/chapters/alpha/quiz"))

    assert page.select_one("form.quiz-form")["data-mode"] == "deferred"
    assert page.select("button[name=check]") == []
    assert page.select(".quiz-check") == []


def test_api_check_on_a_deferred_quiz_is_409_and_stores_nothing(client, app):
    response = api_check(client, "alpha-single", ["customer"], str(uuid.uuid4()), slug="alpha")

    assert response.status_code == 409, response.text
    assert "feedback after submission" in response.json()["detail"]
    assert "Physical layers move" not in response.text
    assert count(app, AttemptDraft) == 0 and count(app, CheckedAnswer) == 0


def test_form_check_on_a_deferred_quiz_is_409(client, app):
    hidden = hidden_fields(client.get("/chapters/alpha/quiz"))
    response = client.post("/chapters/alpha/quiz",
                           data={**hidden, "q.alpha-single": "customer", "check": "alpha-single"})

    assert response.status_code == 409
    assert "Physical layers move" not in response.text
    assert count(app, CheckedAnswer) == 0


# --- immediate, through the JSON API

def test_api_check_on_an_immediate_quiz_needs_client_attempt_id(client, app):
    response = api_check(client, "beta-single", ["customer"])

    assert response.status_code == 422, response.text
    assert response.json()["field"] == "client_attempt_id"
    assert count(app, CheckedAnswer) == 0


def test_api_check_stores_the_first_answer_and_a_second_check_returns_it(client, app):
    attempt_id = str(uuid.uuid4())

    first = api_check(client, "beta-single", ["customer"], attempt_id)
    second = api_check(client, "beta-single", ["shared"], attempt_id)

    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["correct"], body["your_answer"], body["stored_as"]) == (False, ["customer"],
                                                                          "attempt")
    assert body["already_checked"] is False
    assert "Correct answer" in body["feedback_html"]  # final, so the key may be shown
    assert second.status_code == 200, second.text
    assert second.json()["your_answer"] == ["customer"] and second.json()["correct"] is False
    assert second.json()["already_checked"] is True
    [stored] = rows(app, CheckedAnswer)
    assert (stored.question_id, stored.response, stored.correct) == ("beta-single",
                                                                     ["customer"], False)
    [draft] = rows(app, AttemptDraft)
    assert (draft.client_attempt_id, draft.quiz_slug) == (attempt_id, "beta")
    assert count(app, Attempt) == 0 and count(app, QuizProgress) == 0


def test_api_submission_uses_the_checked_answer_not_the_submitted_one(client, app):
    attempt_id = str(uuid.uuid4())
    api_check(client, "beta-single", ["customer"], attempt_id)

    response = api_submit(client, attempt_id, BETA_RIGHT)  # "changed" to the key

    assert response.status_code == 201, response.text
    result = {r["question_id"]: r for r in response.json()["results"]}
    assert result["beta-single"]["your_answer"] == ["customer"]
    assert result["beta-single"]["correct"] is False
    assert response.json()["percent"] == 50.0
    answers = {a.question_id: a for a in rows(app, Answer)}
    assert answers["beta-single"].response == ["customer"] and not answers["beta-single"].correct
    [draft] = rows(app, AttemptDraft)
    assert draft.submitted_at is not None and draft.open_quiz_slug is None


def test_api_submission_may_leave_out_checked_answers(client):
    attempt_id = str(uuid.uuid4())
    api_check(client, "beta-single", ["shared"], attempt_id)

    response = api_submit(client, attempt_id, {"beta-tf": ["true"]})

    assert response.status_code == 201, response.text
    assert response.json()["percent"] == 100.0


def test_another_attempt_while_one_is_in_progress_is_409(client, app):
    open_id, other_id = str(uuid.uuid4()), str(uuid.uuid4())
    api_check(client, "beta-single", ["customer"], open_id)

    checked_elsewhere = api_check(client, "beta-tf", ["true"], other_id)
    submitted_elsewhere = api_submit(client, other_id, BETA_RIGHT)

    assert checked_elsewhere.status_code == 409, checked_elsewhere.text
    assert open_id in checked_elsewhere.json()["detail"]
    assert submitted_elsewhere.status_code == 409, submitted_elsewhere.text
    assert count(app, Attempt) == 0
    assert api_submit(client, open_id, BETA_RIGHT).status_code == 201
    assert api_check(client, "beta-single", ["shared"], other_id).status_code == 200


def test_check_after_the_attempt_is_submitted_is_409(client, app):
    attempt_id = str(uuid.uuid4())
    api_check(client, "beta-single", ["customer"], attempt_id)
    assert api_submit(client, attempt_id, BETA_RIGHT).status_code == 201

    late = api_check(client, "beta-tf", ["false"], attempt_id)
    replay = api_submit(client, attempt_id, BETA_RIGHT)

    assert late.status_code == 409, late.text
    assert replay.status_code == 200  # the stored result, as before
    assert replay.json()["percent"] == 50.0
    assert count(app, CheckedAnswer) == 1


def test_check_with_an_id_of_a_submitted_deferred_attempt_is_409(client):
    attempt_id = str(uuid.uuid4())
    assert api_submit(client, attempt_id, BETA_RIGHT).status_code == 201

    assert api_check(client, "beta-single", ["customer"], attempt_id).status_code == 409


def test_openapi_documents_the_check_rules(client):
    spec = client.get("/openapi.json").json()

    check = spec["paths"]["/api/v1/quizzes/{slug}/questions/{question_id}/check"]["post"]
    assert "deferred" in check["responses"]["409"]["description"]
    assert "409" in check["description"] and "client_attempt_id" in check["description"]
    practice = spec["paths"]["/api/v1/quizzes/{slug}/practice/questions/{question_id}/check"]
    assert "practice" in practice["post"]["description"]


# --- immediate, through the HTML form without JavaScript

def form_check(client, hidden, question_id, answers, url=BETA_URL):
    return client.post(url, data={**hidden, **answers, "check": question_id},
                       follow_redirects=False)


def test_immediate_form_has_a_check_submit_button_per_question(client):
    page = soup_of(client.get(BETA_URL))

    buttons = page.select("fieldset.quiz-question button[type=submit][name=check]")
    assert [b["value"] for b in buttons] == ["beta-single", "beta-tf"]
    first_submit = page.select_one("form.quiz-form button[type=submit]")
    assert first_submit.get("name") != "check"  # Enter submits the attempt, never a Check


def test_form_check_stores_the_answer_and_shows_it_locked_with_feedback(client, app):
    hidden = hidden_fields(client.get(BETA_URL))

    response = form_check(client, hidden, "beta-single", {"q.beta-single": "customer",
                                                          "q.beta-tf": "false"})

    assert response.status_code == 200, response.text
    page = soup_of(response)
    single = page.select_one("#q-beta-single")
    assert all(i.has_attr("disabled") for i in single.select("input"))
    assert single.select_one("#beta-single--customer").has_attr("checked")
    assert "Not quite" in single.select_one(".quiz-feedback").get_text()
    assert single.select_one("button[name=check]") is None
    tf = page.select_one("#q-beta-tf")  # unchecked answers are kept, still open
    assert tf.select_one("#beta-tf--false").has_attr("checked")
    assert not tf.select_one("#beta-tf--false").has_attr("disabled")
    assert tf.select_one(".quiz-feedback").get_text(strip=True) == ""
    assert hidden_fields(response)["client_attempt_id"] == hidden["client_attempt_id"]
    [stored] = rows(app, CheckedAnswer)
    assert stored.response == ["customer"]
    assert client.cookies.get(SIGN_IN_COOKIE)  # the first check made the learner


def test_leaving_and_coming_back_resumes_the_attempt_with_checks_locked(client):
    hidden = hidden_fields(client.get(BETA_URL))
    form_check(client, hidden, "beta-single", {"q.beta-single": "customer"})

    again = client.get(BETA_URL)

    page = soup_of(again)
    assert hidden_fields(again)["client_attempt_id"] == hidden["client_attempt_id"]
    single = page.select_one("#q-beta-single")
    assert single.select_one("#beta-single--customer").has_attr("checked")
    assert single.select_one("#beta-single--customer").has_attr("disabled")
    assert "Not quite" in single.select_one(".quiz-feedback").get_text()
    assert page.select_one("#q-beta-tf button[name=check]") is not None


def test_form_submission_cannot_change_a_checked_answer(client, app):
    hidden = hidden_fields(client.get(BETA_URL))
    form_check(client, hidden, "beta-single", {"q.beta-single": "customer"})

    response = client.post(BETA_URL, data={**hidden, "q.beta-single": "shared",
                                           "q.beta-tf": "true"}, follow_redirects=False)

    assert response.status_code == 303, response.text
    [attempt] = rows(app, Attempt)
    assert attempt.percent == 50.0 and attempt.is_first
    answers = {a.question_id: a for a in rows(app, Answer)}
    assert answers["beta-single"].response == ["customer"]
    assert soup_of(client.get(BETA_URL)).select("input[disabled]") == []  # a fresh attempt


def test_form_submission_without_the_locked_fields_is_complete(client, app):
    """Disabled inputs are not submitted: the server fills them from the checked answers."""
    hidden = hidden_fields(client.get(BETA_URL))
    form_check(client, hidden, "beta-single", {"q.beta-single": "shared"})

    response = client.post(BETA_URL, data={**hidden, "q.beta-tf": "true"},
                           follow_redirects=False)

    assert response.status_code == 303, response.text
    assert rows(app, Attempt)[0].percent == 100.0


def test_form_check_of_an_unanswered_question_says_so_next_to_it(client, app):
    hidden = hidden_fields(client.get(BETA_URL))

    response = form_check(client, hidden, "beta-tf", {"q.beta-single": "shared"})

    assert response.status_code == 422
    fieldset = soup_of(response).select_one("#q-beta-tf")
    error = fieldset.select_one(".quiz-check-error")
    assert "Choose an answer before checking" in error.get_text()
    assert "visually-hidden" not in error.get("class", [])
    assert fieldset["aria-describedby"] == error["id"]
    assert soup_of(response).select_one("#beta-single--shared").has_attr("checked")
    assert count(app, CheckedAnswer) == 0 and count(app, AttemptDraft) == 0


# --- practice

PRACTICE_URL = "/chapters/alpha/practice"


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
    headers = {"X-CSRF-Token": csrf_token(client)}

    first = client.post(url, json={"answer": ["customer"]}, headers=headers)
    second = client.post(url, json={"answer": ["microsoft"]}, headers=headers)

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

    from tests.conftest import login, register

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


def test_a_retry_of_missed_questions_checks_and_resumes_too(client, app):
    hidden = hidden_fields(client.get(BETA_URL))
    client.post(BETA_URL, data={**hidden, "q.beta-single": "customer", "q.beta-tf": "true"})
    [missed_attempt] = rows(app, Attempt)
    retry_url = f"{BETA_URL}?retry={missed_attempt.id}"
    retry_hidden = hidden_fields(client.get(retry_url))
    assert retry_hidden["retry_of"] == str(missed_attempt.id)

    form_check(client, retry_hidden, "beta-single", {"q.beta-single": "customer"})
    resumed = client.get(BETA_URL)  # the attempt in progress wins over a fresh form
    response = client.post(BETA_URL, data={**hidden_fields(resumed), "q.beta-single": "shared"},
                           follow_redirects=False)

    assert [f["id"] for f in soup_of(resumed).select("fieldset.quiz-question")] == [
        "q-beta-single"]
    assert response.status_code == 303, response.text
    retry = max(rows(app, Attempt), key=lambda a: a.id)
    assert (retry.kind, retry.percent) == ("retry", 0.0)


def test_concurrent_first_checks_store_one_answer_and_agree(app, db):
    """Four checks of one question at once, in a new attempt: one draft, one stored answer,
    and every check reports that answer (on PostgreSQL this races for real)."""
    from concurrent.futures import ThreadPoolExecutor

    from app.services import attempt_drafts
    from tests.factories import make_learner, make_session_token

    token = make_session_token(db, learner=make_learner(db))
    quiz = app.state.guide.quiz("beta")
    attempt_id = str(uuid.uuid4())

    def check(answer):
        return app.state.database.write_now(
            attempt_drafts.check_answer, token=token, days=1, quiz=quiz,
            question=quiz.question("beta-tf"), response=answer, client_attempt_id=attempt_id)

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(check, [["true"], ["false"], ["true"], ["false"]]))

    [stored] = rows(app, CheckedAnswer)
    assert count(app, AttemptDraft) == 1
    assert {tuple(r.answer.response) for r in results} == {tuple(stored.response)}
    assert sum(r.first for r in results) == 1
