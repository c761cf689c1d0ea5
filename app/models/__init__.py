"""SQLModel tables, one module per aggregate. Import every table module here so Alembic and
create_all see them."""

from app.models.api_tokens import ApiToken
from app.models.attempts import Answer, Attempt, QuizProgress
from app.models.audit import AuditEvent
from app.models.checks import AttemptDraft, CheckedAnswer, PracticeAnswer
from app.models.cohorts import Cohort, CohortInstructor, CohortMember
from app.models.login_throttle import LoginFailure, Throttle
from app.models.reading import ChapterVisit
from app.models.users import Role, SignIn, User

__all__ = [
    "Answer", "ApiToken", "Attempt", "AttemptDraft", "AuditEvent", "ChapterVisit",
    "CheckedAnswer", "Cohort", "CohortInstructor", "CohortMember", "LoginFailure",
    "PracticeAnswer", "QuizProgress", "Role", "SignIn", "Throttle", "User",
]
