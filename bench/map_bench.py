"""The national commune map as people use it, measured where they feel it.

Starts `antt-map serve` on a copy of the store and drives Debian's Chromium through the
DevTools protocol (see `tests.browser_support.Wire`): bytes on the websocket and over
HTTP, times until the map is drawn in the page, the server's memory from /proc. One
command prints every row of the README's "Measured" table, with its target:

- first map after the server started (cold), on the demo and on a detailed coverage
  (the demo edges densified and perturbed to ~1,000 vertices per commune, imported as
  official boundaries, so the display geometry is prepared at import as in real use);
- first map on a warm server in a new browser, and a second page load (geometry bytes:
  0 when the browser's cache serves it);
- a filter change (the year slider, moved with the keyboard as a person does): bytes on
  the websocket and time until the map is restyled;
- N simultaneous sessions (median and worst time to the map's data received and to
  drawn), server memory, memory retained per closed session;
- the national commune PNG export on the detailed coverage (whole command, peak memory);
- the same view through `GeoDataFrame.explore()` + `st_folium` (Leaflet served
  locally), bytes and time per filter change, and the ratios.

    python bench/map_bench.py [--store data/antt.gpkg] [--quick] [--sessions 1,4,8,16]

`--quick` (province level, 1 and 2 sessions, a small detailed coverage) is what the test
suite runs so the script cannot rot; its numbers are not the README's.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser_support import (  # noqa: E402
    CHROMIUM_ARGS,
    OfflineGuard,
    Server,
    Wire,
    chromium_path,
    free_port,
)

TARGETS = {
    "ws_change_mb": 0.3,
    "geometry_second_load_mb": 0.0,
    "warm_first_s": 2.0,
    "cold_demo_s": 3.0,
    "cold_detailed_s": 5.0,
    "export_s": 5.0,
    "export_gb": 0.5,
    "change_s": 0.3,
    "sessions16_data_s": 4.0,
    "retained_mb": 5.0,
    "explore_bytes_x": 20.0,
    "explore_time_x": 10.0,
}
DRAWN_JS = """() => { const A = window.antt; if (!A || !A.units || !A.appliedKey) return null;
  return {key: A.appliedKey, n: A.units.getLayers().length, at: A.appliedAt}; }"""
ARRIVED_JS = "() => !!(window.antt && window.antt.pending)"


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
        t = time.perf_counter()
        page.goto(f"{self.url}/?{self.query}")
        state = wait_state(page, lambda v: v["n"] == self.n)
        return time.perf_counter() - t, state

    def change_year(self, page, state) -> float:
        """Move the year slider one step with the keyboard; seconds until restyled."""
        wait_running_done(page)
        slider = page.get_by_role("slider").first
        slider.focus()
        t = time.perf_counter()
        slider.press("ArrowLeft")
        wait_state(page, lambda v: v["key"] != state["key"] and v["n"] == self.n)
        took = time.perf_counter() - t
        wait_running_done(page)
        return took


def sessions_at_once(bench: Bench, n: int) -> tuple[list[float], list[float]]:
    """n browser contexts open the map at the same moment; per session, seconds until
    the map's values arrived in the page and until it was drawn, from the page's own
    clock (`antt.valuesAt`, `antt.appliedAt`), so polling n pages from one thread adds
    nothing to what is measured."""
    pages = [bench.new_page() for _ in range(n)]
    t0 = time.time() * 1000
    for _ctx, page, _w in pages:
        page.evaluate(f"() => {{ window.location.href = '{bench.url}/?{bench.query}'; }}")
    stamps: dict[int, tuple[float, float]] = {}
    js = """() => { const A = window.antt; if (!A || !A.units || !A.appliedKey) return null;
      return {n: A.units.getLayers().length, values: A.valuesAt, drawn: A.appliedAt}; }"""
    deadline = time.monotonic() + 900
    while len(stamps) < n and time.monotonic() < deadline:
        for i, (_ctx, page, _w) in enumerate(pages):
            if i not in stamps:
                v = map_state(page, js)
                if v and v["n"] == bench.n:
                    stamps[i] = ((v["values"] - t0) / 1000, (v["drawn"] - t0) / 1000)
        time.sleep(0.1)
    for ctx, _page, _w in pages:
        ctx.close()
    if len(stamps) < n:
        raise RuntimeError(f"only {len(stamps)}/{n} sessions drew the map")
    return [a for a, _ in stamps.values()], [b for _, b in stamps.values()]


def detailed_store(source: Path, folder: Path, level: str, vertices: int) -> Path:
    """A copy of the store whose `level` units of vn-2024 are densified and perturbed to
    ~`vertices` each and imported as official boundaries (display geometry prepared
    by the import, as for a real file)."""
    import numpy as np
    import shapely

    from geodata.schema import EQUAL_AREA_CRS
    from geodata.store import GpkgStore

    out = folder / "detailed.gpkg"
    shutil.copy(source, out)
    units = GpkgStore.open(out).unit_shapes("vn-2024", level)
    m = units.to_crs(EQUAL_AREA_CRS)
    per = shapely.length(m.geometry.to_numpy()) / vertices
    dense = shapely.segmentize(m.geometry.to_numpy(), max_segment_length=float(np.median(per)))
    dense = shapely.set_precision(dense, 1.0)  # shared vertices identical on both sides

    def wobble(xy):
        return xy + 40.0 * np.column_stack([np.sin(xy[:, 1] / 900.0), np.cos(xy[:, 0] / 700.0)])

    shapes = units[["code", "name", "geometry"]].copy()
    shapes["geometry"] = shapely.transform(dense, wobble)
    shapes = shapes.set_crs(EQUAL_AREA_CRS, allow_override=True).to_crs(4326)
    shapes = shapes.rename(columns={"code": "MA", "name": "TEN"})
    gj = folder / "detailed.gpkg.src.gpkg"
    shapes.to_file(gj, driver="GPKG")
    cmd = [sys.executable, "-m", "dashboard.cli", "import-boundaries", str(gj), "--store",
           str(out), "--version", "vn-2024", "--level", level, "--code-field", "MA"]  # fmt: skip
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"import of the detailed coverage failed: {r.stderr}")
    vert = int(shapely.get_num_coordinates(shapes.geometry.to_numpy()).sum())
    print(
        f"detailed coverage: {len(shapes):,} units, {vert:,} vertices ({vert // len(shapes):,} per unit)"
    )
    return out


def export_png(store: Path, level: str, folder: Path) -> tuple[float, float]:
    """Whole `antt-map export` command: seconds, and the peak memory (GB) of that process
    alone (ru_maxrss of all children would include the detailed import before it)."""
    code = (
        "import resource, sys\n"
        "from dashboard.cli import main\n"
        "rc = main(sys.argv[1:])\n"
        "print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(rc)\n"
    )
    t = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-c", code, "export", "--store", str(store), "--year", "2020",
         "--level", level, "--metric", "model_density", "--out", str(folder / "national.png")],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    took = time.perf_counter() - t
    if r.returncode != 0:
        raise RuntimeError(f"export failed: {r.stderr}")
    kb = int(r.stderr.rsplit("MAXRSS", 1)[1].split()[0])
    return took, kb / 1024 / 1024


def explore_server(store: Path, folder: Path, level: str):
    """`GeoDataFrame.explore()` + `st_folium` on the same view, Leaflet served locally."""
    app = folder / "explore_app.py"
    app.write_text(
        f"""import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from streamlit_folium import st_folium
from dashboard.assets import STATIC_CSS, STATIC_JS
from dashboard.map_view import OfflineMap
from geodata.query import query_view
from geodata.store import GpkgStore
from geodata.view import MapView

store = GpkgStore.open({str(store)!r})
year = st.slider("Năm", 2014, 2026, 2020)
view = MapView("model_density", {level!r}, year, year)
result = query_view(store, view)

@st.cache_resource
def shapes(version):
    return store.unit_shapes(version, {level!r})[["code", "name", "geometry"]]

gdf = shapes(result.version.version).merge(result.rows[["code", "value"]], on="code")
class StaticMap(OfflineMap):  # Leaflet through Streamlit's static serving
    default_js, default_css = STATIC_JS, STATIC_CSS

m = StaticMap(location=(16, 106.5), zoom_start=5, tiles=None)
gdf.explore(m=m, column="value", scheme="quantiles", k=5, tooltip=["code", "name", "value"], legend=False)  # its legend needs d3 from a CDN
st_folium(m, key="map", height=640, returned_objects=[])
"""
    )
    static = folder / "static"
    shutil.copytree(ROOT / "dashboard" / "static", static, dirs_exist_ok=True)
    port = free_port()
    log = open(folder / "explore.log", "w")  # noqa: SIM115 (closed by the caller)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port),
         "--server.headless", "true", "--server.enableStaticServing", "true",
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        stdout=log, stderr=subprocess.STDOUT, cwd=folder,
    )  # fmt: skip
    return proc, log, f"http://localhost:{port}"


def explore_change(browser, url: str, n_units: int) -> tuple[int, float]:
    """Bytes on the websocket and seconds until drawn for one year change in explore()."""
    import urllib.request

    for _ in range(300):
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = ctx.new_page()
    OfflineGuard(page)
    wire = Wire(ctx, page)
    count_js = """() => { if (!window.map) return null; let n = 0;
      window.map.eachLayer(l => { if (l.feature) n++; }); return {n: n, key: String(n)}; }"""
    page.goto(url)
    wait_state(page, lambda v: v["n"] >= n_units, js=count_js)
    wait_running_done(page)
    slider = page.get_by_role("slider").first
    slider.focus()
    wire.reset()
    # st_folium replaces the whole map: wait for a new map object carrying every unit
    for f in page.frames:
        with contextlib.suppress(Exception):  # a frame detached by a rerun
            f.evaluate("() => { if (window.map) window.map.__old = true; }")
    t = time.perf_counter()
    slider.press("ArrowLeft")
    fresh_js = count_js.replace(
        "if (!window.map) return null;", "if (!window.map || window.map.__old) return null;"
    )
    wait_state(page, lambda v: v["n"] >= n_units, js=fresh_js)
    took = time.perf_counter() - t
    wait_running_done(page)
    ctx.close()
    return wire.ws_bytes, took


def progress(r: dict, *keys: str) -> None:
    """Each figure as soon as it is measured (a long run that fails keeps what it had)."""
    print("  " + ", ".join(f"{k} = {r[k]:.3f}" for k in keys), flush=True)


def run(args) -> dict:
    from playwright.sync_api import sync_playwright

    from geodata.build import build_demo_store

    quick = args.quick
    level = "province" if quick else "commune"
    n_units = 63 if quick else 10040
    query = f"level={level}&from=2020&to=2020&metric=model_density"
    sessions = [1, 2] if quick else [int(x) for x in args.sessions.split(",")]
    folder = Path(tempfile.mkdtemp(prefix="antt-map-bench-"))
    r: dict = {"quick": quick, "units": n_units}
    try:
        store = folder / "antt.gpkg"
        if args.store:
            shutil.copy(args.store, store)
        else:
            build_demo_store(store)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            srv = Server(store, folder / "server.log")
            srv.wait_ready()
            try:
                b = Bench(browser, srv.url, n_units, query)
                ctx, page, wire = b.new_page()
                r["cold_demo_s"], state = b.open_map(page)
                r["first_ws_mb"] = wire.ws_bytes / 1e6
                r["first_http_mb"] = wire.http_bytes / 1e6
                r["first_http_requests"] = wire.http_requests()
                r["geometry_first_mb"] = wire.geometry()[0] / 1e6
                progress(r, "cold_demo_s", "first_ws_mb", "first_http_mb", "geometry_first_mb")
                # a filter change
                changes, ws = [], []
                for _ in range(2 if quick else 5):
                    wire.reset()
                    changes.append(b.change_year(page, state))
                    ws.append(wire.ws_bytes)
                    state = map_state(page)
                r["change_s"] = statistics.median(changes)
                r["ws_change_mb"] = statistics.median(ws) / 1e6
                progress(r, "change_s", "ws_change_mb")
                # a second page load in the same browser
                wire.reset()
                page.reload()
                wait_state(page, lambda v: v["n"] == n_units)
                r["geometry_second_load_mb"], r["geometry_second_requests"] = (
                    wire.geometry()[0] / 1e6,
                    wire.geometry()[1],
                )
                r["second_http_mb"] = wire.http_bytes / 1e6
                progress(r, "geometry_second_load_mb", "second_http_mb")
                ctx.close()
                # warm server, new browser (empty cache)
                warm = []
                for _ in range(2 if quick else 3):
                    ctx, page, wire = b.new_page()
                    warm.append(b.open_map(page)[0])
                    ctx.close()
                r["warm_first_s"] = statistics.median(warm)
                progress(r, "warm_first_s")
                # memory retained per closed session
                rss0 = rss_mb(srv.proc.pid)
                n_seq = 3 if quick else 50
                for _ in range(n_seq):
                    ctx, page, wire = b.new_page()
                    b.open_map(page)
                    ctx.close()
                time.sleep(2)
                r["retained_mb"] = (rss_mb(srv.proc.pid) - rss0) / n_seq
                r["retained_sessions"] = n_seq
                progress(r, "retained_mb")
                # simultaneous sessions
                r["sessions"] = {}
                for n in sessions:
                    cpu0 = cpu_s(srv.proc.pid)
                    arrived, drawn = sessions_at_once(b, n)
                    r["sessions"][n] = {
                        "data_median_s": statistics.median(arrived),
                        "data_worst_s": max(arrived),
                        "drawn_median_s": statistics.median(drawn),
                        "drawn_worst_s": max(drawn),
                        "rss_mb": rss_mb(srv.proc.pid),
                        "server_cpu_s": cpu_s(srv.proc.pid) - cpu0,
                    }
                    print(f"  [{n} sessions] {r['sessions'][n]}", flush=True)
                r["external"] = b.external()
            finally:
                srv.stop()
            # cold first map on the detailed coverage
            detailed = detailed_store(store, folder, level, 60 if quick else 1000)
            srv = Server(detailed, folder / "server-detailed.log")
            srv.wait_ready()
            try:
                b = Bench(browser, srv.url, n_units, query)
                ctx, page, _wire = b.new_page()
                r["cold_detailed_s"] = b.open_map(page)[0]
                progress(r, "cold_detailed_s")
                ctx.close()
            finally:
                srv.stop()
            r["export_s"], r["export_gb"] = export_png(detailed, level, folder)
            progress(r, "export_s", "export_gb")
            # explore() on the demo store
            proc, log, url = explore_server(store, folder, level)
            try:
                r["explore_ws_change_mb"], r["explore_change_s"] = explore_change(
                    browser, url, n_units
                )
                r["explore_ws_change_mb"] /= 1e6
            finally:
                proc.terminate()
                proc.wait(10)
                log.close()
            browser.close()
        r["explore_bytes_x"] = r["explore_ws_change_mb"] / max(r["ws_change_mb"], 1e-9)
        r["explore_time_x"] = r["explore_change_s"] / max(r["change_s"], 1e-9)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report(r)
    return r


def report(r: dict) -> None:
    t = TARGETS
    what = (
        "province map (63 units), quick mode"
        if r["quick"]
        else "national commune map (10,040 units)"
    )
    print(f"{what}; Chromium via the DevTools protocol; this machine")
    rows = [
        ("websocket bytes per filter change", f"{r['ws_change_mb']:.3f} MB", f"≤ {t['ws_change_mb']} MB"),
        ("geometry bytes on a second page load", f"{r['geometry_second_load_mb']:.3f} MB "
         f"({r['geometry_second_requests']} requests, from cache)", "0 (browser cache)"),
        ("first page: websocket / HTTP", f"{r['first_ws_mb']:.2f} MB / {r['first_http_mb']:.2f} MB "
         f"in {r['first_http_requests']} requests (geometry {r['geometry_first_mb']:.2f} MB)", "—"),
        ("second page load: HTTP", f"{r['second_http_mb']:.2f} MB", "—"),
        ("warm first map drawn (new browser)", f"{r['warm_first_s']:.2f} s", f"≤ {t['warm_first_s']} s"),
        ("first map after restart, demo", f"{r['cold_demo_s']:.2f} s", f"≤ {t['cold_demo_s']} s"),
        ("first map after restart, detailed", f"{r['cold_detailed_s']:.2f} s", f"≤ {t['cold_detailed_s']} s"),
        ("PNG export on the detailed coverage", f"{r['export_s']:.2f} s, {r['export_gb']:.2f} GB",
         f"≤ {t['export_s']} s, ≤ {t['export_gb']} GB"),
        ("filter change to restyled", f"{r['change_s']:.2f} s", f"≤ {t['change_s']} s"),
    ]  # fmt: skip
    for n, s in r["sessions"].items():
        rows.append((
            f"{n} simultaneous sessions: data received median / worst; drawn median / worst",
            f"{s['data_median_s']:.1f} / {s['data_worst_s']:.1f} s; {s['drawn_median_s']:.1f} / "
            f"{s['drawn_worst_s']:.1f} s; server {s['rss_mb']:.0f} MB, "
            f"{s['server_cpu_s'] / n:.2f} s CPU per session",
            f"median data ≤ {t['sessions16_data_s']} s at 16" if n == 16 else "—",
        ))  # fmt: skip
    rows += [
        (f"memory retained per closed session ({r['retained_sessions']} sessions)",
         f"{r['retained_mb']:.1f} MB", f"≤ {t['retained_mb']} MB"),
        ("explore() + st_folium: websocket bytes / time per change",
         f"{r['explore_ws_change_mb']:.2f} MB / {r['explore_change_s']:.2f} s", "—"),
        ("vs explore(): bytes per change / change time",
         f"{r['explore_bytes_x']:.1f}× / {r['explore_time_x']:.1f}×",
         f"≥ {t['explore_bytes_x']:.0f}× / ≥ {t['explore_time_x']:.0f}×"),
    ]  # fmt: skip
    rows.append(("requests to other hosts (nothing may reach the internet)",
                 str(len(r["external"])), "0"))  # fmt: skip
    width = max(len(a) for a, _, _ in rows)
    for a, b, c in rows:
        print(f"| {a:<{width}} | {b} | {c} |")


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", help="a store to copy (default: build the demo store)")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sessions", default="1,4,8,16")
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    main()
