"""The cohort dashboard: heatmap values, flags, sorting, filtering, pagination, charts, the
learner page and its audited quiz reset."""

import pytest
from bs4 import BeautifulSoup
from sqlmodel import select

from app.models import Attempt, QuizProgress, User
from tests.cohort_helpers import (
    add_member,
    csrf,
    db,
    make_account,
    make_cohort,
    quiz_attempts,
    read,
)
from tests.report_helpers import take_quiz


@pytest.fixture
def cohort(app, teacher):
    return make_cohort(app, owner=teacher, name="Dash")


def member(app, cohort, email, name, **kwargs) -> User:
    learner = make_account(app, email=email, display_name=name, **kwargs)
    add_member(app, cohort, learner)
    return learner


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def heatmap_names(client, cohort, query: str = "") -> list[str]:
    page = soup(client.get(f"/instructor/cohorts/{cohort.id}{query}"))
    return [row.th.a.get_text(strip=True) for row in page.select("table.heatmap tbody tr")]


def test_heatmap_shows_read_passed_and_tried_by_text(app, cohort, instructor_client):
    ada = member(app, cohort, "ada@example.com", "Ada")
    read(app, ada, "alpha", "beta")
    quiz_attempts(app, ada, "alpha", 90)
    quiz_attempts(app, ada, "beta", 40)
    row = soup(instructor_client.get(f"/instructor/cohorts/{cohort.id}")).select_one(
        "table.heatmap tbody tr")
    cells = {td["data-chapter"]: td.get_text(" ", strip=True)
             for td in row.select("td.heatmap-cell")}
    assert cells["alpha"] == "✓ read ★ 90% best score, quiz passed"
    assert cells["beta"] == "✓ read ✗ 40% best score, not passed yet (1 attempts)"
    assert cells["gamma"] == "· not started"
    assert "lab" not in cells  # the fixture content has no lab, so no lab column
    # 2 chapters read + 1 quiz passed out of 3 chapters + 2 quizzes (alpha, beta)
    assert row.find_all("td")[0].get_text(strip=True) == "60%"


def test_progress_api_values(app, cohort, instructor_client):
    ada = member(app, cohort, "ada@example.com", "Ada")
    read(app, ada, "alpha")
    quiz_attempts(app, ada, "alpha", 100)
    body = instructor_client.get(f"/api/v1/cohorts/{cohort.id}/progress").json()
    assert body["total"] == 1
    row = body["learners"][0]
    assert {k: row[k] for k in ("id", "display_name", "email", "chapters_read",
                                "quizzes_passed", "completion_percent", "quizzes")} == {
        "id": ada.id, "display_name": "Ada", "email": "ada@example.com", "chapters_read": 1,
        "quizzes_passed": 1, "completion_percent": 40.0, "quizzes": {"alpha": 100.0}}
    assert row["last_active"].startswith("20")


def test_flags_stuck_and_struggling(app, cohort, instructor_client, settings):
    member(app, cohort, "idle@example.com", "Idle", last_active_days_ago=settings.stuck_days + 1)
    fresh = member(app, cohort, "fresh@example.com", "Fresh")
    trier = member(app, cohort, "trier@example.com", "Trier")
    recovered = member(app, cohort, "rec@example.com", "Recovered")
    quiz_attempts(app, trier, "alpha", 50, 50)
    quiz_attempts(app, recovered, "alpha", 40, 50, 90)
    quiz_attempts(app, fresh, "alpha", 50)
    rows = soup(instructor_client.get(f"/instructor/cohorts/{cohort.id}")).select(
        "table.heatmap tbody tr")
    flags = {r.th.a.get_text(strip=True): r.find_all("td")[2].get_text(" ", strip=True)
             for r in rows}
    assert flags == {"Fresh": "", "Idle": "◷ Stuck", "Recovered": "", "Trier": "⚠ Struggling"}
    assert heatmap_names(instructor_client, cohort, "?flag=stuck") == ["Idle"]
    assert heatmap_names(instructor_client, cohort, "?flag=struggling") == ["Trier"]


def test_sorting(app, cohort, instructor_client):
    carol = member(app, cohort, "c@example.com", "carol", last_active_days_ago=1)
    bob = member(app, cohort, "b@example.com", "Bob", last_active_days_ago=3)
    member(app, cohort, "a@example.com", "Alice", last_active_days_ago=2)
    read(app, carol, "alpha", "beta")
    read(app, bob, "alpha")
    assert heatmap_names(instructor_client, cohort) == ["Alice", "Bob", "carol"]
    assert heatmap_names(instructor_client, cohort, "?sort=-name") == ["carol", "Bob", "Alice"]
    assert heatmap_names(instructor_client, cohort, "?sort=-completion") == [
        "carol", "Bob", "Alice"]
    assert heatmap_names(instructor_client, cohort, "?sort=last_active") == [
        "Bob", "Alice", "carol"]
    assert heatmap_names(instructor_client, cohort, "?sort=bogus") == ["Alice", "Bob", "carol"]


def test_sort_headers_link_and_announce_the_order(app, cohort, instructor_client):
    member(app, cohort, "a@example.com", "Alice")
    page = soup(instructor_client.get(f"/instructor/cohorts/{cohort.id}?sort=-completion"))
    header = page.select("table.heatmap thead th")[1]
    assert header["aria-sort"] == "descending"
    assert "sort=completion" in header.a["href"]


def test_filtering_by_name_or_email_text(app, cohort, instructor_client):
    member(app, cohort, "zed@school.example", "Zed")
    member(app, cohort, "amy@example.com", "Amy Pond")
    member(app, cohort, "under_score@example.com", "Percent 100%")
    assert heatmap_names(instructor_client, cohort, "?q=POND") == ["Amy Pond"]
    assert heatmap_names(instructor_client, cohort, "?q=school") == ["Zed"]
    assert heatmap_names(instructor_client, cohort, "?q=%25") == ["Percent 100%"]
    assert heatmap_names(instructor_client, cohort, "?q=_") == ["Percent 100%"]
    page = soup(instructor_client.get(f"/instructor/cohorts/{cohort.id}?q=nobody"))
    assert page.select("table.heatmap") == []
    assert "No learner matches" in page.select_one(".empty-state").get_text()


def test_pagination(app, cohort, instructor_client):
    for i in range(5):
        member(app, cohort, f"l{i}@example.com", f"User {i}")
    path = f"/instructor/cohorts/{cohort.id}?per_page=2&page=2"
    page = soup(instructor_client.get(path))
    names = [r.th.a.get_text(strip=True) for r in page.select("table.heatmap tbody tr")]
    assert names == ["User 2", "User 3"]
    assert "Page 2 of 3" in page.select_one(".results-count").get_text()
    links = {a["rel"][0]: a["href"] for a in page.select("nav.pagination a")}
    assert "page=1" in links["prev"] and "page=3" in links["next"]
    assert "per_page=2" in links["next"]
    api = instructor_client.get(f"/api/v1/cohorts/{cohort.id}/progress?page=3&per_page=2")
    assert api.json()["total"] == 5 and len(api.json()["learners"]) == 1
    bad = instructor_client.get(f"/api/v1/cohorts/{cohort.id}/progress?per_page=0")
    assert bad.status_code == 422


def test_charts_have_text_alternatives_and_no_inline_styles(app, cohort, instructor_client):
    for i, best in enumerate((95, 91, 42)):
        learner = member(app, cohort, f"c{i}@example.com", f"C{i}")
        read(app, learner, "alpha")
        quiz_attempts(app, learner, "alpha", best)
    page = soup(instructor_client.get(f"/instructor/cohorts/{cohort.id}"))
    assert page.select("[style]") == []
    figures = page.select("figure.chart-figure")
    assert len(figures) == 1 + 2  # the funnel, then alpha and beta (no lab in this content)
    for figure in figures[1:]:  # histograms: an SVG with its own text alternative
        svg = figure.find("svg")
        title, desc = svg.find("title"), svg.find("desc")
        assert svg["role"] == "img" and title.get_text() and desc.get_text()
        assert svg["aria-labelledby"] == f"{title['id']} {desc['id']}"
    # the funnel: HTML text with decorative bars, described by the text above its table
    funnel = figures[0].select_one("ol.bar-chart")
    assert figures[0].find(id=funnel["aria-describedby"]).get_text().startswith("Of 3 learners")
    assert all(svg["aria-hidden"] == "true" for svg in funnel.find_all("svg"))
    for figure in figures:
        assert figure.select("details table tbody tr")
    funnel_rows = [[c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
                   for tr in figures[0].select("tbody tr")]
    assert funnel_rows[0] == ["Alpha chapter", "3", "100%"]
    alpha = {tr.th.get_text(): tr.td.get_text() for tr in figures[1].select("tbody tr")}
    assert alpha["90–100%"] == "2" and alpha["40–49%"] == "1" and alpha["0–9%"] == "0"
    assert "most common range is 90–100%" in figures[1].find("desc").get_text()


def test_cohort_list_shows_average_completion_and_pass_rate(app, cohort, instructor_client):
    a = member(app, cohort, "a@example.com", "A")
    member(app, cohort, "b@example.com", "B")
    read(app, a, "alpha", "beta", "gamma")
    quiz_attempts(app, a, "alpha", 90)
    quiz_attempts(app, a, "beta", 10)
    row = soup(instructor_client.get("/instructor")).select_one("table.cohort-list tbody tr")
    cells = [td.get_text(strip=True) for td in row.find_all("td")]
    # A: (3 + 1) / 5 = 80%, B: 0% -> 40%; 1 of 2 quizzes taken passed -> 50%
    assert cells[:3] == ["2", "40%", "50%"]


WRONG_BETA = {"beta-single": ["customer"], "beta-tf": ["false"]}
RIGHT_BETA = {"beta-single": ["shared"], "beta-tf": ["true"]}


def test_learner_page_shows_every_answer_in_words(app, cohort, instructor_client):
    ada = member(app, cohort, "ada@example.com", "Ada")
    read(app, ada, "beta")
    take_quiz(app, ada, "beta", WRONG_BETA)
    page = soup(instructor_client.get(f"/instructor/cohorts/{cohort.id}/learners/{ada.id}"))
    assert page.h1.get_text(strip=True) == "Ada"
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")]
            for tr in page.select("table.answers tbody tr")]
    assert rows == [  # question, answer chosen, correct answer, result
        ["In PaaS, identity and directory infrastructure is...", "The customer's alone",
         "Shared", "✗ Wrong"],
        ["Alpha is the first chapter.", "False", "True", "✗ Wrong"]]
    assert [li.get_text(" ", strip=True).split(" (")[0]
            for li in page.select(".read-chapters li")] == ["Beta chapter"]
    detail = instructor_client.get(f"/api/v1/cohorts/{cohort.id}/learners/{ada.id}").json()
    assert detail["attempts"][0]["answers"][0] == {
        "question_id": "beta-single",
        "prompt": "In PaaS, identity and directory infrastructure is...",
        "chosen": "The customer's alone", "correct": False}


def test_reset_quiz_voids_attempts_rebuilds_progress_and_audits(app, cohort, teacher,
                                                                instructor_client):
    ada = member(app, cohort, "ada@example.com", "Ada")
    take_quiz(app, ada, "beta", WRONG_BETA)
    take_quiz(app, ada, "beta", WRONG_BETA)
    assert "⚠ Struggling" in heatmap_text(instructor_client, cohort)
    path = f"/instructor/cohorts/{cohort.id}/learners/{ada.id}"
    response = instructor_client.post(f"{path}/reset",
                                      data={"quiz_slug": "beta"} | csrf(instructor_client))
    assert response.status_code == 303
    with db(app) as session:
        voided = session.exec(select(Attempt.voided_at).where(Attempt.learner_id == ada.id))
        assert all(v is not None for v in voided)
        assert session.get(QuizProgress, (ada.id, "beta")) is None
    assert "Struggling" not in heatmap_text(instructor_client, cohort)
    page = soup(instructor_client.get(path))
    audit = [li.get_text(" ", strip=True) for li in page.select(".audit-log li")]
    assert len(audit) == 1
    assert audit[0].endswith("Teacher One — quiz.reset (beta, 2 attempts voided)")
    assert len(page.select("article.attempt-voided")) == 2
    take_quiz(app, ada, "beta", RIGHT_BETA)
    with db(app) as session:
        progress = session.get(QuizProgress, (ada.id, "beta"))
        assert (progress.attempts, progress.failed_attempts, progress.passed) == (1, 0, True)


def heatmap_text(client, cohort) -> str:
    return soup(client.get(f"/instructor/cohorts/{cohort.id}")).select_one(
        "table.heatmap").get_text(" ", strip=True)


def test_reset_rejects_an_unknown_quiz(app, cohort, instructor_client):
    ada = member(app, cohort, "ada@example.com", "Ada")
    take_quiz(app, ada, "beta", WRONG_BETA)
    response = instructor_client.post(
        f"/instructor/cohorts/{cohort.id}/learners/{ada.id}/reset",
        data={"quiz_slug": "nope"} | csrf(instructor_client))
    assert response.status_code == 422
    with db(app) as session:
        assert session.exec(select(Attempt.voided_at)).all() == [None]


def test_report_links_on_the_cohort_page_work(app, cohort, instructor_client):
    member(app, cohort, "ada@example.com", "Ada")
    page = soup(instructor_client.get(f"/instructor/cohorts/{cohort.id}"))
    links = [a["href"] for a in page.select("section[aria-labelledby=exports-title] a")]
    assert len(links) == 4
    for href in links:
        assert instructor_client.get(href).status_code == 200, href
