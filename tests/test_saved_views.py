"""Saved views on both stores: saved with their author, listed in order, shared within
the author's scope, changed only by the author or an administrator, every change audited."""

from __future__ import annotations

import pytest

from geodata.access import Access
from geodata.audit import Actor, read_audit, set_actor
from geodata.saved_views import (
    SavedViewError,
    delete_view,
    find_view,
    list_views,
    rename_view,
    save_view,
    swap_views,
)
from geodata.store import open_store
from geodata.view import MapView

ADMIN = Access("qt@bo.vn", "Lê Quản Trị", "admin", ())
PHU_THO = Access("xem@ca.phutho.vn", "Nguyễn Văn Xem", "viewer", ("25",))
HA_NOI = Access("xem@ca.hanoi.vn", "Trần Thị Hà", "viewer", ("01",))


@pytest.fixture(autouse=True)
def _nobody():
    yield
    set_actor(None)


def _as(access: Access) -> Actor:
    actor = Actor(access.user_id, access.name, access.role)
    set_actor(actor)
    return actor


def test_views_are_saved_in_order_and_open_as_they_were(store_copy):
    loc = store_copy.location
    actor = _as(ADMIN)
    change = MapView("certified_share", "commune", 2026, 2026, (), "25", "natural_breaks", 6,
                     compare="change", base_from=2020, base_to=2020)  # fmt: skip
    views = [
        save_view(loc, "Mô hình 2026 — toàn quốc", MapView(year_from=2026, year_to=2026), "vn-2025", actor),
        save_view(loc, "  Phú Thọ:   thay đổi đạt chuẩn ", change, "vn-2025", actor),
        save_view(loc, "Hòa Bình 2020", MapView("hotspot_count", "district", 2020, 2020, (), "17"), "vn-2024", actor),
    ]  # fmt: skip
    store = open_store(loc)
    listed = list_views(store, ADMIN)
    assert [v.name for v in listed] == [
        "Mô hình 2026 — toàn quốc",
        "Phú Thọ: thay đổi đạt chuẩn",  # spaces tidied, nothing else changed
        "Hòa Bình 2020",
    ]
    assert all(v.author_name == "Lê Quản Trị" for v in listed)
    opened, msgs = listed[1].view(store, MapView())
    assert opened == change and msgs == []
    assert find_view(store, views[2].view_id).name == "Hòa Bình 2020"
    assert find_view(store, "hòa bình 2020").view_id == views[2].view_id  # by name too
    with pytest.raises(SavedViewError, match=r"Không có khung nhìn “Đà Nẵng”.*Hòa Bình 2020"):
        find_view(store, "Đà Nẵng")
    # reorder, rename, delete: each one audited
    swap_views(loc, listed[2], listed[1], ADMIN)
    rename_view(loc, listed[0], "Toàn quốc 2026", ADMIN)
    store = open_store(loc)
    assert [v.name for v in list_views(store)] == [
        "Toàn quốc 2026",
        "Hòa Bình 2020",
        "Phú Thọ: thay đổi đạt chuẩn",
    ]
    delete_view(loc, find_view(store, "Toàn quốc 2026"), ADMIN)
    store = open_store(loc)
    assert [v.name for v in list_views(store)] == ["Hòa Bình 2020", "Phú Thọ: thay đổi đạt chuẩn"]
    trail = read_audit(store)
    rows = trail[trail["action"] == "view"]
    assert len(rows) == 6 and set(rows["user_id"]) == {"qt@bo.vn"}
    assert rows["what"].str.contains("xóa “Toàn quốc 2026”").any()


def test_a_view_is_shared_within_its_area_and_changed_by_its_author(store_copy):
    loc = store_copy.location
    mine = save_view(
        loc, "Phú Thọ 2026", MapView(area="25", level="commune"), "vn-2025", _as(PHU_THO)
    )
    old = save_view(loc, "Hòa Bình cũ", MapView(area="17", level="district", year_from=2020, year_to=2020), "vn-2024", _as(ADMIN))  # fmt: skip
    national = save_view(loc, "Toàn quốc", MapView(), "vn-2025", _as(ADMIN))
    store = open_store(loc)
    # a viewer of Phú Thọ sees Phú Thọ's views (old Hòa Bình went into it), not the country
    assert [v.view_id for v in list_views(store, PHU_THO)] == [mine.view_id, old.view_id]
    assert list_views(store, HA_NOI) == []
    assert len(list_views(store, ADMIN)) == 3 and len(list_views(store, None)) == 3
    with pytest.raises(SavedViewError, match="Không có khung nhìn"):
        find_view(store, national.view_id, HA_NOI)  # not even by its id
    # only the author or an administrator changes a view
    other = Access("nhap@ca.phutho.vn", "Nhập", "staff", ("25",))
    with pytest.raises(
        SavedViewError, match="do Nguyễn Văn Xem lưu: chỉ người lưu hoặc quản trị viên"
    ):
        rename_view(loc, mine, "Của tôi", other)
    rename_view(loc, mine, "Phú Thọ — 2026", PHU_THO)
    delete_view(loc, old, ADMIN)
    assert [v.name for v in list_views(open_store(loc), PHU_THO)] == ["Phú Thọ — 2026"]


def test_a_name_is_checked_before_anything_is_stored(store_copy):
    loc = store_copy.location
    actor = _as(ADMIN)
    with pytest.raises(SavedViewError, match="Chưa có tên khung nhìn"):
        save_view(loc, "   ", MapView(), "vn-2025", actor)
    with pytest.raises(SavedViewError, match="tối đa 120"):
        save_view(loc, "x" * 121, MapView(), "vn-2025", actor)
    # names are text: kept as typed, whatever characters they hold
    odd = '=HYPERLINK("http://x") <b>đậm</b> [a](b)'
    saved = save_view(loc, odd, MapView(), "vn-2025", actor)
    assert find_view(open_store(loc), saved.view_id).name == odd
