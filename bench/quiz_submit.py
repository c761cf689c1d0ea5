"""Graded quiz submissions per second: POST /api/v1/quizzes/{slug}/attempts under wrk,
against the minimal durable ceiling for the same writes.

Run: .venv/bin/python -m bench.quiz_submit [--seconds 10] [--connections 50] [--slug faq]
     [--workers 2] [--learners 1] [--postgres [URL]]
Starts the real server (2 uvicorn workers; SQLite with synchronous=FULL in a temp dir, or a
fresh database on the PostgreSQL server of --postgres, default $TEST_DATABASE_URL), signs in
--learners anonymous learners (each request goes to the next one in turn), runs wrk with
bench/submit.lua (a unique client_attempt_id per request), prints submissions/s and p99, and
checks the stored attempts against wrk's 2xx count.

On SQLite it then measures, in the same run, bench/write_ceiling.py's ceiling: stdlib sqlite3
with group commit and the same statements, no framework (2 workers, same wrk load), and
prints the app's ratio to it. Goal: ratio >= 0.6, and >= 2,000 submissions/s with p99 < 50 ms
on a quiet machine.

It first measures GET /api/v1/quizzes (no database) on the same server for 3 s: on a shared
machine that baseline shows how much CPU the run really had.
"""

import argparse
import json
import os
import secrets
import sqlite3
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.guide import load_guide
from bench._servers import ROOT, run_wrk, run_wrk_measuring_cpu, start_guide, stop

SCRIPT = Path(__file__).resolve().parent / "submit.lua"


def correct_answers(slug: str) -> dict:
    quiz = load_guide(ROOT / "content").quiz(slug)
    if quiz is None:
        raise SystemExit(f"no quiz {slug!r} in content/")
    return {q.id: q.correct_answer for q in quiz.questions}


def sign_in(url: str, path: str, answers: dict) -> tuple[str, str]:
    """One real submission from a fresh browser: it creates an anonymous learner; returns its
    CSRF token (bound to its sign-in) and session token."""
    with httpx.Client(base_url=url) as client:
        client.get("/healthz")
        response = client.post(path, json={"client_attempt_id": str(uuid.uuid4()),
                                           "answers": answers},
                               headers={"X-CSRF-Token": client.cookies["csrftoken"]})
        response.raise_for_status()
        return client.cookies["csrftoken"], client.cookies["guide_session"]


def learners_env(learners: list[tuple[str, str]]) -> str:
    """BENCH_LEARNERS for bench/submit.lua."""
    return ",".join(f"{csrf}|{session}" for csrf, session in learners)


def stored_attempts(database: Path | str) -> int:
    """Attempts in a SQLite file, or in the database of a SQLAlchemy URL."""
    if isinstance(database, str):
        engine = create_engine(database)
        try:
            with engine.connect() as connection:
                return connection.execute(text("SELECT count(*) FROM attempt")).scalar_one()
        finally:
            engine.dispose()
    connection = sqlite3.connect(database)
    try:
        return connection.execute("SELECT count(*) FROM attempt").fetchone()[0]
    finally:
        connection.close()


@contextmanager
def fresh_postgres_database(server_url: str):
    """A database of our own on the server of `server_url`, dropped afterwards."""
    name = f"guide_bench_{secrets.token_hex(4)}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def measure_app(args, answers: dict, tmp: Path, database_url: str) -> dict:
    path = f"/api/v1/quizzes/{args.slug}/attempts"
    process, url = start_guide(tmp / "var", workers=args.workers, database_url=database_url)
    try:
        baseline = run_wrk(url + "/api/v1/quizzes", seconds=3,
                           connections=args.connections, threads=min(2, args.connections))
        learners = [sign_in(url, path, answers) for _ in range(args.learners)]
        os.environ.update(BENCH_LEARNERS=learners_env(learners), BENCH_PATH=path,
                          BENCH_ANSWERS=json.dumps(answers), BENCH_RUN=uuid.uuid4().hex[:8])
        result = run_wrk_measuring_cpu(process, url + path, seconds=args.seconds,
                                       connections=args.connections,
                                       threads=min(2, args.connections), script=SCRIPT)
    finally:
        stop(process)
    result["baseline"] = baseline
    sqlite_file = database_url.removeprefix("sqlite:///")
    result["stored"] = stored_attempts(Path(sqlite_file) if sqlite_file != database_url
                                       else database_url) - args.learners  # the sign-in submissions
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--slug", default="faq")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--learners", type=int, default=1)
    parser.add_argument("--postgres", nargs="?", const=os.environ.get("TEST_DATABASE_URL"),
                        help="a PostgreSQL server URL (default $TEST_DATABASE_URL)")
    parser.add_argument("--no-ceiling", action="store_true", help="skip the ceiling run")
    args = parser.parse_args()
    answers = correct_answers(args.slug)
    with tempfile.TemporaryDirectory() as tmp:
        if args.postgres:
            with fresh_postgres_database(args.postgres) as database_url:
                result = measure_app(args, answers, Path(tmp), database_url)
        else:
            result = measure_app(args, answers, Path(tmp),
                                 f"sqlite:///{Path(tmp) / 'bench.db'}")
    ceiling = None
    if not args.postgres and not args.no_ceiling:
        from bench.write_ceiling import measure

        ceiling = measure("ceiling", args, answers)
    return report(result, ceiling, args)


def cpu_summary(result: dict) -> str:
    """A second line, "    CPU 0.62 ms per submission, workers 9.8 + 9.6 s" (empty without
    /proc)."""
    if not result.get("cpu_ms_per_request"):
        return ""
    workers = " + ".join(f"{seconds:.1f}" for seconds in result["worker_cpu"])
    return f"\n    CPU {result['cpu_ms_per_request']:.2f} ms per submission, workers {workers} s"


def report(result: dict, ceiling: dict | None, args) -> int:
    ok = result["requests"] - result["non_2xx"]
    baseline = result["baseline"]
    print(f"quiz {args.slug}: {len(correct_answers(args.slug))} questions, "
          f"{'PostgreSQL' if args.postgres else 'SQLite (synchronous=FULL)'}, "
          f"{args.workers} workers, {args.connections} connections, {args.learners} "
          f"learner(s), {args.seconds} s; load average {os.getloadavg()[0]:.1f}")
    print(f"baseline GET /api/v1/quizzes: {baseline['rps']:.0f}/s, "
          f"p99 {baseline['p99_ms']:.1f} ms")
    print(f"app submissions/s: {result['rps']:.0f}   p99: {result['p99_ms']:.1f} ms   "
          f"2xx: {ok}   non-2xx: {result['non_2xx']}{cpu_summary(result)}")
    # wrk drops the responses still in flight when time is up; the server may have stored
    # those, so the database may hold up to one more attempt per connection than wrk counted.
    in_flight = result["stored"] - ok
    print(f"attempts stored: {result['stored']} (wrk's 2xx + {in_flight} in flight at the end)")
    consistent = 0 <= in_flight <= args.connections and result["non_2xx"] == 0
    goal = result["rps"] >= 2000 and result["p99_ms"] < 50
    if ceiling is not None:
        ratio = result["rps"] / ceiling["rps"]
        print(f"ceiling (stdlib sqlite3, group commit, same SQL): {ceiling['rps']:.0f}/s   "
              f"p99: {ceiling['p99_ms']:.1f} ms{cpu_summary(ceiling)}")
        print(f"ratio app/ceiling: {ratio:.2f} (goal >= 0.6)")
        if result.get("cpu_ms_per_request") and ceiling.get("cpu_ms_per_request"):
            print(f"ratio of CPU per submission, ceiling/app: "
                  f"{ceiling['cpu_ms_per_request'] / result['cpu_ms_per_request']:.2f} "
                  f"(the same comparison, unmoved by how wrk's connections spread)")
        goal = goal and ratio >= 0.6
    print(f"storage matches responses: {'yes' if consistent else 'NO'}; "
          f"goal (>= 2000/s, p99 < 50 ms{', ratio >= 0.6' if ceiling else ''}): "
          f"{'met' if goal else 'not met'}")
    return 0 if consistent else 1


if __name__ == "__main__":
    raise SystemExit(main())
