"""The /services pages in Chromium: no axe violations of any impact, light and dark, phone
and desktop widths, and no sideways scrolling at 320 px. One server for the module."""

import pytest

from tests.a11y import axe_violations, describe_violations

pytestmark = pytest.mark.browser
PAGES = ("/services", "/services/app-service", "/services/key-vault/checklist",
         "/services/checklist?s=app-service&s=azure-sql",
         "/services/compare?s=app-service&s=functions&s=virtual-machines-linux-virtual-machines")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_service_pages_have_no_axe_violations_at_phone_and_desktop_widths(browser, shared_server,
                                                                          scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    problems = {}
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for path in PAGES:
            page.goto(f"{shared_server}{path}")
            if violations := axe_violations(page):
                problems[(scheme, width, path)] = describe_violations(violations)
    context.close()
    assert not problems, problems


def test_service_pages_do_not_scroll_sideways_at_320_px(browser, shared_server):
    context = browser.new_context(viewport={"width": 320, "height": 700})
    page = context.new_page()
    wide = {}
    for path in PAGES:
        page.goto(f"{shared_server}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide[path] = f"scrolls sideways: {width}px"
    context.close()
    assert not wide, wide
