"""Registry imports from messy files the tests write themselves, into a copy of the store."""

from __future__ import annotations

import hashlib
import io
import sqlite3
import unicodedata

import openpyxl
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from dashboard.cli import main
from geodata import imports as imports_mod
from geodata.errors import StoreError
from geodata.imports import apply_import
from geodata.query import query_view
from geodata.store import open_store
from geodata.view import MapView
from loaders.errors import LoaderError
from loaders.registry import check_registry
from loaders.registry_files import report_xlsx, template_bytes
from tests.helpers import dump, mark
from tests.registry_files import BAD, GOOD, messy_workbook


def _dump(path) -> dict:
    with sqlite3.connect(path) as c:
        return {
            t: c.execute(f'SELECT * FROM "{t}" ORDER BY fid').fetchall()
            for t in ("models", "commune_status", "imports")
        }


def test_messy_workbook_accepts_the_right_rows_and_reports_the_rest(store_copy):
    check = check_registry(store_copy, messy_workbook(GOOD + BAD), "ds.xlsx", "models")
    assert check.sheets == ("Danh sách 2020",)
    assert len(check.accepted) == 3
    acc = check.accepted.set_index("name")
    assert acc.loc["Tổ an ninh nhân dân", "commune_code"] == "04831"  # Thị trấn Đà Bắc
    assert acc.loc["Camera an ninh", "model_type"] == "Camera và truyền thông ANTT"
    assert (
        acc.loc["Tổ hòa giải", "start_year"] == 2019 and acc.loc["Tổ hòa giải", "model_units"] == 1
    )
    assert set(acc["version"]) == {"vn-2024"} and set(acc["is_demo"]) == {0}
    rep = check.rejected
    assert check.n_rejected_rows == 4
    # row numbers as the user sees them in Excel: header on row 4, a blank row after two
    by_row = {r: g for r, g in rep.groupby("Dòng")}
    assert set(by_row) == {9, 10, 11, 12}
    assert by_row[9]["Cột"].tolist() == ["Xã/Phường"] and "Không Có" in by_row[9]["Lý do"].iloc[0]
    assert by_row[10]["Lý do"].tolist() == ["Thiếu tên mô hình"]
    assert "Trùng với dòng 5" in by_row[11]["Lý do"].iloc[0]
    assert by_row[12]["Cột"].tolist() == ["Số đơn vị mô hình"]
    assert set(rep["Trang tính"]) == {"Danh sách 2020"}


def test_import_stores_valid_rows_once_and_records_it(store_copy, tmp_path, capsys):
    f = tmp_path / "ds.xlsx"
    data = messy_workbook(GOOD + BAD)
    f.write_bytes(data)
    assert main(["import-models", str(f), "--store", store_copy.location]) == 0
    out = capsys.readouterr().out
    assert "3 dòng hợp lệ, 4 dòng bị loại" in out and "Đã xóa" in out
    models = open_store(store_copy.location).table("models")
    assert len(models) == 3 and (models["is_demo"] == 0).all()
    imports = open_store(store_copy.location).table("imports")
    imports = imports[imports["kind"] == "models"]
    assert imports[["file_name", "rows_accepted", "rows_rejected"]].values.tolist() == [
        ["ds.xlsx", 3, 4]
    ]
    # the file's sha256, then a hash of the rows it gave (same file, other rows: not a repeat)
    assert imports["checksum"].iloc[0].startswith(hashlib.sha256(data).hexdigest() + "/")
    before = dump(store_copy)
    assert main(["import-models", str(f), "--store", store_copy.location]) == 0
    assert "kho không thay đổi" in capsys.readouterr().out
    assert dump(store_copy) == before
    # the page's numbers follow: Đà Bắc now has exactly the imported model
    result = query_view(
        open_store(store_copy.location), MapView("model_count", "district", 2020, 2020, (), "17")
    )
    counts = result.rows.set_index("code")["model_count"]
    assert counts["150"] == 1 and counts["156"] == 1 and counts.sum() == 3


def test_same_rows_in_another_file_are_not_duplicated(store_copy, tmp_path):
    check = check_registry(store_copy, messy_workbook(GOOD), "a.xlsx", "models")
    apply_import(store_copy.location, "models", check.accepted, "a.xlsx", check.checksum, 0)
    again = check_registry(store_copy, messy_workbook(GOOD), "b.xlsx", "models")
    assert sorted(again.accepted["model_id"]) == sorted(check.accepted["model_id"])  # stable ids
    other = check_registry(store_copy, messy_workbook(list(reversed(GOOD))), "c.xlsx", "models")
    apply_import(store_copy.location, "models", other.accepted, "c.xlsx", other.checksum, 0)
    assert len(open_store(store_copy.location).table("models")) == 3


def test_strict_stores_nothing_when_a_row_is_rejected(store_copy, tmp_path, capsys):
    f = tmp_path / "ds.xlsx"
    f.write_bytes(messy_workbook(GOOD + BAD[:1]))
    before = dump(store_copy)
    assert main(["import-models", str(f), "--store", store_copy.location, "--strict"]) == 2
    assert "--strict" in capsys.readouterr().err
    assert dump(store_copy) == before


def test_a_crash_midway_leaves_the_store_exactly_as_it_was(store_copy, monkeypatch):
    check = check_registry(store_copy, messy_workbook(GOOD), "ds.xlsx", "models")
    before = mark(store_copy)

    def disk_full(conn, sql, values):
        conn.executemany(sql, values[:1])  # some rows are written, then the disk fills up
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(imports_mod, "_insert", disk_full)
    with pytest.raises(StoreError, match=r"đĩa đầy.*giữ nguyên"):
        apply_import(store_copy.location, "models", check.accepted, "ds.xlsx", check.checksum, 0)
    assert mark(store_copy) == before


def test_unreadable_file_changes_nothing(store_copy, tmp_path, capsys):
    before = dump(store_copy)
    bad = tmp_path / "hong.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    assert main(["import-models", str(bad), "--store", store_copy.location]) == 2
    assert "Không đọc được tệp Excel" in capsys.readouterr().err
    other = tmp_path / "khac.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Họ tên", "Địa chỉ"])
    wb.save(other)
    with pytest.raises(LoaderError, match="Không tìm thấy bảng mô hình"):
        check_registry(store_copy, other.read_bytes(), other.name, "models")
    assert dump(store_copy) == before


def _cp1258(text: str) -> bytes:
    """How Windows-1258 stores Vietnamese: base letters precomposed, tone marks combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        d = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in d if c not in tones))
        out.append(base + "".join(c for c in d if c in tones))
    return "".join(out).encode("cp1258")


STATUS_CSV = (
    "Năm;Tỉnh;Huyện;Xã/Phường;Đạt chuẩn ANTT;Trọng điểm;Đã chuyển hóa\n"
    "2020;Hòa Bình;Đà Bắc;Thị trấn Đà Bắc;x;;\n"
    "2020;ÐÀ NẴNG;Hoà Vang;Xã Hoà Bắc;Đạt;Có;Có\n"  # look-alike Ð, old tone placement
    "2020;Hòa Bình;Đà Bắc;Xã Tân Pheo;Chưa đạt;x;\n"
    "2020;Hòa Bình;Đà Bắc;Xã Giáp Đắt;có lẽ;;\n"  # not a yes/no answer
    "2026;Hà Nội;;P. Ba Đình;1;0;0\n"  # after the reform: new commune names
)


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "utf-16", "windows-1258"],
)
def test_status_csv_in_every_encoding(store_copy, encoding):
    if encoding == "windows-1258":  # that code page has no U+00D0; old software wrote Đ
        data = _cp1258(STATUS_CSV.replace("Ð", "Đ"))
    else:
        data = STATUS_CSV.encode(encoding)
    check = check_registry(store_copy, data, "trang-thai.csv", "status")
    acc = check.accepted.sort_values(["year", "code"]).reset_index(drop=True)
    assert len(acc) == 4, check.rejected
    assert acc[["version", "year", "certified", "hotspot", "transitioned"]].values.tolist() == [
        ["vn-2024", 2020, 1, 0, 0],
        ["vn-2024", 2020, 0, 1, 0],
        ["vn-2024", 2020, 1, 1, 1],
        ["vn-2025", 2026, 1, 0, 0],
    ]
    (bad,) = check.rejected.itertuples(index=False)
    assert (bad[1], bad[2], bad[3]) == (5, "Đạt chuẩn ANTT", "có lẽ")


def test_points_outside_their_commune_are_reported_not_moved(store_copy, tmp_path):
    shapes = store_copy.unit_shapes("vn-2024", "commune").set_index("code")
    inside = shapely.point_on_surface(shapes.geometry["04831"])  # Thị trấn Đà Bắc
    elsewhere = shapely.point_on_surface(shapes.geometry["04834"])
    rows = [
        [
            "Tổ A",
            "Tự quản khu dân cư",
            "Hòa Bình",
            "Đà Bắc",
            "Thị trấn Đà Bắc",
            2015,
            inside.x,
            inside.y,
        ],
        [
            "Tổ B",
            "Tự quản khu dân cư",
            "Hòa Bình",
            "Đà Bắc",
            "Thị trấn Đà Bắc",
            2015,
            elsewhere.x,
            elsewhere.y,
        ],
        [
            "Tổ C",
            "Tự quản khu dân cư",
            "Hòa Bình",
            "Đà Bắc",
            "Thị trấn Đà Bắc",
            2015,
            elsewhere.y,
            elsewhere.x,
        ],
        ["Tổ D", "Tự quản khu dân cư", "Hòa Bình", "Đà Bắc", "Thị trấn Đà Bắc", 2015, None, None],
    ]
    df = pd.DataFrame(
        rows,
        columns=[
            "Tên mô hình",
            "Loại mô hình",
            "Tỉnh",
            "Huyện",
            "Xã/Phường",
            "Năm thành lập",
            "Kinh độ",
            "Vĩ độ",
        ],
    )
    check = check_registry(store_copy, df.to_csv(index=False).encode(), "toa-do.csv", "models")
    assert sorted(check.accepted["name"]) == ["Tổ A", "Tổ D"]
    assert check.accepted.set_index("name")["lon"].isna().tolist() == [False, True]
    reasons = check.rejected.set_index("Dòng")["Lý do"]
    assert shapes.loc["04834", "name"] in reasons[3] and "không tự chuyển" in reasons[3]
    assert "ngoài Việt Nam" in reasons[4]


def test_vn2000_coordinates_need_their_crs(store_copy):
    shapes = store_copy.unit_shapes("vn-2024", "commune").set_index("code")
    p = shapely.point_on_surface(shapes.geometry["04831"])
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:3405", always_xy=True).transform(p.x, p.y)
    df = pd.DataFrame([["Tổ A", "Tự quản khu dân cư", "Hòa Bình", "Đà Bắc", "Thị trấn Đà Bắc", 2015, x, y]],
                      columns=["Tên mô hình", "Loại mô hình", "Tỉnh", "Huyện", "Xã/Phường", "Năm thành lập", "X", "Y"])  # fmt: skip
    data = df.to_csv(index=False).encode()
    without = check_registry(store_copy, data, "xy.csv", "models")
    assert without.accepted.empty and "--crs" in without.rejected["Lý do"].iloc[0]
    with_crs = check_registry(store_copy, data, "xy.csv", "models", crs="EPSG:3405")
    (lon, lat) = with_crs.accepted[["lon", "lat"]].iloc[0]
    assert lon == pytest.approx(p.x, abs=1e-5) and lat == pytest.approx(p.y, abs=1e-5)


def test_template_round_trip_and_report_workbook(store_copy, tmp_path):
    assert main(["template", "--out", str(tmp_path / "mau.xlsx")]) == 0
    wb = openpyxl.load_workbook(tmp_path / "mau.xlsx")
    assert wb.sheetnames == ["Hướng dẫn", "Mô hình", "Trạng thái xã"]
    assert [c.value for c in wb["Mô hình"][1]][:3] == ["Tên mô hình", "Loại mô hình", "Tỉnh"]
    ws = wb["Mô hình"]
    ws.append(["Tổ A", "Tự quản khu dân cư", "Hòa Bình", "Đà Bắc", "Thị trấn Đà Bắc", 2015])
    ws.append(["Tổ B", "Tự quản khu dân cư", "Hòa Bình", "Đà Bắc", "Xã Không Có", 2015])
    buf = io.BytesIO()
    wb.save(buf)
    check = check_registry(store_copy, buf.getvalue(), "mau.xlsx", "models")
    assert check.sheets == ("Mô hình",) and len(check.accepted) == 1
    report = openpyxl.load_workbook(io.BytesIO(report_xlsx(check)))["Dòng bị loại"]
    rows = list(report.iter_rows(min_row=3, values_only=True))
    assert rows[0] == ("Trang tính", "Dòng", "Cột", "Giá trị", "Lý do")
    assert rows[1][:4] == ("Mô hình", 3, "Xã/Phường", "Xã Không Có")
    assert template_bytes()[:2] == b"PK"
