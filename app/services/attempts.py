"""Storing graded attempts, one row per answer, and the per-quiz progress summary.

`QuizProgress` counts every attempt that is not voided (attempts, failed_attempts,
last_percent); `best_percent` and `passed` come from full attempts only, because a retry of
the missed questions alone says nothing about the whole quiz.
"""

from sqlalchemy import case, func, insert, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, delete, select

from app.db import upsert
from app.errors import Conflict, NotFound
from app.models import Answer, Attempt, Learner, QuizProgress
from app.models.types import utcnow
from app.services.grading import GradedAnswer, summarise

FULL = "full"
RETRY = "retry"


def save_attempt(session: Session, *, learner: Learner, quiz_slug: str, client_attempt_id: str,
                 kind: str, graded: list[GradedAnswer],
                 pass_percent: float) -> tuple[Attempt, bool]:
    """Store a graded attempt and update progress, in one transaction. Commits.

    Idempotent per (learner, client_attempt_id): a replay returns the stored attempt and
    False and stores nothing. Returns (attempt, True) when the attempt is new.
    """
    learner_id = learner.id
    existing = _find_by_client_id(session, learner_id, client_attempt_id)
    if existing is not None:
        return _same_quiz(existing, quiz_slug), False
    score, max_score, percent = summarise(graded)
    passed = percent >= pass_percent
    now = utcnow()
    # The progress upsert comes first: on PostgreSQL it locks this learner's summary row, so
    # concurrent attempts at the same quiz queue here and the is_first check below is exact.
    # On SQLite the write transaction began IMMEDIATE and is already alone.
    _bump_progress(session, learner_id=learner_id, quiz_slug=quiz_slug, kind=kind,
                   percent=percent, passed=passed, now=now)
    is_first = kind == FULL and not _has_full_attempt(session, learner_id, quiz_slug)
    attempt = Attempt(learner_id=learner_id, quiz_slug=quiz_slug,
                      client_attempt_id=client_attempt_id, kind=kind, is_first=is_first,
                      score=score, max_score=max_score, percent=percent, passed=passed,
                      created_at=now)
    session.add(attempt)
    try:
        session.flush()
    except IntegrityError:
        # Another request with the same client_attempt_id committed first.
        session.rollback()
        existing = _find_by_client_id(session, learner_id, client_attempt_id)
        return _same_quiz(existing, quiz_slug), False
    if graded:
        session.exec(insert(Answer), params=[_answer_row(attempt.id, g) for g in graded])
    session.exec(update(Learner).where(Learner.id == learner_id).values(last_active_at=now))
    session.commit()
    return attempt, True


def _same_quiz(attempt: Attempt, quiz_slug: str) -> Attempt:
    if attempt.quiz_slug != quiz_slug:
        raise Conflict("This client_attempt_id was already used for another quiz.",
                       field="client_attempt_id")
    return attempt


def _answer_row(attempt_id: int, graded: GradedAnswer) -> dict:
    return {"attempt_id": attempt_id, "question_id": graded.question_id,
            "question_version": graded.question_version, "response": graded.response,
            "correct": graded.correct, "score": graded.score, "max_score": graded.max_score}


def _bump_progress(session: Session, *, learner_id: int, quiz_slug: str, kind: str,
                   percent: float, passed: bool, now) -> None:
    table = QuizProgress.__table__
    full = kind == FULL
    best = percent if full else 0.0
    upsert(session, table,
           values={"learner_id": learner_id, "quiz_slug": quiz_slug, "attempts": 1,
                   "failed_attempts": int(not passed), "best_percent": best,
                   "last_percent": percent, "passed": passed and full,
                   "last_attempt_at": now},
           keys=["learner_id", "quiz_slug"],
           update={"attempts": table.c.attempts + 1,
                   "failed_attempts": table.c.failed_attempts + int(not passed),
                   "best_percent": case((table.c.best_percent < best, best),
                                        else_=table.c.best_percent),
                   "last_percent": percent,
                   "passed": or_(table.c.passed, passed and full),
                   "last_attempt_at": now})


def _has_full_attempt(session: Session, learner_id: int, quiz_slug: str) -> bool:
    statement = select(Attempt.id).where(
        Attempt.learner_id == learner_id, Attempt.quiz_slug == quiz_slug,
        Attempt.kind == FULL, Attempt.voided_at.is_(None)).limit(1)
    return session.exec(statement).first() is not None


def _find_by_client_id(session: Session, learner_id: int, client_attempt_id: str):
    statement = select(Attempt).where(Attempt.learner_id == learner_id,
                                      Attempt.client_attempt_id == client_attempt_id)
    return session.exec(statement).first()


def rebuild_quiz_progress(session: Session, *, learner_id: int, quiz_slug: str) -> None:
    """Recompute a learner's QuizProgress row from their attempts that are not voided.

    For the instructor reset; does not commit (the reset use case commits once). The row is
    deleted when no attempt is left, so the quiz reads as never taken.
    """
    attempts = session.exec(
        select(Attempt).where(Attempt.learner_id == learner_id,
                              Attempt.quiz_slug == quiz_slug, Attempt.voided_at.is_(None))
        .order_by(Attempt.created_at, Attempt.id)).all()
    session.exec(delete(QuizProgress).where(QuizProgress.learner_id == learner_id,
                                            QuizProgress.quiz_slug == quiz_slug))
    if not attempts:
        return
    full = [a for a in attempts if a.kind == FULL]
    session.add(QuizProgress(
        learner_id=learner_id, quiz_slug=quiz_slug, attempts=len(attempts),
        failed_attempts=sum(not a.passed for a in attempts),
        best_percent=max((a.percent for a in full), default=0.0),
        last_percent=attempts[-1].percent, passed=any(a.passed for a in full),
        last_attempt_at=attempts[-1].created_at))
    session.flush()


def list_attempts(session: Session, *, learner_id: int, quiz_slug: str) -> list[Attempt]:
    """A learner's attempts at one quiz, newest first (voided ones included, marked)."""
    statement = (select(Attempt)
                 .where(Attempt.learner_id == learner_id, Attempt.quiz_slug == quiz_slug)
                 .order_by(Attempt.created_at.desc(), Attempt.id.desc()))
    return list(session.exec(statement).all())


def get_attempt(session: Session, *, attempt_id: int, learner_id: int | None) -> Attempt:
    """The learner's own attempt; NotFound for a missing one and for anyone else's alike."""
    attempt = session.get(Attempt, attempt_id) if learner_id is not None else None
    if attempt is None or attempt.learner_id != learner_id:
        raise NotFound("There is no such attempt.")
    return attempt


def list_answers(session: Session, *, attempt_id: int) -> list[Answer]:
    """The answers stored with an attempt, in the order they were graded."""
    statement = select(Answer).where(Answer.attempt_id == attempt_id).order_by(Answer.id)
    return list(session.exec(statement).all())


def missed_question_ids(session: Session, *, attempt_id: int) -> set[str]:
    statement = select(Answer.question_id).where(Answer.attempt_id == attempt_id,
                                                 Answer.correct.is_(False))
    return set(session.exec(statement).all())


def count_attempts(session: Session, *, quiz_slug: str | None = None) -> int:
    statement = select(func.count()).select_from(Attempt)
    if quiz_slug is not None:
        statement = statement.where(Attempt.quiz_slug == quiz_slug)
    return session.exec(statement).one()
