"""The core query on the real demo store: seed calibrations and refusals."""

from __future__ import annotations

import re

import pytest

from geodata.errors import ViewError
from geodata.query import query_view
from geodata.view import MapView
from tests.helpers import active_models


@pytest.fixture(scope="module", params=["gpkg", "postgis"])
def store(request, store):
    """Every test of this module on both stores: the GeoPackage and PostGIS."""
    return store if request.param == "gpkg" else request.getfixturevalue("pg_store")


def _totals(store, **kw):
    return query_view(store, MapView(**kw)).totals()


def test_hoa_binh_2020_matches_seed_004(store):
    result = query_view(store, MapView("model_count", "commune", 2020, 2020, (), "17"))
    t = result.totals()
    assert result.area_name == "Tỉnh Hòa Bình"
    assert t["model_count"] == 112
    assert t["model_units"] == 4778
    assert t["n_communes"] == 151
    assert t["certified_count"] == 123
    assert t["hotspot_count"] == 36
    assert t["transitioned_count"] == 25
    # 5 types: counting per type gives exactly five non-empty types summing to 112
    types = store.table("models")["model_type"].unique()
    per_type = {
        ty: _totals(
            store,
            metric="model_count",
            level="province",
            year_from=2020,
            year_to=2020,
            model_types=(ty,),
            area="17",
        )["model_count"]
        for ty in types
    }
    assert sum(1 for v in per_type.values() if v > 0) == 5
    assert sum(per_type.values()) == 112


def test_thang_binh_2014_matches_seed_000(store):
    assert (
        _totals(
            store, metric="model_count", level="commune", year_from=2014, year_to=2014, area="513"
        )["model_count"]
        == 89
    )


def test_bac_lieu_2018_matches_seed_002(store):
    assert (
        _totals(
            store, metric="model_count", level="district", year_from=2018, year_to=2018, area="95"
        )["model_count"]
        == 30
    )
    communes = set(store.units("vn-2024", "commune").query("province_code == '95'")["code"])
    active = active_models(store, 2018, 2018, communes)
    assert (active.recognition == "national").sum() == 5
    assert (active.recognition == "provincial").sum() == 8


def test_binh_xuyen_2016_matches_seed_003(store):
    assert (
        _totals(
            store, metric="model_count", level="commune", year_from=2016, year_to=2016, area="249"
        )["model_count"]
        == 34
    )


@pytest.mark.parametrize("level", ["province", "district", "commune"])
def test_national_totals_do_not_depend_on_level(store, level):
    base = _totals(store, metric="model_count", level="province", year_from=2019, year_to=2020)
    t = _totals(store, metric="model_count", level=level, year_from=2019, year_to=2020)
    for key in ("model_count", "model_units", "certified_count", "hotspot_count", "n_communes"):
        assert t[key] == base[key]


def test_every_metric_has_a_value_column(store):
    from geodata.view import METRICS

    for key in METRICS:
        rows = query_view(store, MapView(key, "province", 2020, 2020)).rows
        assert len(rows) == 63
        assert rows["value"].equals(rows[key])


def test_period_after_reform_uses_new_units_and_carries_old_models(store):
    result = query_view(store, MapView("model_count", "province", 2023, 2026))
    assert result.version.version == "vn-2025"
    assert len(result.rows) == 34
    active = len(active_models(store, 2023, 2026))
    assert result.totals()["model_count"] == active  # nothing lost in the carry
    assert any("chuyển sang vn-2025" in n for n in result.notes)
    moved = next(n for n in result.notes if "chuyển sang vn-2025" in n).split()[0]
    assert re.fullmatch(r"\d{1,3}(\.\d{3})+", moved)  # thousands grouped the Vietnamese way


def test_period_before_reform_uses_old_units(store):
    result = query_view(store, MapView("certified_share", "district", 2024, 2024))
    assert result.version.version == "vn-2024"
    assert len(result.rows) == 696


def test_district_level_after_reform_is_refused(store):
    with pytest.raises(
        ViewError, match="Cấp huyện/quận không có trong phiên bản ranh giới vn-2025"
    ):
        query_view(store, MapView("model_count", "district", 2026, 2026))


def test_unknown_metric_is_refused():
    with pytest.raises(ViewError, match="Chỉ tiêu 'mo_hinh' không tồn tại"):
        MapView("mo_hinh")


def test_unknown_area_code_is_refused(store):
    with pytest.raises(
        ViewError, match="Mã địa bàn '999' không có trong phiên bản ranh giới vn-2024"
    ):
        query_view(store, MapView("model_count", "commune", 2020, 2020, (), "999"))


def test_old_code_after_reform_is_refused(store):
    # Hòa Bình (17) was merged into Phú Thọ on 1 July 2025
    with pytest.raises(
        ViewError, match="Mã địa bàn '17' không có trong phiên bản ranh giới vn-2025"
    ):
        query_view(store, MapView("model_count", "commune", 2026, 2026, (), "17"))


@pytest.mark.parametrize("years", [(2005, 2010), (2020, 2031)])
def test_period_outside_data_is_refused(store, years):
    with pytest.raises(ViewError, match="nằm ngoài dữ liệu: kho có số liệu từ 2014 đến 2026"):
        query_view(store, MapView("model_count", "province", *years))


def test_reversed_period_is_refused():
    with pytest.raises(ViewError, match="năm đầu lớn hơn năm cuối"):
        MapView("model_count", "province", 2022, 2020)


def test_level_coarser_than_area_is_refused(store):
    with pytest.raises(ViewError, match="Không thể hiển thị cấp tỉnh/thành phố bên trong"):
        query_view(store, MapView("model_count", "province", 2020, 2020, (), "513"))


def test_unknown_model_type_is_refused(store):
    with pytest.raises(ViewError, match="Loại mô hình không có trong dữ liệu: Không tồn tại"):
        query_view(store, MapView("model_count", "province", 2020, 2020, ("Không tồn tại",)))
