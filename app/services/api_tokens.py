"""Personal API tokens: read-only access to an instructor's cohort reports.

The token is shown once, at creation; only its SHA-256 is stored, like session tokens.
"""

import secrets
from datetime import timedelta

from sqlmodel import Session, select, update

from app.errors import Invalid, NotFound
from app.models import ApiToken, User
from app.models.types import utcnow
from app.services.cohorts import record_audit
from app.services.sign_ins import hash_token

PREFIX = "gt_"
NAME_MAX = 80
# Recording every use would turn each read into a write; once an hour is enough to see use.
LAST_USED_GRANULARITY = timedelta(hours=1)


def create_token(session: Session, *, owner: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `owner`; returns the row and the secret (never retrievable again)."""
    name = (name or "").strip()
    if not name:
        raise Invalid("Give the token a name, such as the system that will use it.", field="name")
    if len(name) > NAME_MAX:
        raise Invalid(f"The name is longer than {NAME_MAX} characters.", field="name")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(learner_id=owner.id, name=name, token_hash=hash_token(secret))
    session.add(token)
    session.flush()
    record_audit(session, actor=owner, action="token.create", detail={"token_id": token.id})
    return token, secret


def list_tokens(session: Session, *, owner: User) -> list[ApiToken]:
    statement = (select(ApiToken).where(ApiToken.learner_id == owner.id)
                 .order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    return list(session.exec(statement).all())


def get_token(session: Session, *, owner: User, token_id: int) -> ApiToken:
    """One of the owner's tokens (another person's token is NotFound)."""
    token = session.get(ApiToken, token_id)
    if token is None or token.learner_id != owner.id:
        raise NotFound("There is no such token.")
    return token


def revoke_token(session: Session, *, owner: User, token_id: int) -> ApiToken:
    """Revoke one of the owner's tokens (another person's token is NotFound)."""
    token = get_token(session, owner=owner, token_id=token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        record_audit(session, actor=owner, action="token.revoke", detail={"token_id": token.id})
    return token


def find_token(session: Session, *, secret: str) -> tuple[ApiToken, User] | None:
    """A live (unrevoked) token and its owner, or None."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    statement = (select(ApiToken, User).join(User, User.id == ApiToken.learner_id)
                 .where(ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None)))
    row = session.exec(statement).first()
    return tuple(row) if row is not None else None


def use_is_worth_recording(token: ApiToken) -> bool:
    """Recording every use would turn each read into a write: once per granularity period."""
    return token.last_used_at is None or utcnow() - token.last_used_at > LAST_USED_GRANULARITY


def record_use(session: Session, *, token_id: int) -> None:
    session.exec(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow()))
