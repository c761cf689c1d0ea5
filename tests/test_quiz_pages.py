"""Taking a quiz through the HTML pages, without JavaScript."""

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.models import Answer, Attempt, User
from tests.support import csrf_token

PERFECT_FORM = {
    "q.alpha-single": "microsoft",
    "q.alpha-multiple": ["data", "accounts"],
    "q.alpha-tf": "true",
    "q.alpha-matrix.information-and-data": "customer",
    "q.alpha-matrix.network-controls": "shared",
    "q.alpha-matrix.operating-system": "microsoft",
}
TWO_WRONG = {**PERFECT_FORM, "q.alpha-single": "customer", "q.alpha-tf": "false"}


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def open_form(client, url="/chapters/alpha/quiz") -> dict:
    """GET the quiz form; return its hidden fields, as a browser would submit them."""
    response = client.get(url)
    assert response.status_code == 200, response.text
    form = soup_of(response).select_one("form.quiz-form")
    return {i["name"]: i["value"] for i in form.select("input[type=hidden]")}


def submit(client, answers, hidden=None, url="/chapters/alpha/quiz"):
    hidden = hidden or open_form(client, url)
    return client.post(url, data={**hidden, **answers}, follow_redirects=False)


def count(app, model) -> int:
    with Session(app.state.database.engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_quiz_form_has_one_fieldset_per_question_and_no_answers(client):
    response = client.get("/chapters/alpha/quiz")
    page = soup_of(response)

    assert page.title.string == "Alpha chapter quiz - Azure Shared Responsibility Guide"
    fieldsets = page.select("form.quiz-form fieldset")
    assert [f["id"] for f in fieldsets] == ["q-alpha-single", "q-alpha-multiple", "q-alpha-tf",
                                            "q-alpha-matrix"]
    assert all(f.select_one("legend h2.quiz-prompt") for f in fieldsets)  # jump by heading
    hints = [f.select_one(".quiz-hint") for f in fieldsets]
    assert hints[0].get_text() == "Choose one."
    assert hints[1] is None  # its prompt already says "Choose all that apply."
    multiple = fieldsets[1].get_text(" ", strip=True)
    assert multiple.count("Choose all that apply") == 1
    assert len(fieldsets[3].select("select")) == 3
    for select_box in fieldsets[3].select("select"):
        assert page.select_one(f"label[for='{select_box['id']}']")
    text = page.get_text()
    assert "Microsoft runs the physical datacenter" not in text  # explanation
    assert "Physical layers move to Microsoft" not in text  # why_wrong
    assert page.select_one("[role=status]#quiz-status") is not None
    assert page.select_one("input[name=csrf_token]")["value"]
    assert len(page.select_one("input[name=client_attempt_id]")["value"]) == 36
    assert page.select_one("script[src^='/static/js/quiz.js']") is not None


def test_chapter_page_invites_to_take_its_quiz(client):
    page = soup_of(client.get("/chapters/alpha"))

    assert page.select_one(".quiz-cta a")["href"] == "/chapters/alpha/quiz"
    assert soup_of(client.get("/chapters/gamma")).select_one(".quiz-cta") is None


def test_quiz_for_unknown_chapter_is_404(client):
    assert client.get("/chapters/nope/quiz").status_code == 404
    assert client.get("/chapters/gamma/quiz").status_code == 404


def test_submit_quiz_redirects_to_a_result_with_feedback(client, app):
    response = submit(client, TWO_WRONG)

    assert response.status_code == 303
    assert response.cookies["guide_session"]  # the first write made this browser's user
    result = client.get(response.headers["location"])
    assert result.status_code == 200
    page = soup_of(result)
    assert page.title.string.startswith("Your result: Alpha chapter quiz")
    score = page.select_one(".quiz-score").get_text(" ", strip=True)
    assert "Not passed yet" in score and "2 of 4 questions" in score and "67%" in score
    assert "4 of 6 marks" in score  # the matrix question gives a mark per row
    single = page.select_one("#review-alpha-single")
    assert "Not quite" in single.select_one(".quiz-verdict").get_text()
    assert "✗" in single.select_one(".quiz-verdict").get_text()  # not by colour alone
    answers = [dd.get_text(strip=True) for dd in single.select(".quiz-answers dd")]
    assert answers == ["The customer", "Microsoft"]
    assert "Physical layers move to Microsoft" in single.select_one(".quiz-why-wrong").get_text()
    assert "physical datacenter in every" in single.select_one(".quiz-explanation").get_text()
    assert single.select_one(".quiz-section-link a")["href"] == "/chapters/alpha#first"
    link_names = [a.get_text(" ", strip=True) for a in page.select(".quiz-section-link a")]
    assert len(set(link_names)) == len(link_names)  # each says which question it is for
    assert len(page.select(".quiz-result-actions")) == 2  # at the top and at the bottom
    assert "Correct" in page.select_one("#review-alpha-matrix .quiz-verdict").get_text()
    assert count(app, Attempt) == 1 and count(app, Answer) == 4


def test_submit_with_unanswered_questions_keeps_answers_and_stores_nothing(client, app):
    partial = {"q.alpha-single": "customer", "q.alpha-multiple": ["data"],
               "q.alpha-matrix.information-and-data": "customer"}

    response = submit(client, partial)

    assert response.status_code == 422
    page = soup_of(response)
    assert page.title.string.startswith("Error: ")
    summary = page.select_one(".error-summary[role=alert]")
    assert [a["href"] for a in summary.select("a")] == ["#q-alpha-tf", "#q-alpha-matrix"]
    assert page.select_one("#alpha-single--customer").has_attr("checked")
    assert page.select_one("#alpha-multiple--data").has_attr("checked")
    assert not page.select_one("#alpha-multiple--accounts").has_attr("checked")
    kept = page.select_one("#alpha-matrix--information-and-data option[selected]")
    assert kept["value"] == "customer"
    assert page.select_one("#q-alpha-tf .field-error") is not None
    assert count(app, Attempt) == 0
    # a first-time browser: no user was made, so no sign-in cookie names one (it once named a
    # sign-in whose transaction had been rolled back)
    assert count(app, User) == 0
    assert "guide_session" not in response.cookies


def test_retry_shows_only_missed_questions_and_stores_a_retry(client, app):
    location = submit(client, TWO_WRONG).headers["location"]
    retry_link = soup_of(client.get(location)).find(
        "a", string=lambda s: s and "Retry only what I missed" in s)["href"]

    page = soup_of(client.get(retry_link))
    assert [f["id"] for f in page.select("fieldset")] == ["q-alpha-single", "q-alpha-tf"]
    hidden = {i["name"]: i["value"] for i in page.select("form input[type=hidden]")}
    response = submit(client, {"q.alpha-single": "microsoft", "q.alpha-tf": "true"}, hidden)

    assert response.status_code == 303
    result = soup_of(client.get(response.headers["location"]))
    assert "2 of 2 questions" in result.select_one(".quiz-score").get_text(" ", strip=True)
    assert [li["id"] for li in result.select(".quiz-review")] == ["review-alpha-single",
                                                                  "review-alpha-tf"]
    with Session(app.state.database.engine) as session:
        kinds = session.exec(select(Attempt.kind).order_by(Attempt.id)).all()
    assert kinds == ["full", "retry"]


def test_full_retake_is_always_offered(client):
    location = submit(client, PERFECT_FORM).headers["location"]
    page = soup_of(client.get(location))

    assert page.find("a", string=lambda s: s and "Retry only" in s) is None
    assert page.find("a", string="Retake the whole quiz")["href"] == "/chapters/alpha/quiz"


def test_double_submit_of_one_form_counts_once(client, app):
    hidden = open_form(client)
    first = submit(client, PERFECT_FORM, hidden)
    # The first submission created this browser's (anonymous) sign-in, and with it a new
    # CSRF token bound to it: the resubmitted form carries the same attempt id, fresh token.
    second = submit(client, PERFECT_FORM, {**hidden, "csrf_token": client.cookies["csrftoken"]})

    assert first.headers["location"] == second.headers["location"]
    assert count(app, Attempt) == 1


def test_submit_without_csrf_token_is_403_and_stores_nothing(client, app):
    hidden = open_form(client)
    hidden.pop("csrf_token")

    response = submit(client, PERFECT_FORM, hidden)

    assert response.status_code == 403
    assert count(app, Attempt) == 0


def test_submit_with_unknown_choice_is_422_and_stores_nothing(client, app):
    response = submit(client, {**PERFECT_FORM, "q.alpha-single": "azure"})

    assert response.status_code == 422
    assert "no choice 'azure'" in soup_of(response).get_text()
    assert count(app, Attempt) == 0


def test_result_page_of_another_learner_is_404(client, app):
    location = submit(client, PERFECT_FORM).headers["location"]

    with TestClient(app) as stranger:
        assert stranger.get(location).status_code == 404
        csrf_token(stranger)
        retry = location.replace("/attempts/", "?retry=")
        assert stranger.get(retry).status_code == 404
    assert client.get(location.replace("/alpha/", "/beta/")).status_code == 404


def test_result_page_of_unknown_attempt_is_404(client):
    assert client.get("/chapters/alpha/quiz/attempts/999").status_code == 404
    assert client.get("/chapters/alpha/quiz?retry=999").status_code == 404
