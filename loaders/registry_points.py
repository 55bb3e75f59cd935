"""Model locations: coordinates to WGS 84, then each point inside the commune its row names.

Vectorised (one spatial index per version) so that a registry of hundreds of
thousands of located models is checked in seconds, not minutes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from loaders.errors import LoaderError

VIETNAM_BBOX = (102.0, 6.0, 118.0, 24.0)  # lon/lat, including the archipelagos
POINT_TOLERANCE_DEG = 0.002  # ~200 m: a point on a border is not "outside"
NO_CRS = (
    "có cột X/Y nhưng chưa khai báo hệ tọa độ: nhập lại với --crs (ví dụ EPSG:3405 "
    "(VN-2000 / UTM 48N) hoặc EPSG:9210 (VN-2000 / TM-3 105°45′))"
)


def _to_wgs84(acc: pd.DataFrame, crs: str | None, problems: list) -> pd.DataFrame:
    from pyproj import CRS, Transformer

    has_xy = acc["x"].notna()
    if not has_xy.any():
        return acc
    if not crs:
        for r in acc[has_xy].itertuples():
            problems.append((r.src_sheet, r.src_row, "X", f"{r.x}", NO_CRS))
        return acc[~has_xy].copy()
    try:
        tr = Transformer.from_crs(CRS.from_user_input(crs), "EPSG:4326", always_xy=True)
    except Exception as err:
        raise LoaderError(f"Hệ tọa độ '{crs}' không hợp lệ: {err}") from err
    lon, lat = tr.transform(acc.loc[has_xy, "x"].to_numpy(), acc.loc[has_xy, "y"].to_numpy())
    acc = acc.copy()
    acc.loc[has_xy, "lon"], acc.loc[has_xy, "lat"] = lon, lat
    return acc


def check_points(store, acc: pd.DataFrame, crs: str | None, problems: list) -> pd.DataFrame:
    """Drop (and report in `problems`) the rows whose point is not in their commune."""
    acc = _to_wgs84(acc, crs, problems).drop(columns=["x", "y"])
    bad: list[tuple[int, str, str]] = []
    minx, miny, maxx, maxy = VIETNAM_BBOX
    located = acc[acc["lon"].notna()]
    for version, g in located.groupby("version"):
        shapes = store.unit_shapes(version, "commune").set_index("code")
        lon, lat = g["lon"].to_numpy(float), g["lat"].to_numpy(float)
        in_vn = (minx <= lon) & (lon <= maxx) & (miny <= lat) & (lat <= maxy)
        for idx, x, y in zip(g.index[~in_vn], lon[~in_vn], lat[~in_vn], strict=True):
            bad.append(
                (
                    idx,
                    f"({x:.5f}, {y:.5f})",
                    "tọa độ nằm ngoài Việt Nam: kiểm tra thứ tự kinh độ/vĩ độ và hệ tọa độ",
                )
            )
        g = g[in_vn]
        pts = shapely.points(g["lon"].to_numpy(float), g["lat"].to_numpy(float))
        own = shapes.geometry.reindex(g["commune_code"]).to_numpy()
        near = np.zeros(len(g), dtype=bool)
        has = ~pd.isna(own)
        near[has] = shapely.distance(own[has], pts[has]) <= POINT_TOLERANCE_DEG
        if near.all():
            continue
        geoms = shapes.geometry.to_numpy()
        tree = shapely.STRtree(geoms)
        far = np.flatnonzero(~near)
        pt_i, poly_i = tree.query(pts[far], predicate="within")
        where = dict(zip(pt_i.tolist(), poly_i.tolist(), strict=True))
        for k, i in enumerate(far):
            r = g.iloc[i]
            j = where.get(k)
            place = (
                f"{shapes['name'].iloc[j]} (mã {shapes.index[j]})"
                if j is not None
                else "không thuộc xã nào"
            )
            bad.append(
                (
                    g.index[i],
                    f"({r.lon:.5f}, {r.lat:.5f})",
                    f"vị trí nằm ở {place}, không thuộc {r.place_name} mà dòng ghi; sửa tọa độ "
                    "hoặc tên xã (không tự chuyển)",
                )
            )
    for idx, value, reason in bad:
        problems.append(
            (acc.at[idx, "src_sheet"], acc.at[idx, "src_row"], "Kinh độ/Vĩ độ", value, reason)
        )
    return acc.drop(index=[b[0] for b in bad])
