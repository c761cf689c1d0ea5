"""Helpers for the item-analysis and export tests: learners who answer the fixture quizzes.

Attempts go through the real grader and attempt store, so they are exactly what the quiz
pages would have stored.
"""

import uuid

from app.models import User
from app.services import attempts, grading
from tests.cohort_helpers import add_member, db, make_account


def right_answer(question) -> list[str] | dict[str, str]:
    return question.correct_answer


def wrong_answer(question, choice: str | None = None) -> list[str] | dict[str, str]:
    """A wrong response: the given wrong choice, else the first wrong one (matrix: all rows)."""
    if question.type == "matrix":
        return {row.id: "shared" if row.correct != "shared" else "customer"
                for row in question.rows}
    if choice is not None:
        return [choice]
    return [next(c.id for c in question.choices if not c.correct)]


def take_quiz(app, learner: User, quiz_slug: str, responses: dict[str, object]):
    """Submit a full attempt with `responses` (question id -> response; missing ones right)."""
    quiz = app.state.guide.quizzes[quiz_slug]
    answers = {q.id: responses.get(q.id, right_answer(q)) for q in quiz.questions}
    graded = grading.grade_quiz(quiz, answers)
    with db(app) as session:
        attempt, _ = attempts.save_attempt(
            session, learner=session.get(User, learner.id), quiz_slug=quiz_slug,
            client_attempt_id=str(uuid.uuid4()), kind="full", graded=graded,
            pass_percent=quiz.pass_percent)
        session.commit()
        return attempt


def cohort_learners(app, cohort, count: int, *, prefix: str = "learner") -> list[User]:
    learners = []
    for i in range(count):
        learner = make_account(app, email=f"{prefix}{i}@example.com",
                               display_name=f"{prefix.title()} {i}")
        add_member(app, cohort, learner)
        learners.append(learner)
    return learners
