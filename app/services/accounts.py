"""Accounts: register, sign in (throttled), sign out, and merging anonymous progress.

Registering and signing in are the two use cases with a slow step (argon2, ~0.1 s): they run
as read -> hash or verify (in a worker thread, never inside a transaction) -> one write, so no
database lock is ever held while a password is hashed. Both are async functions taking the
`Database` and `Passwords`; the HTML forms and the JSON API are thin adapters over them.
"""

import re
from datetime import timedelta

from sqlmodel import Session, delete, select, update

from app.db import Database
from app.errors import Conflict, Invalid, Unauthorized
from app.models import Attempt, ChapterVisit, LoginFailure, User
from app.models.types import utcnow
from app.services import attempt_drafts, attempts, practice, sign_ins, throttles
from app.services.passwords import MAX_PASSWORD, Passwords

MIN_PASSWORD = 10
MAX_EMAIL = 254
MAX_DISPLAY_NAME = 80
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")

THROTTLE_WINDOW = timedelta(minutes=15)  # failed sign-ins are kept this long (their export)
LOGIN_FAILED = "The email or password is not right."


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

def find_account(session: Session, *, email: str) -> User | None:
    statement = select(User).where(User.email == normalise_email(email))
    return session.exec(statement).first()


async def register(db: Database, passwords: Passwords, *, email: str, password: str,
                   display_name: str, token: str | None, days: int, ip: str,
                   per_hour: int) -> tuple[User, str]:
    """Create an account; an anonymous user of this browser becomes it, keeping progress.

    At most `per_hour` attempts per client address reach the (memory-hungry) hash.
    Returns the account and its new sign-in token (every other sign-in of it ends).
    """
    email = check_email(email)
    name = check_display_name(display_name)
    check_password(password)
    current = await db.read(sign_ins.find_user, token=token)
    if current is not None and current.is_registered:
        raise Conflict("You are already signed in. Sign out first to create another account.")
    await db.write(throttles.check_registration, ip=ip, per_hour=per_hour)
    if await db.read(find_account, email=email) is not None:
        raise _email_taken()
    password_hash = await passwords.hash_off_loop(password)
    return await db.write(_create_account, email=email, password_hash=password_hash,
                          display_name=name, token=token, days=days)


def _create_account(session: Session, *, email: str, password_hash: str, display_name: str,
                    token: str | None, days: int) -> tuple[User, str]:
    if find_account(session, email=email) is not None:  # registered meanwhile
        raise _email_taken()
    user = sign_ins.find_user(session, token=token)
    user = user if user is not None and not user.is_registered else User()
    user.email, user.password_hash, user.display_name = email, password_hash, display_name
    user.last_active_at = utcnow()
    session.add(user)
    session.flush()
    sign_ins.end_all_sign_ins(session, user_id=user.id)  # no session fixation
    return user, sign_ins.create_sign_in(session, user_id=user.id, days=days)


def _email_taken() -> Conflict:
    return Conflict("email: an account with this email already exists. Sign in instead.",
                    field="email")


async def login(db: Database, passwords: Passwords, *, email: str, password: str, ip: str,
                token: str | None, days: int) -> tuple[User, str]:
    """Check the password (throttled: app/services/throttles.py), merge this browser's
    anonymous progress into the account and sign it in with a new token.

    The attempt is counted, atomically, before the password is verified. Failures say the
    same for an unknown email and a wrong password, and take as long.
    """
    email = normalise_email(email)
    if not email:
        raise Invalid("email: enter your email address.", field="email")
    if not password:
        raise Invalid("password: enter your password.", field="password")
    counted, stored = await db.write(_count_attempt, email=email, ip=ip)
    valid, new_hash = await passwords.verify_off_loop(password, stored)
    if not valid:
        await db.write(_record_failure, email=email, ip=ip)
        raise Unauthorized(LOGIN_FAILED)
    return await db.write(_sign_in, email=email, ip=ip, account_counted=counted,
                          new_hash=new_hash, token=token, days=days)


def _count_attempt(session: Session, *, email: str, ip: str) -> tuple[bool, str | None]:
    """(whether the account-wide counter was taken, the stored hash), or TooManyRequests."""
    counted = throttles.check_sign_in(session, email=email, ip=ip)
    account = find_account(session, email=email)
    return counted, account.password_hash if account is not None else None


def _record_failure(session: Session, *, email: str, ip: str) -> None:
    session.add(LoginFailure(email=email[:MAX_EMAIL], ip=ip[:64]))


def _sign_in(session: Session, *, email: str, ip: str, account_counted: bool,
             new_hash: str | None, token: str | None, days: int) -> tuple[User, str]:
    account = find_account(session, email=email)
    if account is None:  # deleted while its password was being checked
        raise Unauthorized(LOGIN_FAILED)
    throttles.signed_in(session, email=email, ip=ip, account_counted=account_counted)
    if new_hash:
        account.password_hash = new_hash
    account.last_active_at = utcnow()
    session.add(account)
    current = sign_ins.find_user(session, token=token)
    if current is not None and current.id != account.id and not current.is_registered:
        merge_users(session, source=current, target=account)
    sign_ins.end_sign_in(session, token=token)
    return account, sign_ins.create_sign_in(session, user_id=account.id, days=days)


def logout(session: Session, *, token: str | None) -> None:
    """End this browser's sign-in server-side, so the cookie is worthless even if kept."""
    sign_ins.end_sign_in(session, token=token)


# --- merging an anonymous learner into an account

def merge_users(session: Session, *, source: User, target: User) -> None:
    """Move `source`'s chapter visits, attempts (in progress too) and practice to `target`,
    rebuild `target`'s summaries and delete `source`. Does not commit."""
    _merge_visits(session, source_id=source.id, target_id=target.id)
    target_ids = select(Attempt.client_attempt_id).where(Attempt.learner_id == target.id)
    # A client_attempt_id both learners used is the same submission: keep the account's.
    session.exec(update(Attempt).where(
        Attempt.learner_id == source.id, Attempt.client_attempt_id.not_in(target_ids),
    ).values(learner_id=target.id))
    attempt_drafts.move_drafts(session, source_id=source.id, target_id=target.id)
    practice.move_practice(session, source_id=source.id, target_id=target.id)
    if source.last_chapter_slug and source.last_active_at > target.last_active_at:
        target.last_chapter_slug = source.last_chapter_slug
        target.last_section = source.last_section
    target.last_active_at = max(source.last_active_at, target.last_active_at)
    session.add(target)
    session.flush()
    # The database cascades the rest: sessions, leftover visits, summary rows.
    session.exec(delete(User).where(User.id == source.id))
    if source in session:
        session.expunge(source)
    attempts.rebuild_learner_progress(session, learner_id=target.id)


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
