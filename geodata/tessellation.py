"""Approximate polygons from unit centroids: a Voronoi coverage clipped to a domain.

No registry package ships Vietnam's commune polygons, so the demo builds them: each
commune gets the part of the national territory nearer to its centroid than to any
other. Cells are clipped to one domain, so together they form a coverage (no gaps,
no overlaps) and dissolving them gives districts and provinces that nest exactly.
All functions take and return geometries in one projected (metric) CRS.
"""

from __future__ import annotations

import itertools

import numpy as np
import shapely
from shapely.geometry import MultiPoint, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

GOLDEN_ANGLE = np.pi * (3 - np.sqrt(5))


def jitter_duplicates(xy: np.ndarray, step_m: float = 30.0) -> tuple[np.ndarray, np.ndarray]:
    """Move the 2nd, 3rd… copies of a repeated point a few tens of metres apart.

    GEOS cannot build an ordered Voronoi diagram with repeated input points; a ~30 m
    shift is invisible on any map of communes and gives every unit its own cell.
    Returns the new coordinates and a boolean mask of the points that were moved.
    """
    out = xy.astype(float).copy()
    keys = np.round(out, 0)
    _, inverse, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    moved = np.zeros(len(out), dtype=bool)
    rank = np.zeros(len(out), dtype=int)
    seen: dict[int, int] = {}
    for i, group in enumerate(inverse.ravel()):
        if counts[group] > 1:
            rank[i] = seen.get(group, 0)
            seen[group] = rank[i] + 1
    k = rank[rank > 0]
    out[rank > 0, 0] += step_m * np.sqrt(k) * np.cos(k * GOLDEN_ANGLE)
    out[rank > 0, 1] += step_m * np.sqrt(k) * np.sin(k * GOLDEN_ANGLE)
    moved[rank > 0] = True
    return out, moved


def polygonal(geom: BaseGeometry) -> MultiPolygon:
    """The polygonal part of a geometry as a MultiPolygon (empty if none).

    Clipping can return collections with slivers of lines or points on shared edges;
    only the areas matter for a coverage.
    """
    if geom is None or geom.is_empty:
        return MultiPolygon()
    if isinstance(geom, MultiPolygon):
        return geom
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, Polygon | MultiPolygon)]
    polys: list[Polygon] = []
    for p in parts:
        polys.extend(p.geoms if isinstance(p, MultiPolygon) else [p])
    return MultiPolygon(polys)


def voronoi_coverage(xy: np.ndarray, domain: BaseGeometry) -> np.ndarray:
    """One cell per input point, clipped to `domain`, in input order.

    Every point must lie inside `domain` and be distinct; then every cell is
    non-empty (it contains its point). Returns an array of MultiPolygons.
    """
    if not np.isfinite(xy).all():
        raise ValueError("voronoi_coverage: toạ độ có giá trị NaN/vô hạn")
    minx, miny, maxx, maxy = domain.bounds
    pad = max(maxx - minx, maxy - miny)
    frame = shapely.box(minx - pad, miny - pad, maxx + pad, maxy + pad)
    cells = shapely.voronoi_polygons(MultiPoint(xy), extend_to=frame, ordered=True)
    cells = np.asarray(shapely.get_parts(cells))
    if len(cells) != len(xy):
        raise ValueError(f"voronoi_coverage: {len(xy)} điểm nhưng {len(cells)} ô")
    shapely.prepare(domain)
    clipped = shapely.intersection(cells, domain)
    return np.array([polygonal(g) for g in clipped], dtype=object)


def dissolve(geoms: np.ndarray, keys: np.ndarray) -> dict[str, MultiPolygon]:
    """Union the cells of a coverage per key (district or province code).

    `coverage_union_all` relies on shared edges being identical, which holds for
    cells clipped from one diagram, and is ~5x faster than a general union.
    """
    order = np.argsort(keys, kind="stable")
    keys_sorted = keys[order]
    bounds = np.flatnonzero(np.r_[True, keys_sorted[1:] != keys_sorted[:-1], True])
    out: dict[str, MultiPolygon] = {}
    for a, b in itertools.pairwise(bounds):
        part = geoms[order[a:b]]
        merged = shapely.coverage_union_all(part)
        if not merged.is_valid:  # fall back to the robust union on a rare bad edge
            merged = shapely.union_all(part)
        out[str(keys_sorted[a])] = polygonal(merged)
    return out
