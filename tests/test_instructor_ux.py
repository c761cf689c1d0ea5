"""Instructor pages, parsed: the join link's address, confirmation pages for destructive
actions, forms that come back with the input and the message by the field, the token shown
once by post/redirect/get, the item analysis switcher and numbers, the lab attempt grid."""

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlmodel import select

from app.demo.data import seed_demo
from app.main import create_app
from app.models import ApiToken, CohortMember, User
from app.services.item_reports import fmt
from tests.cohort_helpers import (
    add_member,
    client_for,
    csrf,
    db,
    make_account,
    make_cohort,
    quiz_attempts,
)
from tests.support import FIXTURE_CONTENT, make_settings


def html(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


@pytest.fixture
def cohort(app, teacher):
    return make_cohort(app, owner=teacher, name="UX")


@pytest.fixture
def ada(app, cohort):
    learner = make_account(app, email="ada@example.com", display_name="Ada")
    add_member(app, cohort, learner)
    return learner


# --- the join link

def test_join_link_uses_the_request_host_when_no_base_url_is_set(app, cohort,
                                                                 instructor_client):
    page = html(instructor_client.get(f"/instructor/cohorts/{cohort.id}"))
    assert page.select_one("#join-url")["value"] == f"http://testserver/join/{cohort.join_code}"
    assert page.select_one("#join-url-warning") is None


def app_with_base_url(tmp_path, database_url, base_url: str):
    return create_app(make_settings(tmp_path, database_url, FIXTURE_CONTENT, base_url=base_url))


def signed_in(app) -> TestClient:
    teacher = make_account(app, email="t@example.com", role="instructor")
    return client_for(app, teacher), teacher


@pytest.mark.parametrize(("base_url", "warned"), [
    ("http://127.0.0.1:8000", True), ("http://localhost:8000/", True),
    ("http://[::1]:8000", True), ("https://guide.example.org/", False)])
def test_join_link_uses_a_configured_base_url_and_warns_about_loopback(
        tmp_path, database_url, base_url, warned):
    app = app_with_base_url(tmp_path, database_url, base_url)
    with TestClient(app):
        client, teacher = signed_in(app)
        cohort = make_cohort(app, owner=teacher)
        page = html(client.get(f"/instructor/cohorts/{cohort.id}"))
        expected = base_url.rstrip("/") + f"/join/{cohort.join_code}"
        assert page.select_one("#join-url")["value"] == expected
        assert (page.select_one("#join-url-warning") is not None) == warned
        api = client.get("/api/v1/cohorts")
        assert api.json()[0]["join_url"] == expected
        assert app.state.settings.https == base_url.startswith("https://")


def test_join_link_is_a_selectable_input_with_a_copy_hook(app, cohort, instructor_client):
    page = html(instructor_client.get(f"/instructor/cohorts/{cohort.id}"))
    field = page.select_one("[data-copy-row] #join-url")
    assert field.has_attr("readonly") and not field.has_attr("disabled")
    scripts = [s["src"] for s in page.select("script[src]")]
    assert any("/static/js/instructor.js" in src for src in scripts)
    styles = [link["href"] for link in page.select("link[rel=stylesheet]")]
    assert any("/static/css/instructor.css" in href for href in styles)
    assert page.select_one("nav.chapter-nav") is None  # no learner sidebar


# --- confirmation pages

def confirm_form(page: BeautifulSoup):
    form = page.select_one("main form[method=post]")
    assert form.select_one("button")["class"] == ["button-danger"]
    return form


def test_remove_asks_first_and_says_how_to_undo(app, cohort, ada, instructor_client):
    cohort_page = html(instructor_client.get(f"/instructor/cohorts/{cohort.id}"))
    link = cohort_page.select_one("table.heatmap a.row-action")["href"]
    assert link == f"/instructor/cohorts/{cohort.id}/learners/{ada.id}/confirm-remove"
    assert not cohort_page.select("table.heatmap form")  # no one-click removal
    page = html(instructor_client.get(link))
    form = confirm_form(page)
    assert form["action"] == f"/instructor/cohorts/{cohort.id}/learners/{ada.id}/remove"
    assert "join link" in page.select_one(".confirm-undo").get_text()
    with db(app) as session:  # asking changed nothing
        assert session.exec(select(CohortMember)).all() != []
    response = instructor_client.post(form["action"], data=csrf(instructor_client))
    assert response.status_code == 303


def test_rotate_and_reset_and_revoke_have_confirmation_pages(app, cohort, ada, teacher,
                                                             instructor_client):
    rotate = html(instructor_client.get(f"/instructor/cohorts/{cohort.id}/confirm-rotate-code"))
    assert confirm_form(rotate)["action"] == f"/instructor/cohorts/{cohort.id}/rotate-code"
    quiz_attempts(app, ada, "alpha", 40)
    learner = html(instructor_client.get(f"/instructor/cohorts/{cohort.id}/learners/{ada.id}"))
    reset_form = learner.select_one("form[action$='/confirm-reset']")
    assert reset_form["method"] == "get"
    reset = html(instructor_client.get(
        f"/instructor/cohorts/{cohort.id}/learners/{ada.id}/confirm-reset?quiz_slug=alpha"))
    form = confirm_form(reset)
    assert form.select_one("input[name=quiz_slug]")["value"] == "alpha"
    assert form.button.get_text(strip=True) == "Reset 1 attempt"
    unknown = instructor_client.get(
        f"/instructor/cohorts/{cohort.id}/learners/{ada.id}/confirm-reset?quiz_slug=nope")
    assert unknown.status_code == 422
    instructor_client.post("/instructor/tokens", data={"name": "sync"} | csrf(instructor_client))
    with db(app) as session:
        token = session.exec(select(ApiToken)).one()
    revoke = html(instructor_client.get(f"/instructor/tokens/{token.id}/confirm-revoke"))
    assert confirm_form(revoke)["action"] == f"/instructor/tokens/{token.id}/revoke"


def test_confirmation_pages_refuse_other_instructors(app, cohort, ada):
    other = make_account(app, email="other@example.com", role="instructor")
    client = client_for(app, other)
    for path in (f"/instructor/cohorts/{cohort.id}/confirm-rotate-code",
                 f"/instructor/cohorts/{cohort.id}/learners/{ada.id}/confirm-remove"):
        assert client.get(path).status_code in (403, 404)


# --- forms with mistakes come back with the input and the message by the field

def assert_field_error(response, field_id: str, value: str) -> None:
    assert response.status_code == 422, response.text
    page = html(response)
    field = page.select_one(f"#{field_id}")
    assert field["aria-invalid"] == "true"
    message = page.select_one(f"#{field['aria-describedby']}")
    assert message is not None and message.get_text(strip=True)
    assert field.get("value", "") == value


def test_empty_cohort_name_comes_back_with_a_message(app, instructor_client):
    response = instructor_client.post("/instructor/cohorts",
                                      data={"name": "  "} | csrf(instructor_client))
    assert_field_error(response, "cohort-name", "  ")


def test_unknown_co_instructor_email_comes_back_with_a_message(app, cohort, instructor_client):
    response = instructor_client.post(f"/instructor/cohorts/{cohort.id}/instructors",
                                      data={"email": "nobody@example.com"}
                                      | csrf(instructor_client))
    assert_field_error(response, "co-email", "nobody@example.com")


def test_empty_token_name_comes_back_with_a_message(app, instructor_client):
    response = instructor_client.post("/instructor/tokens",
                                      data={"name": ""} | csrf(instructor_client))
    assert_field_error(response, "token-name", "")


# --- the new token: post/redirect/get, shown once

def test_new_token_is_shown_once_and_a_refresh_shows_nothing(app, instructor_client):
    response = instructor_client.post("/instructor/tokens",
                                      data={"name": "sync"} | csrf(instructor_client))
    assert response.status_code == 303
    first = html(instructor_client.get("/instructor/tokens"))
    assert first.select_one("#token-secret")["value"].startswith("gt_")
    again = html(instructor_client.get("/instructor/tokens"))
    assert again.select_one("#token-secret") is None
    with db(app) as session:
        assert len(session.exec(select(ApiToken)).all()) == 1


def test_a_forged_new_token_cookie_shows_nothing(app, teacher, instructor_client):
    instructor_client.post("/instructor/tokens", data={"name": "sync"} | csrf(instructor_client))
    forger = client_for(app, teacher)  # a cookie jar without the genuine cookie
    forger.cookies.set("guide_new_token", "1.gt_forged.deadbeef")
    page = html(forger.get("/instructor/tokens"))
    assert page.select_one("#token-secret") is None


# --- item analysis

@pytest.mark.parametrize(("value", "text"), [
    (-0.4512, "\u22120.45"), (0.4512, "0.45"), (-0.001, "0.00"), (None, "–")])
def test_fmt_writes_one_minus_sign(value, text):
    assert fmt(value, 2) == text


def test_quiz_switcher_is_a_get_form_with_a_link_fallback(app, cohort, instructor_client):
    page = html(instructor_client.get(f"/instructor/cohorts/{cohort.id}/quizzes/alpha/items"))
    form = page.select_one("form.quiz-switcher")
    assert form["method"] == "get" and form.select_one("select[name=quiz]")
    assert page.select("details.report-nav a[aria-current=page]")
    response = instructor_client.get(f"/instructor/cohorts/{cohort.id}/items?quiz=beta")
    assert response.status_code == 303
    assert response.headers["location"] == f"/instructor/cohorts/{cohort.id}/quizzes/beta/items"


# --- the heatmap and the lab attempt grid, on the real content (it has a lab)

@pytest.fixture
def demo(real_app):
    """A seeded demo cohort on the real content, and a client for its instructor."""
    with TestClient(real_app):
        summary = real_app.state.database.write_now(
            seed_demo, guide=real_app.state.guide, learners=12, cohort_name="Demo")
        with db(real_app) as session:
            teacher = session.exec(select(User).where(User.role == "instructor")).one()
        yield summary.cohort_id, client_for(real_app, teacher)


def test_heatmap_rows_are_one_line_and_the_lab_column_is_filled(demo):
    cohort_id, client = demo
    page = html(client.get(f"/instructor/cohorts/{cohort_id}"))
    rows = page.select("table.heatmap tbody tr")
    assert len(rows) == 12
    for row in rows:
        assert row.th.find("br") is None
        assert row.select_one('td[data-chapter="lab"]').get_text(strip=True)
    headers = page.select("table.heatmap thead th.heatmap-chapter")
    assert headers[-1].select_one(".visually-hidden").get_text() == "Matrix lab"
    assert headers[0].abbr["title"] and "Chapter 1:" in headers[0].get_text()
    assert page.select_one("#heatmap-legend").get("class") == ["heatmap-legend"]


def test_lab_attempt_is_shown_as_the_grid(demo):
    cohort_id, client = demo
    page = html(client.get(f"/instructor/cohorts/{cohort_id}"))
    for link in page.select("table.heatmap tbody th a"):
        learner = html(client.get(link["href"]))
        grid = learner.select_one("table.lab-attempt-grid")
        if grid is not None:
            break
    else:
        pytest.fail("no learner with a lab attempt in the demo cohort")
    assert len(grid.select("tbody tr")) == 10
    assert len(grid.select("thead th")) == 5  # the row header + 4 service models
    cells = grid.select("tbody td")
    assert all(c.get_text(strip=True)[0] in "✓✗–" for c in cells)
    assert any("(wrong)" in c.get_text() or "(right)" in c.get_text() for c in cells)


def test_a_refused_field_still_comes_back_as_the_form(app, instructor_client):
    response = instructor_client.post("/instructor/cohorts",
                                      data={"name": "x" * 301} | csrf(instructor_client))
    assert_field_error(response, "cohort-name", "")
