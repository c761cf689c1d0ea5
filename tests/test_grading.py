"""Grading every question type, and storing attempts with their progress summary."""

import pytest
from sqlmodel import Session, select

from app.errors import Conflict, Invalid, NotFound
from app.guide import load_guide
from app.models import Answer, Attempt, QuizProgress, User
from app.services import attempts, grading
from tests.support import FIXTURE_CONTENT

GUIDE = load_guide(FIXTURE_CONTENT)
QUIZ = GUIDE.quiz("alpha")
PERFECT = {
    "alpha-single": ["microsoft"],
    "alpha-multiple": ["accounts", "data"],
    "alpha-tf": ["true"],
    "alpha-matrix": {"information-and-data": "customer", "network-controls": "shared",
                     "operating-system": "microsoft"},
}


def question(question_id: str):
    return QUIZ.question(question_id)


def test_grade_single_choice_is_all_or_nothing():
    right = grading.grade_answer(question("alpha-single"), ["microsoft"])
    wrong = grading.grade_answer(question("alpha-single"), ["customer"])

    assert (right.correct, right.score, right.max_score) == (True, 1.0, 1.0)
    assert (wrong.correct, wrong.score, wrong.max_score) == (False, 0.0, 1.0)
    assert right.question_version == question("alpha-single").version


def test_grade_multiple_choice_needs_exactly_the_correct_set():
    exact = grading.grade_answer(question("alpha-multiple"), ["accounts", "data"])
    partial = grading.grade_answer(question("alpha-multiple"), ["data"])
    too_many = grading.grade_answer(question("alpha-multiple"), ["data", "accounts", "hosts"])

    assert (exact.correct, exact.score) == (True, 1.0)
    assert exact.response == ["data", "accounts"]  # stored in the quiz's choice order
    assert (partial.correct, partial.score, partial.max_score) == (False, 0.0, 1.0)
    assert (too_many.correct, too_many.score) == (False, 0.0)


def test_grade_true_false():
    assert grading.grade_answer(question("alpha-tf"), ["true"]).correct is True
    assert grading.grade_answer(question("alpha-tf"), ["false"]).correct is False


def test_grade_matrix_gives_one_mark_per_row():
    answer = dict(PERFECT["alpha-matrix"], **{"operating-system": "customer"})

    graded = grading.grade_answer(question("alpha-matrix"), answer)
    perfect = grading.grade_answer(question("alpha-matrix"), PERFECT["alpha-matrix"])

    assert (graded.correct, graded.score, graded.max_score) == (False, 2.0, 3.0)
    assert (perfect.correct, perfect.score, perfect.max_score) == (True, 3.0, 3.0)


@pytest.mark.parametrize(("question_id", "response", "field", "message"), [
    ("alpha-single", ["microsoft", "customer"], "answers.alpha-single", "exactly one"),
    ("alpha-single", ["azure"], "answers.alpha-single", "no choice 'azure'"),
    ("alpha-single", "microsoft", "answers.alpha-single", "list of choice ids"),
    ("alpha-single", [], "answers.alpha-single", "not answered"),
    ("alpha-multiple", ["data", "data"], "answers.alpha-multiple", "twice"),
    ("alpha-tf", [True], "answers.alpha-tf", "list of choice ids"),
    ("alpha-matrix", ["customer"], "answers.alpha-matrix", "row id"),
    ("alpha-matrix", {"information-and-data": "nobody"},
     "answers.alpha-matrix.information-and-data", "must be one of"),
    ("alpha-matrix", {"devices": "customer"}, "answers.alpha-matrix.devices", "no row"),
    ("alpha-matrix", {"information-and-data": "customer"},
     "answers.alpha-matrix.network-controls", "not answered"),
])
def test_grade_answer_rejects_malformed_responses(question_id, response, field, message):
    with pytest.raises(Invalid) as caught:
        grading.grade_answer(question(question_id), response)

    assert caught.value.field == field
    assert message in caught.value.message


def test_grade_quiz_rejects_unknown_and_missing_questions():
    with pytest.raises(Invalid) as unknown:
        grading.grade_quiz(QUIZ, {**PERFECT, "beta-single": ["shared"]})
    missing = dict(PERFECT)
    del missing["alpha-tf"]
    with pytest.raises(Invalid) as not_answered:
        grading.grade_quiz(QUIZ, missing)

    assert unknown.value.field == "answers.beta-single"
    assert not_answered.value.field == "answers.alpha-tf"


def test_grade_quiz_for_a_retry_expects_only_the_given_questions():
    graded = grading.grade_quiz(QUIZ, {"alpha-tf": ["false"]}, questions=[question("alpha-tf")])

    assert [g.question_id for g in graded] == ["alpha-tf"]
    assert grading.summarise(graded) == (0.0, 1.0, 0.0)


def test_summarise_weights_matrix_rows():
    graded = grading.grade_quiz(QUIZ, dict(PERFECT, **{"alpha-single": ["customer"]}))

    assert grading.summarise(graded) == (5.0, 6.0, 83.33)


# --- storage

@pytest.fixture
def session(app):
    with Session(app.state.database.engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def learner(session) -> User:
    learner = User()
    session.add(learner)
    session.commit()
    return learner


def save(session, learner, client_id, answers=None, *, kind="full", quiz=QUIZ, questions=None):
    graded = grading.grade_quiz(quiz, answers or PERFECT, questions=questions)
    return attempts.save_attempt(session, learner=learner, quiz_slug=quiz.slug,
                                 client_attempt_id=client_id, kind=kind, graded=graded,
                                 pass_percent=quiz.pass_percent)


def test_save_attempt_stores_attempt_answers_and_progress(session, learner):
    attempt, created = save(session, learner, "attempt-0001")

    assert created is True
    assert (attempt.score, attempt.max_score, attempt.percent, attempt.passed) == (
        6.0, 6.0, 100.0, True)
    assert attempt.is_first is True
    answers = attempts.list_answers(session, attempt_id=attempt.id)
    assert [a.question_id for a in answers] == [q.id for q in QUIZ.questions]
    assert answers[3].response == PERFECT["alpha-matrix"]
    assert answers[3].question_version == question("alpha-matrix").version
    progress = session.get(QuizProgress, (learner.id, "alpha"))
    assert (progress.attempts, progress.failed_attempts, progress.best_percent,
            progress.last_percent, progress.passed) == (1, 0, 100.0, 100.0, True)


def test_save_attempt_replay_stores_nothing_new(session, learner):
    first, _ = save(session, learner, "attempt-0001")
    changed = dict(PERFECT, **{"alpha-tf": ["false"]})
    again, created = save(session, learner, "attempt-0001", changed)

    assert created is False
    assert again.id == first.id and again.percent == 100.0
    assert len(session.exec(select(Attempt)).all()) == 1
    assert len(session.exec(select(Answer)).all()) == 4
    assert session.get(QuizProgress, (learner.id, "alpha")).attempts == 1


def test_save_attempt_refuses_a_client_id_reused_for_another_quiz(session, learner):
    save(session, learner, "attempt-0001")
    beta = GUIDE.quiz("beta")

    with pytest.raises(Conflict):
        save(session, learner, "attempt-0001", {"beta-single": ["shared"], "beta-tf": ["true"]},
             quiz=beta)


def test_progress_keeps_best_and_last_and_counts_failures(session, learner):
    failing = dict(PERFECT, **{"alpha-single": ["customer"], "alpha-tf": ["false"]})
    save(session, learner, "attempt-0001", failing)
    save(session, learner, "attempt-0002")
    third, _ = save(session, learner, "attempt-0003", failing)

    progress = session.get(QuizProgress, (learner.id, "alpha"))
    assert (progress.attempts, progress.failed_attempts) == (3, 2)
    assert (progress.best_percent, progress.last_percent, progress.passed) == (
        100.0, round(400 / 6, 2), True)
    assert third.is_first is False


def test_retry_attempts_count_but_do_not_pass_the_quiz(session, learner):
    failing = dict(PERFECT, **{"alpha-tf": ["false"], "alpha-single": ["customer"]})
    save(session, learner, "attempt-0001", failing)
    retry, _ = save(session, learner, "attempt-0002", {"alpha-tf": ["true"]}, kind="retry",
                    questions=[question("alpha-tf")])

    progress = session.get(QuizProgress, (learner.id, "alpha"))
    assert (retry.percent, retry.passed, retry.is_first) == (100.0, True, False)
    assert (progress.attempts, progress.last_percent, progress.passed) == (2, 100.0, False)
    assert progress.best_percent == round(400 / 6, 2)


def test_voided_attempts_are_ignored_for_first_attempt_and_rebuilt_progress(session, learner):
    first, _ = save(session, learner, "attempt-0001")
    first.voided_at = first.created_at
    session.add(first)
    attempts.rebuild_quiz_progress(session, learner_id=learner.id, quiz_slug="alpha")
    session.commit()
    assert session.get(QuizProgress, (learner.id, "alpha")) is None

    second, _ = save(session, learner, "attempt-0002", dict(PERFECT, **{"alpha-tf": ["false"]}))

    assert second.is_first is True
    attempts.rebuild_quiz_progress(session, learner_id=learner.id, quiz_slug="alpha")
    progress = session.get(QuizProgress, (learner.id, "alpha"))
    assert (progress.attempts, progress.best_percent, progress.passed) == (
        1, round(500 / 6, 2), True)


def test_get_attempt_hides_other_learners_attempts(session, learner):
    attempt, _ = save(session, learner, "attempt-0001")
    other = User()
    session.add(other)
    session.commit()

    assert attempts.get_attempt(session, attempt_id=attempt.id, learner_id=learner.id) == attempt
    with pytest.raises(NotFound):
        attempts.get_attempt(session, attempt_id=attempt.id, learner_id=other.id)
    with pytest.raises(NotFound):
        attempts.get_attempt(session, attempt_id=attempt.id, learner_id=None)


def test_save_attempt_updates_last_active(session, learner):
    before = learner.last_active_at
    save(session, learner, "attempt-0001")

    session.expire_all()
    assert session.get(User, learner.id).last_active_at >= before
