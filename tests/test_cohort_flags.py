"""Flags on the cohort page: whole-cohort counts that link to the filter, sorting by flag,
and a page whose query count does not grow with the number of learners."""

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import event

from tests.cohort_helpers import add_member, make_account, make_cohort, quiz_attempts


@pytest.fixture
def cohort(app, teacher):
    return make_cohort(app, owner=teacher, name="Flags")


def member(app, cohort, name, **kwargs):
    learner = make_account(app, email=f"{name.lower()}@example.com", display_name=name, **kwargs)
    add_member(app, cohort, learner)
    return learner


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


@pytest.fixture
def flagged(app, cohort, settings):
    """Both (stuck and struggling), Idle (stuck), Trier (struggling), Fine (neither)."""
    idle = settings.stuck_days + 1
    both = member(app, cohort, "Both", last_active_days_ago=idle)
    member(app, cohort, "Idle", last_active_days_ago=idle)
    trier = member(app, cohort, "Trier")
    member(app, cohort, "Fine")
    for learner in (both, trier):
        quiz_attempts(app, learner, "alpha", 40, 40)


def counts(page: BeautifulSoup) -> dict[str, str]:
    return {a.get_text(" ", strip=True): a["href"] for a in page.select("#flag-counts a")}


def test_flag_counts_cover_the_whole_cohort_not_the_page(cohort, flagged, instructor_client):
    page = soup(instructor_client.get(f"/instructor/cohorts/{cohort.id}?per_page=1&q=fine"))
    links = counts(page)
    assert set(links) == {"◷ 2 stuck", "⚠ 2 struggling"}
    # each count links to the table filtered by its flag, from the first page, any name
    assert "flag=stuck" in links["◷ 2 stuck"] and "page=1" in links["◷ 2 stuck"]
    assert "q=" not in links["◷ 2 stuck"]


def test_flag_count_links_filter_the_table(cohort, flagged, instructor_client):
    page = soup(instructor_client.get(f"/instructor/cohorts/{cohort.id}"))
    for label, names in (("⚠ 2 struggling", ["Both", "Trier"]), ("◷ 2 stuck", ["Both", "Idle"])):
        filtered = soup(instructor_client.get(counts(page)[label]))
        assert [r.th.a.get_text(strip=True) for r in filtered.select("table.heatmap tbody tr")
                ] == names
        current = filtered.select_one("#flag-counts a[aria-current]")
        assert current.get_text(" ", strip=True) == label
        assert "Show everyone" in counts(filtered)


def test_rows_show_each_flag_as_a_glyph_and_a_word(cohort, flagged, instructor_client):
    page = soup(instructor_client.get(f"/instructor/cohorts/{cohort.id}"))
    row = next(r for r in page.select("table.heatmap tbody tr") if "Both" in r.th.get_text())
    flags = row.select(".flag")
    assert [f.get_text(" ", strip=True) for f in flags] == ["◷ Stuck", "⚠ Struggling"]
    assert all(f.find("span", attrs={"aria-hidden": "true"}) for f in flags)


def test_sort_by_flag_puts_those_needing_attention_first(cohort, flagged, instructor_client):
    def names(query: str) -> list[str]:
        page = soup(instructor_client.get(f"/instructor/cohorts/{cohort.id}{query}"))
        return [r.th.a.get_text(strip=True) for r in page.select("table.heatmap tbody tr")]

    assert names("?sort=flag") == ["Both", "Trier", "Idle", "Fine"]
    assert names("?sort=-flag") == ["Fine", "Idle", "Trier", "Both"]
    header = soup(instructor_client.get(f"/instructor/cohorts/{cohort.id}?sort=flag")).select(
        "table.heatmap thead th")[3]
    assert header["aria-sort"] == "ascending" and "sort=-flag" in header.a["href"]


def count_queries(app, client, path: str) -> int:
    statements = []

    def record(*args):
        statements.append(args[2])

    event.listen(app.state.database.engine, "before_cursor_execute", record)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(app.state.database.engine, "before_cursor_execute", record)
    return len(statements)


@pytest.mark.parametrize("sort", ["name", "flag"])
def test_cohort_page_queries_do_not_grow_with_the_learners(app, cohort, flagged,
                                                           instructor_client, sort):
    path = f"/instructor/cohorts/{cohort.id}?sort={sort}"
    few = count_queries(app, instructor_client, path)
    assert few > 3  # the listener sees the page's queries
    for i in range(10):
        member(app, cohort, f"Extra{i}", last_active_days_ago=30 * (i % 2))
    assert count_queries(app, instructor_client, path) == few
