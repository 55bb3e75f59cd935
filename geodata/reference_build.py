"""Build the two reference boundary versions (vn-2024, vn-2025) and their crosswalk.

Input: the reference lists (`loaders.reference`) and Natural Earth's outline.
Output: approximate polygons for every unit of both versions at every level, in
EPSG:4326, a crosswalk of old communes to new ones with area shares, and a report of
every repair the build had to make (missing or shared centroids, islands).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geodata.errors import BuildError
from geodata.islands import (
    ARCHIPELAGOS,
    ISLAND_RADIUS_M,
    ISLAND_UNIT_POINTS,
    ISLAND_UNIT_PROVINCES,
)
from geodata.schema import EQUAL_AREA_CRS, STORAGE_CRS
from geodata.tessellation import dissolve, jitter_duplicates, polygonal, voronoi_coverage
from loaders.reference import ReferenceLists

# Units whose centroid lies outside the national outline (islands, coast) get a disc
# of this radius added to the domain so that their cell is land around their point.
OFFSHORE_RADIUS_M = 2000.0
# Every successor the official mapping names keeps at least this share of a split commune.
MIN_SPLIT_SHARE = 0.05


@dataclass(frozen=True)
class ReferenceBuild:
    units: gpd.GeoDataFrame  # all versions and levels, EPSG:4326
    crosswalk: pd.DataFrame  # from_version, from_code, to_version, to_code, share
    repairs: pd.DataFrame  # version, level, code, name, repair


def _province_type(name: str) -> str:
    return "Thành phố" if name.startswith("Thành phố") else "Tỉnh"


def _legacy_communes(legacy: pd.DataFrame) -> pd.DataFrame:
    island = legacy["wardCode"].isna()
    return pd.DataFrame(
        {
            "code": legacy["wardCode"].fillna(legacy["districtCode"]),
            "name": legacy["ward"].fillna(legacy["district"]),
            "short_name": legacy["wardShort"].fillna(legacy["districtShort"]),
            "unit_type": legacy["wardType"].fillna("Huyện đảo"),
            "parent_code": legacy["districtCode"],
            "province_code": legacy["provinceCode"],
            "province_short": legacy["provinceShort"],
            "lat": legacy["wardLat"].where(~island, np.nan),
            "lon": legacy["wardLon"].where(~island, np.nan),
            "fallback_lat": legacy["districtLat"],
            "fallback_lon": legacy["districtLon"],
        }
    )


def _current_communes(current: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": current["wardCode"],
            "name": current["ward"],
            "short_name": current["wardShort"],
            "unit_type": current["wardType"],
            "parent_code": current["provinceCode"],
            "province_code": current["provinceCode"],
            "province_short": current["provinceShort"],
            "lat": current["wardLat"],
            "lon": current["wardLon"],
            "fallback_lat": np.nan,
            "fallback_lon": np.nan,
        }
    )


def _place_points(communes: pd.DataFrame, version: str, repairs: list[dict]) -> pd.DataFrame:
    """Fill missing centroids and put island units on their islands, noting each repair."""
    c = communes.copy()
    for i in c.index[c["lat"].isna() | c["lon"].isna()]:
        c.loc[i, ["lat", "lon"]] = c.loc[i, ["fallback_lat", "fallback_lon"]].to_numpy()
        repairs.append(
            _repair(version, c.loc[i], "không có tâm trong danh mục: dùng tâm của huyện đảo")
        )
    for i in c.index:
        short = c.at[i, "short_name"]
        if (
            short in ISLAND_UNIT_POINTS
            and c.at[i, "province_short"] == ISLAND_UNIT_PROVINCES[short]
        ):
            c.loc[i, ["lat", "lon"]] = ISLAND_UNIT_POINTS[short]
            repairs.append(_repair(version, c.loc[i], "đặt tâm tại vị trí thật của đảo"))
    missing = c["lat"].isna() | c["lon"].isna()
    if missing.any():
        raise BuildError(
            f"{version}: {int(missing.sum())} xã không có toạ độ và không có phương án thay thế: "
            f"{c.loc[missing, 'code'].tolist()[:10]}"
        )
    return c


def _repair(version: str, row: pd.Series, text: str, level: str = "commune") -> dict:
    return {
        "version": version,
        "level": level,
        "code": row["code"],
        "name": row["name"],
        "repair": text,
    }


def _domain(outline_m, offshore_xy: np.ndarray):
    discs = [
        shapely.Point(p).buffer(ISLAND_RADIUS_M, quad_segs=4)
        for _, islands in ARCHIPELAGOS.items()
        for p in _to_m([(lon, lat) for _, lat, lon in islands])
    ]
    discs += [shapely.Point(p).buffer(OFFSHORE_RADIUS_M, quad_segs=4) for p in offshore_xy]
    return shapely.union_all([shapely.make_valid(outline_m), *discs])


_TO_M = Transformer.from_crs(STORAGE_CRS, EQUAL_AREA_CRS, always_xy=True)


def _to_m(lonlat) -> np.ndarray:
    a = np.asarray(lonlat, dtype=float).reshape(-1, 2)
    x, y = _TO_M.transform(a[:, 0], a[:, 1])
    return np.column_stack([x, y])


def _tessellate_version(
    communes: pd.DataFrame, version: str, outline_m, repairs: list[dict]
) -> np.ndarray:
    xy = _to_m(communes[["lon", "lat"]].to_numpy())
    xy, moved = jitter_duplicates(xy)
    for i in np.flatnonzero(moved):
        repairs.append(
            _repair(version, communes.iloc[i], "tâm trùng với xã khác: dịch 30 m để tách ô")
        )
    shapely.prepare(outline_m)
    inside = shapely.contains_xy(outline_m, xy[:, 0], xy[:, 1])
    for i in np.flatnonzero(~inside):
        repairs.append(
            _repair(
                version,
                communes.iloc[i],
                "tâm nằm ngoài đường biên quốc gia (đảo/ven biển): thêm vùng đảo",
            )
        )
    domain = _domain(outline_m, xy[~inside])
    cells = voronoi_coverage(xy, domain)
    empty = [i for i, g in enumerate(cells) if g.is_empty]
    if empty:
        raise BuildError(
            f"{version}: {len(empty)} xã không có đa giác: {communes.iloc[empty]['code'].tolist()[:10]}"
        )
    return cells


def _unit_frame(version: str, level: str, df: pd.DataFrame, geoms) -> pd.DataFrame:
    out = df[["code", "name", "short_name", "unit_type", "parent_code", "province_code"]].copy()
    out.insert(0, "level", level)
    out.insert(0, "version", version)
    out["geometry"] = list(geoms)
    return out


def _higher_levels(
    communes: pd.DataFrame,
    cells: np.ndarray,
    legacy: pd.DataFrame | None,
    current: pd.DataFrame | None,
    version: str,
) -> list[pd.DataFrame]:
    frames = []
    if legacy is not None:
        d = legacy.drop_duplicates("districtCode")
        districts = pd.DataFrame(
            {
                "code": d["districtCode"],
                "name": d["district"],
                "short_name": d["districtShort"],
                "unit_type": d["districtType"],
                "parent_code": d["provinceCode"],
                "province_code": d["provinceCode"],
            }
        )
        by_district = dissolve(cells, communes["parent_code"].to_numpy())
        frames.append(
            _unit_frame(version, "district", districts, [by_district[c] for c in districts["code"]])
        )
    src = legacy if legacy is not None else current
    p = src.drop_duplicates("provinceCode")
    provinces = pd.DataFrame(
        {
            "code": p["provinceCode"],
            "name": p["province"],
            "short_name": p["provinceShort"],
            "unit_type": [_province_type(n) for n in p["province"]],
            "parent_code": None,
            "province_code": p["provinceCode"],
        }
    )
    by_province = dissolve(cells, communes["province_code"].to_numpy())
    frames.append(
        _unit_frame(version, "province", provinces, [by_province[c] for c in provinces["code"]])
    )
    return frames


def _crosswalk(
    links: pd.DataFrame, old_cells: dict[str, object], new_cells: dict[str, object]
) -> pd.DataFrame:
    """Share of each old commune's area that went to each new commune.

    Unsplit communes give their whole area (share 1). For split ones the shares are the
    overlaps of the approximate polygons; a successor named by the official mapping but
    not overlapping keeps at least MIN_SPLIT_SHARE of the split, so no link is lost.
    """
    rows = []
    for old, group in links.groupby("old_code", sort=True):
        targets = group["new_code"].tolist()
        if len(targets) == 1:
            rows.append((old, targets[0], 1.0))
            continue
        og = old_cells[old]
        inter = shapely.area(
            shapely.intersection(og, np.array([new_cells[t] for t in targets], dtype=object))
        )
        floor = MIN_SPLIT_SHARE * og.area / len(targets)
        w = np.maximum(inter, floor)
        rows.extend((old, t, float(s)) for t, s in zip(targets, w / w.sum(), strict=True))
    cw = pd.DataFrame(rows, columns=["from_code", "to_code", "share"])
    cw.insert(0, "from_version", "vn-2024")
    cw.insert(2, "to_version", "vn-2025")
    return cw[["from_version", "from_code", "to_version", "to_code", "share"]]


def build_reference(lists: ReferenceLists, outline) -> ReferenceBuild:
    """Tessellate both versions and derive every level and the crosswalk.

    Parameters
    ----------
    lists : ReferenceLists
        From `loaders.reference.read_reference_lists`.
    outline : shapely geometry
        National outline in EPSG:4326.

    Returns
    -------
    ReferenceBuild
        `units` in EPSG:4326 with `area_km2` computed in the equal-area CRS.
    """
    repairs: list[dict] = []
    outline_m = shapely.transform(outline, lambda a: _to_m(a))

    old = _place_points(_legacy_communes(lists.legacy), "vn-2024", repairs)
    new = _place_points(_current_communes(lists.current), "vn-2025", repairs)
    old_cells = _tessellate_version(old, "vn-2024", outline_m, repairs)
    new_cells = _tessellate_version(new, "vn-2025", outline_m, repairs)

    frames = [_unit_frame("vn-2024", "commune", old, old_cells)]
    frames += _higher_levels(old, old_cells, lists.legacy, None, "vn-2024")
    frames.append(_unit_frame("vn-2025", "commune", new, new_cells))
    frames += _higher_levels(new, new_cells, None, lists.current, "vn-2025")
    units = pd.concat(frames, ignore_index=True)
    geoms_m = units["geometry"].to_numpy()
    units["area_km2"] = shapely.area(geoms_m) / 1e6
    units["is_approximate"] = 1

    crosswalk = _crosswalk(
        lists.links,
        dict(zip(old["code"], old_cells, strict=True)),
        dict(zip(new["code"], new_cells, strict=True)),
    )
    gdf = gpd.GeoDataFrame(units, geometry="geometry", crs=EQUAL_AREA_CRS).to_crs(STORAGE_CRS)
    gdf["geometry"] = [
        polygonal(shapely.make_valid(g)) if not g.is_valid else g for g in gdf.geometry
    ]
    return ReferenceBuild(
        units=gdf,
        crosswalk=crosswalk,
        repairs=pd.DataFrame(repairs, columns=["version", "level", "code", "name", "repair"]),
    )
