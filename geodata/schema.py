"""Names shared by every store backend: levels, boundary versions, tables, CRSs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

LEVELS: tuple[str, ...] = ("province", "district", "commune")
LEVEL_LABELS_VI = {"province": "tỉnh/thành phố", "district": "huyện/quận", "commune": "xã/phường"}

# Geometry is stored in WGS 84; areas and the tessellation use an Albers equal-area
# projection fitted to Vietnam's latitude range (8°N–23.5°N), so km² are true km².
STORAGE_CRS = "EPSG:4326"
EQUAL_AREA_CRS = (
    "+proj=aea +lat_0=16 +lon_0=106 +lat_1=10 +lat_2=21 +x_0=0 +y_0=0 "
    "+ellps=WGS84 +units=m +no_defs"
)

ADMIN_UNITS = "admin_units"
BOUNDARY_VERSIONS = "boundary_versions"
UNIT_CROSSWALK = "unit_crosswalk"
MODELS = "models"
COMMUNE_STATUS = "commune_status"
IMPORTS = "imports"
# official areas from the reference lists (vn-2025 communes: `wardAreaKm2`), used for
# densities where a unit's drawn polygon is only approximate; optional (older stores)
OFFICIAL_AREAS = "official_areas"
REQUIRED_TABLES = (ADMIN_UNITS, BOUNDARY_VERSIONS, UNIT_CROSSWALK, MODELS, COMMUNE_STATUS, IMPORTS)

ADMIN_UNIT_COLUMNS = (
    "version",
    "level",
    "code",
    "name",
    "short_name",
    "unit_type",
    "parent_code",
    "province_code",
    "area_km2",
    "is_approximate",
)
MODEL_COLUMNS = (
    "model_id",
    "name",
    "model_type",
    "commune_code",
    "version",
    "start_year",
    "end_year",
    "recognition",
    "model_units",
    "members",
    "lon",
    "lat",
    "is_demo",
)
STATUS_COLUMNS = ("version", "code", "year", "certified", "hotspot", "transitioned", "is_demo")

RECOGNITION_LEVELS = ("national", "provincial", "district", "none")
RECOGNITION_LABELS_VI = {
    "national": "Bộ Công an công nhận",
    "provincial": "Cấp tỉnh công nhận",
    "district": "Cấp huyện công nhận",
    "none": "Chưa công nhận",
}


@dataclass(frozen=True)
class BoundaryVersion:
    """One administrative map: which units existed, and when."""

    version: str
    valid_from: date | None
    valid_to: date | None
    levels: tuple[str, ...]
    source: str
    is_approximate: bool

    def covers(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


REFERENCE_SOURCE = (
    "Danh mục đơn vị hành chính: gói vietnamadminunits (PyPI); đường biên quốc gia: "
    "Natural Earth 10 m. Ranh giới xấp xỉ (phân vùng Voronoi theo tâm xã), không phải ranh giới chính thức."
)

REFERENCE_VERSIONS = (
    BoundaryVersion(
        "vn-2024",
        None,
        date(2025, 6, 30),
        ("province", "district", "commune"),
        REFERENCE_SOURCE,
        True,
    ),
    BoundaryVersion(
        "vn-2025", date(2025, 7, 1), None, ("province", "commune"), REFERENCE_SOURCE, True
    ),
)
