"""The instructor dashboard: cohort summaries and the learner x chapter heatmap.

Everything is read from summary rows (ChapterVisit, QuizProgress, User.last_active_at)
with grouped SQL aggregates; a page of the heatmap costs a few queries whatever the cohort's
size, and never touches the answer table.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case, func, or_
from sqlmodel import Session, select

from app.guide import Guide
from app.guide.lab import LAB_SLUG
from app.guide.quizzes import DEFAULT_PASS_PERCENT
from app.models import ChapterVisit, Cohort, CohortMember, QuizProgress, User
from app.models.types import utcnow
from app.services.progress import completion_percent, quiz_catalogue

STRUGGLING_FAILURES = 2
SORTS = ("name", "-name", "completion", "-completion", "last_active", "-last_active", "flag",
         "-flag")
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
    stuck: bool
    chapters_read: int = 0
    quizzes_passed: int = 0
    completion_percent: float = 0.0
    struggling: bool = False
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
class FlagCounts:
    """How many of a cohort's learners carry each flag (a learner may carry both)."""

    stuck: int
    struggling: int


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


def pass_marks(guide: Guide) -> dict[str, float]:
    """The pass mark (percent) of every quiz in `quiz_columns`, the lab's included."""
    marks = {quiz.slug: quiz.pass_percent for quiz in guide.analysed_quizzes}
    marks.setdefault(LAB_SLUG, DEFAULT_PASS_PERCENT)
    return marks


def _totals(guide: Guide) -> tuple[list[str], list[str]]:
    return [c.slug for c in guide.chapters], [slug for slug, _ in quiz_columns(guide)]


def _failing(quiz_slugs: list[str]):
    """EXISTS a quiz this learner failed at least twice and has not passed."""
    return (select(QuizProgress.learner_id)
            .where(QuizProgress.learner_id == User.id, QuizProgress.quiz_slug.in_(quiz_slugs),
                   QuizProgress.failed_attempts >= STRUGGLING_FAILURES,
                   QuizProgress.passed.is_(False))
            .exists())


def _done(chapter_slugs: list[str], quiz_slugs: list[str]):
    """Chapters read + quizzes passed, per learner: two index-only correlated counts."""
    reads = (select(func.count()).select_from(ChapterVisit)
             .where(ChapterVisit.learner_id == User.id,
                    ChapterVisit.chapter_slug.in_(chapter_slugs)).scalar_subquery())
    passed = (select(func.count()).select_from(QuizProgress)
              .where(QuizProgress.learner_id == User.id,
                     QuizProgress.quiz_slug.in_(quiz_slugs), QuizProgress.passed.is_(True))
              .scalar_subquery())
    return reads + passed


def _members(cohort_id: int, query: HeatmapQuery, quiz_slugs: list[str],
             stuck_before: datetime):
    """The cohort's learners that match the text and flag filters (no aggregates yet)."""
    statement = (select(User.id, User.display_name, User.email, User.last_active_at)
                 .join(CohortMember, CohortMember.learner_id == User.id)
                 .where(CohortMember.cohort_id == cohort_id))
    if query.q:
        pattern = _contains(query.q.lower())
        statement = statement.where(or_(func.lower(User.display_name).like(pattern, escape="\\"),
                                        func.lower(User.email).like(pattern, escape="\\")))
    if query.flag == "stuck":
        statement = statement.where(User.last_active_at < stuck_before)
    elif query.flag == "struggling":
        statement = statement.where(_failing(quiz_slugs))
    return statement


def _contains(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with LIKE's wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _attention(quiz_slugs: list[str], stuck_before: datetime):
    """0 stuck and struggling, 1 struggling, 2 stuck, 3 neither: "flag" sorts need first."""
    failing, stuck = _failing(quiz_slugs), User.last_active_at < stuck_before
    return case((failing & stuck, 0), (failing, 1), (stuck, 2), else_=3)


def _ordering(sort: str, chapter_slugs: list[str], quiz_slugs: list[str],
              stuck_before: datetime):
    name, key = func.lower(User.display_name), sort.lstrip("-")
    column = {"name": name, "last_active": User.last_active_at}.get(key)
    if key == "flag":  # like completion, an index-only correlated lookup per member
        column = _attention(quiz_slugs, stuck_before)
    elif column is None:  # completion: only this sort needs per-learner counts for everyone
        column = _done(chapter_slugs, quiz_slugs)
    primary = column.desc() if sort.startswith("-") else column.asc()
    return (primary, name.asc(), User.id.asc())


def cohort_heatmap(session: Session, *, cohort: Cohort, guide: Guide, query: HeatmapQuery,
                   stuck_days: int, now: datetime | None = None) -> HeatmapPage:
    """One page of the cohort's learners, sorted and filtered, with their heatmap cells.

    Sorting by name or last activity pages the members first and aggregates only the page;
    sorting by completion or by flag and the "struggling" filter use index-only correlated
    lookups.
    """
    chapter_slugs, quiz_slugs = _totals(guide)
    stuck_before = (now or utcnow()) - timedelta(days=stuck_days)
    members = _members(cohort.id, query, quiz_slugs, stuck_before)
    total = session.exec(select(func.count()).select_from(members.subquery())).one()
    ordering = _ordering(query.sort, chapter_slugs, quiz_slugs, stuck_before)
    page_rows = session.exec(members.order_by(*ordering)
                             .limit(query.per_page)
                             .offset((query.page - 1) * query.per_page)).all()
    learners = [LearnerRow(id=row.id, display_name=row.display_name, email=row.email,
                           last_active=row.last_active_at, stuck=row.last_active_at < stuck_before)
                for row in page_rows]
    _fill_cells(session, learners, chapter_slugs, quiz_slugs)
    for learner in learners:
        _summarise(learner, len(chapter_slugs), len(quiz_slugs))
    return HeatmapPage(total=total, query=query, learners=learners)


def flag_counts(session: Session, *, cohort: Cohort, guide: Guide, stuck_days: int,
                now: datetime | None = None) -> FlagCounts:
    """Stuck and struggling learners over the whole cohort: one aggregate query per flag."""
    _, quiz_slugs = _totals(guide)
    stuck_before = (now or utcnow()) - timedelta(days=stuck_days)
    members = (select(func.count()).select_from(User)
               .join(CohortMember, CohortMember.learner_id == User.id)
               .where(CohortMember.cohort_id == cohort.id))
    stuck = session.exec(members.where(User.last_active_at < stuck_before)).one()
    struggling = session.exec(members.where(_failing(quiz_slugs))).one()
    return FlagCounts(stuck=stuck, struggling=struggling)


def _summarise(learner: LearnerRow, chapters_total: int, quizzes_total: int) -> None:
    """Counts and flags of one page row, from the cells already loaded for it."""
    learner.chapters_read = len(learner.read)
    learner.quizzes_passed = sum(1 for q in learner.quizzes.values() if q.passed)
    learner.struggling = any(q.failed_attempts >= STRUGGLING_FAILURES and not q.passed
                             for q in learner.quizzes.values())
    learner.completion_percent = completion_percent(
        chapters_read=learner.chapters_read, quizzes_passed=learner.quizzes_passed,
        chapters_total=chapters_total, quizzes_total=quizzes_total)


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
    """User count, average completion and pass rate of each cohort (three grouped queries)."""
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
