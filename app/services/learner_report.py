"""One learner, as their instructor sees them: every attempt with every answer, chapters read,
and the audited reset of a quiz's attempts."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, func, select, update

from app.errors import Invalid
from app.guide import Guide
from app.guide.lab import LAB_SLUG
from app.guide.vocabulary import iso_utc
from app.models import Answer, Attempt, ChapterVisit, Cohort, QuizProgress, User
from app.models.types import utcnow
from app.services import attempts as attempt_store
from app.services.answer_text import Lexicon, build_lexicon, prompt_text, response_text
from app.services.cohorts import get_cohort_for, get_member, list_learner_audit, record_audit
from app.services.dashboard import quiz_columns


@dataclass(frozen=True)
class AnswerLine:
    question_id: str
    prompt: str
    chosen: str
    correct: bool
    expected: str = ""  # the keyed answer, for a wrong answer (matrix: the rows missed)


@dataclass(frozen=True)
class AttemptReport:
    attempt: Attempt
    quiz_title: str
    answers: list[AnswerLine]

    @property
    def marks(self) -> str:
        """ "23 of 40", "1.5 of 2": the attempt's score in marks."""
        return f"{format_marks(self.attempt.score)} of {format_marks(self.attempt.max_score)}"


@dataclass(frozen=True)
class QuizSummary:
    """Where the learner stands on one quiz (from its summary row; voided attempts excluded)."""

    slug: str
    title: str
    progress: QuizProgress | None  # None: not taken (or every attempt was reset)


@dataclass(frozen=True)
class LearnerReport:
    learner: User
    read: list[tuple[str, str, datetime]]  # (slug, title, first visited)
    attempts: list[AttemptReport]
    quizzes: list[tuple[str, str]]  # every quiz that can be reset: (slug, title)
    summaries: list[QuizSummary]
    audit: list  # (event, actor's name, cohort's name): what the viewer may see about them


def learner_report(session: Session, *, cohort: Cohort, learner_id: int, guide: Guide,
                   viewer: User) -> LearnerReport:
    """Everything about a member of `cohort` (NotFound for anyone else), as `viewer` sees it."""
    learner = get_member(session, cohort=cohort, learner_id=learner_id)
    titles = dict(quiz_columns(guide))
    visits = session.exec(select(ChapterVisit).where(ChapterVisit.learner_id == learner.id)
                          .order_by(ChapterVisit.first_visited_at)).all()
    read = [(v.chapter_slug, _chapter_title(guide, v.chapter_slug), v.first_visited_at)
            for v in visits]
    attempts = session.exec(select(Attempt).where(Attempt.learner_id == learner.id)
                            .order_by(Attempt.created_at.desc(), Attempt.id.desc())).all()
    answers = _answers_by_attempt(session, [a.id for a in attempts])
    lexicon, lab_keys = build_lexicon(guide), _lab_keys(guide)
    reports = [AttemptReport(attempt=a, quiz_title=titles.get(a.quiz_slug, a.quiz_slug),
                             answers=[_answer_line(lexicon, lab_keys, x)
                                      for x in answers.get(a.id, [])])
               for a in attempts]
    progress = {p.quiz_slug: p for p in session.exec(
        select(QuizProgress).where(QuizProgress.learner_id == learner.id))}
    summaries = [QuizSummary(slug=slug, title=title, progress=progress.get(slug))
                 for slug, title in titles.items()]
    return LearnerReport(learner=learner, read=read, attempts=reports,
                         quizzes=list(titles.items()), summaries=summaries,
                         audit=list_learner_audit(session, learner_id=learner.id,
                                                  viewer=viewer))


def _chapter_title(guide: Guide, slug: str) -> str:
    chapter = guide.chapter(slug)
    return chapter.title if chapter else slug


def _answers_by_attempt(session: Session, attempt_ids: list[int]) -> dict[int, list[Answer]]:
    grouped: dict[int, list[Answer]] = {}
    if not attempt_ids:
        return grouped
    rows = session.exec(select(Answer).where(Answer.attempt_id.in_(attempt_ids))
                        .order_by(Answer.attempt_id, Answer.id))
    for answer in rows:
        grouped.setdefault(answer.attempt_id, []).append(answer)
    return grouped


def format_marks(value: float) -> str:
    """Marks as people write them: 23, 1.5, 0.25 (never 23.0)."""
    return f"{round(value, 2):.2f}".rstrip("0").rstrip(".")


def _lab_keys(guide: Guide) -> dict[str, str]:
    """Lab cell key ('<row>:<column>') -> the party the lab expects."""
    return {cell.key: cell.expected for cell in guide.lab.cells} if guide.lab else {}


def _answer_line(lexicon: Lexicon, lab_keys: dict[str, str], answer: Answer) -> AnswerLine:
    """The question, the learner's answer and (when wrong) the keyed answer, in the words
    they saw (lab cells included)."""
    qid = answer.question_id
    return AnswerLine(question_id=qid, prompt=prompt_text(lexicon, qid),
                      chosen=response_text(lexicon, qid, answer.response) or "(no answer)",
                      correct=answer.correct,
                      expected="" if answer.correct else _key_text(lexicon, lab_keys, answer))


def _key_text(lexicon: Lexicon, lab_keys: dict[str, str], answer: Answer) -> str:
    """The right answer in words; for a matrix, only the rows this answer got wrong."""
    qid, question = answer.question_id, lexicon.questions.get(answer.question_id)
    if qid in lab_keys:
        return response_text(lexicon, qid, [lab_keys[qid]])
    if question is None:
        return ""  # a retired question: its key is gone
    if question.type == "matrix":
        given = answer.response if isinstance(answer.response, dict) else {}
        key = {r.id: r.correct for r in question.rows if given.get(r.id) != r.correct}
        return response_text(lexicon, qid, key)
    return response_text(lexicon, qid, [c.id for c in question.choices if c.correct])


def reset_plan(session: Session, *, learner_id: int, quiz_slug: str,
               guide: Guide) -> tuple[str, int]:
    """What resetting `quiz_slug` would do: the quiz's title and how many attempts it voids."""
    titles = dict(quiz_columns(guide))
    if quiz_slug not in titles:
        raise Invalid(f"There is no quiz {quiz_slug!r}.", field="quiz_slug")
    count = session.exec(select(func.count()).select_from(Attempt).where(
        Attempt.learner_id == learner_id, Attempt.quiz_slug == quiz_slug,
        Attempt.voided_at.is_(None))).one()
    return titles[quiz_slug], count


def reset_quiz_attempts(session: Session, *, cohort_id: int, learner_id: int, quiz_slug: str,
                        actor: User, guide: Guide) -> int:
    """Void a member's attempts at one quiz so they start afresh; audited.

    The attempts are kept (voided_at set) so the history still shows what happened.
    Returns how many attempts were voided.
    """
    cohort = get_cohort_for(session, cohort_id=cohort_id, user=actor)
    learner = get_member(session, cohort=cohort, learner_id=learner_id)
    if quiz_slug not in dict(quiz_columns(guide)):
        raise Invalid(f"There is no quiz {quiz_slug!r}.", field="quiz_slug")
    result = session.exec(update(Attempt).where(
        Attempt.learner_id == learner.id, Attempt.quiz_slug == quiz_slug,
        Attempt.voided_at.is_(None)).values(voided_at=utcnow()))
    voided = result.rowcount or 0
    attempt_store.rebuild_quiz_progress(session, learner_id=learner.id, quiz_slug=quiz_slug)
    record_audit(session, actor=actor, action="quiz.reset", cohort_id=cohort.id,
                 subject_id=learner.id, detail={"quiz_slug": quiz_slug, "voided": voided})
    return voided


def as_json(report: LearnerReport) -> dict:
    """The report for the JSON API, with ISO 8601 times."""
    learner = report.learner
    return {
        "id": learner.id, "display_name": learner.display_name, "email": learner.email,
        "last_active": iso_utc(learner.last_active_at),
        "chapters_read": [{"slug": slug, "title": title, "first_read": iso_utc(at)}
                          for slug, title, at in report.read],
        "attempts": [{
            "id": item.attempt.id, "quiz_slug": item.attempt.quiz_slug,
            "quiz_title": item.quiz_title, "kind": item.attempt.kind,
            "created_at": iso_utc(item.attempt.created_at),
            "percent": item.attempt.percent, "passed": item.attempt.passed,
            "voided": item.attempt.voided_at is not None,
            "answers": [{"question_id": a.question_id, "prompt": a.prompt,
                         "chosen": a.chosen, "correct": a.correct}
                        for a in item.answers],
        } for item in report.attempts],
    }


@dataclass(frozen=True)
class LabGrid:
    """A lab attempt as the grid the learner filled: matrix rows × service models."""

    columns: list[tuple[str, str]]  # (column id, label)
    rows: list[tuple[str, list[AnswerLine | None]]]  # (row name, one cell per column)


def lab_grids(report: LearnerReport, *, guide: Guide) -> dict[int, LabGrid]:
    """Attempt id -> its grid, for every lab attempt in the report (answers already loaded)."""
    if guide.lab is None:
        return {}
    cells = {cell.key for cell in guide.lab.cells}
    columns = [(c.id, c.label) for c in guide.matrix.columns
               if any(key.endswith(f":{c.id}") for key in cells)]
    rows = [r for r in guide.matrix.rows
            if any(key.startswith(f"{r.id}:") for key in cells)]
    grids = {}
    for item in report.attempts:
        if item.attempt.quiz_slug != LAB_SLUG:
            continue
        by_key = {answer.question_id: answer for answer in item.answers}
        grids[item.attempt.id] = LabGrid(columns=columns, rows=[
            (row.name, [by_key.get(f"{row.id}:{column_id}") for column_id, _ in columns])
            for row in rows])
    return grids
