"""Moving a whole store between a GeoPackage and PostGIS, in either direction.

What is copied is every table of the design the source has, with the same rows and
geometries; the copy reads back identical (`tests/test_stores.py`). The prepared display
documents go along as they are (same bytes, so the same content-hashed URLs).
"""

from __future__ import annotations

import geopandas as gpd
import pyogrio

from geodata.access import USERS
from geodata.aliases import NAME_ALIASES
from geodata.audit import AUDIT
from geodata.display_docs import DISPLAY_SHAPES, docs_from_table, write_docs
from geodata.errors import StoreError
from geodata.pg_store import PostgisStore, engine_for, is_postgres
from geodata.saved_views import SAVED_VIEWS
from geodata.schema import ADMIN_UNITS, OFFICIAL_AREAS, REQUIRED_TABLES, STORAGE_CRS

OPTIONAL_TABLES = (NAME_ALIASES, DISPLAY_SHAPES, OFFICIAL_AREAS, USERS, AUDIT, SAVED_VIEWS)


def unit_layer(store) -> gpd.GeoDataFrame:
    """Every admin unit of every version with its polygon, in stored order."""
    if isinstance(store, PostgisStore):
        with engine_for(store.location).connect() as conn:
            gdf = gpd.read_postgis(
                f'SELECT * FROM "{ADMIN_UNITS}" ORDER BY "fid"', conn, geom_col="geom"
            )
        return (
            gdf.drop(columns=["fid"])
            .rename_geometry("geometry")
            .set_crs(STORAGE_CRS, allow_override=True)
        )
    gdf = pyogrio.read_dataframe(store.path, layer=ADMIN_UNITS)
    return gdf.set_crs(STORAGE_CRS, allow_override=True)


def read_layers(store) -> dict:
    """Every table of the store: name → frame (admin units as a GeoDataFrame)."""
    layers = {ADMIN_UNITS: unit_layer(store)}
    for name in (*REQUIRED_TABLES, *OPTIONAL_TABLES):
        if name != ADMIN_UNITS and store.has_table(name):
            layers[name] = store.table(name)
    return layers


def copy_store(source: str, target: str) -> dict[str, int]:
    """Copy the store at `source` to `target` (a .gpkg path or a postgresql:// URL),
    replacing what is there in one step; returns the rows copied per table.

    Raises
    ------
    StoreError
        The source cannot be read, the target is the source, or the write failed (the
        target is then as it was).
    """
    from geodata.store import open_store, write_store

    if str(source) == str(target):
        raise StoreError("Kho nguồn và kho đích là một: chọn một kho đích khác.")
    layers = read_layers(open_store(source))
    if is_postgres(target):
        from geodata.pg_write import write_pg_store

        write_pg_store(target, layers)
    else:
        # these two are tables of our own making in a GeoPackage (binary bodies, a unique
        # key): written through their own code, after the layers pyogrio writes
        plain = {k: v for k, v in layers.items() if k not in (DISPLAY_SHAPES, NAME_ALIASES)}
        write_store(target, plain)
        from geodata.store_write import write_session

        with write_session(target) as conn:
            if DISPLAY_SHAPES in layers and len(layers[DISPLAY_SHAPES]):
                docs = docs_from_table(layers[DISPLAY_SHAPES])
                for version in sorted({d.version for d in docs}):
                    write_docs(conn, version, [d for d in docs if d.version == version])
                # the documents keep when they were built, not when they were copied
                keys = ["built_at", "version", "level", "band", "area"]
                conn.executemany(
                    f'UPDATE "{DISPLAY_SHAPES}" SET built_at = ? WHERE version = ? AND '
                    "level = ? AND band = ? AND area = ?",
                    list(layers[DISPLAY_SHAPES][keys].itertuples(index=False, name=None)),
                )
            if NAME_ALIASES in layers and len(layers[NAME_ALIASES]):
                copy_aliases(conn, layers[NAME_ALIASES])
    return {name: len(df) for name, df in layers.items()}


def copy_aliases(conn, table) -> None:
    """Confirmed spellings into a GeoPackage as they were (who, when, key included)."""
    from geodata.aliases import create_table

    create_table(conn)
    cols = [
        "version",
        "level",
        "parent_code",
        "alias",
        "alias_key",
        "code",
        "confirmed_by",
        "confirmed_at",
    ]
    marks = ", ".join("?" for _ in cols)
    names = ", ".join(cols)
    conn.executemany(
        f'INSERT INTO "{NAME_ALIASES}" ({names}) VALUES ({marks})',
        [tuple(None if v != v else v for v in row) for row in table[cols].itertuples(index=False)],
    )
