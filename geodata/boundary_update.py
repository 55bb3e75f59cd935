"""Put official polygons in place of the approximate ones: in place, in one transaction.

With the store's write lock held and inside one transaction
(`geodata.store_write.write_session`: `BEGIN IMMEDIATE` on a GeoPackage, an advisory
lock on PostGIS), the polygons, areas and flags of the
`admin_units` rows are updated (the R-tree follows through GDAL's triggers), the
outlines around and beneath them are made consistent (`geodata.outlines`), the
version's description is rebuilt and the `imports` record written. A failure anywhere
rolls everything back; a registry import running at the same moment waits for the lock
and is stored too (the old rewrite-and-rename lost it).

The version's description follows what is drawn. Which official files are still drawn
is kept as JSON in `boundary_versions.source_parts` (added to older stores on their
first boundary import): the description of the approximate geometry, and per file its
source text, level and the unit codes it still provides. The `imports` table could not
say this: it has no version, and a later file can replace part of an earlier one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
import shapely

from geodata.display_docs import refresh_docs
from geodata.errors import StoreError
from geodata.gpkg_write import read_units
from geodata.imports import _Unchanged, record_import
from geodata.outlines import apply_official, areas_km2
from geodata.schema import ADMIN_UNITS, BOUNDARY_VERSIONS, IMPORTS, LEVEL_LABELS_VI
from geodata.store_write import Tx, db_errors, write_session

PARTS_COLUMN = "source_parts"


@dataclass(frozen=True)
class BoundaryUpdate:
    replaced: int
    still_approximate: int  # units of this version (all levels) still approximate
    unchanged: bool
    previous: str | None = None
    # approximate units of the imported level that lay over official ones: clipped to
    # what the official units leave, still approximate
    clipped: tuple[str, ...] = ()
    # approximate units of the imported level wholly covered by official ones: kept as
    # they were (an empty unit would vanish from the map), still approximate; check the file
    covered: tuple[str, ...] = ()
    children_clipped: int = 0  # approximate units of finer levels clipped to their parent
    derived: int = 0  # parents redrawn as the union of their children


def outline_summary(res: BoundaryUpdate) -> str:
    """What the outlines did, in one Vietnamese sentence for the CLI and the page ('' if nothing)."""
    parts = []
    if res.derived:
        parts.append(f"{res.derived} đơn vị cấp trên vẽ lại từ các đơn vị con")
    if res.clipped:
        parts.append(
            f"{len(res.clipped)} đơn vị xấp xỉ bị cắt theo ranh giới chính thức bên cạnh "
            f"(mã {', '.join(res.clipped[:10])}{' …' if len(res.clipped) > 10 else ''})"
        )
    if res.covered:
        parts.append(
            f"{len(res.covered)} đơn vị xấp xỉ nằm trọn trong ranh giới chính thức, giữ nguyên, "
            f"cần kiểm tra tệp (mã {', '.join(res.covered[:10])})"
        )
    if res.children_clipped:
        parts.append(f"{res.children_clipped} đơn vị cấp dưới cắt theo đơn vị cấp trên")
    return (" " + "; ".join(parts) + ".") if parts else ""


def _shapes_checksum(file_checksum: str, version: str, level: str, new: dict) -> str:
    """The file's bytes and what was read from them (codes, polygons): the same file read
    with other options (`--aliases`, `--crs`, `--level`) is another import, not a repeat."""
    h = hashlib.sha256(f"{version}|{level}".encode())
    for code in sorted(new):
        h.update(code.encode() + b"\0")
        h.update(shapely.to_wkb(new[code]))
    return f"{file_checksum}/{h.hexdigest()[:16]}"  # the file's own hash stays readable


def replace_geometries(
    store,
    version: str,
    level: str,
    shapes,
    file_name: str,
    checksum: str,
    source: str,
    rejected: int = 0,
) -> BoundaryUpdate:
    """Replace the polygons (and areas) of the `level` units of `version` named in
    `shapes` (code, geometry in EPSG:4326), mark them official and make the other
    levels follow (`geodata.outlines`); `rejected` counts the file's features that
    could not be used, for the imports record; `source` describes the file (name, date).

    Raises
    ------
    StoreError
        The store could not be written (or its lock had); it is left as it was.
    """
    new = {str(c): g for c, g in zip(shapes["code"], shapes.geometry, strict=True)}
    checksum = _shapes_checksum(checksum, version, level, new)
    try:
        with write_session(store.location) as conn:
            prev = conn.execute(
                f'SELECT imported_at FROM "{IMPORTS}" WHERE checksum = ? AND kind = ? '
                "ORDER BY fid DESC",
                (checksum, "boundaries"),
            ).fetchone()
            if prev is not None:
                raise _Unchanged(prev[0])
            units = _read_units(conn, version)
            parts = _read_parts(conn, version)
            from_files = {(p["level"], c) for p in parts["official"] for c in p["codes"]}
            hit = sorted(set(new) & set(units.loc[units["level"] == level, "code"]))
            changes = apply_official(units, level, {c: new[c] for c in hit}, from_files)
            _write_units(conn, units, changes)
            record_import(conn, "boundaries", file_name, checksum, len(hit), rejected)
            left = _write_version(conn, version, parts, level, hit, source)
            refresh_docs(conn, version)  # display geometry committed with the new shapes
    except _Unchanged as same:
        return BoundaryUpdate(0, -1, True, same.previous)
    except db_errors() as err:
        why = "đĩa đầy" if "full" in str(err).lower() else str(err).splitlines()[0]
        raise StoreError(
            f"Nhập ranh giới '{file_name}' thất bại ({why}); kho dữ liệu được giữ nguyên."
        ) from err
    return BoundaryUpdate(
        len(hit),
        left,
        False,
        clipped=tuple(changes.clipped),
        covered=tuple(changes.covered),
        children_clipped=changes.children_clipped,
        derived=changes.derived,
    )


def _read_units(conn: Tx, version: str) -> pd.DataFrame:
    """Every unit of the version as read inside the transaction (so nothing another
    writer committed before is overwritten with a stale copy)."""
    return read_units(conn, version, ("fid", "level", "code", "parent_code", "is_approximate"))


def _write_units(conn: Tx, units: pd.DataFrame, changes) -> None:
    rows = changes.rows
    if not rows:
        return
    geoms = {i: changes.geometry.get(i, units.at[i, "geometry"]) for i in rows}
    moved = [i for i in rows if i in changes.geometry]
    areas = dict(zip(moved, areas_km2([geoms[i] for i in moved]), strict=True))
    flags = {i: changes.approximate.get(i, int(units.at[i, "is_approximate"])) for i in rows}
    conn.executemany(
        f'UPDATE "{ADMIN_UNITS}" SET geom = {conn.geom_write}, area_km2 = ? , is_approximate = ? '
        "WHERE fid = ?",
        [
            (conn.encode(geoms[i]), float(areas[i]), flags[i], int(units.at[i, "fid"]))
            for i in moved
        ],
    )
    conn.executemany(
        f'UPDATE "{ADMIN_UNITS}" SET is_approximate = ? WHERE fid = ?',
        [(flags[i], int(units.at[i, "fid"])) for i in rows if i not in changes.geometry],
    )
    if moved and conn.backend == "gpkg":  # the GeoPackage's own extent of the layer
        minx, miny, maxx, maxy = shapely.total_bounds([geoms[i] for i in moved])
        conn.execute(
            "UPDATE gpkg_contents SET min_x = MIN(COALESCE(min_x, ?), ?), "
            "min_y = MIN(COALESCE(min_y, ?), ?), max_x = MAX(COALESCE(max_x, ?), ?), "
            "max_y = MAX(COALESCE(max_y, ?), ?), last_change = ? WHERE table_name = ?",
            (
                minx,
                minx,
                miny,
                miny,
                maxx,
                maxx,
                maxy,
                maxy,
                datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                ADMIN_UNITS,
            ),
        )


def _has_parts_column(conn: Tx) -> bool:
    return PARTS_COLUMN in conn.columns(BOUNDARY_VERSIONS)


def _read_parts(conn: Tx, version: str) -> dict:
    """The version's description parts; built from its `source` on the first import
    (older stores appended file names with " | ": only the first part is the
    approximate description)."""
    if not _has_parts_column(conn):
        conn.execute(f'ALTER TABLE "{BOUNDARY_VERSIONS}" ADD COLUMN "{PARTS_COLUMN}" TEXT')
    row = conn.execute(
        f'SELECT source, "{PARTS_COLUMN}" FROM "{BOUNDARY_VERSIONS}" WHERE version = ?',
        (version,),
    ).fetchone()
    if row is None:
        raise StoreError(f"Kho không có phiên bản ranh giới '{version}'.")
    if row[1]:
        return json.loads(row[1])
    return {"approximate": str(row[0] or "").split(" | ")[0], "official": []}


def _write_version(
    conn: Tx, version: str, parts: dict, level: str, codes: list[str], source: str
) -> int:
    """Record which file now provides which units, then rebuild the description and the
    version's flag from what is stored. Returns the units still approximate."""
    taken = set(codes)
    kept = []
    for p in parts["official"]:
        if p["level"] == level:
            p = {**p, "codes": [c for c in p["codes"] if c not in taken]}
        if p["codes"]:
            kept.append(p)
    if codes:
        kept.append({"source": source, "level": level, "codes": list(codes)})
    parts = {**parts, "official": kept}
    total, left = conn.execute(
        f'SELECT COUNT(*), COALESCE(SUM(is_approximate), 0) FROM "{ADMIN_UNITS}" WHERE version = ?',
        (version,),
    ).fetchone()
    conn.execute(
        f'UPDATE "{BOUNDARY_VERSIONS}" SET source = ?, is_approximate = ?, "{PARTS_COLUMN}" = ? '
        "WHERE version = ?",
        (
            version_source(parts, int(total) - int(left), int(left)),
            int(left > 0),
            json.dumps(parts, ensure_ascii=False),
            version,
        ),
    )
    return int(left)


def version_source(parts: dict, official: int, approximate: int) -> str:
    """The description of a version's boundaries as they are drawn."""
    files = "; ".join(
        f"{p['source']}, cấp {LEVEL_LABELS_VI[p['level']]}: {len(p['codes'])} đơn vị"
        for p in parts["official"]
    )
    if not official or not files:
        return parts["approximate"]
    if not approximate:
        return f"Ranh giới chính thức: {files}."
    return (
        f"{official} đơn vị có ranh giới chính thức (nguồn: {files}); "
        f"còn lại {approximate} đơn vị xấp xỉ: {parts['approximate']}"
    )
