"""Reading the guide: chapters read, where the reader left off, the nav's ticks.

A chapter counts as read once a known user has opened it; a browser that has never written
anything (no sign-in cookie yet) reads without leaving rows behind.
"""

from datetime import datetime, timedelta

from sqlmodel import Session, select, update

from app.db import upsert
from app.errors import Invalid
from app.models import ChapterVisit, QuizProgress, User
from app.models.types import utcnow
from app.services import sign_ins

# A reload or a quick return to the chapter last recorded need not queue for the write lock.
REVISIT_QUIET_PERIOD = timedelta(minutes=5)


def visit_needs_recording(learner: User | None, chapter_slug: str) -> bool:
    """Whether a visit is worth a write: not for a reload of the chapter just recorded."""
    return learner is None or not (
        learner.last_chapter_slug == chapter_slug
        and learner.last_active_at > utcnow() - REVISIT_QUIET_PERIOD)


def record_visit(session: Session, *, user_id: int, chapter_slug: str) -> None:
    """Mark a chapter read and remember it as where the user left off."""
    user = session.get(User, user_id)
    # Back in the same chapter, the section reported last time still says where they were.
    section = user.last_section if user.last_chapter_slug == chapter_slug else None
    _store_visit(session, user_id=user_id, chapter_slug=chapter_slug, section=section,
                 now=utcnow())


def remember_position(session: Session, *, token: str | None, days: int, guide,
                      chapter_slug: str, section: str | None) -> str | None:
    """Remember the chapter (and section, when given) being read, reported by the page's
    script: the visit of a browser whose page was the shared one, or a scroll to a section.

    Returns a new sign-in token when this browser had no user yet (made lazily, here).
    """
    chapter = guide.chapter(chapter_slug)
    if chapter is None:
        raise Invalid("chapter_slug: there is no such chapter.", field="chapter_slug")
    if section is not None and section not in chapter.anchors:
        raise Invalid("section: this chapter has no such section.", field="section")
    user, new_token = sign_ins.find_or_create_user(session, token=token, days=days)
    if section is None and user.last_chapter_slug == chapter_slug:
        section = user.last_section  # back in the same chapter: still where they were
    _store_visit(session, user_id=user.id, chapter_slug=chapter_slug, section=section,
                 now=utcnow())
    return new_token


def _store_visit(session: Session, *, user_id: int, chapter_slug: str,
                 section: str | None, now: datetime) -> None:
    upsert(session, ChapterVisit.__table__,
           values={"learner_id": user_id, "chapter_slug": chapter_slug,
                   "first_visited_at": now, "last_visited_at": now},
           keys=["learner_id", "chapter_slug"], update={"last_visited_at": now})
    session.exec(update(User).where(User.id == user_id).values(
        last_chapter_slug=chapter_slug, last_section=section, last_active_at=now))


def read_chapters(session: Session, *, learner_id: int) -> set[str]:
    statement = select(ChapterVisit.chapter_slug).where(ChapterVisit.learner_id == learner_id)
    return set(session.exec(statement).all())


def passed_quizzes(session: Session, *, learner_id: int) -> set[str]:
    statement = select(QuizProgress.quiz_slug).where(
        QuizProgress.learner_id == learner_id, QuizProgress.passed)
    return set(session.exec(statement).all())


def chapter_marks(session: Session, *, learner: User | None) -> dict[str, set[str]]:
    """Per chapter slug, the ticks the nav shows: 'read', then 'passed' once its quiz is, or
    'tried' while it has attempts but no pass.

    A quiz is named after its chapter (content rule), so a quiz's slug is the chapter's;
    the lab's slug matches no chapter and marks nothing.
    """
    if learner is None:
        return {}
    marks = {slug: {"read"} for slug in read_chapters(session, learner_id=learner.id)}
    statement = select(QuizProgress.quiz_slug, QuizProgress.passed).where(
        QuizProgress.learner_id == learner.id)
    for slug, passed in session.exec(statement).all():
        marks.setdefault(slug, set()).add("passed" if passed else "tried")
    return marks


def viewer_and_marks(session: Session, *, token: str | None) -> tuple[User | None,
                                                                      dict[str, set[str]]]:
    """What every page shows about its viewer: who they are and the nav's ticks."""
    user = sign_ins.find_user(session, token=token)
    return user, chapter_marks(session, learner=user)


def continue_at(learner: User | None, guide) -> tuple[str | None, str | None]:
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
