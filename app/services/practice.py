"""Practice mode: check any question as often as you like and see the key.

Practice checks are stored in their own table (`PracticeAnswer`), never as attempts: best
scores, passes, QuizProgress, the cohort dashboard, item analysis and the responses export
all read attempts, so practice can never count toward them.
"""

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import case, func
from sqlmodel import Session, select

from app.errors import NotFound
from app.guide import Question, Quiz
from app.guide.vocabulary import iso_utc
from app.models import PracticeAnswer
from app.services import grading, sign_ins


@dataclass(frozen=True)
class PracticeCheck:
    answer: PracticeAnswer
    new_token: str | None


@dataclass(frozen=True)
class PracticeSummary:
    """One quiz's practice, as /progress shows it."""

    quiz_slug: str
    checks: int
    right: int
    last_at: datetime


def get_practice_quiz(guide, slug: str) -> Quiz:
    """The quiz, if it may be practised; NotFound otherwise."""
    quiz = grading.get_quiz(guide, slug)
    if not quiz.practice:
        raise NotFound(f"Quiz {slug!r} has no practice mode.")
    return quiz


def check_practice(session: Session, *, token: str | None, days: int, quiz: Quiz,
                   question: Question, response: object) -> PracticeCheck:
    """Grade one practice answer and keep it as practice (the user is made lazily)."""
    graded = grading.grade_answer(question, response)  # Invalid before anything is stored
    user, new_token = sign_ins.find_or_create_user(session, token=token, days=days)
    answer = PracticeAnswer(learner_id=user.id, quiz_slug=quiz.slug, **asdict(graded))
    session.add(answer)
    session.flush()
    return PracticeCheck(answer=answer, new_token=new_token)


def practice_summary(session: Session, *, learner_id: int | None) -> list[PracticeSummary]:
    """The learner's practice per quiz (checks, right answers, last check), by quiz slug."""
    if learner_id is None:
        return []
    right = func.sum(case((PracticeAnswer.correct, 1), else_=0))
    statement = (select(PracticeAnswer.quiz_slug, func.count(), right,
                        func.max(PracticeAnswer.created_at))
                 .where(PracticeAnswer.learner_id == learner_id)
                 .group_by(PracticeAnswer.quiz_slug).order_by(PracticeAnswer.quiz_slug))
    return [PracticeSummary(quiz_slug=slug, checks=checks, right=int(ok or 0), last_at=last)
            for slug, checks, ok, last in session.exec(statement)]


def export_practice(session: Session, *, learner_id: int) -> list[dict]:
    """Every practice check of the learner, JSON-ready."""
    statement = (select(PracticeAnswer).where(PracticeAnswer.learner_id == learner_id)
                 .order_by(PracticeAnswer.id))
    return [{"quiz_slug": p.quiz_slug, "question_id": p.question_id,
             "question_version": p.question_version, "response": p.response,
             "correct": p.correct, "score": p.score, "max_score": p.max_score,
             "created_at": iso_utc(p.created_at)} for p in session.exec(statement)]


def move_practice(session: Session, *, source_id: int, target_id: int) -> None:
    """Give `source`'s practice to `target` (merging an anonymous learner). Does not commit."""
    for answer in session.exec(select(PracticeAnswer)
                               .where(PracticeAnswer.learner_id == source_id)):
        answer.learner_id = target_id
        session.add(answer)
    session.flush()
