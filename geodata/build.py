"""Build the embedded demo store: reference boundaries + demo registry, one GeoPackage."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from geodata.demo import demo_models, demo_status
from geodata.display_docs import DISPLAY_SHAPES, docs_table, prepare_store, prepare_units
from geodata.pg_store import is_postgres, safe_location
from geodata.pg_write import write_pg_store
from geodata.reference_build import ReferenceBuild, build_reference
from geodata.schema import (
    ADMIN_UNIT_COLUMNS,
    ADMIN_UNITS,
    BOUNDARY_VERSIONS,
    COMMUNE_STATUS,
    IMPORTS,
    MODELS,
    OFFICIAL_AREAS,
    REFERENCE_VERSIONS,
    UNIT_CROSSWALK,
)
from geodata.store import write_store
from loaders.reference import read_national_outline, read_reference_lists

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildReport:
    path: Path | str  # the GeoPackage, or the PostGIS URL
    seconds: float
    counts: pd.DataFrame  # version, level, units
    repairs: pd.DataFrame
    models: int
    status_rows: int


def boundary_versions_table() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "version": v.version,
                "valid_from": v.valid_from.isoformat() if v.valid_from else None,
                "valid_to": v.valid_to.isoformat() if v.valid_to else None,
                "levels": ",".join(v.levels),
                "source": v.source,
                "is_approximate": int(v.is_approximate),
            }
            for v in REFERENCE_VERSIONS
        ]
    )


def official_areas(current: pd.DataFrame) -> pd.DataFrame:
    """The post-2025 communes' official areas (`wardAreaKm2`; 0.00 means unknown)."""
    a = current[pd.to_numeric(current["wardAreaKm2"], errors="coerce") > 0]
    return pd.DataFrame(
        {
            "version": "vn-2025",
            "level": "commune",
            "code": a["wardCode"].astype(str).to_numpy(),
            "area_km2": a["wardAreaKm2"].astype(float).to_numpy(),
            "source": "vietnamadminunits (wardAreaKm2)",
        }
    )


def build_demo_store(out: str | os.PathLike, progress: Progress = lambda _msg: None) -> BuildReport:
    """Build the reference boundaries and the demo registry into a new GeoPackage.

    The file at `out` is replaced atomically when everything was written, under the
    store's write lock (an import running on it finishes first, one started later
    writes into the new store); a failure leaves any existing file untouched.
    """
    t0 = time.perf_counter()
    progress("Đọc danh mục đơn vị hành chính và đường biên quốc gia…")
    lists = read_reference_lists()
    outline = read_national_outline()
    progress("Dựng ranh giới xấp xỉ cho vn-2024 và vn-2025…")
    ref: ReferenceBuild = build_reference(lists, outline)
    progress("Sinh dữ liệu mẫu mô hình và trạng thái xã (2014–2026)…")
    models = demo_models(ref.units, ref.crosswalk)
    status = demo_status(ref.units, ref.crosswalk)
    units = ref.units[[*ADMIN_UNIT_COLUMNS, "geometry"]]
    digest = hashlib.sha256(
        pd.util.hash_pandas_object(models, index=False).to_numpy().tobytes()
    ).hexdigest()
    imports = pd.DataFrame(
        [
            {
                "import_id": 1,
                "kind": "demo",
                "file_name": "(dữ liệu mẫu dựng sẵn)",
                "checksum": digest,
                "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "imported_by": os.environ.get("USER", ""),
                "rows_accepted": len(models) + len(status),
                "rows_rejected": 0,
            }
        ]
    )
    layers = {
        ADMIN_UNITS: units,
        BOUNDARY_VERSIONS: boundary_versions_table(),
        UNIT_CROSSWALK: ref.crosswalk,
        MODELS: models,
        COMMUNE_STATUS: status,
        IMPORTS: imports,
        OFFICIAL_AREAS: official_areas(lists.current),
    }
    if is_postgres(str(out)):
        progress("Chuẩn bị hình hiển thị cho bản đồ (toàn quốc và từng tỉnh)…")
        layers[DISPLAY_SHAPES] = docs_table(prepare_units(units))
        progress(f"Ghi kho PostGIS {safe_location(str(out))}…")
        path = write_pg_store(str(out), layers)
    else:
        from geodata.migrations import LATEST, SCHEMA_VERSION

        progress(f"Ghi kho GeoPackage {out}…")
        layers[SCHEMA_VERSION] = pd.DataFrame(
            {"version": [LATEST], "applied_at": [datetime.now(UTC).isoformat(timespec="seconds")]}
        )
        path = write_store(out, layers)
        progress("Chuẩn bị hình hiển thị cho bản đồ (toàn quốc và từng tỉnh)…")
        prepare_store(path, sorted(units["version"].unique()))
    counts = units.groupby(["version", "level"]).size().rename("units").reset_index()
    return BuildReport(
        path, time.perf_counter() - t0, counts, ref.repairs, len(models), len(status)
    )
