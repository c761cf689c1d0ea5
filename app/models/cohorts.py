"""Cohorts, their instructors and members."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.types import timestamp


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
