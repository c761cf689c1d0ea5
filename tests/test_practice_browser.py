"""Service practice in a real browser: the sorting exercise by keyboard only, and axe-core on
its result (the practice page types in every view: tests/test_learner_pages_browser.py)."""

import pytest

from app.guide import load_guide
from app.guide.practice import SORTING_SLUG
from tests.a11y import assert_no_axe_violations
from tests.support import REAL_CONTENT

pytestmark = pytest.mark.browser
FIRST_LETTER = {"customer": "c", "microsoft": "m", "shared": "s"}


@pytest.fixture(scope="module")
def practice():
    return load_guide(REAL_CONTENT).practice


def focused(page, script: str):
    return page.evaluate(f"(() => {{ const el = document.activeElement; return {script}; }})()")


def test_sorting_can_be_done_with_the_keyboard_only(page, live_server, practice):
    sorting = practice[SORTING_SLUG]
    page.goto(f"{live_server}/lab/sorting")
    first = sorting.questions[0].id
    for _ in range(80):  # Tab past the skip link, header (its theme select) and nav
        page.keyboard.press("Tab")
        if focused(page, "el.name") == first:
            break
    for question in sorting.questions:
        assert focused(page, "el.name") == question.id
        page.keyboard.type(FIRST_LETTER[question.correct_answer[0]])
        page.keyboard.press("Tab")
    assert focused(page, "el.type") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_url("**/lab/sorting/attempts/*")
    assert page.locator(".practice-results li.is-right").count() == len(sorting.questions)
    assert_no_axe_violations(page)

