"""Practice mode as HTML: check any question as often as you like; nothing is graded.

Each check is stored as practice (app/services/practice.py) and never counts toward scores.
Works without JavaScript (each Check button posts the form); quiz.js checks in place.
"""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from app.errors import NotFound
from app.guide import Quiz
from app.routes.quizzes import answers_from_form, field_name, page_chapter
from app.services import grading, practice
from app.web.cookies import set_sign_in_cookie
from app.web.deps import Db, GuideDep, PageDep, SettingsDep, SignInToken
from app.web.forms import FormDep
from app.web.middleware import rebind_csrf
from app.web.rendering import Page
from app.web.responses import see_other

router = APIRouter(include_in_schema=False)


@router.get("/chapters/{slug}/practice", response_class=HTMLResponse)
async def show_practice(slug: str, page: PageDep, guide: GuideDep):
    quiz = practice.get_practice_quiz(guide, slug)
    return _render(page, quiz)


@router.post("/chapters/{slug}/practice", response_class=HTMLResponse)
async def check_practice(slug: str, page: PageDep, guide: GuideDep, db: Db, form: FormDep,
                         settings: SettingsDep, token: SignInToken):
    """The no-JavaScript Check of one question (button `check` = its id)."""
    quiz = practice.get_practice_quiz(guide, slug)
    check_id = form.text("check", max_length=80)
    if not check_id:
        return see_other(quiz.practice_url)  # nothing to check (Enter in the form)
    question = quiz.question(check_id)
    if question is None:
        raise NotFound(f"Quiz {quiz.slug!r} has no such question.")
    answers = answers_from_form(list(quiz.questions), form)
    if grading.missing_questions([question], answers):
        return _render(page, quiz, answers=answers, unanswered=question.id, status_code=422)
    check = await db.write(practice.check_practice, token=token, days=settings.session_days,
                           quiz=quiz, question=question, response=answers[question.id])
    [review] = grading.review_answers(quiz, [check.answer])
    rebind_csrf(page.request, check.new_token)  # the form shown next carries the new token
    response = _render(page, quiz, answers=answers, feedback={question.id: review},
                       just_checked=question.id)
    return set_sign_in_cookie(response, check.new_token, settings)


def _render(page: Page, quiz: Quiz, *, answers=None, feedback=None, unanswered=None,
            just_checked=None, status_code=200):
    return page.render(
        "quiz/quiz.html",
        {"quiz": quiz, "chapter": page_chapter(page, quiz), "questions": list(quiz.questions),
         "retry_of": None, "answers": answers or {}, "missing": (), "client_attempt_id": None,
         "mode": "practice", "form_action": quiz.practice_url, "locked": {},
         "feedback": feedback or {}, "unanswered": unanswered, "just_checked": just_checked,
         "matrix": page.request.app.state.guide.matrix, "field_name": field_name},
        status_code=status_code)
