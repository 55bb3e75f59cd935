"""Outlines stay consistent after a boundary import: parents derived from official
children, approximate units clipped, and the notes and description follow what is drawn."""

from __future__ import annotations

import shutil

import geopandas as gpd
import pytest
import shapely

from dashboard.export.snapshot import build_snapshot
from dashboard.notes import APPROXIMATE_NOTE
from geodata.boundary_update import replace_geometries
from geodata.query import query_view
from geodata.schema import EQUAL_AREA_CRS
from geodata.store import GpkgStore
from geodata.view import MapView
from tests.helpers import official_districts

KM2 = 1e6


@pytest.fixture
def store_copy(demo_build, tmp_path):
    path = tmp_path / "antt.gpkg"
    shutil.copy(demo_build.path, path)
    return GpkgStore.open(path)


def _shifted(gdf: gpd.GeoDataFrame, metres: float = 300) -> gpd.GeoDataFrame:
    out = gdf[["code", "geometry"]].copy()
    out["geometry"] = gdf.geometry.to_crs(EQUAL_AREA_CRS).translate(metres, 0).to_crs(4326)
    return out.reset_index(drop=True)


def _hb(store) -> gpd.GeoDataFrame:
    d = official_districts(store).rename(columns={"MA_HUYEN": "code"})
    d["code"] = d["code"].astype(str)
    return d[["code", "geometry"]]


def _import(store, version, level, shapes, name):
    return replace_geometries(
        store, version, level, shapes, name, f"sha-{name}", f"{name} (nhập 01/01/2026)"
    )


def _km2(geom) -> float:
    return float(gpd.GeoSeries([geom], crs=4326).to_crs(EQUAL_AREA_CRS).area.iloc[0]) / KM2


def _overlap_km2(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame) -> float:
    return _km2(
        shapely.intersection(
            shapely.union_all(a.geometry.values), shapely.union_all(b.geometry.values)
        )
    )


def test_a_province_whose_districts_are_all_official_is_drawn_from_them(store_copy):
    before = store_copy.unit_shapes("vn-2024", "province").set_index("code")
    res = _import(store_copy, "vn-2024", "district", _hb(store_copy), "huyen.geojson")
    assert res.replaced == 10 and res.derived >= 1
    after = GpkgStore.open(store_copy.path)
    prov = after.unit_shapes("vn-2024", "province").set_index("code")
    dist = after.unit_shapes("vn-2024", "district")
    hb = dist[dist.province_code == "17"]
    union = shapely.union_all(hb.geometry.values)
    assert _km2(shapely.symmetric_difference(prov.geometry["17"], union)) < 1e-6
    assert prov.at["17", "is_approximate"] == 0
    assert prov.at["17", "area_km2"] == pytest.approx(_km2(union), rel=1e-9)
    # provinces away from Hòa Bình are untouched; its neighbours lost what it now covers
    far = [
        c
        for c in before.index
        if not before.geometry[c].intersects(prov.geometry["17"].buffer(0.01))
    ]
    assert len(far) > 50
    for c in far:
        assert prov.geometry[c].equals_exact(before.geometry[c], 0)
        assert prov.at[c, "is_approximate"] == 1
    others = prov.drop(index="17")
    assert _overlap_km2(others, prov.loc[["17"]]) < 0.01
    # the note follows what is drawn: districts and the province outline are official,
    # communes below are not
    districts = MapView("model_count", "district", 2020, 2020, (), "17")
    assert not query_view(after, districts).approximate
    assert APPROXIMATE_NOTE not in build_snapshot(after, districts).notes
    communes = MapView("model_count", "commune", 2020, 2020, (), "17")
    assert APPROXIMATE_NOTE in build_snapshot(after, communes).notes


def test_part_of_a_province_leaves_it_approximate_and_clips_the_rest(store_copy):
    part = _hb(store_copy).iloc[:4]
    res = _import(store_copy, "vn-2024", "district", part, "mot-phan.geojson")
    assert res.replaced == 4 and res.clipped
    after = GpkgStore.open(store_copy.path)
    dist = after.unit_shapes("vn-2024", "district")
    official = dist[dist.is_approximate == 0]
    assert sorted(official.code) == sorted(part.code)
    rest = dist[dist.is_approximate == 1]
    assert _overlap_km2(rest, official) < 0.01
    assert set(res.clipped) <= set(rest.code)
    # the province stays approximate but is drawn from its districts
    prov = after.unit_shapes("vn-2024", "province").set_index("code")
    assert prov.at["17", "is_approximate"] == 1
    hb = dist[dist.province_code == "17"]
    assert (
        _km2(
            shapely.symmetric_difference(prov.geometry["17"], shapely.union_all(hb.geometry.values))
        )
        < 1e-6
    )
    view = MapView("model_count", "district", 2020, 2020, (), "17")
    assert APPROXIMATE_NOTE in build_snapshot(after, view).notes
    # the description counts official units and names the file once
    source = after.table("boundary_versions").set_index("version").at["vn-2024", "source"]
    assert source.count("mot-phan.geojson") == 1 and "xấp xỉ" in source
    assert source.startswith("4 đơn vị có ranh giới chính thức")


def test_every_unit_official_leaves_no_voronoi_in_the_description(store_copy):
    communes = store_copy.unit_shapes("vn-2025", "commune")
    half = communes[communes.province_code < "40"]
    _import(store_copy, "vn-2025", "commune", _shifted(half), "xa-mot-nua.gpkg")
    mixed = GpkgStore.open(store_copy.path).table("boundary_versions").set_index("version")
    assert "Voronoi" in mixed.at["vn-2025", "source"] and mixed.at["vn-2025", "is_approximate"] == 1
    res = _import(store_copy, "vn-2025", "commune", _shifted(communes), "xa-ca-nuoc.gpkg")
    assert res.still_approximate == 0
    after = GpkgStore.open(store_copy.path)
    v = after.table("boundary_versions").set_index("version")
    source = v.at["vn-2025", "source"]
    assert v.at["vn-2025", "is_approximate"] == 0
    assert "Voronoi" not in source and "xấp xỉ" not in source
    # the second file replaced every unit of the first: only it is named, once
    assert "xa-mot-nua" not in source and source.count("xa-ca-nuoc.gpkg") == 1
    assert " | " not in source
    assert after.unit_shapes("vn-2025", "province")["is_approximate"].eq(0).all()
    # vn-2024 is untouched
    assert "Voronoi" in v.at["vn-2024", "source"] and v.at["vn-2024", "is_approximate"] == 1
    view = MapView("model_count", "province", 2026, 2026, (), "")
    assert APPROXIMATE_NOTE not in build_snapshot(after, view).notes


def test_an_official_province_over_approximate_communes_clips_them(store_copy):
    prov = store_copy.unit_shapes("vn-2025", "province")
    new = _shifted(prov[prov.code == "01"], 2000)
    res = _import(store_copy, "vn-2025", "province", new, "tinh.geojson")
    assert res.children_clipped > 0 and res.derived == 0
    after = GpkgStore.open(store_copy.path)
    p = after.unit_shapes("vn-2025", "province").set_index("code")
    # the province keeps its file's polygon, not its children's union
    assert shapely.equals_exact(
        shapely.normalize(p.geometry["01"]), shapely.normalize(new.geometry.iloc[0]), 1e-9
    )
    c = after.unit_shapes("vn-2025", "commune")
    mine = c[c.province_code == "01"]
    assert mine["is_approximate"].eq(1).all()
    spill = shapely.difference(shapely.union_all(mine.geometry.values), p.geometry["01"])
    assert _km2(spill) < 0.01
    # neighbours of the official province no longer overlap it, nor do their communes
    assert _overlap_km2(p.drop(index="01"), p.loc[["01"]]) < 0.01
    assert _overlap_km2(c[c.province_code != "01"], p.loc[["01"]]) < 0.01
