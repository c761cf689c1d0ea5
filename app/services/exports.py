"""CSV exports of a cohort, streamed: memory stays flat whatever the cohort's size.

Each generator runs one query whose rows are fetched in batches (`yield_per`) and written
through csv.writer into a small buffer that is handed out every CHUNK_ROWS rows. Times are
ISO 8601 in UTC. Text cells that a spreadsheet would run as a formula are neutralised.
"""

import csv
import io
import itertools
import json
from collections.abc import Iterable, Iterator
from datetime import datetime

from sqlalchemy import String, Text, case, cast, func, type_coerce
from sqlmodel import Session, select

from app.csv_cells import safe
from app.guide import Guide
from app.guide.vocabulary import iso_utc
from app.models import Answer, Attempt, ChapterVisit, CohortMember, QuizProgress, User
from app.services.answer_text import build_lexicon, prompt_text, response_text
from app.services.item_reports import QuizReport, shown
from app.services.progress import quiz_catalogue

CHUNK_ROWS = 1000
TEXT_CACHE_MAX = 50_000  # distinct (question, response) pairs kept as text; bounds memory


def iso(value: datetime | None) -> str:
    """ISO 8601 in UTC (PostgreSQL hands times back in the session's time zone)."""
    return iso_utc(value)


def _number(value: float | None, digits: int = 4) -> str:
    return "" if value is None else str(round(value, digits))


def _stream(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """CSV text in chunks of CHUNK_ROWS rows, header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    pending = 0
    for row in rows:
        writer.writerow(row)
        pending += 1
        if pending >= CHUNK_ROWS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


# --- progress.csv: one row per learner

def progress_csv(session: Session, *, cohort_id: int, guide: Guide) -> Iterator[str]:
    """User, then per chapter 'read' and first read time, per quiz (and the lab) best %."""
    chapters = [c.slug for c in guide.chapters]
    quizzes = [q.slug for q in quiz_catalogue(guide)]
    header = ["learner_id", "display_name", "email", "joined_at", "last_active_at"]
    for slug in chapters:
        header += [f"read:{slug}", f"first_read_at:{slug}"]
    header += [f"best_percent:{slug}" for slug in quizzes]
    return _stream(header, _progress_rows(session, cohort_id, chapters, quizzes))


def _progress_rows(session: Session, cohort_id: int, chapters: list[str],
                   quizzes: list[str]) -> Iterator[list]:
    # Every part is driven by the cohort_member index, in learner order, so SQLite groups and
    # joins the pivoted visits and quiz summaries without sorting.
    member = CohortMember.learner_id
    visits = (select(member.label("learner_id"), *[
        raw(func.min(case((ChapterVisit.chapter_slug == slug,
                           ChapterVisit.first_visited_at)))).label(f"v{i}")
        for i, slug in enumerate(chapters)])
        .join(ChapterVisit, ChapterVisit.learner_id == member)
        .where(CohortMember.cohort_id == cohort_id).group_by(member).subquery())
    best = (select(member.label("learner_id"), *[
        func.max(case((QuizProgress.quiz_slug == slug, QuizProgress.best_percent)))
        .label(f"q{i}") for i, slug in enumerate(quizzes)])
        .join(QuizProgress, QuizProgress.learner_id == member)
        .where(CohortMember.cohort_id == cohort_id).group_by(member).subquery())
    statement = (
        select(member, User.display_name, User.email, raw(CohortMember.joined_at),
               raw(User.last_active_at), *visits.c[1:], *best.c[1:])
        .join(User, User.id == member)
        .outerjoin(visits, visits.c.learner_id == member)
        .outerjoin(best, best.c.learner_id == member)
        .where(CohortMember.cohort_id == cohort_id)
        .order_by(member).execution_options(yield_per=CHUNK_ROWS))
    first_visit = 5
    first_quiz = first_visit + len(chapters)
    for row in session.connection().execute(statement):
        out = [row[0], safe(row[1]), safe(row[2]), raw_iso(row[3]), raw_iso(row[4])]
        for read_at in row[first_visit:first_quiz]:
            out += ["yes", raw_iso(read_at)] if read_at else ["no", ""]
        out += [_number(p, 2) for p in row[first_quiz:]]
        yield out


# --- responses.csv: one row per answer

RESPONSE_HEADER = ["learner_id", "display_name", "email", "attempt_id", "quiz_slug", "kind",
                   "first_attempt", "voided", "answered_at", "question_id", "question",
                   "answer", "correct", "score", "max_score"]


def responses_csv(session: Session, *, cohort_id: int, guide: Guide) -> Iterator[str]:
    """Every answer of the cohort's learners, learner by learner, in readable words."""
    header = _line(RESPONSE_HEADER)
    lines = _response_lines(session, cohort_id, guide)
    while True:
        # A million rows go through here: lines are joined by hand, not by csv.writer, and
        # the long, repeated texts are escaped once and cached (see `_line`).
        chunk = [header, *itertools.islice(lines, CHUNK_ROWS)]
        yield "".join(chunk)
        if len(chunk) <= CHUNK_ROWS:
            return
        header = ""


def _field(value) -> str:
    """One CSV field as csv.writer (QUOTE_MINIMAL) writes it."""
    text = str(value)
    if any(c in text for c in '",\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _line(values) -> str:
    return ",".join(map(_field, values)) + "\r\n"


def _response_lines(session: Session, cohort_id: int, guide: Guide) -> Iterator[str]:
    lexicon = build_lexicon(guide)
    # Ordered the way the indexes already are (member, then learner+quiz, then attempt), so
    # SQLite streams without sorting a million rows first.
    statement = (
        select(User.id, User.display_name, User.email, Attempt.id, Attempt.quiz_slug,
               Attempt.kind, raw(Attempt.is_first), raw(Attempt.voided_at.is_not(None)),
               raw(Attempt.created_at), Answer.question_id, cast(Answer.response, Text),
               raw(Answer.correct), Answer.score, Answer.max_score)
        .select_from(CohortMember)
        .join(User, User.id == CohortMember.learner_id)
        .join(Attempt, Attempt.learner_id == CohortMember.learner_id)
        .join(Answer, Answer.attempt_id == Attempt.id)
        .where(CohortMember.cohort_id == cohort_id)
        .order_by(CohortMember.learner_id, Attempt.quiz_slug, Attempt.id, Answer.id)
        .execution_options(yield_per=CHUNK_ROWS))
    # Without type processing (`raw`) a million rows cost a third less CPU: booleans stay
    # 0/1, and the time arrives as SQLite's text, parsed once per attempt in `_attempt_time`.
    texts: dict[tuple[str, str], str] = {}
    attempt_id, prefix = None, ""
    for (learner_id, name, email, this_attempt, quiz_slug, kind, is_first, voided, created_at,
         question_id, response, correct, score, max_score) in session.connection().execute(
            statement):  # Core rows: the ORM's per-row wrapping costs another quarter
        if this_attempt != attempt_id:  # the attempt's columns, escaped once per attempt
            attempt_id = this_attempt
            prefix = _line([learner_id, safe(name), safe(email), this_attempt, quiz_slug, kind,
                            _yes(is_first), _yes(voided), raw_iso(created_at)])[:-2]
        words = texts.get((question_id, response))
        if words is None:
            words = _line([question_id, safe(prompt_text(lexicon, question_id)),
                           safe(response_text(lexicon, question_id, json.loads(response)))])[:-2]
            if len(texts) < TEXT_CACHE_MAX:
                texts[(question_id, response)] = words
        yield f"{prefix},{words},{_yes(correct)},{score},{max_score}\r\n"


def raw(column):
    """The column as the driver returns it, skipping SQLAlchemy's per-row result processing."""
    return type_coerce(column, String)


def raw_iso(value) -> str:
    """ISO 8601 of a time selected with `raw`: SQLite's 'YYYY-MM-DD HH:MM:SS.ffffff' UTC text
    (how UTCDateTime stores it) is rearranged, not parsed; other drivers give datetimes."""
    if isinstance(value, str):
        return f"{value[:10]}T{value[11:19]}+00:00"
    return iso(value)


def _yes(value) -> str:
    return "yes" if value else "no"


# --- items.csv: item statistics, one row per question

ITEM_HEADER = ["quiz_slug", "question_id", "question", "responses", "facility_percent", "sd",
               "discrimination_index", "discriminative_efficiency", "effective_weight",
               "most_common_wrong", "most_common_wrong_count", "flags"]


def items_csv(reports: list[QuizReport]) -> Iterator[str]:
    """Item statistics from first attempts; empty cells where there is no value."""
    return _stream(ITEM_HEADER, (_item_row(report, item) for report in reports
                                 for item in report.items))


def _item_row(report: QuizReport, item) -> list:
    stats = shown(report, item)
    facility = None if stats.facility is None else 100 * stats.facility
    return [report.quiz_slug, item.question_id, safe(item.prompt), report.responses,
            _number(facility, 1), _number(stats.sd), _number(stats.discrimination_index, 1),
            _number(stats.discriminative_efficiency, 1), _number(stats.effective_weight, 1),
            safe(item.most_common_wrong), item.most_common_wrong_count,
            safe("; ".join(item.flags) if report.enough_data else "not enough data")]
