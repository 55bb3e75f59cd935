"""Driving the dashboard in Chromium for `map_bench.py`: open the map, move the year
slider, open many sessions at once, read the server's memory and CPU."""

from __future__ import annotations

import os
import time
from pathlib import Path

from tests.browser_support import Wire

ROOT = Path(__file__).resolve().parents[1]


# "drawn" is when the canvas frame with the new colours was out (`antt.paintedAt`, set
# after the animation frame that follows a restyle), on the page's own clock
DRAWN_JS = """() => { const A = window.antt; if (!A || !A.units || !A.paintedKey) return null;
  return {key: A.paintedKey, n: A.units.getLayers().length, at: A.paintedAt}; }"""
# a session's two stamps on its page's clock: the map's values arrived, the map drawn
STAMPS_JS = """() => { const A = window.antt; if (!A || !A.units || !A.paintedKey) return null;
  return {n: A.units.getLayers().length, values: A.valuesAt, drawn: A.paintedAt}; }"""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) the server process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def map_state(page, js: str = DRAWN_JS):
    for frame in page.frames:
        try:
            v = frame.evaluate(js)
        except Exception:  # a frame detached by a rerun
            continue
        if v:
            return v
    return None


def wait_state(page, pred, timeout: float = 300.0, js: str = DRAWN_JS):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = map_state(page, js)
        if v and pred(v):
            return v
        time.sleep(0.02)
    raise RuntimeError("the map was not drawn in time")


def wait_running_done(page, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.locator('[data-testid="stStatusWidget"]').count() == 0:
            return
        time.sleep(0.05)


class Bench:
    def __init__(self, browser, url: str, n_units: int, query: str):
        self.browser, self.url, self.n, self.query = browser, url, n_units, query
        self.wires: list[Wire] = []

    def external(self) -> list[str]:
        return [u for w in self.wires for u in w.external]

    def new_page(self, context=None):
        ctx = context or self.browser.new_context(viewport={"width": 1920, "height": 1080})
        page = ctx.new_page()
        wire = Wire(ctx, page)  # not OfflineGuard: intercepting requests turns the cache off
        self.wires.append(wire)
        return ctx, page, wire

    def open_map(self, page) -> tuple[float, dict]:
        """Open the map in `page`; seconds from the navigation's start to the map drawn,
        both on the page's clock."""
        page.goto(f"{self.url}/?{self.query}")
        state = wait_state(page, lambda v: v["n"] == self.n)
        start = page.evaluate("() => performance.timing.navigationStart")
        return (state["at"] - start) / 1000, state

    def change_year(self, page, state) -> float:
        """Move the year slider one step with the keyboard; seconds from the key going
        down to the map drawn in its new colours, on the page's clock."""
        wait_running_done(page)
        slider = page.get_by_role("slider").first
        slider.focus()
        page.evaluate(
            "() => document.addEventListener('keydown', () => { window.__keyAt = Date.now(); },"
            " {capture: true, once: true})"
        )
        slider.press("ArrowLeft")
        v = wait_state(page, lambda v: v["key"] != state["key"] and v["n"] == self.n)
        took = (v["at"] - page.evaluate("() => window.__keyAt")) / 1000
        wait_running_done(page)
        return took


def sessions_at_once(bench: Bench, n: int) -> tuple[list[float], list[float]]:
    """n browser contexts open the map at the same moment; per session, seconds until
    the map's values arrived in the page and until it was drawn, from the page's own
    clock (`antt.valuesAt`, `antt.paintedAt`), so polling n pages from one thread adds
    nothing to what is measured."""
    pages = [bench.new_page() for _ in range(n)]
    t0 = time.time() * 1000
    for _ctx, page, _w in pages:
        page.evaluate(f"() => {{ window.location.href = '{bench.url}/?{bench.query}'; }}")
    stamps: dict[int, tuple[float, float]] = {}
    deadline = time.monotonic() + 900
    while len(stamps) < n and time.monotonic() < deadline:
        for i, (_ctx, page, _w) in enumerate(pages):
            if i not in stamps:
                v = map_state(page, STAMPS_JS)
                if v and v["n"] == bench.n:
                    stamps[i] = ((v["values"] - t0) / 1000, (v["drawn"] - t0) / 1000)
        time.sleep(0.1)
    for ctx, _page, _w in pages:
        ctx.close()
    if len(stamps) < n:
        raise RuntimeError(f"only {len(stamps)}/{n} sessions drew the map")
    return [a for a, _ in stamps.values()], [b for _, b in stamps.values()]


def sessions_replayed(bench: Bench, rec, n: int) -> dict:
    """n sessions at the same moment as the server sees them: one real Chromium page
    (seconds to its map's data and to drawn, from the page's clock) and n - 1 replays of
    what such a page asks for (`map_bench_replay`: seconds to the map's data on the
    socket). The data times of all n are pooled."""
    import threading

    from map_bench_replay import replay_many

    ctx, page, _w = bench.new_page()
    start = threading.Event()
    results, threads, errors = replay_many(rec, bench.url, n - 1, start)
    time.sleep(0.5)  # every replay thread is waiting at `start`
    t0 = time.time() * 1000
    start.set()
    page.evaluate(f"() => {{ window.location.href = '{bench.url}/?{bench.query}'; }}")
    v = wait_state(page, lambda v: v["n"] == bench.n, timeout=900, js=STAMPS_JS)
    for t in threads:
        t.join(900)
    ctx.close()
    if len(results) + len(errors) < n - 1:
        raise RuntimeError(f"only {len(results)}/{n - 1} replayed sessions finished")
    browser_data, drawn = (v["values"] - t0) / 1000, (v["drawn"] - t0) / 1000
    return {
        "data": [browser_data] + [r["data_s"] for r in results],
        "browser_data_s": browser_data,
        "browser_drawn_s": drawn,
        "replay_done": [r["done_s"] for r in results],
        "errors": errors,
    }


def print_table(rows: list[tuple[str, str, str]]) -> None:
    """The README's table rows: what, measured, target."""
    width = max(len(a) for a, _, _ in rows)
    for a, b, c in rows:
        print(f"| {a:<{width}} | {b} | {c} |")
