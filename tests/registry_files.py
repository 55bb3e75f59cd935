"""Messy registry workbooks the import tests (and the browser test) write themselves."""

from __future__ import annotations

import io

import openpyxl

HEADER = ["STT", "Tên mô hình", "Loại mô hình", "Tỉnh", "Huyện", "Xã/Phường", "Năm thành lập", "Số đơn vị mô hình"]  # fmt: skip
GOOD = [
    [
        1,
        "Tổ an ninh nhân dân",
        "Tự quản khu dân cư",
        "Hòa Bình",
        "H. Đà Bắc",
        "TT. Đà Bắc",
        2015,
        3,
    ],
    [
        2,
        "Camera an ninh",
        "camera và truyền thông antt",
        "",
        "Huyện Mai Châu",
        "TT Mai Châu",
        2018,
        "4",
    ],
    [3, "Tổ hòa giải", "Hòa giải ở cơ sở", "", "Lương Sơn", "Xã Tân Vinh", "năm 2019", ""],
]
BAD = [
    [
        4,
        "Tổ tuần tra",
        "Phòng, chống tội phạm",
        "",
        "Kim Bôi",
        "Xã Không Có",
        2016,
        2,
    ],  # unknown commune
    [5, "", "Phòng, chống tội phạm", "", "Kim Bôi", "Xã Bình Sơn", 2016, 2],  # no name
    [
        6,
        "Tổ an ninh nhân dân",
        "Tự quản khu dân cư",
        "",
        "Đà Bắc",
        "Thị trấn Đà Bắc",
        2015,
        1,
    ],  # duplicate of 1
    [
        7,
        "Nhóm bạn trẻ",
        "Nhà trường, thanh thiếu niên",
        "",
        "Kim Bôi",
        "Xã Bình Sơn",
        2016,
        "nhiều",
    ],
]


def messy_workbook(rows) -> bytes:
    """Title rows and merged cells above the header, a province merged down a column,
    a blank row in the middle, an unrelated sheet first."""
    wb = openpyxl.Workbook()
    wb.active.title = "Ghi chú"
    wb.active["A1"] = "Tệp tổng hợp của Công an tỉnh"
    ws = wb.create_sheet("Danh sách 2020")
    ws["A1"] = "DANH SÁCH MÔ HÌNH TỰ QUẢN VỀ ANTT"
    ws.merge_cells("A1:H1")
    ws["A2"] = "(Kèm theo Báo cáo số 123/BC-CAT)"
    ws.merge_cells("A2:H2")
    for j, h in enumerate(HEADER, 1):
        ws.cell(4, j, h)
    r = 5
    for i, row in enumerate(rows):
        if i == 2:
            r += 1  # a blank row
        for j, v in enumerate(row, 1):
            ws.cell(r, j, v if v != "" else None)
        r += 1
    ws.merge_cells(start_row=5, start_column=4, end_row=r - 1, end_column=4)  # "Hòa Bình"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


PROVINCIAL_HEADER = ["STT", "Tên mô hình", "Loại mô hình", "Huyện/Thành phố", "Xã/Phường/Thị trấn", "Năm thành lập", "Số đơn vị mô hình"]  # fmt: skip
PROVINCIAL_ROWS = [
    [1, "Tổ liên gia tự quản", "Tự quản khu dân cư", "Huyện Đà Bắc", "Xã Tân Pheo", 2016, 3],
    [2, "Tiếng kẻng vây bắt tội phạm", "Phòng, chống tội phạm", "Lương Sơn", "Xã Cao Sơn", 2018, 2],
    [3, "Nhà trọ tự quản", "Tự quản khu dân cư", "Đà Bắc", "Cao Sơn", 2019, 1],
    # Tân Pheo is in Đà Bắc, not in Lương Sơn: never matched to Đà Bắc's
    [4, "Xe ôm tự quản", "Tự quản khu dân cư", "Lương Sơn", "Xã Tân Pheo", 2017, 1],
    ["", "Tổng cộng", "", "", "", "", 7],
]


def provincial_workbook(header=PROVINCIAL_HEADER, rows=PROVINCIAL_ROWS, title=True) -> bytes:
    """A list as a provincial police office keeps it: the province only in the titles."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "DS 2020"
    r = 1
    if title:
        ws["A1"] = "CÔNG AN TỈNH HÒA BÌNH"
        ws.merge_cells("A1:C1")
        ws["E1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        ws["A2"] = "PHÒNG THAM MƯU"
        ws["A4"] = "DANH SÁCH MÔ HÌNH TỰ QUẢN VỀ AN NINH TRẬT TỰ NĂM 2020"
        ws.merge_cells("A4:G4")
        r = 6
    for j, h in enumerate(header, 1):
        ws.cell(r, j, h)
    for row in rows:
        r += 1
        for j, v in enumerate(row, 1):
            ws.cell(r, j, v if v != "" else None)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
