"""Sign-in and sign-up throttling: a counter per (kind, key), and the log of failed sign-ins."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.models.types import UTCDateTime, timestamp


class LoginFailure(SQLModel, table=True):
    """One failed sign-in, kept for the account's data export; throttling uses `Throttle`."""

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_email_at", "email", "created_at"),
        Index("ix_login_failure_ip_at", "ip", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    ip: str = Field(max_length=64)
    created_at: datetime = timestamp()


class Throttle(SQLModel, table=True):
    """Attempts counted for one (kind, key) in a window that ends at `expires_at`.

    kind: "pair" (email + client), "client", "account" (email), "register" (client), or
    "trusted" (an email + client pair that signed in: the account-wide limit spares it).
    `strikes` counts the windows in a row that were used up; each one doubles the next window.
    """

    __tablename__ = "login_throttle"
    __table_args__ = (Index("ix_login_throttle_expires_at", "expires_at"),)

    kind: str = Field(max_length=16, primary_key=True)
    key: str = Field(max_length=330, primary_key=True)
    count: int = 0
    strikes: int = 0
    expires_at: datetime = Field(sa_type=UTCDateTime)
