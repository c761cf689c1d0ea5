"""Helpers shared by the benchmarks: free ports, the real server, wrk and its output."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from app.config import Settings

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_guide(var_dir: Path, *, workers: int = 2, database_url: str | None = None,
                port: int | None = None) -> tuple[subprocess.Popen, str]:
    """The real app under uvicorn (no access log), on the real content, with `guide serve`'s
    keep-alive (bench/scale_out.py puts nginx in front)."""
    port = port or free_port()
    env = {**os.environ, "GUIDE_VAR_DIR": str(var_dir), "GUIDE_CONTENT_DIR": str(ROOT / "content"),
           "GUIDE_SECRET_KEY": "bench-secret"}
    if database_url:
        env["GUIDE_DATABASE_URL"] = database_url
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app", "--host",
         "127.0.0.1", "--port", str(port), "--workers", str(workers), "--no-access-log",
         "--timeout-keep-alive", str(Settings.model_fields["keep_alive_seconds"].default),
         "--log-level", "warning"], cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    wait_for(url + "/healthz", process)
    return process, url


def wait_for(url: str, process: subprocess.Popen | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def workers_cpu(process: subprocess.Popen) -> list[float]:
    """CPU seconds (user + system) each worker of a uvicorn `--workers` process has used so far,
    or the process itself without workers (Linux /proc; an empty list elsewhere)."""
    try:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    except OSError:
        return []
    # multiprocessing's resource tracker is a child too, but no worker
    children = [pid for pid in children if b"resource_tracker" not in _cmdline(pid)]
    children = children or [str(process.pid)]
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = []
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds.append((int(fields[11]) + int(fields[12])) / ticks)  # utime, stime
    return seconds


def _cmdline(pid: str) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def run_wrk_measuring_cpu(process: subprocess.Popen, url: str, **options) -> dict:
    """run_wrk, plus each worker's CPU seconds during the run ("worker_cpu") and the CPU time
    per request ("cpu_ms_per_request"): a figure that an uneven spread of wrk's connections over
    the workers (which moves requests/s by a fifth) does not move."""
    before = workers_cpu(process)
    result = run_wrk(url, **options)
    after = workers_cpu(process)
    used = [end - start for start, end in zip(before, after, strict=False)]
    result["worker_cpu"] = used
    result["cpu_ms_per_request"] = 1000 * sum(used) / max(result["requests"], 1) if used else None
    return result


def run_wrk(url: str, *, seconds: int = 10, connections: int = 50, threads: int = 1,
            script: Path | None = None, headers: dict | None = None) -> dict:
    """Run wrk with latency stats; return requests/s, p99 (ms), non-2xx count, requests."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
               "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def parse_wrk(output: str) -> dict:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return {"rps": rps, "p99_ms": float(p99.group(1)) * scale, "requests": requests,
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0, "raw": output}
