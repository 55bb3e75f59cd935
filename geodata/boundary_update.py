"""Put official polygons in place of the approximate ones, atomically.

Geometry lives in the GeoPackage's spatial layer, whose R-tree triggers need GDAL's
SQL functions, so the update rewrites the whole store through `write_store` (a new
file renamed over the old one when complete): a failure leaves the store as it was.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime

import geopandas as gpd
import pandas as pd
import pyogrio

from geodata.schema import (
    ADMIN_UNITS,
    BOUNDARY_VERSIONS,
    EQUAL_AREA_CRS,
    IMPORTS,
    LEVEL_LABELS_VI,
    REQUIRED_TABLES,
    STORAGE_CRS,
)
from geodata.store import write_store


@dataclass(frozen=True)
class BoundaryUpdate:
    replaced: int
    still_approximate: int  # units of this version (all levels) still approximate
    unchanged: bool
    previous: str | None = None


def replace_geometries(
    store,
    version: str,
    level: str,
    shapes: gpd.GeoDataFrame,
    file_name: str,
    checksum: str,
    source: str,
    rejected: int = 0,
) -> BoundaryUpdate:
    """Replace the polygons (and areas) of the `level` units of `version` named in `shapes`
    (code, geometry in EPSG:4326) and mark them official; `rejected` counts the file's
    features that could not be used, for the imports record."""
    imports = store.table(IMPORTS)
    prev = imports[(imports["checksum"] == checksum) & (imports["kind"] == "boundaries")]
    if len(prev):
        return BoundaryUpdate(0, -1, True, str(prev["imported_at"].iloc[-1]))
    units = pyogrio.read_dataframe(store.path, layer=ADMIN_UNITS).set_crs(
        STORAGE_CRS, allow_override=True
    )
    new = shapes.set_index("code").geometry
    hit = (units["version"] == version) & (units["level"] == level) & units["code"].isin(new.index)
    units.loc[hit, "geometry"] = units.loc[hit, "code"].map(new).to_numpy()
    units.loc[hit, "area_km2"] = (
        gpd.GeoSeries(units.loc[hit, "geometry"], crs=STORAGE_CRS).to_crs(EQUAL_AREA_CRS).area / 1e6
    ).to_numpy()
    units.loc[hit, "is_approximate"] = 0
    left = int(units.loc[units["version"] == version, "is_approximate"].astype(int).sum())
    versions = store.table(BOUNDARY_VERSIONS)
    row = versions["version"] == version
    versions.loc[row, "is_approximate"] = int(left > 0)
    versions.loc[row, "source"] = (
        f"{versions.loc[row, 'source'].iloc[0]} | cấp {LEVEL_LABELS_VI[level]}: {source}"
    )
    imports = pd.concat(
        [
            imports,
            pd.DataFrame(
                [
                    {
                        "import_id": int(imports["import_id"].max() or 0) + 1,
                        "kind": "boundaries",
                        "file_name": file_name,
                        "checksum": checksum,
                        "imported_at": datetime.now().isoformat(timespec="seconds"),
                        "imported_by": getpass.getuser(),
                        "rows_accepted": int(hit.sum()),
                        "rows_rejected": int(rejected),
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    layers = {
        t: store.table(t)
        for t in REQUIRED_TABLES
        if t not in (ADMIN_UNITS, BOUNDARY_VERSIONS, IMPORTS)
    }
    write_store(
        store.path, {ADMIN_UNITS: units, BOUNDARY_VERSIONS: versions, IMPORTS: imports, **layers}
    )
    return BoundaryUpdate(int(hit.sum()), left, False)
