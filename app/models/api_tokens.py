"""Personal, read-only API tokens of instructors."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.types import UTCDateTime, timestamp


class ApiToken(SQLModel, table=True):
    """A personal, read-only token; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=80)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = timestamp()
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
