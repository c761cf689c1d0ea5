"""JSON API v1: chapters, quizzes, and graded attempts."""

from fastapi import APIRouter, Request, Response
from pydantic_core import to_json

from app.errors import Invalid, NotFound
from app.guide import Question, Quiz
from app.guide.quizzes import MATRIX_OPTIONS
from app.services import attempt_drafts, grading, practice
from app.services.attempts import FULL
from app.web.cookies import SIGN_IN_COOKIE, read_cookie, set_sign_in_cookie
from app.web.deps import Db, GuideDep, SettingsDep, SignInToken
from app.web.inputs import PathText
from app.web.json_body import read_json_body
from app.web.openapi import documented_body
from app.web.quiz_schemas import (
    AttemptCreate,
    AttemptPublic,
    ChapterPublic,
    CheckCreate,
    CheckPublic,
    ChoicePublic,
    PracticeCheckCreate,
    QuestionPublic,
    QuizPublic,
    QuizSummary,
    RowPublic,
    errors,
)

router = APIRouter(prefix="/api/v1", tags=["quizzes"])


@router.get("/chapters", summary="List the chapters", response_model=list[ChapterPublic])
async def list_chapters(guide: GuideDep):
    """Every chapter, in reading order."""
    return [ChapterPublic(slug=c.slug, title=c.title, order=c.order, summary=c.summary,
                          url=c.url) for c in guide.chapters]


@router.get("/quizzes", summary="List the quizzes", response_model=list[QuizSummary])
async def list_quizzes(guide: GuideDep):
    """Every quiz, in chapter order; the FAQ chapter's quiz is the final quiz."""
    return [QuizSummary(slug=q.slug, title=q.title, chapter_slug=q.chapter_slug,
                        question_count=len(q.questions), pass_percent=q.pass_percent)
            for q in guide.quizzes.values()]


@router.get("/quizzes/{slug}", response_model=QuizPublic, responses=errors(404),
            summary="Get a quiz and its questions")
async def show_quiz(slug: PathText, guide: GuideDep):
    """A quiz's questions and choices; never its answers or explanations."""
    quiz = grading.get_quiz(guide, slug)
    return QuizPublic(slug=quiz.slug, title=quiz.title, pass_percent=quiz.pass_percent,
                      questions=[_question_public(q) for q in quiz.questions])


@router.post("/quizzes/{slug}/attempts", response_model=AttemptPublic, status_code=201,
             summary="Submit a quiz attempt",
             responses={200: {"model": AttemptPublic,
                              "description": "A replayed client_attempt_id: the stored result"},
                        **errors(403, 404, 409, 413, 422, conflict=(
                            "client_attempt_id used for another quiz, or another attempt at "
                            "this quiz is in progress (the detail names its id)"))},
             openapi_extra=documented_body(AttemptCreate))
async def submit_attempt(slug: PathText, request: Request) -> Response:
    """Grade and store an attempt at the whole quiz. Idempotent per client_attempt_id.

    On an `immediate` quiz, the answers checked in this attempt are final: they are taken
    as stored, any value sent for them is ignored (and they may be left out).
    """
    # The write hot path: the body and the app's objects are read here, not through a body
    # parameter and dependencies (app/web/json_body.py says why, with the figures).
    body = await read_json_body(request, AttemptCreate)
    state = request.app.state
    guide, db, settings = state.guide, state.database, state.settings
    token = read_cookie(request.headers, SIGN_IN_COOKIE)
    quiz = grading.get_quiz(guide, slug)
    # A deferred quiz is graded and turned into rows here (pure and quick): the write only
    # binds them. An immediate quiz is graded in the write, with its checked answers.
    submitted = attempt_drafts.prepare_submission(
        quiz=quiz, questions=None, client_attempt_id=body.client_attempt_id, kind=FULL,
        answers=body.answers, dialect=db.dialect)
    stored = await db.write(attempt_drafts.submit_attempt, token=token,
                            days=settings.session_days, submitted=submitted)
    response = Response(attempt_json(quiz, stored.attempt, stored.answers),
                        status_code=201 if stored.created else 200,
                        media_type="application/json")
    return set_sign_in_cookie(response, stored.new_token, settings)


@router.post("/quizzes/{slug}/questions/{question_id}/check", response_model=CheckPublic,
             summary="Check one answer of an attempt",
             responses=errors(403, 404, 409, 413, 422, conflict=(
                 "A `deferred` quiz (feedback after submission only), an attempt already "
                 "submitted, or another attempt at this quiz in progress")))
async def check_answer(slug: PathText, question_id: PathText, body: CheckCreate,
                       request: Request,
                       guide: GuideDep, db: Db, settings: SettingsDep,
                       token: SignInToken) -> Response:
    """Check one answer of a graded attempt, on an `immediate` quiz only; it becomes final.

    A `deferred` quiz answers 409: it gives feedback after submission. On an `immediate`
    quiz `client_attempt_id` is required; the first check of a question stores the graded
    answer in that attempt (made on its first check), and the submission will use it
    whatever is sent then. Checking the question again returns the stored result
    (`already_checked: true`). The feedback shows the correct answer.
    """
    quiz = grading.get_quiz(guide, slug)
    question = _question_of(quiz, question_id)
    if quiz.checks_are_final and body.client_attempt_id is None:
        raise Invalid("An immediate-feedback quiz needs the attempt's client_attempt_id.",
                      field="client_attempt_id")
    check = await db.write(attempt_drafts.check_answer, token=token,
                           days=settings.session_days, quiz=quiz, question=question,
                           response=body.answer, client_attempt_id=body.client_attempt_id)
    result = check_public(request, quiz, check.answer, stored_as="attempt",
                          already_checked=not check.first)
    return set_sign_in_cookie(_json(result), check.new_token, settings)


@router.post("/quizzes/{slug}/practice/questions/{question_id}/check",
             response_model=CheckPublic, summary="Check one answer in practice",
             responses=errors(403, 404, 413, 422))
async def check_practice_answer(slug: PathText, question_id: PathText,
                                body: PracticeCheckCreate,
                                request: Request, guide: GuideDep, db: Db,
                                settings: SettingsDep, token: SignInToken) -> Response:
    """Check one answer in practice mode, as often as you like; the feedback shows the key.

    Every check is stored as practice: it shows on /progress as practice and never counts
    toward best scores, passes, the cohort dashboard, item analysis or exports of attempts.
    404 for a quiz without practice mode (`practice: false` in its file).
    """
    quiz = practice.get_practice_quiz(guide, slug)
    question = _question_of(quiz, question_id)
    check = await db.write(practice.check_practice, token=token, days=settings.session_days,
                           quiz=quiz, question=question, response=body.answer)
    result = check_public(request, quiz, check.answer, stored_as="practice")
    return set_sign_in_cookie(_json(result), check.new_token, settings)


def check_public(request: Request, quiz: Quiz, answer, *, stored_as: str,
                 already_checked: bool = False) -> CheckPublic:
    """A stored check (checked or practice answer) as the API returns it."""
    [review] = grading.review_answers(quiz, [answer])
    feedback = request.app.state.templates.get_template("quiz/_feedback.html")
    return CheckPublic(question_id=answer.question_id, correct=answer.correct,
                       score=answer.score, max_score=answer.max_score,
                       your_answer=answer.response, stored_as=stored_as,
                       already_checked=already_checked,
                       feedback_html=feedback.render(review=review,
                                                     matrix=request.app.state.guide.matrix))


def _question_of(quiz: Quiz, question_id: str) -> Question:
    question = quiz.question(question_id)
    if question is None:
        raise NotFound(f"Quiz {quiz.slug!r} has no such question.")
    return question


def _json(model) -> Response:
    return Response(model.model_dump_json(), media_type="application/json")


def attempt_json(quiz: Quiz, attempt, answers) -> bytes:
    """The stored attempt as the API returns it: an `AttemptPublic`, serialised straight from
    our own stored values by pydantic's encoder. On the submission hot path, building the
    models only to serialise them cost 2.5 times as much as this, and the standard library's
    json.dumps 4 times pydantic's; the API tests check every body against the schema."""
    results = [{"question_id": r.question.id, "correct": r.correct, "score": float(r.score),
                "max_score": float(r.max_score), "your_answer": r.response,
                "correct_answer": r.question.correct_answer,
                "explanation": r.question.explanation, "section_url": r.question.section_url}
               for r in grading.review_answers(quiz, answers)]
    attempt_fields = {"attempt_id": attempt.id, "kind": attempt.kind,
                      "score": float(attempt.score), "max_score": float(attempt.max_score),
                      "percent": float(attempt.percent), "passed": attempt.passed,
                      "results": results}
    return to_json(attempt_fields)


def _question_public(question: Question) -> QuestionPublic:
    is_matrix = question.type == "matrix"
    return QuestionPublic(
        id=question.id, type=question.type, prompt=question.prompt,
        choices=[ChoicePublic(id=c.id, text=c.text) for c in question.choices],
        rows=[RowPublic(id=r.id, label=r.label) for r in question.rows] if is_matrix else None,
        options=list(MATRIX_OPTIONS) if is_matrix else None)
