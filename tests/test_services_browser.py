"""The /services pages in Chromium: no axe violations of any impact, light and dark, phone
and desktop widths, and no sideways scrolling at 320 px. One server for the whole module."""

import os
import subprocess
import sys

import pytest

from tests.conftest import (
    CHEAP_ARGON2,
    REAL_CONTENT,
    ROOT,
    TEST_SECRET,
    _wait_until_up,
    describe_violations,
    free_port,
)

pytestmark = pytest.mark.browser
PAGES = ("/services", "/services/app-service", "/services/key-vault/checklist",
         "/services/checklist?s=app-service&s=azure-sql",
         "/services/compare?s=app-service&s=functions&s=virtual-machines-linux-virtual-machines")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real app on real content, started once for this module's few page checks."""
    folder = tmp_path_factory.mktemp("services-browser")
    port = free_port()
    env = {**os.environ, "GUIDE_DATABASE_URL": f"sqlite:///{folder / 'guide.db'}",
           "GUIDE_CONTENT_DIR": str(REAL_CONTENT), "GUIDE_VAR_DIR": str(folder / "var"),
           "GUIDE_SECRET_KEY": TEST_SECRET, "GUIDE_BASE_URL": f"http://127.0.0.1:{port}",
           **{f"GUIDE_{name.upper()}": str(value) for name, value in CHEAP_ARGON2.items()}}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app",
         "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    _wait_until_up(base_url, process)
    yield base_url
    process.terminate()
    process.wait(timeout=10)


def all_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    return Axe().run(page).response["violations"]


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_service_pages_have_no_axe_violations(browser, server, scheme, width):
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  color_scheme=scheme)
    page = context.new_page()
    problems = {}
    for path in PAGES:
        page.goto(f"{server}{path}")
        page.emulate_media(color_scheme=scheme)
        violations = all_violations(page)
        if violations:
            problems[path] = describe_violations(violations)
    context.close()
    assert not problems, problems


def test_service_pages_do_not_scroll_sideways_at_320_px(browser, server):
    context = browser.new_context(viewport={"width": 320, "height": 700})
    page = context.new_page()
    widths = {}
    for path in PAGES:
        page.goto(f"{server}{path}")
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert all(width <= 320 for width in widths.values()), widths
