"""The instructor dashboard: cohort summaries and the learner x chapter heatmap.

Everything is read from summary rows (ChapterVisit, QuizProgress, Learner.last_active_at)
with grouped SQL aggregates; a page of the heatmap costs a few queries whatever the cohort's
size, and never touches the answer table.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, select

from app.guide import Guide
from app.models import ChapterVisit, Cohort, CohortMember, Learner, QuizProgress
from app.models.types import utcnow
from app.services.progress import completion_percent, quiz_catalogue

STRUGGLING_FAILURES = 2
SORTS = ("name", "-name", "completion", "-completion", "last_active", "-last_active")
FLAGS = ("stuck", "struggling")
PER_PAGE_MAX = 200


@dataclass(frozen=True)
class HeatmapQuery:
    """What the instructor asked for: already validated by `heatmap_query`."""

    page: int = 1
    per_page: int = 50
    sort: str = "name"
    q: str = ""
    flag: str = ""


@dataclass
class LearnerRow:
    id: int
    display_name: str
    email: str | None
    last_active: datetime
    chapters_read: int
    quizzes_passed: int
    completion_percent: float
    stuck: bool
    struggling: bool
    read: set[str] = field(default_factory=set)
    quizzes: dict[str, QuizProgress] = field(default_factory=dict)


@dataclass
class HeatmapPage:
    total: int
    query: HeatmapQuery
    learners: list[LearnerRow]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


@dataclass(frozen=True)
class CohortSummary:
    cohort: Cohort
    learners: int
    average_completion: float | None
    pass_rate: float | None  # passed / taken, over every (learner, quiz) with an attempt


def heatmap_query(*, page: int = 1, per_page: int = 50, sort: str = "name", q: str = "",
                  flag: str = "") -> HeatmapQuery:
    """Clamp and normalise query parameters; unknown values fall back to the defaults."""
    return HeatmapQuery(page=max(1, page), per_page=min(max(1, per_page), PER_PAGE_MAX),
                        sort=sort if sort in SORTS else "name", q=(q or "").strip()[:100],
                        flag=flag if flag in FLAGS else "")


def quiz_columns(guide: Guide) -> list[tuple[str, str]]:
    """(slug, title) of every quiz the dashboard tracks: the chapters' quizzes, then the lab."""
    return [(info.slug, info.title) for info in quiz_catalogue(guide)]


def _totals(guide: Guide) -> tuple[list[str], list[str]]:
    return [c.slug for c in guide.chapters], [slug for slug, _ in quiz_columns(guide)]


def _learner_aggregates(cohort_id: int, chapter_slugs: list[str], quiz_slugs: list[str],
                        stuck_before: datetime):
    """A subquery: one row per member with their counts and flags."""
    reads = (select(ChapterVisit.learner_id, func.count().label("n"))
             .join(CohortMember, CohortMember.learner_id == ChapterVisit.learner_id)
             .where(CohortMember.cohort_id == cohort_id,
                    ChapterVisit.chapter_slug.in_(chapter_slugs))
             .group_by(ChapterVisit.learner_id).subquery())
    failing = and_(QuizProgress.failed_attempts >= STRUGGLING_FAILURES,
                   QuizProgress.passed.is_(False))
    quizzes = (select(QuizProgress.learner_id,
                      func.sum(case((QuizProgress.passed, 1), else_=0)).label("passed"),
                      func.max(case((failing, 1), else_=0)).label("struggling"))
               .join(CohortMember, CohortMember.learner_id == QuizProgress.learner_id)
               .where(CohortMember.cohort_id == cohort_id,
                      QuizProgress.quiz_slug.in_(quiz_slugs))
               .group_by(QuizProgress.learner_id).subquery())
    chapters_read = func.coalesce(reads.c.n, 0)
    quizzes_passed = func.coalesce(quizzes.c.passed, 0)
    return (select(Learner.id, Learner.display_name, Learner.email, Learner.last_active_at,
                   chapters_read.label("chapters_read"),
                   quizzes_passed.label("quizzes_passed"),
                   (chapters_read + quizzes_passed).label("done"),
                   func.coalesce(quizzes.c.struggling, 0).label("struggling"),
                   case((Learner.last_active_at < stuck_before, 1), else_=0).label("stuck"))
            .join(CohortMember, CohortMember.learner_id == Learner.id)
            .join(reads, reads.c.learner_id == Learner.id, isouter=True)
            .join(quizzes, quizzes.c.learner_id == Learner.id, isouter=True)
            .where(CohortMember.cohort_id == cohort_id)).subquery()


def _filtered(rows, query: HeatmapQuery):
    statement = select(*rows.c)
    if query.q:
        pattern = "%" + query.q.lower().replace("\\", "\\\\").replace("%", "\\%").replace(
            "_", "\\_") + "%"
        statement = statement.where(or_(func.lower(rows.c.display_name).like(pattern, escape="\\"),
                                        func.lower(rows.c.email).like(pattern, escape="\\")))
    if query.flag:
        statement = statement.where(rows.c[query.flag] == 1)
    return statement


def _ordering(rows, sort: str):
    name, key = func.lower(rows.c.display_name), sort.lstrip("-")
    column = {"name": name, "completion": rows.c.done, "last_active": rows.c.last_active_at}[key]
    primary = column.desc() if sort.startswith("-") else column.asc()
    return (primary, name.asc(), rows.c.id.asc())


def cohort_heatmap(session: Session, *, cohort: Cohort, guide: Guide, query: HeatmapQuery,
                   stuck_days: int, now: datetime | None = None) -> HeatmapPage:
    """One page of the cohort's learners, sorted and filtered, with their heatmap cells."""
    chapter_slugs, quiz_slugs = _totals(guide)
    stuck_before = (now or utcnow()) - timedelta(days=stuck_days)
    rows = _learner_aggregates(cohort.id, chapter_slugs, quiz_slugs, stuck_before)
    statement = _filtered(rows, query)
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    page_rows = session.exec(statement.order_by(*_ordering(rows, query.sort))
                             .limit(query.per_page)
                             .offset((query.page - 1) * query.per_page)).all()
    learners = [_learner_row(row, len(chapter_slugs), len(quiz_slugs)) for row in page_rows]
    _fill_cells(session, learners, chapter_slugs, quiz_slugs)
    return HeatmapPage(total=total, query=query, learners=learners)


def _learner_row(row, chapters_total: int, quizzes_total: int) -> LearnerRow:
    return LearnerRow(
        id=row.id, display_name=row.display_name, email=row.email,
        last_active=row.last_active_at, chapters_read=row.chapters_read,
        quizzes_passed=row.quizzes_passed, stuck=bool(row.stuck),
        struggling=bool(row.struggling),
        completion_percent=completion_percent(
            chapters_read=row.chapters_read, quizzes_passed=row.quizzes_passed,
            chapters_total=chapters_total, quizzes_total=quizzes_total))


def _fill_cells(session: Session, learners: list[LearnerRow], chapter_slugs: list[str],
                quiz_slugs: list[str]) -> None:
    """Load the page's chapter visits and quiz summaries (two queries, O(page))."""
    by_id = {learner.id: learner for learner in learners}
    if not by_id:
        return
    visits = session.exec(select(ChapterVisit.learner_id, ChapterVisit.chapter_slug).where(
        ChapterVisit.learner_id.in_(by_id), ChapterVisit.chapter_slug.in_(chapter_slugs)))
    for learner_id, slug in visits:
        by_id[learner_id].read.add(slug)
    summaries = session.exec(select(QuizProgress).where(
        QuizProgress.learner_id.in_(by_id), QuizProgress.quiz_slug.in_(quiz_slugs)))
    for summary in summaries:
        by_id[summary.learner_id].quizzes[summary.quiz_slug] = summary


def cohort_summaries(session: Session, *, cohorts: list[Cohort],
                     guide: Guide) -> list[CohortSummary]:
    """Learner count, average completion and pass rate of each cohort (three grouped queries)."""
    ids = [c.id for c in cohorts]
    if not ids:
        return []
    chapter_slugs, quiz_slugs = _totals(guide)
    members = dict(session.exec(select(CohortMember.cohort_id, func.count())
                                .where(CohortMember.cohort_id.in_(ids))
                                .group_by(CohortMember.cohort_id)).all())
    reads = dict(session.exec(
        select(CohortMember.cohort_id, func.count())
        .join(ChapterVisit, ChapterVisit.learner_id == CohortMember.learner_id)
        .where(CohortMember.cohort_id.in_(ids), ChapterVisit.chapter_slug.in_(chapter_slugs))
        .group_by(CohortMember.cohort_id)).all())
    quiz_stats = {row[0]: row[1:] for row in session.exec(
        select(CohortMember.cohort_id, func.count(),
               func.sum(case((QuizProgress.passed, 1), else_=0)))
        .join(QuizProgress, QuizProgress.learner_id == CohortMember.learner_id)
        .where(CohortMember.cohort_id.in_(ids), QuizProgress.quiz_slug.in_(quiz_slugs))
        .group_by(CohortMember.cohort_id)).all()}
    return [_summary(c, members.get(c.id, 0), reads.get(c.id, 0), quiz_stats.get(c.id, (0, 0)),
                     len(chapter_slugs), len(quiz_slugs)) for c in cohorts]


def _summary(cohort: Cohort, members: int, reads: int, quiz_stats, chapters_total: int,
             quizzes_total: int) -> CohortSummary:
    taken, passed = quiz_stats[0] or 0, quiz_stats[1] or 0
    average = None
    if members:
        # The mean of the members' completion equals completion of the mean counts, as long
        # as completion is linear in the counts (it is: done items / all items).
        average = completion_percent(chapters_read=reads / members,
                                     quizzes_passed=passed / members,
                                     chapters_total=chapters_total, quizzes_total=quizzes_total)
    return CohortSummary(cohort=cohort, learners=members, average_completion=average,
                         pass_rate=(100.0 * passed / taken) if taken else None)


def score_distribution(session: Session, *, cohort_id: int,
                       quiz_slugs: list[str]) -> dict[str, list[int]]:
    """Per quiz, how many members' best scores fall in each 10-point bin (0-9 ... 90-100)."""
    # A CASE ladder floors the same way on every backend (CAST rounds on PostgreSQL).
    best = QuizProgress.best_percent
    bin_ = case(*[(best < 10 * (i + 1), i) for i in range(9)], else_=9)
    rows = session.exec(select(QuizProgress.quiz_slug, bin_.label("bin"), func.count())
                        .join(CohortMember, CohortMember.learner_id == QuizProgress.learner_id)
                        .where(CohortMember.cohort_id == cohort_id,
                               QuizProgress.quiz_slug.in_(quiz_slugs))
                        .group_by(QuizProgress.quiz_slug, "bin")).all()
    bins = {slug: [0] * 10 for slug in quiz_slugs}
    for slug, index, count in rows:
        bins[slug][int(index)] += count
    return bins


def chapter_funnel(session: Session, *, cohort_id: int, guide: Guide) -> list[tuple[str, int]]:
    """(chapter title, members who read it), in chapter order."""
    counts = dict(session.exec(
        select(ChapterVisit.chapter_slug, func.count())
        .join(CohortMember, CohortMember.learner_id == ChapterVisit.learner_id)
        .where(CohortMember.cohort_id == cohort_id)
        .group_by(ChapterVisit.chapter_slug)).all())
    return [(chapter.title, counts.get(chapter.slug, 0)) for chapter in guide.chapters]
