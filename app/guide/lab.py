"""The matrix lab's content (content/lab.yaml): a "why" per matrix cell, services, scenarios.

Who is responsible for a cell comes from matrix.yaml only; this file adds the teaching around
it. Everything is checked against the matrix and the chapters at start-up, with file:line.
"""

import hashlib
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.guide.chapters import Chapter
from app.guide.errors import ContentError
from app.guide.matrix import Column, ColumnId, Matrix, Party, Row
from app.guide.quizzes import DEFAULT_PASS_PERCENT, Question, Quiz
from app.guide.textfile import read_text
from app.guide.vocabulary import PARTY_LABELS, SLUG
from app.guide.yamlfile import ContentErrorList, line_of, parse_yaml, validate

LINK = re.compile(r"^/chapters/([a-z0-9-]+)(?:#([A-Za-z0-9_-]+))?$")
PARTY_CHOICES = tuple(PARTY_LABELS.items())
# Graded grids are stored as attempts at this quiz, one answer per cell: progress, the
# dashboard and item analysis count the lab like any other quiz.
LAB_SLUG = "lab"
LAB_TITLE = "Matrix lab exercise"
LAB_URL = "/lab"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CellNote(_Strict):
    why: str = Field(min_length=10)
    link: str
    disagreement: str | None = None
    also_accepted: tuple[Party, ...] = ()


class ServiceNote(_Strict):
    name: str = Field(min_length=1)
    column: ColumnId
    where: str = Field(min_length=10)
    link: str


class ChoiceNote(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    text: str = Field(min_length=1)


class ScenarioNote(_Strict):
    id: str = Field(pattern=SLUG, max_length=60)
    situation: str = Field(min_length=10)
    question: str = Field(min_length=5)
    choices: tuple[ChoiceNote, ...] = ()
    answer: str
    cell: str | None = Field(default=None, pattern=r"^[a-z0-9-]+:[a-z_]+$")
    explanation: str = Field(min_length=10)
    link: str

    @model_validator(mode="after")
    def _answer_is_a_choice(self):
        ids = [c.id for c in self.choices] or [p for p, _ in PARTY_CHOICES]
        if len(set(ids)) != len(ids):
            raise ValueError("choices: duplicate ids")
        if self.answer not in ids:
            raise ValueError(f"answer {self.answer!r} is not one of the choices {ids}")
        return self


class LabFile(_Strict):
    cells: dict[str, dict[ColumnId, CellNote]]
    services: tuple[ServiceNote, ...] = Field(min_length=1)
    scenarios: tuple[ScenarioNote, ...] = Field(min_length=12)


@dataclass(frozen=True)
class Link:
    href: str
    title: str


@dataclass(frozen=True)
class LabCell:
    row: Row
    column: Column
    expected: str
    accepted: frozenset[str]
    why: str
    link: Link
    disagreement: str | None
    version: str

    @property
    def key(self) -> str:
        return f"{self.row.id}:{self.column.id}"

    @property
    def label(self) -> str:
        """How a screen reader and the no-JS form name the cell: "Physical hosts, IaaS"."""
        return f"{self.row.name}, {self.column.short}"


@dataclass(frozen=True)
class LabService:
    name: str
    column: Column
    where: str
    link: Link


@dataclass(frozen=True)
class LabScenario:
    id: str
    situation: str
    question: str
    choices: tuple[tuple[str, str], ...]
    answer: str
    cell_key: str | None
    explanation: str
    link: Link

    def choice_text(self, choice_id: str) -> str:
        return dict(self.choices).get(choice_id, choice_id)


@dataclass(frozen=True)
class Lab:
    cells: tuple[LabCell, ...]
    services: tuple[LabService, ...]
    scenarios: tuple[LabScenario, ...]
    quiz: Quiz
    _by_key: dict[str, LabCell] = field(repr=False)

    def cell(self, key: str) -> LabCell | None:
        return self._by_key.get(key)

    def scenario(self, scenario_id: str) -> LabScenario | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)


def load_lab(path: Path, matrix: Matrix, chapters: dict[str, Chapter]) -> Lab:
    """Parse and validate lab.yaml against the matrix and the chapters' anchors."""
    data = parse_yaml(read_text(path), path)
    note = validate(LabFile, data, path)
    check = _Checker(path, data, chapters)
    cells = _build_cells(note, matrix, check)
    services = tuple(
        LabService(name=s.name, column=matrix.column(s.column), where=s.where,
                   link=check.link(s.link, ("services", i, "link")))
        for i, s in enumerate(note.services))
    scenarios = _build_scenarios(note, matrix, check)
    if check.errors:
        raise ContentErrorList(check.errors)
    return Lab(cells=cells, services=services, scenarios=scenarios, quiz=_as_quiz(cells, path),
               _by_key={c.key: c for c in cells})


def _as_quiz(cells: tuple[LabCell, ...], path: Path) -> Quiz:
    """The exercise as a quiz of one-mark items, one per cell, as its attempts are stored."""
    questions = tuple(
        Question(id=cell.key, type="single", prompt=cell.label, prompt_html=escape(cell.label),
                 explanation=cell.why, explanation_html=escape(cell.why),
                 section_url=cell.link.href, version=cell.version, line=0)
        for cell in cells)
    # The exercise belongs to the chapter that teaches the matrix: the one its cells link to.
    teaching_chapter = LINK.match(cells[0].link.href).group(1) if cells else ""
    return Quiz(slug=LAB_SLUG, title=LAB_TITLE, chapter_slug=teaching_chapter,
                pass_percent=DEFAULT_PASS_PERCENT, questions=questions, path=path)


class _Checker:
    """Collects every problem with the line it comes from."""

    def __init__(self, path: Path, data: Any, chapters: dict[str, Chapter]):
        self.path, self.data, self.chapters = path, data, chapters
        self.errors: list[ContentError] = []

    def error(self, loc: tuple, message: str) -> None:
        where = ".".join(str(part) for part in loc)
        self.errors.append(ContentError(self.path, line_of(self.data, loc), f"{where}: {message}"))

    def link(self, href: str, loc: tuple) -> Link:
        """Resolve /chapters/<slug>#<anchor> to its heading; record an error if it is missing."""
        match = LINK.match(href)
        chapter = self.chapters.get(match.group(1)) if match else None
        anchor = match.group(2) if match else None
        if chapter is None or (anchor and anchor not in chapter.anchors):
            self.error(loc, f"link {href!r} does not point at a chapter section")
            return Link(href=href, title=href)
        heading = next((h.title for h in chapter.headings if h.id == anchor), None)
        return Link(href=href, title=heading or chapter.title)


def _build_cells(note: LabFile, matrix: Matrix, check: _Checker) -> tuple[LabCell, ...]:
    for row_id in note.cells:
        if matrix.row(row_id) is None:
            check.error(("cells", row_id), "no such row in matrix.yaml")
    cells = []
    for row in matrix.rows:
        notes = note.cells.get(row.id, {})
        for column in matrix.columns:
            cell_note = notes.get(column.id)
            if cell_note is None:
                check.error(("cells", row.id) if notes else ("cells",),
                            f"no 'why' for {row.id}:{column.id}")
                continue
            cells.append(_build_cell(row, column, cell_note, check))
    return tuple(cells)


def _build_cell(row: Row, column: Column, note: CellNote, check: _Checker) -> LabCell:
    loc = ("cells", row.id, column.id)
    expected = row.cells[column.id]
    disputed = column.id in row.disputed
    if disputed and not note.disagreement:
        check.error(loc, "disputed in matrix.yaml: explain the disagreement ('disagreement')")
    if not disputed and (note.disagreement or note.also_accepted):
        check.error(loc, "'disagreement'/'also_accepted' belong only on disputed cells")
    if expected in note.also_accepted:
        check.error(loc, f"also_accepted repeats the diagram's answer {expected!r}")
    accepted = frozenset({expected, *note.also_accepted})
    # The version changes whenever what counts as right, or the reason given, changes.
    fingerprint = "|".join([expected, *sorted(accepted), note.why, note.disagreement or ""])
    return LabCell(
        row=row, column=column, expected=expected, accepted=accepted, why=note.why,
        link=check.link(note.link, (*loc, "link")), disagreement=note.disagreement,
        version=hashlib.blake2b(fingerprint.encode(), digest_size=4).hexdigest())


def _build_scenarios(note: LabFile, matrix: Matrix, check: _Checker) -> tuple[LabScenario, ...]:
    seen: set[str] = set()
    scenarios = []
    for index, s in enumerate(note.scenarios):
        loc = ("scenarios", index)
        if s.id in seen:
            check.error((*loc, "id"), f"duplicate scenario id {s.id!r}")
        seen.add(s.id)
        if s.cell:
            row_id, _, column_id = s.cell.partition(":")
            row = matrix.row(row_id)
            if row is None or matrix.column(column_id) is None:
                check.error((*loc, "cell"), f"no such matrix cell {s.cell!r}")
            elif column_id in row.disputed:
                check.error((*loc, "cell"), f"{s.cell} is disputed: no scenario may ask about it")
        choices = tuple((c.id, c.text) for c in s.choices) or PARTY_CHOICES
        scenarios.append(LabScenario(
            id=s.id, situation=s.situation, question=s.question, choices=choices,
            answer=s.answer, cell_key=s.cell, explanation=s.explanation,
            link=check.link(s.link, (*loc, "link"))))
    return tuple(scenarios)
