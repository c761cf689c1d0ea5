"""Accounts: register, sign in (throttled), sign out, and merging anonymous progress.

Password hashing (argon2, ~0.1 s) is slow on purpose. It runs in the route's worker thread,
never on the event loop, and never inside a database transaction: on SQLite a state-changing
request holds the write lock from its first query, so each use case commits (ends the
transaction) before hashing and writes afterwards in a fresh one.
"""

import re
from datetime import timedelta
from functools import cache

from pwdlib import PasswordHash
from sqlalchemy import func
from sqlmodel import Session, delete, select, update

from app.errors import Conflict, Invalid, TooManyRequests, Unauthorized
from app.models import Attempt, ChapterVisit, Learner, LoginFailure
from app.models.types import utcnow
from app.services import progress, sessions

MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # argon2 would hash megabytes; nobody types more than this
MAX_EMAIL = 254
MAX_DISPLAY_NAME = 80
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")

THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_LIMIT = 5
LOGIN_FAILED = "The email or password is not right."
THROTTLED = ("Too many failed sign-in attempts. For your security, signing in is paused for "
             "15 minutes; try again later.")

hasher = PasswordHash.recommended()


@cache
def _dummy_hash() -> str:
    """A real argon2 hash to check unknown emails against, so they take as long as known ones."""
    return hasher.hash("not-a-password-anyone-has")


# --- input rules, shared by the HTML forms and the JSON API

def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def check_email(email: str) -> str:
    email = normalise_email(email)
    if not email:
        raise Invalid("email: enter your email address.", field="email")
    if len(email) > MAX_EMAIL or not EMAIL_PATTERN.match(email):
        raise Invalid("email: enter a valid email address, like name@example.com.",
                      field="email")
    return email


def check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise Invalid(f"password: use at least {MIN_PASSWORD} characters.", field="password")
    if len(password) > MAX_PASSWORD:
        raise Invalid(f"password: use at most {MAX_PASSWORD} characters.", field="password")
    return password


def check_display_name(display_name: str) -> str:
    name = " ".join((display_name or "").split())
    if not name:
        raise Invalid("display_name: enter the name other people see.", field="display_name")
    if len(name) > MAX_DISPLAY_NAME:
        raise Invalid(f"display_name: use at most {MAX_DISPLAY_NAME} characters.",
                      field="display_name")
    return name


def safe_next(target: str | None) -> str:
    """Only same-site relative paths ("/..." but not "//host" or "/\\host"); else "/"."""
    if not target or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return "/"
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return "/"
    return target


# --- use cases

def find_account(session: Session, *, email: str) -> Learner | None:
    statement = select(Learner).where(Learner.email == normalise_email(email))
    return session.exec(statement).first()


def register(session: Session, *, email: str, password: str, display_name: str,
             current: Learner | None, session_days: int) -> tuple[Learner, str]:
    """Create an account; an anonymous learner of this browser becomes it, keeping progress.

    Returns the account and a new session token (the old session ends). Commits.
    """
    email = check_email(email)
    name = check_display_name(display_name)
    check_password(password)
    if current is not None and current.is_registered:
        raise Conflict("You are already signed in. Sign out first to create another account.")
    session.commit()  # hash outside any transaction (see the module docstring)
    password_hash = hasher.hash(password)
    if find_account(session, email=email) is not None:
        raise Conflict("email: an account with this email already exists. Sign in instead.",
                       field="email")
    learner = session.get(Learner, current.id) if current is not None else None
    learner = learner or Learner()
    learner.email, learner.password_hash, learner.display_name = email, password_hash, name
    learner.last_active_at = utcnow()
    session.add(learner)
    session.flush()
    sessions.end_all_sessions(session, learner_id=learner.id)  # no session fixation
    token = sessions.create_session(session, learner=learner, days=session_days)
    session.commit()
    return learner, token


def login(session: Session, *, email: str, password: str, ip: str, current: Learner | None,
          old_token: str | None, session_days: int) -> tuple[Learner, str]:
    """Check the password (throttled per email and per IP), merge this browser's anonymous
    progress into the account and start a new session. Commits.

    Failures say the same for an unknown email and a wrong password, and take as long.
    """
    email = normalise_email(email)
    if not email:
        raise Invalid("email: enter your email address.", field="email")
    if not password:
        raise Invalid("password: enter your password.", field="password")
    _check_throttle(session, email=email, ip=ip)
    account = find_account(session, email=email)
    stored = account.password_hash if account is not None else None
    session.commit()  # verify outside any transaction (see the module docstring)
    valid, new_hash = _verify(password, stored)
    if not valid or account is None:
        session.add(LoginFailure(email=email[:MAX_EMAIL], ip=ip[:64]))
        session.commit()
        raise Unauthorized(LOGIN_FAILED)
    _clear_failures(session, email=email)
    if new_hash:
        account.password_hash = new_hash
    account.last_active_at = utcnow()
    session.add(account)
    if current is not None and current.id != account.id and not current.is_registered:
        merge_learner(session, source=current, target=account)
    sessions.end_session(session, token=old_token)
    token = sessions.create_session(session, learner=account, days=session_days)
    session.commit()
    return account, token


def logout(session: Session, *, token: str | None) -> None:
    """End this browser's session server-side, so the cookie is worthless even if kept."""
    sessions.end_session(session, token=token)
    session.commit()


def _verify(password: str, stored: str | None) -> tuple[bool, str | None]:
    if len(password) > MAX_PASSWORD:
        password = password[:MAX_PASSWORD]  # still hashed: the same time as any other miss
    if stored is None:
        hasher.verify(password, _dummy_hash())
        return False, None
    return hasher.verify_and_update(password, stored)


# --- throttling (LoginFailure rows over a sliding window)

def _check_throttle(session: Session, *, email: str, ip: str) -> None:
    since = utcnow() - THROTTLE_WINDOW
    for column, value in ((LoginFailure.email, email), (LoginFailure.ip, ip)):
        statement = (select(func.count()).select_from(LoginFailure)
                     .where(column == value, LoginFailure.created_at > since))
        if session.exec(statement).one() >= THROTTLE_LIMIT:
            raise TooManyRequests(THROTTLED,
                                  headers={"Retry-After": str(int(THROTTLE_WINDOW.seconds))})


def _clear_failures(session: Session, *, email: str) -> None:
    """A right password forgives the account's misses, and expired rows go; IP rows stay."""
    session.exec(delete(LoginFailure).where(LoginFailure.email == email))
    session.exec(delete(LoginFailure).where(
        LoginFailure.created_at < utcnow() - THROTTLE_WINDOW))


# --- merging an anonymous learner into an account

def merge_learner(session: Session, *, source: Learner, target: Learner) -> None:
    """Move `source`'s chapter visits and attempts to `target`, rebuild `target`'s summaries
    and delete `source`. Does not commit."""
    _merge_visits(session, source_id=source.id, target_id=target.id)
    target_ids = select(Attempt.client_attempt_id).where(Attempt.learner_id == target.id)
    # A client_attempt_id both learners used is the same submission: keep the account's.
    session.exec(update(Attempt).where(
        Attempt.learner_id == source.id, Attempt.client_attempt_id.not_in(target_ids),
    ).values(learner_id=target.id))
    if source.last_chapter_slug and source.last_active_at > target.last_active_at:
        target.last_chapter_slug = source.last_chapter_slug
        target.last_section = source.last_section
    target.last_active_at = max(source.last_active_at, target.last_active_at)
    session.add(target)
    session.flush()
    # The database cascades the rest: sessions, leftover visits, summary rows.
    session.exec(delete(Learner).where(Learner.id == source.id))
    if source in session:
        session.expunge(source)
    progress.rebuild_learner_progress(session, learner_id=target.id)


def _merge_visits(session: Session, *, source_id: int, target_id: int) -> None:
    owned = {v.chapter_slug: v for v in session.exec(
        select(ChapterVisit).where(ChapterVisit.learner_id == target_id))}
    for visit in session.exec(select(ChapterVisit).where(ChapterVisit.learner_id == source_id)):
        kept = owned.get(visit.chapter_slug)
        if kept is None:
            visit.learner_id = target_id
            session.add(visit)
            continue
        kept.first_visited_at = min(kept.first_visited_at, visit.first_visited_at)
        kept.last_visited_at = max(kept.last_visited_at, visit.last_visited_at)
        session.add(kept)
    session.flush()
