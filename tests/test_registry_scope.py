"""Registries as provincial offices keep them: the province named once, district columns
written many ways, totals rows, and names that need a person's decision."""

from __future__ import annotations

import io

import openpyxl
import pytest

from dashboard.cli import main
from geodata.aliases import read_aliases
from geodata.store import open_store
from loaders.errors import LoaderError
from loaders.registry import check_registry
from tests.registry_files import provincial_workbook


def test_a_title_only_provincial_registry_is_matched_inside_its_province(store_copy):
    check = check_registry(store_copy, provincial_workbook(), "hb.xlsx", "models")
    # the cell that names the province is quoted, not the motto beside it
    assert any("dòng tiêu đề 1 (“CÔNG AN TỈNH HÒA BÌNH”): Tỉnh Hòa Bình" in n for n in check.notes)
    assert any("Bỏ qua 1 dòng tổng cộng" in n for n in check.notes)
    got = dict(zip(check.accepted["name"], check.accepted["commune_code"], strict=True))
    assert got == {
        "Tổ liên gia tự quản": "04849",  # Tân Pheo, Đà Bắc
        "Tiếng kẻng vây bắt tội phạm": "04957",  # Cao Sơn, Lương Sơn
        "Nhà trọ tự quản": "04876",  # Cao Sơn, Đà Bắc
    }
    rej = check.rejected
    assert rej["Dòng"].tolist() == [10]
    assert rej["Cột"].iloc[0] == "Xã/Phường/Thị trấn"
    assert "Không tìm thấy xã/phường 'Xã Tân Pheo'" in rej["Lý do"].iloc[0]
    # the same name elsewhere in the province is offered, not chosen
    assert "Xã Tân Pheo (mã 04849, Huyện Đà Bắc)" in rej["Lý do"].iloc[0]
    (item,) = check.review
    assert item.text == "Xã Tân Pheo" and item.parent_code == "152" and item.level == "commune"
    assert item.parent_name == "Huyện Lương Sơn" and item.count == 1


def test_the_cli_stores_only_the_rows_inside_the_named_district(store_copy, tmp_path, capsys):
    f = tmp_path / "hb.xlsx"
    f.write_bytes(provincial_workbook(title=False))
    args = ["import-models", str(f), "--store", store_copy.location]
    assert main(args) == 2
    assert "--province" in capsys.readouterr().err  # no province anywhere: say how to give it
    assert main([*args, "--province", "Hoà Bình", "--district", "H. Đà Bắc"]) == 0
    out = capsys.readouterr().out
    assert "Tỉnh theo lựa chọn khi nhập: Tỉnh Hòa Bình; huyện: Huyện Đà Bắc" in out
    models = open_store(store_copy.location).table("models")
    stored = dict(zip(models["name"], models["commune_code"], strict=True))
    # rows naming Lương Sơn are outside Đà Bắc: rejected, never stored
    assert stored == {"Tổ liên gia tự quản": "04849", "Nhà trọ tự quản": "04876"}


def test_a_row_naming_another_province_than_the_option_is_refused(store_copy):
    header = ["Tên mô hình", "Loại mô hình", "Tỉnh", "Huyện", "Xã", "Năm thành lập"]
    rows = [
        ["A", "Tự quản khu dân cư", "Hòa Bình", "Đà Bắc", "Tân Pheo", 2016],
        ["B", "Tự quản khu dân cư", "Lai Châu", "Mường Tè", "Xã Mường Tè", 2016],
    ]
    check = check_registry(
        store_copy, provincial_workbook(header, rows, title=False), "x.xlsx", "models",
        province="Hòa Bình",
    )  # fmt: skip
    assert check.accepted["name"].tolist() == ["A"]
    assert "không thuộc Tỉnh Hòa Bình" in check.rejected["Lý do"].iloc[0]


@pytest.mark.parametrize(
    ("district_header", "commune_header"),
    [
        ("Huyện/Thành phố", "Xã/Phường/Thị trấn"),
        ("Quận/Huyện", "Xã/Phường"),
        ("Huyen/Thanh pho", "Xa/Phuong/Thi tran"),
        ("Huyện, thị xã, thành phố", "Đơn vị"),
        ("Tên huyện", "Tên xã"),
    ],
)
def test_district_and_commune_headers_as_written(store_copy, district_header, commune_header):
    header = ["Tên mô hình", "Loại mô hình", district_header, commune_header, "Năm thành lập"]
    rows = [["A", "Tự quản khu dân cư", "Lương Sơn", "Xã Tân Pheo", 2016]]
    check = check_registry(store_copy, provincial_workbook(header, rows), "x.xlsx", "models")
    # the district column is read: Tân Pheo is not in Lương Sơn, so nothing is stored
    assert check.accepted.empty and len(check.rejected) == 1


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["Tên mô hình", "Loại mô hình", "Thành phố", "Xã", "Năm thành lập"], r"Không rõ cột 'Thành phố'"),
        (["Tên mô hình", "Loại mô hình", "Huyện", "Quận/Huyện", "Xã", "Năm thành lập"], r"hai cột cùng chỉ huyện.*'Quận/Huyện'"),
        (["Tên mô hình", "Loại mô hình", "Huyện, TP trực thuộc", "Xã", "Năm thành lập"], r"Cột 'Huyện, TP trực thuộc' .*cột C.* có vẻ là cột địa bàn"),
    ],
)  # fmt: skip
def test_a_place_column_that_is_not_understood_is_an_error_naming_it(store_copy, header, message):
    rows = [["A", "Tự quản khu dân cư", "Đà Bắc", "Đà Bắc", "Tân Pheo", 2016][: len(header)]]
    with pytest.raises(LoaderError, match=message):
        check_registry(store_copy, provincial_workbook(header, rows), "x.xlsx", "models")


def test_titles_naming_two_provinces_give_no_scope(store_copy):
    wb = openpyxl.load_workbook(io.BytesIO(provincial_workbook()))
    wb.active["A2"] = "Kính gửi: CÔNG AN TỈNH PHÚ THỌ"
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(LoaderError, match=r"nhiều tỉnh \(Tỉnh Hòa Bình, Tỉnh Phú Thọ\)"):
        check_registry(store_copy, out.getvalue(), "x.xlsx", "models")


def test_a_district_title_bounds_the_communes(store_copy):
    wb = openpyxl.load_workbook(io.BytesIO(provincial_workbook()))
    wb.active["A2"] = "CÔNG AN HUYỆN ĐÀ BẮC"
    out = io.BytesIO()
    wb.save(out)
    check = check_registry(store_copy, out.getvalue(), "x.xlsx", "models")
    assert any("huyện lấy từ dòng tiêu đề 2" in n for n in check.notes)
    assert sorted(check.accepted["commune_code"]) == ["04849", "04876"]


def test_a_confirmed_spelling_is_saved_and_matches_the_next_import(store_copy, tmp_path, capsys):
    header = ["Tên mô hình", "Loại mô hình", "Huyện", "Xã", "Năm thành lập"]
    rows = [["Tổ tự quản", "Tự quản khu dân cư", "Đà Bắc", "Xã Tân Peo", 2016]]
    f = tmp_path / "hb.xlsx"
    f.write_bytes(provincial_workbook(header, rows))
    report = tmp_path / "bao-cao.xlsx"
    args = ["import-models", str(f), "--store", store_copy.location]
    assert main([*args, "--report", str(report)]) == 2  # nothing valid: nothing stored
    review = openpyxl.load_workbook(report)["Cần xác nhận"]
    values = [[c.value for c in row] for row in review.iter_rows()]
    head = values[2]
    row = dict(zip(head, values[3], strict=False))
    assert row["Tên trong tệp"] == "Xã Tân Peo" and row["Mã cấp trên"] == "150"
    assert "04849: Xã Tân Pheo" in row["Gợi ý (mã: tên)"]
    # staff fill in the code they decided on and pass the sheet back
    review.cell(4, head.index("Mã đơn vị") + 1, "04849")
    review.parent.save(report)
    capsys.readouterr()
    assert main([*args, "--aliases", str(report)]) == 0
    assert "Dùng 1 cách viết đã xác nhận" in capsys.readouterr().out
    stored = open_store(store_copy.location)
    assert stored.table("models")["commune_code"].tolist() == ["04849"]
    aliases = read_aliases(stored)
    assert aliases[["level", "parent_code", "alias", "code"]].values.tolist() == [
        ["commune", "150", "Xã Tân Peo", "04849"]
    ]
    # the next file with the same spelling matches without the aliases file
    check = check_registry(stored, provincial_workbook(header, rows), "again.xlsx", "models")
    assert check.accepted["commune_code"].tolist() == ["04849"] and not check.review


def test_the_same_file_again_with_a_decision_stores_the_decided_row(store_copy, tmp_path, capsys):
    header = ["Tên mô hình", "Loại mô hình", "Huyện", "Xã", "Năm thành lập"]
    rows = [
        ["Tổ tự quản", "Tự quản khu dân cư", "Đà Bắc", "Xã Tân Peo", 2016],
        ["Nhà trọ tự quản", "Tự quản khu dân cư", "Đà Bắc", "Xã Cao Sơn", 2018],
    ]
    f = tmp_path / "hb.xlsx"
    f.write_bytes(provincial_workbook(header, rows))
    report = tmp_path / "bao-cao.xlsx"
    args = ["import-models", str(f), "--store", store_copy.location]
    assert main([*args, "--report", str(report)]) == 0  # the row that matched is stored
    stored = open_store(store_copy.location).table("models")
    assert stored["commune_code"].tolist() == ["04876"]
    review = openpyxl.load_workbook(report)["Cần xác nhận"]
    head = [c.value for c in review[3]]
    review.cell(4, head.index("Mã đơn vị") + 1, "04849")
    review.parent.save(report)
    capsys.readouterr()
    # the file's bytes are the same, but with the decision it gives one more row
    assert main([*args, "--aliases", str(report)]) == 0
    out = capsys.readouterr().out
    assert "kho không thay đổi" not in out and "Đã lưu 2 dòng" in out
    stored = open_store(store_copy.location).table("models")
    assert sorted(stored["commune_code"]) == ["04849", "04876"]
    # and a true repeat changes nothing, and says so
    assert main([*args, "--aliases", str(report)]) == 0
    assert "với cùng kết quả: kho không thay đổi" in capsys.readouterr().out
    assert len(open_store(store_copy.location).table("models")) == 2


def test_a_name_matched_by_a_rule_is_noted_once_with_its_rows(store_copy):
    communes = store_copy.units("vn-2024", "commune")
    districts = store_copy.units("vn-2024", "district").set_index("code")["name"]
    hue = communes[communes.province_code == "46"].head(3)
    lines = ["Tên mô hình,Loại mô hình,Tỉnh,Huyện,Xã,Năm thành lập"] + [
        f"Tổ {i},Tự quản khu dân cư,Thừa Thiên Huế,{districts[c.parent_code]},{c['name']},2019"
        for i, (_, c) in enumerate(hue.iterrows())
    ]
    check = check_registry(store_copy, "\n".join(lines).encode(), "hue.csv", "models")
    assert sorted(check.accepted["commune_code"]) == sorted(hue["code"])
    ruled = [n for n in check.notes if n.startswith("Khớp theo quy tắc")]
    assert ruled == [
        "Khớp theo quy tắc: 'Thừa Thiên Huế' → Thành phố Huế: Thừa Thiên Huế là tên trước "
        "01/01/2025 của Thành phố Huế (3 dòng)."
    ], check.notes


def test_an_alias_naming_a_unit_outside_its_parent_is_refused(store_copy, tmp_path, capsys):
    f = tmp_path / "aliases.csv"
    f.write_text(
        "Phiên bản,Cấp,Mã cấp trên,Tên trong tệp,Mã đơn vị\nvn-2024,xã,152,Xã Tân Peo,04849\n",
        encoding="utf-8",
    )
    g = tmp_path / "hb.xlsx"
    g.write_bytes(provincial_workbook())
    before = len(open_store(store_copy.location).table("models"))
    args = ["import-models", str(g), "--store", store_copy.location, "--aliases", str(f)]
    assert main(args) == 2
    after = len(open_store(store_copy.location).table("models"))
    assert before == after
    assert "Xã Tân Pheo (mã 04849) không thuộc đơn vị cấp trên mã '152'" in capsys.readouterr().err


def test_a_formula_looking_name_round_trips_through_the_review_sheet(store_copy, tmp_path):
    f = tmp_path / "hb.csv"  # in a CSV the cell is text (openpyxl would write a formula)
    f.write_text(
        "Tên mô hình,Loại mô hình,Tỉnh,Huyện,Xã,Năm thành lập\n"
        "Tổ tự quản,Tự quản khu dân cư,Hòa Bình,Đà Bắc,=Tân Peo,2016\n",
        encoding="utf-8",
    )
    report = tmp_path / "bao-cao.xlsx"
    args = ["import-models", str(f), "--store", store_copy.location]
    assert main([*args, "--report", str(report)]) == 2
    wb = openpyxl.load_workbook(report)
    sheet = wb["Cần xác nhận"]
    cell = sheet.cell(4, 4)
    assert cell.value == "'=Tân Peo" and cell.data_type != "f"  # shown, never run
    sheet.cell(4, 5, "04849")
    wb.save(report)
    assert main([*args, "--aliases", str(report)]) == 0
    stored = open_store(store_copy.location)
    assert read_aliases(stored)["alias"].tolist() == ["=Tân Peo"]  # as the file wrote it
    assert stored.table("models")["commune_code"].tolist() == ["04849"]


def test_a_row_naming_a_district_is_never_matched_on_the_map_without_districts(store_copy):
    """Phường Vỹ Dạ is in Quận Thuận Hóa, not Huyện A Lưới: the 2025 map (no districts)
    must not take it because the commune name alone is found in the province."""
    communes = store_copy.units("vn-2024", "commune")
    vy_da = communes[communes["name"] == "Phường Vỹ Dạ"]
    assert len(vy_da) == 1 and vy_da["province_code"].iloc[0] == "46"
    csv = (
        "Tên mô hình,Loại mô hình,Tỉnh,Huyện,Xã,Năm thành lập\n"
        "Tổ A,Tự quản khu dân cư,Thừa Thiên Huế,Huyện A Lưới,Phường Vỹ Dạ,2018\n"
        "Tổ B,Tự quản khu dân cư,Thừa Thiên Huế,Huyện Không Có,Phường Vỹ Dạ,2018\n"
    ).encode()
    check = check_registry(store_copy, csv, "hue.csv", "models")
    assert check.accepted.empty
    reasons = check.rejected["Lý do"].tolist()
    assert len(reasons) == 2
    assert "trong Huyện A Lưới (vn-2024)" in reasons[0]
    assert "Gần giống: Phường Vỹ Dạ (mã 19777, Quận Thuận Hóa)" in reasons[0]  # named, not taken


def test_candidates_across_a_province_name_their_district(store_copy):
    csv = (
        "Tên mô hình,Loại mô hình,Tỉnh,Xã,Năm thành lập\n"
        "Tổ A,Tự quản khu dân cư,Hòa Bình,Xã Tân Peo,2018\n"
    ).encode()
    check = check_registry(store_copy, csv, "hb.csv", "models")
    (reason,) = check.rejected["Lý do"].tolist()
    assert "trong Tỉnh Hòa Bình (vn-2024)" in reason
    assert "Xã Tân Pheo (mã 04849, Huyện Đà Bắc)" in reason


def test_a_code_typed_as_a_number_and_a_repeated_decision(store_copy, tmp_path):
    from geodata.aliases import NameAlias, store_aliases
    from loaders.alias_files import read_alias_file

    f = tmp_path / "aliases.csv"
    f.write_text(
        "Phiên bản,Cấp,Mã cấp trên,Tên trong tệp,Mã đơn vị\nvn-2024,xã,150,Xã Tân Peo,4849\n",
        encoding="utf-8",
    )
    (alias,) = read_alias_file(f, store_copy)  # Excel dropped the leading zero
    assert alias.code == "04849"
    store_aliases(store_copy.location, [alias], "a")
    first = read_aliases(store_copy)[["confirmed_by", "confirmed_at"]].values.tolist()
    store_aliases(store_copy.location, [alias], "b")  # the same decision: the first record stays
    assert read_aliases(store_copy)[["confirmed_by", "confirmed_at"]].values.tolist() == first
    store_aliases(
        store_copy.location, [NameAlias("vn-2024", "commune", "150", "Xã Tân Peo", "04876")], "c"
    )
    again = read_aliases(store_copy)
    assert again[["code", "confirmed_by"]].values.tolist() == [["04876", "c"]]
