"""Personal API tokens: read-only access to an instructor's cohort reports.

The token is shown once, at creation; only its SHA-256 is stored, like session tokens.
"""

import secrets
from datetime import timedelta

from sqlmodel import Session, select, update

from app.errors import Invalid, NotFound
from app.models import ApiToken, Learner
from app.models.types import utcnow
from app.services.cohorts import record_audit
from app.services.sessions import hash_token

PREFIX = "gt_"
NAME_MAX = 80
# Recording every use would turn each read into a write; once an hour is enough to see use.
LAST_USED_GRANULARITY = timedelta(hours=1)


def create_token(session: Session, *, owner: Learner, name: str) -> tuple[ApiToken, str]:
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
    session.commit()
    return token, secret


def list_tokens(session: Session, *, owner: Learner) -> list[ApiToken]:
    statement = (select(ApiToken).where(ApiToken.learner_id == owner.id)
                 .order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    return list(session.exec(statement).all())


def revoke_token(session: Session, *, owner: Learner, token_id: int) -> ApiToken:
    """Revoke one of the owner's tokens (another person's token is NotFound). Commits."""
    token = session.get(ApiToken, token_id)
    if token is None or token.learner_id != owner.id:
        raise NotFound("There is no such token.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        record_audit(session, actor=owner, action="token.revoke", detail={"token_id": token.id})
    session.commit()
    return token


def find_token_owner(session: Session, *, secret: str) -> Learner | None:
    """The owner of a live (unrevoked) token, or None. May record the token's use (commits)."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    statement = (select(ApiToken, Learner).join(Learner, Learner.id == ApiToken.learner_id)
                 .where(ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None)))
    row = session.exec(statement).first()
    if row is None:
        return None
    token, owner = row
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
        # End the read snapshot first so the write queues behind other writers (busy timeout).
        session.commit()
        session.exec(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
        session.commit()
    return owner
