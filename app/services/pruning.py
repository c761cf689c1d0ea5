"""Housekeeping: delete rows nobody can use any more (run by `guide prune` and at start-up).

- sign-in sessions past their expiry;
- anonymous learners (no email) inactive for longer than max(anonymous_days, session_days):
  they have no account to come back to once their session cookie has expired, so their
  visits, attempts, answers and cohort memberships go with them (ON DELETE CASCADE);
- login failures older than the throttle window, which no longer count;
- throttle counters whose window ended over a day ago.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, delete, exists, select

from app.models import LoginFailure, SignIn, User
from app.services import throttles
from app.services.accounts import THROTTLE_WINDOW

DEFAULT_ANONYMOUS_DAYS = 30


@dataclass(frozen=True)
class PruneReport:
    sessions: int
    anonymous_learners: int
    login_failures: int
    throttles: int = 0

    def __str__(self) -> str:
        return (f"{self.sessions} expired session(s), {self.anonymous_learners} inactive "
                f"anonymous learner(s), {self.login_failures} old login failure(s)")


def prune(session: Session, *, now: datetime, anonymous_days: int = DEFAULT_ANONYMOUS_DAYS,
          session_days: int = 30) -> PruneReport:
    """Delete what is no longer needed and count it per kind. Does not commit."""
    sessions = session.exec(delete(SignIn).where(SignIn.expires_at < now)).rowcount
    idle_since = now - timedelta(days=max(anonymous_days, session_days))
    live_session = exists(select(SignIn.id).where(SignIn.learner_id == User.id,
                                                       SignIn.expires_at >= now))
    learners = session.exec(delete(User).where(
        User.email.is_(None), User.last_active_at < idle_since, ~live_session)).rowcount
    failures = session.exec(
        delete(LoginFailure).where(LoginFailure.created_at < now - THROTTLE_WINDOW)).rowcount
    counters = throttles.prune(session, now=now)
    return PruneReport(sessions=sessions, anonymous_learners=learners, login_failures=failures,
                       throttles=counters)
