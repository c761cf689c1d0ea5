"""Chapter page throughput: our server (2 uvicorn workers) vs nginx serving the same bytes.

Run: .venv/bin/python bench/reader.py [--seconds 10] [--slug how-it-works]
Needs Debian's wrk and nginx. Prints both throughputs and the ratio (goal: >= 0.15).
"""

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

import httpx

from bench._servers import free_port, run_wrk, start_guide, stop, wait_for

NGINX_CONF = """
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {root}/tmp; proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp; uwsgi_temp_path {root}/tmp; scgi_temp_path {root}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {root}/www;
        location / {{ default_type text/html; }}
    }}
}}
"""


def start_nginx(root: Path, html: bytes) -> tuple[subprocess.Popen, str]:
    port = free_port()
    (root / "www").mkdir(parents=True)
    (root / "tmp").mkdir()
    (root / "www" / "chapter.html").write_bytes(html)
    (root / "nginx.conf").write_text(NGINX_CONF.format(root=root, port=port))
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)  # nginx workers run as nobody
    process = subprocess.Popen(["nginx", "-p", str(root), "-c", str(root / "nginx.conf"),
                                "-g", "daemon off;"])
    url = f"http://127.0.0.1:{port}/chapter.html"
    wait_for(url, process)
    return process, url


def learner_cookies(base: str, slug: str) -> str:
    """Cookies of a browser that has visited before, so it has an (anonymous) learner."""
    with httpx.Client(base_url=base) as client:
        client.get("/")
        client.get(f"/chapters/{slug}")
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--slug", default="how-it-works")
    args = parser.parse_args()
    if not shutil.which("wrk") or not shutil.which("nginx"):
        raise SystemExit("needs wrk and nginx: apt-get install -y wrk nginx")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        tmp_path.chmod(0o755)
        guide, base = start_guide(tmp_path / "var", workers=2)
        try:
            page_url = f"{base}/chapters/{args.slug}"
            html = httpx.get(page_url).content
            nginx, nginx_url = start_nginx(tmp_path / "nginx", html)
            try:
                ours = run_wrk(page_url, seconds=args.seconds)
                theirs = run_wrk(nginx_url, seconds=args.seconds)
                learner = run_wrk(page_url, seconds=args.seconds,
                                  headers={"Cookie": learner_cookies(base, args.slug)})
            finally:
                stop(nginx)
        finally:
            stop(guide)
    print(f"page: /chapters/{args.slug} ({len(html):,} bytes), wrk -t1 -c50 -d{args.seconds}s")
    print(f"{'server':<32}{'req/s':>10}{'p99 ms':>10}{'non-2xx':>10}")
    rows = (("guide, first-contact visitor", ours), ("nginx (same bytes)", theirs),
            ("guide, signed-in learner", learner))
    for name, result in rows:
        print(f"{name:<32}{result['rps']:>10.0f}{result['p99_ms']:>10.1f}{result['non_2xx']:>10}")
    print(f"ratio guide/nginx: {ours['rps'] / theirs['rps']:.3f} (goal >= 0.15)")
    print(f"ratio learner page/nginx: {learner['rps'] / theirs['rps']:.3f} "
          "(personal page: session lookup, visit upsert, nav ticks, full render)")


if __name__ == "__main__":
    main()
