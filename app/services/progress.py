"""Learner progress: chapters read, quiz summaries, completion, and where to continue."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select, update

from app.db import upsert
from app.errors import Invalid
from app.guide.lab import LAB_SLUG, LAB_TITLE, LAB_URL
from app.models import Attempt, ChapterVisit, Learner, QuizProgress
from app.models.types import utcnow
from app.services import attempts


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
    learner: Learner | None
    chapters: list[ChapterStatus]
    quizzes: list[QuizStatus]
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
    """Every quiz a learner can pass, in guide order, plus the matrix lab."""
    catalogue = [QuizInfo(slug=slug, title=quiz.title, chapter_slug=quiz.chapter_slug,
                          url=quiz.url) for slug, quiz in guide.quizzes.items()]
    catalogue.append(QuizInfo(slug=LAB_SLUG, title=LAB_TITLE, chapter_slug=None, url=LAB_URL))
    return catalogue


# A reload or a quick return to the chapter last recorded need not queue for the write lock.
REVISIT_QUIET_PERIOD = timedelta(minutes=5)


def visit_needs_recording(learner: Learner | None, chapter_slug: str) -> bool:
    """Whether a visit is worth a write: not for a reload of the chapter just recorded."""
    return learner is None or not (
        learner.last_chapter_slug == chapter_slug
        and learner.last_active_at > utcnow() - REVISIT_QUIET_PERIOD)


def record_visit(session: Session, *, learner: Learner, chapter_slug: str) -> None:
    """Mark a chapter read and remember it as where the learner left off. Commits."""
    now = utcnow()
    # Back in the same chapter, the section reported last time still says where they were.
    section = learner.last_section if learner.last_chapter_slug == chapter_slug else None
    _store_visit(session, learner=learner, chapter_slug=chapter_slug, section=section, now=now)


def remember_position(session: Session, *, learner: Learner, guide, chapter_slug: str,
                      section: str) -> None:
    """Remember the section being read (reported by the page's script). Commits."""
    chapter = guide.chapter(chapter_slug)
    if chapter is None:
        raise Invalid(f"chapter_slug: there is no chapter {chapter_slug!r}.",
                      field="chapter_slug")
    if section not in chapter.anchors:
        raise Invalid(f"section: chapter {chapter_slug!r} has no section {section!r}.",
                      field="section")
    _store_visit(session, learner=learner, chapter_slug=chapter_slug, section=section,
                 now=utcnow())


def _store_visit(session: Session, *, learner: Learner, chapter_slug: str,
                 section: str | None, now: datetime) -> None:
    learner_id = learner.id
    upsert(session, ChapterVisit.__table__,
           values={"learner_id": learner_id, "chapter_slug": chapter_slug,
                   "first_visited_at": now, "last_visited_at": now},
           keys=["learner_id", "chapter_slug"], update={"last_visited_at": now})
    session.exec(update(Learner).where(Learner.id == learner_id).values(
        last_chapter_slug=chapter_slug, last_section=section, last_active_at=now))
    session.commit()


def read_chapters(session: Session, *, learner_id: int) -> set[str]:
    statement = select(ChapterVisit.chapter_slug).where(ChapterVisit.learner_id == learner_id)
    return set(session.exec(statement).all())


def passed_quizzes(session: Session, *, learner_id: int) -> set[str]:
    statement = select(QuizProgress.quiz_slug).where(
        QuizProgress.learner_id == learner_id, QuizProgress.passed)
    return set(session.exec(statement).all())


def chapter_marks(session: Session, *, learner: Learner | None) -> dict[str, set[str]]:
    """Per chapter slug, the ticks the nav shows: 'read', and 'passed' once its quiz is.

    A quiz is named after its chapter (content rule), so a passed quiz's slug is the chapter's;
    the lab's slug matches no chapter and marks nothing.
    """
    if learner is None:
        return {}
    marks = {slug: {"read"} for slug in read_chapters(session, learner_id=learner.id)}
    for slug in passed_quizzes(session, learner_id=learner.id):
        marks.setdefault(slug, set()).add("passed")
    return marks


def learner_progress(session: Session, *, learner: Learner | None, guide) -> LearnerProgress:
    """Everything /progress and /api/v1/me/progress show; zeroed when there is no learner."""
    read = read_chapters(session, learner_id=learner.id) if learner else set()
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
    url, title = continue_at(learner, guide)
    return LearnerProgress(learner=learner, chapters=chapters, quizzes=quizzes,
                           completion_percent=percent, continue_url=url, continue_title=title)


def _quiz_status(info: QuizInfo, row: QuizProgress | None) -> QuizStatus:
    if row is None or row.attempts == 0:
        return QuizStatus(slug=info.slug, title=info.title, url=info.url, attempts=0,
                          best_percent=None, last_percent=None, passed=False,
                          last_attempt_at=None)
    return QuizStatus(slug=info.slug, title=info.title, url=info.url, attempts=row.attempts,
                      best_percent=row.best_percent, last_percent=row.last_percent,
                      passed=row.passed, last_attempt_at=row.last_attempt_at)


def continue_at(learner: Learner | None, guide) -> tuple[str | None, str | None]:
    """The last chapter (and section, if still in it) the learner was reading."""
    if learner is None or not learner.last_chapter_slug:
        return None, None
    chapter = guide.chapter(learner.last_chapter_slug)
    if chapter is None:  # content changed since: nothing sensible to continue
        return None, None
    section = learner.last_section
    if section and section in chapter.anchors:
        heading = next((h.title for h in chapter.headings if h.id == section), None)
        title = f"{chapter.title}: {heading}" if heading else chapter.title
        return f"{chapter.url}#{section}", title
    return chapter.url, chapter.title


def rebuild_learner_progress(session: Session, *, learner_id: int) -> None:
    """Recompute first-attempt flags and every summary row after attempts moved to this learner.

    Does not commit: part of the caller's use case (merging an anonymous learner).
    """
    statement = (select(Attempt).where(Attempt.learner_id == learner_id)
                 .order_by(Attempt.created_at, Attempt.id))
    loaded = session.exec(statement).all()
    firsts: set[str] = set()
    for attempt in loaded:
        first = (attempt.kind == attempts.FULL and attempt.voided_at is None
                 and attempt.quiz_slug not in firsts)
        if first:
            firsts.add(attempt.quiz_slug)
        if attempt.is_first != first:
            attempt.is_first = first
            session.add(attempt)
    attempts.rebuild_all_quiz_progress(session, learner_id=learner_id, attempts=loaded)
