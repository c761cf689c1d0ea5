"""Practice generated from the service baselines: a quiz per service family (taken with the
chapter quizzes' form and result pages) and the lab's sorting exercise (no JavaScript needed)."""

import uuid

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from app.errors import NotFound
from app.guide import Guide, Quiz
from app.guide.baseline_vocabulary import ATTRIBUTION
from app.guide.practice import FAMILY_PREFIX, SORTING_SLUG
from app.routes.quizzes import grade_and_store, render_attempt, render_quiz
from app.services import sorting
from app.web.cookies import set_sign_in_cookie
from app.web.deps import Db, GuideDep, PageDep, SettingsDep, SignInToken
from app.web.forms import FormDep
from app.web.inputs import Id, PathText
from app.web.responses import see_other

router = APIRouter(include_in_schema=False)


@router.get("/services/practice", response_class=HTMLResponse)
async def list_practice(page: PageDep, guide: GuideDep):
    families = [q for q in guide.practice.values() if q.slug.startswith(FAMILY_PREFIX)]
    return page.render("practice/index.html", {
        "families": families, "sorting": guide.practice.get(SORTING_SLUG),
        "attribution": ATTRIBUTION})


@router.get("/services/practice/{family}", response_class=HTMLResponse)
async def show_family_quiz(family: PathText, page: PageDep, guide: GuideDep, db: Db,
                           retry: int | None = None):
    return await render_quiz(page, db, _family(guide, family), retry=retry)


@router.post("/services/practice/{family}", response_class=HTMLResponse)
async def submit_family_quiz(family: PathText, page: PageDep, guide: GuideDep, db: Db,
                             form: FormDep, settings: SettingsDep, token: SignInToken):
    return await grade_and_store(page, db, form, settings, token, _family(guide, family))


@router.get("/services/practice/{family}/attempts/{attempt_id}", response_class=HTMLResponse)
async def show_family_attempt(family: PathText, attempt_id: Id, page: PageDep, guide: GuideDep,
                              db: Db):
    return await render_attempt(page, db, _family(guide, family), attempt_id)


@router.get("/lab/sorting", response_class=HTMLResponse)
async def show_sorting(page: PageDep, guide: GuideDep):
    return _render_sorting(page, _sorting(guide), values={}, missing=(),
                           client_attempt_id=uuid.uuid4().hex)


@router.post("/lab/sorting", response_class=HTMLResponse)
async def submit_sorting(page: PageDep, guide: GuideDep, db: Db, form: FormDep,
                         settings: SettingsDep, token: SignInToken):
    quiz = _sorting(guide)
    submission = sorting.parse_sorting(quiz, form.single_values())
    if submission.missing:
        return _render_sorting(page, quiz, values=submission.answers,
                               missing=submission.missing,
                               client_attempt_id=submission.client_attempt_id, status_code=422)
    stored = await db.write(sorting.submit_sorting, quiz=quiz, token=token,
                            days=settings.session_days, submission=submission)
    response = see_other(f"/lab/sorting/attempts/{stored.attempt.id}")
    return set_sign_in_cookie(response, stored.new_token, settings)


@router.get("/lab/sorting/attempts/{attempt_id}", response_class=HTMLResponse)
async def show_sorting_result(attempt_id: Id, page: PageDep, guide: GuideDep, db: Db):
    quiz = _sorting(guide)
    result = await db.read(sorting.review_sorting, quiz=quiz, learner=page.viewer,
                           attempt_id=attempt_id)
    return page.render("lab/sorting_result.html", {"quiz": quiz, "result": result,
                                                   "attribution": ATTRIBUTION})


def _render_sorting(page, quiz: Quiz, *, values, missing, client_attempt_id, status_code=200):
    return page.render("lab/sorting.html", {
        "quiz": quiz, "values": values, "missing": [quiz.question(m) for m in missing],
        "client_attempt_id": client_attempt_id, "attribution": ATTRIBUTION},
        status_code=status_code)


def _family(guide: Guide, family: str) -> Quiz:
    quiz = guide.practice.get(FAMILY_PREFIX + family)
    if quiz is None:
        raise NotFound(f"There is no practice quiz for the service family {family[:60]!r}.")
    return quiz


def _sorting(guide: Guide) -> Quiz:
    quiz = guide.practice.get(SORTING_SLUG)
    if quiz is None:
        raise NotFound("This guide has no service baselines to sort.")
    return quiz
