"""SQLModel tables. Import every table module here so Alembic and create_all see them."""

from app.models.learners import AuthSession, ChapterVisit, Learner, Role
from app.models.progress import Answer, Attempt

__all__ = ["Answer", "Attempt", "AuthSession", "ChapterVisit", "Learner", "Role"]
