"""The lab's service sorting exercise: place baseline features as Customer, Microsoft or Shared.

The items are a fixed, generated quiz (`lab-sorting`, app/guide/practice.py): a submission is
graded here and stored as an attempt at that quiz, so it counts on /progress, the dashboard and
in item analysis like any other quiz. Every select must be present; a blank one is shown again
(nothing stored), a made-up item or value is Invalid.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session

from app.errors import Invalid, NotFound
from app.guide.quizzes import Quiz
from app.guide.vocabulary import CLIENT_ATTEMPT_ID, PARTIES
from app.models import Attempt, User
from app.services import attempts, grading
from app.services.grading import Review

FORM_META = frozenset({"csrf_token", "client_attempt_id"})


@dataclass(frozen=True)
class SortingSubmission:
    answers: dict[str, str]  # item (question) id -> party, or "" when left unset
    client_attempt_id: str

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(item for item, value in self.answers.items() if not value)


def parse_sorting(quiz: Quiz, fields: Mapping[str, str]) -> SortingSubmission:
    """Check a submitted sorting form; Invalid (naming the field) for what no form sends."""
    client_attempt_id = fields.get("client_attempt_id", "")
    if not CLIENT_ATTEMPT_ID.match(client_attempt_id):
        raise Invalid("client_attempt_id: the form's attempt id is missing or malformed. "
                      "Reload the exercise.", field="client_attempt_id")
    for name, value in fields.items():
        if name in FORM_META:
            continue
        if quiz.question(name) is None:
            raise Invalid(f"{name[:80]}: there is no such item in the sorting exercise.",
                          field=name)
        if value not in (*PARTIES, ""):
            raise Invalid(f"{name}: choose Customer, Microsoft or Shared, not "
                          f"“{value[:40]}”.", field=name)
    absent = [q.id for q in quiz.questions if q.id not in fields]
    if absent:
        raise Invalid(f"{absent[0]}: the form does not contain every item. Reload the exercise.",
                      field=absent[0])
    return SortingSubmission(answers={q.id: fields[q.id] for q in quiz.questions},
                             client_attempt_id=client_attempt_id)


def submit_sorting(session: Session, *, quiz: Quiz, token: str | None, days: int,
                   submission: SortingSubmission) -> attempts.Submission:
    """Grade a complete submission, one mark per item, and store it (idempotent)."""
    if submission.missing:
        raise Invalid("Every item needs an answer.", field=submission.missing[0])
    graded = [grading.grade_answer(question, [submission.answers[question.id]])
              for question in quiz.questions]
    attempt = attempts.new_attempt(
        quiz_slug=quiz.slug, client_attempt_id=submission.client_attempt_id,
        kind=attempts.FULL, graded=graded, pass_percent=quiz.pass_percent)
    return attempts.submit_attempt(session.connection(), token=token, days=days, attempt=attempt)


@dataclass(frozen=True)
class SortingResult:
    attempt: Attempt
    reviews: tuple[Review, ...]

    @property
    def score(self) -> int:
        return sum(r.correct for r in self.reviews)


def review_sorting(session: Session, *, quiz: Quiz, learner: User | None,
                   attempt_id: int) -> SortingResult:
    """The learner's own sorting attempt, item by item, with the baseline's facts."""
    attempt = attempts.get_attempt(session, attempt_id=attempt_id,
                                   learner_id=learner.id if learner else None)
    if attempt.quiz_slug != quiz.slug:
        raise NotFound("There is no such attempt.")
    answers = attempts.list_answers(session, attempt_id=attempt.id)
    return SortingResult(attempt=attempt, reviews=tuple(grading.review_answers(quiz, answers)))
