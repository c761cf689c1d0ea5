"""Learners (anonymous or with an account), their sign-in sessions and chapter visits."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.types import UTCDateTime, timestamp


class Role(StrEnum):
    learner = "learner"
    instructor = "instructor"
    admin = "admin"


class Learner(SQLModel, table=True):
    """Anyone who reads or answers: anonymous until they register (email set)."""

    id: int | None = Field(default=None, primary_key=True)
    email: str | None = Field(default=None, max_length=254, unique=True, index=True)
    password_hash: str | None = Field(default=None, max_length=255)
    display_name: str = Field(default="Anonymous learner", max_length=80)
    role: str = Field(default=Role.learner, max_length=16)
    created_at: datetime = timestamp()
    last_active_at: datetime = timestamp()
    last_chapter_slug: str | None = Field(default=None, max_length=80)
    last_section: str | None = Field(default=None, max_length=120)

    @property
    def is_registered(self) -> bool:
        return self.email is not None

    @property
    def is_instructor(self) -> bool:
        return self.role in (Role.instructor, Role.admin)


class AuthSession(SQLModel, table=True):
    """A server-side session: only the SHA-256 of the cookie token is stored."""

    __tablename__ = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    learner_id: int = Field(foreign_key="learner.id", index=True, ondelete="CASCADE")
    created_at: datetime = timestamp()
    expires_at: datetime = Field(sa_type=UTCDateTime)


class ChapterVisit(SQLModel, table=True):
    """A chapter counts as read once visited."""

    __tablename__ = "chapter_visit"
    __table_args__ = (UniqueConstraint("learner_id", "chapter_slug"),)

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", index=True, ondelete="CASCADE")
    chapter_slug: str = Field(max_length=80)
    first_visited_at: datetime = timestamp()
    last_visited_at: datetime = timestamp()



