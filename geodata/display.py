"""Display geometry: simplified once per version, level and zoom band, then encoded
compactly for the browser.

Simplification is done on the whole coverage (shared edges stay shared, so no gaps
open between neighbours) in the equal-area CRS with a tolerance fitted to the extent
shown. Coordinates are quantised and delta-encoded as integers, which makes the
national commune map several times smaller than GeoJSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from geodata.schema import EQUAL_AREA_CRS, STORAGE_CRS


@dataclass(frozen=True)
class Band:
    """A zoom band: simplification tolerance (m) and quantisation step (degrees)."""

    name: str
    tolerance_m: float
    quantum_deg: float


BANDS = {
    "country": Band("country", 250.0, 1e-4),
    "province": Band("province", 40.0, 1e-4),
    "local": Band("local", 5.0, 1e-5),
}


def band_for_area(area_level: str | None) -> Band:
    """Whole country -> coarse; a province -> medium; a district or commune -> fine."""
    if area_level is None:
        return BANDS["country"]
    if area_level == "province":
        return BANDS["province"]
    return BANDS["local"]


def simplify_coverage(shapes: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Topology-preserving simplification of a whole level (EPSG:4326 in and out)."""
    metric = shapes.geometry.to_crs(EQUAL_AREA_CRS).to_numpy()
    simple = shapely.coverage_simplify(metric, tolerance_m)
    out = shapes.copy()
    out["geometry"] = gpd.GeoSeries(simple, crs=EQUAL_AREA_CRS).to_crs(STORAGE_CRS).to_numpy()
    return out


def encode_rings(geom, quantum: float) -> list[list[list[int]]]:
    """Polygons -> [[ring as [x0, y0, dx1, dy1, ...] in quanta], ...] per polygon.

    Consecutive duplicate points after quantisation are dropped; rings that collapse
    below three points are left out.
    """
    polys = []
    for poly in shapely.get_parts(geom):
        rings = []
        for ring in (poly.exterior, *poly.interiors):
            q = np.round(np.asarray(ring.coords)[:, :2] / quantum).astype(np.int64)
            keep = np.r_[True, np.any(q[1:] != q[:-1], axis=1)]
            q = q[keep]
            if len(q) < 4:
                continue
            d = np.vstack([q[:1], np.diff(q, axis=0)])
            rings.append(d.ravel().tolist())
        if rings:
            polys.append(rings)
    return polys


def encode_layer(
    shapes: gpd.GeoDataFrame, quantum: float, props: tuple[str, ...] = ("code",)
) -> str:
    """A compact JSON document {q, f: [[props..., polygons], ...]} for the map script."""
    feats = [
        [*(str(v) for v in row[:-1]), encode_rings(row[-1], quantum)]
        for row in shapes[[*props, "geometry"]].itertuples(index=False, name=None)
    ]
    return json.dumps({"q": quantum, "f": feats}, separators=(",", ":"), ensure_ascii=False)


def decode_layer(text: str) -> list[tuple[list[str], list]]:
    """Inverse of `encode_layer`: props and polygons (rings as coordinate arrays) in degrees."""
    doc = json.loads(text)
    q = doc["q"]
    out = []
    for feat in doc["f"]:
        *props, polys = feat
        decoded = []
        for rings in polys:
            rs = []
            for ring in rings:
                a = np.cumsum(np.asarray(ring, dtype=np.int64).reshape(-1, 2), axis=0) * q
                rs.append(a)
            decoded.append(rs)
        out.append((props, decoded))
    return out
