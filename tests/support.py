"""Test helpers shared by the test modules (fixtures live in conftest.py and only there).

Import from here: `from tests.support import csrf_token, register, ...`.
"""

import socket
import subprocess
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from app.config import Settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
REAL_CONTENT = ROOT / "content"
TEST_SECRET = "test-secret-not-for-production"
ARTIFACTS = ROOT / "test-artifacts"  # screenshots and other files a test run leaves
DEFAULT_PASSWORD = "correct horse battery"
# argon2 at its cheapest: production strength is the default (tests/test_settings_documented.py)
CHEAP_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_kib": 8, "argon2_parallelism": 1}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def make_settings(tmp_path: Path, database_url: str, content_dir: Path, **overrides) -> Settings:
    return Settings(database_url=database_url, content_dir=content_dir, var_dir=tmp_path / "var",
                    secret_key=TEST_SECRET, **(CHEAP_ARGON2 | overrides))


def csrf_token(client: TestClient) -> str:
    """Visit a page (as a browser would) and return the CSRF token from the cookie jar."""
    if "csrftoken" not in client.cookies:
        client.get("/healthz")
    return client.cookies["csrftoken"]


def start_anonymous(client: TestClient, chapter: str = "alpha", section: str = "first"):
    """Make this browser's first real write (a reading position), which gives it an anonymous
    user and a sign-in cookie: reads alone never create one."""
    response = client.post("/api/v1/me/position", json={"chapter_slug": chapter,
                                                         "section": section},
                           headers={"X-CSRF-Token": csrf_token(client)})
    assert response.status_code == 204, response.text
    return response


def register(client: TestClient, email: str = "ada@example.com",
             password: str = DEFAULT_PASSWORD, display_name: str = "Ada"):
    """Create an account through the JSON API (the client is then signed in)."""
    return client.post("/api/v1/auth/register",
                       json={"email": email, "password": password, "display_name": display_name},
                       headers={"X-CSRF-Token": csrf_token(client)})


def login(client: TestClient, email: str = "ada@example.com", password: str = DEFAULT_PASSWORD):
    """Sign in through the JSON API."""
    return client.post("/api/v1/auth/login", json={"email": email, "password": password},
                       headers={"X-CSRF-Token": csrf_token(client)})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base_url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace")
            raise RuntimeError(f"server exited early:\n{output}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("server did not start within 60 s")


def axe_serious_violations(page) -> list[dict]:
    """Run axe-core on the page; return the serious and critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def describe_violations(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in violations)
