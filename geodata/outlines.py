"""Keep the levels of a boundary version consistent after official polygons arrive.

Official units of one level replace approximate (Voronoi) ones; what is drawn around
and beneath them must then follow, or the map shows a province outline that no longer
fits its districts, or an approximate unit lying over official ones:

1. **Same level**: an approximate unit left among official ones is clipped to what the
   official units of its level do not cover, and stays flagged approximate. If nothing
   is left (the file covers its whole territory, e.g. under a merged unit's code) it
   keeps its polygon and is reported as covered: an empty unit would vanish from the
   map and divide its figures by zero, and the overlap is the file's to explain.
2. **Below** (an official parent over approximate children, e.g. provinces imported
   over Voronoi districts and communes): approximate children are clipped to their
   parent, level by level, and stay approximate. Clipping never invents territory; a
   strip of the parent that no child covered before stays uncovered at the finer level
   (the approximate note stays on those views), which is better than stretching a
   guessed polygon over it.
3. **Above**: a parent that was not itself imported from a file is derived from its
   children (their union): official when every child is official, approximate
   otherwise, all the way up (commune → district → province in vn-2024, commune →
   province in vn-2025). A parent imported from its own file keeps that file's polygon.

Geometry in and out is EPSG:4326; areas are measured in `EQUAL_AREA_CRS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.overlay import overlay
from geodata.schema import EQUAL_AREA_CRS, LEVELS, STORAGE_CRS

# Overlaps smaller than this share of a unit are edge noise (official edges meeting
# approximate ones to the last digit), not a unit lying over another: not clipped.
OVERLAP_SHARE = 1e-6


@dataclass
class OutlineChanges:
    """What changed in a version's units (indexes into the `units` frame given)."""

    geometry: dict[int, object] = field(default_factory=dict)
    approximate: dict[int, int] = field(default_factory=dict)
    clipped: list[str] = field(default_factory=list)  # imported level, clipped
    covered: list[str] = field(default_factory=list)  # imported level, nothing left
    children_clipped: int = 0
    derived: int = 0

    @property
    def rows(self) -> list[int]:
        return sorted(set(self.geometry) | set(self.approximate))


def _polygonal(geom):
    """Only the polygons of a geometry (an overlay can leave lines and points)."""
    geom = shapely.make_valid(geom)
    parts = [
        p for p in shapely.get_parts(geom) if isinstance(p, shapely.Polygon | shapely.MultiPolygon)
    ]
    if not parts:
        return shapely.MultiPolygon()
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]


def _areas(geoms) -> np.ndarray:
    return gpd.GeoSeries(list(geoms), crs=STORAGE_CRS).to_crs(EQUAL_AREA_CRS).area.to_numpy()


def apply_official(
    units: pd.DataFrame,
    level: str,
    new: dict[str, object],
    from_files: set[tuple[str, str]] = frozenset(),
) -> OutlineChanges:
    """Put `new` polygons (code → geometry) in place for `level` and make the version's
    other levels follow (see the module docstring).

    `units` holds every unit of one version: level, code, parent_code, is_approximate,
    geometry (shapely, EPSG:4326). `from_files` lists (level, code) of units whose
    polygon came from an official file earlier: never re-derived from their children.
    """
    geom = units["geometry"].to_numpy(dtype=object).copy()
    approx = units["is_approximate"].astype(int).to_numpy().copy()
    lvl = units["level"].to_numpy()
    code = units["code"].astype(str).to_numpy()
    parent = units["parent_code"].fillna("").astype(str).to_numpy()
    out = OutlineChanges()

    def put(i: int, g=None, a: int | None = None) -> None:
        if g is not None:
            geom[i] = g
            out.geometry[i] = g
        if a is not None and a != approx[i]:
            approx[i] = a
            out.approximate[i] = a

    at = np.flatnonzero(lvl == level)
    for i in at:
        if code[i] in new:
            put(i, new[code[i]], 0)

    # 1. approximate units of the level among official ones
    official = at[approx[at] == 0]
    loose = at[approx[at] == 1]
    if len(official) and len(loose):
        tree = shapely.STRtree(geom[official])
        src, hit = tree.query(geom[loose], predicate="intersects")
        by_unit: dict[int, list[int]] = {}
        for s, h in zip(src, hit, strict=True):
            by_unit.setdefault(int(loose[s]), []).append(int(official[h]))
        for i, others in sorted(by_unit.items()):
            cover = shapely.union_all(geom[others])
            overlap = _polygonal(overlay(shapely.intersection, geom[i], cover))
            if overlap.is_empty or overlap.area <= OVERLAP_SHARE * geom[i].area:
                continue
            rest = _polygonal(overlay(shapely.difference, geom[i], cover))
            if rest.is_empty or rest.area <= OVERLAP_SHARE * geom[i].area:
                out.covered.append(code[i])
                continue
            put(i, rest)
            out.clipped.append(code[i])

    order = [lv for lv in LEVELS if lv in set(lvl)]
    if level not in order:  # no unit of that level in the version: nothing to follow
        return out
    rank = order.index(level)
    index = {(lv, c): i for i, (lv, c) in enumerate(zip(lvl, code, strict=True))}

    # 2. approximate children clipped to a parent whose polygon changed
    for up, down in zip(order[rank:], order[rank + 1 :], strict=False):
        moved = {code[i] for i in out.geometry if lvl[i] == up}
        for i in np.flatnonzero((lvl == down) & (approx == 1)):
            if parent[i] not in moved:
                continue
            p = index.get((up, parent[i]))
            if p is None:
                continue
            inside = _polygonal(overlay(shapely.intersection, geom[i], geom[p]))
            lost = geom[i].area - inside.area
            if inside.is_empty or lost <= OVERLAP_SHARE * geom[i].area:
                continue
            put(i, inside)
            out.children_clipped += 1

    # 3. parents derived from their children, finest level first
    for up, down in reversed(list(pairwise(order[: rank + 1]))):
        changed = {parent[i] for i in out.rows if lvl[i] == down}
        kids = np.flatnonzero(lvl == down)
        for pc in sorted(changed):
            p = index.get((up, pc))
            if p is None or (up, pc) in from_files:
                continue
            mine = kids[parent[kids] == pc]
            put(p, _polygonal(shapely.union_all(geom[mine])), int(approx[mine].max()))
            out.derived += 1
    return out


def areas_km2(geoms) -> np.ndarray:
    """Areas in km² (equal-area projection) of EPSG:4326 geometries."""
    return _areas(geoms) / 1e6
