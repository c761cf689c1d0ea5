"""Schemathesis against the real server: every operation in /openapi.json, on the configured
database (SQLite, or PostgreSQL with TEST_DATABASE_URL), must answer without a 5xx and as its
schema documents (status codes, content types, bodies).

Requests carry the CSRF cookie and header and a learner's sign-in cookie; the read-only
cohort reports (GET under /api/v1/cohorts) carry an instructor's API token instead, and
creating a cohort an instructor's sign-in. Deterministic generation (`--generation-
deterministic`: the same cases every run), so a failure in CI reproduces locally. About 820
cases in 40-55 s on a 2-core machine (examples, coverage and fuzzing phases; stateful off).
"""

import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine
from sqlmodel import Session

from app.models import CohortMember, User
from app.services import api_tokens, cohorts, sign_ins
from app.web.cookies import SIGN_IN_COOKIE
from tests.support import local_http

CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_schema_conformance")
MAX_EXAMPLES = 30
QUIZ, QUESTION = "your-side", "ys-nsg-priority"  # in content/quizzes/your-side.yaml


def _people(database_url: str) -> dict[str, str]:
    """Sign-ins of a learner and of an instructor who owns cohort 1 (the learner is in it),
    and an API token of that instructor."""
    engine = create_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            learner = User(email="fuzz-learner@example.com", display_name="Fuzz Learner")
            teacher = User(email="fuzz-teacher@example.com", display_name="Fuzz Teacher",
                           role="instructor")
            session.add_all([learner, teacher])
            session.flush()
            cohort = cohorts.create_cohort(session, owner=teacher, name="Fuzzed")
            session.flush()
            session.add(CohortMember(cohort_id=cohort.id, learner_id=learner.id))
            people = {"learner": sign_ins.create_sign_in(session, user_id=learner.id, days=1),
                      "teacher": sign_ins.create_sign_in(session, user_id=teacher.id, days=1),
                      "token": api_tokens.create_token(session, owner=teacher, name="fuzz")[1]}
            session.commit()
    finally:
        engine.dispose()
    return people


def _config(csrf: str, people: dict[str, str]) -> str:
    """The learner's cookies everywhere; the instructor's sign-in to create cohorts, the
    instructor's token on the read-only reports; real quiz ids where random ones only 404."""
    return f"""
[headers]
Cookie = "csrftoken={csrf}; {SIGN_IN_COOKIE}={people['learner']}"
X-CSRF-Token = "{csrf}"

[[operations]]
include-name = "POST /api/v1/cohorts"
headers = {{ Cookie = "csrftoken={csrf}; {SIGN_IN_COOKIE}={people['teacher']}" }}

[[operations]]
include-name-regex = "^GET /api/v1/cohorts"
headers = {{ Authorization = "Bearer {people['token']}" }}

[[operations]]
include-name = "POST /api/v1/quizzes/{{slug}}/attempts"
parameters = {{ "path.slug" = "{QUIZ}" }}

[[operations]]
include-name = "POST /api/v1/quizzes/{{slug}}/questions/{{question_id}}/check"
parameters = {{ "path.slug" = "{QUIZ}", "path.question_id" = "{QUESTION}" }}
"""


@pytest.mark.long
def test_every_api_operation_answers_as_documented(live_server, database_url, tmp_path):
    people = _people(database_url)
    with local_http(live_server) as http:
        csrf = http.get("/healthz").cookies["csrftoken"]
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(csrf, people))
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "--no-color", "--config-file", str(config),
         "run", f"{live_server}/openapi.json", "--checks", CHECKS,
         "--max-examples", str(MAX_EXAMPLES),
         "--generation-deterministic", "--workers", "1",
         "--phases", "examples,coverage,fuzzing"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    elapsed = time.monotonic() - started
    summary = run.stdout[-6000:]
    assert run.returncode == 0, f"{elapsed:.0f} s\n{summary}\n{run.stderr[-2000:]}"
    print(f"schemathesis: {elapsed:.0f} s\n{summary[-1500:]}")
