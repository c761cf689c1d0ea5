"""Failed sign-ins, counted to throttle password guessing."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.models.types import timestamp


class LoginFailure(SQLModel, table=True):
    """One failed sign-in; counted per account and per IP over a sliding window."""

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_email_at", "email", "created_at"),
        Index("ix_login_failure_ip_at", "ip", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    ip: str = Field(max_length=64)
    created_at: datetime = timestamp()
