"""What a static map draws, as projected paths (no drawing): the units in their classes'
colours, outlines, names, and where Hoàng Sa and Trường Sa go (their true place on a
national map, insets elsewhere). Geometry in EPSG:4326 in, the equal-area CRS out."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.path import Path
from pyproj import Transformer

from dashboard.export.snapshot import MapShot, Snapshot
from geodata.classify import NO_DATA_COLOUR
from geodata.islands import ARCHIPELAGOS
from geodata.schema import EQUAL_AREA_CRS, STORAGE_CRS

OFFSHORE_LON = 110.5  # east of this meridian only Hoàng Sa and Trường Sa are Vietnamese
ARCHIPELAGO_OWNERS = {"Hoàng Sa": "Đà Nẵng", "Trường Sa": "Khánh Hòa"}
ARCHIPELAGO_PAD_DEG = 0.45
MAX_LABELLED_UNITS = 40

TO_METRES = Transformer.from_crs(STORAGE_CRS, EQUAL_AREA_CRS, always_xy=True)


def unit_paths(geoms: np.ndarray) -> list[Path]:
    """One compound `Path` per geometry (holes kept: rings are oriented for nonzero fill)."""
    polys, poly_owner = shapely.get_parts(geoms, return_index=True)
    polys = shapely.orient_polygons(polys)
    rings, ring_owner = shapely.get_rings(polys, return_index=True)
    xy, coord_ring = shapely.get_coordinates(rings, return_index=True)
    codes = np.full(len(xy), Path.LINETO, dtype=Path.code_type)
    if len(xy):
        starts = np.r_[0, np.flatnonzero(np.diff(coord_ring)) + 1]
        codes[starts] = Path.MOVETO
        codes[np.r_[starts[1:] - 1, len(xy) - 1]] = Path.CLOSEPOLY
    owner = poly_owner[ring_owner[coord_ring]]
    cuts = np.searchsorted(owner, np.arange(len(geoms) + 1))
    return [Path(xy[a:b], codes[a:b]) for a, b in itertools.pairwise(cuts)]


def project(geoms) -> np.ndarray:
    return gpd.GeoSeries(geoms, crs=STORAGE_CRS).to_crs(EQUAL_AREA_CRS).to_numpy()


def archipelago_boxes() -> dict[str, shapely.Polygon]:
    boxes = {}
    for name, islands in ARCHIPELAGOS.items():
        lats = [i[1] for i in islands]
        lons = [i[2] for i in islands]
        p = ARCHIPELAGO_PAD_DEG
        boxes[name] = shapely.box(min(lons) - p, min(lats) - p, max(lons) + p, max(lats) + p)
    return boxes


@dataclass(frozen=True)
class MapShapes:
    """What the map axes draw, projected to metres."""

    paths: list[Path]
    colours: list[str]
    mainland_bounds: tuple[float, float, float, float]  # the frame's extent
    outlines: list[Path]
    label_points: list[tuple[float, float, str]]
    archipelagos: dict[str, np.ndarray]  # name -> indexes of units drawn in an inset
    land: np.ndarray  # projected geometries, to keep furniture off the units
    land_tree: shapely.STRtree
    # a national map draws the archipelagos where they are: island marks (x, y, colour)
    # and one label per archipelago (x, y, text)
    islands: tuple[tuple[float, float, str], ...] = ()
    island_labels: tuple[tuple[float, float, str], ...] = ()

    def land_in(self, box: shapely.Polygon) -> float:
        """Area of the shown units inside `box` (m²)."""
        hit = self.land[self.land_tree.query(box)]
        return float(shapely.area(shapely.intersection(hit, box)).sum()) if len(hit) else 0.0


def island_colours(geoms: np.ndarray, colours: list[str], idx, name: str) -> list[str]:
    """The colour of the unit each island of `name` lies in (no-data grey if none)."""
    out = []
    for _, lat, lon in ARCHIPELAGOS[name]:
        p = shapely.buffer(shapely.Point(lon, lat), 0.05)
        hit = [i for i in idx if shapely.intersects(geoms[i], p)]
        out.append(colours[hit[0]] if hit else NO_DATA_COLOUR)
    return out


def map_shapes(snap: Snapshot, shot: MapShot | None = None) -> MapShapes:
    """The shapes of one map of a snapshot (`shot`: which of its maps; the legend's by
    default). A national map shows Hoàng Sa and Trường Sa at their true place and
    scale, as the web map does; a smaller area that reaches them draws them in insets,
    so the area is not shrunk to a strip."""
    shot = shot or MapShot("", snap.result, snap.classes)
    units = snap.layers.units
    rows = shot.result.rows.set_index("code")
    bins = dict(zip(shot.result.rows["code"], shot.classes.bins, strict=True))
    colours = [
        shot.classes.colours[bins[c]] if bins.get(c, -1) >= 0 else NO_DATA_COLOUR
        for c in units["code"]
    ]
    geoms = units.geometry.to_numpy()
    projected = project(geoms)
    reach = {}
    for name, box in archipelago_boxes().items():
        hit = np.flatnonzero(shapely.intersects(geoms, box))
        if len(hit):
            reach[name] = hit
    islands, island_labels = [], []
    if not snap.view.area:
        frame = projected
        for name, idx in reach.items():
            lonlat = np.array([(lon, lat) for _, lat, lon in ARCHIPELAGOS[name]])
            xs, ys = TO_METRES.transform(lonlat[:, 0], lonlat[:, 1])
            cols = island_colours(geoms, colours, idx, name)
            islands += list(zip(xs.tolist(), ys.tolist(), cols, strict=True))
            island_labels.append(
                (
                    float(xs.mean()),
                    float(ys.max()) + 45_000,
                    f"Quần đảo {name}\n({ARCHIPELAGO_OWNERS[name]})",
                )
            )
        archipelagos: dict[str, np.ndarray] = {}
        land = (
            np.concatenate(
                [
                    projected,
                    shapely.buffer(shapely.points(np.array([i[:2] for i in islands])), 40_000),
                ]
            )
            if islands
            else projected
        )
    else:
        mainland = shapely.clip_by_rect(geoms, -180.0, -90.0, OFFSHORE_LON, 90.0)
        frame = project(mainland)
        archipelagos = reach
        land = frame
    present = ~shapely.is_empty(frame)
    minx, miny, maxx, maxy = shapely.total_bounds(frame[present] if present.any() else projected)
    labels = []
    if len(units) <= MAX_LABELLED_UNITS:
        pts = shapely.point_on_surface(frame)
        for code, pt in zip(units["code"], pts, strict=True):
            if pt is not None and not pt.is_empty:
                name = rows.loc[code, "short_name"] if code in rows.index else code
                labels.append((pt.x, pt.y, str(name)))
    outlines = []
    if snap.layers.outlines is not None and len(snap.layers.outlines):
        outlines = unit_paths(project(snap.layers.outlines.geometry.to_numpy()))
    land = land[~shapely.is_empty(land)]
    return MapShapes(
        unit_paths(projected),
        colours,
        (minx, miny, maxx, maxy),
        outlines,
        labels,
        archipelagos,
        land,
        shapely.STRtree(land),
        tuple(islands),
        tuple(island_labels),
    )
