"""X-Forwarded-For is believed only from GUIDE_TRUSTED_PROXIES (default: nobody), so a client
cannot pick the address the sign-in throttle counts it under."""


import pytest

from app.cli import proxy_options
from app.config import Settings
from tests.support import (
    local_http,
    start_server,
    stop_server,
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

    def start(**environment) -> str:
        process, base_url = start_server(database_url, tmp_path / "var", guide_serve=True,
                                         **environment)
        servers.append(process)
        return base_url

    yield start
    for process in servers:
        stop_server(process)


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
