"""`guide serve` keeps an idle connection open longer than a reverse proxy keeps its idle
connections to the app (nginx: 60 s). With uvicorn's own 5 s, nginx could send a POST on a
connection the app was just closing, and the learner got a 502 (seen in bench/scale_out.py)."""

import http.client
import time
from urllib.parse import urlsplit

from tests.support import start_server, stop_server


def test_an_idle_connection_outlives_uvicorns_default_of_five_seconds(tmp_path, database_url):
    process, base_url = start_server(database_url, tmp_path / "var", guide_serve=True)
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.request("GET", "/healthz")
        assert connection.getresponse().read() and connection.sock is not None
        opened = connection.sock
        time.sleep(6)  # idle, as a proxy's pooled connection between two requests
        connection.request("GET", "/healthz")  # on the same socket: raises if it was closed
        assert connection.getresponse().status == 200
        assert connection.sock is opened
    finally:
        connection.close()
        stop_server(process)
