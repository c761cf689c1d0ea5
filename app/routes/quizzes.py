"""Taking a quiz as HTML: the form, its submission and the result page (no JavaScript needed)."""

import re
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData

from app.deps import CurrentLearner, GuideDep, LearnerForWrite, SessionDep
from app.errors import Invalid, NotFound
from app.guide import Guide, Question, Quiz
from app.services import attempts, grading
from app.services.attempts import FULL, RETRY

router = APIRouter(include_in_schema=False)
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


async def read_form(request: Request) -> FormData:
    return await request.form()


FormDep = Annotated[FormData, Depends(read_form)]


@router.get("/chapters/{slug}/quiz", response_class=HTMLResponse)
def show_quiz(slug: str, request: Request, guide: GuideDep, session: SessionDep,
              learner: CurrentLearner, retry: int | None = None):
    quiz = grading.get_quiz(guide, slug)
    questions, retry_of = _questions_for(session, quiz, learner, retry)
    return _render_form(request, guide, quiz, questions, retry_of=retry_of)


@router.post("/chapters/{slug}/quiz", response_class=HTMLResponse)
def submit_quiz(slug: str, request: Request, guide: GuideDep, session: SessionDep,
                learner: LearnerForWrite, form: FormDep):
    quiz = grading.get_quiz(guide, slug)
    questions, retry_of = _questions_for(session, quiz, learner, _int(form.get("retry_of")))
    answers = answers_from_form(questions, form)
    client_id = _client_attempt_id(form)
    if missing := grading.missing_questions(questions, answers):
        return _render_form(request, guide, quiz, questions, retry_of=retry_of, answers=answers,
                            missing=missing, client_id=client_id, status_code=422)
    graded = grading.grade_quiz(quiz, answers, questions=questions)
    attempt, _ = attempts.save_attempt(
        session, learner=learner, quiz_slug=quiz.slug, client_attempt_id=client_id,
        kind=RETRY if retry_of else FULL, graded=graded, pass_percent=quiz.pass_percent)
    return RedirectResponse(f"{quiz.url}/attempts/{attempt.id}", status_code=303)


@router.get("/chapters/{slug}/quiz/attempts/{attempt_id}", response_class=HTMLResponse)
def show_attempt(slug: str, attempt_id: int, request: Request, guide: GuideDep,
                 session: SessionDep, learner: CurrentLearner):
    quiz = grading.get_quiz(guide, slug)
    attempt = _own_attempt(session, quiz, learner, attempt_id)
    reviews = grading.review_answers(quiz, attempts.list_answers(session, attempt_id=attempt.id))
    return request.app.state.templates.TemplateResponse(
        request, "quiz/result.html",
        {"guide": guide, "quiz": quiz, "chapter": guide.chapter(quiz.chapter_slug),
         "attempt": attempt, "reviews": reviews, "matrix": guide.matrix,
         "missed": [r for r in reviews if not r.correct]})


def answers_from_form(questions: list[Question], form: FormData) -> dict:
    """The submitted answers, in the API's shape; blank fields are left out."""
    answers: dict = {}
    for question in questions:
        name = field_name(question)
        if question.type == "matrix":
            rows = {r.id: form.get(f"{name}.{r.id}") for r in question.rows}
            answers[question.id] = {k: v for k, v in rows.items() if v}
        else:
            answers[question.id] = [v for v in form.getlist(name) if v]
    return answers


def field_name(question: Question) -> str:
    return f"q.{question.id}"


def _questions_for(session, quiz: Quiz, learner, retry: int | None):
    """All questions, or for a retry only those the learner missed in that attempt."""
    if retry is None:
        return list(quiz.questions), None
    attempt = _own_attempt(session, quiz, learner, retry)
    missed = attempts.missed_question_ids(session, attempt_id=attempt.id)
    questions = [q for q in quiz.questions if q.id in missed]
    return (questions, attempt.id) if questions else (list(quiz.questions), None)


def _own_attempt(session, quiz: Quiz, learner, attempt_id: int):
    attempt = attempts.get_attempt(session, attempt_id=attempt_id,
                                   learner_id=learner.id if learner else None)
    if attempt.quiz_slug != quiz.slug:
        raise NotFound("There is no such attempt.")
    return attempt


def _render_form(request: Request, guide: Guide, quiz: Quiz, questions, *, retry_of=None,
                 answers=None, missing=(), client_id=None, status_code=200):
    return request.app.state.templates.TemplateResponse(
        request, "quiz/quiz.html",
        {"guide": guide, "quiz": quiz, "chapter": guide.chapter(quiz.chapter_slug),
         "questions": questions, "retry_of": retry_of, "answers": answers or {},
         "missing": missing, "client_attempt_id": client_id or str(uuid.uuid4()),
         "matrix": guide.matrix, "field_name": field_name},
        status_code=status_code)


def _client_attempt_id(form: FormData) -> str:
    value = form.get("client_attempt_id") or ""
    if not CLIENT_ID.match(value):
        raise Invalid("The form is missing its attempt id. Reload the page and try again.",
                      field="client_attempt_id")
    return value


def _int(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None
