"""Official boundary files: identify each polygon, repair, check, before anything is stored.

`check_boundaries` never writes: it returns the polygons keyed by the reference unit
codes of one boundary version and level, plus a report that leads with what needs a
decision (refused units, names and codes to review), then repairs, then notes. Reading
and coordinate systems are in `boundary_read`, column and level detection in
`boundary_fields`, plausibility and coverage checks in `boundary_checks`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.aliases import read_aliases
from geodata.schema import LEVEL_LABELS_VI, LEVELS
from loaders import places
from loaders.boundary_checks import (
    ACCEPTED,
    DECIDE,
    NOTE,
    REFUSE,
    REPAIRED,
    SEVERITY_ORDER,
    SKIP,
    coverage_report,
    nesting_report,
    plausibility,
    reference_areas,
)
from loaders.boundary_fields import FieldChoice, choose_fields
from loaders.boundary_ident import Identifier, ReviewItem, codes_as_reference
from loaders.boundary_read import (
    _field_key,
    boundary_fields,
    likely_systems,
    read_boundary_file,
    to_wgs84,
)
from loaders.errors import LoaderError
from loaders.places import PlaceIndex, summarize_notes

__all__ = [
    "BoundaryCheck",
    "ReviewItem",
    "boundary_fields",
    "check_boundaries",
    "likely_systems",
    "read_boundary_file",
    "to_wgs84",
]

# Headers that say their level unambiguously (used only to name the right version for a
# district file offered to a version without districts; detection itself measures values).
HEADER_LEVELS = {
    "province": ("ten_tinh", "tentinh", "ten tinh"),
    "district": ("ten_huyen", "tenhuyen", "ten huyen"),
    "commune": ("ten_xa", "tenxa", "ten xa", "ten_phuong_xa"),
}
NOT_STORED = (SKIP, REFUSE)
GAP_WIDTH_M = 50.0  # gaps narrower than this between neighbours are reported as slivers
COLUMNS = ["Đối tượng", "Tên trong tệp", "Vấn đề", "Xử lý", "Mức"]


@dataclass(frozen=True)
class BoundaryCheck:
    version: str
    level: str
    units: gpd.GeoDataFrame  # code, geometry (EPSG:4326), only the polygons to store
    report: pd.DataFrame  # COLUMNS, decisions first
    source_crs: str
    features: int
    detection: str = ""  # which columns and level were used, and why
    review: tuple[ReviewItem, ...] = field(default=())
    refused: tuple[str, ...] = field(default=())  # codes kept out as implausible

    @property
    def skipped(self) -> int:
        """Features or units of the file that are not stored (unusable or refused)."""
        return int(self.report["Xử lý"].isin(NOT_STORED).sum())

    def decisions(self) -> tuple[places.ReviewItem, ...]:
        """The review items a person can settle by picking a unit for a written name:
        what the page offers and the report's “Cần xác nhận” sheet lists."""
        return tuple(
            places.ReviewItem(
                self.version,
                i.level,
                i.parent_code or "",
                i.name,
                i.reason,
                i.candidates,
                parent_name=i.parent_name or "",
            )
            for i in self.review
            if i.name and i.candidates
        )


def _header_levels(gdf) -> dict[str, str]:
    keys = {_field_key(c): c for c in gdf.columns if c != "geometry"}
    return {lv: keys[n] for lv, names in HEADER_LEVELS.items() for n in names if n in keys}


def _refuse_level_missing_from(v, versions, cols: dict[str, str]) -> None:
    """A file named down to a level the version lacks (districts after 2025) belongs to
    another version: say which, rather than matching its names at the wrong level."""
    finest = next((lv for lv in reversed(LEVELS) if lv in cols), None)
    if finest is None or finest in v.levels:
        return
    others = [x.version for x in versions if finest in x.levels]
    label = LEVEL_LABELS_VI[finest]
    raise LoaderError(
        f"Tệp có cột tên {label} ('{cols[finest]}') nhưng phiên bản {v.version} không có cấp "
        f"{label}"
        + (
            f"; ranh giới cấp này thuộc phiên bản {', '.join(others)}: dùng --version {others[0]}"
            if others
            else ""
        )
        + "."
    )


def _code_level(gdf, units: pd.DataFrame, levels: tuple[str, ...], code_field: str):
    """(level, sentence): the level whose codes the column holds most of."""
    if code_field not in gdf.columns:
        raise LoaderError(
            f"--code-field: không có cột '{code_field}' trong tệp; các cột: "
            f"{', '.join(c for c in gdf.columns if c != 'geometry')}."
        )

    def hits(lv: str) -> int:
        pool = set(units[units.level == lv].code)
        return len(set(codes_as_reference(gdf[code_field], pool)) & pool)

    lv = max(levels, key=hits)
    return (
        lv,
        f"cột {code_field} khớp {hits(lv)}/{gdf[code_field].nunique()} mã {LEVEL_LABELS_VI[lv]}",
    )


def repair(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list]:
    """Make every geometry a valid MultiPolygon; report which were repaired or dropped."""
    report = []
    geoms = gdf.geometry.to_numpy()
    invalid = ~shapely.is_valid(geoms)
    for i in np.flatnonzero(invalid):
        reason = shapely.is_valid_reason(geoms[i])
        report.append(
            (f"đối tượng {gdf.index[i] + 1}", "", f"hình học không hợp lệ ({reason})",
             "đã sửa (make_valid)", REPAIRED)
        )  # fmt: skip
    fixed = shapely.make_valid(geoms)
    polys = []
    for g in fixed:
        parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
        flat = [q for p in parts for q in shapely.get_parts(p)]
        polys.append(shapely.multipolygons(flat) if flat else None)
    out = gdf.copy()
    out["geometry"] = gpd.GeoSeries(polys, index=gdf.index, crs=gdf.crs)
    empty = out.geometry.isna() | out.geometry.is_empty
    for i in np.flatnonzero(empty.to_numpy()):
        report.append(
            (f"đối tượng {gdf.index[i] + 1}", "", "không có vùng (rỗng hoặc chỉ có đường/điểm)",
             SKIP, NOTE)
        )  # fmt: skip
    return out[~empty], report


def _parent_level(level: str, levels: tuple[str, ...]) -> str | None:
    return {
        "commune": "district" if "district" in levels else "province",
        "district": "province",
    }.get(level)


def check_boundaries(
    store,
    path: str | Path,
    version: str,
    level: str | None = None,
    code_field: str | None = None,
    name_field: str | None = None,
    crs: str | None = None,
    layer: str | None = None,
    province_field: str | None = None,
    district_field: str | None = None,
    type_field: str | None = None,
    accept: Iterable[str] = (),
    aliases: pd.DataFrame | None = None,
) -> BoundaryCheck:
    """Read and validate a boundary file against the reference units of `version`.

    Columns and level are detected from the values (see `boundary_fields`) unless
    given. Units that fail a plausibility check (`boundary_checks`) are kept out of
    `units` and reported as needing a decision, unless their code is in `accept`.
    Geometry in: the file's CRS (or `crs`); out: EPSG:4326.
    """
    from geodata.schema import BOUNDARY_VERSIONS
    from geodata.versions import versions_from_table

    versions = {v.version: v for v in versions_from_table(store.table(BOUNDARY_VERSIONS))}
    if version not in versions:
        raise LoaderError(
            f"Phiên bản ranh giới '{version}' chưa có trong kho; chọn một trong: {', '.join(versions)} "
            "(ranh giới chính thức thay cho ranh giới xấp xỉ của phiên bản đó)."
        )
    v = versions[version]
    if level is not None and level not in v.levels:
        raise LoaderError(
            f"Phiên bản {version} không có cấp {LEVEL_LABELS_VI.get(level, level)}; các cấp: {', '.join(v.levels)}."
        )
    raw = read_boundary_file(path, layer)
    gdf, source_crs = to_wgs84(raw, crs)
    gdf = gdf.reset_index(drop=True)
    units = store.units(version)
    if level is None and code_field is None and district_field is None:
        _refuse_level_missing_from(v, versions.values(), _header_levels(gdf))
    known = read_aliases(store)
    if aliases is not None and len(aliases):
        known = pd.concat([known, aliases], ignore_index=True)
    index = PlaceIndex(units, version, known)
    code_level, code_why = (None, "")
    if code_field:
        code_level, code_why = _code_level(gdf, units, v.levels, code_field)
    choice: FieldChoice | None = None
    try:
        choice = choose_fields(
            gdf, index, v.levels, level, name_field, province_field, district_field,
            type_field, code_field, code_level,
        )  # fmt: skip
    except LoaderError:
        if not code_field:
            raise
    level = level or code_level or choice.level
    detection = "; ".join(
        x for x in (choice.why if choice else f"cấp {LEVEL_LABELS_VI[level]}", code_why) if x
    )
    gdf, report = repair(gdf)
    ident = Identifier(gdf, index, units, level, choice)
    if code_field:
        shapes = {level: store.unit_shapes(version, level)}
        parent = _parent_level(level, v.levels)
        if parent and not (choice and parent in choice.names):
            shapes[parent] = store.unit_shapes(version, parent)
        ident.bycodes_as_reference(code_field, shapes)
    elif choice is None or level not in choice.names:
        raise LoaderError(
            f"Không biết cột nào chứa tên {LEVEL_LABELS_VI[level]}: dùng --code-field (mã đơn vị) "
            f"hoặc --name-field; các cột: {', '.join(c for c in gdf.columns if c != 'geometry')}."
        )
    else:
        ident.by_names()
    report += ident.rows
    report += [
        ("khớp tên theo quy tắc", "", line[0].upper() + line[1:], "dùng", NOTE)
        for line in summarize_notes(ident.match_notes(), unit="cách ghi")
    ]
    names = ident.names
    codes = pd.Series(dict(ident.pairs), dtype=object)
    dup = codes[codes.duplicated(keep=False)]
    for code, g in dup.groupby(dup):
        report.append(
            (names.get(code, code), "",
             f"{len(g)} đối tượng cùng là đơn vị này (đối tượng {', '.join(str(i + 1) for i in g.index)}): "
             "nhiều mảnh, hoặc đơn vị đã chia tách trong tệp", "gộp thành một", REPAIRED)
        )  # fmt: skip
    ident_units = gdf.loc[codes.index].assign(code=codes.to_numpy())
    ident_units = ident_units.dissolve(by="code", as_index=False)[["code", "geometry"]]
    ident_units["geometry"] = [
        shapely.multipolygons(list(shapely.get_parts(g))) for g in ident_units.geometry
    ]
    parent_level = _parent_level(level, v.levels)
    communes = store.unit_shapes(version, "commune")
    refused, notes = plausibility(
        ident_units, units, communes, level, parent_level, reference_areas(units, v.levels)
    )
    accept = set(accept)
    for code, why in sorted(refused.items()):
        action = ACCEPTED if code in accept else REFUSE
        report.append((names.get(code, code), "", why, action, DECIDE))
    kept_out = sorted(set(refused) - accept)
    stored = ident_units[~ident_units["code"].isin(kept_out)].reset_index(drop=True)
    report += notes
    missing = sorted(set(units[units.level == level].code) - set(ident_units.code))
    if missing and len(missing) <= 20:
        report += [
            (names.get(c, c), "", "không có trong tệp", "giữ ranh giới hiện có", NOTE)
            for c in missing
        ]
    elif missing:
        report.append(
            (f"{len(missing)} đơn vị {LEVEL_LABELS_VI[level]}", "", "không có trong tệp",
             "giữ ranh giới hiện có", NOTE)
        )  # fmt: skip
    report += coverage_report(ident_units, names, GAP_WIDTH_M)
    if parent_level:
        rows = units[units.level == level].set_index("code")
        col = "parent_code" if parent_level == "district" else "province_code"
        parents = (
            communes if parent_level == "commune" else store.unit_shapes(version, parent_level)
        )
        report += nesting_report(
            ident_units, parents[["code", "geometry"]], rows[col].to_dict(), names
        )
    table = pd.DataFrame(report, columns=COLUMNS)
    table = table.iloc[
        np.argsort(table["Mức"].map(SEVERITY_ORDER).to_numpy(), kind="stable")
    ].reset_index(drop=True)
    return BoundaryCheck(
        version, level, stored, table, source_crs, len(raw), detection,
        tuple(ident.review), tuple(kept_out),
    )  # fmt: skip
