"""Start the dashboard on a free localhost port and drive it with Debian's Chromium."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
SIZES = {"1920": (1920, 1080), "1366": (1366, 768)}  # the meeting room's two screens
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`antt-map serve` in a subprocess; its output is kept to explain a failed start."""

    def __init__(self, store: Path, log: Path, extra: tuple[str, ...] = (), port: int = 0):
        self.store = store
        self.port = port or free_port()
        self.url = f"http://localhost:{self.port}"
        self.log = log
        self._fh = open(log, "w")  # noqa: SIM115 (closed in stop())
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dashboard.cli",
                "serve",
                "--store",
                str(store),
                "--headless",
                "--port",
                str(self.port),
                *extra,
            ],
            stdout=self._fh,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"server not ready after {timeout}s: {self.log.read_text()}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._fh.close()


def chromium_path() -> str:
    path = shutil.which("chromium")
    if not path:
        raise RuntimeError(
            "Debian's chromium is not installed: apt-get install chromium (bash .ci/run does)"
        )
    return path


class OfflineGuard:
    """Aborts and records every request to a host other than this machine."""

    def __init__(self, page):
        self.blocked: list[str] = []
        page.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        host = urlparse(url).hostname
        if url.startswith(("data:", "blob:")) or host in ("localhost", "127.0.0.1"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


def map_frame(page, not_key: str | None = None, timeout: float = 60):
    """The map's iframe once values were applied (and differ from `not_key`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                key = frame.evaluate("() => window.antt && window.antt.appliedKey")
            except Exception:  # frame detached while the page reruns
                continue
            if key and key != not_key:
                return frame, key
        time.sleep(0.2)
    raise AssertionError("the map was not drawn in time")


def map_eval(page, expr: str) -> list:
    """`expr` evaluated in every map iframe on the page now. A change of base map
    replaces the iframe, so a frame held from before may be gone: ask the page again."""
    values = []
    for frame in page.frames:
        try:
            value = frame.evaluate(f"() => window.antt && window.antt.appliedKey ? ({expr}) : null")
        except Exception:  # frame detached while the page reruns
            continue
        if value is not None:
            values.append(value)
    return values


def wait_for(predicate, timeout: float = 30, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


IDLE = """() => { const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.dataset.testScriptState === "notRunning"
    && app.dataset.testConnectionState === "CONNECTED"; }"""


def wait_idle(page, timeout: float = 60) -> None:
    """Until Streamlit is not running the script, as its frontend says (`stApp`'s
    `data-test-script-state`, set the moment a rerun is asked for), twice in a row: a
    map drawn by the last run reports itself to the server just after the run ends.
    (The status widget this used to watch appears only half a second into a run.)"""
    quiet = 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        quiet = quiet + 1 if page.evaluate(IDLE) else 0
        if quiet >= 3:
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the app to finish running")


def pick_option(page, combobox: str, option: str, typed: str = "") -> None:
    """Open a selectbox and click one of its options, as a person does: the box brought
    on screen first (a click that scrolls the page opens the list and the scroll closes
    it again), then `typed` to filter a long list; the choice stays once the page is idle."""
    wait_idle(page)
    box = page.get_by_role("combobox", name=combobox)
    box.scroll_into_view_if_needed()
    box.click()
    if typed:
        page.keyboard.type(typed)
    page.get_by_role("option", name=option).click()
    wait_for(lambda: box.input_value() == option, what=f"{option} chosen in {combobox}")
    wait_idle(page)
    assert box.input_value() == option, f"{option} did not stay chosen in {combobox}"


@contextlib.contextmanager
def serving(store: Path, folder: Path):
    """`antt-map serve` on the store at `store`, ready, stopped afterwards."""
    ARTIFACTS.mkdir(exist_ok=True)
    srv = Server(store, folder / "server.log")
    try:
        srv.wait_ready()
        yield srv
    finally:
        srv.stop()


@contextlib.contextmanager
def served_copy(source: Path, folder: Path):
    """`antt-map serve` on a copy of the store at `source`, for tests that write to it."""
    store = folder / "antt.gpkg"
    shutil.copy(source, store)
    with serving(store, folder) as srv:
        yield srv


class Wire:
    """Bytes a page receives, as Chromium's DevTools protocol counts them: websocket
    frame payloads (`Network.webSocketFrameReceived`) and HTTP responses as they came
    over the network (`Network.loadingFinished.encodedDataLength`; a response served
    from the browser's cache counts 0). `reset()` starts a new phase. It only watches:
    `OfflineGuard` intercepts requests, and Chromium turns its HTTP cache off for a page
    whose requests are intercepted, so caching can only be measured with `Wire`."""

    def __init__(self, context, page):
        import base64

        self._b64 = base64.b64decode
        self.cdp = context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.ws_frames: list[int] = []
        self.http: dict[str, int] = {}
        self.urls: dict[str, str] = {}
        self.cached: set[str] = set()
        self.external: list[str] = []  # requests to another host (this machine is offline)
        self.requested: list[str] = []  # HTTP URLs in the order the page asked for them
        self.sent: list[bytes] = []  # binary websocket messages the page sent (BackMsgs)
        self.cdp.on("Network.requestWillBeSent", self._request)
        self.cdp.on("Network.webSocketFrameSent", self._sent)
        self.cdp.on("Network.webSocketFrameReceived", self._frame)
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.requestServedFromCache", lambda e: self.cached.add(e["requestId"]))
        self.cdp.on("Network.loadingFinished", self._finished)

    def _request(self, e) -> None:
        url = e["request"]["url"]
        host = urlparse(url).hostname
        if not url.startswith(("data:", "blob:")) and host not in ("localhost", "127.0.0.1"):
            self.external.append(url)
        if url.startswith("http"):
            self.requested.append(url)

    def _sent(self, e) -> None:
        if e["response"]["opcode"] == 2:
            self.sent.append(self._b64(e["response"]["payloadData"]))

    def _frame(self, e) -> None:
        r = e["response"]
        data = r["payloadData"]
        self.ws_frames.append(len(self._b64(data)) if r["opcode"] == 2 else len(data.encode()))

    def _response(self, e) -> None:
        self.urls[e["requestId"]] = e["response"]["url"]
        if e["response"].get("fromDiskCache") or e["response"].get("fromPrefetchCache"):
            self.cached.add(e["requestId"])

    def _finished(self, e) -> None:
        self.http[e["requestId"]] = 0 if e["requestId"] in self.cached else e["encodedDataLength"]

    def reset(self) -> None:
        self.ws_frames.clear()
        self.requested.clear()
        self.sent.clear()
        self.http.clear()
        self.urls.clear()
        self.cached.clear()

    @property
    def ws_bytes(self) -> int:
        return sum(self.ws_frames)

    @property
    def http_bytes(self) -> int:
        return sum(self.http.values())

    def http_requests(self) -> int:
        return len(self.http)

    def geometry(self) -> tuple[int, int]:
        """(bytes over the network, requests) for the display geometry (`/geo/`)."""
        ids = [i for i, u in self.urls.items() if "/geo/" in u]
        return sum(self.http.get(i, 0) for i in ids), len(ids)


@contextlib.contextmanager
def offline_page(browser, width: int, height: int, shot: str):
    """A page in a new browser context of that size that may reach no other host; its
    screenshot is kept in test-artifacts/ as `shot`.png when the test ends (`shot`-failed.png
    when it fails)."""
    ctx = browser.new_context(viewport={"width": width, "height": height})
    pg = ctx.new_page()
    guard = OfflineGuard(pg)
    try:
        yield pg
        pg.screenshot(path=str(ARTIFACTS / f"{shot}.png"))
    except BaseException:
        with contextlib.suppress(Exception):  # what the page showed when the test failed
            pg.screenshot(path=str(ARTIFACTS / f"{shot}-failed.png"))
        raise
    finally:
        ctx.close()
    assert guard.blocked == [], f"requests to other hosts: {guard.blocked[:5]}"


def href(page) -> str:
    """The page's address now (`page.url` lags behind pushState)."""
    return page.evaluate("() => location.href")


def click_unit(page, frame, code: str) -> None:
    """Move the pointer onto unit `code` of the map in `frame` and click it, as a hand
    does (the tooltip is bound on the way in)."""
    # the map first settles (a frame sized after the page laid out refits it once)
    view = "() => { const m = window.antt.map, c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }"
    last = None
    for _ in range(50):
        now = frame.evaluate(view)
        if now == last:
            break
        last = now
        time.sleep(0.3)
    x, y = frame.evaluate(
        """(code) => { const l = window.antt.units.getLayers().find(x => x.options.code === code);
                   const p = window.antt.map.latLngToContainerPoint(l.getBounds().getCenter());
                   return [p.x, p.y]; }""",
        code,
    )
    box = frame.frame_element().bounding_box()
    page.mouse.move(box["x"] + x - 2, box["y"] + y, steps=3)
    page.mouse.move(box["x"] + x, box["y"] + y, steps=3)
    page.mouse.click(box["x"] + x, box["y"] + y)


class AddressHold:
    """Holds back the server's new-address messages (`page_info_changed`) on the page's
    websocket until `release()`, every other message passing as it comes: the page then
    sends its next input with the address before, as it does for real when a person is
    quicker than the last run's end. It must be made before the page's first visit."""

    def __init__(self, page):
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._msg = ForwardMsg
        self.holding = False
        self.held: list[bytes] = []
        self._to_page = None
        page.route_web_socket("**/_stcore/stream", self._route)

    def _route(self, ws) -> None:
        server = ws.connect_to_server()
        ws.on_message(server.send)
        server.on_message(lambda m: self._from_server(ws, m))

    def _from_server(self, ws, message) -> None:
        if self.holding and isinstance(message, bytes):
            msg = self._msg()
            msg.ParseFromString(message)
            if msg.WhichOneof("type") == "page_info_changed":
                self.held.append(message)
                self._to_page = ws
                return
        ws.send(message)

    def release(self) -> None:
        self.holding = False
        for message in self.held:
            self._to_page.send(message)
        self.held.clear()
