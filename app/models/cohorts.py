"""Cohorts, their instructors and members, API tokens, the audit log and login throttling."""

from datetime import datetime

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from app.models.types import UTCDateTime, timestamp


class Cohort(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    join_code: str = Field(max_length=64, unique=True, description="unguessable; rotatable")
    owner_id: int = Field(foreign_key="learner.id", index=True, ondelete="CASCADE")
    created_at: datetime = timestamp()


class CohortInstructor(SQLModel, table=True):
    """Co-instructors (the owner is Cohort.owner_id)."""

    __tablename__ = "cohort_instructor"

    cohort_id: int = Field(foreign_key="cohort.id", primary_key=True, ondelete="CASCADE")
    learner_id: int = Field(foreign_key="learner.id", primary_key=True, index=True,
                            ondelete="CASCADE")
    added_at: datetime = timestamp()


class CohortMember(SQLModel, table=True):
    __tablename__ = "cohort_member"

    cohort_id: int = Field(foreign_key="cohort.id", primary_key=True, ondelete="CASCADE")
    learner_id: int = Field(foreign_key="learner.id", primary_key=True, index=True,
                            ondelete="CASCADE")
    joined_at: datetime = timestamp()


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
