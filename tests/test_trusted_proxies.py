"""X-Forwarded-For is believed only from GUIDE_TRUSTED_PROXIES (default: nobody), so a client
cannot pick the address the sign-in throttle counts it under."""

import os
import subprocess
import sys

import pytest

from app.cli import proxy_options
from app.config import Settings
from tests.support import (
    REAL_CONTENT,
    ROOT,
    TEST_SECRET,
    TEST_SETTINGS,
    free_port,
    local_http,
    wait_until_up,
)

WRONG = {"email": "ada@example.com", "password": "wrong password!"}


def test_proxy_headers_are_off_without_trusted_proxies():
    assert proxy_options(Settings()) == {"proxy_headers": False, "forwarded_allow_ips": ""}
    trusted = Settings(trusted_proxies=" 10.0.0.1, 10.0.0.2 ")
    assert proxy_options(trusted) == {"proxy_headers": True,
                                      "forwarded_allow_ips": "10.0.0.1,10.0.0.2"}


@pytest.fixture
def guide_serve(tmp_path, database_url):
    """`guide serve` itself (not bare uvicorn): it decides whether forwarded headers count."""
    servers = []

    def start(**env_overrides) -> str:
        port = free_port()
        env = {**os.environ, "GUIDE_DATABASE_URL": database_url,
               "GUIDE_CONTENT_DIR": str(REAL_CONTENT), "GUIDE_VAR_DIR": str(tmp_path / "var"),
               "GUIDE_SECRET_KEY": TEST_SECRET, "GUIDE_PORT": str(port),
               "GUIDE_BASE_URL": f"http://127.0.0.1:{port}",
               **{f"GUIDE_{k.upper()}": str(v) for k, v in TEST_SETTINGS.items()},
               **env_overrides}
        process = subprocess.Popen([sys.executable, "-m", "app.cli", "serve"], cwd=ROOT, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        servers.append(process)
        base_url = f"http://127.0.0.1:{port}"
        wait_until_up(base_url, process)
        return base_url

    yield start
    for process in servers:
        process.terminate()
        process.wait(timeout=10)


def fail_from_many_forwarded_addresses(base_url: str) -> list[int]:
    with local_http(base_url) as http:
        http.get("/healthz")
        token = http.cookies["csrftoken"]
        return [http.post("/api/v1/auth/login", json=WRONG, headers={
            "X-CSRF-Token": token, "X-Forwarded-For": f"198.51.100.{n}"}).status_code
            for n in range(6)]


def test_forwarded_for_does_not_change_the_counted_client_by_default(guide_serve):
    statuses = fail_from_many_forwarded_addresses(guide_serve())

    assert statuses == [401] * 5 + [429]  # all counted as 127.0.0.1


def test_forwarded_for_is_believed_from_a_trusted_proxy(guide_serve):
    statuses = fail_from_many_forwarded_addresses(guide_serve(GUIDE_TRUSTED_PROXIES="127.0.0.1"))

    assert statuses == [401] * 6  # six different clients, one failure each
