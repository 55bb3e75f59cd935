"""Page pieces without a browser: map payload, local assets, figures, ranking files."""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
import pytest

from dashboard.assets import asset_file, ensure_static_assets
from dashboard.figures import cards, previous_totals
from dashboard.map_view import (
    OfflineMap,
    base_layers,
    base_map,
    payload_rows,
    values_layer,
    values_payload,
)
from dashboard.notes import data_notes
from dashboard.safe_text import script_json
from dashboard.tables import ranking, to_csv_bytes, to_xlsx_bytes
from geodata.classify import classify, palette_for
from geodata.display_docs import display_layers
from geodata.query import query_view
from geodata.view import MapView

HOA_BINH_2020 = MapView("certified_share", "district", 2020, 2020, (), "17")


def _base(store, view=HOA_BINH_2020, area=("17", "province")):
    result = query_view(store, view)
    layers = display_layers(
        store,
        result.version.version,
        view.level,
        {"code": area[0], "level": area[1]} if area else None,
    )
    return result, base_layers(layers, data_notes(True, True), national=area is None)


def test_map_loads_only_assets_served_by_the_app(store, tmp_path):
    ensure_static_assets(tmp_path)
    assert (tmp_path / "leaflet" / "leaflet.js").stat().st_size > 100_000
    assert (tmp_path / "leaflet" / "images" / "marker-icon.png").exists()
    links = [u for _, u in OfflineMap.default_js + OfflineMap.default_css]
    assert links and all(u.startswith("/assets/l") for u in links)
    for u in links:  # each is a packaged file the server knows
        version, rel = u.split("/", 3)[2:]
        assert asset_file(version, rel) is not None and asset_file(version, rel).exists()
    assert asset_file("l0-m0", "leaflet/leaflet.js") is None  # an old URL: not served
    _, base = _base(store)
    html = base_map(base).get_root().render()
    external = re.findall(r"(?:src|href)=[\"'](https?://[^\"']+)", html)
    assert external == []


def test_a_code_folder_that_cannot_be_written_is_not_an_error(tmp_path):
    """Replicas run as their own user over code that root installed: the copy for
    Streamlit's static folder is skipped (pages load `/assets/…` from the packages)."""
    blocked = tmp_path / "vendor"
    blocked.write_text("a file where the folder should be: mkdir fails even for root")
    assert ensure_static_assets(blocked) is None
    assert ensure_static_assets(tmp_path / "ok") == tmp_path / "ok"


def test_values_payload_covers_every_unit(store):
    result, base = _base(store)
    classes = classify(result.rows["value"], "quantiles", 5, palette_for(result.view.metric))
    payload = values_payload(result, classes, base.codes)
    assert payload["n"] == len(base.codes) == len(payload["bins"]) == len(payload["cols"]["value"])
    by_code = payload_rows(payload, base.codes)
    assert set(by_code) == set(result.rows["code"])
    assert [by_code[c][0] for c in result.rows["code"]] == classes.bins.tolist()
    rows = result.rows.set_index("code")
    row = by_code["148"]  # Thành phố Hòa Bình
    assert row[1] == pytest.approx(rows.loc["148", "certified_share"], abs=1e-3)
    assert row[2:6] == [
        rows.loc["148", c] for c in ("model_count", "model_units", "certified_count", "n_communes")
    ]
    assert "Tỷ lệ xã đạt chuẩn an ninh trật tự" in payload["legendHtml"]
    assert "Không có số liệu" in payload["legendHtml"]
    from streamlit_folium import _get_feature_group_string, _get_map_string

    m = base_map(base)
    m.get_root().render()
    base_js = _get_map_string(m)
    # the base map names its geometry by URL and carries none of it
    assert base.units_url in base_js and "MAP_VAR" not in base_js
    assert len(base_js.encode()) < 40_000
    js = _get_feature_group_string(values_layer(payload), m)
    assert script_json(payload["legendHtml"]) in js  # `<` escaped: data cannot end the script
    assert '"148"' not in js  # values follow the document's order: no codes are sent


def test_cards_show_the_seed_figures_and_the_change(store):
    result = query_view(store, HOA_BINH_2020)
    prev = previous_totals(store, result)
    assert prev is not None
    assert prev == query_view(store, HOA_BINH_2020.with_(year_from=2019, year_to=2019)).totals()
    texts = {c.label: c for c in cards(result, prev)}
    assert texts["Xã đạt chuẩn an ninh trật tự"].value == "123 xã đạt chuẩn / 151 (81,5%)"
    assert texts["Mô hình tự quản về ANTT"].value == "112"
    assert texts["Đơn vị mô hình"].value == "4.778"
    assert texts["Xã trọng điểm đã chuyển hóa"].value == "25 đã chuyển hóa / 36 trọng điểm (69,4%)"
    delta = 112 - prev["model_count"]
    assert texts["Mô hình tự quản về ANTT"].delta == (
        f"+{int(delta)}" if delta > 0 else f"−{int(-delta)}"
    )


def test_no_previous_period_before_the_data(store):
    result = query_view(store, MapView("model_count", "province", 2014, 2014))
    assert previous_totals(store, result) is None
    assert all(c.delta is None for c in cards(result, None))


def test_ranking_and_its_downloads(store):
    result = query_view(store, HOA_BINH_2020)
    table = ranking(result)
    assert len(table) == 10 and table["Hạng"].tolist()[0] == 1
    values = table.iloc[:, 3].tolist()
    assert values == sorted(values, reverse=True)
    csv = to_csv_bytes(table)
    assert csv.startswith(b"\xef\xbb\xbf")
    # as Excel set to Vietnamese reads it: ';' between fields, ',' before decimals
    back = pd.read_csv(
        io.BytesIO(csv), encoding="utf-8-sig", dtype={"Mã": str}, sep=";", decimal=","
    )
    assert back["Mã"].tolist() == table["Mã"].tolist()
    assert back.iloc[:, 3].round(2).tolist() == table.iloc[:, 3].round(2).tolist()
    lines = csv.decode("utf-8-sig").splitlines()
    assert ".0;" not in lines[1] and not lines[1].endswith(".0")  # whole numbers as such
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(table, "Tiêu đề thử")))
    ws = wb["Xếp hạng"]
    assert ws["A1"].value == "Tiêu đề thử" and ws["A3"].value == "Hạng"
    assert ws.max_row == 3 + len(table)


def test_a_commune_ranking_names_district_and_province(store):
    """Thousands of communes share a name: each row says where it is (and no district
    column after the 2025 reform, when there are no districts)."""
    result = query_view(store, MapView("model_count", "commune", 2020, 2020, area="17"))
    table = ranking(result, store.units(result.version.version))
    assert list(table.columns[2:5]) == ["Tên đơn vị", "Huyện/quận", "Tỉnh/thành phố"]
    assert set(table["Tỉnh/thành phố"]) == {"Tỉnh Hòa Bình"}
    row = table[table["Tên đơn vị"] == "Xã Tân Pheo"].iloc[0]
    assert row["Huyện/quận"] == "Huyện Đà Bắc"
    after = query_view(store, MapView("model_count", "commune", 2026, 2026))
    table = ranking(after, store.units(after.version.version))
    assert "Huyện/quận" not in table.columns and table["Tỉnh/thành phố"].ne("").all()


def test_the_sliders_next_steps_are_computed_ahead_once(store):
    from dashboard.prefetch import neighbours, prefetch_neighbours
    from geodata.query import _RESULTS

    view = MapView("model_density", "commune", 2019, 2019)
    assert neighbours(view, 2014, 2026) == [
        view.with_(year_from=2018, year_to=2018),
        view.with_(year_from=2020, year_to=2020),
    ]
    span = MapView("model_count", "province", 2014, 2016)  # a range moves by its length
    assert neighbours(span, 2014, 2026) == [span.with_(year_from=2017, year_to=2019)]
    thread = prefetch_neighbours(store, view, 2014, 2026)
    assert thread is not None
    thread.join(120)
    for nv in neighbours(view, 2014, 2026):
        key = (str(store.path), store.revision, nv, None)
        assert key in _RESULTS._values  # computed ahead: the slider's step is a cache hit
    assert prefetch_neighbours(store, view, 2014, 2026) is None  # started once only


def test_a_widget_label_given_back_is_read_as_its_option():
    """Found by a stranger's check: the level radio once gave its label ('Huyện/quận')
    to the callback, the view refused it, and the page showed Streamlit's English error."""
    from dashboard.sidebar import LEVEL_NAMES, as_key

    assert as_key("Huyện/quận", LEVEL_NAMES) == "district"
    assert as_key("district", LEVEL_NAMES) == "district"
    assert as_key("khác", LEVEL_NAMES) == "khác"  # anything else is left for the view to refuse


def test_each_way_of_showing_a_view_exports_under_its_own_name():
    from dashboard.export.snapshot import file_stem
    from geodata.view import MapView

    one = MapView(year_from=2026, year_to=2026)
    names = {
        file_stem(one),
        file_stem(one.with_(compare="side")),
        file_stem(one.with_(compare="change")),
    }
    assert len(names) == 3 and "so-sanh-2025-2025" in file_stem(one.with_(compare="side"))
