"""Quizzes: one YAML file per chapter under content/quizzes/ (format in content/README.md)."""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.guide.chapters import SLUG, Chapter
from app.guide.errors import ContentError
from app.guide.matrix import Matrix
from app.guide.rendering import MarkdownRenderer
from app.guide.textfile import read_text
from app.guide.vocabulary import DEFERRED, IMMEDIATE, PARTIES, Behaviour
from app.guide.yamlfile import ContentErrorList, line_of, parse_yaml, validate

QuestionType = Literal["single", "multiple", "true_false", "matrix"]
MATRIX_OPTIONS = PARTIES
DEFAULT_PASS_PERCENT = 80.0
ID = Field(pattern=SLUG, max_length=80)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChoiceSpec(_Strict):
    id: str = ID
    text: str = Field(min_length=1)
    correct: bool = False
    why_wrong: str | None = Field(default=None, min_length=1)


class QuestionSpec(_Strict):
    id: str = ID
    type: QuestionType
    prompt: str = Field(min_length=1)
    section: str = Field(pattern=r"^[a-z0-9-]+#[A-Za-z0-9_-]+$")
    explanation: str = Field(min_length=1)
    choices: list[ChoiceSpec] | None = None
    answer: bool | None = None
    why_wrong: str | None = Field(default=None, min_length=1)
    column: str | None = None
    rows: list[str] | None = None

    @model_validator(mode="after")
    def _fits_its_type(self):
        allowed = {"single": {"choices"}, "multiple": {"choices"},
                   "true_false": {"answer", "why_wrong"}, "matrix": {"column", "rows"}}[self.type]
        for name in ("choices", "answer", "why_wrong", "column", "rows"):
            present = getattr(self, name) is not None
            if present != (name in allowed):
                verb = "needs" if name in allowed else "must not have"
                raise ValueError(f"a {self.type} question {verb} `{name}`")
        if self.choices is not None:
            _check_choices(self.type, self.choices)
        if self.rows is not None and (not self.rows or len(set(self.rows)) != len(self.rows)):
            raise ValueError("rows: must be a non-empty list without repeats")
        return self


def _check_choices(kind: str, choices: list[ChoiceSpec]) -> None:
    ids = [c.id for c in choices]
    if len(choices) < 2:
        raise ValueError("choices: at least two are needed")
    if len(set(ids)) != len(ids):
        raise ValueError(f"choices: duplicate ids {sorted({i for i in ids if ids.count(i) > 1})}")
    correct = sum(c.correct for c in choices)
    if correct == 0:
        raise ValueError("no correct answer: mark one choice `correct: true`")
    if kind == "single" and correct != 1:
        raise ValueError(f"a single question needs exactly one correct choice, not {correct}")
    missing = [c.id for c in choices if not c.correct and c.why_wrong is None]
    if missing:
        raise ValueError(f"missing why_wrong on wrong choice(s) {missing}")


class QuizSpec(_Strict):
    chapter: str = ID
    title: str = Field(min_length=1, max_length=120)
    pass_percent: float = Field(default=DEFAULT_PASS_PERCENT, gt=0, le=100)
    behaviour: Behaviour = DEFERRED
    practice: bool = True
    questions: list[QuestionSpec] = Field(min_length=1)


@dataclass(frozen=True)
class Choice:
    id: str
    text: str  # Markdown source, for the JSON API
    html: str
    correct: bool
    why_wrong_html: str | None


@dataclass(frozen=True)
class MatrixRow:
    id: str
    label: str
    correct: str  # microsoft | customer | shared


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    prompt: str  # Markdown source, for the JSON API
    prompt_html: str
    explanation: str
    explanation_html: str
    section_url: str
    version: str
    line: int
    choices: tuple[Choice, ...] = ()
    rows: tuple[MatrixRow, ...] = ()
    column: str | None = None

    @property
    def correct_answer(self) -> list[str] | dict[str, str]:
        """The right response, in the shape a learner submits."""
        if self.type == "matrix":
            return {row.id: row.correct for row in self.rows}
        return [c.id for c in self.choices if c.correct]

    def choice(self, choice_id: str) -> Choice | None:
        return self._choices_by_id.get(choice_id)

    # Computed once per question (content is loaded once): grading runs on every submission.
    @cached_property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.choices if c.correct)

    @cached_property
    def choice_order(self) -> dict[str, int]:
        """Choice id -> its position: a response is stored in the question's order."""
        return {c.id: position for position, c in enumerate(self.choices)}

    @cached_property
    def _choices_by_id(self) -> dict[str, Choice]:
        return {c.id: c for c in self.choices}


@dataclass(frozen=True)
class Quiz:
    slug: str
    title: str
    chapter_slug: str
    pass_percent: float
    questions: tuple[Question, ...]
    path: Path
    page_url: str = ""  # where it is taken, when not its chapter's quiz page (practice)
    behaviour: str = DEFERRED  # see app/guide/vocabulary.py
    practice: bool = True  # whether /chapters/{slug}/practice is open

    @property
    def url(self) -> str:
        return self.page_url or f"/chapters/{self.slug}/quiz"

    @property
    def practice_url(self) -> str:
        return f"/chapters/{self.slug}/practice"

    @property
    def checks_are_final(self) -> bool:
        """Immediate feedback: a checked answer is stored and final for the attempt."""
        return self.behaviour == IMMEDIATE

    def question(self, question_id: str) -> Question | None:
        return self._questions_by_id.get(question_id)

    @cached_property
    def _questions_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}


def load_quiz(path: Path, renderer: MarkdownRenderer, chapters: Mapping[str, Chapter],
              matrix: Matrix, *, check_chapters: bool = True) -> Quiz:
    """Parse and validate one quiz file against the chapters and the matrix.

    `check_chapters=False` skips the chapter and anchor checks (when a chapter failed to
    load, they would only repeat its error).
    """
    data = parse_yaml(read_text(path), path)
    spec: QuizSpec = validate(QuizSpec, data, path)
    errors = _cross_check(spec, data, path, chapters if check_chapters else None, matrix)
    if errors:
        raise ContentErrorList(errors)
    questions = tuple(
        _build_question(q, line_of(data, ("questions", i)), renderer, matrix)
        for i, q in enumerate(spec.questions))
    return Quiz(slug=spec.chapter, title=spec.title, chapter_slug=spec.chapter,
                pass_percent=spec.pass_percent, questions=questions, path=path,
                behaviour=spec.behaviour, practice=spec.practice)


def _cross_check(spec: QuizSpec, data, path: Path, chapters: Mapping[str, Chapter] | None,
                 matrix: Matrix) -> list[ContentError]:
    errors = _chapter_problems(spec, data, path, chapters) if chapters is not None else []
    for i, question in enumerate(spec.questions):
        if question.type == "matrix":
            errors.extend(ContentError(path, line_of(data, ("questions", i, key)), message)
                          for key, message in _matrix_problems(question, matrix))
    return errors


def _chapter_problems(spec: QuizSpec, data, path: Path,
                      chapters: Mapping[str, Chapter]) -> list[ContentError]:
    errors = []
    if spec.chapter not in chapters:
        errors.append(ContentError(path, line_of(data, ("chapter",)),
                                   f"chapter: unknown chapter {spec.chapter!r}"))
    elif path.stem != spec.chapter:
        errors.append(ContentError(path, line_of(data, ("chapter",)),
                                   f"the file must be named {spec.chapter}.yaml"))
    for i, question in enumerate(spec.questions):
        line = line_of(data, ("questions", i, "section"))
        slug, _, anchor = question.section.partition("#")
        chapter = chapters.get(slug)
        if chapter is None:
            errors.append(ContentError(path, line, f"section: unknown chapter {slug!r}"))
        elif anchor not in chapter.anchors:
            errors.append(ContentError(path, line,
                                       f"section: no anchor #{anchor} in chapter {slug!r}"))
    return errors


def _matrix_problems(question: QuestionSpec, matrix: Matrix):
    if matrix.column(question.column) is None:
        yield "column", f"column: unknown matrix column {question.column!r}"
        return
    for row_id in question.rows:
        row = matrix.row(row_id)
        if row is None:
            yield "rows", f"rows: unknown matrix row {row_id!r}"
        elif question.column in row.disputed:
            yield "rows", (f"rows: {row_id!r} in {question.column!r} is disputed in matrix.yaml; "
                           "quizzes must not ask about it")


def _build_question(spec: QuestionSpec, line: int, renderer: MarkdownRenderer,
                    matrix: Matrix) -> Question:
    inline = renderer.render_inline
    slug, _, anchor = spec.section.partition("#")
    rows: tuple[MatrixRow, ...] = ()
    choices: tuple[Choice, ...] = ()
    if spec.type == "matrix":
        rows = tuple(MatrixRow(id=r, label=matrix.row(r).name,
                               correct=matrix.row(r).cells[spec.column]) for r in spec.rows)
    elif spec.type == "true_false":
        truth, why = ("true" if spec.answer else "false"), inline(spec.why_wrong)
        choices = tuple(Choice(id=value, text=value.capitalize(), html=value.capitalize(),
                               correct=value == truth,
                               why_wrong_html=None if value == truth else why)
                        for value in ("true", "false"))
    else:
        choices = tuple(Choice(id=c.id, text=c.text, html=inline(c.text), correct=c.correct,
                               why_wrong_html=inline(c.why_wrong) if c.why_wrong else None)
                        for c in spec.choices)
    return Question(id=spec.id, type=spec.type, prompt=spec.prompt,
                    prompt_html=inline(spec.prompt), explanation=spec.explanation,
                    explanation_html=inline(spec.explanation),
                    section_url=f"/chapters/{slug}#{anchor}",
                    version=_version(spec, rows), line=line, choices=choices, rows=rows,
                    column=spec.column)


def _version(spec: QuestionSpec, rows: tuple[MatrixRow, ...]) -> str:
    """A short hash of everything that defines the question, matrix answers included."""
    content = spec.model_dump(mode="json") | {"cells": [[r.id, r.correct] for r in rows]}
    encoded = json.dumps(content, sort_keys=True).encode()
    return hashlib.blake2b(encoded, digest_size=6).hexdigest()


def load_quizzes(quiz_dir: Path, renderer: MarkdownRenderer, chapters: Mapping[str, Chapter],
                 matrix: Matrix | None, errors: list[ContentError]) -> dict[str, Quiz]:
    """Every quiz under `quiz_dir`, by slug; problems are appended to `errors`."""
    quizzes: dict[str, Quiz] = {}
    if matrix is None:
        return quizzes  # the matrix's own errors are reported; checking against it is moot
    seen: dict[str, tuple[Path, int]] = {}
    check_chapters = not errors  # a chapter that failed to load is reported already
    for path in sorted(quiz_dir.glob("*.yaml")) if quiz_dir.is_dir() else ():
        try:
            quiz = load_quiz(path, renderer, chapters, matrix, check_chapters=check_chapters)
        except ContentErrorList as exc:
            errors.extend(exc.errors)
            continue
        for question in quiz.questions:
            if question.id in seen:
                other, other_line = seen[question.id]
                errors.append(ContentError(path, question.line,
                                           f"duplicate question id {question.id!r} "
                                           f"(also {other.name}:{other_line})"))
            seen.setdefault(question.id, (path, question.line))
        quizzes[quiz.slug] = quiz
    return quizzes
