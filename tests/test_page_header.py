"""Every HTML page knows who is signed in: the header and the chapter nav's ticks.

One render path (app/web/rendering.py `Page`) builds every page, error pages included; this
visits one page of each type as an anonymous reader, a learner and an instructor.
"""

import pytest
from bs4 import BeautifulSoup

from tests.cohort_helpers import client_for, make_account, make_cohort
from tests.support import filled_form
from tests.test_lab import grid_form

QUIZ = "how-it-works"
READ = "why-it-matters"  # the chapter each visitor has read: its nav item carries a tick


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def first_write(client) -> None:
    """A reading position: gives an anonymous browser its user, and every visitor a read tick."""
    response = client.post("/api/v1/me/position", json={"chapter_slug": READ, "section": "threats"},
                           headers={"X-CSRF-Token": client.cookies["csrftoken"]})
    assert response.status_code == 204, response.text
    response = client.get(f"/chapters/{READ}")  # the visit that records the chapter as read
    assert response.status_code == 200, response.text


def result_url(client, path: str, form_selector: str) -> str:
    """Submit the form on `path`, filled in; return the result page it redirects to."""
    form = soup(client.get(path)).select_one(form_selector)
    response = client.post(path, data=filled_form(form))
    assert response.status_code == 303, response.text
    return response.headers["location"]


def lab_result_url(client, app) -> str:
    response = client.post("/lab/exercise", data=grid_form(client, app.state.guide.lab))
    assert response.status_code == 303, response.text
    return response.headers["location"]


@pytest.fixture
def visitors(real_app):
    learner = make_account(real_app, email="lea@example.com", display_name="Lea Learner")
    teacher = make_account(real_app, email="tom@example.com", role="instructor",
                           display_name="Tom Teacher")
    cohort = make_cohort(real_app, owner=teacher)
    clients = {"anonymous": client_for(real_app), "learner": client_for(real_app, learner),
               "instructor": client_for(real_app, teacher)}
    yield clients, cohort
    for client in clients.values():
        client.close()


def page_urls(client, app, cohort) -> dict[str, str]:
    return {
        "home": "/", "chapter": f"/chapters/{QUIZ}", "search": "/search?q=patching",
        "404": "/chapters/no-such-chapter", "lab": "/lab", "lab exercise": "/lab/exercise",
        "lab scenarios": "/lab/scenarios", "lab result": lab_result_url(client, app),
        "quiz form": f"/chapters/{QUIZ}/quiz",
        "quiz result": result_url(client, f"/chapters/{QUIZ}/quiz", "form.quiz-form"),
        "chapter practice": f"/chapters/{QUIZ}/practice",
        "progress": "/progress", "login": "/login", "register": "/register", "docs": "/docs",
        "join": f"/join/{cohort.join_code}", "delete my data": "/progress/delete",
        "services": "/services", "service": "/services/app-service",
        "service checklist": "/services/key-vault/checklist",
        "checklist": "/services/checklist?s=app-service&s=azure-sql",
        "compare": "/services/compare?s=app-service&s=functions",
        "practice": "/services/practice", "practice quiz": "/services/practice/databases",
        "practice result": result_url(client, "/services/practice/databases", "form.quiz-form"),
        "sorting": "/lab/sorting",
        "sorting result": result_url(client, "/lab/sorting", "form.practice-sorting"),
        # an instructor's pages: a learner gets the 403 page, an anonymous reader the sign-in
        "instructor": "/instructor", "api tokens": "/instructor/tokens",
        "cohort": f"/instructor/cohorts/{cohort.id}",
        "item analysis": f"/instructor/cohorts/{cohort.id}/items",
        "confirm rotate": f"/instructor/cohorts/{cohort.id}/confirm-rotate-code",
    }


@pytest.mark.parametrize("who", ["anonymous", "learner", "instructor"])
def test_every_page_type_shows_who_is_signed_in(real_app, visitors, who):
    clients, cohort = visitors
    client = clients[who]
    first_write(client)
    for name, url in page_urls(client, real_app, cohort).items():
        response = client.get(url, follow_redirects=True)
        assert response.status_code in (200, 403, 404), (name, response.status_code)
        header = soup(response).select_one("header.site-header")
        assert header is not None, f"{name}: no site header"
        nav_links = [a.get_text(" ", strip=True) for a in header.select("nav a")]
        sign_out = header.select_one("form[action='/logout'] button")
        if who == "anonymous":
            assert "Sign in" in nav_links and sign_out is None, name
        else:
            expected = "Lea Learner" if who == "learner" else "Tom Teacher"
            assert sign_out is not None, f"{name}: no Sign out for the {who}"
            assert sign_out.get_text(" ", strip=True) == f"Sign out {expected}", name
            assert "Sign in" not in nav_links, name
        assert ("Instructor" in nav_links) == (who == "instructor"), name
        assert_read_tick(soup(response), name, who)


READING_PAGES = {"chapter", "search", "quiz form", "quiz result"}  # the pages with a chapter nav


def assert_read_tick(page: BeautifulSoup, name: str, who: str) -> None:
    """Wherever chapters are listed, the one this visitor has read is marked."""
    link = page.select_one(f"nav.chapter-nav a[href='/chapters/{READ}']")
    if name in READING_PAGES:
        assert link is not None, f"{name}: no chapter nav"
    if link is not None:
        assert link.select_one(".tick") is not None, f"{name}: no tick for the {who}"
    if name == "home":
        card = page.select_one(f".chapter-cards a[href='/chapters/{READ}']").find_parent("li")
        assert "Read" in card.select_one(".card-meta").get_text(), f"home: no tick for {who}"
