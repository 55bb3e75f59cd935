"""Filter flows through Streamlit's AppTest (no browser; the map component is faked).

`st_folium` is replaced by a fake that records what the page sends to the map and
returns the clicks a test wants to simulate.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest
import streamlit_folium
from streamlit.testing.v1 import AppTest

from dashboard.notes import APPROXIMATE_NOTE, DEMO_NOTE
from tests.helpers import active_models

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")


class FakeMap:
    def __init__(self):
        self.calls: list[dict] = []
        self.reply: dict = {}

    def __call__(self, fig, key=None, feature_group_to_add=None, **kw):
        values_js = streamlit_folium._get_feature_group_string(feature_group_to_add, fig)
        self.calls.append({"map": fig, "values_js": values_js, "kw": kw})
        return dict(self.reply)

    @property
    def legend(self) -> str:
        m = re.search(r'"legendHtml":"(.*?)","metric"', self.calls[-1]["values_js"])
        return m.group(1) if m else ""


@pytest.fixture
def app(store, monkeypatch):
    monkeypatch.setenv("ANTT_STORE", str(store.path))
    fake = FakeMap()
    monkeypatch.setattr(streamlit_folium, "st_folium", fake)

    def make(**params):
        at = AppTest.from_file(APP, default_timeout=120)
        for k, v in params.items():
            at.query_params[k] = v
        at.fake = fake
        return at.run()

    return make


def _view(at):
    return at.session_state["view"]


def _cards(at) -> str:
    return " ".join(h.proto.body for h in at.get("html") if "antt-card" in h.proto.body)


def test_default_page_shows_latest_year_national(app):
    at = app()
    assert not at.exception
    v = _view(at)
    assert (v.year_from, v.year_to, v.level, v.area) == (2026, 2026, "province", "")
    assert at.title[0].value == "Bản đồ mô hình tự quản về an ninh trật tự"
    assert any(APPROXIMATE_NOTE in i.value and DEMO_NOTE in i.value for i in at.info)
    assert "năm 2026" in at.fake.legend
    assert at.query_params["to"] == "2026"


def test_demo_note_goes_once_the_demo_rows_are_replaced(demo_build, tmp_path, monkeypatch):
    path = tmp_path / "antt.gpkg"
    shutil.copy(demo_build.path, path)
    with sqlite3.connect(path) as conn:  # as if real registries had been imported
        for table in ("models", "commune_status"):
            conn.execute(f"UPDATE {table} SET is_demo = 0")
    monkeypatch.setenv("ANTT_STORE", str(path))
    monkeypatch.setattr(streamlit_folium, "st_folium", FakeMap())
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    info = " ".join(i.value for i in at.info)
    assert APPROXIMATE_NOTE in info and DEMO_NOTE not in info


def test_url_opens_the_same_view_and_figures(app):
    at = app(
        metric="certified_share", level="district", **{"from": "2020", "to": "2020"}, area="17"
    )
    v = _view(at)
    assert (v.metric, v.level, v.area, v.year_to) == ("certified_share", "district", "17", 2020)
    assert "123 xã đạt chuẩn / 151 (81,5%)" in _cards(at)
    assert "25 đã chuyển hóa / 36 trọng điểm (69,4%)" in _cards(at)
    assert at.sidebar.selectbox(key="w_province").value == "17"


def test_changing_the_period_changes_legend_figures_and_url(app):
    at = app(**{"to": "2020", "from": "2020"}, metric="model_count")
    legend_2020, cards_2020 = at.fake.legend, _cards(at)
    at.sidebar.slider(key="w_year").set_value(2016).run()
    assert _view(at).year_to == 2016
    assert "năm 2016" in at.fake.legend and at.fake.legend != legend_2020
    assert _cards(at) != cards_2020
    assert at.query_params["to"] == "2016"


def test_metric_and_classification_widgets(app):
    at = app(**{"to": "2020", "from": "2020"})
    at.sidebar.selectbox(key="w_metric").set_value("transitioned_share").run()
    assert _view(at).metric == "transitioned_share"
    assert "Tỷ lệ xã trọng điểm đã chuyển hóa" in at.fake.legend
    at.sidebar.selectbox(key="w_scheme").set_value("natural_breaks").run()
    at.sidebar.slider(key="w_k").set_value(3).run()
    v = _view(at)
    assert (v.scheme, v.k) == ("natural_breaks", 3)
    assert at.fake.legend.count('class=\\"sw\\"') == 4  # 3 classes + no data


def test_search_without_diacritics_finds_hoa_binh(app):
    at = app(**{"to": "2020", "from": "2020"})
    at.sidebar.text_input(key="w_search").input("hoa binh").run()
    pick = at.sidebar.selectbox(key="w_pick")
    assert "province:17" in pick.options or any("Tỉnh Hòa Bình" in o for o in pick.options)
    at.sidebar.selectbox(key="w_pick").set_value("province:17").run()
    v = _view(at)
    assert (v.area, v.level) == ("17", "district")


def test_province_then_district_selection(app):
    at = app(**{"to": "2014", "from": "2014"})
    at.sidebar.selectbox(key="w_province").set_value("49").run()  # Quảng Nam
    assert (_view(at).area, _view(at).level) == ("49", "district")
    at.sidebar.selectbox(key="w_district").set_value("513").run()  # Thăng Bình
    v = _view(at)
    assert (v.area, v.level) == ("513", "commune")
    assert re.search(r">89<", _cards(at))  # seed 000: 89 models in 2014


def test_district_level_is_not_offered_after_the_reform(app):
    at = app(**{"to": "2026", "from": "2026"})
    assert "district" not in at.sidebar.radio(key="w_level").options
    assert any("không còn cấp huyện" in c.value for c in at.sidebar.caption)


def test_clicking_a_unit_drills_into_it(app):
    at = app(**{"to": "2020", "from": "2020"}, metric="certified_share")
    at.fake.reply = {
        "last_object_clicked_tooltip": "Tỉnh Hòa Bình Mã: 17 ... #1764640000000",
    }
    at.run()
    v = _view(at)
    assert (v.area, v.level) == ("17", "district")
    assert at.query_params["area"] == "17"
    # the same click reported again does not drill again
    at.run()
    assert _view(at).area == "17"


def test_bad_url_falls_back_with_visible_messages(app):
    at = app(metric="nope", to="3000", area="ABC")
    assert not at.exception
    v = _view(at)
    assert (v.metric, v.year_to, v.area) == ("model_count", 2026, "")
    warnings = " ".join(w.value for w in at.warning)
    assert (
        "Chỉ tiêu 'nope'" in warnings
        and "Năm '3000'" in warnings
        and "Mã địa bàn 'ABC'" in warnings
    )


def test_missing_store_is_explained_on_the_page(monkeypatch, tmp_path):
    monkeypatch.setenv("ANTT_STORE", str(tmp_path / "none.gpkg"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "Không tìm thấy kho dữ liệu" in at.error[0].value


def test_model_points_are_offered_for_a_district(app, store):
    at = app(**{"to": "2014", "from": "2014"}, area="513", level="commune")
    box = at.sidebar.checkbox(key="w_points")
    assert not box.disabled
    box.check().run()
    js = at.fake.calls[-1]["values_js"]
    assert "markerClusterGroup" in js
    n_points = len(re.findall(r"\[\d+\.\d+,\d+\.\d+,\"", js))
    communes = set(store.units("vn-2024", "commune").query("parent_code == '513'")["code"])
    active = active_models(store, 2014, 2014, communes)
    assert n_points == active[["lon", "lat"]].dropna().shape[0] > 0
    national = app(**{"to": "2014", "from": "2014"})
    assert national.sidebar.checkbox(key="w_points").disabled


def test_an_area_moved_by_the_reform_keeps_its_message_through_the_next_year(app):
    """Two quick steps past 2025: the move is said at the first, and still at the second
    (it repairs nothing, and the message used to vanish with it)."""
    at = app(**{"from": "2024", "to": "2024", "level": "district", "area": "17"})
    at.sidebar.slider(key="w_year").set_value(2025).run()
    assert _view(at).area == "25"
    said = " ".join(w.value for w in at.warning)
    assert "nay thuộc Tỉnh Phú Thọ" in said
    at.sidebar.slider(key="w_year").set_value(2026).run()
    assert (_view(at).area, _view(at).year_to) == ("25", 2026)
    assert "nay thuộc Tỉnh Phú Thọ" in " ".join(w.value for w in at.warning)
    # back before the reform: the move is no longer said
    at.sidebar.slider(key="w_year").set_value(2024).run()
    assert "nay thuộc" not in " ".join(w.value for w in at.warning)
