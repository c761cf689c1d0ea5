"""Attempts under load and under a crash, against a real uvicorn process."""

import asyncio
import functools
import os
import signal
import sqlite3
import sys
import threading
import time
import uuid
from collections import Counter

import httpx
import pytest
from sqlalchemy import create_engine, event, text

from app.errors import Conflict
from app.services import attempts, grading
from tests.support import (
    FIXTURE_CONTENT,
    local_http,
    start_server,
    stop_server,
)

ANSWERS = {
    "alpha-single": ["microsoft"],
    "alpha-multiple": ["data", "accounts"],
    "alpha-tf": ["false"],
    "alpha-matrix": {"information-and-data": "customer", "network-controls": "shared",
                     "operating-system": "microsoft"},
}


class User:
    """A browser: cookies (CSRF + session) and one HTTP client per thread that uses them."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        with local_http(base_url) as client:
            client.get("/healthz")
            response = self._post(client, str(uuid.uuid4()))
            assert response.status_code == 201, response.text
            self.cookies = dict(client.cookies)

    def submit(self, client_attempt_id: str, timeout: float = 30) -> httpx.Response:
        with local_http(self.base_url, cookies=self.cookies, timeout=timeout) as c:
            return self._post(c, client_attempt_id)

    @staticmethod
    def _post(client: httpx.Client, client_attempt_id: str) -> httpx.Response:
        return client.post("/api/v1/quizzes/alpha/attempts",
                           json={"client_attempt_id": client_attempt_id, "answers": ANSWERS},
                           headers={"X-CSRF-Token": client.cookies["csrftoken"]})


def table_counts(database_url: str) -> dict[str, int]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        counts = {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                  for table in ("learner", "attempt", "answer")}
        counts["progress_attempts"] = connection.execute(
            text("SELECT coalesce(sum(attempts), 0) FROM quiz_progress")).scalar_one()
        counts["first"] = connection.execute(
            text("SELECT count(*) FROM attempt WHERE is_first")).scalar_one()
    engine.dispose()
    return counts


def test_fifty_concurrent_submissions_store_exactly_the_expected_rows(tmp_path, database_url):
    process, base_url = start_server(database_url, tmp_path / "var", content=FIXTURE_CONTENT,
                                     workers=2)
    try:
        learners = [User(base_url) for _ in range(5)]
        # 50 submissions: 30 distinct (learner, id) pairs, 20 of them replayed at the same time
        jobs = [(learners[i % 5], f"concurrent-{i:04d}") for i in range(30)]
        jobs += jobs[:20]
        barrier = threading.Barrier(len(jobs))
        statuses: list[tuple[str, int]] = []
        bodies: dict[tuple[str, int], list[dict]] = {}

        def run(learner: User, client_id: str) -> None:
            barrier.wait()
            response = learner.submit(client_id)
            statuses.append((client_id, response.status_code))
            bodies.setdefault((client_id, response.status_code), []).append(response.json())

        threads = [threading.Thread(target=run, args=job) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        stop_server(process)

    assert len(statuses) == 50
    by_id = Counter((client_id, status) for client_id, status in statuses)
    for index in range(30):
        client_id = f"concurrent-{index:04d}"
        assert by_id[(client_id, 201)] == 1, statuses
        assert by_id[(client_id, 200)] == (1 if index < 20 else 0), statuses
        if index < 20:  # the replay answers with the stored result, whichever worker took it
            assert bodies[(client_id, 200)] == bodies[(client_id, 201)]
    counts = table_counts(database_url)
    assert counts == {"learner": 5, "attempt": 35, "answer": 140, "progress_attempts": 35,
                      "first": 5}


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_sigkill_during_batched_submissions_loses_no_acknowledged_attempt(tmp_path):
    """Two workers and 16 browsers at once, so each worker's writer commits batches; then
    every process dies at once. Every 201 a browser got must be on disk, whole."""
    database = tmp_path / "crash.db"
    process, base_url = start_server(f"sqlite:///{database}", tmp_path / "var",
                                     content=FIXTURE_CONTENT, workers=2)
    acknowledged: list[str] = []
    stop_flag = threading.Event()
    try:
        learners = [User(base_url) for _ in range(4)]

        def stream(learner: User) -> None:
            while not stop_flag.is_set():
                client_id = str(uuid.uuid4())
                try:
                    if learner.submit(client_id, timeout=10).status_code == 201:
                        acknowledged.append(client_id)
                except httpx.HTTPError:
                    return  # the server is gone

        threads = [threading.Thread(target=stream, args=(learners[n % 4],)) for n in range(16)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while len(acknowledged) < 100 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGKILL)  # uvicorn and both workers, mid-batch
        process.wait(timeout=10)
        stop_flag.set()
        for thread in threads:
            thread.join(timeout=15)
    finally:
        stop_flag.set()
        stop_server(process)

    assert len(acknowledged) >= 100
    connection = sqlite3.connect(database)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = {row[0] for row in connection.execute("SELECT client_attempt_id FROM attempt")}
        answers_per_attempt = set(connection.execute(
            "SELECT count(answer.id) FROM attempt LEFT JOIN answer "
            "ON answer.attempt_id = attempt.id GROUP BY attempt.id").fetchall())
        progress = connection.execute("SELECT sum(attempts) FROM quiz_progress").fetchone()[0]
    finally:
        connection.close()
    assert set(acknowledged) <= stored
    assert answers_per_attempt == {(4,)}  # no attempt was half-written
    assert progress == len(stored)  # nor its summary


# --- one batch, through the app's Database (group commit on SQLite, a pool on PostgreSQL)


def test_a_failing_submission_does_not_affect_the_others_in_its_batch(app):
    db = app.state.database
    quiz = app.state.guide.quiz("alpha")

    def attempt(client_id: str, slug: str = "alpha"):
        return attempts.new_attempt(quiz_slug=slug, client_attempt_id=client_id, kind="full",
                                    graded=grading.grade_quiz(quiz, ANSWERS), pass_percent=80.0)

    first = db.write_now(attempts.submit_attempt, token=None, days=30, attempt=attempt("first"))
    token = first.new_token

    def stores_then_fails(session):
        attempts.submit_attempt(session.connection(), token=token, days=30,
                                attempt=attempt("undone"))
        raise ValueError("changed my mind")

    async def one_batch():  # started at once from one loop: on SQLite, one batch
        commits = []
        event.listen(db.engine, "commit", lambda _connection: commits.append(1))
        submit = functools.partial(db.write, attempts.submit_attempt, token=token, days=30)
        return await asyncio.gather(
            submit(attempt=attempt("a")), submit(attempt=attempt("first", slug="beta")),
            db.write(stores_then_fails), submit(attempt=attempt("first")),
            submit(attempt=attempt("b")), return_exceptions=True), commits

    (a, conflict, failed, replay, b), commits = asyncio.run(one_batch())
    assert (a.created, b.created) == (True, True)
    assert isinstance(conflict, Conflict)
    assert isinstance(failed, ValueError)
    assert (replay.created, replay.attempt) == (False, first.attempt)
    assert len(replay.answers) == 4
    if db.engine.dialect.name == "sqlite":
        assert len(commits) == 1  # the five together
    counts = table_counts(db.engine.url.render_as_string(hide_password=False))
    assert counts == {"learner": 1, "attempt": 3, "answer": 12, "progress_attempts": 3,
                      "first": 1}
