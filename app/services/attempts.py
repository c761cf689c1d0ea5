"""Storing graded attempts, one row per answer, and the per-quiz progress summary.

`QuizProgress` counts every attempt that is not voided (attempts, failed_attempts,
last_percent); `best_percent` and `passed` come from full attempts only, because a retry of
the missed questions alone says nothing about the whole quiz.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, case, insert, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, delete, select

from app.db import Bound, Prepared
from app.errors import Conflict, NotFound
from app.models import Answer, Attempt, QuizProgress, User
from app.models.types import MAX_ID, utcnow
from app.services import sign_ins
from app.services.grading import GradedAnswer, summarise
from app.units import connection_unit, unit_session

FULL = "full"
RETRY = "retry"


@dataclass(frozen=True, slots=True)
class NewAttempt:
    """A graded attempt as the rows to store, built before the write (on the event loop), so
    the unit of work only binds them: the writer holds the write lock while it runs."""

    row: dict  # the attempt row, without learner_id, id and is_first
    answer_rows: list[dict]  # one per answer, without attempt_id
    graded: list[GradedAnswer]
    bound: "BoundAttempt | None" = None  # its statements' parameters, ready for one driver

    @property
    def full(self) -> bool:
        return self.row["kind"] == FULL


@dataclass(frozen=True, slots=True)
class StoredAttempt:
    """What a submitter is told about the attempt it stored (or replayed)."""

    id: int
    quiz_slug: str
    kind: str
    is_first: bool
    score: float
    max_score: float
    percent: float
    passed: bool


@dataclass(frozen=True, slots=True)
class BoundAttempt:
    """An attempt's three writes with their parameters converted for one dialect's driver
    (JSON, UTC datetimes, booleans): the write only fills in the learner's and attempt's ids."""

    dialect_name: str
    attempt: Bound
    answers: Bound | None
    progress: Bound


def new_attempt(*, quiz_slug: str, client_attempt_id: str, kind: str,
                graded: list[GradedAnswer], pass_percent: float,
                dialect: Dialect | None = None) -> NewAttempt:
    """The rows of a graded attempt; with `dialect`, their parameters are converted for its
    driver now, before the write (on the event loop), rather than under the write lock."""
    score, max_score, percent = summarise(graded)
    row = {"quiz_slug": quiz_slug, "client_attempt_id": client_attempt_id, "kind": kind,
           "score": score, "max_score": max_score, "percent": percent,
           "passed": percent >= pass_percent, "created_at": utcnow(), "voided_at": None}
    answer_rows = [{"question_id": g.question_id, "question_version": g.question_version,
                    "response": g.response, "correct": g.correct, "score": g.score,
                    "max_score": g.max_score} for g in graded]
    attempt = NewAttempt(row=row, answer_rows=answer_rows, graded=graded)
    if dialect is None:
        return attempt
    return NewAttempt(row=row, answer_rows=answer_rows, graded=graded,
                      bound=_bind(attempt, dialect))


# Submitting is the hot path (see bench/quiz_submit.py): its statements are built once, as
# Core, and run as Prepared statements (app/db.py): compiled once, bound on the driver.
_ATTEMPT, _ANSWER = Attempt.__table__, Answer.__table__
_PROGRESS, _LEARNER = QuizProgress.__table__, User.__table__
_FIND = select(_ATTEMPT).where(_ATTEMPT.c.learner_id == bindparam("b_learner"),
                               _ATTEMPT.c.client_attempt_id == bindparam("b_client_id"))
_OTHER_FULL = Prepared(select(_ATTEMPT.c.id).where(
    _ATTEMPT.c.learner_id == bindparam("b_learner"), _ATTEMPT.c.quiz_slug == bindparam("b_quiz"),
    _ATTEMPT.c.kind == FULL, _ATTEMPT.c.voided_at.is_(None),
    _ATTEMPT.c.id != bindparam("b_attempt")).limit(1))
_MARK_FIRST = Prepared(update(_ATTEMPT).where(_ATTEMPT.c.id == bindparam("b_attempt"))
                       .values(is_first=True))
_INSERT_ANSWERS = Prepared(insert(_ANSWER))
# last_active_at is for "stuck" flags and the revisit quiet period: minutes are precise enough,
# and on PostgreSQL an UPDATE that matches nothing takes no row lock, so one learner's
# concurrent submissions do not queue behind each other's learner row.
ACTIVE_PRECISION = timedelta(minutes=1)
_TOUCH_LEARNER = Prepared(update(_LEARNER).where(_LEARNER.c.id == bindparam("b_learner"),
                                                 _LEARNER.c.last_active_at < bindparam("b_stale"))
                          .values(last_active_at=bindparam("b_now")))


def _insert_attempt(dialect):
    """INSERT ... ON CONFLICT (learner, client_attempt_id) DO NOTHING RETURNING id: a replay
    (or a concurrent twin, once it committed) returns no row; no savepoint needed."""
    statement = dialect.insert(_ATTEMPT).on_conflict_do_nothing(
        index_elements=["learner_id", "client_attempt_id"])
    return Prepared(statement.returning(_ATTEMPT.c.id))


def _progress_upsert(dialect):
    """INSERT ... ON CONFLICT DO UPDATE of the summary row (SQLite and PostgreSQL alike)."""
    statement = dialect.insert(_PROGRESS)
    new, old = statement.excluded, _PROGRESS.c
    return Prepared(statement.on_conflict_do_update(
        index_elements=["learner_id", "quiz_slug"],
        set_={"attempts": old.attempts + 1,
              "failed_attempts": old.failed_attempts + new.failed_attempts,
              "best_percent": case((new.best_percent > old.best_percent, new.best_percent),
                                   else_=old.best_percent),
              "last_percent": new.last_percent,
              "passed": or_(old.passed, new.passed),
              "last_attempt_at": new.last_attempt_at}))


_INSERT_ATTEMPT = {"sqlite": _insert_attempt(sqlite), "postgresql": _insert_attempt(postgresql)}
_UPSERT_PROGRESS = {"sqlite": _progress_upsert(sqlite), "postgresql": _progress_upsert(postgresql)}


def _bind(attempt: NewAttempt, dialect: Dialect) -> BoundAttempt:
    """Convert the attempt's parameters for `dialect`; ids are 0 until the write sets them."""
    row = attempt.row
    answers = [{**answer, "attempt_id": 0} for answer in attempt.answer_rows]
    return BoundAttempt(
        dialect_name=dialect.name,
        attempt=_INSERT_ATTEMPT[dialect.name].bind(
            dialect, {**row, "learner_id": 0, "is_first": False}, later=("learner_id",)),
        answers=_INSERT_ANSWERS.bind(dialect, answers, later=("attempt_id",)) if answers else None,
        progress=_UPSERT_PROGRESS[dialect.name].bind(
            dialect, _progress_row(0, row), later=("learner_id",)))


def store_attempt(connection: Connection, *, learner_id: int,
                  attempt: NewAttempt) -> tuple[StoredAttempt, bool]:
    """Store a graded attempt and update progress, as part of the caller's transaction.

    Idempotent per (learner, client_attempt_id): a replay returns the stored attempt and
    False and stores nothing. Returns (attempt, True) when the attempt is new. Core
    statements only, in an order that holds PostgreSQL's row locks briefly: the summary row,
    which every attempt of this learner at this quiz updates, is locked last, just before
    COMMIT.
    """
    row, bound = attempt.row, attempt.bound
    if bound is None or bound.dialect_name != connection.dialect.name:
        bound = _bind(attempt, connection.dialect)
    inserted = bound.attempt.execute(connection, learner_id=learner_id).fetchall()
    if not inserted:  # a replay: this client_attempt_id is stored already
        return _same_quiz(_find_by_client_id(connection, learner_id, row["client_attempt_id"]),
                          row["quiz_slug"]), False
    [(attempt_id,)] = inserted
    if bound.answers is not None:
        bound.answers.execute(connection, attempt_id=attempt_id)
    now = row["created_at"]
    _TOUCH_LEARNER.execute(connection, {"b_learner": learner_id, "b_now": now,
                                        "b_stale": now - ACTIVE_PRECISION})
    bound.progress.execute(connection, learner_id=learner_id)
    # After the upsert, a concurrent attempt of this learner at this quiz has committed (it
    # held the summary row), so this look-up sees it: is_first is exact on PostgreSQL too.
    is_first = attempt.full and _OTHER_FULL.execute(
        connection, {"b_learner": learner_id, "b_quiz": row["quiz_slug"],
                     "b_attempt": attempt_id}).fetchone() is None
    if is_first:
        _MARK_FIRST.execute(connection, {"b_attempt": attempt_id})
    return StoredAttempt(id=attempt_id, quiz_slug=row["quiz_slug"], kind=row["kind"],
                         is_first=is_first, score=row["score"], max_score=row["max_score"],
                         percent=row["percent"], passed=row["passed"]), True


def save_attempt(session: Session, *, learner: User, quiz_slug: str, client_attempt_id: str,
                 kind: str, graded: list[GradedAnswer],
                 pass_percent: float) -> tuple[Attempt, bool]:
    """store_attempt for callers holding a User and graded answers (tests, seeding helpers):
    returns the stored attempt as a detached ORM object, and whether it is new."""
    attempt = new_attempt(quiz_slug=quiz_slug, client_attempt_id=client_attempt_id, kind=kind,
                          graded=graded, pass_percent=pass_percent)
    stored, created = store_attempt(session.connection(), learner_id=learner.id, attempt=attempt)
    row = session.connection().execute(_FIND, {"b_learner": learner.id,
                                               "b_client_id": client_attempt_id}).one()
    attempt = Attempt(**row._mapping)
    make_transient_to_detached(attempt)  # behaves as if loaded: session.add() updates it
    return attempt, created


def _same_quiz(attempt: StoredAttempt, quiz_slug: str) -> StoredAttempt:
    if attempt.quiz_slug != quiz_slug:
        raise Conflict("This client_attempt_id was already used for another quiz.",
                       field="client_attempt_id")
    return attempt


def _progress_row(learner_id: int, row: dict) -> dict:
    """This attempt as a summary row; the upsert merges it into an existing one."""
    full, percent, passed = row["kind"] == FULL, row["percent"], row["passed"]
    return {"learner_id": learner_id, "quiz_slug": row["quiz_slug"], "attempts": 1,
            "failed_attempts": int(not passed), "best_percent": percent if full else 0.0,
            "last_percent": percent, "passed": passed and full,
            "last_attempt_at": row["created_at"]}


def _find_by_client_id(connection, learner_id: int, client_attempt_id: str) -> StoredAttempt:
    row = connection.execute(_FIND, {"b_learner": learner_id,
                                     "b_client_id": client_attempt_id}).one()
    return StoredAttempt(id=row.id, quiz_slug=row.quiz_slug, kind=row.kind,
                         is_first=row.is_first, score=row.score, max_score=row.max_score,
                         percent=row.percent, passed=row.passed)


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


@dataclass(frozen=True, slots=True)
class Submission:
    """What storing a graded attempt gives back to the adapter that asked."""

    attempt: StoredAttempt
    created: bool  # False for a replayed client_attempt_id
    answers: list  # graded now, or as stored for a replay
    new_token: str | None  # a sign-in for a browser that had no user until this write


@connection_unit
def submit_attempt(connection: Connection, *, token: str | None, days: int,
                   attempt: NewAttempt) -> Submission:
    """The one use case behind the quiz form, the JSON API and the lab: store an attempt,
    graded and turned into rows beforehand (new_attempt), for this browser's user (made
    lazily, here, on its first write). Core statements on the connection only: the write
    path's hot unit (app/writer.py)."""
    learner_id, new_token = sign_ins.find_or_create_user_id(connection, token=token, days=days)
    stored, created = store_attempt(connection, learner_id=learner_id, attempt=attempt)
    if created:
        return Submission(attempt=stored, created=True, answers=attempt.graded,
                          new_token=new_token)
    with unit_session(connection) as session:  # a replay (rare): its answers as stored
        answers = list_answers(session, attempt_id=stored.id)
    return Submission(attempt=stored, created=False, answers=answers, new_token=new_token)
