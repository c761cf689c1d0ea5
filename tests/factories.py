"""Small factories that write rows straight to the test database (no HTTP round trip)."""

import uuid
from datetime import datetime, timedelta

from sqlmodel import Session

from app.models import Answer, Attempt, ChapterVisit, User
from app.models.types import utcnow
from app.services import attempts as attempt_store
from app.services import sign_ins
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


def make_attempt(session: Session, *, learner: User, quiz_slug: str, percent: float,
                 passed: bool | None = None, kind: str = "full",
                 client_attempt_id: str | None = None, at: datetime | None = None,
                 question_ids: tuple[str, ...] = ("q1",)) -> Attempt:
    """An attempt with one answer per question id, and the learner's QuizProgress row rebuilt
    the way the quiz engine keeps it."""
    passed = percent >= 80 if passed is None else passed
    count = len(question_ids)
    attempt = Attempt(learner_id=learner.id, quiz_slug=quiz_slug, kind=kind,
                      client_attempt_id=client_attempt_id or str(uuid.uuid4()),
                      score=count * percent / 100, max_score=count, percent=percent,
                      passed=passed, created_at=at or utcnow())
    session.add(attempt)
    session.flush()
    for question_id in question_ids:
        session.add(Answer(attempt_id=attempt.id, question_id=question_id,
                           question_version="v1", response=["a"], correct=passed,
                           score=1.0 if passed else 0.0))
    attempt_store.rebuild_quiz_progress(session, learner_id=learner.id, quiz_slug=quiz_slug)
    session.commit()
    return attempt


def minutes_ago(minutes: float) -> datetime:
    return utcnow() - timedelta(minutes=minutes)
