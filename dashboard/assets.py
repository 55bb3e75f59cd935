"""Leaflet and its plugin files, served by the app itself (no CDN, works offline).

The files come from the XStatic packages on PyPI (a normal dependency) and are copied
into `dashboard/static/vendor/` at start-up, which Streamlit serves at
`/app/static/vendor/…` when static serving is on.
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


def ensure_static_assets(target: Path = VENDOR_DIR) -> Path:
    """Copy the vendored files if missing or changed; cheap when already in place."""
    for rel, src in _sources().items():
        dst = target / rel
        if not dst.exists() or dst.stat().st_size != src.stat().st_size:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
    return target


LEAFLET_JS = [("leaflet", f"{URL_PREFIX}/leaflet/leaflet.js")]
LEAFLET_CSS = [("leaflet_css", f"{URL_PREFIX}/leaflet/leaflet.css")]
CLUSTER_JS = [("markercluster", f"{URL_PREFIX}/markercluster/leaflet.markercluster.js")]
CLUSTER_CSS = [
    ("markercluster_css", f"{URL_PREFIX}/markercluster/MarkerCluster.css"),
    ("markercluster_default_css", f"{URL_PREFIX}/markercluster/MarkerCluster.Default.css"),
]
