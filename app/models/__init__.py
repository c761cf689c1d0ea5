"""SQLModel tables. Import every table module here so Alembic and create_all see them."""

from app.models.cohorts import (
    ApiToken,
    AuditEvent,
    Cohort,
    CohortInstructor,
    CohortMember,
    LoginFailure,
)
from app.models.learners import AuthSession, ChapterVisit, Learner, Role
from app.models.progress import Answer, Attempt, QuizProgress

__all__ = [
    "Answer", "ApiToken", "Attempt", "AuditEvent", "AuthSession", "ChapterVisit", "Cohort",
    "CohortInstructor", "CohortMember", "Learner", "LoginFailure", "QuizProgress", "Role",
]
