"""Chapters read."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.types import timestamp


class ChapterVisit(SQLModel, table=True):
    """A chapter counts as read once visited."""

    __tablename__ = "chapter_visit"
    __table_args__ = (UniqueConstraint("learner_id", "chapter_slug"),)

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", index=True, ondelete="CASCADE")
    chapter_slug: str = Field(max_length=80)
    first_visited_at: datetime = timestamp()
    last_visited_at: datetime = timestamp()
