"""Schemathesis against the real server: every operation in /openapi.json, on the configured
database (SQLite, or PostgreSQL with TEST_DATABASE_URL), must answer without a 5xx and as its
schema documents (status codes, content types, bodies).

Requests carry the CSRF cookie and header and a learner's sign-in cookie; the read-only
cohort reports (GET under /api/v1/cohorts) carry an instructor's API token instead.
Seeded and deterministic, so a failure in CI reproduces locally.
"""

import subprocess
import sys
import time

import httpx
from sqlalchemy import create_engine
from sqlmodel import Session

from app.models import CohortMember, User
from app.services import api_tokens, cohorts, sign_ins
from app.web.cookies import SIGN_IN_COOKIE

CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_schema_conformance")
MAX_EXAMPLES = 30


def _people(database_url: str) -> tuple[str, str]:
    """A learner's sign-in token and an instructor's API token (who owns cohort 1)."""
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
            sign_in = sign_ins.create_sign_in(session, user_id=learner.id, days=1)
            _, secret = api_tokens.create_token(session, owner=teacher, name="fuzz")
            session.commit()
    finally:
        engine.dispose()
    return sign_in, secret


def _config(csrf: str, sign_in: str, secret: str) -> str:
    return f"""
[headers]
Cookie = "csrftoken={csrf}; {SIGN_IN_COOKIE}={sign_in}"
X-CSRF-Token = "{csrf}"

[[operations]]
include-name-regex = "^GET /api/v1/cohorts"
headers = {{ Authorization = "Bearer {secret}" }}
"""


def test_every_api_operation_answers_as_documented(live_server, database_url, tmp_path):
    sign_in, secret = _people(database_url)
    csrf = httpx.get(f"{live_server}/healthz").cookies["csrftoken"]
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(csrf, sign_in, secret))
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "--no-color", "--config-file", str(config),
         "run",
         f"{live_server}/openapi.json", "--checks", CHECKS, "--max-examples", str(MAX_EXAMPLES),
         "--generation-deterministic", "--workers", "1",
         "--phases", "examples,coverage,fuzzing"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    elapsed = time.monotonic() - started
    summary = run.stdout[-6000:]
    assert run.returncode == 0, f"{elapsed:.0f} s\n{summary}\n{run.stderr[-2000:]}"
    print(f"schemathesis: {elapsed:.0f} s\n{summary[-1500:]}")
