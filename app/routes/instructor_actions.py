"""The instructor's destructive actions: remove a learner, rotate a join code, reset a quiz.

Each has a confirmation page (GET .../confirm-xxx) saying exactly what will happen, with the
one button that POSTs the action; it works without JavaScript, and the POST endpoints are the
same as before, so a confirmed form (or a script) posts where it always did.
"""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from app.services import cohorts, learner_report
from app.web.deps import CurrentInstructor, Db, GuideDep, PageDep
from app.web.forms import FormDep
from app.web.inputs import Id
from app.web.responses import see_other

router = APIRouter(include_in_schema=False)
COHORT = "/instructor/cohorts/{cohort_id}"
LEARNER = COHORT + "/learners/{learner_id}"


@router.get(LEARNER + "/confirm-remove", response_class=HTMLResponse)
async def confirm_remove_learner(cohort_id: Id, learner_id: Id, page: PageDep, db: Db,
                                 user: CurrentInstructor):
    cohort, learner = await db.read(_member, cohort_id=cohort_id, learner_id=learner_id,
                                    user=user)
    who = learner.display_name
    return page.render("instructor/confirm.html", {
        "cohort": cohort, "title": f"Remove {who} from {cohort.name}?",
        "effects": [f"{who} leaves {cohort.name} and no longer appears on its dashboard, "
                    "charts or exports.",
                    f"{who} keeps their own progress: chapters read, attempts and scores."],
        "undo": f"To undo, send {who} the join link again: when they rejoin, their progress "
                "shows again.",
        "action": LEARNER.format(cohort_id=cohort.id, learner_id=learner.id) + "/remove",
        "button": f"Remove {who}", "cancel": COHORT.format(cohort_id=cohort.id)},
        others_data=True)


def _member(session, *, cohort_id, learner_id, user):
    cohort = cohorts.get_cohort_for(session, cohort_id=cohort_id, user=user)
    return cohort, cohorts.get_member(session, cohort=cohort, learner_id=learner_id)


@router.post(LEARNER + "/remove")
async def remove_learner(cohort_id: Id, learner_id: Id, db: Db, user: CurrentInstructor):
    await db.write(cohorts.remove_member, cohort_id=cohort_id, learner_id=learner_id,
                   actor=user)
    return see_other(COHORT.format(cohort_id=cohort_id))


@router.get(COHORT + "/confirm-rotate-code", response_class=HTMLResponse)
async def confirm_rotate_join_code(cohort_id: Id, page: PageDep, db: Db,
                                   user: CurrentInstructor):
    cohort = await db.read(cohorts.get_cohort_for, cohort_id=cohort_id, user=user)
    return page.render("instructor/confirm.html", {
        "cohort": cohort, "title": f"Rotate the join code of {cohort.name}?",
        "effects": ["The current join link stops working at once: anyone who has it but has "
                    "not joined yet needs the new link.",
                    "Learners who already joined stay in the cohort."],
        "undo": "This cannot be undone: the old code is gone. Share the new link instead.",
        "action": COHORT.format(cohort_id=cohort.id) + "/rotate-code",
        "button": "Rotate the join code", "cancel": COHORT.format(cohort_id=cohort.id) + "#join"},
        others_data=True)


@router.post(COHORT + "/rotate-code")
async def rotate_join_code(cohort_id: Id, db: Db, user: CurrentInstructor):
    await db.write(cohorts.rotate_code, cohort_id=cohort_id, actor=user)
    return see_other(COHORT.format(cohort_id=cohort_id) + "#join")


@router.get(LEARNER + "/confirm-reset", response_class=HTMLResponse)
async def confirm_reset_quiz(cohort_id: Id, learner_id: Id, page: PageDep, db: Db,
                             guide: GuideDep, user: CurrentInstructor, quiz_slug: str = ""):
    cohort, learner, title, count = await db.read(
        _reset_plan, cohort_id=cohort_id, learner_id=learner_id, user=user, guide=guide,
        quiz_slug=quiz_slug)
    who, back = learner.display_name, LEARNER.format(cohort_id=cohort.id, learner_id=learner.id)
    attempts = f"{count} attempt{'' if count == 1 else 's'}"
    return page.render("instructor/confirm.html", {
        "cohort": cohort, "title": f"Reset {who}'s attempts at “{title}”?",
        "effects": [f"{attempts} by {who} at “{title}” stop counting: the quiz shows as not "
                    "taken, and they can start afresh.",
                    "The attempts stay in the history on the learner's page, marked as reset, "
                    "and the reset is written to the audit log."],
        "undo": "A reset cannot be undone from here.",
        "action": back + "/reset", "fields": {"quiz_slug": quiz_slug},
        "button": f"Reset {attempts}", "cancel": back}, others_data=True)


def _reset_plan(session, *, cohort_id, learner_id, user, guide, quiz_slug):
    cohort, learner = _member(session, cohort_id=cohort_id, learner_id=learner_id, user=user)
    title, count = learner_report.reset_plan(session, learner_id=learner.id,
                                             quiz_slug=quiz_slug, guide=guide)
    return cohort, learner, title, count


@router.post(LEARNER + "/reset")
async def reset_quiz(cohort_id: Id, learner_id: Id, db: Db, guide: GuideDep,
                     user: CurrentInstructor, form: FormDep):
    await db.write(learner_report.reset_quiz_attempts, cohort_id=cohort_id,
                   learner_id=learner_id, quiz_slug=form.text("quiz_slug"), actor=user,
                   guide=guide)
    return see_other(LEARNER.format(cohort_id=cohort_id, learner_id=learner_id) + "#audit")
