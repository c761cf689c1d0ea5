"""JSON schemas of the quiz API (v1). Strict: no silent coercion of `false` into a string."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from app.guide import vocabulary
from app.guide.vocabulary import PARTIES
from app.web import openapi
from app.web.inputs import Key

Answer = list[str] | dict[str, str]
# Submitted answers are checked by the grader, whose errors name the question
# (`answers.<id>`); the schema still documents the two shapes.
SubmittedAnswer = Annotated[object, WithJsonSchema({"anyOf": [
    {"type": "array", "items": {"type": "string"}},
    {"type": "object", "additionalProperties": {"enum": list(PARTIES)}},
]})]
CLIENT_ATTEMPT_ID = Field(min_length=8, max_length=64, pattern=vocabulary.CLIENT_ATTEMPT_ID.pattern,
                          description="a fresh UUID per attempt; replaying it stores nothing new",
                          examples=["0b7f9c1e-4a55-4f43-9d3b-2f5c1a9e7d10"])
ANSWERS = Field(max_length=200, description="question id -> list of choice ids, or for a "
                "matrix question row id -> microsoft | customer | shared")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ChapterPublic(BaseModel):
    slug: str
    title: str
    order: int
    summary: str
    url: str


class QuizSummary(BaseModel):
    slug: str
    title: str
    chapter_slug: str
    question_count: int
    pass_percent: float


class ChoicePublic(BaseModel):
    id: str
    text: str = Field(description="Markdown")


class RowPublic(BaseModel):
    id: str
    label: str


class QuestionPublic(BaseModel):
    id: str
    type: Literal["single", "multiple", "true_false", "matrix"]
    prompt: str = Field(description="Markdown")
    choices: list[ChoicePublic] = Field(description="empty for matrix questions")
    rows: list[RowPublic] | None = Field(default=None, description="matrix questions only")
    options: list[str] | None = Field(default=None, description="matrix questions only")


class QuizPublic(BaseModel):
    slug: str
    title: str
    pass_percent: float
    questions: list[QuestionPublic]


class AttemptCreate(_In):
    # str, not Text: its pattern already admits no control character, and the schema must
    # document that pattern (Text's own would replace it there)
    client_attempt_id: str = CLIENT_ATTEMPT_ID
    answers: dict[Key, SubmittedAnswer] = ANSWERS


class QuestionResult(BaseModel):
    question_id: str
    correct: bool
    score: float
    max_score: float
    your_answer: Answer
    correct_answer: Answer
    explanation: str = Field(description="Markdown")
    section_url: str


class AttemptPublic(BaseModel):
    attempt_id: int
    kind: str
    score: float
    max_score: float
    percent: float = Field(ge=0, le=100)
    passed: bool
    results: list[QuestionResult]


class CheckCreate(_In):
    answer: SubmittedAnswer
    client_attempt_id: str | None = Field(
        default=None, min_length=8, max_length=64, pattern=vocabulary.CLIENT_ATTEMPT_ID.pattern,
        description="required on an `immediate` quiz: the attempt this answer becomes final "
                    "in (the same id the submission will use)")


class PracticeCheckCreate(_In):
    answer: SubmittedAnswer


class CheckPublic(BaseModel):
    question_id: str
    correct: bool
    score: float
    max_score: float
    your_answer: Answer = Field(
        description="the graded answer; on an immediate quiz the stored first check of this "
                    "question, which is final (it may differ from the answer just sent)")
    stored_as: Literal["attempt", "practice"] = Field(
        description="`attempt`: kept in the attempt in progress and final; `practice`: kept as "
                    "practice, which never counts toward scores, passes or reports")
    already_checked: bool = Field(
        default=False, description="true when this question had been checked in this attempt: "
                                   "the stored result is returned and nothing changes")
    feedback_html: str = Field(description="the same feedback the result page shows, correct "
                                           "answer included")


def errors(*statuses: int, conflict: str = "client_attempt_id used for another quiz") -> dict:
    """OpenAPI documentation of the error responses a quiz route can give."""
    return openapi.errors(*statuses, e403="Missing or wrong CSRF token",
                          e404="Unknown quiz or question", e409=conflict)
