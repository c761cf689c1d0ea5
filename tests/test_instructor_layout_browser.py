"""Instructor pages in a real browser, on a seeded cohort of 60 learners: no sideways page
scroll from 320 px up, axe-clean (every impact) in both themes, the heatmap's density and
sticky learner column, and a keyboard-only path from creating a cohort to a confirmed reset."""

import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.a11y import VIEWS, assert_theme_applied, axe_violations, describe_violations, show_view
from tests.support import REAL_CONTENT, ROOT, database_of_its_own, serving

pytestmark = pytest.mark.browser

EMAIL = "layout@example.com"
PASSWORD = "a long enough password"
COHORT = "Layout cohort"


def seed(database_url: str, tmp_path, learners: int = 60) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "seed-demo", "--learners", str(learners),
         "--cohort", COHORT, "--instructor-email", EMAIL, "--password-stdin"],
        input=PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={"PATH": "/usr/bin:/bin", "GUIDE_DATABASE_URL": database_url,
             "GUIDE_CONTENT_DIR": str(REAL_CONTENT), "GUIDE_VAR_DIR": str(tmp_path / "cli-var"),
             "GUIDE_SECRET_KEY": "x"})
    assert result.returncode == 0, result.stderr


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def instructor_urls(page, base: str) -> dict[str, str]:
    """One URL of every instructor page type, found by following the pages' own links."""
    page.goto(f"{base}/instructor")
    cohort = base + page.get_by_role("link", name=COHORT).get_attribute("href")
    page.goto(cohort)
    learner = base + page.locator("table.heatmap tbody th a").first.get_attribute("href")
    page.goto(f"{base}/instructor/tokens")
    page.get_by_label("What will use it?").fill("LMS sync")
    page.get_by_role("button", name="Create token").click()
    page.wait_for_url("**/instructor/tokens*")
    revoke = base + page.locator("a[href$='/confirm-revoke']").first.get_attribute("href")
    return {
        "index": f"{base}/instructor", "cohort": cohort, "learner": learner,
        "item-list": f"{cohort}/items", "items": f"{cohort}/quizzes/why-it-matters/items",
        "tokens": f"{base}/instructor/tokens", "confirm-remove": f"{learner}/confirm-remove",
        "confirm-rotate": f"{cohort}/confirm-rotate-code",
        "confirm-reset": f"{learner}/confirm-reset?quiz_slug=why-it-matters",
        "confirm-revoke": revoke,
    }


@pytest.fixture(scope="module")
def seeded_server(browser, tmp_path_factory, migrated_template):
    """A server with a cohort of 60 learners, the instructor's signed-in browser state and
    every instructor page's URL; seeded once for the tests that only read it."""
    tmp = tmp_path_factory.mktemp("instructor-layout")
    with database_of_its_own(tmp, migrated_template) as database_url, \
            serving(database_url, tmp / "var") as base_url:
        seed(database_url, tmp)
        context = browser.new_context()
        page = context.new_page()
        sign_in(page, base_url)
        urls = instructor_urls(page, base_url)
        state = context.storage_state()
        context.close()
        yield state, urls


@pytest.fixture
def seeded(browser, seeded_server):
    """(a signed-in page of its own, every instructor page's URL) on the seeded cohort."""
    state, urls = seeded_server
    context = browser.new_context(viewport={"width": 1280, "height": 800}, storage_state=state)
    yield context.new_page(), urls
    context.close()


PAGE_OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


def test_no_instructor_page_scrolls_sideways_from_320px_up(seeded):
    page, urls = seeded
    wide = []
    for width in (320, 390, 1280, 1920):
        page.set_viewport_size({"width": width, "height": 800})
        for name, url in urls.items():
            page.goto(url)
            if (overflow := page.evaluate(PAGE_OVERFLOW)) > 0:
                wide.append((width, name, overflow))
    assert wide == []


@pytest.mark.long
def test_instructor_pages_have_no_axe_violations_in_every_view(seeded):
    page, urls = seeded
    page.goto(urls["index"])
    found = []
    for width, scheme, theme in VIEWS:
        show_view(page, width, scheme, theme)
        for name, url in urls.items():
            page.goto(url)
            assert_theme_applied(page, theme)
            if violations := axe_violations(page):
                found.append(f"{name} {width}px {scheme} {theme}: "
                             f"{describe_violations(violations)}")
    assert not found, "\n".join(found)


ROWS_IN_VIEW = """() => {
  const table = document.querySelector('table.heatmap');
  window.scrollTo(0, table.getBoundingClientRect().top + window.scrollY);
  return [...table.querySelectorAll('tbody tr')].filter(row => {
    const box = row.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
  }).length;
}"""


def test_heatmap_is_dense_and_keeps_the_learner_column_in_view(seeded):
    page, urls = seeded
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(urls["cohort"])
    rows = page.evaluate(ROWS_IN_VIEW)
    print(f"heatmap rows in one 1280x800 screen: {rows}")
    assert rows >= 50
    lines = page.evaluate("""() => [...document.querySelectorAll('table.heatmap tbody tr')]
        .map(row => row.getBoundingClientRect().height)""")
    assert max(lines) < 30  # one line per learner, never three wrapped lines
    assert page.locator("#heatmap-legend").is_visible()
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(urls["cohort"])
    region = page.locator(".table-scroll:has(table.heatmap)")
    region.evaluate("box => { box.scrollLeft = 400; }")
    name = page.locator("table.heatmap tbody th.heatmap-learner").first
    assert abs(name.bounding_box()["x"] - region.bounding_box()["x"]) < 2  # sticky
    assert region.evaluate("box => box.scrollLeft") > 0


def tab_to(page, selector: str, limit: int = 250) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_only_create_a_cohort_open_a_learner_and_reset_a_quiz(browser, live_server,
                                                                       database_url, tmp_path):
    seed(database_url, tmp_path, learners=5)
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_in(page, live_server)
    page.goto(f"{live_server}/instructor")
    tab_to(page, "#cohort-name")
    page.keyboard.type("Keyboard cohort")
    page.keyboard.press("Enter")
    page.wait_for_url("**/instructor/cohorts/*")
    assert page.locator("h1").inner_text() == "Keyboard cohort"
    tab_to(page, "a[href='/instructor']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/instructor")
    href = page.get_by_role("link", name=COHORT).get_attribute("href")  # read, not clicked
    tab_to(page, f"a[href='{href}']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/instructor/cohorts/*")
    tab_to(page, "table.heatmap tbody th a")
    learner = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    page.wait_for_url("**/learners/*")
    assert page.locator("h1").inner_text() == learner
    tab_to(page, "#reset-quiz")
    tab_to(page, "form[action$='/confirm-reset'] button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/confirm-reset?*")
    assert page.locator("h1").inner_text().startswith(f"Reset {learner}")
    tab_to(page, "button.button-danger")
    page.keyboard.press("Enter")
    page.wait_for_url("**/learners/*#audit")
    assert "quiz.reset" in page.locator("#audit").inner_text()
    page.context.close()


def test_item_flags_and_learner_tables_fit_without_sideways_scrolling(seeded):
    page, urls = seeded
    page.goto(urls["items"])
    region = page.locator(".table-scroll:has(table.report-items)")
    assert region.evaluate("box => box.scrollWidth - box.clientWidth") <= 0  # flags in view
    assert page.locator("table.report-items td.num").first.evaluate(
        "td => getComputedStyle(td).textAlign") == "right"
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(urls["learner"])
    clipped = page.evaluate("""() => [...document.querySelectorAll(
        'table.answers, table.quiz-summary, table.lab-attempt-grid')]
        .filter(t => t.getBoundingClientRect().right
                     > t.parentElement.getBoundingClientRect().right + 1)
        .map(t => t.className)""")
    assert clipped == []


def test_copy_buttons_copy_the_join_link_and_the_new_token(browser, live_server, database_url,
                                                          tmp_path):
    seed(database_url, tmp_path, learners=1)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    sign_in(page, live_server)
    page.goto(f"{live_server}/instructor")
    page.get_by_role("link", name=COHORT).click()
    page.wait_for_url("**/instructor/cohorts/*")
    page.locator("#join").get_by_role("button", name="Copy").click()
    # the copy is asynchronous: wait for its status message
    expect(page.locator("#join [data-copy-status]")).to_contain_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#join-url").input_value()
    page.goto(f"{live_server}/instructor/tokens")
    page.get_by_label("What will use it?").fill("LMS sync")
    page.get_by_role("button", name="Create token").click()
    page.get_by_role("button", name="Copy").click()
    page.wait_for_function("async () => (await navigator.clipboard.readText()).startsWith('gt_')")
    page.reload()  # a refresh shows the secret no more, and creates nothing
    assert page.locator("#token-secret").count() == 0
    assert page.locator("table.tokens tbody tr").count() == 1
    context.close()
