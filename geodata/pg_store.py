"""The shared store: the same tables as the GeoPackage, in PostgreSQL with PostGIS.

A province runs one server that many people read; this is the store behind it. Reads
go through one SQLAlchemy engine per location (a connection pool, psycopg 3), so the
dashboard's replicas each keep a few connections open. Geometry is EPSG:4326
MultiPolygon with a GiST index. Caches key on `store_revision` (a one-row table every
write increments), never on a file's time: a write through one replica is seen by the
others within `REVISION_TTL_S`.

The drivers are optional dependencies: `pip install -e ".[postgis]"`.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import geopandas as gpd
import pandas as pd

from geodata.errors import StoreError
from geodata.schema import ADMIN_UNIT_COLUMNS, ADMIN_UNITS, REQUIRED_TABLES, STORAGE_CRS

STORE_REVISION = "store_revision"
SCHEMA_VERSION = "schema_version"
SCHEMA = 2  # the layout this code writes (= geodata.migrations.LATEST; older: upgraded)
REVISION_TTL_S = 1.0  # how stale a replica's idea of the revision may be

_ENGINES: dict[str, object] = {}
_SEEN: dict[str, tuple[float, int]] = {}  # location -> (when read, revision), per process


def is_postgres(location: str) -> bool:
    return str(location).startswith(("postgresql://", "postgres://", "postgresql+psycopg://"))


def safe_location(location: str) -> str:
    """The URL without its password, for messages, logs and export footers."""
    parts = urlsplit(location)
    if parts.password is None:
        return location
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def engine_for(location: str):
    """The pooled engine of a location (one per process and URL)."""
    if location not in _ENGINES:
        try:
            import sqlalchemy as sa
        except ImportError as err:  # the optional drivers are missing
            raise StoreError(
                "Kho PostGIS cần các gói psycopg, SQLAlchemy và GeoAlchemy2: "
                'cài bằng pip install -e ".[postgis]".'
            ) from err
        url = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", location)
        _ENGINES[location] = sa.create_engine(url, pool_size=4, max_overflow=4, pool_pre_ping=True)
    return _ENGINES[location]


def connection_hint(text: str) -> str:
    """What to do about a connection error from the server, in the user's words."""
    if "Peer authentication failed" in text:
        return (
            " Kết nối qua socket cục bộ dùng xác thực peer: chạy lệnh bằng người dùng hệ "
            "điều hành cùng tên với người dùng của cơ sở dữ liệu (ví dụ runuser -u antt -- "
            "antt-map …), hoặc ghi máy chủ và mật khẩu vào URL."
        )
    if "password authentication failed" in text or "no password supplied" in text:
        return " Kiểm tra tên người dùng và mật khẩu trong URL."
    if "does not exist" in text:
        return (
            " Tạo cơ sở dữ liệu trước (createdb -O NGƯỜI_DÙNG TÊN_CSDL, rồi trong đó: "
            "CREATE EXTENSION postgis), xem mục máy chủ trong README."
        )
    if "Connection refused" in text or "No such file or directory" in text:
        return " Máy chủ PostgreSQL chưa chạy, hoặc sai máy chủ/cổng trong URL."
    return ""


def check_connection(location: str) -> None:
    """Connect once before a long job (building the demo, a copy), so a wrong URL or
    user is said at once, not after the work is done.

    Raises
    ------
    StoreError
        The server cannot be reached or refuses the user.
    """
    try:
        with engine_for(location).connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except StoreError:
        raise
    except Exception as err:
        text = str(err).splitlines()[0]
        raise StoreError(
            f"Không kết nối được kho PostGIS '{safe_location(location)}': {text}."
            f"{connection_hint(text)}"
        ) from err


def drop_engine(location: str) -> None:
    """Close a location's pooled connections (before its database is dropped or copied)."""
    engine = _ENGINES.pop(location, None)
    if engine is not None:
        engine.dispose()
    _SEEN.pop(location, None)


def forget_revision(location: str) -> None:
    """After this process wrote: the next read asks the server again, at once."""
    _SEEN.pop(location, None)


def pg_sql(sql: str) -> str:
    """SQL written for both stores (`?` placeholders) in psycopg's style (`%s`)."""
    return sql.replace("%", "%%").replace("?", "%s")


@dataclass(frozen=True)
class PostgisStore:
    """Read access to a PostGIS store (same interface as `GpkgStore`)."""

    location: str
    _cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @classmethod
    def open(cls, location: str) -> PostgisStore:
        """Connect and check the store's tables.

        Raises
        ------
        StoreError
            When the server cannot be reached, or the database holds no store yet.
        """
        store = cls(location)
        try:
            names = store._tables()
        except StoreError:
            raise
        except Exception as err:
            text = str(err).splitlines()[0]
            hint = connection_hint(text) or (
                " Kiểm tra máy chủ, cổng, tên cơ sở dữ liệu và người dùng."
            )
            raise StoreError(
                f"Không kết nối được kho PostGIS '{safe_location(location)}': {text}.{hint}"
            ) from err
        missing = [t for t in (*REQUIRED_TABLES, STORE_REVISION) if t not in names]
        if missing:
            raise StoreError(
                f"Kho PostGIS '{safe_location(location)}' chưa có bảng {', '.join(missing)}; "
                f"tạo bằng: antt-map demo --out {safe_location(location)} "
                "(hoặc antt-map copy KHO.gpkg sang đó)."
            )
        return store

    @property
    def label(self) -> str:
        """What a footer or message names the store by (no password)."""
        return safe_location(self.location)

    def _tables(self) -> set[str]:
        with engine_for(self.location).connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            ).fetchall()
        return {r[0] for r in rows}

    @property
    def revision(self) -> int:
        """The store's write counter, read at most once per `REVISION_TTL_S`."""
        now = time.monotonic()
        seen = _SEEN.get(self.location)
        if seen is None or now - seen[0] > REVISION_TTL_S:
            with engine_for(self.location).connect() as conn:
                rev = conn.exec_driver_sql(f'SELECT revision FROM "{STORE_REVISION}"').scalar()
            seen = _SEEN[self.location] = (now, int(rev or 0))
        return seen[1]

    def has_table(self, name: str) -> bool:
        key = ("has_table", name, self.revision)
        if key not in self._cache:
            self._cache[key] = name in self._tables()
        return self._cache[key]

    def table(
        self, name: str, where: str = "", params: tuple = (), columns: tuple[str, ...] = ()
    ) -> pd.DataFrame:
        """A non-spatial table (or the attributes of a layer), optionally filtered."""
        key = (name, where, params, columns, self.revision)
        if key not in self._cache:
            cols = ", ".join(f'"{c}"' for c in columns) if columns else "*"
            sql = f'SELECT {cols} FROM "{name}"' + (f" WHERE {where}" if where else "")
            sql += ' ORDER BY "fid"' if not columns or "fid" in columns else ""
            with engine_for(self.location).connect() as conn:
                df = pd.read_sql(pg_sql(sql) if params else sql, conn, params=tuple(params) or None)
            self._cache[key] = df.drop(columns=["fid", "geom", "geometry"], errors="ignore")
        return self._cache[key].copy(deep=False)

    def units(self, version: str, level: str | None = None) -> pd.DataFrame:
        """Attributes of the admin units of one version (no geometry: fast)."""
        where, params = "version = ?", (version,)
        if level:
            where, params = where + " AND level = ?", (*params, level)
        return self.table(ADMIN_UNITS, where, params, ADMIN_UNIT_COLUMNS)

    def unit_shapes(self, version: str, level: str) -> gpd.GeoDataFrame:
        """Admin units of one version and level with polygons (EPSG:4326)."""
        cols = ", ".join(f'"{c}"' for c in ADMIN_UNIT_COLUMNS)
        sql = (
            f'SELECT {cols}, geom FROM "{ADMIN_UNITS}" WHERE version = %s AND level = %s '
            'ORDER BY "fid"'
        )
        with engine_for(self.location).connect() as conn:
            gdf = gpd.read_postgis(sql, conn, geom_col="geom", params=(version, level))
        return gdf.rename_geometry("geometry").set_crs(STORAGE_CRS, allow_override=True)

    def fetch_one(self, sql: str, params: tuple = ()) -> tuple | None:
        """One row of a query written with `?` placeholders (None when none)."""
        with engine_for(self.location).connect() as conn:
            row = conn.exec_driver_sql(pg_sql(sql), tuple(params)).fetchone()
        return None if row is None else tuple(row)
