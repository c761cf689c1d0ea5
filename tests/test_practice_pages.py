"""Service practice quizzes and the lab's sorting exercise, through the HTML pages (no JS)."""

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.guide.practice import FAMILY_PREFIX, SORTING_SLUG
from app.models import Answer, Attempt, QuizProgress
from app.services import item_reports
from tests.cohort_helpers import add_member, client_for, make_account, make_cohort
from tests.support import csrf_token

FAMILY = "databases"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def count(app, model) -> int:
    with Session(app.state.database.engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def hidden_fields(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return {i["name"]: i["value"] for i in soup(response).select("form input[type=hidden]")}


@pytest.fixture
def family(real_app):
    return real_app.state.guide.practice[FAMILY_PREFIX + FAMILY]


@pytest.fixture
def sorting(real_app):
    return real_app.state.guide.practice[SORTING_SLUG]


def quiz_answers(quiz, *, wrong: int = 0) -> dict:
    """The family quiz form: every answer right except the first `wrong` questions."""
    answers = {}
    for index, question in enumerate(quiz.questions):
        pick = [c for c in question.choices if c.correct != (index < wrong)][0]
        answers[f"q.{question.id}"] = pick.id
    return answers


def sorting_form(client, quiz, *, wrong: int = 0) -> dict:
    form = hidden_fields(client, "/lab/sorting")
    for index, question in enumerate(quiz.questions):
        form[question.id] = [c for c in question.choices if c.correct != (index < wrong)][0].id
    return form


def test_practice_index_lists_every_family_quiz(real_client, real_app):
    page = soup(real_client.get("/services/practice"))
    links = [a["href"] for a in page.select(".practice-families a")]
    expected = [q.url for q in real_app.state.guide.practice.values()
                if q.slug.startswith(FAMILY_PREFIX)]
    assert links == expected and f"/services/practice/{FAMILY}" in links
    assert "CC BY 4.0" in page.select_one(".practice-attribution").get_text()


def test_lab_links_to_the_sorting_exercise(real_client):
    nav = soup(real_client.get("/lab")).select_one("nav.lab-nav")
    assert "/lab/sorting" in [a["href"] for a in nav.select("a")]


def test_family_quiz_uses_the_quiz_form(real_client, family):
    page = soup(real_client.get(family.url))
    fieldsets = page.select("form.quiz-form fieldset")
    assert [f["id"] for f in fieldsets] == [f"q-{q.id}" for q in family.questions]
    assert page.select_one("form.quiz-form")["action"] == family.url
    assert page.select_one(".eyebrow a")["href"] == "/services/practice"
    assert page.title.string == f"{family.title} - Azure Shared Responsibility Guide"


def test_family_quiz_is_graded_stored_and_shown_on_progress(real_app, real_client, family):
    form = {**hidden_fields(real_client, family.url), **quiz_answers(family, wrong=1)}
    response = real_client.post(family.url, data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith(f"{family.url}/attempts/")
    result = soup(real_client.get(location))
    verdicts = [p.get_text(" ", strip=True) for p in result.select(".quiz-verdict")]
    assert verdicts.count("✓ Correct") == len(family.questions) - 1
    assert result.select_one(".quiz-section-link a")["href"].startswith("/services/")
    with Session(real_app.state.database.engine) as session:
        stored = {a.question_id: a.question_version for a in session.exec(select(Answer))}
        progress = session.exec(select(QuizProgress)).one()
    assert stored == {q.id: q.version for q in family.questions}
    assert progress.quiz_slug == family.slug
    page = soup(real_client.get("/progress"))
    practice = {li.a.get_text(strip=True): li for li in page.select("ul.progress-practice li")}
    assert practice[family.title].a["href"] == family.url
    assert "1 attempt," in practice[family.title].get_text(" ", strip=True)
    # practice is shown apart and never counted in completion
    assert family.title not in page.select_one("table.progress-quizzes").get_text()


def test_family_quiz_with_a_blank_answer_stores_nothing(real_app, real_client, family):
    answers = quiz_answers(family)
    del answers[f"q.{family.questions[2].id}"]
    form = {**hidden_fields(real_client, family.url), **answers}
    response = real_client.post(family.url, data=form)
    assert response.status_code == 422
    assert soup(response).select_one("#error-summary a")["href"] == f"#q-{family.questions[2].id}"
    assert count(real_app, Attempt) == 0


def test_instant_check_of_the_quiz_script_works_for_practice(real_app, real_client, family):
    question = family.questions[0]
    response = real_client.post(
        f"/api/v1/quizzes/{family.slug}/questions/{question.id}/check",
        json={"answer": question.correct_answer, "client_attempt_id": "family-attempt-1"},
        headers={"X-CSRF-Token": csrf_token(real_client)})
    assert response.status_code == 200, response.text
    assert response.json()["correct"] is True
    assert f'href="{question.section_url}"' in response.json()["feedback_html"]
    assert count(real_app, Attempt) == 0


def test_practice_quizzes_are_not_chapter_quizzes(real_client, family):
    assert real_client.get(f"/chapters/{family.slug}/quiz").status_code == 404
    assert real_client.get("/services/practice/no-such-family").status_code == 404


def test_family_quiz_appears_in_item_analysis(real_app, family):
    teacher = make_account(real_app, email="teacher@example.com", role="instructor")
    learner = make_account(real_app, email="ada@example.com")
    cohort = make_cohort(real_app, owner=teacher)
    add_member(real_app, cohort, learner)
    with client_for(real_app, learner) as client:
        form = {**hidden_fields(client, family.url), **quiz_answers(family, wrong=2)}
        assert client.post(family.url, data=form).status_code == 303
    with Session(real_app.state.database.engine) as session:
        reports = item_reports.cohort_reports(session, cohort_id=cohort.id,
                                              guide=real_app.state.guide)
    report = next(r for r in reports if r.quiz_slug == family.slug)
    assert report.responses == 1
    assert [i.prompt for i in report.items] == [q.prompt for q in family.questions]
    assert report.items[0].most_common_wrong in {"Customer", "Microsoft", "Shared", "True",
                                                 "False"}


# --- the sorting exercise

def test_sorting_form_has_a_labelled_select_per_item(real_client, sorting):
    page = soup(real_client.get("/lab/sorting"))
    selects = page.select("form.practice-sorting select")
    assert [s["name"] for s in selects] == [q.id for q in sorting.questions]
    for select_box in selects:
        assert page.select_one(f"label[for='{select_box['id']}']")
        assert [o["value"] for o in select_box.select("option")] == ["", "customer",
                                                                      "microsoft", "shared"]


def test_sorting_is_graded_stored_and_reviewed(real_app, real_client, sorting):
    response = real_client.post("/lab/sorting", data=sorting_form(real_client, sorting, wrong=3),
                                follow_redirects=False)
    assert response.status_code == 303, response.text
    page = soup(real_client.get(response.headers["location"]))
    items = page.select(".practice-results li")
    assert len(items) == 12
    marks = [li.select_one("h2 span[aria-hidden]").get_text() for li in items]
    assert marks == ["✗"] * 3 + ["✓"] * 9
    assert page.select_one("#score-title").get_text(strip=True) == "9/12features placed right"
    first = sorting.questions[0]
    assert items[0].select_one("a")["href"] == first.section_url
    assert first.explanation in items[0].get_text(" ", strip=True)
    with Session(real_app.state.database.engine) as session:
        attempt = session.exec(select(Attempt)).one()
        answers = session.exec(select(Answer).order_by(Answer.id)).all()
    assert (attempt.quiz_slug, attempt.score, attempt.max_score) == (SORTING_SLUG, 9, 12)
    assert [a.correct for a in answers] == [False] * 3 + [True] * 9


@pytest.mark.parametrize("field, value", [
    ("no-such-item", "customer"),
    ("first-item", "nobody"),
    ("client_attempt_id", "x"),
])
def test_sorting_rejects_unknown_items_and_values(real_app, real_client, sorting, field, value):
    form = sorting_form(real_client, sorting)
    field = sorting.questions[0].id if field == "first-item" else field
    form[field] = value
    response = real_client.post("/lab/sorting", data=form)
    assert response.status_code == 422, response.text
    assert field in soup(response).get_text()
    assert count(real_app, Attempt) == 0 and count(real_app, Answer) == 0


def test_sorting_without_an_item_field_is_rejected(real_app, real_client, sorting):
    form = sorting_form(real_client, sorting)
    absent = sorting.questions[5].id
    del form[absent]
    response = real_client.post("/lab/sorting", data=form)
    assert response.status_code == 422 and absent in soup(response).get_text()
    assert count(real_app, Attempt) == 0


def test_sorting_with_a_blank_item_lists_it_and_keeps_answers(real_app, real_client, sorting):
    form = sorting_form(real_client, sorting)
    blank = sorting.questions[4]
    form[blank.id] = ""
    response = real_client.post("/lab/sorting", data=form)
    assert response.status_code == 422
    page = soup(response)
    assert [a["href"] for a in page.select(".lab-error-summary a")] == [f"#item-{blank.id}"]
    kept = page.select_one(f"select[name='{sorting.questions[0].id}'] option[selected]")
    assert kept["value"] == sorting.questions[0].correct_answer[0]
    assert count(real_app, Attempt) == 0


def test_sorting_result_is_only_for_its_learner(real_app, real_client, sorting):
    response = real_client.post("/lab/sorting", data=sorting_form(real_client, sorting),
                                follow_redirects=False)
    with TestClient(real_app) as stranger:
        assert stranger.get(response.headers["location"]).status_code == 404
