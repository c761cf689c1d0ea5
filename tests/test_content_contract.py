"""Contract over the real content/: Microsoft's matrix cell by cell, chapters, facts hygiene."""

import re

import pytest
from bs4 import BeautifulSoup

from app.guide import load_guide
from tests.support import REAL_CONTENT

# Microsoft's responsibility diagram ("Shared responsibility in the cloud", Microsoft Learn),
# transcribed independently of content/matrix.yaml: row label -> (On-prem, IaaS, PaaS, SaaS).
C, M, S = "customer", "microsoft", "shared"
MICROSOFT_DIAGRAM = [
    ("Information and data", (C, C, C, C)),
    ("Devices (Mobile and PCs)", (C, C, C, C)),
    ("Accounts and identities", (C, C, C, C)),
    ("Identity and directory infrastructure", (C, C, S, S)),
    ("Applications", (C, C, S, M)),
    ("Network controls", (C, C, S, M)),
    ("Operating system", (C, C, M, M)),
    ("Physical hosts", (C, M, M, M)),
    ("Physical network", (C, M, M, M)),
    ("Physical datacenter", (C, M, M, M)),
]
REQUIRED_CHAPTERS = ["why-it-matters", "how-it-works", "your-side", "compliance", "faq",
                     "pros-and-cons", "checklist"]


@pytest.fixture(scope="module")
def guide():
    return load_guide(REAL_CONTENT)


def test_matrix_equals_microsofts_diagram_cell_by_cell(guide):
    columns = [c.id for c in guide.matrix.columns]
    assert columns == ["on_prem", "iaas", "paas", "saas"]
    actual = [(row.name, tuple(row.cells[c] for c in columns)) for row in guide.matrix.rows]
    assert actual == MICROSOFT_DIAGRAM


def test_matrix_bands_match_the_diagram(guide):
    bands = [row.band for row in guide.matrix.rows]
    assert bands == ["always_customer"] * 3 + ["varies_by_type"] * 4 + [
        "transfers_to_provider"] * 3


def test_required_chapters_exist_in_order(guide):
    assert [c.slug for c in guide.chapters] == REQUIRED_CHAPTERS


@pytest.mark.parametrize("slug", REQUIRED_CHAPTERS)
def test_chapter_is_substantial_and_sourced(guide, slug):
    chapter = guide.chapter(slug)
    words = len(BeautifulSoup(chapter.html, "html.parser").get_text().split())
    assert words >= 600, f"{slug} has {words} words"
    assert chapter.sources, f"{slug} lists no sources"
    assert all(s.url.startswith("https://") for s in chapter.sources)


def test_faq_answers_at_least_twelve_questions_including_the_originals(guide):
    faq = guide.chapter("faq")
    questions = [h.title for h in faq.headings if h.level == 3]
    assert len(questions) >= 12
    text = " ".join(questions).lower()
    for topic in ("all security", "misconfigure", "large enterprises", "hipaa"):
        assert topic in text, f"FAQ lacks the question about {topic!r}"


def test_how_it_works_embeds_the_matrix(guide):
    assert "[[matrix]]" not in guide.chapter("how-it-works").html


def test_content_never_repeats_the_source_articles_brand_error():
    for path in REAL_CONTENT.rglob("*"):
        if path.is_file():
            assert not re.search(r"AWS\s+Azure", path.read_text(), re.IGNORECASE), path


def test_every_real_chapter_renders_with_nav_toc_and_pager(real_client):
    for slug in REQUIRED_CHAPTERS:
        response = real_client.get(f"/chapters/{slug}")
        assert response.status_code == 200, slug
        page = BeautifulSoup(response.text, "html.parser")
        assert page.select_one(".chapter-nav [aria-current=page]")["href"] == f"/chapters/{slug}"
        assert page.select(".toc a"), slug
        assert page.select("nav.pager a"), slug
