"""Many users at once, measured for the server: what one real Chromium fetched and sent
when it opened the map, replayed by N light clients at the same moment.

At a meeting every leader's browser runs on their own machine. Here the server and every
browser share two cores, and one Chromium page booting Streamlit's frontend and drawing
10,040 polygons needs more CPU than the server spends on its session, so N Chromium pages
measure mostly Chromium. A replayed session asks the server for exactly what the browser
asked: every HTTP request of a new browser (gzip accepted, six connections, as Chromium
opens), then on the websocket the browser's own run requests, each once the run before
has finished (one since a new map stopped reporting itself with a second run). It times
when the map's data arrived on the socket and when the last run finished, and decodes
nothing it does not need, so it leaves the cores to the server.
"""

from __future__ import annotations

import http.client
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlparse

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

MAP_DATA = b"window.antt.pending"  # the values script inside the map element's delta


@dataclass(frozen=True)
class Recording:
    """What a new browser asked for when it opened the map (see `tests.browser_support.Wire`)."""

    urls: tuple[str, ...]
    messages: tuple[bytes, ...]  # the page's run requests (BackMsg rerun_script), in order


def recording(wire) -> Recording:
    base = None
    urls = []
    for u in wire.requested:
        p = urlparse(u)
        base = base or f"{p.scheme}://{p.netloc}"
        if u.startswith(base) and "/_stcore/stream" not in u:
            urls.append(u[len(base) :])
    runs = []
    for raw in wire.sent:
        msg = BackMsg()
        msg.ParseFromString(raw)
        if msg.WhichOneof("type") == "rerun_script":
            runs.append(raw)
    if not runs:
        raise RuntimeError("the page asked for no run on its websocket: nothing to replay")
    return Recording(tuple(urls), tuple(runs))


def _fetch_all(host: str, port: int, paths: list[str], agent: str = "") -> int:
    """Every path over six keep-alive connections; bytes received (compressed)."""
    lock, todo, total = threading.Lock(), list(paths), [0]

    def worker() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=300)
        while True:
            with lock:
                if not todo:
                    break
                path = todo.pop(0)
            headers = {"Accept-Encoding": "gzip"} | ({"User-Agent": agent} if agent else {})
            conn.request("GET", path, headers=headers)
            body = conn.getresponse().read()
            with lock:
                total[0] += len(body)
        conn.close()

    with ThreadPoolExecutor(6) as pool:
        for _ in range(6):
            pool.submit(worker)
    return total[0]


def _until_finished(ws, t0: float, data_at: list[float]) -> None:
    while True:
        raw = ws.recv(timeout=300)
        if not data_at and MAP_DATA in raw:
            data_at.append(time.perf_counter() - t0)
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        if msg.WhichOneof("type") == "script_finished":
            return


def replay(rec: Recording, url: str, start: threading.Event, agent: str = "") -> dict:
    """One session; seconds from `start` to the map's data on the socket and to the end
    of its last run, and the HTTP bytes it received. `agent` is its User-Agent (behind
    nginx, which replica serves a browser depends on its address and browser)."""
    p = urlparse(url)
    start.wait()
    t0 = time.perf_counter()
    http_bytes = _fetch_all(p.hostname, p.port, list(rec.urls), agent)
    data_at: list[float] = []
    with connect(
        f"ws://{p.netloc}/_stcore/stream",
        subprotocols=["streamlit"],
        origin=f"{p.scheme}://{p.netloc}",
        max_size=None,
        open_timeout=300,
        user_agent_header=agent or None,
    ) as ws:
        for message in rec.messages:  # one run since a new map stopped reporting itself
            ws.send(message)
            _until_finished(ws, t0, data_at)
        done = time.perf_counter() - t0
    if not data_at:
        raise RuntimeError("a replayed session never received the map's data")
    return {"data_s": data_at[0], "done_s": done, "http_bytes": http_bytes}


def replay_many(rec: Recording, url: str, n: int, start: threading.Event) -> list:
    """n replayed sessions, each in its own thread (and with its own User-Agent, as n
    browsers have), released together by `start`; the returned list is filled as they
    finish, and a session that failed is counted in `errors` (join the threads to wait)."""
    results: list[dict] = []
    errors: list[str] = []

    def run(i: int) -> None:
        try:
            results.append(replay(rec, url, start, f"antt-bench-replay-{i}"))
        except Exception as err:  # counted: the bench reports errors, it does not hide them
            errors.append(f"{type(err).__name__}: {err}")

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    return [results, threads, errors]
