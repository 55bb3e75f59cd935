"""Read a boundary file (Shapefile, zipped Shapefile, GeoPackage, GeoJSON) into WGS 84.

A file's own CRS is honoured; a missing or wrong one stops the import and names the
systems under which the coordinates would fall in Vietnam.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
from pyproj import CRS, Transformer

from geodata.names import fold
from geodata.schema import STORAGE_CRS
from loaders.errors import LoaderError

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
