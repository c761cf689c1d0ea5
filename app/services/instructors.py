"""Instructor accounts, made from the command line (`guide create-instructor`)."""

from sqlmodel import Session

from app.errors import Invalid
from app.models import Role, User
from app.services import accounts


def create_or_promote(session: Session, *, email: str, password_hash: str | None,
                      display_name: str | None, admin: bool) -> tuple[User, bool]:
    """Make `email` an instructor (or admin): a new account, or an existing one promoted.

    Returns (account, created). An existing account keeps its password and is never demoted
    from admin. A new account needs `password_hash` (hashed by the caller, outside the write).
    """
    email = accounts.check_email(email)
    role = Role.admin if admin else Role.instructor
    learner = accounts.find_account(session, email=email)
    if learner is not None:
        if learner.role != Role.admin:
            learner.role = role
        if display_name:
            learner.display_name = accounts.check_display_name(display_name)
        session.add(learner)
        return learner, False
    if password_hash is None:
        raise Invalid("A new account needs a password.", field="password")
    name = accounts.check_display_name(display_name or email.split("@")[0])
    learner = User(email=email, display_name=name, role=role, password_hash=password_hash)
    session.add(learner)
    session.flush()
    return learner, True
