"""Item analysis of a cohort's quiz answers, with plain-language flags.

By default each learner's first full attempt counts (Moodle's default); `all_attempts` takes
every full attempt that is not voided. Retries of the missed questions alone are never counted:
their unanswered questions would read as wrong. Marks come from one SQL query that pivots the
answers to one row per attempt, so Python handles ~10,000 rows, not every answer; results are
cached until an attempt is added or voided (or for CACHE_SECONDS at most).
"""

import json
import threading
import time
from collections.abc import Hashable
from dataclasses import dataclass

from sqlalchemy import Text, and_, case, cast, func
from sqlmodel import Session, select

from app.errors import NotFound
from app.guide import Guide, Quiz
from app.models import Answer, Attempt, CohortMember
from app.services.answer_text import Lexicon, build_lexicon, prompt_text, response_text
from app.services.item_analysis import ItemStats, QuizStats, analyse

MIN_RESPONSES = 10  # below this, statistics are noise (StudyDrift gates at 10; Moodle has none)
CACHE_SECONDS = 900  # Moodle caches its statistics for 15 minutes
TOO_EASY, TOO_HARD, WEAK_DI = 0.9, 0.2, 20.0


@dataclass(frozen=True)
class ItemReport:
    question_id: str
    prompt: str
    max_mark: float
    stats: ItemStats
    most_common_wrong: str | None
    most_common_wrong_count: int
    flags: tuple[str, ...]


@dataclass(frozen=True)
class QuizReport:
    quiz_slug: str
    title: str
    responses: int
    all_attempts: bool
    items: tuple[ItemReport, ...]
    stats: QuizStats
    max_total: float

    @property
    def enough_data(self) -> bool:
        return self.responses >= MIN_RESPONSES


class ReportCache:
    """Reports by key, valid while the data's fingerprint is unchanged and not too old."""

    def __init__(self, max_entries: int = 256):
        self._entries: dict[Hashable, tuple[Hashable, float, QuizReport]] = {}
        self._lock = threading.Lock()
        self.max_entries = max_entries

    def get(self, key: Hashable, fingerprint: Hashable) -> QuizReport | None:
        entry = self._entries.get(key)
        if entry and entry[0] == fingerprint and entry[1] > time.monotonic():
            return entry[2]
        return None

    def put(self, key: Hashable, fingerprint: Hashable, report: QuizReport) -> None:
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.pop(next(iter(self._entries)))
            self._entries[key] = (fingerprint, time.monotonic() + CACHE_SECONDS, report)


NO_STATS = ItemStats(None, None, None, None, None)


def get_analysed_quiz(guide: Guide, slug: str) -> Quiz:
    """A quiz of the guide, or the matrix lab exercise (slug 'lab')."""
    quiz = next((q for q in analysed_quizzes(guide) if q.slug == slug), None)
    if quiz is None:
        raise NotFound(f"There is no quiz {slug!r}.")
    return quiz


def analysed_quizzes(guide: Guide) -> list[Quiz]:
    """Every quiz of the guide in chapter order, then the matrix lab exercise."""
    return list(guide.analysed_quizzes)


MINUS = "\u2212"


def fmt(value: float | None, digits: int = 1, *, scale: float = 1.0, suffix: str = "") -> str:
    """A statistic for people: rounded, a true minus sign (U+2212, never a hyphen), and a dash
    where Moodle has no value. "-0.0" is written "0.0": rounding removed the sign's meaning."""
    if value is None:
        return "–"
    text = f"{value * scale:.{digits}f}"
    if text.startswith("-"):
        text = text[1:] if float(text[1:]) == 0 else MINUS + text[1:]
    return f"{text}{suffix}"


def shown(report: QuizReport, item: ItemReport) -> ItemStats:
    """The item's statistics, or none at all while there are too few responses to trust."""
    return item.stats if report.enough_data else NO_STATS


def flags_for(stats: ItemStats) -> tuple[str, ...]:
    """What an instructor should look at, in words (DI is Moodle's, in percent)."""
    flags = []
    if stats.facility is not None and stats.facility > TOO_EASY:
        flags.append("too easy")
    if stats.facility is not None and stats.facility < TOO_HARD:
        flags.append("too hard")
    di = stats.discrimination_index
    if di is not None and di < 0:
        flags.append("negative discrimination: check the key")
    elif di is not None and di < WEAK_DI:
        flags.append("does not discriminate")
    if stats.sd == 0:
        flags.append("everyone scored the same")
    return tuple(flags)


def _counted(cohort_id: int, quiz_slug: str, all_attempts: bool):
    """The attempts an analysis counts: this cohort's, this quiz's, full and not voided."""
    conditions = [Attempt.quiz_slug == quiz_slug, Attempt.voided_at.is_(None),
                  Attempt.kind == "full", CohortMember.cohort_id == cohort_id]
    if not all_attempts:
        conditions.append(Attempt.is_first.is_(True))
    return and_(*conditions)


def _members_join():
    return CohortMember.learner_id == Attempt.learner_id


def load_marks(session: Session, *, cohort_id: int, quiz: Quiz,
               all_attempts: bool = False) -> list[list[float]]:
    """One row per counted attempt, one mark per question of the quiz (missing = 0)."""
    columns = [func.sum(case((Answer.question_id == q.id, Answer.score), else_=0.0))
               for q in quiz.questions]
    # Grouped by Attempt.id, which the attempt index already yields in order: SQLite then
    # aggregates as rows stream by instead of sorting every answer first.
    statement = (select(Attempt.id, *columns)
                 .select_from(Answer)
                 .join(Attempt, Attempt.id == Answer.attempt_id)
                 .join(CohortMember, _members_join())
                 .where(_counted(cohort_id, quiz.slug, all_attempts))
                 .group_by(Attempt.id))
    return [[float(v or 0.0) for v in row[1:]] for row in session.exec(statement)]


def most_common_wrong(session: Session, *, cohort_id: int, quiz: Quiz,
                      all_attempts: bool = False) -> dict[str, tuple[object, int]]:
    """Per question, the wrong response chosen most often and how often (ties: first by text)."""
    text = cast(Answer.response, Text)  # JSON has no equality on PostgreSQL; its text does
    count = func.count()
    statement = (select(Answer.question_id, text, count)
                 .join(Attempt, Attempt.id == Answer.attempt_id)
                 .join(CohortMember, _members_join())
                 .where(_counted(cohort_id, quiz.slug, all_attempts), Answer.correct.is_(False))
                 .group_by(Answer.question_id, text))
    best: dict[str, tuple[str, int]] = {}
    for question_id, response, n in session.exec(statement):
        current = best.get(question_id)
        if current is None or (-n, response) < (-current[1], current[0]):
            best[question_id] = (response, n)
    return {qid: (json.loads(response), n) for qid, (response, n) in best.items()}


def fingerprint(session: Session, *, cohort_id: int, quiz_slug: str,
                all_attempts: bool = False) -> tuple:
    """Changes whenever a counted attempt is added, voided or leaves with its learner."""
    statement = (select(func.count(Attempt.id), func.max(Attempt.id))
                 .join(CohortMember, _members_join())
                 .where(_counted(cohort_id, quiz_slug, all_attempts)))
    return tuple(session.exec(statement).one())


def max_mark(question) -> float:
    """As grading scores it: a mark per matrix row, else one."""
    return float(len(question.rows)) if question.type == "matrix" else 1.0


def quiz_report(session: Session, *, cohort_id: int, quiz: Quiz, lexicon: Lexicon,
                all_attempts: bool = False, cache: ReportCache | None = None) -> QuizReport:
    """Item and quiz statistics for one quiz in one cohort (cached when `cache` is given)."""
    key = (cohort_id, quiz.slug, all_attempts)
    mark = fingerprint(session, cohort_id=cohort_id, quiz_slug=quiz.slug,
                       all_attempts=all_attempts)
    cached = cache.get(key, mark) if cache else None
    if cached is not None:
        return cached
    marks = load_marks(session, cohort_id=cohort_id, quiz=quiz, all_attempts=all_attempts)
    max_marks = [max_mark(q) for q in quiz.questions]
    analysis = analyse(marks, max_marks)
    wrong = most_common_wrong(session, cohort_id=cohort_id, quiz=quiz, all_attempts=all_attempts)
    items = []
    for question, stats, maximum in zip(quiz.questions, analysis.items, max_marks, strict=True):
        response, n = wrong.get(question.id, (None, 0))
        text = (response_text(lexicon, question.id, response, only_wrong=True)
                if response is not None else None)
        items.append(ItemReport(question_id=question.id, prompt=prompt_text(lexicon, question.id),
                                max_mark=maximum, stats=stats, most_common_wrong=text,
                                most_common_wrong_count=n, flags=flags_for(stats)))
    report = QuizReport(quiz_slug=quiz.slug, title=quiz.title, responses=len(marks),
                        all_attempts=all_attempts, items=tuple(items), stats=analysis.quiz,
                        max_total=sum(max_marks))
    if cache is not None:
        cache.put(key, mark, report)
    return report


def cohort_reports(session: Session, *, cohort_id: int, guide: Guide,
                   cache: ReportCache | None = None) -> list[QuizReport]:
    """A first-attempt report for every quiz of the guide, in chapter order."""
    lexicon = build_lexicon(guide)
    return [quiz_report(session, cohort_id=cohort_id, quiz=quiz, lexicon=lexicon, cache=cache)
            for quiz in analysed_quizzes(guide)]


def item_rows(found: list[QuizReport]) -> list[dict]:
    """The items API's rows: facility as a fraction, discrimination figures in percent."""
    rows = []
    for report in found:
        for item in report.items:
            stats = shown(report, item)
            rows.append({"quiz_slug": report.quiz_slug, "question_id": item.question_id,
                         "responses": report.responses, "facility": stats.facility,
                         "discrimination": stats.discrimination_index,
                         "discriminative_efficiency": stats.discriminative_efficiency,
                         "most_common_wrong": item.most_common_wrong})
    return rows
