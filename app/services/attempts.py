"""Storing graded attempts, one row per answer, and the per-quiz progress summary.

`QuizProgress` counts every attempt that is not voided (attempts, failed_attempts,
last_percent); `best_percent` and `passed` come from full attempts only, because a retry of
the missed questions alone says nothing about the whole quiz.
"""

from dataclasses import dataclass

from sqlalchemy import bindparam, case, insert, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, delete, select

from app.errors import Conflict, NotFound
from app.models import Answer, Attempt, QuizProgress, User
from app.models.types import MAX_ID, utcnow
from app.services import sign_ins
from app.services.grading import GradedAnswer, summarise

FULL = "full"
RETRY = "retry"

# Submitting is the hot path (see bench/quiz_submit.py): its statements are built once, as
# Core, so each submission only binds parameters and the write lock is held briefly.
_ATTEMPT, _ANSWER = Attempt.__table__, Answer.__table__
_PROGRESS, _LEARNER = QuizProgress.__table__, User.__table__
_FIND = select(_ATTEMPT).where(_ATTEMPT.c.learner_id == bindparam("b_learner"),
                               _ATTEMPT.c.client_attempt_id == bindparam("b_client_id"))
_HAS_FULL = select(_ATTEMPT.c.id).where(
    _ATTEMPT.c.learner_id == bindparam("b_learner"), _ATTEMPT.c.quiz_slug == bindparam("b_quiz"),
    _ATTEMPT.c.kind == FULL, _ATTEMPT.c.voided_at.is_(None)).limit(1)
_INSERT_ATTEMPT = insert(_ATTEMPT)
_INSERT_ANSWERS = insert(_ANSWER)
_TOUCH_LEARNER = (update(_LEARNER).where(_LEARNER.c.id == bindparam("b_learner"))
                  .values(last_active_at=bindparam("b_now")))


def _progress_upsert(dialect):
    """INSERT ... ON CONFLICT DO UPDATE of the summary row (SQLite and PostgreSQL alike)."""
    statement = dialect.insert(_PROGRESS)
    new, old = statement.excluded, _PROGRESS.c
    return statement.on_conflict_do_update(
        index_elements=["learner_id", "quiz_slug"],
        set_={"attempts": old.attempts + 1,
              "failed_attempts": old.failed_attempts + new.failed_attempts,
              "best_percent": case((new.best_percent > old.best_percent, new.best_percent),
                                   else_=old.best_percent),
              "last_percent": new.last_percent,
              "passed": or_(old.passed, new.passed),
              "last_attempt_at": new.last_attempt_at})


_UPSERT_PROGRESS = {"sqlite": _progress_upsert(sqlite), "postgresql": _progress_upsert(postgresql)}


def save_attempt(session: Session, *, learner: User, quiz_slug: str, client_attempt_id: str,
                 kind: str, graded: list[GradedAnswer],
                 pass_percent: float) -> tuple[Attempt, bool]:
    """Store a graded attempt and update progress, as one unit of the caller's transaction.

    Idempotent per (learner, client_attempt_id): a replay returns the stored attempt and
    False and stores nothing. Returns (attempt, True) when the attempt is new.
    """
    learner_id = learner.id
    connection = session.connection()
    score, max_score, percent = summarise(graded)
    passed, full, now = percent >= pass_percent, kind == FULL, utcnow()
    attempt = Attempt(learner_id=learner_id, quiz_slug=quiz_slug,
                      client_attempt_id=client_attempt_id, kind=kind, score=score,
                      max_score=max_score, percent=percent, passed=passed, created_at=now)
    try:
        # Inserting optimistically and rolling back to the savepoint on the rare replay saves
        # a look-up on every new submission.
        with connection.begin_nested():
            # The progress upsert comes first: on PostgreSQL it locks this learner's summary
            # row, so concurrent attempts at the same quiz queue here and is_first is exact.
            connection.execute(_UPSERT_PROGRESS[connection.dialect.name],
                               _progress_row(learner_id, quiz_slug, full, percent, passed, now))
            attempt.is_first = full and connection.execute(
                _HAS_FULL, {"b_learner": learner_id, "b_quiz": quiz_slug}).first() is None
            attempt.id = connection.execute(
                _INSERT_ATTEMPT, attempt.model_dump(exclude={"id"})).inserted_primary_key[0]
            if graded:
                connection.execute(_INSERT_ANSWERS, [_answer_row(attempt.id, g) for g in graded])
            connection.execute(_TOUCH_LEARNER, {"b_learner": learner_id, "b_now": now})
    except IntegrityError:
        # A replay (or a concurrent twin) of a stored attempt, or a real integrity problem.
        stored = _find_by_client_id(session, learner_id, client_attempt_id)
        if stored is None:
            raise
        return _same_quiz(stored, quiz_slug), False
    make_transient_to_detached(attempt)  # behaves as if loaded: session.add() updates it
    return attempt, True


def _same_quiz(attempt: Attempt, quiz_slug: str) -> Attempt:
    if attempt.quiz_slug != quiz_slug:
        raise Conflict("This client_attempt_id was already used for another quiz.",
                       field="client_attempt_id")
    return attempt


def _progress_row(learner_id: int, quiz_slug: str, full: bool, percent: float, passed: bool,
                  now) -> dict:
    """This attempt as a summary row; the upsert merges it into an existing one."""
    return {"learner_id": learner_id, "quiz_slug": quiz_slug, "attempts": 1,
            "failed_attempts": int(not passed), "best_percent": percent if full else 0.0,
            "last_percent": percent, "passed": passed and full, "last_attempt_at": now}


def _answer_row(attempt_id: int, graded: GradedAnswer) -> dict:
    return {"attempt_id": attempt_id, "question_id": graded.question_id,
            "question_version": graded.question_version, "response": graded.response,
            "correct": graded.correct, "score": graded.score, "max_score": graded.max_score}


def _find_by_client_id(session: Session, learner_id: int, client_attempt_id: str):
    row = session.connection().execute(
        _FIND, {"b_learner": learner_id, "b_client_id": client_attempt_id}).first()
    if row is None:
        return None
    attempt = Attempt(**row._mapping)
    make_transient_to_detached(attempt)
    return attempt


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
    if attempts:
        session.add(_summary(learner_id, quiz_slug, attempts))
    session.flush()


def rebuild_all_quiz_progress(session: Session, *, learner_id: int,
                              attempts: list[Attempt]) -> None:
    """Recompute every QuizProgress row of a learner from `attempts` (all of theirs, already
    loaded, oldest first): one delete and one insert per quiz. Does not commit."""
    by_quiz: dict[str, list[Attempt]] = {}
    for attempt in attempts:
        if attempt.voided_at is None:
            by_quiz.setdefault(attempt.quiz_slug, []).append(attempt)
    session.exec(delete(QuizProgress).where(QuizProgress.learner_id == learner_id))
    session.add_all(_summary(learner_id, slug, group) for slug, group in by_quiz.items())
    session.flush()


def _summary(learner_id: int, quiz_slug: str, attempts: list[Attempt]) -> QuizProgress:
    """The summary row of live attempts at one quiz, oldest first."""
    full = [a for a in attempts if a.kind == FULL]
    return QuizProgress(
        learner_id=learner_id, quiz_slug=quiz_slug, attempts=len(attempts),
        failed_attempts=sum(not a.passed for a in attempts),
        best_percent=max((a.percent for a in full), default=0.0),
        last_percent=attempts[-1].percent, passed=any(a.passed for a in full),
        last_attempt_at=attempts[-1].created_at)


def get_attempt(session: Session, *, attempt_id: int, learner_id: int | None) -> Attempt:
    """The learner's own attempt; NotFound for a missing one and for anyone else's alike."""
    in_range = 0 < attempt_id <= MAX_ID
    attempt = session.get(Attempt, attempt_id) if learner_id is not None and in_range else None
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


def rebuild_learner_progress(session: Session, *, learner_id: int) -> None:
    """Recompute first-attempt flags and every summary row after attempts moved to this learner.

    Does not commit: part of the caller's use case (merging an anonymous learner).
    """
    statement = (select(Attempt).where(Attempt.learner_id == learner_id)
                 .order_by(Attempt.created_at, Attempt.id))
    loaded = session.exec(statement).all()
    firsts: set[str] = set()
    for attempt in loaded:
        first = (attempt.kind == FULL and attempt.voided_at is None
                 and attempt.quiz_slug not in firsts)
        if first:
            firsts.add(attempt.quiz_slug)
        if attempt.is_first != first:
            attempt.is_first = first
            session.add(attempt)
    rebuild_all_quiz_progress(session, learner_id=learner_id, attempts=loaded)


@dataclass(frozen=True)
class Submission:
    """What storing a graded attempt gives back to the adapter that asked."""

    attempt: Attempt
    created: bool  # False for a replayed client_attempt_id
    answers: list  # graded now, or as stored for a replay
    new_token: str | None  # a sign-in for a browser that had no user until this write


def submit_attempt(session: Session, *, token: str | None, days: int, quiz_slug: str,
                   client_attempt_id: str, kind: str, graded: list[GradedAnswer],
                   pass_percent: float) -> Submission:
    """The one use case behind the quiz form, the JSON API and the lab: store a graded
    attempt for this browser's user (made lazily, here, on its first write)."""
    user, new_token = sign_ins.find_or_create_user(session, token=token, days=days)
    attempt, created = save_attempt(session, learner=user, quiz_slug=quiz_slug,
                                    client_attempt_id=client_attempt_id, kind=kind,
                                    graded=graded, pass_percent=pass_percent)
    answers = graded if created else list_answers(session, attempt_id=attempt.id)
    return Submission(attempt=attempt, created=created, answers=answers, new_token=new_token)
