"""The item analysis page and the items API, on answers stored by the real quiz engine."""

import pytest
from bs4 import BeautifulSoup

from app.services.item_analysis import analyse
from app.services.item_reports import fmt
from tests.cohort_helpers import bearer, client_for, make_account, make_cohort, make_token
from tests.report_helpers import cohort_learners, take_quiz, wrong_answer

QUIZ = "alpha"  # alpha-single, alpha-multiple, alpha-tf, alpha-matrix (3 rows)


def plan(i: int) -> dict[str, bool]:
    """Which questions learner i (weakest first) gets right; alpha-tf is the reverse."""
    return {"alpha-single": i >= 3, "alpha-multiple": i >= 6, "alpha-tf": i < 6,
            "alpha-matrix": True}


def responses_for(quiz, i: int) -> dict:
    out = {}
    for question in quiz.questions:
        if plan(i)[question.id]:
            continue  # take_quiz answers it right
        if question.id == "alpha-multiple":
            out[question.id] = ["hosts"] if i % 3 == 0 else ["data"]
        else:
            out[question.id] = wrong_answer(question)
    return out


@pytest.fixture
def analysed(app, teacher):
    """Twelve learners in the teacher's cohort answer `alpha` by plan; an outsider answers too."""
    quiz = app.state.guide.quizzes[QUIZ]
    cohort = make_cohort(app, owner=teacher, name="Analysed")
    learners = cohort_learners(app, cohort, 12)
    for i, learner in enumerate(learners):
        take_quiz(app, learner, QUIZ, responses_for(quiz, i))
    outsider = make_account(app, email="outsider@example.com")  # in no cohort
    take_quiz(app, outsider, QUIZ, {q.id: wrong_answer(q) for q in quiz.questions})
    marks = [[float(plan(i)[q.id]) * (3 if q.type == "matrix" else 1) for q in quiz.questions]
             for i in range(12)]
    return {"cohort": cohort, "learners": learners, "quiz": quiz,
            "expected": analyse(marks, [1, 1, 1, 3])}


def items_page(client, cohort_id: int, query: str = "") -> BeautifulSoup:
    response = client.get(f"/instructor/cohorts/{cohort_id}/quizzes/{QUIZ}/items{query}")
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def cell(soup: BeautifulSoup, question_id: str, stat: str) -> str:
    row = soup.find("tr", attrs={"data-question": question_id})
    return row.find(attrs={"data-stat": stat}).get_text(" ", strip=True)


def test_item_analysis_page_matches_analyse_on_the_same_marks(instructor_client, analysed):
    soup = items_page(instructor_client, analysed["cohort"].id)
    expected = analysed["expected"]
    assert soup.find(attrs={"data-stat": "responses"}).get_text() == "12"
    for question, stats in zip(analysed["quiz"].questions, expected.items, strict=True):
        assert cell(soup, question.id, "facility") == fmt(stats.facility, 0, scale=100,
                                                          suffix="%")
        assert cell(soup, question.id, "sd") == fmt(stats.sd, 2)
        assert cell(soup, question.id, "discrimination_index") == fmt(
            stats.discrimination_index, 1, suffix="%")
        assert cell(soup, question.id, "discriminative_efficiency") == fmt(
            stats.discriminative_efficiency, 1, suffix="%")
    quiz_stats = soup.find(id="quiz-stats-title").find_parent("section")
    alpha = quiz_stats.find(attrs={"data-stat": "cronbach_alpha"}).get_text(" ", strip=True)
    assert alpha.startswith(fmt(expected.quiz.cronbach_alpha, 1, suffix="%"))
    mean = quiz_stats.find(attrs={"data-stat": "mean"}).get_text(" ", strip=True)
    assert mean.startswith(fmt(expected.quiz.mean, 2))


def test_item_analysis_flags_items_in_plain_words(instructor_client, analysed):
    soup = items_page(instructor_client, analysed["cohort"].id)
    assert "negative discrimination: check the key" in cell(soup, "alpha-tf", "flags")
    matrix_flags = cell(soup, "alpha-matrix", "flags")
    assert "too easy" in matrix_flags and "everyone scored the same" in matrix_flags
    assert cell(soup, "alpha-single", "flags") == "none"


def test_item_analysis_shows_the_most_chosen_wrong_answer(instructor_client, analysed):
    soup = items_page(instructor_client, analysed["cohort"].id)
    # Six learners missed alpha-multiple: four chose only "data", two chose "hosts".
    assert cell(soup, "alpha-multiple", "most_common_wrong") == "Information and data (4×)"
    assert cell(soup, "alpha-matrix", "most_common_wrong") == "–"


def test_item_analysis_shows_not_enough_data_under_ten_responses(app, teacher,
                                                                   instructor_client):
    quiz = app.state.guide.quizzes[QUIZ]
    cohort = make_cohort(app, owner=teacher, name="Small")
    for i, learner in enumerate(cohort_learners(app, cohort, 9)):
        take_quiz(app, learner, QUIZ, responses_for(quiz, i))
    soup = items_page(instructor_client, cohort.id)
    assert soup.find(id="not-enough-data") is not None
    assert soup.find("table", class_="report-items") is None
    assert soup.find(attrs={"data-stat": "responses"}).get_text() == "9"


def test_item_analysis_counts_first_attempts_unless_asked_for_all(app, instructor_client,
                                                                  analysed):
    weakest = analysed["learners"][0]
    take_quiz(app, weakest, QUIZ, {})  # a second, perfect attempt
    first = items_page(instructor_client, analysed["cohort"].id)
    assert cell(first, "alpha-single", "facility") == "75%"
    every = items_page(instructor_client, analysed["cohort"].id, "?attempts=all")
    assert every.find(attrs={"data-stat": "responses"}).get_text() == "13"
    assert cell(every, "alpha-single", "facility") == "77%"  # 10 of 13


def test_item_analysis_sees_new_attempts_at_once_despite_the_cache(app, teacher,
                                                                   instructor_client):
    quiz = app.state.guide.quizzes[QUIZ]
    cohort = make_cohort(app, owner=teacher, name="Growing")
    learners = cohort_learners(app, cohort, 11)
    for i, learner in enumerate(learners[:10]):
        take_quiz(app, learner, QUIZ, responses_for(quiz, i))
    assert cell(items_page(instructor_client, cohort.id), "alpha-single", "facility") == "70%"
    take_quiz(app, learners[10], QUIZ, {})
    assert cell(items_page(instructor_client, cohort.id), "alpha-single", "facility") == "73%"


def test_item_analysis_of_an_unknown_quiz_is_404(instructor_client, analysed):
    response = instructor_client.get(
        f"/instructor/cohorts/{analysed['cohort'].id}/quizzes/no-such-quiz/items")
    assert response.status_code == 404


def test_item_analysis_index_links_every_quiz(instructor_client, analysed):
    cohort_id = analysed["cohort"].id
    response = instructor_client.get(f"/instructor/cohorts/{cohort_id}/items")
    assert response.status_code == 200
    links = {a["href"] for a in BeautifulSoup(response.text, "html.parser").select(
        ".report-quizzes a")}
    assert links == {f"/instructor/cohorts/{cohort_id}/quizzes/{s}/items"
                     for s in ("alpha", "beta")}


def test_items_api_lists_every_question_with_its_statistics(instructor_client, analysed):
    response = instructor_client.get(f"/api/v1/cohorts/{analysed['cohort'].id}/items")
    assert response.status_code == 200, response.text
    rows = {(r["quiz_slug"], r["question_id"]): r for r in response.json()}
    single = rows[("alpha", "alpha-single")]
    expected = analysed["expected"].items[0]
    assert single["responses"] == 12
    assert single["facility"] == pytest.approx(expected.facility)
    assert single["discrimination"] == pytest.approx(expected.discrimination_index)
    assert single["discriminative_efficiency"] == pytest.approx(
        expected.discriminative_efficiency)
    assert rows[("alpha", "alpha-multiple")]["most_common_wrong"] == "Information and data"
    beta = rows[("beta", "beta-single")]  # nobody took beta: no statistics, not zeros
    assert beta["responses"] == 0 and beta["facility"] is None


def test_items_api_accepts_a_read_only_token(app, teacher, analysed):
    token = make_token(app, teacher)
    response = client_for(app).get(f"/api/v1/cohorts/{analysed['cohort'].id}/items",
                                   headers=bearer(token))
    assert response.status_code == 200
    assert len(response.json()) == 6


def test_item_analysis_is_refused_to_everyone_else(app, analysed):
    cohort_id = analysed["cohort"].id
    outsider = make_account(app, email="rival@example.com", role="instructor")
    make_cohort(app, owner=outsider, name="Rival")
    page = f"/instructor/cohorts/{cohort_id}/quizzes/{QUIZ}/items"
    api = f"/api/v1/cohorts/{cohort_id}/items"
    anonymous = client_for(app)
    assert anonymous.get(page).status_code == 303
    assert anonymous.get(api).status_code == 401
    for who, status in ((analysed["learners"][0], 403), (outsider, 403)):
        visitor = client_for(app, who)
        for path in (page, api, f"/instructor/cohorts/{cohort_id}/items"):
            response = visitor.get(path)
            assert response.status_code == status, (who.email, path)
            assert "alpha-single" not in response.text
