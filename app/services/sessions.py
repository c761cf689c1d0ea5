"""Server-side sign-in sessions: the cookie holds a random token, the table its SHA-256."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import bindparam
from sqlmodel import Session, delete, select

from app.models import AuthSession, Learner
from app.models.types import utcnow


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_session(session: Session, *, learner: Learner, days: int) -> str:
    """Start a session for `learner` and return the token for the cookie (shown only here)."""
    token = secrets.token_urlsafe(32)
    session.add(AuthSession(token_hash=hash_token(token), learner_id=learner.id,
                            expires_at=utcnow() + timedelta(days=days)))
    return token


# Looked up on nearly every request of a learner, so the statement is built once.
_LEARNER_BY_TOKEN = (
    select(Learner)
    .join(AuthSession, AuthSession.learner_id == Learner.id)
    .where(AuthSession.token_hash == bindparam("token_hash"),
           AuthSession.expires_at > bindparam("now"))
)


def find_learner_by_token(session: Session, token: str | None) -> Learner | None:
    """The learner of a live session, or None for a missing, unknown or expired token."""
    if not token:
        return None
    return session.exec(_LEARNER_BY_TOKEN,
                        params={"token_hash": hash_token(token), "now": utcnow()}).first()


def end_session(session: Session, *, token: str | None) -> None:
    if token:
        session.exec(delete(AuthSession).where(AuthSession.token_hash == hash_token(token)))


def end_all_sessions(session: Session, *, learner_id: int) -> None:
    session.exec(delete(AuthSession).where(AuthSession.learner_id == learner_id))


def create_anonymous_learner(session: Session) -> Learner:
    learner = Learner()
    session.add(learner)
    session.flush()
    return learner
