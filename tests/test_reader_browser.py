"""The reader in a real browser (Debian Chromium via Playwright), one server for the module."""

import pytest

from tests.support import ARTIFACTS

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def test_phone_reader_opens_home_reads_a_chapter_and_searches(phone, shared_server):
    phone.goto(shared_server + "/")
    assert phone.title() == "Azure Shared Responsibility Guide"
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "home-phone.png"), full_page=False)

    phone.get_by_role("link", name="How the shared responsibility model works").first.click()
    phone.wait_for_url("**/chapters/how-it-works")
    assert phone.locator("h1").inner_text().startswith("How")
    matrix = phone.locator("table.matrix")
    assert matrix.is_visible()
    # no horizontal scrolling on a phone: the matrix stacks into cards
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    phone.get_by_role("searchbox", name="Search the guide").fill("key vault")
    phone.get_by_role("searchbox", name="Search the guide").press("Enter")
    phone.wait_for_url("**/search?q=key+vault")
    first_result = phone.locator(".search-results .search-sections h3 a").first  # a chapter
    assert first_result.is_visible()
    first_result.click()
    phone.wait_for_load_state()
    assert "/chapters/" in phone.url and "#" in phone.url


def test_toc_link_jumps_to_its_section(page, shared_server):
    page.goto(shared_server + "/chapters/your-side")
    page.locator(".toc a[href='#patching']").click()
    assert page.url.endswith("#patching")
    top = page.evaluate("document.getElementById('patching').getBoundingClientRect().top")
    assert 0 <= top < 200


def test_pages_work_without_javascript(browser, shared_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(shared_server + "/search?q=patching")
    assert page.locator(".search-results li").count() > 0
    page.goto(shared_server + "/chapters/faq")
    assert page.locator(".chapter-body h3").count() >= 12
    context.close()


# Reflow at 320 px and axe-core on every page type: tests/test_learner_pages_browser.py


def test_desktop_screenshot_for_the_readme(page, shared_server):
    page.goto(shared_server + "/chapters/how-it-works#the-matrix")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chapter-desktop.png"))
    assert (ARTIFACTS / "chapter-desktop.png").stat().st_size > 10_000
