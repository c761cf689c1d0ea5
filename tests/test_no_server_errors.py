"""A hand-made sweep over every GET route of every router: huge ids, NUL bytes and control
characters in every path and query parameter. Whatever the input: a 4xx, never a 5xx.

Signed in as an instructor who owns a cohort with a member, so that the routes get past
their sign-in checks and reach their queries. tests/test_fuzz_api.py fuzzes the JSON API.
"""

from urllib.parse import quote

import pytest
from fastapi.routing import APIRoute

from app.main import ROUTERS
from tests.cohort_helpers import add_member, make_account, make_cohort

GET_ROUTES = sorted({route.path for router in ROUTERS for route in router.routes
                     if isinstance(route, APIRoute) and "GET" in route.methods})
ROUTES = {route.path: route for router in ROUTERS for route in router.routes
          if isinstance(route, APIRoute) and "GET" in route.methods}
NASTY = ["99999999999999999999", str(2**63), str(2**31), "0", "-1", "a\x00b", "\x01", "²",
         "\ud800", "%", "x" * 5000]


def _good_values(cohort, learner) -> dict[str, str]:
    return {"cohort_id": str(cohort.id), "learner_id": str(learner.id), "attempt_id": "1",
            "token_id": "1", "slug": "alpha", "question_id": "alpha-single",
            "code": cohort.join_code, "name": "swagger-ui.css", "family": "databases"}


def _url(path: str, values: dict[str, str], query: dict[str, str] | None = None) -> str:
    url = path.format(**{k: quote(v.encode("utf-8", "surrogatepass"), safe="")
                         for k, v in values.items()})
    if query:
        url += "?" + "&".join(f"{quote(k)}={quote(v.encode('utf-8', 'surrogatepass'), safe='')}"
                              for k, v in query.items())
    return url


@pytest.mark.parametrize("path", GET_ROUTES)
def test_get_route_never_answers_5xx(app, teacher, instructor_client, path):
    cohort = make_cohort(app, owner=teacher)
    learner = make_account(app, email="member@example.com")
    add_member(app, cohort, learner)
    good = _good_values(cohort, learner)
    dependant = ROUTES[path].dependant
    path_names = [p.name for p in dependant.path_params]
    query_names = [p.alias for p in dependant.query_params]
    urls = []
    for nasty in NASTY:
        urls += [_url(path, good | {name: nasty}) for name in path_names]
        urls += [_url(path, good, {name: nasty}) for name in query_names]
    failures = []
    for url in urls or [_url(path, good)]:
        response = instructor_client.get(url)
        if response.status_code >= 500:
            failures.append((url[:120], response.status_code))
    assert failures == []
