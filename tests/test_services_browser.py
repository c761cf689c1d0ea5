"""The /services pages in Chromium: no axe violations of any impact in every view (phone and
desktop, light and dark, by the system and by the theme switch), and no sideways scrolling at
320 px. One server start for all of it."""

import pytest

from tests.a11y import VIEWS, assert_theme_applied, axe_violations, describe_violations, show_view

pytestmark = pytest.mark.browser
PAGES = ("/services", "/services/app-service", "/services/key-vault/checklist",
         "/services/checklist?s=app-service&s=azure-sql",
         "/services/compare?s=app-service&s=functions&s=virtual-machines-linux-virtual-machines")


@pytest.mark.long
def test_service_pages_pass_axe_in_every_view_and_reflow_at_320_px(browser, live_server):
    problems = {}
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server + PAGES[0])
    for width, scheme, theme in VIEWS:
        show_view(page, width, scheme, theme)
        for path in PAGES:
            page.goto(f"{live_server}{path}")
            assert_theme_applied(page, theme)
            if violations := axe_violations(page):
                problems[(width, scheme, theme, path)] = describe_violations(violations)
    context.close()

    context = browser.new_context(viewport={"width": 320, "height": 700})
    page = context.new_page()
    for path in PAGES:
        page.goto(f"{live_server}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            problems[("320 px", path)] = f"scrolls sideways: {width}px"
    context.close()
    assert not problems, problems
