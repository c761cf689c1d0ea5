"""Two app instances on one PostgreSQL behind nginx (round robin): do they act as one site?

Run: .venv/bin/python -m bench.scale_out [--postgres URL] [--seconds 10] [--connections 50]
Starts two instances of the real app (2 uvicorn workers each, the same GUIDE_SECRET_KEY,
GUIDE_DATABASE_POOL_SIZE=10 + 5 overflow so 2 x 2 x 15 connections fit PostgreSQL's default
100) on a fresh database of the --postgres server (default $TEST_DATABASE_URL), and nginx in
front (a config in a temp dir, `nginx -p DIR -c DIR/nginx.conf`). It checks, across the
instances: a learner signed in through one is signed in on the other; a CSRF token from one
validates on the other; the same client_attempt_id sent to both at once is stored once. Then
wrk through nginx: the chapter page for a cookie-less visitor, and quiz submissions of 50
learners; it prints requests/s and p99 of each.
"""

import argparse
import json
import os
import subprocess
import tempfile
import threading
import uuid
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from bench._servers import free_port, run_wrk, start_guide, stop, wait_for
from bench.quiz_submit import (
    SCRIPT,
    correct_answers,
    fresh_postgres_database,
    learners_env,
    sign_in,
)

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  upstream guide {{ server 127.0.0.1:{a}; server 127.0.0.1:{b}; keepalive 64; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://guide;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
    }}
  }}
}}
"""


def start_nginx(directory: Path, a: str, b: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    conf = directory / "nginx.conf"
    conf.write_text(NGINX_CONF.format(dir=directory, a=a.rsplit(":", 1)[1],
                                      b=b.rsplit(":", 1)[1], port=port))
    process = subprocess.Popen(["nginx", "-p", str(directory), "-c", str(conf)])
    url = f"http://127.0.0.1:{port}"
    wait_for(url + "/healthz", process)
    return process, url


def check_one_site(a: str, b: str, path: str, answers: dict, database_url: str) -> list[str]:
    """The cross-instance checks; returns the failures (empty when all hold)."""
    failures = []
    csrf, session = sign_in(a, path, answers)  # signed in and CSRF token from instance a
    cookies = {"csrftoken": csrf, "guide_session": session}
    with httpx.Client(base_url=b, cookies=cookies) as client:
        me = client.get("/api/v1/me/progress").json()
        if me["learner"] is None:
            failures.append("a learner signed in on one instance is anonymous on the other")
        response = client.post(path, json={"client_attempt_id": str(uuid.uuid4()),
                                           "answers": answers}, headers={"X-CSRF-Token": csrf})
        if response.status_code != 201:
            failures.append(f"a CSRF token from one instance: {response.status_code} on the other")
    twin, statuses = str(uuid.uuid4()), []

    def submit(url: str) -> None:
        with httpx.Client(base_url=url, cookies=cookies, timeout=30) as client:
            statuses.append(client.post(path, json={"client_attempt_id": twin,
                                                    "answers": answers},
                                        headers={"X-CSRF-Token": csrf}).status_code)

    threads = [threading.Thread(target=submit, args=(url,)) for url in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine = create_engine(database_url)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT count(*) FROM attempt WHERE "
                                         "client_attempt_id = :id"), {"id": twin}).scalar_one()
    engine.dispose()
    if sorted(statuses) != [200, 201] or stored != 1:
        failures.append(f"one client_attempt_id sent to both: {statuses}, stored {stored} times")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--slug", default="faq")
    args = parser.parse_args()
    if not args.postgres:
        raise SystemExit("a PostgreSQL server is needed: --postgres URL or TEST_DATABASE_URL")
    answers, path = correct_answers(args.slug), f"/api/v1/quizzes/{args.slug}/attempts"
    os.environ.update(GUIDE_DATABASE_POOL_SIZE="10", GUIDE_DATABASE_MAX_OVERFLOW="5")
    processes = []
    with tempfile.TemporaryDirectory() as tmp, fresh_postgres_database(args.postgres) as db_url:
        tmp = Path(tmp)
        os.chmod(tmp, 0o755)
        try:
            first, a = start_guide(tmp / "var-a", workers=2, database_url=db_url)
            processes.append(first)
            second, b = start_guide(tmp / "var-b", workers=2, database_url=db_url)
            processes.append(second)
            nginx, url = start_nginx(tmp, a, b)
            processes.append(nginx)
            failures = check_one_site(a, b, path, answers, db_url)
            page = run_wrk(url + "/chapters/how-it-works", seconds=args.seconds,
                           connections=args.connections, threads=2)
            learners = [sign_in(url, path, answers) for _ in range(50)]
            os.environ.update(BENCH_LEARNERS=learners_env(learners), BENCH_PATH=path,
                              BENCH_ANSWERS=json.dumps(answers), BENCH_RUN=uuid.uuid4().hex[:8])
            submit = run_wrk(url + path, seconds=args.seconds, connections=args.connections,
                             threads=2, script=SCRIPT)
        finally:
            for process in reversed(processes):
                stop(process)
    print(f"2 instances x 2 workers, PostgreSQL, nginx round robin, {args.connections} "
          f"connections, {args.seconds} s; load average {os.getloadavg()[0]:.1f}")
    print("one site across instances: " + ("yes" if not failures else "; ".join(failures)))
    print(f"chapter page (cookie-less): {page['rps']:.0f}/s, p99 {page['p99_ms']:.1f} ms, "
          f"non-2xx {page['non_2xx']}")
    print(f"submissions (50 learners): {submit['rps']:.0f}/s, p99 {submit['p99_ms']:.1f} ms, "
          f"non-2xx {submit['non_2xx']}")
    return 1 if failures or page["non_2xx"] or submit["non_2xx"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
