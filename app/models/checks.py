"""Checked answers: attempts in progress of `immediate` quizzes, and practice.

A graded attempt is stored only at submission (app/models/attempts.py). Before that, on a quiz
whose behaviour is `immediate`, every answer the learner checks is stored here at once and is
final for that attempt; the submission takes it from here. Practice checks live in their own
table so that no report, summary or export of graded attempts can ever count them.
"""

from datetime import datetime

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.types import UTCDateTime, timestamp


class AttemptDraft(SQLModel, table=True):
    """A graded attempt in progress, keyed like the attempt it becomes (learner + client id).

    `open_quiz_slug` is the quiz slug while the draft is open and NULL once submitted: its
    unique constraint allows one open attempt per learner and quiz (NULLs never collide).
    """

    __tablename__ = "attempt_draft"
    __table_args__ = (
        UniqueConstraint("learner_id", "client_attempt_id"),
        UniqueConstraint("learner_id", "open_quiz_slug"),
    )

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", ondelete="CASCADE")
    quiz_slug: str = Field(max_length=80)
    client_attempt_id: str = Field(max_length=64)
    retry_of: int | None = Field(default=None, description="the attempt whose misses it retries")
    open_quiz_slug: str | None = Field(default=None, max_length=80)
    created_at: datetime = timestamp()
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CheckedAnswer(SQLModel, table=True):
    """One checked answer of a draft: the first check of a question wins and is final."""

    __tablename__ = "checked_answer"
    __table_args__ = (UniqueConstraint("draft_id", "question_id"),)

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="attempt_draft.id", ondelete="CASCADE")
    question_id: str = Field(max_length=80)
    question_version: str = Field(max_length=16)
    response: list | dict = Field(sa_type=JSON)
    correct: bool
    score: float
    max_score: float = 1.0
    checked_at: datetime = timestamp()


class PracticeAnswer(SQLModel, table=True):
    """One check in practice mode: every check is kept; none counts toward anything graded."""

    __tablename__ = "practice_answer"
    __table_args__ = (Index("ix_practice_answer_learner_quiz", "learner_id", "quiz_slug"),)

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", ondelete="CASCADE")
    quiz_slug: str = Field(max_length=80)
    question_id: str = Field(max_length=80)
    question_version: str = Field(max_length=16)
    response: list | dict = Field(sa_type=JSON)
    correct: bool
    score: float
    max_score: float = 1.0
    created_at: datetime = timestamp()
