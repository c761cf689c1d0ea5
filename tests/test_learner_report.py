"""The learner page: where each quiz stands, wrong answers beside the right ones, marks as
people write them."""

import pytest
from bs4 import BeautifulSoup

from app.models import Answer
from app.services import learner_report
from app.services.answer_text import build_lexicon
from tests.cohort_helpers import add_member, make_account, make_cohort, read
from tests.report_helpers import take_quiz
from tests.test_dashboard import RIGHT_BETA, WRONG_BETA

RIGHT_ALPHA = {"alpha-single": ["microsoft"], "alpha-multiple": ["data", "accounts"],
               "alpha-tf": ["true"]}
MATRIX_TWO_WRONG = {"information-and-data": "customer", "network-controls": "customer",
                    "operating-system": "customer"}


@pytest.fixture
def ada(app, teacher):
    cohort = make_cohort(app, owner=teacher, name="Report")
    learner = make_account(app, email="ada@example.com", display_name="Ada")
    add_member(app, cohort, learner)
    read(app, learner, "alpha", "beta")
    return cohort, learner


def learner_page(client, cohort, learner) -> BeautifulSoup:
    response = client.get(f"/instructor/cohorts/{cohort.id}/learners/{learner.id}")
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


@pytest.mark.parametrize(("value", "text"), [
    (23.0, "23"), (40, "40"), (1.5, "1.5"), (0.0, "0"), (0.25, "0.25"), (2 / 3, "0.67")])
def test_format_marks_drops_needless_decimals(value, text):
    assert learner_report.format_marks(value) == text


def test_learner_page_opens_with_each_quiz_at_a_glance(app, ada, instructor_client):
    cohort, learner = ada
    take_quiz(app, learner, "beta", WRONG_BETA)
    take_quiz(app, learner, "beta", RIGHT_BETA)
    page = learner_page(instructor_client, cohort, learner)
    first = page.select("main section")[0]
    assert first.h2.get_text(strip=True) == "Quizzes at a glance"
    rows = {tr.th.get_text(strip=True): [td.get_text(" ", strip=True) for td in tr("td")]
            for tr in first.select("table.quiz-summary tbody tr")}
    assert rows == {"Alpha quiz": ["Not taken yet"],
                    "Beta quiz": ["100%", "100%", "2 (1 failed)", "✓ Passed"]}  # no lab here


def test_wrong_answers_sit_beside_the_right_ones(app, ada, instructor_client):
    cohort, learner = ada
    take_quiz(app, learner, "alpha", RIGHT_ALPHA | {"alpha-matrix": MATRIX_TWO_WRONG})
    page = learner_page(instructor_client, cohort, learner)
    table = page.select_one("table.answers")
    headers = [th.get_text(strip=True) for th in table.thead("th")]
    assert headers == ["Question", "Answer chosen", "Correct answer", "Result"]
    rows = {tr("td")[0].get_text(strip=True): [td.get_text(" ", strip=True) for td in tr("td")[1:]]
            for tr in table.tbody("tr")}
    assert rows["Who looks after the physical datacenter in IaaS?"] == [
        "Microsoft", "", "✓ Correct"]
    # a matrix answer: the key of the rows it got wrong, not of every row
    assert rows["In PaaS, who is responsible for each layer?"] == [
        "Information and data: Customer; Network controls: Customer; Operating system: Customer",
        "Network controls: Shared; Operating system: Microsoft", "✗ Wrong"]


def test_scores_are_shown_as_marks_without_decimals(app, ada, instructor_client):
    cohort, learner = ada
    take_quiz(app, learner, "beta", RIGHT_BETA)
    take_quiz(app, learner, "alpha", RIGHT_ALPHA | {"alpha-matrix": MATRIX_TWO_WRONG})
    page = learner_page(instructor_client, cohort, learner)
    metas = [p.get_text(" ", strip=True).split(" · ")[-1]
             for p in page.select("article.attempt .card-meta")]
    # newest first; alpha: 3 one-mark questions + 1 of the matrix's 3 rows
    assert metas == ["score 4 of 6", "score 2 of 2"]


def test_a_wrong_lab_cell_names_the_expected_party(real_app):
    guide = real_app.state.guide
    cell = guide.lab.cells[0]
    wrong = next(p for p in ("microsoft", "customer", "shared") if p not in cell.accepted)
    line = learner_report._answer_line(
        build_lexicon(guide), learner_report._lab_keys(guide),
        Answer(attempt_id=1, question_id=cell.key, question_version=cell.version,
               response=[wrong], correct=False, score=0, max_score=1))
    parties = {v.id: v.label for v in guide.matrix.values}
    assert (line.chosen, line.expected) == (parties[wrong], parties[cell.expected])
