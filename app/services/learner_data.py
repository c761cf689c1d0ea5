"""A learner's own data: export everything we hold about them as JSON, or delete it all."""

from datetime import datetime

from sqlmodel import Session, delete, func, select

from app.errors import Conflict
from app.guide.vocabulary import iso_utc
from app.models import (
    Answer,
    ApiToken,
    Attempt,
    AuditEvent,
    ChapterVisit,
    Cohort,
    CohortMember,
    LoginFailure,
    QuizProgress,
    SignIn,
    User,
)
from app.models.types import utcnow
from app.services import attempt_drafts, practice, throttles

EXPORT_FORMAT = "azure-guide-learner-export/1"


def _iso(value: datetime | None) -> str | None:
    """The one ISO 8601 form (vocabulary.iso_utc), or JSON null for "never"."""
    return iso_utc(value) or None


def export_learner_data(session: Session, *, learner: User) -> dict:
    """Everything stored about `learner`, JSON-ready. Secrets (password and token hashes)
    are left out: they are ours to check, not personal data the learner could use."""
    learner_id = learner.id
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _iso(utcnow()),
        "learner": {
            "id": learner_id, "email": learner.email, "display_name": learner.display_name,
            "role": learner.role, "created_at": _iso(learner.created_at),
            "last_active_at": _iso(learner.last_active_at),
            "last_chapter_slug": learner.last_chapter_slug,
            "last_section": learner.last_section,
        },
        "chapter_visits": _visits(session, learner_id),
        "quiz_progress": _quiz_progress(session, learner_id),
        "attempts": _attempts(session, learner_id),
        "attempts_in_progress": attempt_drafts.export_drafts(session, learner_id=learner_id),
        "practice_answers": practice.export_practice(session, learner_id=learner_id),
        "cohorts": _cohorts(session, learner_id),
        "sessions": [
            {"created_at": _iso(s.created_at), "expires_at": _iso(s.expires_at)}
            for s in session.exec(select(SignIn).where(SignIn.learner_id == learner_id))
        ],
        "api_tokens": [
            {"name": t.name, "created_at": _iso(t.created_at),
             "last_used_at": _iso(t.last_used_at), "revoked_at": _iso(t.revoked_at)}
            for t in session.exec(select(ApiToken).where(ApiToken.learner_id == learner_id))
        ],
        "login_failures": _login_failures(session, learner.email),
        "audit_events_about_you": [
            {"action": e.action, "cohort_id": e.cohort_id, "detail": e.detail,
             "created_at": _iso(e.created_at)}
            for e in session.exec(select(AuditEvent).where(AuditEvent.subject_id == learner_id))
        ],
    }


def _visits(session: Session, learner_id: int) -> list[dict]:
    statement = (select(ChapterVisit).where(ChapterVisit.learner_id == learner_id)
                 .order_by(ChapterVisit.first_visited_at))
    return [{"chapter_slug": v.chapter_slug, "first_visited_at": _iso(v.first_visited_at),
             "last_visited_at": _iso(v.last_visited_at)} for v in session.exec(statement)]


def _quiz_progress(session: Session, learner_id: int) -> list[dict]:
    statement = select(QuizProgress).where(QuizProgress.learner_id == learner_id)
    return [{"quiz_slug": p.quiz_slug, "attempts": p.attempts,
             "failed_attempts": p.failed_attempts, "best_percent": p.best_percent,
             "last_percent": p.last_percent, "passed": p.passed,
             "last_attempt_at": _iso(p.last_attempt_at)} for p in session.exec(statement)]


def _attempts(session: Session, learner_id: int) -> list[dict]:
    attempts = session.exec(select(Attempt).where(Attempt.learner_id == learner_id)
                            .order_by(Attempt.created_at, Attempt.id)).all()
    answers: dict[int, list[dict]] = {a.id: [] for a in attempts}
    statement = (select(Answer).join(Attempt, Attempt.id == Answer.attempt_id)
                 .where(Attempt.learner_id == learner_id).order_by(Answer.id))
    for answer in session.exec(statement):
        answers[answer.attempt_id].append({
            "question_id": answer.question_id, "question_version": answer.question_version,
            "response": answer.response, "correct": answer.correct, "score": answer.score,
            "max_score": answer.max_score})
    return [{"id": a.id, "quiz_slug": a.quiz_slug, "client_attempt_id": a.client_attempt_id,
             "kind": a.kind, "score": a.score, "max_score": a.max_score,
             "percent": a.percent, "passed": a.passed, "created_at": _iso(a.created_at),
             "voided_at": _iso(a.voided_at), "answers": answers[a.id]} for a in attempts]


def _cohorts(session: Session, learner_id: int) -> list[dict]:
    statement = (select(Cohort.id, Cohort.name, CohortMember.joined_at)
                 .join(CohortMember, CohortMember.cohort_id == Cohort.id)
                 .where(CohortMember.learner_id == learner_id))
    return [{"id": cohort_id, "name": name, "joined_at": _iso(joined)}
            for cohort_id, name, joined in session.exec(statement)]


def _login_failures(session: Session, email: str | None) -> list[dict]:
    if not email:
        return []
    # Only the times: the addresses are whoever typed this email, not necessarily its owner.
    statement = select(LoginFailure.created_at).where(LoginFailure.email == email)
    return [{"created_at": _iso(created_at)} for created_at in session.exec(statement)]


def delete_learner(session: Session, *, learner: User) -> None:
    """Delete the learner and everything that is theirs (the database cascades the rows that
    reference them). Instructors who own cohorts must hand them over first."""
    learner_id = learner.id
    owned = session.exec(select(func.count()).select_from(Cohort)
                         .where(Cohort.owner_id == learner_id)).one()
    if owned:
        raise Conflict("You own cohorts: delete them or hand them to a co-instructor first, "
                       "so their learners' data is not deleted with your account.")
    if learner.email:
        session.exec(delete(LoginFailure).where(LoginFailure.email == learner.email))
        throttles.forget_email(session, email=learner.email)
    session.exec(delete(User).where(User.id == learner_id))
    if learner in session:
        session.expunge(learner)
