"""Plausibility of a boundary file's units before anything is stored.

Each identified unit is compared with the reference unit of its code:

- **Area.** Against the official area where the reference has one (`wardAreaKm2` of
  `vietnamadminunits` for the 3,321 post-2025 communes, 0.00 meaning unknown, summed to
  provinces when every commune has one; or a polygon imported earlier), else against
  the stored approximate (Voronoi) area. Thresholds, measured on the demo store
  (`vietnamadminunits` 1.0.4):

  * official: the file's area must lie within ×0.5 – ×2 (`OFFICIAL_RATIO`). A merged
    unit drawn with one predecessor's polygon has less than half its area, so it fails;
    an honest polygon differs from the published area by far less than a factor two.
  * approximate, district and province: the Voronoi areas themselves are off — where the
    true area is known (380 districts and 50 pre-2025 provinces whose post-2025 communes
    lie wholly inside them), true/Voronoi spans 0.74–1.43 for 90 % of districts but
    0.25–2.4 for 98 %, so ×0.5 – ×2 alone would refuse 15 of 380 honest districts
    (islands, Nam Định, Bạc Liêu). There, a unit is refused only when a second,
    independent signal agrees: the reference communes whose points lie in its polygon
    make up less than `OWN_SHARE` (75 %) of the reference unit (an honest polygon holds
    all of them; one predecessor of a merged unit holds about half).
  * approximate, commune: Voronoi vs official areas of post-2025 communes span
    0.29–3.8 for 98 % of them, so only a factor over five (`APPROX_COMMUNE_RATIO`) is
    refused.

- **Parent and neighbours.** A unit larger than its parent's area is refused; so is one
  whose polygon holds the points of reference communes making up more than half of a
  unit that the file does not contain (a country-sized rectangle coded as one province
  holds all the others). When what a polygon holds matches the sum of several reference
  units, it is reported as a probable merged unit.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.names import name_key
from geodata.overlay import GRID_METRES, overlay
from geodata.schema import EQUAL_AREA_CRS
from loaders.errors import ReferenceDataError

OFFICIAL_RATIO = (0.5, 2.0)
APPROX_RATIO = (0.5, 2.0)  # refused only with the commune-point signal (see above)
APPROX_COMMUNE_RATIO = (0.2, 5.0)
OWN_SHARE = 0.75
COVERED_SHARE = 0.5
MERGED_MATCH = (0.67, 1.5)  # file area / sum of the units it holds, to call it merged
SLIVER_M2 = 1e4  # overlaps and holes under 1 ha are summed up in one line

DECIDE, REPAIRED, NOTE = "cần quyết định", "đã sửa", "ghi chú"
SEVERITY_ORDER = {DECIDE: 0, REPAIRED: 1, NOTE: 2}
REFUSE = "không lưu, cần quyết định"
SKIP = "bỏ qua"  # a feature that cannot be used
ACCEPTED = "lưu theo quyết định (--accept)"
KEEP = "giữ nguyên, cần kiểm tra"


def vn_num(x: float, digits: int = 0) -> str:
    """1234.5 -> '1.234,5' (Vietnamese separators)."""
    s = f"{x:,.{digits}f}"
    return s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def official_commune_areas() -> pd.Series:
    """Post-2025 commune code -> official area in km² (`wardAreaKm2`; 0.00 dropped)."""
    from loaders.reference import _package_data_dir

    data = _package_data_dir()
    try:
        with sqlite3.connect(f"file:{data / 'dataset.db'}?mode=ro", uri=True) as conn:
            df = pd.read_sql("SELECT wardCode, ward, wardAreaKm2 FROM admin_units", conn)
    except (sqlite3.Error, pd.errors.DatabaseError) as err:
        raise ReferenceDataError(f"Không đọc được diện tích chính thức từ {data}: {err}") from err
    df = df[pd.to_numeric(df["wardAreaKm2"], errors="coerce") > 0]
    return pd.DataFrame(
        {"area": df["wardAreaKm2"].astype(float).to_numpy(), "name": df["ward"].to_numpy()},
        index=df["wardCode"].astype(str).to_numpy(),
    )


@dataclass(frozen=True)
class ReferenceArea:
    area: pd.Series  # code -> km²
    official: pd.Series  # code -> bool


def reference_areas(units: pd.DataFrame, levels: tuple[str, ...]) -> dict[str, ReferenceArea]:
    """Per level: the area each unit is compared against, official where known.

    The official list applies to a version only when it has no districts (post-2025)
    and its commune codes carry the package's names (checked, not assumed)."""
    out = {}
    official = pd.Series(dtype=float)
    if "district" not in levels:
        ref = official_commune_areas()
        com = units[units["level"] == "commune"]
        known = com[com["code"].isin(ref.index)]
        same = (
            known["name"].map(name_key).to_numpy()
            == ref.loc[known["code"], "name"].map(name_key).to_numpy()
        )
        if len(com) and same.sum() >= 0.95 * len(com):
            official = ref["area"]
    for lv in levels:
        u = units[units["level"] == lv].set_index("code")
        area = u["area_km2"].astype(float).copy()
        is_off = u["is_approximate"].astype(int).eq(0)
        if len(official) and lv == "commune":
            hit = area.index.isin(official.index)
            area[hit] = official.reindex(area.index[hit]).to_numpy()
            is_off |= hit
        elif len(official) and lv == "province":
            com = units[units["level"] == "commune"]
            a = com["code"].map(official)
            full = a.notna().groupby(com["province_code"]).all()
            sums = a.groupby(com["province_code"]).sum()
            ok = full[full].index.intersection(area.index)
            area[ok] = sums[ok]
            is_off[ok] = True
        out[lv] = ReferenceArea(area, is_off)
    return out


def _ratio_text(r: float) -> str:
    if r < 1:
        return f"diện tích chỉ bằng {vn_num(r * 100)} % đơn vị tham chiếu"
    return f"lớn gấp {vn_num(r, 1)} lần đơn vị tham chiếu"


def plausibility(
    ident: gpd.GeoDataFrame,
    units: pd.DataFrame,
    communes: gpd.GeoDataFrame,
    level: str,
    parent_level: str | None,
    areas: dict[str, ReferenceArea],
) -> tuple[dict[str, str], list]:
    """(code -> why refused, report rows) for the identified units `ident` (EPSG:4326).

    `communes` are the stored commune polygons of the version, whose representative
    points say which reference units a polygon really holds."""
    names = dict(zip(units["code"], units["name"], strict=False))
    ref = areas[level]
    metric = ident.geometry.to_crs(EQUAL_AREA_CRS)
    file_area = pd.Series(metric.area.to_numpy() / 1e6, index=ident["code"].to_numpy())
    refused: dict[str, list[str]] = {}
    notes: list = []

    # which reference communes each file polygon holds (by representative point)
    col = {"commune": "code", "district": "parent_code", "province": "province_code"}[level]
    pts = shapely.point_on_surface(communes.geometry.to_numpy())
    tree = shapely.STRtree(ident.geometry.to_numpy())
    pi, fj = tree.query(pts, predicate="within")
    held = pd.DataFrame(
        {
            "file": ident["code"].to_numpy()[fj],
            "unit": communes[col].astype(str).to_numpy()[pi],
            "km2": communes["area_km2"].astype(float).to_numpy()[pi],
        }
    )
    stored = units[units["level"] == level].set_index("code")["area_km2"].astype(float)
    by = held.groupby(["file", "unit"])["km2"].sum().reset_index()
    by["share"] = by["km2"] / by["unit"].map(stored).to_numpy()
    own = by[by["file"] == by["unit"]].set_index("file")["share"]
    covered = by[(by["file"] != by["unit"]) & (by["share"] > COVERED_SHARE)]
    in_file = set(ident["code"])

    for f, g in covered.groupby("file"):
        outside = [u for u in g["unit"] if u not in in_file]
        whole = ref.area.get(f, np.nan) + sum(ref.area.get(u, 0.0) for u in g["unit"])
        merged = MERGED_MATCH[0] <= file_area[f] / whole <= MERGED_MATCH[1]
        listed = ", ".join(names.get(u, u) for u in g["unit"][:6])
        more = f" và {len(g) - 6} đơn vị khác" if len(g) > 6 else ""
        if merged:
            text = (
                f"có thể là đơn vị sau sáp nhập: diện tích khớp tổng của {names.get(f, f)} "
                f"và {listed}{more}"
            )
        else:
            text = f"đa giác bao trùm phần lớn {listed}{more}"
        if outside:
            refused.setdefault(f, []).append(
                text + f" ({len(outside)} đơn vị này không có trong tệp)"
            )
        else:
            notes.append((names.get(f, f), "", text, KEEP, NOTE))

    lo_hi = {
        True: OFFICIAL_RATIO,
        False: APPROX_COMMUNE_RATIO if level == "commune" else APPROX_RATIO,
    }
    for code, a in file_area.items():
        r_area = ref.area.get(code)
        if r_area is None or not r_area > 0:
            continue
        official = bool(ref.official.get(code, False))
        lo, hi = lo_hi[official]
        r = a / r_area
        if lo <= r <= hi:
            continue
        kind = "chính thức" if official else "xấp xỉ"
        text = f"{_ratio_text(r)} ({vn_num(a, 1)} km² so với {vn_num(r_area, 1)} km², {kind})"
        if r < 1:
            text = "có thể tệp thuộc thời kỳ trước sáp nhập: " + text
        share = own.get(code, 0.0)
        confirmed = official or level == "commune" or (r < 1 and share < OWN_SHARE)
        if not official and level != "commune":
            text += f"; các xã tham chiếu nằm trong đa giác chiếm {vn_num(share * 100)} % đơn vị"
        if confirmed or code in refused:
            refused.setdefault(code, []).append(text)
        elif code not in refused:
            notes.append((names.get(code, code), "", text, KEEP, NOTE))

    if parent_level:
        pcol = "parent_code" if parent_level == "district" else "province_code"
        parent_of = units[units["level"] == level].set_index("code")[pcol]
        pa = areas[parent_level].area
        for code, a in file_area.items():
            p = parent_of.get(code)
            if p in pa.index and a > pa[p]:
                refused.setdefault(code, []).append(
                    f"lớn hơn đơn vị cấp trên {names.get(p, p)} "
                    f"({vn_num(a, 1)} km² so với {vn_num(pa[p], 1)} km²)"
                )
    return {c: "; ".join(r) for c, r in refused.items()}, notes


def coverage_report(units: gpd.GeoDataFrame, names: dict[str, str], gap_width_m: float) -> list:
    """Overlaps, enclosed holes and mismatched edges between neighbouring units.

    Overlaps and holes of a hectare or more get a row each; smaller ones, and edges
    that do not match their neighbour's (`coverage_invalid_edges`), are summed up in
    one line each, so a detailed national file gives a readable report."""
    metric = units.geometry.to_crs(EQUAL_AREA_CRS).to_numpy()
    codes = units["code"].tolist()
    report = []
    tree = shapely.STRtree(metric)
    left, right = tree.query(metric, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    areas = shapely.area(overlay(shapely.intersection, metric[left], metric[right], GRID_METRES))
    small = (areas > 0) & (areas < SLIVER_M2)
    for a, b, area in zip(
        left[areas >= SLIVER_M2], right[areas >= SLIVER_M2], areas[areas >= SLIVER_M2], strict=True
    ):
        ca, cb = codes[a], codes[b]
        report.append(
            (f"{names.get(ca, ca)} / {names.get(cb, cb)}", "",
             f"chồng lấn {area / 1e6:.2f} km²".replace(".", ","), KEEP, NOTE)
        )  # fmt: skip
    holes, n_small_holes, small_hole_area = _holes(metric, tree, codes, names, gap_width_m)
    report += holes
    n_small = int(small.sum()) + n_small_holes
    if n_small:
        total = float(areas[small].sum()) + small_hole_area
        report.append(
            (f"{vn_num(n_small)} chỗ", "",
             f"{vn_num(n_small)} khe hở/chồng lấn nhỏ dưới 1 ha, tổng {vn_num(total / 1e6, 2)} km²",
             KEEP, NOTE)
        )  # fmt: skip
    edges = shapely.coverage_invalid_edges(metric, gap_width=gap_width_m)
    lengths = np.array([0.0 if e is None or e.is_empty else e.length for e in edges])
    bad = np.flatnonzero(lengths > 100)
    if len(bad):
        worst = bad[np.argsort(-lengths[bad])][:5]
        who = ", ".join(names.get(codes[i], codes[i]) for i in worst)
        report.append(
            (f"{vn_num(len(bad))} đơn vị", "",
             f"khe hở hẹp (dưới {gap_width_m:.0f} m) hoặc cạnh không khớp với đơn vị bên cạnh ở "
             f"{vn_num(len(bad))} đơn vị, tổng dài {vn_num(lengths[bad].sum() / 1000, 1)} km "
             f"(nhiều nhất: {who})", KEEP, NOTE)
        )  # fmt: skip
    return report


def _holes(metric, tree, codes: list[str], names: dict[str, str], gap_width_m: float):
    """Holes enclosed by the units together that no unit covers: a row for each wide
    one (with the units around it, so staff can find it), a count and area of the rest."""
    report, n_small, small_area = [], 0, 0.0
    union = shapely.union_all(metric)
    for part in shapely.get_parts(union):
        for ring in part.interiors:
            hole = shapely.Polygon(ring)
            if hole.area < SLIVER_M2 or shapely.buffer(hole, -gap_width_m / 2).is_empty:
                n_small += 1
                small_area += hole.area
                continue
            around = tree.query(shapely.buffer(hole, 1.0), predicate="intersects")
            who = sorted(names.get(codes[i], codes[i]) for i in around)
            report.append(
                (
                    ", ".join(who[:6])
                    + (f" và {len(who) - 6} đơn vị khác" if len(who) > 6 else ""),
                    "",
                    f"khe hở {vn_num(hole.area / 1e6, 2)} km² không thuộc đơn vị nào, nằm giữa "
                    "các đơn vị này (nếu là hồ, sông cố ý để trống thì bỏ qua)",
                    KEEP,
                    NOTE,
                )
            )
    return report, n_small, small_area


def nesting_report(
    units: gpd.GeoDataFrame, parents: gpd.GeoDataFrame, parent_of: dict[str, str], names
) -> list:
    """Units whose area lies more than 1 % outside the parent they belong to."""
    if parents.empty or units.empty:
        return []
    pm = parents.set_index("code").geometry.to_crs(EQUAL_AREA_CRS)
    um = units.set_index("code").geometry.to_crs(EQUAL_AREA_CRS)
    par = um.index.map(parent_of)
    ok = par.isin(pm.index)
    um, par = um[ok], par[ok]
    outside = shapely.area(
        overlay(shapely.difference, um.to_numpy(), pm.loc[par].to_numpy(), GRID_METRES)
    )
    share = outside / np.maximum(shapely.area(um.to_numpy()), 1.0)
    return [
        (names.get(c, c), "",
         f"{vn_num(s * 100)} % diện tích nằm ngoài đơn vị cấp trên ({names.get(p, p)})", KEEP, NOTE)
        for c, p, s in zip(um.index, par, share, strict=True)
        if s > 0.01
    ]  # fmt: skip
