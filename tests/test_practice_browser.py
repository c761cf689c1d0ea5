"""Service practice in a real browser: the sorting exercise by keyboard only, axe-core."""

import pytest

from app.guide import load_guide
from app.guide.practice import FAMILY_PREFIX, SORTING_SLUG
from tests.support import REAL_CONTENT, axe_serious_violations, describe_violations

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
    assert not axe_serious_violations(page), describe_violations(axe_serious_violations(page))
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
    assert not axe_serious_violations(page), describe_violations(axe_serious_violations(page))


def test_practice_pages_have_no_serious_axe_violations(page, live_server, practice):
    family = next(q for q in practice.values() if q.slug.startswith(FAMILY_PREFIX))
    for path in ("/services/practice", family.url):
        page.goto(f"{live_server}{path}")
        violations = axe_serious_violations(page)
        assert not violations, f"{path}: {describe_violations(violations)}"
