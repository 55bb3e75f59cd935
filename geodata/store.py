"""The embedded store: one GeoPackage file holding every table of the design.

A whole store (the demo build) is written to a temporary file beside the target and
moved into place only when complete, with the store's write lock held, so a failed or
interrupted build never leaves a half-written store and never lands in the middle of an
import. Imports write in place through `write_transaction` (one writer at a time, one
immediate transaction: see `geodata.gpkg_write`). Reads validate the file first and
raise `StoreError` with a message that says what to do.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geodata.errors import StoreError
from geodata.gpkg_write import settle_journal, store_lock, write_transaction
from geodata.pg_store import PostgisStore, is_postgres
from geodata.schema import ADMIN_UNIT_COLUMNS, ADMIN_UNITS, REQUIRED_TABLES, STORAGE_CRS

UNIT_ATTRIBUTES = ADMIN_UNIT_COLUMNS
__all__ = [
    "GpkgStore",
    "PostgisStore",
    "Store",
    "open_store",
    "resolve_store",
    "store_lock",
    "write_store",
    "write_transaction",
]

DEFAULT_STORE = "data/antt.gpkg"
SQLITE_MAGIC = b"SQLite format 3\x00"


def resolve_store(location: str | os.PathLike | None = None) -> str:
    """The store to use: the given location, else $ANTT_STORE, else data/antt.gpkg."""
    if location:
        return str(location)
    return os.environ.get("ANTT_STORE") or DEFAULT_STORE


def _check_location(location: str) -> Path:
    if "://" in location:
        scheme = location.split("://", 1)[0]
        raise StoreError(
            f"Kho dữ liệu '{location}': loại '{scheme}' không được hỗ trợ; dùng một tệp "
            "GeoPackage (.gpkg) hoặc một kho PostGIS (postgresql://người_dùng@máy:cổng/csdl)."
        )
    return Path(location)


def open_store(location: str | os.PathLike | None = None):
    """The store at `location` (else $ANTT_STORE, else data/antt.gpkg): a GeoPackage
    file, or a PostGIS database given as `postgresql://user@host:port/db`. Both have
    the same reading interface; nothing above this line knows which one it has."""
    where = resolve_store(location)
    if is_postgres(where):
        return PostgisStore.open(where)
    return GpkgStore.open(where)


@dataclass(frozen=True)
class GpkgStore:
    """Read access to a validated GeoPackage store."""

    path: Path
    # Tables read once per file version: a filter change re-reads nothing from disk.
    _cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @classmethod
    def open(cls, location: str | os.PathLike | None = None) -> GpkgStore:
        """Open and validate a store.

        Raises
        ------
        StoreError
            When the file is missing, is not a GeoPackage, or lacks a required table.
        """
        path = _check_location(resolve_store(location))
        if not path.exists():
            raise StoreError(
                f"Không tìm thấy kho dữ liệu '{path}'. Tạo kho mẫu bằng: antt-map demo --out {path}"
            )
        if path.is_dir():
            raise StoreError(f"'{path}' là một thư mục, không phải tệp GeoPackage (.gpkg).")
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
        if head != SQLITE_MAGIC:
            raise StoreError(
                f"Tệp '{path}' không phải GeoPackage hợp lệ (hỏng hoặc sai định dạng). "
                f"Tạo lại bằng: antt-map demo --out {path}"
            )
        try:
            with _connect(path) as conn:
                names = {r[0] for r in conn.execute("SELECT table_name FROM gpkg_contents")}
        except sqlite3.DatabaseError as err:
            raise StoreError(
                f"Tệp '{path}' không đọc được như GeoPackage ({err}). "
                f"Tạo lại bằng: antt-map demo --out {path}"
            ) from err
        missing = [t for t in REQUIRED_TABLES if t not in names]
        if missing:
            raise StoreError(
                f"Kho '{path}' thiếu bảng {', '.join(missing)}; "
                f"tạo lại bằng: antt-map demo --out {path}"
            )
        return cls(path)

    @property
    def revision(self) -> int:
        """Changes with every write: what caches of store contents key on."""
        return self.path.stat().st_mtime_ns

    @property
    def location(self) -> str:
        """Where the store is (what caches and `open_store` take)."""
        return str(self.path)

    @property
    def label(self) -> str:
        """What a footer or message names the store by."""
        return self.path.name

    def fetch_one(self, sql: str, params: tuple = ()) -> tuple | None:
        """One row of a read-only query (None when none)."""
        with sqlite3.connect(f"file:{self.path}?mode=ro", uri=True) as conn:
            row = conn.execute(sql, params).fetchone()
        return None if row is None else tuple(row)

    def table(
        self, name: str, where: str = "", params: tuple = (), columns: tuple[str, ...] = ()
    ) -> pd.DataFrame:
        """A non-spatial table (or the attributes of a layer), optionally filtered."""
        key = (name, where, params, columns, self.path.stat().st_mtime_ns)
        if key not in self._cache:
            cols = ", ".join(f'"{c}"' for c in columns) if columns else "*"
            sql = f'SELECT {cols} FROM "{name}"' + (f" WHERE {where}" if where else "")
            with _connect(self.path) as conn:
                df = pd.read_sql(sql, conn, params=params)
            self._cache[key] = df.drop(columns=["fid", "geom", "geometry"], errors="ignore")
        return self._cache[key].copy(deep=False)

    def has_table(self, name: str) -> bool:
        """Whether the store has table `name` (optional tables came with later versions)."""
        key = ("has_table", name, self.path.stat().st_mtime_ns)
        if key not in self._cache:
            with _connect(self.path) as conn:
                hit = conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
                ).fetchone()
            self._cache[key] = hit is not None
        return self._cache[key]

    def units(self, version: str, level: str | None = None) -> pd.DataFrame:
        """Attributes of the admin units of one version (no geometry: fast)."""
        where, params = "version = ?", (version,)
        if level:
            where, params = where + " AND level = ?", (*params, level)
        return self.table(ADMIN_UNITS, where, params, UNIT_ATTRIBUTES)

    def unit_shapes(self, version: str, level: str) -> gpd.GeoDataFrame:
        """Admin units of one version and level with polygons (EPSG:4326)."""
        gdf = pyogrio.read_dataframe(
            self.path,
            layer=ADMIN_UNITS,
            where=f"version = '{_sql_str(version)}' AND level = '{_sql_str(level)}'",
        )
        return gdf.set_crs(STORAGE_CRS, allow_override=True)


def _sql_str(value: str) -> str:
    return str(value).replace("'", "''")


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    return conn


def write_store(
    target: str | os.PathLike,
    layers: Mapping[str, pd.DataFrame | gpd.GeoDataFrame],
) -> Path:
    """Write a complete store atomically (all tables, then one rename).

    `layers` maps table name to a GeoDataFrame (spatial layer, EPSG:4326) or a plain
    DataFrame (attribute table). The existing file at `target` is replaced only when
    every table was written, under the store's write lock (a running import finishes
    first; an import that starts later writes into the new file); on any error it is
    left exactly as it was.
    """
    path = _check_location(str(target))
    missing = [t for t in REQUIRED_TABLES if t not in layers]
    if missing:
        raise StoreError(f"Thiếu bảng {', '.join(missing)} khi ghi kho '{path}'.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp.gpkg", dir=path.parent
        )
    except OSError as err:
        raise StoreError(f"Không ghi được vào thư mục '{path.parent}': {err.strerror}.") from err
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        for name, df in layers.items():
            if isinstance(df, gpd.GeoDataFrame):
                pyogrio.write_dataframe(df, tmp, layer=name, driver="GPKG", promote_to_multi=True)
            else:
                pyogrio.write_dataframe(pd.DataFrame(df), tmp, layer=name, driver="GPKG")
        with store_lock(path):
            settle_journal(path)
            os.replace(tmp, path)
    except Exception as err:
        tmp.unlink(missing_ok=True)
        if isinstance(err, StoreError):
            raise
        raise StoreError(f"Ghi kho '{path}' thất bại, kho cũ được giữ nguyên: {err}") from err
    return path


# What the core, the loaders and the page are given: either backend, one interface.
Store = GpkgStore | PostgisStore
