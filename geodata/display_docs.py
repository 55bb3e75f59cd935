"""Display geometry prepared once and kept in the store, so no visitor pays for it.

A *document* is the compact encoding (`geodata.display.encode_layer`) of the units of
one version and level inside one area, simplified for one zoom band, gzip-compressed,
with a content hash. The country band (whole levels) and the province band (one
province at a time: only the units that band shows are simplified, each province as
its own coverage) are prepared when the store is built and again after each boundary
import, and stored in `display_shapes`, so every server process and replica serves the
same bytes under the same URL. The local band (a district or a commune) is cheap and is
computed on first use in each process.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geodata.display import (
    BANDS,
    Band,
    band_for_area,
    decode_layer,
    encode_layer,
    simplify_coverage,
)
from geodata.schema import STORAGE_CRS

DISPLAY_SHAPES = "display_shapes"
NATIONAL = ""  # the area of a whole-country document
PREPARED_BANDS = ("country", "province")
LEVELS = ("province", "district", "commune")
# which column of a unit row places it inside an area of a given level
PROPS = ("code", "name")  # what the map shows of a unit besides its shape
AREA_KEY = {"province": "province_code", "district": "parent_code", "commune": "code"}

_CREATE = f"""
CREATE TABLE IF NOT EXISTS "{DISPLAY_SHAPES}" (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  version TEXT NOT NULL, level TEXT NOT NULL, band TEXT NOT NULL, area TEXT NOT NULL,
  hash TEXT NOT NULL, codes TEXT NOT NULL, bounds TEXT NOT NULL, body BLOB NOT NULL,
  built_at TEXT, UNIQUE (version, level, band, area)
)"""


@dataclass(frozen=True)
class DisplayDoc:
    """One prepared document: what the browser fetches and the export decodes."""

    version: str
    level: str
    band: str
    area: str  # "" for the whole country, else a province, district or commune code
    hash: str
    codes: tuple[str, ...]  # feature order of the document (values are sent in it)
    bounds: tuple[tuple[float, float], tuple[float, float]]  # ((south, west), (north, east))
    body: bytes  # gzip of the JSON document

    @property
    def path(self) -> str:
        """The URL path it is served under (see `dashboard.server`); the hash makes a
        changed document a new URL, so browsers may keep each one for a year."""
        return f"/geo/{self.version}/{self.level}/{self.band}/{self.area or 'vn'}/{self.hash}.json"

    def text(self) -> str:
        return gzip.decompress(self.body).decode()


def make_doc(
    shapes: gpd.GeoDataFrame, version: str, level: str, band: Band, area: str, props
) -> DisplayDoc:
    """Simplify `shapes` (one coverage) for `band` and encode it."""
    shapes = shapes.sort_values("code").reset_index(drop=True)
    simple = simplify_coverage(shapes, band.tolerance_m) if len(shapes) else shapes
    text = encode_layer(simple, band.quantum_deg, props)
    minx, miny, maxx, maxy = simple.total_bounds if len(simple) else (0.0, 0.0, 0.0, 0.0)
    return DisplayDoc(
        version,
        level,
        band.name,
        area,
        hashlib.sha256(text.encode()).hexdigest()[:20],
        tuple(simple["code"].astype(str)),
        ((float(miny), float(minx)), (float(maxy), float(maxx))),
        gzip.compress(text.encode(), compresslevel=6, mtime=0),
    )


def subset(shapes: gpd.GeoDataFrame, level: str, area_level: str | None, area: str):
    """The units of `level` inside an area (the unit itself when the levels are equal)."""
    if area_level is None:
        return shapes
    if area_level == level:
        return shapes[shapes["code"] == area]
    return shapes[shapes[AREA_KEY[area_level]] == area]


def prepare_docs(shapes_by_level: dict[str, gpd.GeoDataFrame], version: str) -> list[DisplayDoc]:
    """The country and province band documents of one version."""
    docs = []
    cols = ["code", "name", "parent_code", "province_code", "geometry"]
    for level, shapes in shapes_by_level.items():
        shapes = shapes[cols]
        docs.append(make_doc(shapes, version, level, BANDS["country"], NATIONAL, PROPS))
        for province, part in shapes.groupby("province_code", sort=True):
            docs.append(make_doc(part, version, level, BANDS["province"], str(province), PROPS))
    return docs


def read_shapes(conn: sqlite3.Connection, version: str) -> dict[str, gpd.GeoDataFrame]:
    """The units of `version` per level, read on the caller's connection (see
    `geodata.gpkg_write.read_units`)."""
    from geodata.gpkg_write import read_units

    cols = ("level", "code", "name", "parent_code", "province_code")
    frame = gpd.GeoDataFrame(read_units(conn, version, cols), crs=STORAGE_CRS)
    return {
        lv: frame[frame["level"] == lv].drop(columns="level").reset_index(drop=True)
        for lv in LEVELS
        if (frame["level"] == lv).any()
    }


def refresh_docs(conn: sqlite3.Connection, version: str) -> int:
    """Prepare and replace the documents of `version` inside the caller's write
    transaction, so new shapes and their display geometry are committed together."""
    docs = prepare_docs(read_shapes(conn, version), version)
    write_docs(conn, version, docs)
    return len(docs)


def write_docs(conn: sqlite3.Connection, version: str, docs: list[DisplayDoc]) -> None:
    """Replace the documents of `version` inside the caller's write transaction."""
    conn.execute(_CREATE)
    conn.execute(
        "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, last_change) "
        "VALUES (?, 'attributes', ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
        (DISPLAY_SHAPES, DISPLAY_SHAPES),
    )
    conn.execute(f'DELETE FROM "{DISPLAY_SHAPES}" WHERE version = ?', (version,))
    now = datetime.now(UTC).isoformat(timespec="seconds")
    conn.executemany(
        f'INSERT INTO "{DISPLAY_SHAPES}" (version, level, band, area, hash, codes, bounds, '
        "body, built_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                d.version,
                d.level,
                d.band,
                d.area,
                d.hash,
                ",".join(d.codes),
                json.dumps(d.bounds),
                d.body,
                now,
            )
            for d in docs
        ],
    )


def docs_table(docs: list[DisplayDoc]) -> pd.DataFrame:
    """Documents as rows of the `display_shapes` table (for a store written whole)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return pd.DataFrame(
        [
            {
                "version": d.version,
                "level": d.level,
                "band": d.band,
                "area": d.area,
                "hash": d.hash,
                "codes": ",".join(d.codes),
                "bounds": json.dumps(d.bounds),
                "body": d.body,
                "built_at": now,
            }
            for d in docs
        ],
        columns=["version", "level", "band", "area", "hash", "codes", "bounds", "body", "built_at"],
    )


def docs_from_table(table: pd.DataFrame) -> list[DisplayDoc]:
    """The documents stored as rows of `display_shapes` (see `docs_table`)."""
    return [
        DisplayDoc(
            r.version,
            r.level,
            r.band,
            r.area or "",
            r.hash,
            tuple(r.codes.split(",")) if r.codes else (),
            tuple(tuple(x) for x in json.loads(r.bounds)),
            bytes(r.body),
        )
        for r in table.itertuples()
    ]


def prepare_units(units: gpd.GeoDataFrame) -> list[DisplayDoc]:
    """The documents of every version of `units` (all levels, EPSG:4326), in memory."""
    docs = []
    for version, part in units.groupby("version", sort=True):
        by_level = {
            lv: part[part["level"] == lv].drop(columns="level").reset_index(drop=True)
            for lv in LEVELS
            if (part["level"] == lv).any()
        }
        docs += prepare_docs(by_level, str(version))
    return docs


def prepare_store(path: str | Path, versions: Iterable[str]) -> int:
    """Prepare the documents of `versions` in one write transaction; returns how many."""
    from geodata.gpkg_write import write_transaction

    with write_transaction(path) as conn:
        return sum(refresh_docs(conn, v) for v in versions)


# ------------------------------------------------------------------ reading

_MEMO: OrderedDict = OrderedDict()  # computed (local band) and read documents, bounded
_MEMO_SIZE = 256


def _remember(key, doc: DisplayDoc) -> DisplayDoc:
    _MEMO[key] = doc
    _MEMO.move_to_end(key)
    while len(_MEMO) > _MEMO_SIZE:
        _MEMO.popitem(last=False)
    return doc


def read_doc(store, version: str, level: str, band: str, area: str) -> DisplayDoc | None:
    """The stored document, or None when it was not prepared (or the table is absent)."""
    if not store.has_table(DISPLAY_SHAPES):
        return None
    row = store.fetch_one(
        f'SELECT hash, codes, bounds, body FROM "{DISPLAY_SHAPES}" WHERE version = ? AND '
        "level = ? AND band = ? AND area = ?",
        (version, level, band, area),
    )
    if row is None:
        return None
    bounds = tuple(tuple(x) for x in json.loads(row[2]))
    codes = tuple(row[1].split(",")) if row[1] else ()
    return DisplayDoc(version, level, band, area, row[0], codes, bounds, bytes(row[3]))


def display_doc(
    store, version: str, level: str, band: str, area: str, area_level: str | None
) -> DisplayDoc:
    """The document of the units of `level` inside `area` for `band`: read from the
    store when prepared, else computed here (and remembered in this process)."""
    key = (store.location, store.revision, version, level, band, area)
    if key in _MEMO:
        _MEMO.move_to_end(key)
        return _MEMO[key]
    doc = read_doc(store, version, level, band, area)
    if doc is None:
        shapes = subset(store.unit_shapes(version, level), level, area_level, area)
        doc = make_doc(shapes, version, level, BANDS[band], area, PROPS)
    return _remember(key, doc)


_FRAMES: OrderedDict = OrderedDict()


def doc_frame(doc: DisplayDoc) -> gpd.GeoDataFrame:
    """The document's polygons as a GeoDataFrame (code, name, geometry; EPSG:4326): what
    the exports draw, so a snapshot shows exactly the shapes the page shows."""
    if doc.hash in _FRAMES:
        return _FRAMES[doc.hash]
    codes, names, geoms = [], [], []
    for props, polys in decode_layer(doc.text()):
        codes.append(props[0])
        names.append(props[1] if len(props) > 1 else "")
        parts = [shapely.Polygon(rings[0], rings[1:]) for rings in polys]
        geoms.append(shapely.MultiPolygon(parts) if parts else shapely.MultiPolygon())
    frame = gpd.GeoDataFrame({"code": codes, "name": names}, geometry=geoms, crs=STORAGE_CRS)
    _FRAMES[doc.hash] = frame
    while len(_FRAMES) > 32:
        _FRAMES.popitem(last=False)
    return frame


@dataclass(frozen=True)
class DisplayLayers:
    """One view's shapes: the units document and frame, the province outlines drawn over
    them (None at province level), the bounds and the band."""

    units_doc: DisplayDoc
    outlines_doc: DisplayDoc | None
    band: Band

    @property
    def units(self) -> gpd.GeoDataFrame:
        return doc_frame(self.units_doc)

    @property
    def outlines(self) -> gpd.GeoDataFrame | None:
        return doc_frame(self.outlines_doc) if self.outlines_doc is not None else None

    @property
    def bounds(self) -> tuple[tuple[float, float], tuple[float, float]]:
        return self.units_doc.bounds


def display_layers(store, version: str, level: str, area: dict | None) -> DisplayLayers:
    """Shapes for a map of `level` units inside `area` ({"code", "level"}, or None for
    the whole country): the country band nationally, the province band inside a
    province, the local band inside a district or commune."""
    area_level = None if area is None else str(area["level"])
    band = band_for_area(area_level)
    code = NATIONAL if area is None else str(area["code"])
    units = display_doc(store, version, level, band.name, code, area_level)
    outlines = None
    if level != "province":
        if area_level is None:
            outlines = display_doc(store, version, "province", band.name, NATIONAL, None)
        else:
            province = code
            if area_level != "province":
                rows = store.units(version, area_level).set_index("code")
                province = str(rows.at[code, "province_code"])
            outlines = display_doc(store, version, "province", band.name, province, "province")
    return DisplayLayers(units, outlines, band)
