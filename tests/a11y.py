"""axe-core in the browser tests, one way: every violation, whatever its impact. A page with
violations is also saved as a screenshot under test-artifacts/, to look at."""

import re
import time

from tests.support import ARTIFACTS


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page; return all its violations (minor and moderate included)."""
    from axe_playwright_python.sync_playwright import Axe

    response = Axe().run(page).response  # every rule; node details for violations only
    assert response["passes"], "axe checked nothing"
    if response["violations"]:
        _screenshot(page)
    return response["violations"]


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
