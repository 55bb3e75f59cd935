"""The heavier comparisons of `map_bench.py`: a detailed coverage imported as official
boundaries, the national PNG export on it, and the same view through
`GeoDataFrame.explore()` + `st_folium` (Leaflet served locally)."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

from map_bench_pages import ROOT, wait_running_done, wait_state
from peak import run_cli

from tests.browser_support import OfflineGuard, Wire, free_port


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
    alone (see `peak`)."""
    proc, took, peak_mib = run_cli(
        ["export", "--store", str(store), "--year", "2020", "--level", level,
         "--metric", "model_density", "--out", str(folder / "national.png")]
    )  # fmt: skip
    if proc.returncode != 0:
        raise RuntimeError(f"export failed: {proc.stderr}")
    return took, peak_mib / 1024


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
    page.evaluate(
        "() => document.addEventListener('keydown', () => { window.__keyAt = Date.now(); },"
        " {capture: true, once: true})"
    )
    slider.press("ArrowLeft")
    fresh_js = count_js.replace(
        "if (!window.map) return null;", "if (!window.map || window.map.__old) return null;"
    )
    wait_state(page, lambda v: v["n"] >= n_units, js=fresh_js)
    # on the page's clock, from the key to the frame after the new map's layers (as ours)
    painted = None
    for f in page.frames:
        with contextlib.suppress(Exception):
            if f.evaluate("() => !!(window.map && !window.map.__old)"):
                painted = f.evaluate(
                    "() => new Promise(r => requestAnimationFrame(() => setTimeout(() => r(Date.now()))))"
                )
                break
    took = (painted - page.evaluate("() => window.__keyAt")) / 1000
    wait_running_done(page)
    ctx.close()
    return wire.ws_bytes, took
