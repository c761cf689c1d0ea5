"""Graded attempts in progress on `immediate` quizzes: a checked answer is stored and final.

Rules (README, "Quizzes"):
- Only an `immediate` quiz can be checked; a `deferred` one gives feedback after submission.
- The first check of a question in an attempt (learner + client_attempt_id) is stored at once,
  with its grade; checking that question again returns the stored result unchanged.
- A learner has at most one attempt in progress per quiz (the form resumes it): checking or
  submitting with another client_attempt_id is refused until it is submitted, so a key seen
  in one attempt cannot be used in a fresh one.
- The submission takes the checked answers from here; values sent for them are ignored.
The draft is made lazily, on the first check, by the same write that may make the user.
"""

from dataclasses import dataclass

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.errors import Conflict
from app.guide import Question, Quiz
from app.guide.vocabulary import iso_utc
from app.models import Attempt, AttemptDraft, CheckedAnswer
from app.models.types import utcnow
from app.services import attempts, grading, sign_ins
from app.services.attempts import Submission
from app.services.grading import GradedAnswer
from app.units import connection_unit, unit_session

FEEDBACK_AFTER_SUBMISSION = "This quiz gives feedback after submission: submit it to see results."
_INSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


@dataclass(frozen=True)
class Check:
    """A check's outcome: the stored (first) answer of that question in this attempt."""

    answer: CheckedAnswer
    first: bool  # False when the question had been checked before: nothing new was stored
    new_token: str | None


@dataclass(frozen=True)
class InProgress:
    """An open attempt, for the form to resume: its id, what it retries, its checked answers."""

    client_attempt_id: str
    retry_of: int | None
    checked: list[CheckedAnswer]


def find_in_progress(session: Session, *, learner_id: int | None,
                     quiz_slug: str) -> InProgress | None:
    """The learner's open attempt at this quiz, or None."""
    if learner_id is None:
        return None
    draft = _find_open(session, learner_id, quiz_slug)
    if draft is None:
        return None
    return InProgress(client_attempt_id=draft.client_attempt_id, retry_of=draft.retry_of,
                      checked=_checked(session, draft.id))


def check_answer(session: Session, *, token: str | None, days: int, quiz: Quiz,
                 question: Question, response: object, client_attempt_id: str,
                 retry_of: int | None = None) -> Check:
    """Grade one answer of an attempt in progress and store it, final (see the module rules)."""
    if not quiz.checks_are_final:
        raise Conflict(FEEDBACK_AFTER_SUBMISSION)
    graded = grading.grade_answer(question, response)  # Invalid before anything is stored
    user, new_token = sign_ins.find_or_create_user(session, token=token, days=days)
    draft = _open_draft(session, learner_id=user.id, quiz_slug=quiz.slug,
                        client_attempt_id=client_attempt_id, retry_of=retry_of)
    table = CheckedAnswer.__table__
    statement = _INSERT[session.get_bind().dialect.name](table).values(
        draft_id=draft.id, question_id=graded.question_id,
        question_version=graded.question_version, response=graded.response,
        correct=graded.correct, score=graded.score, max_score=graded.max_score,
        checked_at=utcnow()).on_conflict_do_nothing(index_elements=["draft_id", "question_id"])
    # RETURNING gives a row only when this check stored one (rowcount is unreliable here).
    first = session.connection().execute(statement.returning(table.c.id)).first() is not None
    stored = session.exec(select(CheckedAnswer).where(
        CheckedAnswer.draft_id == draft.id, CheckedAnswer.question_id == question.id)).one()
    return Check(answer=stored, first=first, new_token=new_token)


@dataclass(frozen=True)
class Submitted:
    """A submitted quiz form or API body, before the write. A deferred quiz's attempt is
    graded and turned into rows here, off the write path (`ready`); an immediate quiz's is
    graded inside the write, with the answers checked in it, which are final."""

    quiz: Quiz
    questions: list[Question] | None  # a retry's questions; None for the whole quiz
    client_attempt_id: str
    kind: str
    answers: dict
    ready: attempts.NewAttempt | None


def prepare_submission(*, quiz: Quiz, questions: list[Question] | None,
                       client_attempt_id: str, kind: str, answers: dict,
                       dialect: Dialect | None = None) -> Submitted:
    """Grade a deferred quiz's submission now and, given the database's `dialect`, convert
    its rows for the driver: the write then only fills in ids (see app/writer.py)."""
    ready = None if quiz.checks_are_final else attempts.new_attempt(
        quiz_slug=quiz.slug, client_attempt_id=client_attempt_id, kind=kind,
        graded=grading.grade_quiz(quiz, answers, questions=questions),
        pass_percent=quiz.pass_percent, dialect=dialect)
    return Submitted(quiz, questions, client_attempt_id, kind, answers, ready)


@connection_unit
def submit_attempt(connection: Connection, *, token: str | None, days: int,
                   submitted: Submitted) -> Submission:
    """Store a submission (attempts.submit_attempt), checked answers final: the one use case
    behind the quiz form and the JSON API.

    A retry narrows the expected questions; an answer sent for a checked question is ignored
    and may be left out. A deferred quiz's submission is Core statements only (the hot path);
    an immediate one reads its checked answers through an ORM session.
    """
    if submitted.ready is not None:  # deferred: graded already, the write only binds rows
        return attempts.submit_attempt(connection, token=token, days=days,
                                       attempt=submitted.ready)
    with unit_session(connection) as session:
        submission = _submit_with_checks(session, token=token, days=days, submitted=submitted)
        session.commit()
    return submission


def _submit_with_checks(session: Session, *, token: str | None, days: int,
                        submitted: Submitted) -> Submission:
    quiz, questions, answers = submitted.quiz, submitted.questions, submitted.answers
    client_attempt_id, kind = submitted.client_attempt_id, submitted.kind
    draft, checked = None, {}
    user = sign_ins.find_user(session, token=token) if quiz.checks_are_final else None
    if user is not None:
        draft = _find(session, user.id, client_attempt_id)
        if draft is None:
            _refuse_while_another_is_open(session, user.id, quiz.slug, client_attempt_id)
        else:
            _same_quiz(draft, quiz.slug)
            checked = {c.question_id: c for c in _checked(session, draft.id)}
    expected = {q.id for q in (questions if questions is not None else quiz.questions)}
    final = {qid: c for qid, c in checked.items() if qid in expected}
    merged = {**answers, **{qid: c.response for qid, c in final.items()}}
    graded = [_graded(final[g.question_id]) if g.question_id in final else g
              for g in grading.grade_quiz(quiz, merged, questions=questions)]
    submission = attempts.submit_attempt(
        session.connection(), token=token, days=days, attempt=attempts.new_attempt(
            quiz_slug=quiz.slug, client_attempt_id=client_attempt_id, kind=kind, graded=graded,
            pass_percent=quiz.pass_percent))
    if draft is not None and draft.submitted_at is None:
        draft.submitted_at, draft.open_quiz_slug = utcnow(), None
        session.add(draft)
        session.flush()
    return submission


def checked_answers(session: Session, *, learner_id: int | None,
                    client_attempt_id: str) -> list[CheckedAnswer]:
    """The checked answers of this attempt (none before its first check)."""
    draft = _find(session, learner_id, client_attempt_id, lock=False) if learner_id else None
    return _checked(session, draft.id) if draft else []


def export_drafts(session: Session, *, learner_id: int) -> list[dict]:
    """The learner's attempts in progress (and submitted ones' checks), JSON-ready."""
    drafts = session.exec(select(AttemptDraft).where(AttemptDraft.learner_id == learner_id)
                          .order_by(AttemptDraft.id)).all()
    return [{"quiz_slug": d.quiz_slug, "client_attempt_id": d.client_attempt_id,
             "retry_of": d.retry_of, "created_at": iso_utc(d.created_at),
             "submitted_at": iso_utc(d.submitted_at) or None,
             "checked": [{"question_id": c.question_id, "question_version": c.question_version,
                          "response": c.response, "correct": c.correct, "score": c.score,
                          "max_score": c.max_score, "checked_at": iso_utc(c.checked_at)}
                         for c in _checked(session, d.id)]} for d in drafts]


def move_drafts(session: Session, *, source_id: int, target_id: int) -> None:
    """Give `source`'s attempts in progress to `target` (merging an anonymous learner), unless
    `target` has one with the same client id or an open one at the same quiz. Does not commit."""
    owned = session.exec(select(AttemptDraft).where(AttemptDraft.learner_id == target_id)).all()
    taken_ids = {d.client_attempt_id for d in owned}
    open_quizzes = {d.open_quiz_slug for d in owned if d.open_quiz_slug}
    for draft in session.exec(select(AttemptDraft).where(AttemptDraft.learner_id == source_id)):
        if draft.client_attempt_id in taken_ids or draft.open_quiz_slug in open_quizzes:
            continue
        draft.learner_id = target_id
        session.add(draft)
    session.flush()


def _open_draft(session: Session, *, learner_id: int, quiz_slug: str, client_attempt_id: str,
                retry_of: int | None) -> AttemptDraft:
    """The draft a check goes into, made on the attempt's first check."""
    draft = _find(session, learner_id, client_attempt_id)
    if draft is None:
        if _find_attempt(session, learner_id, client_attempt_id):
            raise Conflict("This attempt is already submitted: start a new one.",
                           field="client_attempt_id")
        _refuse_while_another_is_open(session, learner_id, quiz_slug, client_attempt_id)
        draft = AttemptDraft(learner_id=learner_id, quiz_slug=quiz_slug,
                             client_attempt_id=client_attempt_id, retry_of=retry_of,
                             open_quiz_slug=quiz_slug)
        try:
            with session.begin_nested():  # a concurrent first check may win the insert
                session.add(draft)
        except IntegrityError:
            draft = _find(session, learner_id, client_attempt_id)
            if draft is None:
                _refuse_while_another_is_open(session, learner_id, quiz_slug, client_attempt_id)
                raise
    _same_quiz(draft, quiz_slug)
    if draft.submitted_at is not None:
        raise Conflict("This attempt is already submitted: start a new one.",
                       field="client_attempt_id")
    return draft


def _refuse_while_another_is_open(session: Session, learner_id: int, quiz_slug: str,
                                  client_attempt_id: str) -> None:
    other = _find_open(session, learner_id, quiz_slug)
    if other is not None and other.client_attempt_id != client_attempt_id:
        if _find_attempt(session, learner_id, client_attempt_id):
            return  # a replay of a submission made before this draft was opened
        raise Conflict(f"An attempt at this quiz is in progress (client_attempt_id "
                       f"{other.client_attempt_id!r}): continue and submit it first.",
                       field="client_attempt_id")


def _same_quiz(draft: AttemptDraft, quiz_slug: str) -> None:
    if draft.quiz_slug != quiz_slug:
        raise Conflict("This client_attempt_id was already used for another quiz.",
                       field="client_attempt_id")


def _find(session: Session, learner_id: int, client_attempt_id: str, *,
          lock: bool = True) -> AttemptDraft | None:
    """The draft; locked by default (PostgreSQL), so that a check and the submission of the
    same attempt take turns. SQLite's writes take turns anyway."""
    statement = select(AttemptDraft).where(AttemptDraft.learner_id == learner_id,
                                           AttemptDraft.client_attempt_id == client_attempt_id)
    return session.exec(statement.with_for_update() if lock else statement).first()


def _find_open(session: Session, learner_id: int, quiz_slug: str) -> AttemptDraft | None:
    return session.exec(select(AttemptDraft).where(
        AttemptDraft.learner_id == learner_id,
        AttemptDraft.open_quiz_slug == quiz_slug)).first()


def _find_attempt(session: Session, learner_id: int, client_attempt_id: str) -> bool:
    return session.exec(select(Attempt.id).where(
        Attempt.learner_id == learner_id,
        Attempt.client_attempt_id == client_attempt_id)).first() is not None


def _checked(session: Session, draft_id: int) -> list[CheckedAnswer]:
    return list(session.exec(select(CheckedAnswer).where(CheckedAnswer.draft_id == draft_id)
                             .order_by(CheckedAnswer.id)).all())


def _graded(checked: CheckedAnswer) -> GradedAnswer:
    """A checked answer as graded at its check: what the learner saw is what counts."""
    return GradedAnswer(question_id=checked.question_id,
                        question_version=checked.question_version, response=checked.response,
                        correct=checked.correct, score=checked.score,
                        max_score=checked.max_score)
