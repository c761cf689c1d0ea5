"""Grading: check a response against a question, with no database involved.

Scoring: single, multiple and true/false questions are all-or-nothing (1 or 0 out of 1; a
"choose all that apply" answer must pick exactly the correct set). A matrix question gives
one mark per row (score = rows right, max = rows) and counts as correct only when every row is.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.errors import Invalid, NotFound
from app.guide.quizzes import MATRIX_OPTIONS, Choice, MatrixRow, Question, Quiz

Response = list[str] | dict[str, str]


@dataclass(frozen=True)
class GradedAnswer:
    question_id: str
    question_version: str
    response: list[str] | dict[str, str]
    correct: bool
    score: float
    max_score: float


def grade_answer(question: Question, response: object) -> GradedAnswer:
    """Grade one response; raise Invalid (naming the question) when its shape is wrong."""
    if question.type == "matrix":
        cleaned = _matrix_response(question, response)
        right = sum(cleaned[row.id] == row.correct for row in question.rows)
        score, max_score = float(right), float(len(question.rows))
        correct = right == len(question.rows)
    else:
        cleaned = _choice_response(question, response)
        correct = set(cleaned) == question.correct_ids
        score, max_score = float(correct), 1.0
    return GradedAnswer(question_id=question.id, question_version=question.version,
                        response=cleaned, correct=correct, score=score, max_score=max_score)


def grade_quiz(quiz: Quiz, answers: Mapping[str, object], *,
               questions: Iterable[Question] | None = None) -> list[GradedAnswer]:
    """Grade a whole submission: every expected question answered, nothing else.

    `questions` narrows the expected set (a retry of the missed questions); default: all.
    """
    expected = list(questions if questions is not None else quiz.questions)
    expected_ids = {q.id for q in expected}
    unknown = sorted(set(answers) - expected_ids)
    if unknown:
        raise Invalid(f"unknown question {unknown[0]!r} in this quiz",
                      field=f"answers.{unknown[0]}")
    missing = [q.id for q in expected if q.id not in answers]
    if missing:
        raise Invalid(f"question {missing[0]!r} is not answered", field=f"answers.{missing[0]}")
    return [grade_answer(q, answers[q.id]) for q in expected]


def missing_questions(questions: Iterable[Question], answers: Mapping[str, object]) -> list[str]:
    """Ids of the questions with no answer (for a matrix: any row left blank), in quiz order."""
    def answered(question: Question) -> bool:
        given = answers.get(question.id)
        if question.type == "matrix":
            return isinstance(given, dict) and all(given.get(r.id) for r in question.rows)
        return bool(given)
    return [q.id for q in questions if not answered(q)]


def summarise(graded: Iterable[GradedAnswer]) -> tuple[float, float, float]:
    """(score, max_score, percent 0-100) of a set of graded answers."""
    graded = list(graded)
    score = sum(g.score for g in graded)
    max_score = sum(g.max_score for g in graded)
    percent = round(100 * score / max_score, 2) if max_score else 0.0
    return score, max_score, percent


def _choice_response(question: Question, response: object) -> list[str]:
    field = f"answers.{question.id}"
    if not isinstance(response, list) or not all(isinstance(i, str) for i in response):
        raise Invalid(f"question {question.id!r} needs a list of choice ids", field=field)
    if not response:
        raise Invalid(f"question {question.id!r} is not answered", field=field)
    if len(set(response)) != len(response):
        raise Invalid(f"question {question.id!r}: a choice is given twice", field=field)
    order = question.choice_order
    for choice_id in response:
        if choice_id not in order:
            raise Invalid(f"question {question.id!r} has no choice {choice_id[:80]!r}",
                          field=field)
    if question.type != "multiple" and len(response) != 1:
        raise Invalid(f"question {question.id!r} takes exactly one choice", field=field)
    return sorted(response, key=order.__getitem__)


def _matrix_response(question: Question, response: object) -> dict[str, str]:
    field = f"answers.{question.id}"
    if not isinstance(response, dict):
        raise Invalid(f"question {question.id!r} needs an object of row id -> "
                      f"{' | '.join(MATRIX_OPTIONS)}", field=field)
    row_ids = [row.id for row in question.rows]
    for row_id, value in response.items():
        if row_id not in row_ids:
            raise Invalid(f"question {question.id!r} has no row {str(row_id)[:80]!r}",
                          field=f"{field}.{row_id}")
        if value not in MATRIX_OPTIONS:
            raise Invalid(f"row {row_id!r} must be one of {', '.join(MATRIX_OPTIONS)}",
                          field=f"{field}.{row_id}")
    missing = [r for r in row_ids if r not in response]
    if missing:
        raise Invalid(f"row {missing[0]!r} of question {question.id!r} is not answered",
                      field=f"{field}.{missing[0]}")
    return {row_id: response[row_id] for row_id in row_ids}


@dataclass(frozen=True)
class Review:
    """One answered question with what the result page and the API show about it."""

    question: Question
    response: list[str] | dict[str, str]
    correct: bool
    score: float
    max_score: float

    @property
    def wrong_choices(self) -> list[Choice]:
        """Choices the learner picked that are wrong (each has its why_wrong)."""
        if self.question.type == "matrix":
            return []
        return [c for c in self.question.choices if c.id in self.response and not c.correct]

    @property
    def missed_choices(self) -> list[Choice]:
        """Correct choices the learner left out."""
        if self.question.type == "matrix":
            return []
        return [c for c in self.question.choices if c.correct and c.id not in self.response]

    @property
    def chosen(self) -> list[Choice]:
        if self.question.type == "matrix":
            return []
        return [c for c in self.question.choices if c.id in self.response]

    @property
    def rows(self) -> list[tuple[MatrixRow, str | None, bool]]:
        """(row, the learner's value, right or not) for a matrix question."""
        given = self.response if isinstance(self.response, dict) else {}
        return [(row, given.get(row.id), given.get(row.id) == row.correct)
                for row in self.question.rows]


def review_answers(quiz: Quiz, answers: Iterable) -> list[Review]:
    """Pair stored or fresh answers (anything with question_id, response, correct, score,
    max_score) with their questions; answers to questions since removed are left out."""
    reviews = []
    for answer in answers:
        question = quiz.question(answer.question_id)
        if question is not None:
            reviews.append(Review(question=question, response=answer.response,
                                  correct=answer.correct, score=answer.score,
                                  max_score=answer.max_score))
    return reviews


def get_quiz(guide, slug: str) -> Quiz:
    """The quiz with this slug, or NotFound."""
    quiz = guide.quiz(slug)
    if quiz is None:
        raise NotFound(f"There is no quiz called {slug!r}.")
    return quiz
