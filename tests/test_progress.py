"""Progress: /progress, /api/v1/me/progress, the remembered position, ticks and completion."""

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from app.models import User
from app.services.progress import completion_percent
from tests.factories import make_attempt, make_learner, make_session_token, make_visit
from tests.support import csrf_token, start_anonymous


def me(client: TestClient) -> dict:
    response = client.get("/api/v1/me/progress")
    assert response.status_code == 200, response.text
    return response.json()


def learner_of(client: TestClient, db) -> User:
    return db.get(User, me(client)["learner"]["id"])


def client_for(app, token: str) -> TestClient:
    return TestClient(app, cookies={"guide_session": token})


def post_position(client: TestClient, **body):
    return client.post("/api/v1/me/position", json=body,
                       headers={"X-CSRF-Token": csrf_token(client)})


@pytest.mark.parametrize(("read", "passed", "chapters", "quizzes", "expected"), [
    (0, 0, 10, 8, 0.0), (10, 8, 10, 8, 100.0), (1, 1, 3, 3, 33.3), (3, 0, 3, 1, 75.0),
    (0, 0, 0, 0, 0.0), (5, 5, 3, 2, 100.0),
])
def test_completion_percent(read, passed, chapters, quizzes, expected):
    assert completion_percent(chapters_read=read, quizzes_passed=passed,
                              chapters_total=chapters, quizzes_total=quizzes) == expected


def test_progress_api_without_a_learner_is_zeroed(client, db):
    body = me(client)

    assert body["learner"] is None
    assert body["chapters"] == [{"slug": s, "read": False} for s in ("alpha", "beta", "gamma")]
    # the fixture content has no lab, so the lab is not a quiz to pass here
    assert [q["slug"] for q in body["quizzes"]] == ["alpha", "beta"]
    assert all(q["attempts"] == 0 and q["best_percent"] is None for q in body["quizzes"])
    assert body["completion_percent"] == 0.0
    assert db.exec(User.__table__.select()).first() is None  # reading creates nobody


def test_progress_api_reports_reads_attempts_and_completion(app, db):
    learner = make_learner(db, email="ada@example.com", display_name="Ada")
    make_visit(db, learner=learner, chapter_slug="alpha")
    make_attempt(db, learner=learner, quiz_slug="alpha", percent=50)
    make_attempt(db, learner=learner, quiz_slug="alpha", percent=100)
    make_attempt(db, learner=learner, quiz_slug="alpha", percent=75)

    with client_for(app, make_session_token(db, learner=learner)) as client:
        body = me(client)

    assert body["learner"] == {"id": learner.id, "display_name": "Ada"}
    quizzes = {q["slug"]: q for q in body["quizzes"]}
    assert quizzes["alpha"] == {"slug": "alpha", "attempts": 3, "best_percent": 100.0,
                                "last_percent": 75.0, "passed": True}
    assert "lab" not in quizzes  # no lab in the fixture content
    # 1 of 3 chapters read + 1 of 2 quizzes (alpha, beta) passed = 2 of 5
    assert body["completion_percent"] == 40.0


def test_learners_only_ever_see_their_own_progress(app, db):
    ada = make_learner(db, email="ada@example.com", display_name="Ada")
    eve = make_learner(db, email="eve@example.com", display_name="Eve")
    make_visit(db, learner=ada, chapter_slug="beta")
    make_attempt(db, learner=ada, quiz_slug="beta", percent=100)

    with client_for(app, make_session_token(db, learner=eve)) as client:
        body = client.get(f"/api/v1/me/progress?learner_id={ada.id}").json()
        page = client.get(f"/progress?learner_id={ada.id}").text

    assert body["learner"]["id"] == eve.id
    assert not any(c["read"] for c in body["chapters"])
    assert all(q["attempts"] == 0 for q in body["quizzes"])
    assert "Ada" not in BeautifulSoup(page, "html.parser").find("main").get_text()


def test_progress_page_shows_bars_scores_and_pass_state(app, db):
    learner = make_learner(db, email="ada@example.com", display_name="Ada")
    make_visit(db, learner=learner, chapter_slug="alpha")
    make_attempt(db, learner=learner, quiz_slug="alpha", percent=100)
    make_attempt(db, learner=learner, quiz_slug="beta", percent=25)

    with client_for(app, make_session_token(db, learner=learner)) as client:
        page = BeautifulSoup(client.get("/progress").text, "html.parser")

    overall = page.find("progress", id="progress-overall")
    assert overall["value"] == "40.0" and overall["max"] == "100"
    assert page.find("label", attrs={"for": "progress-overall"}).get_text() == "Overall completion"
    assert page.find("progress", id="progress-chapters")["value"] == "1"
    rows = {row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.find_all("td")]
            for row in page.select("table.progress-quizzes tbody tr")}
    assert rows["Alpha quiz"] == ["1", "100%", "100%", "✓ Passed"]
    assert rows["Beta quiz"] == ["1", "25%", "25%", "✗ Not passed yet"]
    assert "Matrix lab exercise" not in rows  # no lab in the fixture content
    chapters = [li.get_text(" ", strip=True) for li in page.select("ol.progress-chapters li")]
    assert chapters[0].endswith("✓ Read") and chapters[1].endswith("Not read yet")


def test_progress_page_without_a_learner_invites_to_start(client):
    page = BeautifulSoup(client.get("/progress").text, "html.parser")

    assert page.select_one(".empty-state a[href='/login?next=/progress']") is not None
    assert page.find("a", href="/progress/export.json") is None


def test_position_is_remembered_for_continue_where_you_left_off(client):
    csrf_token(client)
    client.get("/chapters/alpha")

    response = post_position(client, chapter_slug="alpha", section="first")

    assert response.status_code == 204, response.text
    home = BeautifulSoup(client.get("/").text, "html.parser")
    link = home.find("a", string="Continue where you left off")
    assert link["href"] == "/chapters/alpha#first"
    progress_page = BeautifulSoup(client.get("/progress").text, "html.parser")
    cont = progress_page.select_one(".continue a")
    assert cont["href"] == "/chapters/alpha#first"
    assert progress_page.select_one(".continue-title").get_text() == (
        "Alpha chapter: First section")


def test_visiting_another_chapter_moves_the_continue_link(client):
    csrf_token(client)
    client.get("/chapters/alpha")
    post_position(client, chapter_slug="alpha", section="first")

    client.get("/chapters/beta")

    home = BeautifulSoup(client.get("/").text, "html.parser")
    assert home.find("a", string="Continue where you left off")["href"] == "/chapters/beta"


@pytest.mark.parametrize(("body", "field"), [
    ({"chapter_slug": "nope", "section": "first"}, "chapter_slug"),
    ({"chapter_slug": "alpha", "section": "no-such-heading"}, "section"),
    ({"chapter_slug": "alpha"}, "section"),
    ({"chapter_slug": "alpha", "section": 3}, "section"),
    ({"chapter_slug": "alpha", "section": "x" * 500}, "section"),
])
def test_position_rejects_unknown_chapters_and_sections(signed_in_client, db, body, field):
    before = learner_of(signed_in_client, db)

    response = post_position(signed_in_client, **body)

    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    db.expire_all()
    after = learner_of(signed_in_client, db)
    assert (after.last_chapter_slug, after.last_section) == (before.last_chapter_slug, None)


def test_position_without_csrf_is_refused_and_not_stored(signed_in_client, db):
    response = signed_in_client.post("/api/v1/me/position",
                                     json={"chapter_slug": "alpha", "section": "first"})

    assert response.status_code == 403
    assert learner_of(signed_in_client, db).last_section is None


def test_chapter_nav_ticks_read_and_passed_chapters(app, db):
    learner = make_learner(db, email="ada@example.com")
    make_visit(db, learner=learner, chapter_slug="beta")
    make_attempt(db, learner=learner, quiz_slug="alpha", percent=100)

    with client_for(app, make_session_token(db, learner=learner)) as client:
        page = BeautifulSoup(client.get("/chapters/gamma").text, "html.parser")

    nav = {a["href"]: a for a in page.select("nav.chapter-nav a")}
    assert nav["/chapters/alpha"].select_one(".tick-passed") is not None
    assert nav["/chapters/beta"].select_one(".tick-read") is not None
    assert nav["/chapters/gamma"].select_one(".tick-read") is not None  # just visited


def test_position_script_carries_a_token_only_for_learners(client):
    first_visit = BeautifulSoup(client.get("/chapters/alpha").text, "html.parser")
    assert first_visit.find("script", attrs={"data-csrf": True}) is None
    assert client.cookies["csrftoken"] not in str(first_visit)

    start_anonymous(client)
    returning = BeautifulSoup(client.get("/chapters/alpha").text, "html.parser")
    script = returning.find("script", attrs={"data-csrf": True})
    assert script["data-csrf"] == client.cookies["csrftoken"]
    assert script["data-chapter"] == "alpha"
    assert script["src"].startswith("/static/js/position.js")
