"""Taking a quiz as HTML: the form, its submission and the result page (no JavaScript needed)."""

import uuid

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from app.errors import Invalid, NotFound
from app.guide import Question, Quiz
from app.guide.vocabulary import CLIENT_ATTEMPT_ID
from app.services import attempts, grading
from app.services.attempts import FULL, RETRY
from app.web.cookies import set_sign_in_cookie
from app.web.deps import Db, GuideDep, PageDep, SettingsDep, SignInToken
from app.web.forms import Form, FormDep
from app.web.inputs import Id
from app.web.rendering import Page
from app.web.responses import see_other

router = APIRouter(include_in_schema=False)


@router.get("/chapters/{slug}/quiz", response_class=HTMLResponse)
async def show_quiz(slug: str, page: PageDep, guide: GuideDep, db: Db,
                    retry: int | None = None):
    quiz = grading.get_quiz(guide, slug)
    questions, retry_of = await db.read(_questions_for, quiz=quiz, viewer=page.viewer,
                                        retry=retry)
    return _render_form(page, quiz, questions, retry_of=retry_of)


@router.post("/chapters/{slug}/quiz", response_class=HTMLResponse)
async def submit_quiz(slug: str, page: PageDep, guide: GuideDep, db: Db, form: FormDep,
                      settings: SettingsDep, token: SignInToken):
    quiz = grading.get_quiz(guide, slug)
    questions, retry_of = await db.read(_questions_for, quiz=quiz, viewer=page.viewer,
                                        retry=_id_or_none(form.text("retry_of")))
    answers = answers_from_form(questions, form)
    client_id = _client_attempt_id(form)
    if missing := grading.missing_questions(questions, answers):
        return _render_form(page, quiz, questions, retry_of=retry_of, answers=answers,
                            missing=missing, client_id=client_id, status_code=422)
    graded = grading.grade_quiz(quiz, answers, questions=questions)
    stored = await db.write(
        attempts.submit_attempt, token=token, days=settings.session_days, quiz_slug=quiz.slug,
        client_attempt_id=client_id, kind=RETRY if retry_of else FULL, graded=graded,
        pass_percent=quiz.pass_percent)
    response = see_other(f"{quiz.url}/attempts/{stored.attempt.id}")
    return set_sign_in_cookie(response, stored.new_token, settings)


@router.get("/chapters/{slug}/quiz/attempts/{attempt_id}", response_class=HTMLResponse)
async def show_attempt(slug: str, attempt_id: Id, page: PageDep, guide: GuideDep, db: Db):
    quiz = grading.get_quiz(guide, slug)
    attempt, answers = await db.read(_own_attempt_and_answers, quiz=quiz, viewer=page.viewer,
                                     attempt_id=attempt_id)
    reviews = grading.review_answers(quiz, answers)
    return page.render("quiz/result.html",
                       {"quiz": quiz, "chapter": page_chapter(page, quiz), "attempt": attempt,
                        "reviews": reviews, "matrix": guide.matrix,
                        "missed": [r for r in reviews if not r.correct]})


def answers_from_form(questions: list[Question], form: Form) -> dict:
    """The submitted answers, in the API's shape; blank fields are left out."""
    answers: dict = {}
    for question in questions:
        name = field_name(question)
        if question.type == "matrix":
            rows = {r.id: form.text(f"{name}.{r.id}") for r in question.rows}
            answers[question.id] = {k: v for k, v in rows.items() if v}
        else:
            answers[question.id] = form.texts(name)
    return answers


def field_name(question: Question) -> str:
    return f"q.{question.id}"


def page_chapter(page: Page, quiz: Quiz):
    return page.request.app.state.guide.chapter(quiz.chapter_slug)


def _questions_for(session, *, quiz: Quiz, viewer, retry: int | None):
    """All questions, or for a retry only those the learner missed in that attempt."""
    if retry is None:
        return list(quiz.questions), None
    attempt = _own_attempt(session, quiz, viewer, retry)
    missed = attempts.missed_question_ids(session, attempt_id=attempt.id)
    questions = [q for q in quiz.questions if q.id in missed]
    return (questions, attempt.id) if questions else (list(quiz.questions), None)


def _own_attempt_and_answers(session, *, quiz: Quiz, viewer, attempt_id: Id):
    attempt = _own_attempt(session, quiz, viewer, attempt_id)
    return attempt, attempts.list_answers(session, attempt_id=attempt.id)


def _own_attempt(session, quiz: Quiz, viewer, attempt_id: Id):
    attempt = attempts.get_attempt(session, attempt_id=attempt_id,
                                   learner_id=viewer.id if viewer else None)
    if attempt.quiz_slug != quiz.slug:
        raise NotFound("There is no such attempt.")
    return attempt


def _render_form(page: Page, quiz: Quiz, questions, *, retry_of=None, answers=None,
                 missing=(), client_id=None, status_code=200):
    return page.render(
        "quiz/quiz.html",
        {"quiz": quiz, "chapter": page_chapter(page, quiz), "questions": questions,
         "retry_of": retry_of, "answers": answers or {}, "missing": missing,
         "client_attempt_id": client_id or str(uuid.uuid4()),
         "matrix": page.request.app.state.guide.matrix, "field_name": field_name},
        status_code=status_code)


def _client_attempt_id(form: Form) -> str:
    value = form.text("client_attempt_id", max_length=64)
    if not CLIENT_ATTEMPT_ID.match(value):
        raise Invalid("The form is missing its attempt id. Reload the page and try again.",
                      field="client_attempt_id")
    return value


def _id_or_none(value: str) -> int | None:
    """An id from a form field: ASCII digits only (str.isdigit accepts "²")."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 10 else None
