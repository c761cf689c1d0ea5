"""axe-core in the browser tests, one way: every violation, whatever its impact."""


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page; return all its violations (minor and moderate included)."""
    from axe_playwright_python.sync_playwright import Axe

    response = Axe().run(page).response  # every rule; node details for violations only
    assert response["passes"], "axe checked nothing"
    return response["violations"]


def describe_violations(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in violations)


def assert_no_axe_violations(page, where: str = "") -> None:
    violations = axe_violations(page)
    assert not violations, f"{where or page.url}: {describe_violations(violations)}"
