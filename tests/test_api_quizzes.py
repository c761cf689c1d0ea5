"""The JSON API v1 for chapters, quizzes and attempts."""

import json
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.guide.vocabulary import CLIENT_ATTEMPT_ID
from app.models import Answer, Attempt, User
from app.web.quiz_schemas import AttemptCreate, AttemptPublic
from tests.support import csrf_token

PERFECT = {
    "alpha-single": ["microsoft"],
    "alpha-multiple": ["data", "accounts"],
    "alpha-tf": ["true"],
    "alpha-matrix": {"information-and-data": "customer", "network-controls": "shared",
                     "operating-system": "microsoft"},
}


def post_attempt(client, body, slug="alpha", token=None):
    return client.post(f"/api/v1/quizzes/{slug}/attempts", json=body,
                       headers={"X-CSRF-Token": token or csrf_token(client)})


def new_body(answers=None) -> dict:
    return {"client_attempt_id": str(uuid.uuid4()), "answers": answers or PERFECT}


def count(app, model) -> int:
    with Session(app.state.database.engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_list_chapters(client):
    chapters = client.get("/api/v1/chapters").json()

    assert [c["slug"] for c in chapters] == ["alpha", "beta", "gamma"]
    assert chapters[0] == {"slug": "alpha", "title": "Alpha chapter", "order": 1,
                           "summary": "The first fixture chapter.", "url": "/chapters/alpha"}


def test_list_quizzes(client):
    quizzes = client.get("/api/v1/quizzes").json()

    assert quizzes == [
        {"slug": "alpha", "title": "Alpha quiz", "chapter_slug": "alpha", "question_count": 4,
         "pass_percent": 80.0},
        {"slug": "beta", "title": "Beta quiz", "chapter_slug": "beta", "question_count": 2,
         "pass_percent": 50.0},
    ]


def test_show_quiz_has_questions_but_no_answers(client):
    quiz = client.get("/api/v1/quizzes/alpha").json()

    assert [q["type"] for q in quiz["questions"]] == ["single", "multiple", "true_false",
                                                      "matrix"]
    single, _, true_false, matrix = quiz["questions"]
    assert single["choices"] == [{"id": "microsoft", "text": "Microsoft"},
                                 {"id": "customer", "text": "The customer"}]
    assert [c["id"] for c in true_false["choices"]] == ["true", "false"]
    assert matrix["rows"][0] == {"id": "information-and-data", "label": "Information and data"}
    assert matrix["options"] == ["customer", "microsoft", "shared"]  # vocabulary.PARTIES
    text = str(quiz)
    assert "correct" not in text and "why_wrong" not in text and "explanation" not in text


def test_show_unknown_quiz_is_404(client):
    response = client.get("/api/v1/quizzes/nope")

    assert response.status_code == 404
    assert response.json()["detail"] == "There is no quiz called 'nope'."


def test_submit_attempt_grades_and_stores(client, app):
    answers = dict(PERFECT, **{"alpha-multiple": ["data"],
                               "alpha-matrix": dict(PERFECT["alpha-matrix"],
                                                    **{"network-controls": "customer"})})
    response = post_attempt(client, new_body(answers))

    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    # the body is built by hand on the hot path: it must still be exactly the documented schema
    assert AttemptPublic.model_validate_json(response.content).model_dump() == body
    assert (body["score"], body["max_score"], body["percent"], body["passed"]) == (
        4.0, 6.0, 66.67, False)
    results = {r["question_id"]: r for r in body["results"]}
    assert results["alpha-multiple"]["your_answer"] == ["data"]
    assert results["alpha-multiple"]["correct_answer"] == ["data", "accounts"]
    assert results["alpha-multiple"]["correct"] is False
    assert results["alpha-matrix"]["your_answer"]["network-controls"] == "customer"
    assert results["alpha-matrix"]["correct_answer"]["network-controls"] == "shared"
    assert (results["alpha-matrix"]["score"], results["alpha-matrix"]["max_score"]) == (2.0, 3.0)
    assert results["alpha-single"]["section_url"] == "/chapters/alpha#first"
    assert results["alpha-single"]["explanation"].startswith("Microsoft runs")
    assert count(app, Attempt) == 1 and count(app, Answer) == 4
    assert "guide_session" in client.cookies  # the anonymous learner's session


def test_replayed_client_attempt_id_returns_the_same_body_with_200(client, app):
    body = new_body()
    first = post_attempt(client, body)
    replay = post_attempt(client, dict(body, answers=dict(PERFECT, **{"alpha-tf": ["false"]})))

    assert (first.status_code, replay.status_code) == (201, 200)
    assert replay.json() == first.json()
    assert AttemptPublic.model_validate_json(replay.content).model_dump() == replay.json()
    assert count(app, Attempt) == 1 and count(app, Answer) == 4


def test_same_client_attempt_id_from_two_learners_are_two_attempts(client, app):
    body = new_body()
    post_attempt(client, body)
    with TestClient(app) as other:
        assert post_attempt(other, body).status_code == 201

    assert count(app, Attempt) == 2 and count(app, User) == 2


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"client_attempt_id": "x", "answers": PERFECT}, 422, "client_attempt_id"),
    ({"answers": PERFECT}, 422, "client_attempt_id"),
    ({"client_attempt_id": str(uuid.uuid4())}, 422, "answers"),
    ({"client_attempt_id": str(uuid.uuid4()), "answers": PERFECT, "extra": 1}, 422, "extra"),
    ({"client_attempt_id": 12345678, "answers": PERFECT}, 422, "client_attempt_id"),
    ({"client_attempt_id": "abcdefgh\x00", "answers": PERFECT}, 422, "client_attempt_id"),
    ({"client_attempt_id": "abcd efgh", "answers": PERFECT}, 422, "client_attempt_id"),
    (new_body(dict(PERFECT, **{"alpha-tf": [False]})), 422, "answers.alpha-tf"),
    (new_body(dict(PERFECT, **{"alpha-single": ["azure"]})), 422, "answers.alpha-single"),
    (new_body(dict(PERFECT, **{"nope": ["x"]})), 422, "answers.nope"),
    (new_body({k: v for k, v in PERFECT.items() if k != "alpha-tf"}), 422, "answers.alpha-tf"),
    (new_body(dict(PERFECT, **{"alpha-matrix": {"information-and-data": "customer"}})), 422,
     "answers.alpha-matrix.network-controls"),
    (new_body(dict(PERFECT, **{"alpha-matrix": ["customer"]})), 422, "answers.alpha-matrix"),
    (new_body(dict(PERFECT, **{"alpha-single": "microsoft"})), 422, "answers.alpha-single"),
])
def test_submit_attempt_rejects_bad_input_and_stores_nothing(client, app, body, status, field):
    response = post_attempt(client, body)

    assert response.status_code == status, response.text
    assert response.json()["field"] == field
    assert count(app, Attempt) == 0 and count(app, User) == 0


def test_submit_attempt_to_unknown_quiz_is_404(client, app):
    response = post_attempt(client, new_body(), slug="nope")

    assert response.status_code == 404
    assert count(app, Attempt) == 0


def test_submit_attempt_rejects_unparsable_json_with_400(client):
    response = client.post("/api/v1/quizzes/alpha/attempts", content=b"{not json",
                           headers={"X-CSRF-Token": csrf_token(client),
                                    "content-type": "application/json"})

    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is not valid JSON."}


# The submission reads its own body (app/web/json_body.py): FastAPI's answers, kept.
ODD_BODIES = {
    "empty": (b"", "application/json", 422),
    "not UTF-8": (b'\xff\xfe{"a": 1}', "application/json", 400),
    "JSON sent as text/plain": (None, "text/plain", 422),
    "no content type": (None, None, 422),
    "an array": (b"[]", "application/json", 422),
    "null": (b"null", "application/json", 422),
    "nested 5,000 deep": (b'{"answers": ' + b"[" * 5000 + b"]" * 5000 + b"}",
                          "application/json", 400),
}


@pytest.mark.parametrize("case", ODD_BODIES)
def test_submission_body_is_read_as_fastapi_reads_a_body(client, app, case):
    raw, content_type, status = ODD_BODIES[case]
    headers = {"X-CSRF-Token": csrf_token(client)}
    if content_type:
        headers["content-type"] = content_type
    response = client.post("/api/v1/quizzes/alpha/attempts", headers=headers,
                           content=raw if raw is not None else json.dumps(new_body()).encode())

    assert response.status_code == status, response.text
    assert set(response.json()) <= {"detail", "field"}
    assert count(app, Attempt) == 0


def test_submission_accepts_any_json_media_type(client, app):
    response = client.post("/api/v1/quizzes/alpha/attempts", content=json.dumps(new_body()),
                           headers={"X-CSRF-Token": csrf_token(client),
                                    "content-type": "application/merge-patch+json; charset=utf-8"})

    assert response.status_code == 201, response.text
    assert count(app, Attempt) == 1


def test_submit_attempt_rejects_oversized_body_with_413(client, app):
    body = new_body(dict(PERFECT, **{"alpha-single": ["x" * 70_000]}))

    response = post_attempt(client, body)

    assert response.status_code == 413
    assert count(app, Attempt) == 0


@pytest.mark.parametrize("token", [None, "forged.token"])
def test_submit_attempt_without_valid_csrf_is_403(client, app, token):
    csrf_token(client)
    headers = {"X-CSRF-Token": token} if token else {}

    response = client.post("/api/v1/quizzes/alpha/attempts", json=new_body(), headers=headers)

    assert response.status_code == 403
    assert count(app, Attempt) == 0


def test_check_answer_gives_the_feedback_of_the_result_page(client, app):
    """On an immediate quiz (beta); the storage rules are in tests/test_quiz_checks.py."""
    response = client.post("/api/v1/quizzes/beta/questions/beta-single/check",
                           json={"answer": ["customer"], "client_attempt_id": str(uuid.uuid4())},
                           headers={"X-CSRF-Token": csrf_token(client)})

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["correct"], body["score"], body["max_score"]) == (False, 0.0, 1.0)
    assert "The beta chapter says it is shared." in body["feedback_html"]
    assert 'href="/chapters/beta#later"' in body["feedback_html"]
    assert count(app, Attempt) == 0


def test_check_answer_to_unknown_question_is_404(client):
    response = client.post("/api/v1/quizzes/beta/questions/nope/check", json={"answer": ["a"]},
                           headers={"X-CSRF-Token": csrf_token(client)})

    assert response.status_code == 404


def test_openapi_documents_the_quiz_api(client):
    spec = client.get("/openapi.json").json()

    post = spec["paths"]["/api/v1/quizzes/{slug}/attempts"]["post"]
    assert {"200", "201", "403", "404", "413", "422"} <= set(post["responses"])
    assert post["requestBody"] == {"required": True, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/AttemptCreate"}}}}
    assert spec["components"]["schemas"]["AttemptCreate"] == AttemptCreate.model_json_schema()
    # the id's real rule, not only "no control characters": a client can build ids from it
    for model in ("AttemptCreate", "CheckCreate"):
        documented = spec["components"]["schemas"][model]["properties"]["client_attempt_id"]
        assert CLIENT_ATTEMPT_ID.pattern in json.dumps(documented), model
    assert "/api/v1/quizzes/{slug}" in spec["paths"]
    assert not any(path.startswith("/chapters") for path in spec["paths"])


def test_docs_page_uses_no_cdn(client):
    from bs4 import BeautifulSoup

    response = client.get("/docs")
    page = BeautifulSoup(response.text, "html.parser")

    assert response.status_code == 200
    sources = [s["src"] for s in page.select("script")] + [
        link["href"] for link in page.select("link[rel=stylesheet]")]
    assert sources and all(src.startswith("/") for src in sources)
    assert all(client.get(src).status_code == 200 for src in sources)
