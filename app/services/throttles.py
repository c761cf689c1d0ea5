"""Throttles: every sign-in or sign-up attempt is counted before its slow step, atomically.

One statement per counter, `INSERT ... ON CONFLICT (kind, key) DO UPDATE ... RETURNING count`,
runs inside the use case's write transaction, before argon2: concurrent attempts queue on the
counter's row, so at most `limit` of them per window ever reach the password check. A refused
attempt raises, its transaction rolls back, and it is not counted (it cannot extend a lock).

Sign-in policy (after OWASP's authentication cheat sheet; README "Accounts and progress"):
- pair (email + client address): 5 attempts per 15 minutes. This is the lock a guesser hits;
  it never reaches the account's owner on another client.
- client: 30 attempts per 15 minutes over all emails (one address spraying many accounts;
  generous, because a NAT puts many honest people behind one address). A success is refunded.
- account (email): 50 attempts per 15 minutes from clients that never signed in to it. It only
  slows a distributed guesser: a client that signed in to the account in the last 30 days
  ("trusted") is not counted against it, so the owner's usual client always gets through.
- backoff: a window that was used up makes the next one twice as long (15, 30, 60 min, ...,
  at most 16 hours); a window that ends unused resets it. A successful sign-in clears the pair.
Refused attempts get 429 with Retry-After: the seconds until the window ends.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, literal, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from app.errors import TooManyRequests
from app.models import Throttle
from app.models.types import UTCDateTime, utcnow


@dataclass(frozen=True)
class Limit:
    kind: str
    limit: int
    window: timedelta
    max_strikes: int = 6  # the window doubles at most 6 times: 15 min -> 16 h


PAIR = Limit("pair", 5, timedelta(minutes=15))
CLIENT = Limit("client", 30, timedelta(minutes=15))
ACCOUNT = Limit("account", 50, timedelta(minutes=15))
TRUSTED_FOR = timedelta(days=30)
TRUSTED = "trusted"
MAX_KEY = 330

SIGN_IN_PAUSED = ("Too many failed sign-in attempts. For your security, signing in from here "
                  "is paused; try again in {wait}.")
SIGN_UP_PAUSED = "Too many accounts created from here. Try again in {wait}."


def registration_limit(per_hour: int) -> Limit:
    return Limit("register", per_hour, timedelta(hours=1), max_strikes=0)


@dataclass(frozen=True)
class Counted:
    count: int
    expires_at: datetime


def take(session: Session, limit: Limit, key: str, *, now: datetime | None = None) -> Counted:
    """Count one attempt for (limit.kind, key); return the count so far in this window."""
    now = now or utcnow()
    table = Throttle.__table__
    c = table.c
    expired = c.expires_at <= now
    used_up = c.count >= limit.limit
    strikes = case((~expired, c.strikes),
                   (used_up, case((c.strikes < limit.max_strikes, c.strikes + 1),
                                  else_=c.strikes)),
                   else_=0)
    ends = case(*((strikes == n, _at(now + limit.window * 2 ** n))
                  for n in range(limit.max_strikes + 1)), else_=_at(now + limit.window))
    statement = (_insert(session)(table)
                 .values(kind=limit.kind, key=key[:MAX_KEY], count=1, strikes=0,
                         expires_at=now + limit.window)
                 .on_conflict_do_update(index_elements=[c.kind, c.key], set_={
                     "count": case((expired, 1), else_=c.count + 1),
                     "strikes": strikes,
                     "expires_at": case((expired, ends), else_=c.expires_at)})
                 .returning(c.count, c.expires_at))
    count, expires_at = session.execute(statement).one()
    return Counted(count=count, expires_at=expires_at)


def _insert(session: Session):
    """INSERT with ON CONFLICT for this session's database (both spell it the same)."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _at(moment: datetime):
    return literal(moment, UTCDateTime())


def check(session: Session, limit: Limit, key: str, message: str, *,
          now: datetime | None = None) -> None:
    """`take`, and raise TooManyRequests (rolling the count back) when over the limit."""
    now = now or utcnow()
    counted = take(session, limit, key, now=now)
    if counted.count > limit.limit:
        seconds = max(1, math.ceil((counted.expires_at - now).total_seconds()))
        raise TooManyRequests(message.format(wait=_wait(seconds)),
                              headers={"Retry-After": str(seconds)})


def _wait(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{math.ceil(minutes / 60)} hours"


# --- sign-in

def pair_key(email: str, ip: str) -> str:
    return f"{email}|{ip}"


def check_sign_in(session: Session, *, email: str, ip: str) -> bool:
    """Count a sign-in attempt against its pair, client and (unless trusted) account limits.

    Returns whether the account-wide counter was taken (a success refunds it).
    """
    now = utcnow()
    check(session, PAIR, pair_key(email, ip), SIGN_IN_PAUSED, now=now)
    check(session, CLIENT, ip, SIGN_IN_PAUSED, now=now)
    if is_trusted(session, email=email, ip=ip, now=now):
        return False
    check(session, ACCOUNT, email, SIGN_IN_PAUSED, now=now)
    return True


def is_trusted(session: Session, *, email: str, ip: str, now: datetime) -> bool:
    trusted = session.get(Throttle, (TRUSTED, pair_key(email, ip)[:MAX_KEY]))
    return trusted is not None and trusted.expires_at > now


def signed_in(session: Session, *, email: str, ip: str, account_counted: bool) -> None:
    """A right password: clear the pair, refund the client (and account), trust the pair."""
    key = pair_key(email, ip)[:MAX_KEY]
    session.exec(delete(Throttle).where(Throttle.kind == PAIR.kind, Throttle.key == key))
    refunds = [(CLIENT.kind, ip)] + ([(ACCOUNT.kind, email)] if account_counted else [])
    for kind, refund_key in refunds:
        session.exec(update(Throttle).where(Throttle.kind == kind, Throttle.key == refund_key,
                                            Throttle.count > 0)
                     .values(count=Throttle.count - 1))
    until = utcnow() + TRUSTED_FOR
    table = Throttle.__table__
    session.execute(_insert(session)(table)
                    .values(kind=TRUSTED, key=key, count=0, strikes=0, expires_at=until)
                    .on_conflict_do_update(index_elements=[table.c.kind, table.c.key],
                                           set_={"expires_at": _at(until)}))


def forget_email(session: Session, *, email: str) -> None:
    """Delete the counters that name `email` (its account is being deleted)."""
    named = or_(Throttle.key == email, Throttle.key.startswith(pair_key(email, ""),
                                                               autoescape=True))
    session.exec(delete(Throttle).where(
        Throttle.kind.in_((PAIR.kind, ACCOUNT.kind, TRUSTED)), named))


# --- sign-up

def check_registration(session: Session, *, ip: str, per_hour: int) -> None:
    """Count an account creation from this client; 429 past `per_hour` in an hour."""
    check(session, registration_limit(per_hour), ip, SIGN_UP_PAUSED)


def prune(session: Session, *, now: datetime) -> int:
    """Delete counters that ended a day ago (their backoff has lapsed too)."""
    return session.exec(delete(Throttle).where(
        Throttle.expires_at < now - timedelta(days=1))).rowcount
