"""The apps bench/write_ceiling.py measures: raw ASGI, one quiz submission per POST.

uvicorn builds one per worker with `--factory bench._ceiling_apps:create_app`; BENCH_VARIANT
picks the store (stdlib group commit, or app.writer.Writer) and BENCH_DATABASE the file.
Each worker reports on stderr, at shutdown, how many submissions shared each COMMIT.
"""

import asyncio
import fcntl
import json
import os
import queue
import sqlite3
import sys
import threading
from datetime import UTC, datetime

from sqlalchemy import event

from app.db import SQLITE_PRAGMAS, make_engine
from app.models import User
from app.services.attempts import new_attempt, store_attempt
from app.services.grading import GradedAnswer, summarise
from app.units import connection_unit
from app.writer import Writer, freeze_startup_garbage

QUIZ_SLUG, PASS_PERCENT = "faq", 70.0
LEARNER = User(id=1)


def create_app():
    variant, database = os.environ["BENCH_VARIANT"], os.environ["BENCH_DATABASE"]
    if variant == "ceiling":
        return SubmissionApp(GroupCommit(database), variant)
    store = WriterStore(database, freeze="+freeze" in variant, service="+service" in variant)
    return SubmissionApp(store, variant)


class SubmissionApp:
    """POST any path: {"client_attempt_id", "answers"} -> 201 once stored; GET /healthz."""

    def __init__(self, store, variant: str):
        self.store, self.variant = store, variant

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await self.lifespan(receive, send)
        if scope["method"] == "GET":
            return await respond(send, 200, b"ok")
        payload = json.loads(await read_body(receive))
        # No grading here: every answer counts as right, so the rows are the real ones.
        graded = [GradedAnswer(question_id, "v1", response, True, 1.0, 1.0)
                  for question_id, response in payload["answers"].items()]
        stored = await self.store.save(payload["client_attempt_id"], graded)
        await respond(send, 201, json.dumps(stored).encode())

    async def lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.store.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.store.close()
                print(f"{self.variant} worker {os.getpid()}: {self.store.units} submissions in "
                      f"{self.store.commits} COMMITs", file=sys.stderr)
                await send({"type": "lifespan.shutdown.complete"})
                return


async def read_body(receive) -> bytes:
    body, more = b"", True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    return body


async def respond(send, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})


class WriterStore:
    """app.writer.Writer running the ceiling's own statements as the unit of work (its cost
    over the ceiling is the Writer's), or with `service` the app's store_attempt (its rows built
    before the unit, Prepared statements)."""

    def __init__(self, database: str, *, freeze: bool, service: bool):
        self.engine = make_engine(f"sqlite:///{database}")
        self.writer, self.freeze, self.service = Writer(self.engine), freeze, service
        self.units = self.commits = 0

    def start(self) -> None:
        event.listen(self.engine, "commit", self._count_commit)
        self.writer.start()
        if self.freeze:
            freeze_startup_garbage()

    def close(self) -> None:
        self.writer.close()

    def _count_commit(self, _connection) -> None:
        self.commits += 1

    async def save(self, client_attempt_id: str, graded: list) -> dict:
        self.units += 1
        if not self.service:
            return await self.writer.run(store_on_driver, client_attempt_id, graded)
        attempt, _new = await self.writer.run(
            store_as_unit, learner_id=LEARNER.id, attempt=new_attempt(
                quiz_slug=QUIZ_SLUG, client_attempt_id=client_attempt_id, kind="full",
                graded=graded, pass_percent=PASS_PERCENT))
        return {"id": attempt.id, "score": attempt.score, "percent": attempt.percent,
                "passed": attempt.passed}


@connection_unit
def store_as_unit(connection, **values):
    """The app's store_attempt as the Writer runs the quiz submission: on the connection."""
    return store_attempt(connection, **values)


# --- the ceiling: stdlib sqlite3, hand-written SQL, group commit

UPSERT_PROGRESS = """
INSERT INTO quiz_progress (learner_id, quiz_slug, attempts, failed_attempts, best_percent,
                           last_percent, passed, last_attempt_at)
VALUES (:learner, :quiz, 1, :failed, :percent, :percent, :passed, :now)
ON CONFLICT (learner_id, quiz_slug) DO UPDATE SET
  attempts = quiz_progress.attempts + 1,
  failed_attempts = quiz_progress.failed_attempts + excluded.failed_attempts,
  best_percent = max(quiz_progress.best_percent, excluded.best_percent),
  last_percent = excluded.last_percent, passed = quiz_progress.passed OR excluded.passed,
  last_attempt_at = excluded.last_attempt_at"""
HAS_FULL = """SELECT id FROM attempt WHERE learner_id = :learner AND quiz_slug = :quiz
              AND kind = 'full' AND voided_at IS NULL LIMIT 1"""
INSERT_ATTEMPT = """
INSERT INTO attempt (learner_id, quiz_slug, client_attempt_id, kind, is_first, score,
                     max_score, percent, passed, created_at)
VALUES (:learner, :quiz, :client_id, 'full', :is_first, :score, :max_score, :percent,
        :passed, :now)"""
INSERT_ANSWER = """
INSERT INTO answer (attempt_id, question_id, question_version, response, correct, score,
                    max_score) VALUES (?, ?, ?, ?, ?, ?, ?)"""
TOUCH_LEARNER = "UPDATE learner SET last_active_at = :now WHERE id = :learner"


class GroupCommit:
    """One writer thread: everything queued in one BEGIN IMMEDIATE ... COMMIT, then answers."""

    def __init__(self, database: str):
        self.database, self.jobs = database, queue.SimpleQueue()
        self.units = self.commits = 0

    def start(self) -> None:
        self.thread = threading.Thread(target=self._write, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.jobs.put(None)
        self.thread.join()

    async def save(self, client_attempt_id: str, graded: list) -> dict:
        self.units += 1
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self.jobs.put((loop, future, client_attempt_id, graded))
        return await future

    def _write(self) -> None:
        connection = sqlite3.connect(self.database, isolation_level=None)
        for pragma in SQLITE_PRAGMAS:
            connection.execute(pragma)
        turn = open(f"{self.database}.write-lock", "a")  # noqa: SIM115
        while (batch := self._take()) is not None:
            fcntl.flock(turn, fcntl.LOCK_EX)
            connection.execute("BEGIN IMMEDIATE")
            outcomes = [self._in_savepoint(connection, *job[2:]) for job in batch]
            connection.execute("COMMIT")
            fcntl.flock(turn, fcntl.LOCK_UN)
            self.commits += 1
            loop = batch[0][0]  # one event loop per worker
            loop.call_soon_threadsafe(_settle, [job[1] for job in batch], outcomes)

    def _take(self):
        job = self.jobs.get()
        batch = []
        while job is not None:
            batch.append(job)
            try:
                job = self.jobs.get_nowait()
            except queue.Empty:
                return batch
        return None

    def _in_savepoint(self, connection, client_attempt_id: str, graded: list):
        connection.execute("SAVEPOINT submission")
        try:
            outcome = store_submission(connection, client_attempt_id, graded)
        except sqlite3.Error as error:
            connection.execute("ROLLBACK TO submission")
            outcome = error
        connection.execute("RELEASE submission")
        return outcome


def store_submission(connection, client_attempt_id: str, graded: list) -> dict:
    score, max_score, percent = summarise(graded)
    passed, now = percent >= PASS_PERCENT, datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    row = {"learner": LEARNER.id, "quiz": QUIZ_SLUG, "failed": int(not passed),
           "percent": percent, "passed": passed, "now": now}
    connection.execute(UPSERT_PROGRESS, row)
    is_first = connection.execute(HAS_FULL, row).fetchone() is None
    attempt_id = connection.execute(INSERT_ATTEMPT, {
        **row, "client_id": client_attempt_id, "is_first": is_first, "score": score,
        "max_score": max_score}).lastrowid
    connection.executemany(INSERT_ANSWER, [
        (attempt_id, g.question_id, g.question_version, json.dumps(g.response), g.correct,
         g.score, g.max_score) for g in graded])
    connection.execute(TOUCH_LEARNER, row)
    return {"id": attempt_id, "score": score, "percent": percent, "passed": passed}


def store_on_driver(session, client_attempt_id: str, graded: list) -> dict:
    """The ceiling's statements as a unit, on the sqlite3 connection under the session."""
    connection = session.connection().connection.driver_connection
    return store_submission(connection, client_attempt_id, graded)


def _settle(futures, outcomes) -> None:
    for future, outcome in zip(futures, outcomes, strict=True):
        if future.done():
            continue
        if isinstance(outcome, Exception):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)
