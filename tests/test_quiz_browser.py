"""Taking a real quiz in Chromium with the keyboard only: Check, submit, feedback, retry.

One server for the module: each test's browser is a learner of its own, and what a test reads
back from the database is that learner's.
"""

import pytest
from playwright.sync_api import expect

from app.guide import load_guide
from app.services import grading
from tests.a11y import assert_no_axe_violations
from tests.support import REAL_CONTENT

pytestmark = pytest.mark.browser
SLUG = "pros-and-cons"  # every question type, six questions
GUIDE = load_guide(REAL_CONTENT)
QUIZ = GUIDE.quiz(SLUG)
LETTER = {"microsoft": "m", "customer": "c", "shared": "s"}


def tab_to(page, test_js: str, limit: int = 150) -> None:
    """Press Tab until `test_js` (a function of the focused element) is true."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {test_js})(document.activeElement)"):
            return
    raise AssertionError(f"never reached an element where {test_js}")


def answer_with_keyboard(page, question, response) -> None:
    """Answer one question with Tab, arrows, Space and type-ahead, as a keyboard user does."""
    prefix = f"{question.id}--"
    if question.type == "matrix":
        for row_id, value in response.items():
            tab_to(page, f"el.id === '{prefix}{row_id}'")
            page.keyboard.press(LETTER[value])
    elif question.type == "multiple":
        for choice_id in response:
            tab_to(page, f"el.id === '{prefix}{choice_id}'")
            page.keyboard.press("Space")
    else:
        ids = [c.id for c in question.choices]
        tab_to(page, f"el.id.startsWith('{prefix}')")
        target = ids.index(response[0])
        if target == 0:
            page.keyboard.press("Space")
        for _ in range(target):
            page.keyboard.press("ArrowDown")  # moves and selects within the radio group
        assert page.is_checked(f"#{prefix}{response[0]}")


def wrong_answer(question):
    """A wrong response of the right shape."""
    if question.type == "matrix":
        rows = question.correct_answer
        first = next(iter(rows))
        return {**rows, first: "shared" if rows[first] != "shared" else "customer"}
    wrong = next(c.id for c in question.choices if not c.correct)
    return [wrong] if question.type != "multiple" else question.correct_answer + [wrong]


def test_take_quiz_with_keyboard_check_feedback_and_retry_missed(page, shared_server):
    page.goto(f"{shared_server}/chapters/{SLUG}/quiz")
    assert page.title() == f"{GUIDE.chapter(SLUG).title} quiz - Azure Shared Responsibility Guide"
    status = page.locator("#quiz-status[role=status]")
    assert status.count() == 1 and status.inner_text() == ""

    missed = {QUIZ.questions[1].id, QUIZ.questions[-1].id}
    responses = {q.id: wrong_answer(q) if q.id in missed else q.correct_answer
                 for q in QUIZ.questions}
    for question in QUIZ.questions:
        answer_with_keyboard(page, question, responses[question.id])

    # In-place feedback for the question just answered (the matrix, answered wrongly)
    last = QUIZ.questions[-1]
    page.keyboard.press("Tab")  # the question's Check button follows its last field
    assert page.evaluate("document.activeElement.classList.contains('quiz-check')")
    page.keyboard.press("Enter")
    expect(status).to_contain_text(f"Question {len(QUIZ.questions)}: not quite")
    feedback = page.locator(f"#q-{last.id}-feedback")
    assert "Partly right" in feedback.inner_text() or "Not quite" in feedback.inner_text()

    tab_to(page, "el.type === 'submit' && el.closest('form.quiz-form') !== null")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "/quiz/attempts/" in page.url
    score = page.locator(".quiz-score").inner_text()
    _, _, percent = grading.summarise(grading.grade_quiz(QUIZ, responses))
    assert ("Passed" if percent >= QUIZ.pass_percent else "Not passed yet") in score
    assert f"({percent:.0f}%)" in score
    for question in QUIZ.questions:
        verdict = page.locator(f"#review-{question.id} .quiz-verdict").inner_text()
        assert ("Correct" in verdict) == (question.id not in missed), (question.id, verdict)

    tab_to(page, "el.textContent.includes('Retry only what I missed')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    shown = page.eval_on_selector_all("fieldset.quiz-question", "els => els.map(e => e.id)")
    assert shown == [f"q-{q.id}" for q in QUIZ.questions if q.id in missed]


def test_api_docs_render_from_local_assets(page, shared_server):
    outside = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(shared_server) else None)

    page.goto(f"{shared_server}/docs")

    page.wait_for_selector(".opblock")
    assert page.locator(".opblock", has_text="/api/v1/quizzes/{slug}/attempts").count() == 1
    assert outside == []


# --- issue 9: a learner cannot see a key and then change that answer in a graded attempt

def answer_with_mouse(page, question, response) -> None:
    if question.type == "matrix":
        for row_id, value in response.items():
            page.select_option(f"#{question.id}--{row_id}", value)
    else:
        for choice_id in response:
            page.check(f"#{question.id}--{choice_id}")


def stored_response(database_url: str, page, question_id: str):
    """The graded answers to this question stored for the learner of this page's browser."""
    from sqlalchemy import create_engine
    from sqlmodel import Session, select

    from app.models import Answer, Attempt
    from app.services import sign_ins

    token = next(c["value"] for c in page.context.cookies() if c["name"] == "guide_session")
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            learner = sign_ins.find_user(session, token=token)
            return session.exec(select(Answer.response).join(Attempt)
                                .where(Attempt.learner_id == learner.id,
                                       Answer.question_id == question_id)).all()
    finally:
        engine.dispose()


def test_immediate_check_shows_the_key_and_the_answer_cannot_be_changed(page, shared_site):
    base_url, database_url = shared_site
    quiz = GUIDE.quiz("how-it-works")
    assert quiz.behaviour == "immediate"
    first = next(q for q in quiz.questions if q.type == "single")
    wrong = wrong_answer(first)
    page.goto(f"{base_url}{quiz.url}")
    answer_with_mouse(page, first, wrong)

    fieldset = page.locator(f"#q-{first.id}")
    fieldset.locator("button.quiz-check").click()

    feedback = page.locator(f"#q-{first.id}-feedback")
    expect(feedback).to_contain_text("Correct answer")  # the key is shown...
    expect(page.locator(f"#{first.id}--{wrong[0]}")).to_be_disabled()  # ...and the answer locked
    assert fieldset.locator("button.quiz-check").count() == 0
    expect(fieldset.locator(".quiz-locked-note")).to_be_visible()

    # Coming back resumes the attempt, still locked, with its feedback.
    page.reload()
    expect(page.locator(f"#{first.id}--{wrong[0]}")).to_be_checked()
    expect(page.locator(f"#{first.id}--{wrong[0]}")).to_be_disabled()
    expect(page.locator(f"#q-{first.id}-feedback")).to_contain_text("Correct answer")

    # Force the field open (as devtools could) and pick the key, answer the rest, submit.
    key = first.correct_answer[0]
    page.evaluate("""id => { for (const i of document.querySelectorAll(`#q-${id} input`)) {
        i.disabled = false; } }""", first.id)
    page.check(f"#{first.id}--{key}")
    for question in quiz.questions:
        if question.id != first.id:
            answer_with_mouse(page, question, question.correct_answer)
    with page.expect_navigation():
        page.locator("form.quiz-form .quiz-actions button[type=submit]").click()

    assert "/quiz/attempts/" in page.url
    expect(page.locator(f"#review-{first.id} .quiz-verdict")).to_contain_text("Not quite")
    assert stored_response(database_url, page, first.id) == [wrong]


def test_deferred_final_quiz_has_no_check_button(page, shared_server):
    quiz = GUIDE.quiz("faq")
    assert quiz.behaviour == "deferred"

    page.goto(f"{shared_server}{quiz.url}")

    expect(page.locator("fieldset.quiz-question").first).to_be_visible()
    assert page.locator("button.quiz-check, button[name=check]").count() == 0
    assert page.get_by_role("button", name="Check").count() == 0
    assert page.goto(f"{shared_server}{quiz.practice_url}").status == 404


def test_check_of_an_unanswered_question_says_so_visibly(page, shared_server):
    quiz = GUIDE.quiz("how-it-works")
    page.goto(f"{shared_server}{quiz.url}")
    first = quiz.questions[0]
    assert first.type == "matrix"
    page.select_option(f"#{first.id}--{first.rows[0].id}", "customer")  # one row of several

    page.locator(f"#q-{first.id} button.quiz-check").click()

    error = page.locator(f"#q-{first.id} .quiz-check-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Choose an answer for every row before checking")
    expect(page.locator("#quiz-status")).to_contain_text("choose an answer")
    assert page.locator(f"#q-{first.id} button.quiz-check").is_enabled()
    assert_no_axe_violations(page)


def test_practice_reveals_freely_and_stays_open(page, shared_site):
    base_url, database_url = shared_site
    quiz = GUIDE.quiz("how-it-works")
    question = next(q for q in quiz.questions if q.type == "single")
    page.goto(f"{base_url}{quiz.practice_url}")

    answer_with_mouse(page, question, wrong_answer(question))
    page.locator(f"#q-{question.id} button.quiz-check").click()
    expect(page.locator(f"#q-{question.id}-feedback")).to_contain_text("Correct answer")
    answer_with_mouse(page, question, question.correct_answer)  # still open in practice
    page.locator(f"#q-{question.id} button.quiz-check").click()
    expect(page.locator("#quiz-status")).to_contain_text("correct.")

    assert stored_response(database_url, page, question.id) == []  # no graded answer stored
    page.goto(f"{base_url}/progress")
    expect(page.locator(f"#practice-{quiz.slug} td").first).to_have_text("2")
