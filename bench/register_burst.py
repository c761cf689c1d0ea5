"""A burst of concurrent sign-ups with production argon2 (64 MiB per hash): server memory and
page latency while it lasts.

Run: .venv/bin/python -m bench.register_burst [--registrations 100] [--per-hour 1000]
Starts the real server (one uvicorn worker, SQLite, GUIDE_REGISTRATIONS_PER_HOUR=--per-hour so
the burst from 127.0.0.1 is not simply refused; pass --per-hour 10 to see the throttle), fires
the registrations at once (a barrier), keeps reading a chapter page meanwhile, and prints the
status counts, the server's peak RSS (VmHWM) and the page views' p50/p99.
"""

import argparse
import os
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from bench._servers import start_guide, stop

PAGE = "/chapters/how-it-works"


def memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def register_all(url: str, count: int) -> Counter:
    barrier = threading.Barrier(count)
    statuses: Counter = Counter()
    lock = threading.Lock()

    def register(number: int) -> None:
        with httpx.Client(base_url=url, timeout=300) as http:
            http.get("/healthz")
            token = http.cookies["csrftoken"]
            barrier.wait()
            response = http.post("/api/v1/auth/register", headers={"X-CSRF-Token": token},
                                 json={"email": f"burst{number}@example.com",
                                       "password": "correct horse battery",
                                       "display_name": f"Burst {number}"})
        with lock:
            statuses[response.status_code] += 1

    threads = [threading.Thread(target=register, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def read_pages(url: str, stop_event: threading.Event, latencies: list[float]) -> None:
    with httpx.Client(base_url=url, timeout=60) as http:
        http.get(PAGE)  # a visitor with cookies: a real render, not the shared page cache
        while not stop_event.is_set():
            started = time.perf_counter()
            http.get(PAGE).raise_for_status()
            latencies.append((time.perf_counter() - started) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--registrations", type=int, default=100)
    parser.add_argument("--per-hour", type=int, default=1000)
    parser.add_argument("--readers", type=int, default=2)
    args = parser.parse_args()
    os.environ["GUIDE_REGISTRATIONS_PER_HOUR"] = str(args.per_hour)
    with tempfile.TemporaryDirectory() as tmp:
        process, url = start_guide(Path(tmp), workers=1)  # one process: its VmHWM is the peak
        try:
            idle = memory_kib(process.pid, "VmRSS")
            stop_event, latencies = threading.Event(), []
            readers = [threading.Thread(target=read_pages, args=(url, stop_event, latencies))
                       for _ in range(args.readers)]
            for reader in readers:
                reader.start()
            started = time.perf_counter()
            statuses = register_all(url, args.registrations)
            seconds = time.perf_counter() - started
            stop_event.set()
            for reader in readers:
                reader.join()
            peak = memory_kib(process.pid, "VmHWM")
        finally:
            stop(process)
    cuts = statistics.quantiles(latencies, n=100)
    print(f"registrations: {args.registrations} at once in {seconds:.1f} s, "
          f"statuses {dict(sorted(statuses.items()))}")
    print(f"server RSS: idle {idle / 1024:.0f} MiB, peak (VmHWM) {peak / 1024:.0f} MiB")
    print(f"page views during the burst: {len(latencies)}, p50 {cuts[49]:.0f} ms, "
          f"p99 {cuts[98]:.0f} ms")


if __name__ == "__main__":
    main()
