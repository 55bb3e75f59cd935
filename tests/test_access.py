"""Roles, areas and the audit trail on both stores: what the server allows, what it
refuses, and that each change and its audit row are stored (or not) together."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.cli import main
from geodata import imports as imports_mod
from geodata.access import (
    Access,
    AccessError,
    allowed_codes,
    authorize_view,
    resolve_access,
    save_user,
    split_in_scope,
)
from geodata.audit import Actor, read_audit, set_actor
from geodata.errors import StoreError
from geodata.imports import apply_import
from geodata.store import open_store
from geodata.view import MapView
from loaders.registry import check_registry
from tests.registry_files import GOOD, messy_workbook

PHU_THO = Access("xem@ca.phutho.vn", "Xem", "viewer", ("25",))


def test_a_new_province_covers_the_old_units_that_went_into_it(store):
    new = allowed_codes(store, "vn-2025", ("25",))
    units = store.units("vn-2025").set_index("code")
    assert "25" in new and set(units.loc[sorted(new - {"25"}), "level"]) == {"commune"}
    old = allowed_codes(store, "vn-2024", ("25",))
    # Phú Thọ took Hòa Bình (17) and Vĩnh Phúc (26) whole in 2025, and nothing of Hà Nội
    assert {"17", "26", "25", "150"} <= old and "01" not in old
    one = allowed_codes(store, "vn-2025", (sorted(new - {"25"})[0],))
    assert len(one) == 1  # a commune covers only itself, not its province


def test_the_view_is_brought_inside_the_area_whatever_was_asked(store):
    asked = MapView("model_count", "province", 2026, 2026, (), "")
    got = authorize_view(store, asked, PHU_THO)
    assert got.view.area == "25" and got.view.level == "commune"
    assert got.message == ""  # the first load (no area asked for): their own area, no word
    hanoi = authorize_view(store, MapView("model_count", "commune", 2026, 2026, (), "01"), PHU_THO)
    assert hanoi.view.area == "25" and "mã 01" in hanoi.message
    inside = MapView("model_count", "district", 2020, 2020, (), "17")  # old Hòa Bình
    assert authorize_view(store, inside, PHU_THO) == type(got)(inside, "")
    assert "chỉ được xem Tỉnh Phú Thọ (mã 25); đơn vị mã 01 nằm ngoài" in hanoi.message
    national = Access("qt@bo.vn", "QT", "admin", ())
    assert authorize_view(store, asked, national).view == asked
    assert authorize_view(store, asked, None).view == asked  # single-machine mode


def test_rows_outside_the_area_are_split_off(store):
    rows = pd.DataFrame(
        {"version": ["vn-2024", "vn-2024", "vn-2025"], "commune_code": ["04831", "00001", "00004"]}
    )
    inside, outside = split_in_scope(store, rows, PHU_THO, "commune_code")
    assert inside["commune_code"].tolist() == ["04831"]
    assert outside["commune_code"].tolist() == ["00001", "00004"]


def test_the_users_table_wins_over_the_providers_claims(store_copy):
    claims = {"roles": ["xem"], "areas": ["25"]}
    got = resolve_access(store_copy, "A@X.vn", "A", claims)
    assert (got.role, got.areas, got.source) == ("viewer", ("25",), "claims")
    save_user(store_copy.location, "a@x.vn", "A", "staff", ("01",), "qt")
    got = resolve_access(open_store(store_copy.location), "A@X.vn", "A", claims)
    assert (got.role, got.areas, got.source) == ("staff", ("01",), "users")
    assert resolve_access(store_copy, "b@x.vn", "B", {}) is None  # nothing grants B
    with pytest.raises(AccessError, match="Vai trò 'chief' không có"):
        save_user(store_copy.location, "a@x.vn", "A", "chief", (), "qt")
    (row,) = read_audit(open_store(store_copy.location)).to_dict("records")
    assert row["action"] == "users" and row["what"] == "a@x.vn: nhập liệu, 01"


def test_an_import_and_its_audit_row_are_stored_together_or_not_at_all(store_copy, monkeypatch):
    set_actor(Actor("nhap@ca.vn", "Trần Thị Nhập", "nhập liệu", "10.0.0.7"))
    try:
        check = check_registry(store_copy, messy_workbook(GOOD), "ds.xlsx", "models")
        apply_import(store_copy.location, "models", check.accepted, "ds.xlsx", check.checksum, 0)
        after = open_store(store_copy.location)
        (row,) = read_audit(after).to_dict("records")
        assert (row["user_id"], row["user_name"], row["client"], row["action"], row["count"]) == (
            "nhap@ca.vn", "Trần Thị Nhập", "10.0.0.7", "import", 3)  # fmt: skip
        assert after.table("imports")["imported_by"].iloc[-1] == "Trần Thị Nhập"

        def disk_full(conn, sql, values):
            conn.executemany(sql, values[:1])
            raise StoreError("database or disk is full")

        other = check_registry(store_copy, messy_workbook(GOOD[:1]), "b.xlsx", "models")
        monkeypatch.setattr(imports_mod, "_insert", disk_full)
        with pytest.raises(StoreError):
            apply_import(store_copy.location, "models", other.accepted, "b.xlsx", other.checksum, 0)
        assert len(read_audit(open_store(store_copy.location))) == 1  # no row for the failure
    finally:
        set_actor(None)


def test_audit_and_users_on_the_command_line(store_copy, tmp_path, capsys):
    loc = store_copy.location
    assert (
        main(["users", "--store", loc, "set", "Nhap@CA.vn", "--role", "staff", "--areas", "25,01"])
        == 0
    )
    assert "Đã lưu nhap@ca.vn: nhập liệu, 01 25." in capsys.readouterr().out
    assert (
        main(["users", "--store", loc, "set", "x@ca.vn", "--role", "viewer", "--areas", "99x"]) == 2
    )
    assert "Không có đơn vị nào mang mã 99x" in capsys.readouterr().err
    assert main(["users", "--store", loc, "list"]) == 0
    assert "nhap@ca.vn  nhập liệu  01 25" in capsys.readouterr().out
    assert main(["audit", "--store", loc]) == 0
    assert "đổi người dùng: nhap@ca.vn: nhập liệu, 01 25" in capsys.readouterr().out
    out = tmp_path / "nhat-ky.csv"
    assert main(["audit", "--store", loc, "--csv", str(out)]) == 0
    text = out.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("at;user_id;user_name") and "nhap@ca.vn" in text
    assert main(["users", "--store", loc, "remove", "nhap@ca.vn"]) == 0
    assert len(read_audit(open_store(loc))) == 2  # the removal is recorded too
