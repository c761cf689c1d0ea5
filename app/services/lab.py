"""The matrix lab's rules: explore a service model, grade the 40-cell grid and the scenarios.

A grid submission is stored like a quiz attempt (quiz slug "lab", one answer per cell, question
id "<row id>:<column id>"), so it counts on /progress and in item analysis. Scenario cards are
graded but not stored: they are practice, not one of the guide's quizzes.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session

from app.errors import Invalid, NotFound
from app.guide.lab import LAB_SLUG, Lab, LabCell, LabScenario
from app.guide.matrix import Band, Column, Matrix
from app.guide.vocabulary import CLIENT_ATTEMPT_ID, PARTIES
from app.models import Attempt, User
from app.services import attempts
from app.services.grading import GradedAnswer

KINDS = (attempts.FULL, attempts.RETRY)
FORM_META = frozenset({"csrf_token", "client_attempt_id", "kind"})


# --- explore mode

@dataclass(frozen=True)
class ExploreRow:
    cell: LabCell
    other: LabCell | None  # the same row in the compared model

    @property
    def changes_hands(self) -> bool:
        return self.other is not None and self.other.expected != self.cell.expected


@dataclass(frozen=True)
class Exploration:
    model: Column
    compare: Column | None
    bands: tuple[tuple[Band, tuple[ExploreRow, ...]], ...]

    @property
    def changed(self) -> tuple[ExploreRow, ...]:
        return tuple(r for _, rows in self.bands for r in rows if r.changes_hands)


def explore(lab: Lab, matrix: Matrix, *, model: str, compare: str = "") -> Exploration:
    """Row by row, who owns each layer in `model` (and in `compare`, when given) and why."""
    column = _column(matrix, model, "model")
    other = _column(matrix, compare, "compare") if compare else None
    if other is not None and other.id == column.id:
        other = None  # comparing a model with itself shows nothing
    bands = tuple(
        (band, tuple(ExploreRow(cell=lab.cell(f"{row.id}:{column.id}"),
                                other=lab.cell(f"{row.id}:{other.id}") if other else None)
                     for row in matrix.rows_in_band(band.id)))
        for band in matrix.bands)
    return Exploration(model=column, compare=other, bands=bands)


def _column(matrix: Matrix, column_id: str, field: str) -> Column:
    column = matrix.column(column_id)
    if column is None:
        raise Invalid(f"There is no service model called “{column_id[:40]}”.", field=field)
    return column


# --- the exercise grid

@dataclass(frozen=True)
class GridSubmission:
    answers: dict[str, str]  # cell key -> party, or "" when the learner left it unset
    kind: str
    client_attempt_id: str

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(key for key, value in self.answers.items() if not value)


def parse_grid(lab: Lab, fields: Mapping[str, str]) -> GridSubmission:
    """Check a submitted grid form; Invalid for anything a real form could not have sent."""
    kind = fields.get("kind", attempts.FULL)
    if kind not in KINDS:
        raise Invalid("kind must be “full” or “retry”.", field="kind")
    client_attempt_id = fields.get("client_attempt_id", "")
    if not CLIENT_ATTEMPT_ID.match(client_attempt_id):
        raise Invalid("The form's attempt id is missing or malformed. Reload the exercise.",
                      field="client_attempt_id")
    answers: dict[str, str] = {}
    for name, value in fields.items():
        if name in FORM_META:
            continue
        if lab.cell(name) is None:
            raise Invalid(f"There is no cell “{name[:80]}” in the matrix.", field=name)
        if value not in (*PARTIES, ""):
            raise Invalid(f"{lab.cell(name).label}: choose Customer, Microsoft or Shared.",
                          field=name)
        answers[name] = value
    expected = [c.key for c in lab.cells] if kind == attempts.FULL else list(answers)
    absent = [key for key in expected if key not in answers]
    if absent or not expected:
        raise Invalid("The form does not contain every cell of the matrix.",
                      field=absent[0] if absent else None)
    return GridSubmission(answers={k: answers[k] for k in expected}, kind=kind,
                          client_attempt_id=client_attempt_id)


def grade_grid(lab: Lab, answers: Mapping[str, str]) -> list[GradedAnswer]:
    """One mark per cell; a disputed cell accepts the diagram's and the 2026 table's answer."""
    graded = []
    for key, value in answers.items():
        cell = lab.cell(key)
        correct = value in cell.accepted
        graded.append(GradedAnswer(question_id=key, question_version=cell.version,
                                   response=[value], correct=correct, score=float(correct),
                                   max_score=1.0))
    return graded


def grid_attempt(lab: Lab, submission: GridSubmission) -> attempts.NewAttempt:
    """A complete submission, graded, as a "lab" attempt ready for attempts.submit_attempt."""
    if submission.missing:
        raise Invalid("Every cell needs an answer.", field=submission.missing[0])
    return attempts.new_attempt(
        quiz_slug=LAB_SLUG, client_attempt_id=submission.client_attempt_id,
        kind=submission.kind, graded=grade_grid(lab, submission.answers),
        pass_percent=lab.quiz.pass_percent)


@dataclass(frozen=True)
class CellOutcome:
    cell: LabCell
    given: str
    correct: bool


@dataclass(frozen=True)
class GridResult:
    attempt: Attempt
    outcomes: tuple[CellOutcome, ...]

    @property
    def score(self) -> int:
        return sum(o.correct for o in self.outcomes)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def percent(self) -> float:
        return round(100 * self.score / self.total, 2) if self.total else 0.0

    @property
    def wrong(self) -> tuple[CellOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.correct)


def review_grid(session: Session, *, lab: Lab, learner: User | None,
                attempt_id: int) -> GridResult:
    """The learner's own stored lab attempt, cell by cell, with today's reasons and links."""
    attempt = attempts.get_attempt(session, attempt_id=attempt_id,
                                   learner_id=learner.id if learner else None)
    if attempt.quiz_slug != LAB_SLUG:
        raise NotFound("There is no such attempt.")
    outcomes = []
    for answer in attempts.list_answers(session, attempt_id=attempt.id):
        cell = lab.cell(answer.question_id)
        if cell is not None:  # a cell removed from the matrix since is left out
            given = answer.response[0] if answer.response else ""
            outcomes.append(CellOutcome(cell=cell, given=given, correct=answer.correct))
    order = {c.key: i for i, c in enumerate(lab.cells)}
    outcomes.sort(key=lambda o: order[o.cell.key])
    return GridResult(attempt=attempt, outcomes=tuple(outcomes))


# --- scenario cards

@dataclass(frozen=True)
class ScenarioOutcome:
    scenario: LabScenario
    given: str  # "" when unanswered

    @property
    def correct(self) -> bool:
        return self.given == self.scenario.answer


def grade_scenarios(lab: Lab, fields: Mapping[str, str]) -> tuple[ScenarioOutcome, ...]:
    """Grade the cards; an unanswered card counts as wrong, a made-up one is Invalid."""
    for name, value in fields.items():
        if name in FORM_META:
            continue
        scenario = lab.scenario(name)
        if scenario is None:
            raise Invalid(f"There is no scenario “{name[:80]}”.", field=name)
        if value not in dict(scenario.choices):
            raise Invalid(f"Scenario “{name}” has no choice “{value[:40]}”.", field=name)
    return tuple(ScenarioOutcome(scenario=s, given=fields.get(s.id, "")) for s in lab.scenarios)
