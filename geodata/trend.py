"""A unit's metric year by year, beside its province and the whole country.

Every year is computed on the boundary version of the unit's own code, so the line
follows the same ground across the 2025 reform: figures recorded on the other
version's units are carried through the crosswalk (models both ways; commune status
only forward, from the old units to the new ones, so a pre-2025 unit has no status
after 2025 and the chart says so).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geodata.errors import ViewError
from geodata.query import data_years, query_view
from geodata.shared import SharedCache
from geodata.view import MapView


@dataclass(frozen=True)
class Trend:
    """`table`: one row per year, columns `year` and one per line (unit, its province,
    the country), NaN where a year has no value. `names` lists the line columns."""

    metric: str
    version: str
    names: tuple[str, ...]
    table: pd.DataFrame
    notes: tuple[str, ...]


_TRENDS = SharedCache(32)


def unit_trend(store, view: MapView, version: str, area_level: str, area_name: str) -> Trend:
    """The trend of the view's area (`view.area`, a unit of `version` at `area_level`).

    Cached per store revision: a dozen people looking at one province ask once.
    """
    key = (store.location, store.revision, view.metric, view.model_types, view.area, version)
    return _TRENDS.get(key, lambda: _unit_trend(store, view, version, area_level, area_name))


def _unit_trend(store, view: MapView, version: str, area_level: str, area_name: str) -> Trend:
    if not view.area:
        raise ViewError("Chọn một địa bàn (tỉnh, huyện hoặc xã) để xem diễn biến qua các năm.")
    first, last = data_years(store)
    metric = view.metric
    base = view.single().with_(level="province", area="", scheme="quantiles", k=5)
    unit_rows, prov_rows, country = [], [], []
    province_name = None
    for year in range(first, last + 1):
        one = base.with_(year_from=year, year_to=year)
        national = query_view(store, one, version=version)
        # the country is the same ground on every version: its own version's figures
        # (the status of the new communes is not carried back to the old ones)
        country.append(query_view(store, one).totals()[metric])
        if area_level == "province":
            row = national.rows[national.rows["code"] == view.area]
            unit_rows.append(float(row["value"].iloc[0]) if len(row) else np.nan)
            continue
        own = query_view(
            store,
            base.with_(year_from=year, year_to=year, level=area_level, area=view.area),
            version=version,
        )
        row = own.rows[own.rows["code"] == view.area]
        unit_rows.append(float(row["value"].iloc[0]) if len(row) else np.nan)
        pcode = str(row["province_code"].iloc[0]) if len(row) else None
        prow = national.rows[national.rows["code"] == pcode]
        prov_rows.append(float(prow["value"].iloc[0]) if len(prow) else np.nan)
        if len(prow):
            province_name = str(prow["name"].iloc[0])
    years = list(range(first, last + 1))
    table = pd.DataFrame({"year": years, area_name: unit_rows})
    names = [area_name]
    if area_level != "province" and province_name:
        table[province_name] = prov_rows
        names.append(province_name)
    table["Toàn quốc"] = country
    names.append("Toàn quốc")
    notes = []
    gaps = [y for y, v in zip(years, unit_rows, strict=True) if not np.isfinite(v)]
    if gaps:
        notes.append(
            f"Không có số liệu của {area_name} cho năm {', '.join(map(str, gaps))} "
            f"(trên đơn vị của {version})."
        )
    notes.append(
        f"Mọi năm tính trên đơn vị hành chính {version}; số liệu ghi theo đơn vị khác được "
        "chuyển qua bảng chuyển đổi."
    )
    return Trend(metric, version, tuple(names), table, tuple(notes))
