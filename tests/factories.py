"""Small factories that write rows straight to the test database (no HTTP round trip)."""

import uuid
from datetime import datetime, timedelta

from sqlmodel import Session

from app.models import Attempt, ChapterVisit, User
from app.models.types import utcnow
from app.services import attempts as attempt_store
from app.services import grading, sign_ins
from app.services.grading import GradedAnswer
from app.services.passwords import Passwords

CHEAP = Passwords(time_cost=1, memory_kib=8, parallelism=1, max_concurrent=4)


def make_learner(session: Session, *, email: str | None = None, password: str | None = None,
                 display_name: str = "Anonymous learner", role: str = "learner") -> User:
    """A learner row; with `email` (and optionally `password`) a registered account."""
    learner = User(email=email, display_name=display_name, role=role,
                      password_hash=CHEAP.hash(password) if password else None)
    session.add(learner)
    session.commit()
    return learner


def make_session_token(session: Session, *, learner: User, days: int = 30) -> str:
    """A live session for `learner`; put the token in a client's `guide_session` cookie."""
    token = sign_ins.create_sign_in(session, user_id=learner.id, days=days)
    session.commit()
    return token


def make_visit(session: Session, *, learner: User, chapter_slug: str,
               at: datetime | None = None) -> ChapterVisit:
    at = at or utcnow()
    visit = ChapterVisit(learner_id=learner.id, chapter_slug=chapter_slug,
                         first_visited_at=at, last_visited_at=at)
    session.add(visit)
    session.commit()
    return visit


def store_attempt(session: Session, *, learner: User, quiz_slug: str,
                  graded: list[GradedAnswer], pass_percent: float = 80.0, kind: str = "full",
                  at: datetime | None = None) -> Attempt:
    """The one way tests store an attempt: through the quiz engine's own store, which keeps
    the answers, the first-attempt flag and the learner's QuizProgress row as a submission
    would. Dated `at`, by default at the learner's last activity, which it then leaves as it
    is (a learner made "45 days ago" stays inactive). Committed; returns the stored Attempt."""
    attempt = attempt_store.new_attempt(quiz_slug=quiz_slug, client_attempt_id=str(uuid.uuid4()),
                                        kind=kind, graded=graded, pass_percent=pass_percent)
    attempt.row["created_at"] = at or learner.last_active_at
    stored, _ = attempt_store.store_attempt(session.connection(), learner_id=learner.id,
                                            attempt=attempt)
    row = session.get(Attempt, stored.id)
    session.commit()  # and no transaction left open: the test's next read sees new rows
    return row


def make_attempt(session: Session, *, learner: User, quiz_slug: str, percent: float,
                 pass_percent: float = 80.0, kind: str = "full", at: datetime | None = None,
                 question_ids: tuple[str, ...] = ("q1",)) -> Attempt:
    """An attempt that scores `percent` (each question worth 1 and scored percent/100)."""
    graded = [GradedAnswer(question_id=question_id, question_version="v1", response=["a"],
                           correct=percent == 100, score=percent / 100, max_score=1.0)
              for question_id in question_ids]
    return store_attempt(session, learner=learner, quiz_slug=quiz_slug, graded=graded,
                         pass_percent=pass_percent, kind=kind, at=at)


def take_quiz(session: Session, guide, learner: User, quiz_slug: str,
              responses: dict[str, object]) -> Attempt:
    """A full attempt at a real quiz, graded by the real grader: `responses` maps question ids
    to responses; questions left out are answered right."""
    quiz = guide.quizzes[quiz_slug]
    answers = {q.id: responses.get(q.id, q.correct_answer) for q in quiz.questions}
    return store_attempt(session, learner=learner, quiz_slug=quiz_slug,
                         graded=grading.grade_quiz(quiz, answers), pass_percent=quiz.pass_percent)


def minutes_ago(minutes: float) -> datetime:
    return utcnow() - timedelta(minutes=minutes)
