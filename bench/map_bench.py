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
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from map_bench_compare import (  # noqa: E402
    detailed_store,
    explore_change,
    explore_server,
    export_png,
)
from map_bench_pages import (  # noqa: E402
    Bench,
    cpu_s,
    map_state,
    print_table,
    rss_mb,
    sessions_at_once,
    sessions_replayed,
    wait_state,
)
from map_bench_replay import recording  # noqa: E402

from tests.browser_support import CHROMIUM_ARGS, Server, chromium_path  # noqa: E402

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
            t = time.perf_counter()
            srv = Server(store, folder / "server.log")
            srv.wait_ready()
            r["startup_s"] = time.perf_counter() - t  # process start to ready (warm-up done)
            try:
                b = Bench(browser, srv.url, n_units, query)
                ctx, page, wire = b.new_page()
                r["cold_demo_s"], state = b.open_map(page)
                r["first_ws_mb"] = wire.ws_bytes / 1e6
                r["first_http_mb"] = wire.http_bytes / 1e6
                r["first_http_requests"] = wire.http_requests()
                r["geometry_first_mb"] = wire.geometry()[0] / 1e6
                progress(r, "cold_demo_s", "first_ws_mb", "first_http_mb", "geometry_first_mb")
                # what a new browser asked for: replayed below for many sessions at once
                rec = recording(wire)  # the page's one run (a new map no longer reruns it)
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
                # simultaneous sessions: one real browser and n - 1 replays of one
                r["sessions"] = {}
                for n in sessions:
                    cpu0 = cpu_s(srv.proc.pid)
                    m = sessions_replayed(b, rec, n)
                    r["sessions"][n] = {
                        "data_median_s": statistics.median(m["data"]),
                        "data_worst_s": max(m["data"]),
                        "browser_data_s": m["browser_data_s"],
                        "browser_drawn_s": m["browser_drawn_s"],
                        "rss_mb": rss_mb(srv.proc.pid),
                        "server_cpu_s": cpu_s(srv.proc.pid) - cpu0,
                    }
                    print(f"  [{n} sessions] {r['sessions'][n]}", flush=True)
                # and as many real Chromium pages, all on this machine's two cores
                n = max(sessions)
                cpu0 = cpu_s(srv.proc.pid)
                arrived, drawn = sessions_at_once(b, n)
                r["chromium"] = {
                    "n": n,
                    "data_median_s": statistics.median(arrived),
                    "drawn_median_s": statistics.median(drawn),
                    "drawn_worst_s": max(drawn),
                    "server_cpu_s": cpu_s(srv.proc.pid) - cpu0,
                }
                print(f"  [{n} Chromium pages] {r['chromium']}", flush=True)
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
        ("server start-up: process start to ready (warm-up included)", f"{r['startup_s']:.2f} s", "—"),
        ("first map after restart, demo (from ready)", f"{r['cold_demo_s']:.2f} s", f"≤ {t['cold_demo_s']} s"),
        ("first map after restart, detailed", f"{r['cold_detailed_s']:.2f} s", f"≤ {t['cold_detailed_s']} s"),
        ("PNG export on the detailed coverage", f"{r['export_s']:.2f} s, {r['export_gb']:.2f} GB",
         f"≤ {t['export_s']} s, ≤ {t['export_gb']} GB"),
        ("filter change to restyled", f"{r['change_s']:.2f} s", f"≤ {t['change_s']} s"),
    ]  # fmt: skip
    for n, s in r["sessions"].items():
        rows.append((
            f"{n} simultaneous sessions (1 Chromium + {n - 1} replayed): data received "
            "median / worst; the Chromium page's map drawn",
            f"{s['data_median_s']:.1f} / {s['data_worst_s']:.1f} s; {s['browser_drawn_s']:.1f} s; "
            f"server {s['rss_mb']:.0f} MB, {s['server_cpu_s'] / n:.2f} s CPU per session",
            f"median data ≤ {t['sessions16_data_s']} s at 16" if n == 16 else "—",
        ))  # fmt: skip
    c = r["chromium"]
    rows.append((
        f"{c['n']} Chromium pages at once on this machine: data received median; drawn "
        "median / worst",
        f"{c['data_median_s']:.1f} s; {c['drawn_median_s']:.1f} / {c['drawn_worst_s']:.1f} s; "
        f"server {c['server_cpu_s'] / c['n']:.2f} s CPU per session",
        "— (the pages' own CPU)",
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
    print_table(rows)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", help="a store to copy (default: build the demo store)")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sessions", default="1,4,8,16")
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    main()
