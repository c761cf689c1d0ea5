"""JSON API v1: chapters, quizzes, and graded attempts."""

from fastapi import APIRouter, Request, Response

from app.errors import NotFound
from app.guide import Question, Quiz
from app.guide.quizzes import MATRIX_OPTIONS
from app.services import attempts, grading
from app.services.attempts import FULL
from app.web.cookies import set_sign_in_cookie
from app.web.deps import Db, GuideDep, SettingsDep, SignInToken
from app.web.quiz_schemas import (
    AttemptCreate,
    AttemptPublic,
    ChapterPublic,
    CheckCreate,
    CheckPublic,
    ChoicePublic,
    QuestionPublic,
    QuestionResult,
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
async def show_quiz(slug: str, guide: GuideDep):
    """A quiz's questions and choices; never its answers or explanations."""
    quiz = grading.get_quiz(guide, slug)
    return QuizPublic(slug=quiz.slug, title=quiz.title, pass_percent=quiz.pass_percent,
                      questions=[_question_public(q) for q in quiz.questions])


@router.post("/quizzes/{slug}/attempts", response_model=AttemptPublic, status_code=201,
             summary="Submit a quiz attempt",
             responses={200: {"model": AttemptPublic,
                              "description": "A replayed client_attempt_id: the stored result"},
                        **errors(403, 404, 409, 413, 422)})
async def submit_attempt(slug: str, body: AttemptCreate, guide: GuideDep, db: Db,
                         settings: SettingsDep, token: SignInToken) -> Response:
    """Grade and store an attempt at the whole quiz. Idempotent per client_attempt_id."""
    quiz = grading.get_quiz(guide, slug)
    graded = grading.grade_quiz(quiz, body.answers)  # pure and quick: no thread needed
    stored = await db.write(
        attempts.submit_attempt, token=token, days=settings.session_days, quiz_slug=quiz.slug,
        client_attempt_id=body.client_attempt_id, kind=FULL, graded=graded,
        pass_percent=quiz.pass_percent)
    result = attempt_public(quiz, stored.attempt, stored.answers)
    # Serialised here, once: returning the model would make FastAPI validate it a second time.
    response = Response(result.model_dump_json(), status_code=201 if stored.created else 200,
                        media_type="application/json")
    return set_sign_in_cookie(response, stored.new_token, settings)


@router.post("/quizzes/{slug}/questions/{question_id}/check", response_model=CheckPublic,
             summary="Check one answer",
             responses=errors(403, 404, 413, 422))
async def check_answer(slug: str, question_id: str, body: CheckCreate, request: Request,
                       guide: GuideDep):
    """Grade one answer for instant feedback; nothing is stored."""
    quiz = grading.get_quiz(guide, slug)
    question = quiz.question(question_id)
    if question is None:
        raise NotFound(f"Quiz {slug!r} has no such question.")
    graded = grading.grade_answer(question, body.answer)
    [review] = grading.review_answers(quiz, [graded])
    feedback = request.app.state.templates.get_template("quiz/_feedback.html")
    return CheckPublic(question_id=question.id, correct=graded.correct, score=graded.score,
                       max_score=graded.max_score,
                       feedback_html=feedback.render(review=review, matrix=guide.matrix))


def attempt_public(quiz: Quiz, attempt, answers) -> AttemptPublic:
    results = [QuestionResult(question_id=r.question.id, correct=r.correct, score=r.score,
                              max_score=r.max_score, your_answer=r.response,
                              correct_answer=r.question.correct_answer,
                              explanation=r.question.explanation,
                              section_url=r.question.section_url)
               for r in grading.review_answers(quiz, answers)]
    return AttemptPublic(attempt_id=attempt.id, kind=attempt.kind, score=attempt.score,
                         max_score=attempt.max_score, percent=attempt.percent,
                         passed=attempt.passed, results=results)


def _question_public(question: Question) -> QuestionPublic:
    is_matrix = question.type == "matrix"
    return QuestionPublic(
        id=question.id, type=question.type, prompt=question.prompt,
        choices=[ChoicePublic(id=c.id, text=c.text) for c in question.choices],
        rows=[RowPublic(id=r.id, label=r.label) for r in question.rows] if is_matrix else None,
        options=list(MATRIX_OPTIONS) if is_matrix else None)
