"""axe-core in the browser tests, one way: every violation, whatever its impact. A page with
violations is also saved as a screenshot under test-artifacts/, to look at."""

import functools
import re
import time

from tests.support import ARTIFACTS


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page; return all its violations (minor and moderate included).

    axe-playwright-python supplies the axe-core it bundles; the run is ours because its `run`
    carries axe's whole report back (every rule's metadata, passed and inapplicable ones
    too): about a sixth of each check's time, for a count we only need as "some rule ran"."""
    page.evaluate(_axe_source())
    result = page.evaluate(RUN_AXE)
    assert result["passes"], "axe checked nothing"
    if result["violations"]:
        _screenshot(page)
    return result["violations"]


RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return {violations: results.violations, passes: results.passes.length};
}"""


@functools.cache
def _axe_source() -> str:
    from axe_playwright_python.sync_playwright import Axe

    return Axe().axe_script


# Every view a page is checked in: phone and desktop widths, light and dark, each theme once by
# the system's choice and once by the manual switch's (js/theme.js: data-theme on <html>, which
# must win over the system's choice). (width, system scheme, remembered switch choice or None)
VIEWS = [(1280, "light", None), (390, "dark", None), (1280, "light", "dark"),
         (390, "dark", "light")]
REMEMBER_THEME = "t => t ? localStorage.setItem('theme', t) : localStorage.removeItem('theme')"


def show_view(page, width: int, scheme: str, theme: str | None) -> None:
    """Put the page's browser in this view: viewport, system scheme and the switch's choice
    (kept in localStorage for the page's origin: the next page load applies it before paint).
    The page must be on the site already."""
    page.set_viewport_size({"width": width, "height": 800})
    page.emulate_media(color_scheme=scheme)
    page.evaluate(REMEMBER_THEME, theme)


def assert_theme_applied(page, theme: str | None) -> None:
    assert page.evaluate("document.documentElement.dataset.theme || null") == theme, page.url


def describe_violations(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in violations)


def assert_no_axe_violations(page, where: str = "") -> None:
    violations = axe_violations(page)
    assert not violations, f"{where or page.url}: {describe_violations(violations)}"


def _screenshot(page) -> None:
    path = page.url.split("//", 1)[-1].partition("/")[2]
    name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")[:80] or "home"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"axe-{name}-{page.viewport_size['width']}px-"
                    f"{time.time_ns()}.png", full_page=True)
