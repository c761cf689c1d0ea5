"""The /services pages in Chromium: no axe violations of any impact, light and dark, phone
and desktop widths, and no sideways scrolling at 320 px. One server start for all of it."""

import pytest

from tests.a11y import axe_violations, describe_violations

pytestmark = pytest.mark.browser
PAGES = ("/services", "/services/app-service", "/services/key-vault/checklist",
         "/services/checklist?s=app-service&s=azure-sql",
         "/services/compare?s=app-service&s=functions&s=virtual-machines-linux-virtual-machines")
VIEWS = [(scheme, width) for scheme in ("light", "dark") for width in (390, 1280)]


def test_service_pages_pass_axe_in_every_view_and_reflow_at_320_px(browser, live_server):
    problems = {}
    for scheme, width in VIEWS:
        context = browser.new_context(viewport={"width": width, "height": 900},
                                      color_scheme=scheme)
        page = context.new_page()
        page.emulate_media(color_scheme=scheme)
        for path in PAGES:
            page.goto(f"{live_server}{path}")
            violations = axe_violations(page)
            if violations:
                problems[(scheme, width, path)] = describe_violations(violations)
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
