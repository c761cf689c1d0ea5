"""Reading the guide over HTTP: pages, navigation, search, errors, headers and caching."""

import pytest
from bs4 import BeautifulSoup

from tests.support import csrf_token, start_anonymous

SITE = "Azure Shared Responsibility Guide"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def test_home_lists_every_chapter_with_summary_and_minutes(client):
    response = client.get("/")

    assert response.status_code == 200, response.text
    page = soup(response)
    assert page.title.string == SITE
    cards = page.select(".chapter-cards .card")
    assert [c.h3.a["href"] for c in cards] == ["/chapters/alpha", "/chapters/beta",
                                              "/chapters/gamma"]
    assert "The first fixture chapter." in cards[0].get_text()
    assert "3 min read" in cards[0].get_text()


def test_chapter_page_has_nav_toc_permalinks_pager_and_sources(client):
    response = client.get("/chapters/beta")

    assert response.status_code == 200, response.text
    page = soup(response)
    assert page.title.string == f"Beta chapter - {SITE}"
    assert page.h1.get_text() == "Beta chapter"
    current = page.select_one(".chapter-nav [aria-current=page]")
    assert current["href"] == "/chapters/beta"
    assert [a["href"] for a in page.select(".toc a")] == ["#later", "#last"]
    assert page.select_one("h2#later a.headerlink")["href"] == "#later"
    assert page.select_one("a[rel=prev]")["href"] == "/chapters/alpha"
    assert page.select_one("a[rel=next]")["href"] == "/chapters/gamma"
    assert "4 min read" in page.select_one(".chapter-meta").get_text()


def test_first_and_last_chapters_have_one_pager_link(client):
    first, last = soup(client.get("/chapters/alpha")), soup(client.get("/chapters/gamma"))

    assert first.select_one("a[rel=prev]") is None
    assert last.select_one("a[rel=next]") is None
    assert first.select_one(".sources a")["href"].startswith("https://learn.microsoft.com/")


def test_matrix_table_is_accessible_markup(client):
    page = soup(client.get("/chapters/alpha"))

    table = page.select_one("table.matrix")
    assert table.caption.get_text().startswith("Who is responsible")
    assert [th.get_text() for th in table.select("thead th[scope=col]")] == [
        "Responsibility", "On-prem", "IaaS", "PaaS", "SaaS"]
    assert len(table.select("th[scope=row]")) == 10
    assert len(table.select("th[scope=rowgroup]")) == 3
    hosts = table.select_one("#matrix-physical-hosts")
    assert [td.get_text(" ", strip=True) for td in hosts.select("td")] == [
        "■ Customer", "□ Microsoft", "□ Microsoft", "□ Microsoft"]


def test_unknown_chapter_is_a_styled_404_with_a_way_back(client):
    response = client.get("/chapters/nope")

    assert response.status_code == 404
    page = soup(response)
    assert page.h1.get_text() == "Page not found"
    assert page.select_one(".error-page a[href='/']") is not None


def test_unknown_path_is_a_styled_404_and_json_under_api(client):
    assert soup(client.get("/no/such/page")).h1.get_text() == "Page not found"
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize("query", ["", "   "])
def test_search_without_words_shows_the_empty_state(client, query):
    page = soup(client.get("/search", params={"q": query}))

    assert "Type one or more words" in page.select_one(".empty-state").get_text()
    assert page.select(".search-results li") == []


def test_search_lists_matching_sections_with_snippets(client):
    page = soup(client.get("/search", params={"q": "backups"}))

    [group] = page.select(".search-results > li")
    assert group.h2.a["href"] == "/chapters/gamma"
    assert group.h2.a.get_text() == "Gamma chapter"
    [result] = group.select(".search-sections > li")
    assert result.h3.a["href"] == "/chapters/gamma#only"
    assert result.select_one(".snippet mark").get_text() == "Backups"
    summary = page.select_one(".search-summary").get_text()
    assert summary == "1 section in 1 chapter match “backups”, and 1 Azure service."


def test_search_groups_sections_by_chapter_and_marks_heading_matches(client):
    page = soup(client.get("/search", params={"q": "later identity"}))

    [group] = page.select(".search-results > li")
    assert group.h2.get_text() == "Beta chapter"
    [result] = group.select(".search-sections > li")
    assert result.select_one("h3 mark").get_text() == "Later"
    assert result.select_one(".snippet mark").get_text() == "Identity"


def test_search_escapes_marked_snippets_and_hostile_queries(client):
    for query in ['"unbalanced', "NEAR(a b)", "*", "col:backups", "-backups",
                  "<b>backups</b>", "x" * 5000]:
        response = client.get("/search", params={"q": query})
        assert response.status_code == 200, (query, response.text)
        assert "<b>" not in response.text
    # A control character is no query anyone types: 422, as in every text input.
    assert client.get("/search", params={"q": "a\x00b"}).status_code == 422


def test_search_with_no_match_says_so(client):
    page = soup(client.get("/search", params={"q": "kubernetes"}))

    assert "No section matches “kubernetes”" in page.select_one(".empty-state").get_text()


def test_search_escapes_the_query(client):
    response = client.get("/search", params={"q": "<script>alert(1)</script>"})

    assert "<script>alert(1)</script>" not in response.text
    assert soup(response).select_one("#search-q")["value"] == "<script>alert(1)</script>"


def test_every_response_carries_strict_security_headers(client):
    for path in ("/", "/chapters/alpha", "/nope", "/healthz"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_html_has_an_etag_and_a_revisit_gets_304(client):
    client.get("/chapters/alpha")
    first = client.get("/chapters/alpha")
    etag = first.headers["etag"]

    again = client.get("/chapters/alpha", headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""


def test_static_assets_are_fingerprinted_and_cached_for_a_year(client):
    href = soup(client.get("/")).select_one("link[rel=stylesheet]")["href"]
    assert href.startswith("/static/css/guide.css?v=")

    response = client.get(href)
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]
    assert client.get(href, headers={"if-none-match": response.headers["etag"]}).status_code == 304


def test_first_response_sets_an_httponly_csrf_cookie(client):
    response = client.get("/")

    cookie = response.headers["set-cookie"]
    assert cookie.startswith("csrftoken=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_post_without_csrf_token_is_refused_before_routing(client):
    client.get("/")
    assert client.post("/healthz").status_code == 403
    token = csrf_token(client)
    assert client.post("/healthz", headers={"X-CSRF-Token": token}).status_code == 405
    forged = token.split(".")[0] + ".0000"
    assert client.post("/healthz", headers={"X-CSRF-Token": forged}).status_code == 403


def test_a_bearer_header_does_not_carry_a_cookie_session_past_the_csrf_check(client, app):
    from sqlmodel import Session, select

    from app.models import User

    start_anonymous(client)  # the browser now has an anonymous learner and session
    with Session(app.state.database.engine) as session:
        [learner] = session.exec(select(User)).all()
    client.post("/api/v1/me/position", json={"chapter_slug": "beta", "section": "first"},
                headers={"Authorization": "Bearer made-up"})  # no X-CSRF-Token
    with Session(app.state.database.engine) as session:
        assert session.get(User, learner.id).last_chapter_slug == "alpha"  # not used


def test_oversized_body_is_refused_with_413(client):
    token = csrf_token(client)
    response = client.post("/api/v1/anything", content=b"x" * 70_000,
                           headers={"X-CSRF-Token": token, "content-type": "application/json"})
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]


def test_reading_creates_no_user_until_a_first_write_then_visits_are_tracked(client, app):
    from sqlmodel import Session, select

    from app.models import ChapterVisit, User

    for _ in range(3):  # first contact, then a browser that keeps the csrftoken cookie
        client.get("/chapters/alpha")
    with Session(app.state.database.engine) as session:
        assert session.exec(select(User)).all() == []
    assert "guide_session" not in client.cookies
    start_anonymous(client)  # the first real write makes the anonymous user
    client.get("/chapters/beta")
    with Session(app.state.database.engine) as session:
        visits = {v.chapter_slug: v for v in session.exec(select(ChapterVisit))}
        assert set(visits) == {"alpha", "beta"}
        assert session.get(User, visits["beta"].learner_id).last_chapter_slug == "beta"
    assert "guide_session" in client.cookies


def test_healthz_checks_the_database(client, app):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}
    from app.db import make_engine

    app.state.database.dispose()
    app.state.database.engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/unreachable")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_home_cards_show_a_failed_quiz_as_well_as_a_passed_one(client):
    from bs4 import BeautifulSoup

    from tests.test_quiz_pages import PERFECT_FORM, TWO_WRONG, submit

    assert submit(client, TWO_WRONG).status_code == 303
    cards = BeautifulSoup(client.get("/").text, "html.parser")
    alpha = cards.select_one(".chapter-cards a[href='/chapters/alpha']").find_parent("li")
    assert "Quiz not passed yet" in alpha.get_text(" ", strip=True)

    assert submit(client, PERFECT_FORM).status_code == 303
    cards = BeautifulSoup(client.get("/").text, "html.parser")
    alpha = cards.select_one(".chapter-cards a[href='/chapters/alpha']").find_parent("li")
    assert "Quiz passed" in alpha.get_text(" ", strip=True)
    assert "not passed" not in alpha.get_text(" ", strip=True)
