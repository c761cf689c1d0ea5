"""The instructor flow in a real browser: create a cohort, a learner joins through the link
in a second browser and takes a quiz, the instructor sees the result. axe-clean pages."""

import subprocess
import sys

import pytest

from tests.a11y import assert_no_axe_violations
from tests.support import ROOT

pytestmark = pytest.mark.browser

INSTRUCTOR_EMAIL = "instructor@example.com"
PASSWORD = "a long enough password"
QUIZ = "why-it-matters"


def create_instructor(database_url: str, tmp_path) -> None:
    """The documented way: `guide create-instructor ... --password-stdin`."""
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "create-instructor", "--email", INSTRUCTOR_EMAIL,
         "--display-name", "Ms Instructor", "--password-stdin"],
        input=PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT, timeout=60,
        env={"PATH": "/usr/bin:/bin", "GUIDE_DATABASE_URL": database_url,
             "GUIDE_VAR_DIR": str(tmp_path / "cli-var"), "GUIDE_SECRET_KEY": "x"})
    assert result.returncode == 0, result.stderr
    assert "created instructor@example.com as instructor" in result.stdout


def take_quiz(page, base: str) -> None:
    """Answer every question (the first choice, or Microsoft for each matrix row) and submit."""
    page.goto(f"{base}/chapters/{QUIZ}/quiz")
    for question in page.locator("fieldset.quiz-question").all():
        selects = question.locator("select")
        if selects.count():
            for i in range(selects.count()):
                selects.nth(i).select_option("microsoft")
        else:
            question.locator("input").first.check()
    page.get_by_role("button", name="Submit my answers").click()
    page.wait_for_load_state()


def test_instructor_flow_with_a_learner_in_a_second_browser(browser, live_server, database_url,
                                                             tmp_path):
    create_instructor(database_url, tmp_path)
    teacher = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    teacher.goto(f"{live_server}/instructor")
    assert "/login" in teacher.url  # sent to sign in first, and back afterwards
    teacher.get_by_label("Email").fill(INSTRUCTOR_EMAIL)
    teacher.get_by_label("Password").fill(PASSWORD)
    teacher.get_by_role("button", name="Sign in").click()
    teacher.wait_for_url(f"{live_server}/instructor")
    # a state; the page types in every view: tests/test_instructor_layout_browser.py
    assert_no_axe_violations(teacher, "empty instructor index")
    teacher.get_by_label("Cohort name").fill("Browser cohort")
    teacher.get_by_role("button", name="Create cohort").click()
    teacher.wait_for_url("**/instructor/cohorts/*")
    join_url = teacher.locator("#join-url").input_value()
    assert "/join/" in join_url

    learner = browser.new_context(viewport={"width": 390, "height": 800}).new_page()
    learner.goto(join_url)
    learner.get_by_role("link", name="Create an account").click()
    learner.get_by_label("Email").fill("learner@example.com")
    learner.get_by_label("Display name").fill("Lena User")
    learner.get_by_label("Password").fill(PASSWORD)
    learner.get_by_role("button", name="Create account").click()
    learner.wait_for_url(join_url)
    learner.get_by_role("button", name="Join Browser cohort").click()
    assert "You are a member" in learner.get_by_role("status").inner_text()
    take_quiz(learner, live_server)

    teacher.reload()
    row = teacher.locator("table.heatmap tbody tr", has_text="Lena User")
    cell = row.locator(f'td[data-chapter="{QUIZ}"]')
    assert "best score" in cell.inner_text()
    row.get_by_role("link", name="Lena User").click()
    teacher.wait_for_url("**/learners/*")
    assert teacher.locator("table.answers tbody tr").count() > 0
    teacher.goto(f"{live_server}/instructor")
    assert teacher.locator("table.cohort-list tbody tr td").first.inner_text() == "1"
    teacher.context.close()
    learner.context.close()
