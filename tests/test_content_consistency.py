"""Facts stated in more than one place (chapters, quizzes, the lab) say the same thing.

Each test reads the real content/ as a reader sees it (rendered chapters, quiz and lab
texts), so a fact cannot drift in one chapter while another keeps the old wording.
"""

import re

import pytest
import yaml
from bs4 import BeautifulSoup

from app.guide import load_guide
from app.guide.directives import count_phrase
from tests.support import REAL_CONTENT

MFA_WEIGHT = "was the highest-weighted control (10 points, as documented in February 2024)"
NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"


@pytest.fixture(scope="module")
def guide():
    return load_guide(REAL_CONTENT)


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


@pytest.fixture(scope="module")
def texts(guide) -> dict[str, str]:
    """Every text a reader can see, by where it comes from; one YAML string per line."""
    found = {c.slug: " ".join(BeautifulSoup(c.html, "html.parser").get_text(" ").split())
             for c in guide.chapters}
    for path in [*sorted((REAL_CONTENT / "quizzes").glob("*.yaml")), REAL_CONTENT / "lab.yaml"]:
        strings = _strings(yaml.safe_load(path.read_text(encoding="utf-8")))
        found[path.name] = "\n".join(" ".join(text.split()) for text in strings)
    return found


def _sentences(texts: dict[str, str], pattern: str):
    for where, text in texts.items():
        for sentence in re.split(r"\n|(?<=[.!?]) +(?=[A-Z0-9“\"])", text):
            if re.search(pattern, sentence, re.IGNORECASE):
                yield where, sentence


def test_disputed_cells_are_counted_and_listed_from_the_matrix(guide, texts):
    disputed = [(row.name, column) for row in guide.matrix.rows for column in row.disputed]
    mentions = list(_sentences(texts, r"disagree"))
    stated = [(where, s) for where, s in mentions if re.search(rf"\b{NUMBER} cells?\b", s)]

    assert {where for where, _ in stated} >= {"how-it-works", "pros-and-cons"}
    for where, sentence in stated:
        assert count_phrase(len(disputed), "cell") in sentence, (where, sentence)
        for name, column in disputed:
            short = guide.matrix.column(column).short
            assert re.search(rf"“{re.escape(name)}” in [^,“]*\b{short}\b", sentence), (
                where, name, short, sentence)


def test_no_chapter_types_the_disputed_count_by_hand():
    for path in (REAL_CONTENT / "chapters").glob("*.md"):
        text = " ".join(path.read_text(encoding="utf-8").split())
        typed = re.search(rf"disagree\w* on {NUMBER} (?:cells?|rows?)", text, re.IGNORECASE)
        assert typed is None, f"{path.name}: use [[disputed-count]] instead of {typed.group(0)!r}"


def test_mfa_secure_score_weight_is_dated_the_same_way_everywhere(texts):
    mentions = list(_sentences(texts, r"highest-weighted|most weight|\b(?:10|ten) points"))

    assert len(mentions) >= 3  # why-it-matters, your-side, faq
    for where, sentence in mentions:
        assert MFA_WEIGHT in sentence, (where, sentence)


def test_the_hypervisor_is_credited_to_microsofts_text_not_the_diagram(guide, texts):
    assert not any("hypervisor" in row.name.lower() for row in guide.matrix.rows)
    for where, sentence in _sentences(texts, r"hypervisor"):
        if re.search(r"diagram", sentence, re.IGNORECASE):
            assert re.search(r"\btext\b", sentence), (where, sentence)
    faq = texts["faq"]
    assert "its text adds the hypervisor" in faq
    assert "so is the hypervisor (Microsoft's text)" in texts["pros-and-cons"]
