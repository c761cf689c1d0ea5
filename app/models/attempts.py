"""Quiz attempts, one row per answer, and the per-quiz summary of each user."""

from datetime import datetime

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.types import UTCDateTime, timestamp


class Attempt(SQLModel, table=True):
    """One graded submission of a quiz (or of the matrix lab, quiz_slug 'lab')."""

    __table_args__ = (
        UniqueConstraint("learner_id", "client_attempt_id"),
        Index("ix_attempt_learner_quiz", "learner_id", "quiz_slug"),
        Index("ix_attempt_quiz_first", "quiz_slug", "is_first"),
    )

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", ondelete="CASCADE")
    quiz_slug: str = Field(max_length=80)
    client_attempt_id: str = Field(max_length=64)
    kind: str = Field(default="full", max_length=16, description="full | retry")
    is_first: bool = Field(default=False, description="the learner's first full attempt")
    score: float
    max_score: float
    percent: float
    passed: bool
    created_at: datetime = timestamp()
    voided_at: datetime | None = Field(
        default=None, sa_type=UTCDateTime,
        description="set when an instructor resets the learner's attempts; kept, not counted")


class QuizProgress(SQLModel, table=True):
    """One summary row per learner and quiz, kept up to date with every attempt.

    Progress pages and the instructor dashboard read these instead of scanning answers.
    """

    __tablename__ = "quiz_progress"
    __table_args__ = (
        Index("ix_quiz_progress_quiz", "quiz_slug"),
        # Covering index for the dashboard's per-learner aggregates (migration 0002).
        Index("ix_quiz_progress_learner_status", "learner_id", "quiz_slug", "passed",
              "failed_attempts", "best_percent"),
    )

    learner_id: int = Field(foreign_key="learner.id", primary_key=True, ondelete="CASCADE")
    quiz_slug: str = Field(max_length=80, primary_key=True)
    attempts: int = 0
    failed_attempts: int = 0
    best_percent: float = 0.0
    last_percent: float = 0.0
    passed: bool = False
    last_attempt_at: datetime = timestamp()


class Answer(SQLModel, table=True):
    """One answered question of an attempt, with the version of the question it answered."""

    __table_args__ = (Index("ix_answer_attempt", "attempt_id"),)

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(foreign_key="attempt.id", ondelete="CASCADE")
    question_id: str = Field(max_length=80)
    question_version: str = Field(max_length=16, description="hash of the question's content")
    response: list | dict = Field(sa_type=JSON, description="choice ids, or row id -> value")
    correct: bool
    score: float
    max_score: float = 1.0
