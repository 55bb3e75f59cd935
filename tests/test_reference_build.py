"""The reference boundaries in a real GeoPackage: counts, validity, nesting, crosswalk."""

from __future__ import annotations

import sqlite3

import numpy as np
import pyogrio
import pytest
import shapely

from geodata.schema import EQUAL_AREA_CRS
from loaders.reference import ISLAND_DISTRICTS_WITHOUT_COMMUNES, read_reference_lists

# Nesting and coverage tolerance: a district may differ from the union of its communes
# by at most 1e-9 of its area (floating-point noise of the reprojection), i.e. < 1 m².
REL_TOL = 1e-9

EXPECTED = {
    ("vn-2024", "province"): 63,
    ("vn-2024", "district"): 696,
    ("vn-2024", "commune"): 10040,
    ("vn-2025", "province"): 34,
    ("vn-2025", "commune"): 3321,
}


@pytest.fixture(scope="module")
def shapes(demo_build):
    gdf = pyogrio.read_dataframe(demo_build.path, layer="admin_units")
    return gdf.to_crs(EQUAL_AREA_CRS)


def test_unit_counts_per_version_and_level(shapes):
    counts = shapes.groupby(["version", "level"]).size().to_dict()
    assert counts == EXPECTED


def test_every_reference_unit_has_a_valid_polygon(shapes):
    lists = read_reference_lists()
    want_old = set(lists.legacy["wardCode"].fillna(lists.legacy["districtCode"]))
    want_new = set(lists.current["wardCode"])
    communes = shapes[shapes["level"] == "commune"]
    assert set(communes.loc[communes.version == "vn-2024", "code"]) == want_old
    assert set(communes.loc[communes.version == "vn-2025", "code"]) == want_new
    assert shapes.geometry.notna().all()
    assert not shapes.geometry.is_empty.any()
    assert shapes.geometry.is_valid.all()
    assert set(shapes.geom_type) == {"MultiPolygon"}
    assert (shapes["area_km2"] > 0).all()


def test_island_districts_stand_at_commune_level_under_their_own_code(shapes):
    old = shapes[shapes.version == "vn-2024"]
    for name in ISLAND_DISTRICTS_WITHOUT_COMMUNES:
        district = old[(old.level == "district") & (old.short_name == name)]
        assert len(district) == 1, name
        code = district.code.iat[0]
        commune = old[(old.level == "commune") & (old.code == code)]
        assert len(commune) == 1 and commune.parent_code.iat[0] == code


@pytest.mark.parametrize("version,level", list(EXPECTED))
def test_each_level_is_a_coverage_without_overlaps(shapes, version, level):
    part = shapes[(shapes.version == version) & (shapes.level == level)]
    assert shapely.coverage_is_valid(part.geometry.to_numpy())
    union = shapely.coverage_union_all(part.geometry.to_numpy())
    assert union.area == pytest.approx(part.area.sum(), rel=REL_TOL)


@pytest.mark.parametrize(
    "version,child,parent,key",
    [
        ("vn-2024", "commune", "district", "parent_code"),
        ("vn-2024", "district", "province", "parent_code"),
        ("vn-2024", "commune", "province", "province_code"),
        ("vn-2025", "commune", "province", "parent_code"),
    ],
)
def test_levels_nest_without_gaps(shapes, version, child, parent, key):
    kids = shapes[(shapes.version == version) & (shapes.level == child)]
    parents = shapes[(shapes.version == version) & (shapes.level == parent)].set_index("code")
    assert set(kids[key]) == set(parents.index)
    worst = 0.0
    for code, group in kids.groupby(key):
        union = shapely.coverage_union_all(group.geometry.to_numpy())
        p = parents.geometry[code]
        worst = max(worst, union.symmetric_difference(p).area / p.area)
    assert worst < REL_TOL
    # and the level totals agree: no area lost or double counted between levels
    assert kids.area.sum() == pytest.approx(parents.area.sum(), rel=REL_TOL)


def test_archipelagos_are_at_their_real_positions(shapes):
    paracels = shapely.box(111.0, 15.5, 113.0, 17.2)
    spratlys = shapely.box(111.5, 7.5, 115.0, 11.6)
    ll = shapes.to_crs("EPSG:4326")
    for version in ("vn-2024", "vn-2025"):
        units = ll[(ll.version == version) & (ll.level == "commune")]
        hs = units[units.short_name == "Hoàng Sa"]
        ts = units[units.short_name.isin(["Trường Sa", "Song Tử Tây", "Sinh Tồn"])]
        assert len(hs) == 1 and hs.geometry.iat[0].within(paracels)
        assert len(ts) >= 1 and all(g.within(spratlys) for g in ts.geometry)
        # Hoàng Sa belongs to Đà Nẵng, Trường Sa to Khánh Hòa
        assert set(hs.province_code) == {"48"}
        assert set(ts.province_code) == {"56"}


def test_crosswalk_shares_sum_to_one(store):
    cw = store.table("unit_crosswalk")
    assert set(cw.from_version) == {"vn-2024"} and set(cw.to_version) == {"vn-2025"}
    sums = cw.groupby("from_code")["share"].sum()
    assert np.allclose(sums.to_numpy(), 1.0, atol=1e-9)
    assert (cw["share"] > 0).all()
    assert set(cw.from_code) == set(store.units("vn-2024", "commune")["code"])
    assert set(cw.to_code) == set(store.units("vn-2025", "commune")["code"])


def test_boundary_versions_are_marked_approximate(store):
    bv = store.table("boundary_versions").set_index("version")
    assert list(bv.index) == ["vn-2024", "vn-2025"]
    assert bv.loc["vn-2024", "valid_to"] == "2025-06-30"
    assert bv.loc["vn-2025", "valid_from"] == "2025-07-01"
    assert bv["is_approximate"].tolist() == [1, 1]
    assert bv["source"].str.contains("vietnamadminunits").all()


def test_store_is_a_valid_geopackage_for_other_tools(demo_build):
    layers = dict(pyogrio.list_layers(demo_build.path))
    assert layers["admin_units"] == "MultiPolygon"
    for table in ("boundary_versions", "unit_crosswalk", "models", "commune_status", "imports"):
        assert table in layers
    with sqlite3.connect(demo_build.path) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # 'GPKG'
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        srs = conn.execute(
            "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = 'admin_units'"
        ).fetchone()[0]
        assert srs == 4326
        cols = {r[1] for r in conn.execute("PRAGMA table_info(admin_units)")}
        assert {"version", "level", "code", "name", "unit_type", "parent_code", "area_km2"} <= cols
        mcols = {r[1] for r in conn.execute("PRAGMA table_info(models)")}
        assert {
            "model_id",
            "name",
            "model_type",
            "commune_code",
            "version",
            "start_year",
            "end_year",
            "recognition",
            "model_units",
            "members",
            "is_demo",
        } <= mcols


def test_build_report_lists_repairs(demo_build):
    rep = demo_build.repairs
    texts = " ".join(rep["repair"])
    assert "không có tâm" in texts and "tâm trùng" in texts and "đảo" in texts
    no_centroid = rep[rep.repair.str.startswith("không có tâm")]
    assert sorted(no_centroid["name"].str.replace("Huyện ", "")) == sorted(
        ISLAND_DISTRICTS_WITHOUT_COMMUNES
    )
