"""Check by quiz behaviour (issue 9): deferred quizzes have no Check; on immediate quizzes a
checked answer is stored at once and is final for the attempt, which resumes where it was.

The storage tests run on SQLite, and on PostgreSQL with TEST_DATABASE_URL set.
"""

import uuid

from app.models import Answer, Attempt, AttemptDraft, CheckedAnswer, QuizProgress
from app.web.cookies import SIGN_IN_COOKIE
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
