"""Writing a whole store into PostGIS: the demo build and `antt-map copy` into a server.

One transaction holds the store's advisory lock (the same key every writer takes, so a
copy waits for an import and the other way round), drops the old tables, writes the new
ones and bumps `store_revision` past the old value, then commits: PostgreSQL's DDL is
transactional, so a reader sees the old store or the new one, never half of either.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import geopandas as gpd
import pandas as pd

from geodata.errors import StoreError
from geodata.pg_store import (
    SCHEMA,
    SCHEMA_VERSION,
    STORE_REVISION,
    engine_for,
    safe_location,
)
from geodata.schema import ADMIN_UNITS, REQUIRED_TABLES, STORAGE_CRS

# pg_advisory_xact_lock key of the store's one writer: "antt" in ASCII
LOCK_KEY = 0x616E7474

INDEXES = {
    ADMIN_UNITS: ("version", "level", "code"),
    "models": ("model_id",),
    "commune_status": ("version", "code", "year"),
    "unit_crosswalk": ("from_version", "from_code"),
    "display_shapes": ("version", "level", "band", "area"),
}


def _binary_columns(df: pd.DataFrame) -> list[str]:
    """Columns holding bytes (the display documents' gzip bodies): bytea, not text."""
    out = []
    for col in df.columns:
        values = df[col].dropna()
        if len(values) and isinstance(values.iloc[0], bytes | memoryview):
            out.append(col)
    return out


def write_pg_store(location: str, layers: Mapping[str, pd.DataFrame | gpd.GeoDataFrame]) -> str:
    """Replace the store at `location` with `layers` (table name → frame; the spatial
    one a GeoDataFrame in EPSG:4326), in one transaction.

    Raises
    ------
    StoreError
        A required table is missing, or the server refused the write (nothing changed).
    """
    import sqlalchemy as sa
    from geoalchemy2 import Geometry

    missing = [t for t in REQUIRED_TABLES if t not in layers]
    if missing:
        raise StoreError(
            f"Thiếu bảng {', '.join(missing)} khi ghi kho '{safe_location(location)}'."
        )
    engine = engine_for(location)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
            old = {
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                )
            }
            revision = 0
            if STORE_REVISION in old:
                revision = int(
                    conn.exec_driver_sql(f'SELECT revision FROM "{STORE_REVISION}"').scalar() or 0
                )
            for name in (*layers, STORE_REVISION, SCHEMA_VERSION):
                conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}" CASCADE')
            for name, df in layers.items():
                frame = df.reset_index(drop=True)
                frame.insert(0, "fid", range(1, len(frame) + 1))
                if isinstance(frame, gpd.GeoDataFrame):
                    frame = frame.set_geometry(
                        [_multi(g) for g in frame.geometry], crs=STORAGE_CRS
                    ).rename_geometry("geom")
                    frame.to_postgis(
                        name, conn, index=False, dtype={"geom": Geometry("MULTIPOLYGON", 4326)}
                    )
                else:
                    dtype = {c: sa.LargeBinary for c in _binary_columns(frame)}
                    pd.DataFrame(frame).to_sql(name, conn, index=False, dtype=dtype)
                conn.exec_driver_sql(f'ALTER TABLE "{name}" ADD PRIMARY KEY ("fid")')
                cols = INDEXES.get(name)
                if cols and all(c in frame.columns for c in cols):
                    names = ", ".join(f'"{c}"' for c in cols)
                    conn.exec_driver_sql(f'CREATE INDEX "{name}_key" ON "{name}" ({names})')
            conn.exec_driver_sql(f'CREATE TABLE "{STORE_REVISION}" (revision bigint NOT NULL)')
            conn.exec_driver_sql(f'INSERT INTO "{STORE_REVISION}" VALUES (%s)', (revision + 1,))
            conn.exec_driver_sql(
                f'CREATE TABLE "{SCHEMA_VERSION}" (version integer NOT NULL, applied_at text)'
            )
            conn.exec_driver_sql(
                f'INSERT INTO "{SCHEMA_VERSION}" VALUES (%s, %s)',
                (SCHEMA, datetime.now(UTC).isoformat(timespec="seconds")),
            )
    except StoreError:
        raise
    except Exception as err:
        text = str(err).splitlines()[0]
        hint = (
            " Tạo cơ sở dữ liệu trước (createdb -O NGƯỜI_DÙNG TÊN_CSDL, rồi trong đó: "
            "CREATE EXTENSION postgis), xem mục máy chủ trong README."
            if "does not exist" in text
            else ""
        )
        raise StoreError(
            f"Ghi kho PostGIS '{safe_location(location)}' thất bại, kho cũ được giữ nguyên: {text}.{hint}"
        ) from err
    return location


def _multi(geom):
    import shapely

    if geom is not None and geom.geom_type == "Polygon":
        return shapely.MultiPolygon([geom])
    return geom
