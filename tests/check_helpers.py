"""Helpers for the check tests: the beta fixture quiz is `immediate`, alpha `deferred`."""

from bs4 import BeautifulSoup
from sqlmodel import Session, func, select

from tests.support import csrf_token

BETA_RIGHT = {"beta-single": ["shared"], "beta-tf": ["true"]}
BETA_URL = "/chapters/beta/quiz"


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def count(app, model) -> int:
    with Session(app.state.database.engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def rows(app, model) -> list:
    with Session(app.state.database.engine, expire_on_commit=False) as session:
        return list(session.exec(select(model)).all())


def api_check(client, question_id, answer, client_attempt_id=None, slug="beta"):
    body = {"answer": answer}
    if client_attempt_id is not None:
        body["client_attempt_id"] = client_attempt_id
    return client.post(f"/api/v1/quizzes/{slug}/questions/{question_id}/check", json=body,
                       headers={"X-CSRF-Token": csrf_token(client)})


def api_submit(client, client_attempt_id, answers, slug="beta"):
    return client.post(f"/api/v1/quizzes/{slug}/attempts",
                       json={"client_attempt_id": client_attempt_id, "answers": answers},
                       headers={"X-CSRF-Token": csrf_token(client)})


def hidden_fields(response) -> dict:
    form = soup_of(response).select_one("form.quiz-form")
    return {i["name"]: i["value"] for i in form.select("input[type=hidden]")}


def form_check(client, hidden, question_id, answers, url=BETA_URL):
    """Press a question's Check button in the no-JavaScript form, then go on with the form the
    response shows, as a browser does: `hidden` is updated in place. The first check may make
    this browser's user, which re-binds the CSRF token: the form and the cookie must agree."""
    response = client.post(url, data={**hidden, **answers, "check": question_id},
                           follow_redirects=False)
    if response.status_code == 200:
        hidden.update(hidden_fields(response))
        assert hidden["csrf_token"] == client.cookies["csrftoken"]
    return response

