"""Users (anonymous until they register; learners, instructors and admins alike) and their
sign-ins (server-side sessions: the cookie holds a token, the `auth_session` row its SHA-256)."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.models.types import UTCDateTime, timestamp


class Role(StrEnum):
    learner = "learner"
    instructor = "instructor"
    admin = "admin"


class User(SQLModel, table=True):
    """Anyone who reads or answers: anonymous until they register (email set). Learners,
    instructors and admins are all users; `role` says which."""

    __tablename__ = "learner"  # the table predates the name

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


class SignIn(SQLModel, table=True):
    """A signed-in browser (server-side): only the SHA-256 of the cookie token is stored."""

    __tablename__ = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    learner_id: int = Field(foreign_key="learner.id", index=True, ondelete="CASCADE")
    created_at: datetime = timestamp()
    expires_at: datetime = Field(sa_type=UTCDateTime)
