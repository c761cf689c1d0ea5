"""The minimal durable ceiling for quiz submissions, and the Writer's own overhead against it.

Run: .venv/bin/python -m bench.write_ceiling [--seconds 10] [--connections 50] [--slug faq]

Three raw ASGI apps (no FastAPI, no sessions, no grading), each under 2 uvicorn workers on a
fresh SQLite file (WAL, synchronous=FULL), driven by wrk with bench/submit.lua. Each stores
what a quiz submission stores: the progress upsert, the is-first look-up, one attempt row,
one answer row per question and the learner's last-active update; each answers 201 only
after the COMMIT that holds the submission has returned.

- ceiling: stdlib sqlite3 with group commit, the same SQL written by hand. One writer thread
  per worker takes everything queued, BEGIN IMMEDIATE, a SAVEPOINT per submission (the
  Writer's contract: one bad submission cannot spoil its batch), one COMMIT, then answers.
  The workers take turns with an flock, as the Writer does.
- writer: the same app and the same SQL on the same sqlite3 connection, but as units of work
  through app.writer.Writer (ORM Session, SAVEPOINT via SQLAlchemy, futures): the difference
  to the ceiling is the Writer's own cost.
- writer+freeze: the same, with freeze_startup_garbage() after start-up.
- writer+service: the Writer with the app's app.services.attempts.store_attempt as the unit
  (the same statements as app.db.Prepared): what the hot path's statements cost.

Prints submissions/s and p99 of each, the ratio writer/ceiling, units per COMMIT per worker,
and whether the stored attempts match wrk's 2xx count. The workers share one listening socket,
so wrk's 50 connections may land unevenly (even all on one worker): read the per-worker lines
before trusting a ratio.
"""

import argparse
import json
import os
import sqlite3
import tempfile
import uuid
from pathlib import Path

from sqlmodel import Session, SQLModel

from bench._servers import ROOT, free_port, run_wrk_measuring_cpu, stop, wait_for
from bench.quiz_submit import SCRIPT, correct_answers, cpu_summary, stored_attempts

VARIANTS = ("ceiling", "writer", "writer+freeze", "writer+service")
PATH = "/submit"


def prepare_database(database: Path) -> None:
    """The app's tables and one learner who submits everything."""
    import app.models  # noqa: F401 - registers the tables
    from app.db import make_engine
    from app.models import User

    engine = make_engine(f"sqlite:///{database}")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(User(id=1))
        session.commit()
    engine.dispose()


def start_server(variant: str, database: Path):
    import subprocess
    import sys

    port = free_port()
    env = {**os.environ, "BENCH_VARIANT": variant, "BENCH_DATABASE": str(database)}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "bench._ceiling_apps:create_app",
         "--host", "127.0.0.1", "--port", str(port), "--workers", "2", "--no-access-log",
         "--log-level", "warning"], cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    wait_for(url + "/healthz", process)
    return process, url


def measure(variant: str, args, answers: dict) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "ceiling.db"
        prepare_database(database)
        process, url = start_server(variant, database)
        try:
            os.environ.update(BENCH_LEARNERS="-|-", BENCH_PATH=PATH,
                              BENCH_ANSWERS=json.dumps(answers), BENCH_RUN=uuid.uuid4().hex[:8])
            result = run_wrk_measuring_cpu(process, url + PATH, seconds=args.seconds,
                                           connections=args.connections, threads=2,
                                           script=SCRIPT)
        finally:
            stop(process)
        result["stored"] = stored_attempts(database)
        result["integrity"] = _integrity(database)
    return result


def _integrity(database: Path) -> str:
    connection = sqlite3.connect(database)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--slug", default="faq")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    args = parser.parse_args()
    answers = correct_answers(args.slug)
    print(f"quiz {args.slug}: {len(answers)} answer rows per submission, "
          f"{args.connections} connections, {args.seconds} s, 2 workers")
    results, consistent = {}, True
    for variant in args.variants.split(","):
        result = results[variant] = measure(variant, args, answers)
        ok = result["requests"] - result["non_2xx"]
        in_flight = result["stored"] - ok
        consistent &= (0 <= in_flight <= args.connections and not result["non_2xx"]
                       and result["integrity"] == "ok")
        print(f"{variant:>14}: {result['rps']:6.0f} submissions/s  p99 {result['p99_ms']:6.1f} ms"
              f"  2xx {ok}  non-2xx {result['non_2xx']}  stored {result['stored']}"
              f" (+{in_flight} in flight)  integrity {result['integrity']}{cpu_summary(result)}",
              flush=True)
    if "ceiling" in results:
        for variant in [name for name in results if name != "ceiling"]:
            ratio = results[variant]["rps"] / results["ceiling"]["rps"]
            print(f"ratio {variant}/ceiling: {ratio:.2f}")
    print(f"storage matches responses: {'yes' if consistent else 'NO'}")
    return 0 if consistent else 1


if __name__ == "__main__":
    raise SystemExit(main())
