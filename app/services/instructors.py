"""Instructor accounts, made from the command line (`guide create-instructor`)."""

from sqlmodel import Session

from app.errors import Invalid
from app.models import Learner, Role
from app.services import accounts


def create_or_promote(session: Session, *, email: str, password: str | None,
                      display_name: str | None, admin: bool) -> tuple[Learner, bool]:
    """Make `email` an instructor (or admin): a new account, or an existing one promoted.

    Returns (account, created). An existing account keeps its password and is never demoted
    from admin. Commits.
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
        session.commit()
        return learner, False
    if password is None:
        raise Invalid("A new account needs a password.", field="password")
    accounts.check_password(password)
    name = accounts.check_display_name(display_name or email.split("@")[0])
    session.commit()  # hash outside any transaction (see app/services/accounts.py)
    learner = Learner(email=email, display_name=name, role=role,
                      password_hash=accounts.hasher.hash(password))
    session.add(learner)
    session.commit()
    return learner, True
