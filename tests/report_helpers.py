"""Helpers for the item-analysis and export tests: learners who answer the fixture quizzes.

Attempts go through the real grader and attempt store, so they are exactly what the quiz
pages would have stored.
"""

from app.models import User
from tests import factories
from tests.cohort_helpers import add_member, db, make_account


def wrong_answer(question, choice: str | None = None) -> list[str] | dict[str, str]:
    """A wrong response: the given wrong choice, else the first wrong one (matrix: all rows)."""
    if question.type == "matrix":
        return {row.id: "shared" if row.correct != "shared" else "customer"
                for row in question.rows}
    if choice is not None:
        return [choice]
    return [next(c.id for c in question.choices if not c.correct)]


def take_quiz(app, learner: User, quiz_slug: str, responses: dict[str, object]):
    """factories.take_quiz on the app's database and guide."""
    with db(app) as session:
        return factories.take_quiz(session, app.state.guide, learner, quiz_slug, responses)


def cohort_learners(app, cohort, count: int, *, prefix: str = "learner") -> list[User]:
    learners = []
    for i in range(count):
        learner = make_account(app, email=f"{prefix}{i}@example.com",
                               display_name=f"{prefix.title()} {i}")
        add_member(app, cohort, learner)
        learners.append(learner)
    return learners
