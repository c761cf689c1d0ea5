"""Learner progress: chapters read, and what the chapter nav shows."""

from sqlmodel import Session, select, update

from app.db import upsert
from app.models import ChapterVisit, Learner
from app.models.types import utcnow


def record_visit(session: Session, *, learner: Learner, chapter_slug: str,
                 section: str | None = None) -> None:
    """Mark a chapter read and remember it as where the learner left off. Commits.

    Called from GET requests, whose transaction only read so far: it is closed first, so the
    write below opens a new one and SQLite's busy timeout can queue it behind other writers.
    """
    learner_id, now = learner.id, utcnow()
    session.commit()
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


def chapter_marks(session: Session, *, learner: Learner | None) -> dict[str, set[str]]:
    """Per chapter slug, the ticks the nav shows: 'read' (and 'passed' once quizzes exist)."""
    if learner is None:
        return {}
    return {slug: {"read"} for slug in read_chapters(session, learner_id=learner.id)}
