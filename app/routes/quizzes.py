"""Taking a quiz as HTML: the form, its submission and the result page (no JavaScript needed)."""

import uuid
from dataclasses import dataclass, field, replace

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from app.errors import Conflict, Invalid, NotFound
from app.guide import Question, Quiz
from app.guide.practice import PRACTICE_HOME
from app.guide.vocabulary import CLIENT_ATTEMPT_ID
from app.models import CheckedAnswer
from app.services import attempt_drafts, attempts, grading
from app.services.attempts import FULL, RETRY
from app.web.cookies import set_sign_in_cookie
from app.web.deps import Db, GuideDep, PageDep, SettingsDep, SignInToken
from app.web.forms import Form, FormDep
from app.web.inputs import Id
from app.web.middleware import rebind_csrf
from app.web.rendering import Page
from app.web.responses import see_other

router = APIRouter(include_in_schema=False)


@router.get("/chapters/{slug}/quiz", response_class=HTMLResponse)
async def show_quiz(slug: str, page: PageDep, guide: GuideDep, db: Db,
                    retry: int | None = None):
    return await render_quiz(page, db, _chapter_quiz(guide, slug), retry=retry)


@router.post("/chapters/{slug}/quiz", response_class=HTMLResponse)
async def submit_quiz(slug: str, page: PageDep, guide: GuideDep, db: Db, form: FormDep,
                      settings: SettingsDep, token: SignInToken):
    return await grade_and_store(page, db, form, settings, token, _chapter_quiz(guide, slug))


@router.get("/chapters/{slug}/quiz/attempts/{attempt_id}", response_class=HTMLResponse)
async def show_attempt(slug: str, attempt_id: Id, page: PageDep, guide: GuideDep, db: Db):
    return await render_attempt(page, db, _chapter_quiz(guide, slug), attempt_id)


async def render_quiz(page: Page, db: Db, quiz: Quiz, *, retry: int | None):
    """The quiz form (all questions, or a retry's missed ones), for chapter quizzes and the
    service practice; on an `immediate` quiz it resumes the attempt in progress, checks locked."""
    form = await db.read(_form_state, quiz=quiz, viewer=page.viewer, retry=retry)
    return _render_form(page, quiz, form)


async def grade_and_store(page: Page, db: Db, form: Form, settings, token, quiz: Quiz):
    """Submit the attempt (stored, then its result), or (button `check` = a question id)
    check one question."""
    client_id = _client_attempt_id(form)
    state = await db.read(_form_state, quiz=quiz, viewer=page.viewer,
                          retry=_id_or_none(form.text("retry_of")), client_id=client_id)
    answers = {**answers_from_form(state.questions, form), **state.final_answers}
    if check_id := form.text("check", max_length=80):
        return await _check_in_form(page, quiz, state, answers, check_id, db, settings, token)
    if missing := grading.missing_questions(state.questions, answers):
        return _render_form(page, quiz, state, answers=answers, missing=missing,
                            status_code=422)
    submitted = attempt_drafts.prepare_submission(
        quiz=quiz, questions=state.questions, client_attempt_id=client_id,
        kind=RETRY if state.retry_of else FULL, answers=answers, dialect=db.dialect)
    stored = await db.write(attempt_drafts.submit_attempt, token=token,
                            days=settings.session_days, submitted=submitted)
    response = see_other(f"{quiz.url}/attempts/{stored.attempt.id}")
    return set_sign_in_cookie(response, stored.new_token, settings)


async def _check_in_form(page: Page, quiz: Quiz, state: "FormState", answers: dict,
                         check_id: str, db, settings, token):
    """The no-JavaScript Check: store the answer (final) and show the form with feedback."""
    question = next((q for q in state.questions if q.id == check_id), None)
    if question is None:
        raise NotFound(f"Quiz {quiz.slug!r} has no such question.")
    if not quiz.checks_are_final:
        raise Conflict(attempt_drafts.FEEDBACK_AFTER_SUBMISSION)
    if question.id not in state.checked and grading.missing_questions([question], answers):
        return _render_form(page, quiz, state, answers=answers, unanswered=question.id,
                            status_code=422)
    check = await db.write(attempt_drafts.check_answer, token=token,
                           days=settings.session_days, quiz=quiz, question=question,
                           response=answers[question.id], client_attempt_id=state.client_id,
                           retry_of=state.retry_of)
    state = state.with_checked(check.answer)
    rebind_csrf(page.request, check.new_token)  # the form shown next carries the new token
    response = _render_form(page, quiz, state, answers={**answers, **state.final_answers},
                            just_checked=question.id)
    return set_sign_in_cookie(response, check.new_token, settings)


async def render_attempt(page: Page, db: Db, quiz: Quiz, attempt_id: int):
    """The viewer's own attempt at `quiz`, question by question."""
    attempt, answers = await db.read(_own_attempt_and_answers, quiz=quiz, viewer=page.viewer,
                                     attempt_id=attempt_id)
    reviews = grading.review_answers(quiz, answers)
    return page.render("quiz/result.html",
                       {"quiz": quiz, "chapter": page_chapter(page, quiz), "attempt": attempt,
                        "reviews": reviews, "matrix": page.request.app.state.guide.matrix,
                        "missed": [r for r in reviews if not r.correct]})


def _chapter_quiz(guide, slug: str) -> Quiz:
    """A chapter's quiz; practice quizzes have their own pages."""
    quiz = grading.get_quiz(guide, slug)
    if quiz.url != f"/chapters/{slug}/quiz":
        raise NotFound(f"There is no quiz called {slug!r}.")
    return quiz


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
    """Where the quiz's page links back to: its chapter, or the practice index."""
    return page.request.app.state.guide.chapter(quiz.chapter_slug) or PRACTICE_HOME


@dataclass(frozen=True)
class FormState:
    """What the form shows: its questions, the attempt id and the answers checked in it."""

    questions: list[Question]
    retry_of: int | None
    client_id: str
    checked: dict[str, CheckedAnswer] = field(default_factory=dict)

    @property
    def final_answers(self) -> dict:
        return {qid: c.response for qid, c in self.checked.items()}

    def with_checked(self, answer: CheckedAnswer) -> "FormState":
        return replace(self, checked={**self.checked, answer.question_id: answer})


def _form_state(session, *, quiz: Quiz, viewer, retry: int | None,
                client_id: str | None = None) -> FormState:
    """The questions (all, or a retry's), and on an `immediate` quiz the attempt in progress:
    the one posted, else the learner's open one (resumed), else a new id."""
    learner_id = viewer.id if viewer else None
    checked: list[CheckedAnswer] = []
    if quiz.checks_are_final and client_id is None:
        if resumed := attempt_drafts.find_in_progress(session, learner_id=learner_id,
                                                      quiz_slug=quiz.slug):
            client_id, retry, checked = (resumed.client_attempt_id, resumed.retry_of,
                                         resumed.checked)
    elif quiz.checks_are_final:
        checked = attempt_drafts.checked_answers(session, learner_id=learner_id,
                                                 client_attempt_id=client_id)
    questions, retry_of = _questions_for(session, quiz=quiz, viewer=viewer, retry=retry)
    return FormState(questions=questions, retry_of=retry_of,
                     client_id=client_id or str(uuid.uuid4()),
                     checked={c.question_id: c for c in checked})


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


def _render_form(page: Page, quiz: Quiz, state: FormState, *, answers=None, missing=(),
                 unanswered=None, just_checked=None, status_code=200):
    checked = grading.review_answers(quiz, state.checked.values())
    return page.render(
        "quiz/quiz.html",
        {"quiz": quiz, "chapter": page_chapter(page, quiz), "questions": state.questions,
         "retry_of": state.retry_of, "answers": {**state.final_answers, **(answers or {})},
         "missing": missing, "client_attempt_id": state.client_id,
         "mode": quiz.behaviour, "form_action": quiz.url,
         "locked": {r.question.id: r for r in checked},
         "feedback": {r.question.id: r for r in checked},
         "unanswered": unanswered, "just_checked": just_checked,
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
