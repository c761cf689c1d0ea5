"""Cohorts: create, join by link or API, rotate the code, co-instructors, removal, isolation."""

from bs4 import BeautifulSoup
from sqlmodel import func, select

from app.models import AuditEvent, Cohort, CohortMember
from tests.cohort_helpers import (
    add_member,
    client_for,
    csrf,
    csrf_header,
    db,
    make_account,
    make_cohort,
)
from tests.support import register, start_anonymous


def cohort_rows(app) -> list[Cohort]:
    with db(app) as session:
        return list(session.exec(select(Cohort)).all())


def member_ids(app, cohort_id: int) -> list[int]:
    with db(app) as session:
        return sorted(session.exec(select(CohortMember.learner_id).where(
            CohortMember.cohort_id == cohort_id)).all())


def progress_ids(client, cohort_id: int) -> list[int]:
    response = client.get(f"/api/v1/cohorts/{cohort_id}/progress")
    assert response.status_code == 200, response.text
    return [row["id"] for row in response.json()["learners"]]


def test_create_cohort_lists_it_with_counts(app, instructor_client):
    response = instructor_client.post("/instructor/cohorts",
                                      data={"name": "  Spring 2027  "} | csrf(instructor_client))
    assert response.status_code == 303
    cohort = cohort_rows(app)[0]
    assert response.headers["location"] == f"/instructor/cohorts/{cohort.id}"
    assert cohort.name == "Spring 2027" and len(cohort.join_code) >= 20
    page = BeautifulSoup(instructor_client.get("/instructor").text, "html.parser")
    row = page.select_one("table.cohort-list tbody tr")
    assert row.th.get_text(strip=True) == "Spring 2027"
    assert [td.get_text(strip=True) for td in row.find_all("td")][:3] == ["0", "–", "–"]


def test_create_cohort_rejects_a_blank_name(app, instructor_client):
    response = instructor_client.post("/instructor/cohorts",
                                      data={"name": "   "} | csrf(instructor_client))
    assert response.status_code == 422
    assert "name" in BeautifulSoup(response.text, "html.parser").main.get_text()
    api = instructor_client.post("/api/v1/cohorts", json={"name": ""},
                                 headers=csrf_header(instructor_client))
    assert api.status_code == 422 and api.json()["field"] == "name"
    assert cohort_rows(app) == []


def test_create_cohort_api_returns_code_and_join_url(app, instructor_client, settings):
    response = instructor_client.post("/api/v1/cohorts", json={"name": "API cohort"},
                                      headers=csrf_header(instructor_client))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["name"] == "API cohort"
    # GUIDE_BASE_URL unset: the link uses the address the request came to
    assert settings.base_url is None
    assert body["join_url"] == f"http://testserver/join/{body['join_code']}"
    assert [c["id"] for c in instructor_client.get("/api/v1/cohorts").json()] == [body["id"]]


def test_create_cohort_api_rejects_wrong_types(app, instructor_client):
    response = instructor_client.post("/api/v1/cohorts", json={"name": 5},
                                      headers=csrf_header(instructor_client))
    assert response.status_code == 422
    assert cohort_rows(app) == []


def test_join_link_lets_a_registered_learner_join(app, teacher, instructor_client):
    cohort = make_cohort(app, owner=teacher)
    learner = make_account(app, email="lea@example.com")
    browser = client_for(app, learner)
    page = BeautifulSoup(browser.get(f"/join/{cohort.join_code}").text, "html.parser")
    form = page.select_one("main form")
    assert form["action"] == f"/join/{cohort.join_code}" and form["method"] == "post"
    response = browser.post(f"/join/{cohort.join_code}", data=csrf(browser))
    assert response.status_code == 303
    page = BeautifulSoup(browser.get(f"/join/{cohort.join_code}").text, "html.parser")
    assert "You are a member" in page.select_one("[role=status]").get_text()
    assert progress_ids(instructor_client, cohort.id) == [learner.id]


def test_join_form_without_csrf_token_stores_nothing(app, teacher):
    cohort = make_cohort(app, owner=teacher)
    browser = client_for(app, make_account(app, email="lea@example.com"))
    assert browser.post(f"/join/{cohort.join_code}").status_code == 403
    assert member_ids(app, cohort.id) == []


def test_join_page_offers_register_and_login_to_anonymous(app, teacher):
    cohort = make_cohort(app, owner=teacher)
    response = client_for(app).get(f"/join/{cohort.join_code}")
    assert response.status_code == 200
    links = {a["href"] for a in BeautifulSoup(response.text, "html.parser").select("main a")}
    assert f"/register?next=/join/{cohort.join_code}" in links
    assert f"/login?next=/join/{cohort.join_code}" in links
    anonymous = client_for(app)
    response = anonymous.post(f"/join/{cohort.join_code}", data=csrf(anonymous))
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next=/join/{cohort.join_code}"
    assert member_ids(app, cohort.id) == []


def test_join_keeps_progress_made_before_registering(app, teacher, instructor_client):
    cohort = make_cohort(app, owner=teacher)
    browser = client_for(app)
    start_anonymous(browser)  # a first write (a reading position in alpha) makes the learner
    assert register(browser, email="new@example.com").status_code == 201
    assert browser.post(f"/join/{cohort.join_code}", data=csrf(browser)).status_code == 303
    rows = instructor_client.get(f"/api/v1/cohorts/{cohort.id}/progress").json()["learners"]
    assert [(r["email"], r["chapters_read"]) for r in rows] == [("new@example.com", 1)]


def test_unknown_join_code_is_a_404_page(app):
    response = client_for(app).get("/join/not-a-real-code")
    assert response.status_code == 404
    assert BeautifulSoup(response.text, "html.parser").h1.get_text(strip=True)


def test_join_api(app, teacher):
    cohort = make_cohort(app, owner=teacher, name="By API")
    learner = client_for(app, make_account(app, email="api@example.com"))
    ok = learner.post("/api/v1/cohorts/join", json={"join_code": cohort.join_code},
                      headers=csrf_header(learner))
    assert ok.status_code == 200, ok.text
    assert ok.json() == {"id": cohort.id, "name": "By API"}
    again = learner.post("/api/v1/cohorts/join", json={"join_code": cohort.join_code},
                         headers=csrf_header(learner))
    assert again.status_code == 200  # joining twice is harmless
    unknown = learner.post("/api/v1/cohorts/join", json={"join_code": "nope"},
                           headers=csrf_header(learner))
    assert unknown.status_code == 404
    anonymous = client_for(app)
    refused = anonymous.post("/api/v1/cohorts/join", json={"join_code": cohort.join_code},
                             headers=csrf_header(anonymous))
    assert refused.status_code == 401
    assert len(member_ids(app, cohort.id)) == 1


def test_rotate_code_stops_the_old_link(app, teacher, instructor_client):
    cohort = make_cohort(app, owner=teacher)
    old = cohort.join_code
    response = instructor_client.post(f"/instructor/cohorts/{cohort.id}/rotate-code",
                                      data=csrf(instructor_client))
    assert response.status_code == 303
    new = cohort_rows(app)[0].join_code
    assert new != old
    learner = client_for(app, make_account(app, email="late@example.com"))
    assert learner.get(f"/join/{old}").status_code == 404
    assert learner.post(f"/join/{old}", data=csrf(learner)).status_code == 404
    assert learner.post(f"/join/{new}", data=csrf(learner)).status_code == 303
    page = BeautifulSoup(instructor_client.get(f"/instructor/cohorts/{cohort.id}").text,
                         "html.parser")
    assert page.select_one("#join-url")["value"].endswith(f"/join/{new}")


def test_co_instructor_gets_access(app, teacher, instructor_client):
    cohort = make_cohort(app, owner=teacher)
    colleague = make_account(app, email="Co@Example.com".lower(), role="instructor")
    colleague_client = client_for(app, colleague)
    assert colleague_client.get(f"/instructor/cohorts/{cohort.id}").status_code == 403
    response = instructor_client.post(f"/instructor/cohorts/{cohort.id}/instructors",
                                      data={"email": " CO@example.com "} | csrf(instructor_client))
    assert response.status_code == 303
    assert colleague_client.get(f"/instructor/cohorts/{cohort.id}").status_code == 200
    assert [c["id"] for c in colleague_client.get("/api/v1/cohorts").json()] == [cohort.id]
    again = instructor_client.post(f"/instructor/cohorts/{cohort.id}/instructors",
                                   data={"email": "co@example.com"} | csrf(instructor_client))
    assert again.status_code == 409


def test_co_instructor_must_be_an_instructor_account(app, teacher, instructor_client):
    cohort = make_cohort(app, owner=teacher)
    make_account(app, email="learner@example.com")
    for email in ("learner@example.com", "nobody@example.com", ""):
        response = instructor_client.post(f"/instructor/cohorts/{cohort.id}/instructors",
                                          data={"email": email} | csrf(instructor_client))
        assert response.status_code == 422, email
    learner = client_for(app, make_account(app, email="x@example.com"))
    assert learner.get(f"/instructor/cohorts/{cohort.id}").status_code == 403


def test_remove_learner(app, teacher, instructor_client):
    cohort = make_cohort(app, owner=teacher)
    stay, leave = (make_account(app, email=e) for e in ("stay@example.com", "leave@example.com"))
    add_member(app, cohort, stay)
    add_member(app, cohort, leave)
    response = instructor_client.post(
        f"/instructor/cohorts/{cohort.id}/learners/{leave.id}/remove", data=csrf(instructor_client))
    assert response.status_code == 303
    assert progress_ids(instructor_client, cohort.id) == [stay.id]
    with db(app) as session:
        actions = session.exec(select(AuditEvent.action, AuditEvent.subject_id).where(
            AuditEvent.cohort_id == cohort.id, AuditEvent.action == "cohort.remove_learner"))
        assert list(actions) == [("cohort.remove_learner", leave.id)]
    again = instructor_client.post(
        f"/instructor/cohorts/{cohort.id}/learners/{leave.id}/remove", data=csrf(instructor_client))
    assert again.status_code == 404


def test_cohorts_are_isolated_and_a_learner_can_be_in_several(app, teacher, instructor_client):
    other = make_account(app, email="other@example.com", role="instructor")
    mine, theirs = make_cohort(app, owner=teacher), make_cohort(app, owner=other)
    both, only_theirs = (make_account(app, email=e) for e in ("b@example.com", "t@example.com"))
    add_member(app, mine, both)
    add_member(app, theirs, both)
    add_member(app, theirs, only_theirs)
    assert progress_ids(instructor_client, mine.id) == [both.id]
    assert sorted(progress_ids(client_for(app, other), theirs.id)) == sorted(
        [both.id, only_theirs.id])
    path = f"/instructor/cohorts/{mine.id}/learners/{only_theirs.id}"
    assert instructor_client.get(path).status_code == 404
    with db(app) as session:
        count = session.exec(select(func.count()).select_from(CohortMember).where(
            CohortMember.learner_id == both.id)).one()
    assert count == 2
