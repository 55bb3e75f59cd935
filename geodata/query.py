"""The core query: a view in, one row per displayed unit with its numbers out.

Answers "how many, where, when" for any metric, level, period, model types and area,
on the boundary version valid at the end of the period; figures recorded on another
version are carried to it through the crosswalk.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geodata.errors import ViewError
from geodata.schema import (
    ADMIN_UNITS,
    BOUNDARY_VERSIONS,
    COMMUNE_STATUS,
    LEVEL_LABELS_VI,
    LEVELS,
    MODELS,
    OFFICIAL_AREAS,
    UNIT_CROSSWALK,
    BoundaryVersion,
)
from geodata.shared import SharedCache
from geodata.versions import carry_codes, carry_status, version_for_period, versions_from_table
from geodata.view import MapView

# An approximate (Voronoi) cell this small says nothing of its commune's true area: the
# demo's smallest cells (0.002 km²) come from centroids 30 m apart, and a density on
# them reached 300,000 models per 100 km² and topped every ranking. Such units get no
# density (no data, ranked last, and said so); official areas and polygons always do.
MIN_APPROX_DENSITY_AREA_KM2 = 1.0

NUMBER_COLUMNS = (
    "n_communes",
    "area_km2",
    "model_count",
    "model_units",
    "members",
    "model_density",
    "models_per_commune",
    "communes_with_status",
    "certified_count",
    "certified_share",
    "hotspot_count",
    "transitioned_count",
    "transitioned_share",
)


@dataclass(frozen=True)
class ViewResult:
    """Numbers of a view. `rows` has one row per unit of `level` in the area, keyed by
    (`version`, `code`), with `value` = the view's metric and every other number."""

    view: MapView
    version: BoundaryVersion
    area_name: str
    area_level: str | None
    rows: pd.DataFrame
    notes: tuple[str, ...] = field(default=())
    # whether an outline drawn over the units (their provinces, below province level)
    # is approximate: a province not yet derived from official units keeps the note
    outlines_approximate: bool = False

    @property
    def approximate(self) -> bool:
        """Whether anything drawn (a unit shown or an outline over them) still has
        approximate (demo) boundaries."""
        if "is_approximate" in self.rows and len(self.rows):
            return self.outlines_approximate or bool(self.rows["is_approximate"].astype(bool).any())
        return self.version.is_approximate

    def totals(self) -> dict[str, float]:
        """Figures of the whole area (sums, and shares recomputed from the sums)."""
        return _totals(self.rows)


def member(values: pd.Series, pool) -> pd.Series:
    """`values.isin(pool)` on plain objects: on pandas' Arrow-backed strings `isin` walks
    the pool in a Python loop (47 % of a national rerun)."""
    return values.astype(object).isin(pd.Series(pool, dtype=object).to_numpy())


def data_years(store) -> tuple[int, int]:
    """First and last year the store has figures for: from the first year with commune
    status (models may have started earlier) to the last year with status or models."""
    s = store.table(COMMUNE_STATUS, columns=("year",))["year"]
    m = store.table(MODELS, columns=("start_year",))["start_year"]
    if s.empty and m.empty:
        raise ViewError("Kho dữ liệu chưa có số liệu mô hình hay trạng thái xã nào.")
    first = int(s.min()) if len(s) else int(m.min())
    return first, int(max(s.max() if len(s) else m.max(), m.max() if len(m) else s.max()))


def has_demo_data(store) -> bool:
    """True while any stored model or commune status is the demo's (imports remove them)."""
    return any(
        bool(store.table(t, columns=("is_demo",))["is_demo"].astype(bool).any())
        for t in (MODELS, COMMUNE_STATUS)
    )


def resolve_area(units: pd.DataFrame, code: str, version: str) -> pd.Series | None:
    """The unit an area code names in one version (coarsest level first), or None."""
    if not code:
        return None
    for level in LEVELS:
        hit = units[(units["level"] == level) & (units["code"] == code)]
        if len(hit):
            return hit.iloc[0]
    raise ViewError(
        f"Mã địa bàn '{code}' không có trong phiên bản ranh giới {version}. "
        "Kiểm tra lại mã, hoặc chọn kỳ phù hợp với mã (mã cũ trước 01/07/2025, mã mới sau đó)."
    )


_RESULTS = SharedCache(64)  # (store, revision, view, version) -> ViewResult


def query_view(store, view: MapView, version: str | None = None) -> ViewResult:
    """Compute a view, or return it from this process's cache of recent views.

    A dozen people opening the same map at a meeting ask for the same few views; each
    is computed once per store revision and shared (results are never modified).
    Only the view's own period is computed (`MapView.single`): a comparison asks for
    its two periods one by one.
    """
    view = view.single()
    key = (store.location, store.revision, view, version)
    return _RESULTS.get(key, lambda: _query_view(store, view, version))


def _query_view(store, view: MapView, version: str | None = None) -> ViewResult:
    """Compute a view.

    `version` forces the boundary version (e.g. to compare a previous period on the
    current units); by default it is the one valid at the end of the period.

    Raises
    ------
    ViewError
        Unknown area code, a period outside the data, or a level the period's
        boundary version does not have (districts after 1 July 2025).
    """
    first, last = data_years(store)
    if view.year_from < first or view.year_to > last:
        raise ViewError(
            f"Kỳ {view.year_from}–{view.year_to} nằm ngoài dữ liệu: kho có số liệu từ {first} đến {last}."
        )
    versions = versions_from_table(store.table(BOUNDARY_VERSIONS))
    if version is None:
        version = version_for_period(versions, view.year_to)
    else:
        named = [v for v in versions if v.version == version]
        if not named:
            raise ViewError(f"Phiên bản ranh giới '{version}' không có trong kho.")
        version = named[0]
    if view.level not in version.levels:
        raise ViewError(
            f"Cấp {LEVEL_LABELS_VI[view.level]} không có trong phiên bản ranh giới {version.version}: "
            "từ 01/07/2025 chính quyền địa phương chỉ còn hai cấp (tỉnh và xã). "
            "Chọn cấp tỉnh hoặc xã, hoặc một kỳ trước năm 2025."
        )
    units = store.units(version.version)
    area = resolve_area(units, view.area, version.version)
    area_level = None if area is None else str(area["level"])
    if area_level and LEVELS.index(view.level) < LEVELS.index(area_level):
        raise ViewError(
            f"Không thể hiển thị cấp {LEVEL_LABELS_VI[view.level]} bên trong "
            f"{area['name']} ({LEVEL_LABELS_VI[area_level]}): chọn cấp nhỏ hơn hoặc bằng địa bàn."
        )

    communes = units[units["level"] == "commune"].copy()
    communes["unit"] = _display_key(communes, view.level)
    _density_areas(store, version.version, communes)
    communes = communes_in_area(communes, area)
    shown = units[units["level"] == view.level]
    shown = shown[member(shown["code"], communes["unit"])]

    notes: list[str] = []
    models = _models_in_view(store, view, version.version, notes)
    status = _status_in_view(store, view.year_to, version.version, notes)

    per_commune = communes[["code", "unit"]].merge(
        models, left_on="code", right_on="commune_code", how="left"
    )
    agg = per_commune.groupby("unit").agg(
        model_count=("model_count", "sum"),
        model_units=("model_units", "sum"),
        members=("members", "sum"),
    )
    dens = communes.groupby("unit").agg(
        density_area_km2=("density_area_km2", "sum"),
        density_area_approx=("density_area_approx", "max"),
    )
    agg = agg.join(dens, how="outer")
    sc = communes[["code", "unit"]].merge(status, on="code", how="left")
    sagg = sc.groupby("unit").agg(
        n_communes=("code", "size"),
        communes_with_status=("certified", "count"),
        certified_count=("certified", "sum"),
        hotspot_count=("hotspot", "sum"),
        transitioned_count=("transitioned", "sum"),
    )
    rows = shown[
        [
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
        ]
    ].merge(agg, left_on="code", right_index=True, how="left")
    rows = rows.merge(sagg, left_on="code", right_index=True, how="left")
    rows = _derive(rows)
    rows["value"] = rows[view.metric]
    if view.metric == "model_density":
        small = int(rows["density_too_small"].sum())
        if small:
            notes.append(
                f"{_n(small)} đơn vị có ranh giới xấp xỉ nhỏ hơn "
                f"{MIN_APPROX_DENSITY_AREA_KM2:g} km² không được tính mật độ (không đủ tin cậy): "
                "để trống trên bản đồ, xếp cuối bảng."
            )
    rows = rows.sort_values("code").reset_index(drop=True)
    return ViewResult(
        view,
        version,
        "Toàn quốc" if area is None else str(area["name"]),
        area_level,
        rows,
        tuple(notes),
        _outlines_approximate(units, rows, view.level),
    )


def _density_areas(store, version: str, communes: pd.DataFrame) -> None:
    """Add each commune's area for densities (`density_area_km2`) and whether it is only
    approximate (`density_area_approx`): an official polygon's own area first, then the
    reference list's official area, else the approximate cell's."""
    official = pd.Series(dtype=float)
    if store.has_table(OFFICIAL_AREAS):
        o = store.table(
            OFFICIAL_AREAS, "version = ? AND level = 'commune'", (version,), ("code", "area_km2")
        )
        official = pd.Series(o["area_km2"].to_numpy(float), index=o["code"].astype(str).to_numpy())
    approx = communes["is_approximate"].astype(bool).to_numpy()
    listed = communes["code"].map(official).to_numpy(float)
    use_list = approx & np.isfinite(listed)
    communes["density_area_km2"] = np.where(use_list, listed, communes["area_km2"].to_numpy(float))
    communes["density_area_approx"] = approx & ~use_list


def _outlines_approximate(units: pd.DataFrame, rows: pd.DataFrame, level: str) -> bool:
    """Whether a province outline drawn over `rows` (as `display_layers` draws them
    below province level) is approximate."""
    if level == "province" or not len(rows):
        return False
    provinces = units[(units["level"] == "province") & member(units["code"], rows["province_code"])]
    return bool(provinces["is_approximate"].astype(bool).any())


def _display_key(communes: pd.DataFrame, level: str) -> pd.Series:
    if level == "province":
        return communes["province_code"]
    if level == "district":
        return communes["parent_code"]
    return communes["code"]


def communes_in_area(communes: pd.DataFrame, area) -> pd.DataFrame:
    """The communes inside an area (a unit row with `level` and `code`; None = all)."""
    if area is None:
        return communes
    level, code = area["level"], area["code"]
    if level == "province":
        return communes[communes["province_code"] == code]
    if level == "district":
        return communes[communes["parent_code"] == code]
    return communes[communes["code"] == code]


def active_models(
    store, view: MapView, version: str, notes: list[str] | None = None
) -> pd.DataFrame:
    """Models active in the view's period and types, one row each, with `commune_code`
    carried to `version` when they were registered on another boundary version."""
    notes = notes if notes is not None else []
    m = store.table(
        MODELS,
        "start_year <= ? AND (end_year IS NULL OR end_year >= ?)",
        (view.year_to, view.year_from),
    )
    if view.model_types:
        known = set(store.table(MODELS, columns=("model_type",))["model_type"].unique())
        unknown = [t for t in view.model_types if t not in known]
        if unknown:
            raise ViewError(f"Loại mô hình không có trong dữ liệu: {', '.join(unknown)}.")
        m = m[m["model_type"].isin(view.model_types)]
    codes = m["commune_code"].copy()
    other = m["version"] != version
    if other.any():
        crosswalk = store.table(UNIT_CROSSWALK)
        communes_all = store.table(
            ADMIN_UNITS, "level = 'commune'", (), ("version", "code", "area_km2")
        )
        from_areas = _areas(
            communes_all, crosswalk["from_version"].iat[0] if len(crosswalk) else version
        )
        forward = bool((crosswalk["to_version"] == version).any())
        codes[other] = carry_codes(
            m.loc[other, "commune_code"], crosswalk, from_areas, forward
        ).to_numpy()
        lost = int(codes[other].isna().sum())
        notes.append(
            f"{_n(int(other.sum()) - lost)} mô hình ghi theo mã đơn vị cũ được chuyển sang {version} qua bảng chuyển đổi."
        )
        if lost:
            notes.append(f"{lost} mô hình không chuyển được sang {version} và không được tính.")
    return m.assign(commune_code=codes).dropna(subset=["commune_code"])


def _models_in_view(store, view: MapView, version: str, notes) -> pd.DataFrame:
    """Active models of the period per commune of `version` (count, units, members)."""
    m = active_models(store, view, version, notes)
    return (
        m.groupby("commune_code")
        .agg(
            model_count=("model_id", "size"),
            model_units=("model_units", "sum"),
            members=("members", "sum"),
        )
        .reset_index()
    )


def _n(value: int) -> str:
    """Thousands grouped the Vietnamese way (4.778)."""
    return f"{value:,}".replace(",", ".")


def _areas(communes_all: pd.DataFrame, version: str) -> pd.Series:
    c = communes_all[communes_all["version"] == version]
    return pd.Series(c["area_km2"].to_numpy(), index=c["code"].to_numpy())


def _status_in_view(store, year: int, version: str, notes) -> pd.DataFrame:
    """Status at the end of `year` per commune of `version`, carried when recorded on
    the older version only."""
    s = store.table(COMMUNE_STATUS, "year = ?", (year,))
    crosswalk = store.table(UNIT_CROSSWALK)
    own = s[s["version"] == version][["code", "certified", "hotspot", "transitioned"]]
    old = s[s["version"] != version]
    if len(old) and len(crosswalk) and (crosswalk["to_version"] == version).any():
        communes_all = store.table(
            ADMIN_UNITS, "level = 'commune'", (), ("version", "code", "area_km2")
        )
        carried = carry_status(
            old, crosswalk, _areas(communes_all, crosswalk["from_version"].iat[0])
        )
        carried = carried[~member(carried["code"], own["code"])]
        if len(carried):
            notes.append(
                f"Trạng thái {_n(len(carried))} xã năm {year} được chuyển từ đơn vị cũ qua bảng chuyển đổi."
            )
        own = pd.concat([own, carried], ignore_index=True)
    return own


def _derive(rows: pd.DataFrame) -> pd.DataFrame:
    r = rows.copy()
    for c in ("model_count", "model_units", "members"):
        r[c] = r[c].fillna(0).astype(int)
    r["n_communes"] = r["n_communes"].fillna(0).astype(int)
    r["communes_with_status"] = r["communes_with_status"].fillna(0).astype(int)
    has_status = r["communes_with_status"] > 0
    for c in ("certified_count", "hotspot_count", "transitioned_count"):
        r[c] = r[c].where(has_status).astype("Float64")
    area = r["density_area_km2"].astype(float)
    r["density_too_small"] = r["density_area_approx"].fillna(False).astype(bool) & (
        area < MIN_APPROX_DENSITY_AREA_KM2
    )
    r["model_density"] = np.where(
        (area > 0) & ~r["density_too_small"], r["model_count"] / area * 100, np.nan
    )
    r["models_per_commune"] = np.where(
        r["n_communes"] > 0, r["model_count"] / r["n_communes"], np.nan
    )
    r["certified_share"] = (
        r["certified_count"] / r["communes_with_status"].where(has_status) * 100
    ).astype(float)
    hs = r["hotspot_count"].astype(float)
    r["transitioned_share"] = np.where(
        hs > 0, r["transitioned_count"].astype(float) / hs * 100, np.nan
    )
    for c in ("certified_count", "hotspot_count", "transitioned_count"):
        r[c] = r[c].astype(float)
    return r


def _totals(rows: pd.DataFrame) -> dict[str, float]:
    t = {
        c: float(rows[c].sum())
        for c in (
            "n_communes",
            "area_km2",
            "model_count",
            "model_units",
            "members",
            "communes_with_status",
            "certified_count",
            "hotspot_count",
            "transitioned_count",
        )
    }
    area = float(rows["density_area_km2"].sum()) if "density_area_km2" in rows else t["area_km2"]
    t["model_density"] = t["model_count"] / area * 100 if area else float("nan")
    t["models_per_commune"] = (
        t["model_count"] / t["n_communes"] if t["n_communes"] else float("nan")
    )
    t["certified_share"] = (
        t["certified_count"] / t["communes_with_status"] * 100
        if t["communes_with_status"]
        else float("nan")
    )
    t["transitioned_share"] = (
        t["transitioned_count"] / t["hotspot_count"] * 100 if t["hotspot_count"] else float("nan")
    )
    return t
