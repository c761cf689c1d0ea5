"""Instructor dashboard at scale: 10,000 learners, about a million answers, on SQLite.

Run: .venv/bin/python bench/instructor.py [--learners 10000] [--runs 5] [--csv-runs 2]

Seeds a temporary database with `guide seed-demo`, starts the real server (one uvicorn
worker, so its RSS is the whole server), signs in as the demo instructor through the login
API and times: the cohort page (page 1), the item analysis of one quiz, the items API and
each CSV export (rows/s, and the server's RSS before and after to show memory stays flat).
Goals: cohort page and item analysis under 300 ms; CSV exports at least 100,000 rows/s.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
EMAIL, PASSWORD = "bench-instructor@example.com", "bench-password-not-secret"
QUIZ = "faq"  # the final quiz: twelve questions, the widest item analysis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def guide_env(var_dir: Path, database_url: str) -> dict:
    return {**os.environ, "GUIDE_VAR_DIR": str(var_dir), "GUIDE_DATABASE_URL": database_url,
            "GUIDE_CONTENT_DIR": str(ROOT / "content"), "GUIDE_SECRET_KEY": "bench-secret"}


def seed(env: dict, learners: int) -> tuple[int, float, str]:
    """Run `guide seed-demo`; return the cohort id, the seconds it took and its summary."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "seed-demo", "--learners", str(learners),
         "--cohort", "Bench", "--instructor-email", EMAIL, "--password-stdin"],
        input=PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT, env=env, check=True)
    seconds = time.perf_counter() - started
    summary = result.stdout.strip().splitlines()[-1]
    return int(summary.split()[1]), seconds, summary


def start_server(env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app", "--host",
         "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning"],
        cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start within 60 s")


def rss_mib(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process, in MiB, from /proc."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text()
                  .splitlines() if ":" in line)
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def sign_in(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=120)
    client.get("/healthz")
    response = client.post("/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD},
                           headers={"X-CSRF-Token": client.cookies["csrftoken"]})
    response.raise_for_status()
    return client


def time_page(client: httpx.Client, path: str, runs: int) -> dict:
    """The first (cold) request, then the median of `runs` more."""
    timings = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - started)
        response.raise_for_status()
    return {"first_ms": 1000 * timings[0], "median_ms": 1000 * statistics.median(timings[1:])}


def time_csv(client: httpx.Client, path: str, runs: int, pid: int) -> dict:
    """Stream the export, counting rows; rows/s is the median over `runs` downloads."""
    rates, rows, sizes = [], 0, 0
    before = rss_mib(pid)[0]
    for _ in range(runs):
        started, rows, sizes = time.perf_counter(), 0, 0
        with client.stream("GET", path) as response:
            response.raise_for_status()
            for chunk in response.iter_bytes():
                rows += chunk.count(b"\n")
                sizes += len(chunk)
        rates.append((rows - 1) / (time.perf_counter() - started))
    after, peak = rss_mib(pid)
    return {"rows": rows - 1, "mib": sizes / 2**20, "rows_per_s": statistics.median(rates),
            "rss_before": before, "rss_after": after, "rss_peak": peak}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5, help="timed requests per page")
    parser.add_argument("--csv-runs", type=int, default=2, help="downloads per CSV export")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="guide-bench-") as tmp:
        env = guide_env(Path(tmp), f"sqlite:///{tmp}/guide.db")
        cohort_id, seed_seconds, summary = seed(env, args.learners)
        print(f"seed-demo: {summary} (wall {seed_seconds:.1f} s, goal < 60 s)")
        process, url = start_server(env)
        try:
            report(sign_in(url), cohort_id, args, process.pid)
        finally:
            process.terminate()
            process.wait(timeout=15)
    return 0


def report(client: httpx.Client, cohort_id: int, args, pid: int) -> None:
    base = f"/instructor/cohorts/{cohort_id}"
    print(f"server RSS after start-up and sign-in: {rss_mib(pid)[0]:.0f} MiB")
    print(f"\n{'page':<34}{'first ms':>10}{'median ms':>11}  goal")
    for label, path, goal in (("cohort page (page 1)", base, "< 300 ms"),
                              (f"item analysis ({QUIZ})", f"{base}/quizzes/{QUIZ}/items",
                               "< 300 ms"),
                              ("items API (every quiz)", f"/api/v1/cohorts/{cohort_id}/items",
                               "")):
        timing = time_page(client, path, args.runs)
        print(f"{label:<34}{timing['first_ms']:>10.0f}{timing['median_ms']:>11.0f}  {goal}")
    print(f"\n{'export':<16}{'rows':>10}{'MiB':>8}{'rows/s':>10}"
          f"{'RSS before':>12}{'RSS after':>11}{'RSS peak':>10}  (MiB; goal >= 100,000 rows/s)")
    for name in ("progress.csv", "responses.csv", "items.csv"):
        r = time_csv(client, f"{base}/{name}", args.csv_runs, pid)
        print(f"{name:<16}{r['rows']:>10}{r['mib']:>8.1f}{r['rows_per_s']:>10.0f}"
              f"{r['rss_before']:>12.0f}{r['rss_after']:>11.0f}{r['rss_peak']:>10.0f}")


if __name__ == "__main__":
    sys.exit(main())
