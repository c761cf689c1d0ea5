"""The matrix lab in a real browser: keyboard only, axe-core on checked scenarios in both themes,
reflow, screenshots."""

import pytest

from app.guide import load_guide
from tests.a11y import assert_no_axe_violations
from tests.support import ARTIFACTS, REAL_CONTENT

pytestmark = pytest.mark.browser
PRESSES = {"customer": 1, "microsoft": 2, "shared": 3}  # from "Not set": Customer first
LABELS = {"customer": "Customer", "microsoft": "Microsoft", "shared": "Shared"}
WRONG_CELL = "physical-hosts:iaas"


@pytest.fixture(scope="module")
def lab():
    return load_guide(REAL_CONTENT).lab


def new_page(browser, *, width=1280, height=900, color_scheme="light"):
    context = browser.new_context(viewport={"width": width, "height": height},
                                  color_scheme=color_scheme)
    return context, context.new_page()


def focused(page, script: str):
    return page.evaluate(f"(() => {{ const el = document.activeElement; return {script}; }})()")


def fill_by_script(page, lab, *, wrong: str = WRONG_CELL) -> None:
    """Set every hidden select and submit (for pages only reached after an answer)."""
    values = {c.key: (c.expected if c.key != wrong else "customer") for c in lab.cells}
    page.evaluate("""values => {
        for (const [name, value] of Object.entries(values)) {
            document.querySelector(`select[name="${name}"]`).value = value;
        }
        document.querySelector("form.lab-exercise").requestSubmit();
    }""", values)
    page.wait_for_url("**/lab/exercise/attempts/*")


def test_exercise_can_be_completed_with_the_keyboard_only(browser, shared_server, lab):
    context, page = new_page(browser)
    page.goto(f"{shared_server}/lab/exercise")
    assert page.locator("button.lab-cycle").count() == 40
    assert page.locator("select.lab-select:visible").count() == 0
    for _ in range(60):  # Tab past the skip link, header and nav to the first cell
        page.keyboard.press("Tab")
        if focused(page, "el.classList.contains('lab-cycle')"):
            break
    for _ in range(40):
        key = focused(page, "el.closest('td').querySelector('select').name")
        cell = lab.cell(key)
        value = "customer" if key == WRONG_CELL else cell.expected
        for press in range(PRESSES[value]):
            page.keyboard.press("Enter" if press % 2 == 0 else "Space")
        expected_name = f"{cell.label}: {LABELS[value]}"
        assert focused(page, "el.getAttribute('aria-label')") == expected_name
        assert page.locator("#lab-status").inner_text() == expected_name
        page.keyboard.press("Tab")
    assert focused(page, "el.type") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_url("**/lab/exercise/attempts/*")
    assert page.locator(".lab-score-figure").inner_text().startswith("39/40")
    wrong = page.locator(".lab-outcome.is-wrong")
    assert wrong.count() == 1
    assert "Wrong" in wrong.inner_text() and "Physical hosts, IaaS" in wrong.inner_text()
    assert page.locator("form.lab-exercise button.lab-cycle").count() == 1  # the retry form
    context.close()


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_checked_scenarios_have_no_axe_violations(browser, shared_server, color_scheme):
    # The lab's page types in every view: tests/test_learner_pages_browser.py; this is the one
    # state a URL does not reach.
    context, page = new_page(browser, color_scheme=color_scheme)
    page.goto(f"{shared_server}/lab/scenarios")
    page.locator("form.lab-scenarios button[type=submit]").click()
    assert_no_axe_violations(page, "/lab/scenarios (checked)")
    context.close()


def test_lab_reflows_at_320_px_with_large_enough_targets(browser, shared_server, lab):
    context, page = new_page(browser, width=320, height=700)
    for path in ("/lab/exercise", "/lab?model=paas&compare=saas", "/lab/scenarios"):
        page.goto(f"{shared_server}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} scrolls sideways: {width}px"
    page.goto(f"{shared_server}/lab/exercise")
    small = page.evaluate("""() => [...document.querySelectorAll(
            'button.lab-cycle, .lab-choice, .lab-model-link, .lab-nav a')]
        .map(el => el.getBoundingClientRect())
        .filter(box => box.width < 24 || box.height < 24).length""")
    assert small == 0
    # a stacked row shows its column names as visible text, so no header is needed
    first = page.locator("button.lab-cycle").first
    assert first.inner_text().startswith("On-prem:")
    context.close()


@pytest.mark.parametrize("name, width, height", [("phone", 390, 844), ("desktop", 1280, 900)])
def test_lab_screenshots(browser, shared_server, lab, name, width, height):
    ARTIFACTS.mkdir(exist_ok=True)
    context, page = new_page(browser, width=width, height=height)
    page.goto(f"{shared_server}/lab?model=paas&compare=iaas")
    page.screenshot(path=ARTIFACTS / f"lab-explore-{name}.png")
    page.goto(f"{shared_server}/lab/exercise")
    buttons = page.locator("button.lab-cycle")
    for index in range(8):  # a grid in progress: some cells answered, the rest not yet
        buttons.nth(index).click()
    if name == "phone":  # show the stacked rows rather than the introduction
        page.evaluate("document.querySelector('.lab-grid tbody').scrollIntoView()")
    page.screenshot(path=ARTIFACTS / f"lab-exercise-{name}.png")
    fill_by_script(page, lab)
    page.screenshot(path=ARTIFACTS / f"lab-result-{name}.png")
    context.close()
    assert (ARTIFACTS / f"lab-exercise-{name}.png").stat().st_size > 0
