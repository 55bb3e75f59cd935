"""Official boundary files: read, put in WGS 84, identify each polygon, repair, check.

`check_boundaries` never writes: it returns the polygons keyed by the reference unit
codes of one boundary version and level, plus a report of everything it repaired,
could not identify, or found wrong between neighbours and with the parent units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS, Transformer

from geodata.names import fold
from geodata.schema import EQUAL_AREA_CRS, LEVEL_LABELS_VI, LEVELS, STORAGE_CRS
from loaders.errors import LoaderError
from loaders.places import PlaceIndex

VIETNAM_BBOX = (102.0, 8.0, 110.0, 23.5)  # mainland and near islands, lon/lat
# Systems Vietnamese boundary files come in; suggested when a file's CRS is missing or wrong.
LIKELY_CRS = {
    "EPSG:4326": "WGS 84 (kinh độ/vĩ độ)",
    "EPSG:4756": "VN-2000 (kinh độ/vĩ độ)",
    "EPSG:3405": "VN-2000 / UTM múi 48N",
    "EPSG:3406": "VN-2000 / UTM múi 49N",
    "EPSG:32648": "WGS 84 / UTM múi 48N",
    "EPSG:32649": "WGS 84 / UTM múi 49N",
    # VN-2000 / TM-3: the provinces' 3° zones, central meridians 103°00′ to 108°30′
    **{f"EPSG:{9205 + i}": CRS.from_epsg(9205 + i).name for i in range(14)},
}
NAME_FIELDS = {
    "province": ("ten_tinh", "tinh", "tentinh", "province", "name_1", "ten tinh"),
    "district": ("ten_huyen", "huyen", "tenhuyen", "district", "name_2", "ten huyen"),
    "commune": ("ten_xa", "xa", "tenxa", "commune", "name_3", "ten xa", "ten_phuong_xa"),
}
SKIP = "bỏ qua"  # the report's "Xử lý" for a feature that is not stored
GAP_WIDTH_M = 50.0  # gaps narrower than this between neighbours are reported as slivers


@dataclass(frozen=True)
class BoundaryCheck:
    version: str
    level: str
    units: gpd.GeoDataFrame  # code, geometry (EPSG:4326), only the identified polygons
    report: pd.DataFrame  # Đối tượng, Tên trong tệp, Vấn đề, Xử lý
    source_crs: str
    features: int

    @property
    def skipped(self) -> int:
        """Features of the file that cannot be used (unmatched, empty, unknown code)."""
        return int(self.report["Xử lý"].eq(SKIP).sum())


def _field_key(name: str) -> str:
    return re.sub(r"\s+", " ", fold(name).replace("-", "_")).strip()


def _no_areas(p: Path) -> str:
    return f"Tệp '{p.name}' không có lớp đa giác nào (ranh giới phải là vùng)."


def _locate(path: str | Path, layer: str | None) -> tuple[Path, str, str]:
    """(path, GDAL source, layer): the first polygon layer unless one is named."""
    p = Path(path)
    if not p.exists():
        raise LoaderError(f"Không tìm thấy tệp '{p}'.")
    source = f"/vsizip/{p}" if p.suffix.lower() == ".zip" else str(p)
    try:
        layers = pyogrio.list_layers(source)
    except Exception as err:
        raise LoaderError(
            f"Không đọc được '{p.name}' như tệp ranh giới (Shapefile, .zip, GeoPackage, GeoJSON): {err}"
        ) from err
    # GeoJSON mixing Polygon and MultiPolygon reports its layer type as "Unknown"
    kinds = {name: str(geom).upper() for name, geom in layers}
    polygonal = [n for n, k in kinds.items() if "POLYGON" in k]
    untyped = [n for n, k in kinds.items() if k in ("NONE", "UNKNOWN", "GEOMETRY")]
    if layer is None:
        if not polygonal + untyped:
            raise LoaderError(_no_areas(p))
        layer = (polygonal + untyped)[0]
    return p, source, layer


def boundary_fields(path: str | Path, layer: str | None = None) -> list[str]:
    """The attribute columns of a boundary file, without reading its geometry."""
    p, source, layer = _locate(path, layer)
    try:
        return list(pyogrio.read_info(source, layer=layer)["fields"])
    except Exception as err:
        raise LoaderError(f"Không đọc được lớp '{layer}' của '{p.name}': {err}") from err


def read_boundary_file(path: str | Path, layer: str | None = None) -> gpd.GeoDataFrame:
    """A Shapefile (also zipped), GeoPackage or GeoJSON as a GeoDataFrame (CRS as stored)."""
    p, source, layer = _locate(path, layer)
    try:
        gdf = pyogrio.read_dataframe(source, layer=layer)
    except Exception as err:
        raise LoaderError(f"Không đọc được lớp '{layer}' của '{p.name}': {err}") from err
    if gdf.empty:
        raise LoaderError(f"Lớp '{layer}' của '{p.name}' không có đối tượng nào.")
    if not gdf.geom_type.isin(["Polygon", "MultiPolygon"]).any():
        raise LoaderError(_no_areas(p))
    return gdf


def _fits_vietnam(bounds, crs) -> bool:
    try:
        tr = Transformer.from_crs(crs, STORAGE_CRS, always_xy=True)
        xs, ys = tr.transform([bounds[0], bounds[2]], [bounds[1], bounds[3]])
    except Exception:
        return False
    minx, miny, maxx, maxy = VIETNAM_BBOX
    ok = np.isfinite(xs).all() and np.isfinite(ys).all()
    return bool(
        ok
        and minx - 1 <= min(xs)
        and max(xs) <= maxx + 8
        and miny - 2 <= min(ys)
        and max(ys) <= maxy + 1
    )


def likely_systems(bounds) -> list[str]:
    """Coordinate systems under which these bounds would fall in Vietnam."""
    return [
        f"{code} ({label})" for code, label in LIKELY_CRS.items() if _fits_vietnam(bounds, code)
    ]


def to_wgs84(gdf: gpd.GeoDataFrame, crs: str | None) -> tuple[gpd.GeoDataFrame, str]:
    """Honour the file's CRS (or an explicit one); refuse coordinates that cannot be in Vietnam."""
    bounds = gdf.total_bounds
    if crs:
        try:
            given = CRS.from_user_input(crs)
        except Exception as err:
            raise LoaderError(f"Hệ tọa độ '{crs}' không hợp lệ: {err}") from err
        gdf = gdf.set_crs(given, allow_override=True)
    elif gdf.crs is None:
        fits = likely_systems(bounds)
        hint = ("Theo tọa độ, có thể là: " + "; ".join(fits[:6]) + ". ") if fits else ""
        raise LoaderError(
            "Tệp không khai báo hệ tọa độ (thiếu tệp .prj hoặc thông tin CRS). "
            f"{hint}Các hệ thường gặp: VN-2000 múi 3° của tỉnh (EPSG:9205–9218), VN-2000 / UTM 48N "
            "(EPSG:3405) hoặc 49N (EPSG:3406), WGS 84 (EPSG:4326). Nhập lại với --crs, ví dụ --crs EPSG:3405."
        )
    if not _fits_vietnam(bounds, gdf.crs):
        fits = likely_systems(bounds)
        hint = ("Theo tọa độ, có thể là: " + "; ".join(fits[:6]) + ". ") if fits else ""
        raise LoaderError(
            f"Với hệ tọa độ {gdf.crs.name} ({gdf.crs.to_string()}), tọa độ của tệp "
            f"({bounds[0]:.0f}, {bounds[1]:.0f} – {bounds[2]:.0f}, {bounds[3]:.0f}) không nằm trong Việt Nam. "
            f"{hint}Kiểm tra tệp .prj hoặc nhập lại với --crs."
        )
    return gdf.to_crs(STORAGE_CRS), gdf.crs.to_string()


def _name_columns(gdf: gpd.GeoDataFrame) -> dict[str, str]:
    found = {}
    keys = {_field_key(c): c for c in gdf.columns if c != "geometry"}
    for level, names in NAME_FIELDS.items():
        for n in names:
            if n in keys:
                found[level] = keys[n]
                break
    return found


def _identify(
    gdf, index: PlaceIndex, units: pd.DataFrame, level: str, code_field, name_field
) -> tuple[list, list]:
    """(feature index, code) pairs and report rows for features that stay unidentified."""
    pairs, report = [], []
    pool = units[units["level"] == level]
    if code_field:
        if code_field not in gdf.columns:
            raise LoaderError(
                f"Không có cột '{code_field}' trong tệp; các cột: {', '.join(c for c in gdf.columns if c != 'geometry')}."
            )
        codes = set(pool["code"])
        for i, v in gdf[code_field].items():
            (code,) = _codes([v], codes)
            if code in codes:
                pairs.append((i, code))
            else:
                report.append(
                    (
                        f"đối tượng {i + 1}",
                        str(v),
                        f"mã '{v}' không có trong {LEVEL_LABELS_VI[level]} của {index.version}",
                        SKIP,
                    )
                )
        return pairs, report
    cols = _name_columns(gdf)
    own = name_field or cols.get(level)
    if own is None or own not in gdf.columns:
        raise LoaderError(
            f"Không biết cột nào chứa tên {LEVEL_LABELS_VI[level]}: dùng --code-field (mã đơn vị) "
            f"hoặc --name-field; các cột: {', '.join(c for c in gdf.columns if c != 'geometry')}."
        )
    prov = cols.get("province") if level != "province" else None
    dist = cols.get("district") if level == "commune" else None
    for i, r in gdf.iterrows():
        names = {"province": r[prov] if prov else "", "district": r[dist] if dist else ""}
        names[level] = r[own]
        m = index.match(names["province"], names["district"], names.get("commune", ""), level)
        if m.ok:
            pairs.append((i, m.code))
        else:
            hint = f" Gần giống: {'; '.join(m.candidates)}." if m.candidates else ""
            report.append((f"đối tượng {i + 1}", str(r[own]), m.reason + "." + hint, SKIP))
    return pairs, report


def _codes(values, pool_codes: set[str]) -> set[str]:
    """Codes as written ('148', 148.0, '04831') in the form of the reference codes."""
    width = max((len(c) for c in pool_codes), default=0)
    out = set()
    for v in values:
        t = str(v).strip().removesuffix(".0")
        out.add(t.zfill(width) if t.isascii() and t.isdigit() else t)
    return out


def detect_level(gdf, units: pd.DataFrame, levels: tuple[str, ...], code_field) -> str:
    """The level whose codes (or name columns, or unit count) the file resembles most."""
    if code_field and code_field in gdf.columns:

        def hits(lv: str) -> int:
            pool = set(units[units.level == lv].code)
            return len(_codes(gdf[code_field], pool) & pool)

        return max(levels, key=hits)
    cols = _name_columns(gdf)
    for lv in reversed(LEVELS):
        if lv in cols and lv in levels:
            return lv
    n = len(gdf)
    return min(levels, key=lambda lv: abs(int((units.level == lv).sum()) - n))


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


def repair(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list]:
    """Make every geometry a valid MultiPolygon; report which were repaired or dropped."""
    report = []
    geoms = gdf.geometry.to_numpy()
    invalid = ~shapely.is_valid(geoms)
    for i in np.flatnonzero(invalid):
        reason = shapely.is_valid_reason(geoms[i])
        report.append(
            (
                f"đối tượng {gdf.index[i] + 1}",
                "",
                f"hình học không hợp lệ ({reason})",
                "đã sửa (make_valid)",
            )
        )
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
            (
                f"đối tượng {gdf.index[i] + 1}",
                "",
                "không có vùng (rỗng hoặc chỉ có đường/điểm)",
                SKIP,
            )
        )
    return out[~empty], report


def coverage_report(units: gpd.GeoDataFrame, names: dict[str, str]) -> list:
    """Overlaps, enclosed holes and narrow gaps between neighbouring units (equal-area metres)."""
    metric = units.geometry.to_crs(EQUAL_AREA_CRS).to_numpy()
    report = []
    tree = shapely.STRtree(metric)
    left, right = tree.query(metric, predicate="intersects")
    for a, b in zip(left, right, strict=True):
        if a >= b:
            continue
        area = shapely.area(shapely.intersection(metric[a], metric[b]))
        if area > 1e4:  # 1 ha
            ca, cb = units["code"].iloc[a], units["code"].iloc[b]
            report.append(
                (
                    f"{names.get(ca, ca)} / {names.get(cb, cb)}",
                    "",
                    f"chồng lấn {area / 1e6:.2f} km²",
                    "giữ nguyên, cần kiểm tra",
                )
            )
    report += _hole_report(metric, tree, units["code"].tolist(), names)
    edges = shapely.coverage_invalid_edges(metric, gap_width=GAP_WIDTH_M)
    for code, e in zip(units["code"], edges, strict=True):
        if e is not None and not e.is_empty and e.length > 100:
            report.append(
                (
                    names.get(code, code),
                    "",
                    f"khe hở hoặc cạnh không khớp với đơn vị bên cạnh (dài {e.length / 1000:.1f} km)",
                    "giữ nguyên, cần kiểm tra",
                )
            )
    return report


def _hole_report(metric, tree, codes: list[str], names: dict[str, str]) -> list:
    """Wide gaps: holes enclosed by the units together that no unit covers.

    Narrow slivers are left to `coverage_invalid_edges`; a hole is reported here when it
    is wider than GAP_WIDTH_M somewhere, with the units around it so staff can find it.
    """
    report = []
    union = shapely.union_all(metric)
    for part in shapely.get_parts(union):
        for ring in part.interiors:
            hole = shapely.Polygon(ring)
            if hole.area < 1e4 or shapely.buffer(hole, -GAP_WIDTH_M / 2).is_empty:
                continue
            around = tree.query(shapely.buffer(hole, 1.0), predicate="intersects")
            who = sorted(names.get(codes[i], codes[i]) for i in around)
            report.append(
                (
                    ", ".join(who[:6])
                    + (f" và {len(who) - 6} đơn vị khác" if len(who) > 6 else ""),
                    "",
                    f"khe hở {hole.area / 1e6:.2f} km² không thuộc đơn vị nào, nằm giữa các đơn vị này "
                    "(nếu là hồ, sông cố ý để trống thì bỏ qua)",
                    "giữ nguyên, cần kiểm tra",
                )
            )
    return report


def nesting_report(
    units: gpd.GeoDataFrame, parents: gpd.GeoDataFrame, parent_of: dict[str, str], names
) -> list:
    """Units whose area lies more than 1 % outside the parent they belong to."""
    report = []
    if parents.empty:
        return report
    pm = parents.set_index("code").geometry.to_crs(EQUAL_AREA_CRS)
    um = units.set_index("code").geometry.to_crs(EQUAL_AREA_CRS)
    for code, geom in um.items():
        parent = parent_of.get(code)
        if parent not in pm.index:
            continue
        outside = shapely.area(shapely.difference(geom, pm[parent])) / max(geom.area, 1.0)
        if outside > 0.01:
            report.append(
                (
                    names.get(code, code),
                    "",
                    f"{outside:.0%} diện tích nằm ngoài đơn vị cấp trên ({names.get(parent, parent)})",
                    "giữ nguyên, cần kiểm tra",
                )
            )
    return report


def check_boundaries(
    store,
    path: str | Path,
    version: str,
    level: str | None = None,
    code_field: str | None = None,
    name_field: str | None = None,
    crs: str | None = None,
    layer: str | None = None,
) -> BoundaryCheck:
    """Read and validate a boundary file against the reference units of `version`."""
    from geodata.schema import BOUNDARY_VERSIONS
    from geodata.versions import versions_from_table

    versions = {v.version: v for v in versions_from_table(store.table(BOUNDARY_VERSIONS))}
    if version not in versions:
        raise LoaderError(
            f"Phiên bản ranh giới '{version}' chưa có trong kho; chọn một trong: {', '.join(versions)} "
            "(ranh giới chính thức thay cho ranh giới xấp xỉ của phiên bản đó)."
        )
    v = versions[version]
    raw = read_boundary_file(path, layer)
    gdf, source_crs = to_wgs84(raw, crs)
    gdf = gdf.reset_index(drop=True)
    units = store.units(version)
    if level is None and code_field is None:
        _refuse_level_missing_from(v, versions.values(), _name_columns(gdf))
    level = level or detect_level(gdf, units, v.levels, code_field)
    if level not in v.levels:
        raise LoaderError(
            f"Phiên bản {version} không có cấp {LEVEL_LABELS_VI.get(level, level)}; các cấp: {', '.join(v.levels)}."
        )
    gdf, report = repair(gdf)
    index = PlaceIndex(units, version)
    pairs, unidentified = _identify(gdf, index, units, level, code_field, name_field)
    report += unidentified
    names = dict(zip(units["code"], units["name"], strict=False))
    codes = pd.Series(dict(pairs), dtype=object)
    dup = codes[codes.duplicated(keep=False)]
    for code, g in dup.groupby(dup):
        report.append(
            (
                names.get(code, code),
                "",
                f"{len(g)} đối tượng cùng là đơn vị này (đối tượng {', '.join(str(i + 1) for i in g.index)})",
                "gộp thành một",
            )
        )
    ident = gdf.loc[codes.index].assign(code=codes.to_numpy())
    ident = ident.dissolve(by="code", as_index=False)[["code", "geometry"]]
    ident["geometry"] = ident.geometry.map(
        lambda g: shapely.multipolygons(list(shapely.get_parts(g)))
    )
    missing = sorted(set(units[units.level == level].code) - set(ident.code))
    if missing and len(missing) <= 20:
        for code in missing:
            report.append(
                (names.get(code, code), "", "không có trong tệp", "giữ ranh giới hiện có")
            )
    elif missing:
        report.append(
            (
                f"{len(missing)} đơn vị {LEVEL_LABELS_VI[level]}",
                "",
                "không có trong tệp",
                "giữ ranh giới hiện có",
            )
        )
    report += coverage_report(ident, names)
    parent_level = {
        "commune": "district" if "district" in v.levels else "province",
        "district": "province",
    }.get(level)
    if parent_level:
        rows = units[units.level == level].set_index("code")
        col = (
            "parent_code" if parent_level != "province" or level == "district" else "province_code"
        )
        parent_of = rows[col].to_dict()
        parents = store.unit_shapes(version, parent_level)[["code", "geometry"]]
        report += nesting_report(ident, parents, parent_of, names)
    return BoundaryCheck(
        version,
        level,
        ident,
        pd.DataFrame(report, columns=["Đối tượng", "Tên trong tệp", "Vấn đề", "Xử lý"]),
        source_crs,
        len(raw),
    )
