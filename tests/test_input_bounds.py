"""Every input gets a 4xx, never a 500 (issue 8): ids wider than the column, control characters
and NUL bytes in text, lone surrogates, form file parts, malformed JSON; and the OpenAPI
document describes the errors we send."""

import json
import uuid

import pytest

from tests.cohort_helpers import (
    add_member,
    bearer,
    client_for,
    csrf,
    csrf_header,
    make_account,
    make_cohort,
    make_token,
)
from tests.support import csrf_token, start_anonymous

ABOVE_SQLITE = str(2**63)  # wider than SQLite's integer
ABOVE_POSTGRES = str(2**31)  # wider than PostgreSQL's integer
HUGE = "99999999999999999999"


@pytest.fixture
def cohort(app, teacher):
    return make_cohort(app, owner=teacher, name="Bounds")


# --- integers wider than the column

@pytest.mark.parametrize("number", [HUGE, ABOVE_SQLITE, ABOVE_POSTGRES, "0", "-1"])
@pytest.mark.parametrize("path", [
    "/api/v1/cohorts/{n}/items", "/api/v1/cohorts/{n}/progress",
    "/api/v1/cohorts/{cohort}/learners/{n}",
])
def test_api_ids_out_of_range_are_404(app, teacher, cohort, path, number):
    client = client_for(app)
    response = client.get(path.format(n=number, cohort=cohort.id),
                          headers=bearer(make_token(app, teacher)))
    assert response.status_code == 404, response.text
    assert set(response.json()) <= {"detail", "field"}


@pytest.mark.parametrize("number", [HUGE, ABOVE_SQLITE, ABOVE_POSTGRES])
@pytest.mark.parametrize("path", [
    "/instructor/cohorts/{n}", "/instructor/cohorts/{n}/items",
    "/instructor/cohorts/{n}/progress.csv", "/instructor/cohorts/{cohort}/learners/{n}",
    "/instructor/cohorts/{n}/quizzes/alpha/items",
])
def test_instructor_page_ids_out_of_range_are_404(instructor_client, cohort, path, number):
    response = instructor_client.get(path.format(n=number, cohort=cohort.id))
    assert response.status_code == 404, response.text


@pytest.mark.parametrize("path", ["/instructor/tokens/{n}/revoke",
                                  "/instructor/cohorts/{n}/rotate-code",
                                  "/instructor/cohorts/{cohort}/learners/{n}/remove"])
def test_posted_ids_out_of_range_are_404(instructor_client, cohort, path):
    response = instructor_client.post(path.format(n=HUGE, cohort=cohort.id),
                                      data=csrf(instructor_client))
    assert response.status_code == 404, response.text


@pytest.mark.parametrize("query", [f"page={ABOVE_SQLITE}", f"page={HUGE}", "page=0",
                                   "per_page=0", f"per_page={HUGE}", "per_page=201"])
def test_page_numbers_out_of_range_are_422(app, teacher, cohort, instructor_client, query):
    page = instructor_client.get(f"/instructor/cohorts/{cohort.id}?{query}")
    api = client_for(app).get(f"/api/v1/cohorts/{cohort.id}/progress?{query}",
                              headers=bearer(make_token(app, teacher)))
    assert page.status_code == 422, page.text
    assert api.status_code == 422, api.text
    assert api.json()["field"] == query.split("=")[0]


def test_learner_result_ids_out_of_range_are_404(client):
    start_anonymous(client)
    for path in (f"/lab/exercise/attempts/{HUGE}", f"/chapters/alpha/quiz/attempts/{HUGE}",
                 f"/chapters/alpha/quiz?retry={HUGE}"):
        response = client.get(path)
        assert response.status_code == 404, (path, response.text)


# --- control characters and NUL bytes in text

@pytest.mark.parametrize("path, body, field", [
    ("/api/v1/auth/register", {"email": "a\x00@example.com", "password": "long enough pass",
                               "display_name": "Ada"}, "email"),
    ("/api/v1/auth/register", {"email": "ada@example.com", "password": "long enough pass",
                               "display_name": "A\x07da"}, "display_name"),
    ("/api/v1/auth/login", {"email": "a\x00@example.com", "password": "x"}, "email"),
    ("/api/v1/auth/login", {"email": "a@example.com", "password": "x\x00"}, "password"),
    ("/api/v1/cohorts/join", {"join_code": "a\x00b"}, "join_code"),
    ("/api/v1/me/position", {"chapter_slug": "alpha\x00", "section": None}, "chapter_slug"),
    ("/api/v1/me/position", {"chapter_slug": "alpha", "section": "fi\x00rst"}, "section"),
])
def test_json_text_with_control_characters_is_422_naming_the_field(client, path, body, field):
    response = client.post(path, json=body, headers={"X-CSRF-Token": csrf_token(client)})
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


def test_cohort_name_with_nul_is_422(instructor_client):
    response = instructor_client.post("/api/v1/cohorts", json={"name": "a\x00b"},
                                      headers=csrf_header(instructor_client))
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "name"


@pytest.mark.parametrize("path", ["/join/a%00b", "/search?q=a%00b", "/lab?model=ia%00as",
                                  "/lab?compare=%01", "/api/v1/quizzes/al%00pha"])
def test_query_and_path_text_with_control_characters_is_422(client, path):
    response = client.get(path)
    assert response.status_code == 422, response.text


@pytest.mark.parametrize("query", ["sort=na%00me", "flag=%00", "q=a%00"])
def test_dashboard_queries_with_nul_are_422(app, teacher, cohort, instructor_client, query):
    page = instructor_client.get(f"/instructor/cohorts/{cohort.id}?{query}")
    api = client_for(app).get(f"/api/v1/cohorts/{cohort.id}/progress?{query}",
                              headers=bearer(make_token(app, teacher)))
    assert page.status_code == 422, page.text
    assert (api.status_code, api.json()["field"]) == (422, query.split("=")[0])


def test_join_page_post_with_nul_code_is_422(app, teacher, cohort):
    learner = make_account(app, email="lee@example.com")
    add_member(app, cohort, learner)
    client = client_for(app, learner)
    response = client.post("/join/a%00b", data=csrf(client))
    assert response.status_code == 422, response.text


# --- lone surrogates: the error response itself must be encodable

def _post_raw(client, path: str, raw: str):
    return client.post(path, content=raw.encode(), headers={
        "X-CSRF-Token": csrf_token(client), "content-type": "application/json"})


def test_lone_surrogate_answer_key_is_422_and_encodable(client):
    raw = json.dumps({"client_attempt_id": str(uuid.uuid4()),
                      "answers": {"\ud800": ["x"]}}, ensure_ascii=True)
    response = _post_raw(client, "/api/v1/quizzes/alpha/attempts", raw)
    assert response.status_code == 422, response.text
    assert "\ud800" not in response.json()["field"]


def test_lone_surrogate_matrix_row_is_422_and_encodable(client):
    raw = json.dumps({"answer": {"\ud800": "customer"}}, ensure_ascii=True)
    response = _post_raw(client, "/api/v1/quizzes/alpha/practice/questions/alpha-matrix/check", raw)
    assert response.status_code == 422, response.text
    assert response.json()["field"].startswith("answers.alpha-matrix.")


def test_lone_surrogate_choice_is_422(client):
    raw = json.dumps({"answer": ["\udfff"]}, ensure_ascii=True)
    response = _post_raw(client, "/api/v1/quizzes/alpha/practice/questions/alpha-single/check", raw)
    assert response.status_code == 422, response.text
    response.json()


def test_lone_surrogate_in_a_text_field_is_422(client):
    raw = json.dumps({"email": "\ud800", "password": "x"}, ensure_ascii=True)
    response = _post_raw(client, "/api/v1/auth/login", raw)
    assert (response.status_code, response.json()["field"]) == (422, "email")


def test_unknown_extra_key_with_a_surrogate_name_is_422(client):
    raw = json.dumps({"email": "a@example.com", "password": "x", "\ud800": 1},
                     ensure_ascii=True)
    response = _post_raw(client, "/api/v1/auth/login", raw)
    assert response.status_code == 422, response.text
    assert "\ud800" not in json.dumps(response.json(), ensure_ascii=False)


# --- the HTML quiz form

def test_quiz_form_retry_of_that_is_not_ascii_digits_is_ignored(client):
    response = client.post("/chapters/alpha/quiz", data={
        "retry_of": "²", "client_attempt_id": str(uuid.uuid4()),
        "csrf_token": csrf_token(client)})
    assert response.status_code == 422, response.text  # unanswered questions, not a 500


def test_quiz_form_file_part_is_422_naming_the_field(client):
    response = client.post("/chapters/alpha/quiz", headers={"X-CSRF-Token": csrf_token(client)},
                           files={"client_attempt_id": ("id.txt", b"abcdefgh12345")})
    assert response.status_code == 422, response.text
    assert "client_attempt_id" in response.text


# --- malformed JSON, and the documented error shape

@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/cohorts/join",
                                  "/api/v1/me/position", "/api/v1/quizzes/alpha/attempts"])
def test_malformed_json_is_400(client, path):
    response = _post_raw(client, path, '{"email": ')
    assert response.status_code == 400, response.text
    assert response.json() == {"detail": "The request body is not valid JSON."}


def test_openapi_documents_every_error_with_our_shape(client):
    schema = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    error = {"$ref": "#/components/schemas/ErrorPublic"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for status, response in responses.items():
                if int(status) >= 400:
                    assert response["content"]["application/json"]["schema"] == error, (
                        method, path, status)
            if "requestBody" in operation:
                assert {"400", "403", "413", "422"} <= set(responses), (method, path)
            if operation.get("parameters"):
                assert "422" in responses, (method, path)
