"""Every instructor page and instructor API, tried from the attacker's side."""

import pytest

from app.models import User
from tests.cohort_helpers import (
    add_member,
    bearer,
    client_for,
    csrf,
    csrf_header,
    db,
    make_account,
    make_cohort,
    make_token,
)


@pytest.fixture
def world(app, teacher):
    """A cohort of `teacher` with one learner, plus an outsider instructor and a learner."""
    cohort = make_cohort(app, owner=teacher, name="Owned")
    member = make_account(app, email="member@example.com")
    add_member(app, cohort, member)
    other = make_account(app, email="other@example.com", role="instructor")
    other_cohort = make_cohort(app, owner=other, name="Theirs")
    return {"cohort": cohort, "member": member, "other": other, "other_cohort": other_cohort,
            "learner": make_account(app, email="plain@example.com")}


def page_gets(w) -> list[str]:
    c, m = w["cohort"].id, w["member"].id
    return ["/instructor", f"/instructor/cohorts/{c}", f"/instructor/cohorts/{c}/learners/{m}",
            "/instructor/tokens"]


def page_posts(w) -> list[tuple[str, dict]]:
    c, m = w["cohort"].id, w["member"].id
    return [("/instructor/cohorts", {"name": "Sneaky"}),
            (f"/instructor/cohorts/{c}/rotate-code", {}),
            (f"/instructor/cohorts/{c}/instructors", {"email": "other@example.com"}),
            (f"/instructor/cohorts/{c}/learners/{m}/remove", {}),
            (f"/instructor/cohorts/{c}/learners/{m}/reset", {"quiz_slug": "alpha"}),
            ("/instructor/tokens", {"name": "mine"}),
            ("/instructor/tokens/1/revoke", {})]


def api_gets(w) -> list[str]:
    c, m = w["cohort"].id, w["member"].id
    return ["/api/v1/cohorts", f"/api/v1/cohorts/{c}/progress",
            f"/api/v1/cohorts/{c}/learners/{m}"]


def test_instructor_pages_redirect_anonymous_to_login(app, world):
    anonymous = client_for(app)
    for path in page_gets(world):
        response = anonymous.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == f"/login?next={path}"
    for path, form in page_posts(world):
        response = anonymous.post(path, data=form | csrf(anonymous))
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=")


def test_login_redirect_keeps_the_query_string(app, world):
    path = f"/instructor/cohorts/{world['cohort'].id}?sort=-completion&page=2"
    response = client_for(app).get(path)
    assert response.headers["location"] == (
        f"/login?next=/instructor/cohorts/{world['cohort'].id}%3Fsort%3D-completion%26page%3D2")


def test_instructor_api_answers_401_to_anonymous(app, world):
    anonymous = client_for(app)
    for path in api_gets(world):
        response = anonymous.get(path)
        assert response.status_code == 401, path
        assert "detail" in response.json()
    response = anonymous.post("/api/v1/cohorts", json={"name": "x"}, headers=csrf_header(anonymous))
    assert response.status_code == 401


def test_anonymous_learner_with_a_session_is_still_anonymous(app, world):
    anonymous_learner = User()
    with db(app) as session:
        session.add(anonymous_learner)
        session.commit()
    response = client_for(app, anonymous_learner).get("/instructor")
    assert response.status_code == 303


def test_learner_gets_403_everywhere(app, world):
    learner = client_for(app, world["member"])
    for path in page_gets(world) + api_gets(world):
        assert learner.get(path).status_code == 403, path
    for path, form in page_posts(world):
        assert learner.post(path, data=form | csrf(learner)).status_code == 403, path
    response = learner.post("/api/v1/cohorts", json={"name": "x"}, headers=csrf_header(learner))
    assert response.status_code == 403
    assert response.json()["detail"]


def test_instructor_of_another_cohort_is_refused(app, world, teacher):
    outsider = client_for(app, world["other"])
    for path in page_gets(world)[1:3] + api_gets(world)[1:]:
        assert outsider.get(path).status_code in (403, 404), path
    for path, form in page_posts(world)[1:5]:
        assert outsider.post(path, data=form | csrf(outsider)).status_code in (403, 404), path
    # Nothing changed: the member is still in the cohort and the code still works.
    owner = client_for(app, teacher)
    body = owner.get(f"/api/v1/cohorts/{world['cohort'].id}/progress").json()
    assert [row["id"] for row in body["learners"]] == [world["member"].id]


def test_instructor_list_shows_only_own_cohorts(app, world):
    outsider = client_for(app, world["other"])
    names = [c["name"] for c in outsider.get("/api/v1/cohorts").json()]
    assert names == ["Theirs"]


def test_admin_sees_every_cohort(app, world):
    admin = client_for(app, make_account(app, email="root@example.com", role="admin"))
    names = sorted(c["name"] for c in admin.get("/api/v1/cohorts").json())
    assert names == ["Owned", "Theirs"]
    assert admin.get(f"/instructor/cohorts/{world['cohort'].id}").status_code == 200


def test_learner_page_of_a_non_member_is_404(app, world, instructor_client):
    stranger = world["learner"]
    path = f"/instructor/cohorts/{world['cohort'].id}/learners/{stranger.id}"
    assert instructor_client.get(path).status_code == 404
    api = f"/api/v1/cohorts/{world['cohort'].id}/learners/{stranger.id}"
    assert instructor_client.get(api).status_code == 404


def test_unknown_cohort_is_404(instructor_client):
    assert instructor_client.get("/instructor/cohorts/9999").status_code == 404
    assert instructor_client.get("/api/v1/cohorts/9999/progress").status_code == 404


def test_revoked_token_gets_401(app, world, instructor_client, teacher):
    secret = make_token(app, teacher)
    token_client = client_for(app)
    path = f"/api/v1/cohorts/{world['cohort'].id}/progress"
    assert token_client.get(path, headers=bearer(secret)).status_code == 200
    response = instructor_client.post("/instructor/tokens/1/revoke", data=csrf(instructor_client))
    assert response.status_code == 303
    for api in api_gets(world):
        assert token_client.get(api, headers=bearer(secret)).status_code == 401, api


def test_token_of_another_instructor_cannot_read_my_cohort(app, world):
    secret = make_token(app, world["other"])
    response = client_for(app).get(f"/api/v1/cohorts/{world['cohort'].id}/progress",
                                   headers=bearer(secret))
    assert response.status_code == 403


def test_token_does_not_open_html_pages(app, world, teacher):
    secret = make_token(app, teacher)
    response = client_for(app).get("/instructor", headers=bearer(secret))
    assert response.status_code == 403


def test_token_of_a_demoted_instructor_is_refused(app, world, teacher):
    secret = make_token(app, teacher)
    with db(app) as session:
        session.get(User, teacher.id).role = "learner"
        session.commit()
    response = client_for(app).get("/api/v1/cohorts", headers=bearer(secret))
    assert response.status_code == 403
