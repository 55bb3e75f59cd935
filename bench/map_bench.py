"""Map performance on the national commune view (10,040 units), in one run.

Prints, for the demo coverage and for a detailed coverage (~1,000 vertices per
commune, the demo edges densified and perturbed):
- payload sent to the browser by our map vs GeoDataFrame.explore() on the same view;
- server time of a filter change (query, classes, values, map strings) vs explore();
- first map drawn after the page is opened (headless Chromium, demo store only).
Targets (README): payload <= 4 MB, filter change <= 0.5 s, first map <= 5 s.

    python bench/map_bench.py [--store data/antt.gpkg] [--no-browser]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
import warnings
from pathlib import Path

import numpy as np
import shapely
from streamlit_folium import _get_feature_group_string, _get_map_string

from dashboard.map_view import base_layers, base_map, values_layer, values_payload
from geodata.classify import classify, palette_for
from geodata.display import BANDS, DisplayLayers, simplify_coverage
from geodata.query import query_view
from geodata.schema import EQUAL_AREA_CRS
from geodata.store import GpkgStore
from geodata.view import MapView

VIEW = MapView("model_density", "commune", 2020, 2020)
CHANGED = MapView("certified_share", "commune", 2019, 2019)


def timed(fn, repeat=5):
    out, times = None, []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, statistics.median(times)


def base_for(units, outlines):
    band = BANDS["country"]
    su = simplify_coverage(units[["code", "name", "province_code", "geometry"]], band.tolerance_m)
    so = simplify_coverage(outlines[["code", "geometry"]], band.tolerance_m)
    minx, miny, maxx, maxy = su.total_bounds
    return base_layers(
        DisplayLayers(su, so, ((miny, minx), (maxy, maxx)), band), True, national=True
    )


def ours(store, base, view):
    """What a rerun after a filter change computes, up to the component's arguments."""
    result = query_view(store, view)
    classes = classify(result.rows["value"], view.scheme, view.k, palette_for(view.metric))
    fmap = base_map(base)
    fg = values_layer(values_payload(result, classes))
    fmap.get_root().render()
    script = _get_map_string(fmap)  # before the feature group is attached, as st_folium does
    fg_js = _get_feature_group_string(fg, fmap)
    return script, fg_js


def explore(store, units, view):
    result = query_view(store, view)
    gdf = units.merge(result.rows[["code", "value"]], on="code")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = gdf.explore(
            column="value",
            scheme=view.scheme,
            k=view.k,
            tiles=None,
            tooltip=["code", "name", "value"],
        )
    return m.get_root().render()


def detailed(units, vertices=1000):
    """Densify and perturb the demo coverage to ~`vertices` per commune, keeping shared
    edges identical (same points on both sides, displaced by a smooth field)."""
    m = units.to_crs(EQUAL_AREA_CRS)
    per = shapely.length(m.geometry.to_numpy()) / vertices
    dense = shapely.segmentize(m.geometry.to_numpy(), max_segment_length=float(np.median(per)))
    dense = shapely.set_precision(dense, 1.0)  # shared vertices identical on both sides

    def wobble(xy):
        return xy + 40.0 * np.column_stack([np.sin(xy[:, 1] / 900.0), np.cos(xy[:, 0] / 700.0)])

    out = units.copy()
    out["geometry"] = shapely.transform(dense, wobble)
    return out.set_crs(EQUAL_AREA_CRS, allow_override=True).to_crs(4326)


def first_map_seconds(store_path: Path, runs=3) -> list[float]:
    import shutil
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from playwright.sync_api import sync_playwright

    from tests.browser_support import CHROMIUM_ARGS, OfflineGuard, Server

    srv = Server(store_path, Path("/tmp/antt-bench-server.log"))
    srv.wait_ready()
    times = []
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
            for _ in range(runs + 1):  # the first opening also warms the server's caches
                pg = b.new_context(viewport={"width": 1500, "height": 1000}).new_page()
                OfflineGuard(pg)
                t = time.perf_counter()
                pg.goto(f"{srv.url}/?level=commune&from=2020&to=2020&metric=model_density")
                while True:
                    done = False
                    for f in pg.frames:
                        with contextlib.suppress(Exception):
                            done = f.evaluate(
                                "() => !!(window.antt && window.antt.drawnCount && window.antt.appliedKey && window.antt.drawnCount() === 10040)"
                            )
                        if done:
                            break
                    if done:
                        break
                    time.sleep(0.05)
                times.append(time.perf_counter() - t)
                pg.context.close()
            b.close()
    finally:
        srv.stop()
    return times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", default="data/antt.gpkg")
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    store = GpkgStore.open(args.store)
    units = store.unit_shapes("vn-2024", "commune")
    outlines = store.unit_shapes("vn-2024", "province")

    rows = []
    for label, u, o in (("demo", units, outlines), ("detailed", detailed(units), outlines)):
        verts = int(shapely.get_num_coordinates(u.geometry.to_numpy()).sum())
        base, prep = timed(lambda u=u, o=o: base_for(u, o), repeat=1)
        ours(store, base, VIEW)  # warm
        (script, fg_js), t_ours = timed(lambda base=base: ours(store, base, CHANGED))
        ex, t_ex = timed(
            lambda u=u: explore(store, u, CHANGED), repeat=1 if label == "detailed" else 3
        )
        p_ours = len(script.encode()) + len(fg_js.encode())
        p_ex = len(ex.encode())
        rows.append((label, verts, prep, p_ours, t_ours, p_ex, t_ex))

    print(f"national commune view, {len(units)} units; ratios are explore() / ours")
    print(
        f"{'coverage':9} {'vertices':>10} {'prep s':>7} {'payload MB':>11} {'change s':>9} "
        f"{'explore MB':>11} {'explore s':>10} {'payload x':>10} {'time x':>7}"
    )
    for label, verts, prep, p_o, t_o, p_e, t_e in rows:
        print(
            f"{label:9} {verts:10,d} {prep:7.2f} {p_o / 1e6:11.2f} {t_o:9.3f} {p_e / 1e6:11.2f} "
            f"{t_e:10.2f} {p_e / p_o:10.1f} {t_e / t_o:7.1f}"
        )
    print(
        "payload = base map script + values script (the base is sent once and then only as a "
        "hash reference while the filters change; the values alone are",
        f"{len(fg_js.encode()) / 1e6:.2f} MB)",
    )
    if not args.no_browser:
        t = first_map_seconds(Path(args.store))
        print(
            f"first map drawn after opening the page: cold server {t[0]:.1f} s; "
            f"warm median {statistics.median(t[1:]):.1f} s (runs: {', '.join(f'{x:.1f}' for x in t[1:])})"
        )


if __name__ == "__main__":
    main()
