"""Sign-ins: the browser's cookie holds a random token, the `SignIn` row only its SHA-256.

Anonymous users are signed in too (that is how a browser keeps its progress before it has an
account), but only from their first real write: `find_or_create_user` makes one lazily.
"""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import bindparam
from sqlalchemy.engine import Connection
from sqlmodel import Session, delete, select

from app.db import Prepared
from app.models import SignIn, User
from app.models.types import utcnow
from app.units import unit_session


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_sign_in(session: Session, *, user_id: int, days: int) -> str:
    """Sign `user_id` in and return the token for the cookie (the only time it exists)."""
    token = secrets.token_urlsafe(32)
    session.add(SignIn(token_hash=hash_token(token), learner_id=user_id,
                       expires_at=utcnow() + timedelta(days=days)))
    return token


# Looked up on nearly every request of a known browser, so the statement is built once.
_USER_BY_TOKEN = (
    select(User)
    .join(SignIn, SignIn.learner_id == User.id)
    .where(SignIn.token_hash == bindparam("token_hash"), SignIn.expires_at > bindparam("now"))
)


def find_user(session: Session, *, token: str | None) -> User | None:
    """The user of a live sign-in, or None for a missing, unknown or expired token."""
    if not token:
        return None
    return session.exec(_USER_BY_TOKEN,
                        params={"token_hash": hash_token(token), "now": utcnow()}).first()


# The submission hot path only needs the id: one statement on one table, no ORM object.
_USER_ID_BY_TOKEN = Prepared(
    select(SignIn.learner_id)
    .where(SignIn.token_hash == bindparam("token_hash"), SignIn.expires_at > bindparam("now"))
)


def find_or_create_user_id(connection: Connection, *, token: str | None,
                           days: int) -> tuple[int, str | None]:
    """find_or_create_user, for a write that needs only the user's id (quiz submissions): one
    prepared statement on the connection, and an ORM session only to make a new user."""
    if token:
        found = _USER_ID_BY_TOKEN.execute(
            connection, {"token_hash": hash_token(token), "now": utcnow()}).fetchone()
        if found is not None:
            return found[0], None
    with unit_session(connection) as session:
        user, new_token = _create_user(session, days=days)
        session.commit()
    return user.id, new_token


def find_or_create_user(session: Session, *, token: str | None,
                        days: int) -> tuple[User, str | None]:
    """The user of this sign-in, or a new anonymous user signed in with a new token.

    Returns (user, new token or None); the caller sets the cookie once the write commits.
    """
    user = find_user(session, token=token)
    if user is not None:
        return user, None
    return _create_user(session, days=days)


def _create_user(session: Session, *, days: int) -> tuple[User, str]:
    """A new anonymous user, signed in: (user, the token for the cookie)."""
    user = User()
    session.add(user)
    session.flush()
    return user, create_sign_in(session, user_id=user.id, days=days)


def end_sign_in(session: Session, *, token: str | None) -> None:
    if token:
        session.exec(delete(SignIn).where(SignIn.token_hash == hash_token(token)))


def end_all_sign_ins(session: Session, *, user_id: int) -> None:
    session.exec(delete(SignIn).where(SignIn.learner_id == user_id))
