"""CSV exports: parsed back and compared with the database, injection-safe, streamed, guarded."""

import csv
import io

import pytest
from sqlmodel import select

from app.models import Answer, Attempt
from app.services import exports
from tests.cohort_helpers import add_member, client_for, db, make_account, make_cohort, read
from tests.report_helpers import cohort_learners, take_quiz, wrong_answer

EXPORTS = ("progress.csv", "responses.csv", "items.csv")


@pytest.fixture
def cohort_data(app, teacher):
    """Three learners: one read and passed alpha, one missed a question, one did nothing."""
    cohort = make_cohort(app, owner=teacher, name="Exported")
    ada, ben, cy = cohort_learners(app, cohort, 3)
    read(app, ada, "alpha", "beta")
    read(app, ben, "alpha")
    take_quiz(app, ada, "alpha", {})
    quiz = app.state.guide.quizzes["alpha"]
    take_quiz(app, ben, "alpha", {"alpha-multiple": wrong_answer(quiz.question("alpha-multiple"),
                                                                 "hosts")})
    stranger = make_account(app, email="stranger@example.com")  # in no cohort
    take_quiz(app, stranger, "alpha", {})
    return {"cohort": cohort, "learners": (ada, ben, cy)}


def download(client, cohort_id: int, name: str) -> list[dict]:
    response = client.get(f"/instructor/cohorts/{cohort_id}/{name}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(response.text)))


def test_progress_csv_has_one_row_per_learner_matching_the_database(instructor_client,
                                                                    cohort_data):
    ada, ben, cy = cohort_data["learners"]
    rows = {int(r["learner_id"]): r for r in download(instructor_client,
                                                      cohort_data["cohort"].id, "progress.csv")}
    assert set(rows) == {ada.id, ben.id, cy.id}
    assert rows[ada.id]["email"] == ada.email
    assert (rows[ada.id]["read:alpha"], rows[ada.id]["read:beta"]) == ("yes", "yes")
    assert (rows[ben.id]["read:alpha"], rows[ben.id]["read:beta"]) == ("yes", "no")
    assert rows[ada.id]["first_read_at:alpha"].endswith("+00:00")  # ISO 8601, UTC
    assert rows[cy.id]["first_read_at:alpha"] == ""
    assert float(rows[ada.id]["best_percent:alpha"]) == 100.0
    assert float(rows[ben.id]["best_percent:alpha"]) == pytest.approx(100 * 5 / 6, abs=0.01)
    assert rows[cy.id]["best_percent:alpha"] == ""


def test_responses_csv_round_trips_every_answer_of_the_cohort(app, instructor_client,
                                                              cohort_data):
    rows = download(instructor_client, cohort_data["cohort"].id, "responses.csv")
    ids = [learner.id for learner in cohort_data["learners"]]
    with db(app) as session:
        stored = session.exec(select(Answer, Attempt).join(Attempt).where(
            Attempt.learner_id.in_(ids))).all()
    assert len(rows) == len(stored) == 8  # two attempts at four questions; nobody else's
    by_key = {(int(r["attempt_id"]), r["question_id"]): r for r in rows}
    for answer, attempt in stored:
        row = by_key[(attempt.id, answer.question_id)]
        assert row["correct"] == ("yes" if answer.correct else "no")
        assert float(row["score"]) == answer.score
        assert float(row["max_score"]) == answer.max_score
        assert row["answered_at"] == attempt.created_at.isoformat(timespec="seconds")
        assert row["first_attempt"] == "yes" and row["quiz_slug"] == "alpha"
    missed = by_key[next(k for k in by_key if k[1] == "alpha-multiple"
                         and by_key[k]["correct"] == "no")]
    assert missed["question"] == "Which always stay with the customer? Choose all that apply."
    assert missed["answer"] == "Physical hosts"
    single = next(r for r in rows if r["question_id"] == "alpha-single")
    assert single["question"] == "Who looks after the physical datacenter in IaaS?"  # no <b>
    assert single["answer"] == "Microsoft"


def test_items_csv_has_a_row_per_question_and_says_when_data_is_short(instructor_client,
                                                                      cohort_data):
    rows = download(instructor_client, cohort_data["cohort"].id, "items.csv")
    assert [(r["quiz_slug"], r["question_id"]) for r in rows][:4] == [
        ("alpha", "alpha-single"), ("alpha", "alpha-multiple"), ("alpha", "alpha-tf"),
        ("alpha", "alpha-matrix")]
    assert {r["responses"] for r in rows if r["quiz_slug"] == "alpha"} == {"2"}
    assert all(r["facility_percent"] == "" and r["flags"] == "not enough data" for r in rows)
    multiple = next(r for r in rows if r["question_id"] == "alpha-multiple")
    assert (multiple["most_common_wrong"], multiple["most_common_wrong_count"]) == (
        "Physical hosts", "1")


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(app, teacher,
                                                                 instructor_client):
    cohort = make_cohort(app, owner=teacher, name="Injected")
    attacker = make_account(app, email="attacker@example.com",
                            display_name='=HYPERLINK("http://evil.example","click")')
    add_member(app, cohort, attacker)
    take_quiz(app, attacker, "beta", {})
    for name in ("progress.csv", "responses.csv"):
        rows = download(instructor_client, cohort.id, name)
        assert rows[0]["display_name"] == '\'=HYPERLINK("http://evil.example","click")', name


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_safe_prefixes_every_formula_start(value):
    assert exports.safe(value) == "'" + value
    assert exports.safe("plain text") == "plain text"


def test_exports_stream_in_chunks_without_a_content_length(app, instructor_client,
                                                           cohort_data, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_ROWS", 2)
    with db(app) as session:
        chunks = list(exports.responses_csv(session, cohort_id=cohort_data["cohort"].id,
                                            guide=app.state.guide))
    assert len(chunks) == 5  # header with two rows, then three more chunks of two
    assert sum(chunk.count("\r\n") for chunk in chunks) == 9
    for name in EXPORTS:
        with instructor_client.stream(
                "GET", f"/instructor/cohorts/{cohort_data['cohort'].id}/{name}") as response:
            assert response.status_code == 200
            # A StreamingResponse sends no length up front (the server then sends chunks).
            assert "content-length" not in response.headers


def test_exports_are_refused_to_everyone_else(app, cohort_data):
    cohort_id = cohort_data["cohort"].id
    member = cohort_data["learners"][0]
    rival = make_account(app, email="rival@example.com", role="instructor")
    make_cohort(app, owner=rival, name="Rival")
    anonymous = client_for(app)
    for name in EXPORTS:
        path = f"/instructor/cohorts/{cohort_id}/{name}"
        response = anonymous.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
        for who in (member, rival):
            response = client_for(app, who).get(path)
            assert response.status_code == 403, (who.email, name)
            assert not response.headers["content-type"].startswith("text/csv")
            assert member.email not in response.text


def test_exports_of_a_missing_cohort_are_404(instructor_client):
    assert instructor_client.get("/instructor/cohorts/999/responses.csv").status_code == 404
