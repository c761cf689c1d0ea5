"""Chart text as a browser draws it: at least 12 px on a phone and on a desktop."""

import subprocess
import sys

import pytest

from tests.support import ARTIFACTS, REAL_CONTENT, ROOT

pytestmark = pytest.mark.browser

EMAIL = "charts@example.com"
PASSWORD = "a long enough password"

# Every piece of chart text: its font size in CSS px, times the SVG's scale (rendered width
# over viewBox width) for SVG text.
RENDERED_SIZES = """() => {
  const sizes = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const text of svg.querySelectorAll('text')) {
      sizes.push(['svg', text.textContent, parseFloat(getComputedStyle(text).fontSize) * scale]);
    }
  }
  for (const label of document.querySelectorAll('.bar-chart .bar-label, .bar-chart .bar-value')) {
    sizes.push(['html', label.textContent, parseFloat(getComputedStyle(label).fontSize)]);
  }
  return sizes;
}"""


def seed(database_url: str, tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "seed-demo", "--learners", "30", "--cohort", "Charts",
         "--instructor-email", EMAIL, "--password-stdin"],
        input=PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={"PATH": "/usr/bin:/bin", "GUIDE_DATABASE_URL": database_url,
             "GUIDE_CONTENT_DIR": str(REAL_CONTENT), "GUIDE_VAR_DIR": str(tmp_path / "cli-var"),
             "GUIDE_SECRET_KEY": "x"})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("width", [390, 1280])
def test_chart_text_is_readable_on_a_phone_and_a_desktop(browser, live_server, database_url,
                                                        tmp_path, width):
    seed(database_url, tmp_path)
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.goto(f"{live_server}/instructor")
    page.get_by_role("link", name="Charts").click()
    page.wait_for_url("**/instructor/cohorts/*")
    sizes = page.evaluate(RENDERED_SIZES)
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".chart-grid").screenshot(path=str(ARTIFACTS / f"charts-{width}.png"))
    assert {kind for kind, _, _ in sizes} == {"svg", "html"}
    small = [(text, round(size, 1)) for _, text, size in sizes if size < 12]
    assert not small, small
    wide = page.evaluate("""() => [...document.querySelectorAll('.chart-figure')]
        .filter(f => f.getBoundingClientRect().right > window.innerWidth)
        .map(f => f.id || f.querySelector('figcaption').textContent)""")
    assert wide == []
    page.context.close()
