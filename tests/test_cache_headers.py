"""Private stays private: what each route family tells caches.

Pages and JSON about the viewer: `private, no-cache` (or `no-store`) with `Vary: Cookie`.
Pages and JSON with other people's data (instructors): `no-store`. Only pages shared by every
visitor without cookies may be stored by a shared cache.
"""

import pytest

from tests.cohort_helpers import add_member, make_account, make_cohort
from tests.support import register
from tests.test_quiz_pages import PERFECT_FORM, submit

LEARNER_PAGES = ["/", "/chapters/alpha", "/chapters/alpha/quiz", "/search?q=azure", "/progress",
                 "/progress/delete", "/progress/export.json", "/api/v1/me/progress"]
LAB_PAGES = ["/lab", "/lab/exercise", "/lab/scenarios"]  # the real content has the matrix


def private(response) -> bool:
    cache_control = response.headers.get("cache-control", "")
    directives = {d.strip() for d in cache_control.split(",")}
    vary = {v.strip().lower() for v in response.headers.get("vary", "").split(",")}
    return ("no-store" in directives or {"private", "no-cache"} <= directives) \
        and "cookie" in vary and "public" not in directives


def no_store(response) -> bool:
    return "no-store" in response.headers.get("cache-control", "")


@pytest.fixture
def learner(client):
    assert register(client).status_code == 201
    return client


@pytest.mark.parametrize("path", LEARNER_PAGES)
def test_a_learners_pages_are_private(learner, path):
    response = learner.get(path)

    assert response.status_code == 200, response.text
    assert private(response), (path, dict(response.headers))


def test_a_learners_lab_pages_are_private(real_client):
    assert register(real_client).status_code == 201
    for path in LAB_PAGES:
        response = real_client.get(path)

        assert response.status_code == 200, (path, response.text)
        assert private(response), (path, dict(response.headers))


def test_a_learners_attempt_result_is_private(learner):
    submitted = submit(learner, PERFECT_FORM)
    response = learner.get(submitted.headers["location"])

    assert response.status_code == 200
    assert private(response), dict(response.headers)


@pytest.fixture
def cohort_paths(app, teacher):
    cohort = make_cohort(app, owner=teacher, name="A")
    member = make_account(app, email="grace@example.com")
    add_member(app, cohort, member)
    base = f"/instructor/cohorts/{cohort.id}"
    api = f"/api/v1/cohorts/{cohort.id}"
    return ["/instructor", "/instructor/tokens", base, f"{base}/learners/{member.id}",
            f"{base}/items", f"{base}/quizzes/alpha/items", f"{base}/items.csv",
            f"{base}/progress.csv", f"{base}/responses.csv", "/api/v1/cohorts",
            f"{api}/progress", f"{api}/learners/{member.id}", f"{api}/items"]


def test_pages_with_other_peoples_data_are_never_stored(instructor_client, cohort_paths):
    for path in cohort_paths:
        response = instructor_client.get(path)

        assert response.status_code == 200, (path, response.text)
        assert no_store(response), (path, dict(response.headers))
        assert private(response), (path, dict(response.headers))


@pytest.mark.parametrize("path", ["/", "/chapters/alpha", "/search?q=azure"])
def test_shared_cookie_less_pages_are_cacheable(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert "private" not in response.headers["cache-control"]
    assert "no-store" not in response.headers["cache-control"]


@pytest.mark.parametrize("path", ["/chapters/alpha/quiz", "/login", "/register"])
def test_cookie_less_pages_with_a_form_token_are_not_shared(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert private(response) or no_store(response), dict(response.headers)


def test_cookie_less_lab_pages_are_not_shared(real_client):
    for path in LAB_PAGES:
        assert private(real_client.get(path)), path
