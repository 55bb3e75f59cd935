"""`antt-map serve` as a service manager runs it: stopping it frees its port."""

from __future__ import annotations

import socket
import time

from tests.browser_support import Server


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_terminating_serve_stops_the_dashboard_it_started(demo_build, tmp_path):
    srv = Server(demo_build.path, tmp_path / "server.log")
    try:
        srv.wait_ready()
        assert _listening(srv.port)
    finally:
        srv.stop()  # SIGTERM, as systemd or `kill` send it
    deadline = time.monotonic() + 10
    while _listening(srv.port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _listening(srv.port), "the Streamlit server outlived `antt-map serve`"
