"""The view in the URL: round trip, and bad links falling back to a valid view."""

from __future__ import annotations

import pytest

from geodata.query import query_view
from geodata.view import MapView
from geodata.view_params import view_from_params, view_to_params

DEFAULT = MapView(year_from=2026, year_to=2026)


@pytest.mark.parametrize(
    "view",
    [
        MapView("certified_share", "district", 2019, 2020, (), "17", "natural_breaks", 4),
        MapView(
            "model_count",
            "commune",
            2014,
            2014,
            ("Hòa giải ở cơ sở", "Phòng, chống tội phạm"),
            "513",
        ),
        MapView("transitioned_share", "province", 2023, 2026),
    ],
)
def test_round_trip(store, view):
    params = view_to_params(view)
    assert all(isinstance(v, str) for v in params.values())
    again, msgs = view_from_params(params, store, DEFAULT)
    assert again == view and msgs == []


def test_empty_url_gives_the_default(store):
    view, msgs = view_from_params({}, store, DEFAULT)
    assert view == DEFAULT and msgs == []


@pytest.mark.parametrize(
    "params,expect,field,value",
    [
        (
            {"metric": "bogus"},
            "Chỉ tiêu 'bogus' trong đường dẫn không tồn tại",
            "metric",
            "model_count",
        ),
        (
            {"to": "1990"},
            "Năm '1990' trong đường dẫn nằm ngoài dữ liệu (2014–2026)",
            "year_to",
            2026,
        ),
        ({"to": "abc"}, "Năm 'abc' trong đường dẫn nằm ngoài dữ liệu", "year_to", 2026),
        (
            {"from": "2025", "to": "2020"},
            "Năm đầu kỳ 2025 không hợp lệ cho kỳ kết thúc 2020",
            "year_from",
            2020,
        ),
        ({"to": "2020", "area": "99999"}, "Mã địa bàn '99999' không có", "area", ""),
        (
            {"to": "2026", "level": "district"},
            "Sau 01/07/2025 không còn cấp huyện",
            "level",
            "commune",
        ),
        (
            {"level": "tinh"},
            "Cấp hiển thị 'tinh' trong đường dẫn không hợp lệ",
            "level",
            "province",
        ),
        ({"scheme": "x", "k": "99"}, "không hợp lệ", "scheme", "quantiles"),
        (
            {"types": "Không có loại này"},
            "Bỏ loại mô hình không có trong dữ liệu",
            "model_types",
            (),
        ),
    ],
)
def test_bad_values_fall_back_with_a_message(store, params, expect, field, value):
    view, msgs = view_from_params(params, store, DEFAULT)
    assert any(expect in m for m in msgs), msgs
    assert getattr(view, field) == value
    query_view(store, view)  # the repaired view can be shown
