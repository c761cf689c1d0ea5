"""The audit log: who did what to whom."""

from datetime import datetime

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from app.models.types import timestamp


class AuditEvent(SQLModel, table=True):
    """Who did what to whom: attempt resets, removals, code rotations, token changes."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, foreign_key="learner.id", ondelete="SET NULL")
    action: str = Field(max_length=40)
    cohort_id: int | None = Field(default=None, foreign_key="cohort.id", index=True,
                                  ondelete="SET NULL")
    subject_id: int | None = Field(default=None, foreign_key="learner.id", index=True,
                                   ondelete="SET NULL")
    detail: dict = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = timestamp()
