"""`guide serve` keeps an idle connection open longer than a reverse proxy keeps its idle
connections to the app (nginx: 60 s). With uvicorn's own 5 s, nginx could send a POST on a
connection the app was just closing, and the learner got a 502 (seen in bench/scale_out.py)."""

import socket
import time
from urllib.parse import urlsplit

from tests.support import start_server, stop_server

REQUEST = b"GET /healthz HTTP/1.1\r\nHost: guide\r\n\r\n"


def read_response(sock: socket.socket) -> bytes:
    """One HTTP/1.1 response (headers and a Content-Length body); b"" once the server closed."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    while len(body) < length:
        body += sock.recv(4096)
    return data


def test_an_idle_connection_outlives_uvicorns_default_of_five_seconds(tmp_path, database_url):
    process, base_url = start_server(database_url, tmp_path / "var", guide_serve=True)
    try:
        address = urlsplit(base_url)
        with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
            sock.sendall(REQUEST)
            assert read_response(sock).startswith(b"HTTP/1.1 200")
            time.sleep(6)  # idle, as a proxy's pooled connection between two requests
            sock.sendall(REQUEST)
            assert read_response(sock).startswith(b"HTTP/1.1 200")
    finally:
        stop_server(process)
