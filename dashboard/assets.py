"""Leaflet and its plugin files, served by the app itself (no CDN, works offline).

The files come from the XStatic packages on PyPI (a normal dependency). `dashboard.server`
serves them at `/assets/<version>/…` straight from the packages, marked immutable (the
package versions are in the URL, so an upgrade is a new URL): a returning browser asks
for nothing. They are also copied into `dashboard/static/vendor/` for Streamlit's own
static serving (`/app/static/vendor/…`), used when the page runs without the server
module (`streamlit run dashboard/app.py`, the benchmark's explore() page).
"""

from __future__ import annotations

import shutil
from pathlib import Path

STATIC_DIR = Path(__file__).with_name("static")
VENDOR_DIR = STATIC_DIR / "vendor"
URL_PREFIX = "/app/static/vendor"


def _sources() -> dict[str, Path]:
    import xstatic.pkg.leaflet as leaflet
    import xstatic.pkg.leaflet_markercluster as cluster

    lf, mc = Path(leaflet.BASE_DIR), Path(cluster.BASE_DIR)
    files = {
        "leaflet/leaflet.js": lf / "leaflet.js",
        "leaflet/leaflet.css": lf / "leaflet.css",
        "markercluster/leaflet.markercluster.js": mc / "leaflet.markercluster.js",
        "markercluster/MarkerCluster.css": mc / "MarkerCluster.css",
        "markercluster/MarkerCluster.Default.css": mc / "MarkerCluster.Default.css",
    }
    files.update({f"leaflet/images/{p.name}": p for p in (lf / "images").glob("*.png")})
    return files


def ensure_static_assets(target: Path = VENDOR_DIR) -> Path | None:
    """Copy the vendored files if missing or changed; cheap when already in place.

    None when the folder cannot be written (a server's code owned by root, its replicas
    run as another user): `antt-map serve` pages load the files from `/assets/…`, which
    the server module serves straight from the packages, so nothing is missing."""
    try:
        for rel, src in _sources().items():
            dst = target / rel
            if not dst.exists() or dst.stat().st_size != src.stat().st_size:
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dst)
    except OSError:
        return None
    return target


def asset_version() -> str:
    """The XStatic package versions, as a URL segment."""
    import xstatic.pkg.leaflet as leaflet
    import xstatic.pkg.leaflet_markercluster as cluster

    return f"l{leaflet.VERSION}-m{cluster.VERSION}".replace("/", "_")


def asset_file(version: str, rel: str) -> Path | None:
    """The packaged file served at `/assets/<version>/<rel>`, or None (unknown path or
    a version this process does not serve)."""
    if version != asset_version():
        return None
    return _sources().get(rel)


ASSETS = f"/assets/{asset_version()}"
LEAFLET_JS = [("leaflet", f"{ASSETS}/leaflet/leaflet.js")]
LEAFLET_CSS = [("leaflet_css", f"{ASSETS}/leaflet/leaflet.css")]
CLUSTER_JS = [("markercluster", f"{ASSETS}/markercluster/leaflet.markercluster.js")]
CLUSTER_CSS = [
    ("markercluster_css", f"{ASSETS}/markercluster/MarkerCluster.css"),
    ("markercluster_default_css", f"{ASSETS}/markercluster/MarkerCluster.Default.css"),
]
# the same files through Streamlit's static serving (no cache headers)
STATIC_JS = [(n, u.replace(ASSETS, URL_PREFIX)) for n, u in LEAFLET_JS + CLUSTER_JS]
STATIC_CSS = [(n, u.replace(ASSETS, URL_PREFIX)) for n, u in LEAFLET_CSS + CLUSTER_CSS]
