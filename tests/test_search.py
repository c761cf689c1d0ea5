"""Search: stemming, compounds, counts and grouping, snippets, escaping, hostile queries."""

import re

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from app.guide import load_guide
from app.guide.search import MAX_PER_CHAPTER
from app.main import create_app
from tests.support import FIXTURE_CONTENT, REAL_CONTENT, make_settings

HOSTILE = ['"', '"unbalanced', 'say "', "*", "patch*", "NEAR(a b)", "a NEAR b", "-patching",
           "heading:patching", "col : x", "(", "())", "AND", "OR NOT", "^patching", "{a b}",
           "a\x00b", "\x00", "\ud800", "patching\udfff", "x" * 10_000, "é" * 300, "''", "\\",
           "%", "_", "patching; DROP TABLE sections", "multi--factor", "-", "- - -"]


@pytest.fixture(scope="module")
def real_guide():
    return load_guide(REAL_CONTENT)


def urls(results) -> list[str]:
    return sorted(hit.section.url for group in results.groups for hit in group.hits)


def marked(fragments) -> str:
    return "".join(f"[{f.text}]" if f.match else f.text for f in fragments)


def add_section(content, chapter: str, text: str) -> None:
    with (content / "chapters" / chapter).open("a") as file:
        file.write(f"\n{text}\n")


def test_search_stems_every_form_of_a_word_to_the_same_sections():
    guide = load_guide(FIXTURE_CONTENT)

    found = {q: urls(guide.search(q)) for q in ("patch", "patches", "patching", "patched")}

    assert found["patch"] == ["/chapters/alpha#first"]
    assert set(map(tuple, found.values())) == {("/chapters/alpha#first",)}


def test_hyphenated_split_and_joined_compounds_find_the_same_sections(content):
    add_section(content, "02-beta.md", "## Hyphen {#hyphen}\n\nRequire multi-factor sign-in.")
    add_section(content, "03-gamma.md", "## Joined {#joined}\n\nRequire multifactor signin.")
    guide = load_guide(content)

    found = {q: urls(guide.search(q)) for q in ("multi-factor", "multifactor", "multi factor",
                                                   "Multi-Factor", "multi‑factor")}

    assert found["multifactor"] == ["/chapters/beta#hyphen", "/chapters/gamma#joined"]
    assert set(map(tuple, found.values())) == {tuple(found["multifactor"])}


def test_real_content_stems_patch_forms_to_the_same_sections(real_guide):
    found = {q: urls(real_guide.search(q)) for q in ("patch", "patches", "patching")}

    assert real_guide.search("patches").total >= 13  # the old word scan: 6, and 13 for "patching"
    assert found["patch"] == found["patches"] == found["patching"]


def test_real_content_finds_multifactor_however_it_is_written(real_guide):
    found = {q: real_guide.search(q) for q in ("multi-factor", "multifactor", "multi factor")}

    assert found["multifactor"].total >= 6  # "multi-factor" found nothing before FTS5
    assert {r.total for r in found.values()} == {found["multifactor"].total}
    assert len({tuple(urls(r)) for r in found.values()}) == 1


def test_counts_are_true_beyond_what_is_shown(content):
    many = "\n\n".join(f"## Zebra {n} {{#zebra-{n}}}\n\nA zebra crossing, number {n}."
                       for n in range(MAX_PER_CHAPTER + 3))
    add_section(content, "03-gamma.md", many)
    add_section(content, "01-alpha.md", "## Stripes {#stripes}\n\nOne zebra here too.")

    results = load_guide(content).search("zebras")

    assert results.total == MAX_PER_CHAPTER + 4
    assert results.summary == f"{MAX_PER_CHAPTER + 4} sections in 2 chapters"
    gamma, alpha = results.groups  # the chapter with the best section comes first
    assert (gamma.chapter.slug, gamma.total, len(gamma.hits)) == (
        "gamma", MAX_PER_CHAPTER + 3, MAX_PER_CHAPTER)
    assert (alpha.chapter.slug, alpha.total, len(alpha.hits)) == ("alpha", 1, 1)
    assert results.shown == MAX_PER_CHAPTER + 1


def test_every_chapter_appears_once_with_its_sections_below(real_guide):
    results = real_guide.search("patching")

    slugs = [group.chapter.slug for group in results.groups]
    assert len(slugs) == len(set(slugs))
    for group in results.groups:
        assert all(hit.section.chapter is group.chapter for hit in group.hits)
    assert results.summary == f"{results.total} sections in {len(slugs)} chapters"


def test_heading_matches_rank_above_body_matches(content):
    add_section(content, "01-alpha.md", "## Backups {#backup-heading}\n\nKeep copies.")
    results = load_guide(content).search("backups")

    assert results.hits[0].section.url == "/chapters/alpha#backup-heading"
    assert marked(results.hits[0].heading) == "[Backups]"
    assert results.total == 2


def test_snippets_cut_at_word_boundaries_and_mark_every_form(content):
    words = " ".join(f"filler{n}" for n in range(80))
    add_section(content, "02-beta.md",
                f"## Long {{#long}}\n\n{words} Patches were patched here. {words}")
    hits = load_guide(content).search("patching").hits
    [hit] = [h for h in hits if h.section.url == "/chapters/beta#long"]

    text = marked(hit.snippet)
    assert "[Patches] were [patched] here." in text
    assert text.startswith("… filler") and text.endswith(" …")
    body_words = set(hit.section.text.split())
    for word in re.sub(r"[\[\]…]", " ", text).split():
        assert word in body_words, f"{word!r} is cut"


def test_snippets_show_table_rows_as_cells(content):
    table = ("## Duties {#duties}\n\n| Layer | Who |\n|---|---|\n"
             "| Guest OS patching | You |\n| Physical hosts | Microsoft |")
    add_section(content, "03-gamma.md", table)
    [hit] = load_guide(content).search("hosts").hits

    assert marked(hit.snippet) == "… Physical [hosts] · Microsoft"
    assert "|" not in hit.section.text and "---" not in hit.section.text
    assert "Layer · Who\nGuest OS patching · You\nPhysical hosts · Microsoft" in hit.section.text


def test_section_text_drops_permalink_marks(real_guide):
    for section in real_guide.sections:
        assert not section.heading.endswith("#"), section.heading


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise_and_reach_fts5_as_quoted_words(real_guide, query):
    expression = real_guide.search_index.match_expression(query)

    real_guide.search(query)  # must not raise
    syntax = re.sub(r'"[^"]*"', "", expression)
    assert re.fullmatch(r"[\sANDOR()]*", syntax), expression


def test_fts5_operators_in_a_query_are_searched_as_plain_words(real_guide):
    assert real_guide.search_index.match_expression('"NEAR(patch* -x)') == (
        '"near" AND "patch" AND "x"')
    assert urls(real_guide.search("-patching")) == urls(real_guide.search("patching"))
    assert urls(real_guide.search("patching*")) == urls(real_guide.search("patching"))


def test_search_page_escapes_content_and_query(tmp_path, database_url, content):
    add_section(content, "03-gamma.md",
                "## Markup {#markup}\n\nNever paste `<script>alert(1)</script>` anywhere.")
    app = create_app(make_settings(tmp_path, database_url, content))
    with TestClient(app) as client:
        response = client.get("/search", params={"q": "alert"})
        hostile = client.get("/search", params={"q": "<img src=x onerror=alert(1)>"})
    app.state.database.dispose()

    assert response.status_code == hostile.status_code == 200, response.text
    assert "<script>" not in response.text and "<img" not in hostile.text
    snippet = BeautifulSoup(response.text, "html.parser").select_one(".search-sections .snippet")
    assert snippet.get_text() == "Never paste <script>alert(1)</script> anywhere."
    assert [m.get_text() for m in snippet.select("mark")] == ["alert"]


def test_search_finds_services_by_name_first_with_a_true_count(real_client):
    page = BeautifulSoup(real_client.get("/search", params={"q": "key vault"}).text,
                         "html.parser")
    services = page.select_one("section.search-services")
    links = [a["href"] for a in services.select("h3 a")]
    assert set(links[:2]) == {"/services/key-vault-managed-hsm", "/services/key-vault"}
    assert "October 2023" in services.get_text()


def test_search_finds_services_by_a_feature_they_support(real_app):
    results = real_app.state.guide.search("private link")
    assert results.services_total >= 10
    assert results.services[0].service.name == "Azure Private Link"
    assert all(any(f.feature and "private link" in f.feature.lower() and f.supported
                   for f in hit.service.features) or "private link" in hit.service.name.lower()
               for hit in results.services)
