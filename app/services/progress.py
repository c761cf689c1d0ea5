"""User progress: chapters read, quiz summaries, completion, and where to continue."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from app.guide.lab import LAB_SLUG, LAB_URL
from app.models import QuizProgress, User
from app.services import reading


def completion_percent(*, chapters_read: int, quizzes_passed: int, chapters_total: int,
                       quizzes_total: int) -> float:
    """Share of the guide done, 0-100 with one decimal: each chapter read and each quiz
    passed weighs the same. An empty guide is 0% done, never a division by zero."""
    total = chapters_total + quizzes_total
    if total <= 0:
        return 0.0
    done = min(chapters_read, chapters_total) + min(quizzes_passed, quizzes_total)
    return round(100.0 * done / total, 1)


@dataclass(frozen=True)
class QuizInfo:
    slug: str
    title: str
    chapter_slug: str | None
    url: str


@dataclass(frozen=True)
class ChapterStatus:
    slug: str
    title: str
    url: str
    read: bool


@dataclass(frozen=True)
class QuizStatus:
    slug: str
    title: str
    url: str
    attempts: int
    best_percent: float | None
    last_percent: float | None
    passed: bool
    last_attempt_at: datetime | None


@dataclass(frozen=True)
class LearnerProgress:
    learner: User | None
    chapters: list[ChapterStatus]
    quizzes: list[QuizStatus]
    practice: list[QuizStatus]  # service practice taken: shown, never counted in completion
    completion_percent: float
    continue_url: str | None
    continue_title: str | None

    @property
    def chapters_read(self) -> int:
        return sum(1 for c in self.chapters if c.read)

    @property
    def quizzes_passed(self) -> int:
        return sum(1 for q in self.quizzes if q.passed)


def quiz_catalogue(guide) -> list[QuizInfo]:
    """Every quiz a learner can pass (guide.graded_quizzes), as progress pages list them."""
    return [_info(quiz) for quiz in guide.graded_quizzes]


def _info(quiz) -> QuizInfo:
    return QuizInfo(slug=quiz.slug, title=quiz.title,
                    chapter_slug=None if quiz.slug == LAB_SLUG else quiz.chapter_slug or None,
                    url=LAB_URL if quiz.slug == LAB_SLUG else quiz.url)




def learner_progress(session: Session, *, learner: User | None, guide) -> LearnerProgress:
    """Everything /progress and /api/v1/me/progress show; zeroed when there is no learner."""
    read = reading.read_chapters(session, learner_id=learner.id) if learner else set()
    rows = {}
    if learner is not None:
        statement = select(QuizProgress).where(QuizProgress.learner_id == learner.id)
        rows = {row.quiz_slug: row for row in session.exec(statement)}
    chapters = [ChapterStatus(slug=c.slug, title=c.title, url=c.url, read=c.slug in read)
                for c in guide.chapters]
    quizzes = [_quiz_status(info, rows.get(info.slug)) for info in quiz_catalogue(guide)]
    percent = completion_percent(
        chapters_read=sum(c.read for c in chapters), quizzes_passed=sum(q.passed for q in quizzes),
        chapters_total=len(chapters), quizzes_total=len(quizzes))
    practice = [_quiz_status(_info(quiz), rows.get(quiz.slug))
                for quiz in guide.practice.values() if quiz.slug in rows]
    url, title = reading.continue_at(learner, guide)
    return LearnerProgress(learner=learner, chapters=chapters, quizzes=quizzes,
                           practice=practice, completion_percent=percent, continue_url=url,
                           continue_title=title)


def _quiz_status(info: QuizInfo, row: QuizProgress | None) -> QuizStatus:
    if row is None or row.attempts == 0:
        return QuizStatus(slug=info.slug, title=info.title, url=info.url, attempts=0,
                          best_percent=None, last_percent=None, passed=False,
                          last_attempt_at=None)
    return QuizStatus(slug=info.slug, title=info.title, url=info.url, attempts=row.attempts,
                      best_percent=row.best_percent, last_percent=row.last_percent,
                      passed=row.passed, last_attempt_at=row.last_attempt_at)


