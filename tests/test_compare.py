"""Two periods on the same units, change classes, commune categories, the trend of a
unit, an area that follows the 2025 reform and densities that do not lie: on the real
demo store."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.panels import panels_for
from geodata.categories import commune_categories, paired_classes
from geodata.classify import (
    MAP_BACKGROUND,
    NO_CHANGE_COLOUR,
    NO_DATA_COLOUR,
    PALETTES,
    classify_change,
    colours,
)
from geodata.compare import compare_view
from geodata.errors import ViewError
from geodata.query import MIN_APPROX_DENSITY_AREA_KM2, query_view
from geodata.reform import follow_area
from geodata.trend import unit_trend
from geodata.view import MapView
from geodata.view_params import view_from_params, view_to_params


@pytest.fixture(scope="module", params=["gpkg", "postgis"])
def store(request, store):
    """Every test of this module on both stores: the GeoPackage and PostGIS."""
    return store if request.param == "gpkg" else request.getfixturevalue("pg_store")


def _lab(hex_colour: str) -> np.ndarray:
    """CIE L*a*b* (D65) of an sRGB colour, for colour differences (ΔE 1976)."""
    rgb = np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    lin = np.where(rgb > 0.04045, ((rgb + 0.055) / 1.055) ** 2.4, rgb / 12.92)
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = m @ lin / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a: str, b: str) -> float:
    return float(np.linalg.norm(_lab(a) - _lab(b)))


@pytest.mark.parametrize("palette", sorted(PALETTES.values()))
@pytest.mark.parametrize("k", [3, 5, 7])
def test_every_class_stands_out_from_background_paper_and_no_data(palette, k):
    """On a projector the palest class must not vanish into the map's background."""
    for c in colours(palette, k):
        for other in (MAP_BACKGROUND, "#ffffff", NO_DATA_COLOUR):
            assert delta_e(c, other) >= 20, (palette, c, other)


def test_change_classes_have_no_change_in_the_middle_and_words():
    c = classify_change([0, 1, 2, 5, -3, -1, np.nan, 10, 0], 5, lambda x: f"{x:g}")
    assert c.labels == ("Giảm 3 – 10", "Giảm 1 – 2", "Không đổi", "Tăng 1 – 2", "Tăng 3 – 10")
    assert list(c.bins) == [2, 3, 3, 4, 0, 1, -1, 4, 2]
    assert c.colours[2] == NO_CHANGE_COLOUR
    for other in (MAP_BACKGROUND, NO_DATA_COLOUR, c.colours[1], c.colours[3]):
        assert delta_e(NO_CHANGE_COLOUR, other) >= 15


@given(st.lists(st.integers(-50, 50), min_size=1, max_size=60), st.sampled_from([3, 5, 7]))
def test_change_classes_keep_sign_and_order(values, k):
    """A decrease is never drawn as an increase, zero is always "Không đổi", and a
    larger change is never in a weaker class than a smaller one of the same sign."""
    c = classify_change(values, k, str)
    mid = c.labels.index("Không đổi")
    v = np.asarray(values, dtype=float)
    bins = c.bins
    assert np.all(bins[v == 0] == mid)
    assert np.all(bins[v > 0] > mid) and np.all(bins[v < 0] < mid)
    order = np.argsort(v, kind="stable")
    assert np.all(np.diff(bins[order]) >= 0)
    assert all(lab.startswith("Tăng") for lab in c.labels[mid + 1 :])
    assert all(lab.startswith("Giảm") for lab in c.labels[:mid])


def test_side_by_side_shares_units_and_one_legend(store):
    view = MapView(
        "certified_share", "province", 2026, 2026, compare="side", base_from=2020, base_to=2020
    )
    cmp = compare_view(store, view)
    # both periods on the 34 provinces after the reform, the old figures carried
    assert cmp.earlier.version.version == cmp.later.version.version == "vn-2025"
    assert list(cmp.earlier.rows["code"]) == list(cmp.later.rows["code"])
    assert len(cmp.later.rows) == 34
    assert "qua bảng chuyển đổi" in cmp.notes[0] and "vn-2024" in cmp.notes[0]
    a, b = paired_classes(cmp.earlier, cmp.later)
    assert a.breaks == b.breaks and a.colours == b.colours
    # one colour means the same number on either map
    for cls, result in ((a, cmp.earlier), (b, cmp.later)):
        for i, value in zip(cls.bins, result.rows["value"], strict=True):
            hi = cls.breaks[i]
            lo = cls.breaks[i - 1] if i else cls.low
            assert lo <= value <= hi
    diff = cmp.change.rows.set_index("code")["value"]
    later = cmp.later.rows.set_index("code")["value"]
    earlier = cmp.earlier.rows.set_index("code")["value"]
    assert np.allclose(diff, later - earlier)


def test_a_comparison_base_must_end_before_the_period(store):
    with pytest.raises(ViewError, match="phải kết thúc trước"):
        compare_view(
            store,
            MapView(year_from=2020, year_to=2020, compare="side", base_from=2020, base_to=2020),
        )


def test_change_panel_words_commune_events(store):
    view = MapView(
        "certified_share",
        "commune",
        2026,
        2026,
        (),
        "25",
        compare="change",
        base_from=2020,
        base_to=2020,
    )
    panels = panels_for(store, view)
    (panel,) = panels.maps
    assert set(panel.classes.labels) <= {"Không còn đạt chuẩn", "Không đổi", "Mới đạt chuẩn"}
    assert panel.dress.change and "→" in panel.dress.legend_period


def test_commune_shares_are_categories(store):
    r = query_view(store, MapView("transitioned_share", "commune", 2020, 2020, (), "17"))
    c = commune_categories(r)
    assert c.labels == ("Đã chuyển hóa", "Còn trọng điểm", "Không phải trọng điểm")
    rows = r.rows
    assert np.all(c.bins[(rows["hotspot_count"] == 1) & (rows["transitioned_count"] == 1)] == 0)
    assert np.all(c.bins[(rows["hotspot_count"] == 1) & (rows["transitioned_count"] == 0)] == 1)
    assert np.all(c.bins[rows["hotspot_count"] == 0] == 2)
    # Hòa Bình 2020: 36 hotspots, 25 transitioned (seed 004)
    assert int((c.bins == 0).sum()) == 25 and int((c.bins <= 1).sum()) == 36
    r = query_view(store, MapView("certified_share", "commune", 2020, 2020, (), "17"))
    c = commune_categories(r)
    assert c.labels == ("Đạt chuẩn", "Chưa đạt chuẩn") and int((c.bins == 0).sum()) == 123
    assert (
        commune_categories(
            query_view(store, MapView("certified_share", "district", 2020, 2020, (), "17"))
        )
        is None
    )


def test_an_area_follows_the_reform(store):
    followed = follow_area(store, "17", "vn-2025", ["vn-2024", "vn-2025"])
    assert followed.code == "25"
    assert "Hòa Bình" in followed.message and "Phú Thọ" in followed.message
    view, msgs = view_from_params({"area": "17", "from": "2024", "to": "2026"}, store, MapView())
    assert view.area == "25" and any("Hòa Bình" in m and "Phú Thọ" in m for m in msgs)
    # a district goes to the province of the communes that received it, named
    view, msgs = view_from_params(
        {"area": "513", "to": "2026", "level": "district"}, store, MapView()
    )
    assert (view.area, view.level) == ("48", "commune")
    assert any("Thăng Bình" in m and "Đà Nẵng" in m and "Xã Thăng An" in m for m in msgs)
    # and a code of the new map asked for before the reform goes back to its predecessor
    back = follow_area(store, "19351", "vn-2024", ["vn-2024", "vn-2025"])
    assert back is None or back.message.count("trước đây thuộc") == 1


def test_compare_round_trips_through_the_url(store):
    view = MapView(
        "model_count",
        "province",
        2026,
        2026,
        compare="change",
        base_from=2019,
        base_to=2019,
        labels=True,
    )
    params = view_to_params(view)
    assert params["cmp"] == "change" and params["cfrom"] == "2019" and params["labels"] == "1"
    back, msgs = view_from_params(params, store, MapView())
    assert back == view and msgs == []
    back, msgs = view_from_params({**params, "cfrom": "2030", "cto": "2030"}, store, MapView())
    assert (back.compare, back.base_from) == ("change", None) and msgs


def test_tiny_approximate_cells_get_no_density(store):
    r = query_view(store, MapView("model_density", "commune", 2024, 2024))
    small = r.rows["density_area_km2"] < MIN_APPROX_DENSITY_AREA_KM2
    assert small.sum() > 100
    assert r.rows.loc[small, "value"].isna().all()
    assert r.rows["value"].max() < 1000  # was 302,273 models per 100 km²
    assert any("không được tính mật độ" in n for n in r.notes)
    # after the reform the reference list's official areas are used
    r = query_view(store, MapView("model_density", "commune", 2026, 2026))
    row = r.rows.set_index("name").loc["Phường Bàn Cờ"]
    assert row["density_area_km2"] == pytest.approx(0.99)
    assert row["value"] == pytest.approx(row["model_count"] / 0.99 * 100)


def test_trend_of_a_unit_follows_its_ground(store):
    trend = unit_trend(
        store,
        MapView("model_count", "province", 2020, 2020, (), "17"),
        "vn-2024",
        "province",
        "Tỉnh Hòa Bình",
    )
    t = trend.table.set_index("year")
    assert t.loc[2020, "Tỉnh Hòa Bình"] == 112  # seed 004
    assert trend.names == ("Tỉnh Hòa Bình", "Toàn quốc")
    assert t["Toàn quốc"].notna().all()
    trend = unit_trend(
        store,
        MapView("certified_share", "district", 2016, 2016, (), "513"),
        "vn-2024",
        "district",
        "Huyện Thăng Bình",
    )
    assert trend.names == ("Huyện Thăng Bình", "Tỉnh Quảng Nam", "Toàn quốc")
    t = trend.table.set_index("year")
    # status of the new communes is not carried back to an old district: said, not guessed
    assert np.isnan(t.loc[2026, "Huyện Thăng Bình"]) and "2025, 2026" in trend.notes[0]
    assert t["Toàn quốc"].notna().all()
