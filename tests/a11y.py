"""axe-core in the browser tests: every violation, whatever its impact."""


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page; return all its violations (minor and moderate included)."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe().run(page).response["violations"]
