"""Small independent re-computations the tests compare the core query against."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geodata.schema import EQUAL_AREA_CRS


def active_models(store, year_from: int, year_to: int, communes=None) -> pd.DataFrame:
    """Models active at any time in the period (optionally only in `communes`),
    filtered directly on the stored table, not through geodata.query."""
    m = store.table("models")
    active = m[(m.start_year <= year_to) & (m.end_year.isna() | (m.end_year >= year_from))]
    return active if communes is None else active[active.commune_code.isin(communes)]


def official_districts(store) -> gpd.GeoDataFrame:
    """Hòa Bình's districts standing in for an official file: shifted 300 m east (so
    they differ from the stored ones), names as staff write them."""
    d = store.unit_shapes("vn-2024", "district")
    d = d[d.province_code == "17"].copy()
    d["geometry"] = d.geometry.to_crs(EQUAL_AREA_CRS).translate(300, 0).to_crs(4326)
    d["Ten_Tinh"] = "Tỉnh Hoà Bình"  # old tone placement
    d["Ten_Huyen"] = d["name"].str.replace("Huyện ", "H. ").str.replace("Đ", "Ð")  # look-alike
    d["MA_HUYEN"] = d["code"].astype(int)  # codes as numbers lose their leading zeros
    return d[["Ten_Tinh", "Ten_Huyen", "MA_HUYEN", "geometry"]].reset_index(drop=True)


def dump(store, tables=("models", "commune_status", "imports")) -> dict:
    """Every row of `tables`, read afresh through the store interface (either backend),
    in a stable order: what "the store did not change" is compared on."""
    from geodata.store import open_store

    fresh = open_store(store.location)
    out = {}
    for t in tables:
        df = fresh.table(t)
        out[t] = sorted(map(repr, df.astype(object).where(df.notna(), None).values.tolist()))
    return out


def mark(store) -> object:
    """What changes whenever anything is written: the GeoPackage's bytes; PostGIS's
    store revision (every committed write increments it) with every table's rows."""
    import hashlib

    from geodata.pg_store import PostgisStore, forget_revision
    from geodata.schema import REQUIRED_TABLES

    if hasattr(store, "path"):
        return hashlib.sha256(store.path.read_bytes()).hexdigest()
    forget_revision(store.location)
    fresh = PostgisStore.open(store.location)
    return fresh.revision, dump(fresh, REQUIRED_TABLES)
