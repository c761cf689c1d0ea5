"""The theme switch must win over the system's colour scheme in every stylesheet: each dark
block under `@media (prefers-color-scheme: dark)` yields to a manual "light" and has a twin
under `:root[data-theme="dark"]` with the same tokens (a stylesheet that only followed the
system once left the heatmap's light colours under the switch's dark text)."""

import re

import pytest

from tests.support import ROOT

STYLESHEETS = sorted((ROOT / "static" / "css").glob("*.css"))
DARK_MEDIA = re.compile(r"@media \(prefers-color-scheme: dark\) \{\s*([^{}]+)\{([^{}]*)\}\s*\}")
RULE = r"{}\s*\{{([^{{}}]*)\}}"


def declarations(block: str) -> dict[str, str]:
    pairs = (item.split(":", 1) for item in block.split(";") if item.strip())
    return {name.strip(): value.strip() for name, value in pairs}


def test_every_stylesheet_is_checked():
    assert {path.name for path in STYLESHEETS} >= {"guide.css", "instructor.css"}


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda path: path.name)
def test_dark_tokens_follow_the_theme_switch_too(path):
    css = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    dark_blocks = DARK_MEDIA.findall(css)
    assert len(dark_blocks) == css.count("prefers-color-scheme: dark"), (
        f"{path.name}: a dark media block this test cannot read (one rule per block)")
    for selector, block in dark_blocks:
        assert selector.strip() == ':root:not([data-theme="light"])', (
            f"{path.name}: a dark block for {selector.strip()!r} ignores the switch's light")
        twins = re.findall(RULE.format(re.escape(':root[data-theme="dark"]')), css)
        assert any(declarations(twin).items() >= declarations(block).items()
                   for twin in twins), (
            f"{path.name}: no :root[data-theme=\"dark\"] rule sets {sorted(declarations(block))}")
