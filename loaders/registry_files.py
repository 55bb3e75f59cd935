"""Workbooks for data staff: the import template and the rejected-row report.

Every cell goes through `loaders.sheets.safe_cell`: a value copied from an uploaded file
(`=HYPERLINK(…)`) is shown as text in the report, never run as a formula."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from loaders.boundaries import BoundaryCheck
from loaders.registry import COLUMNS, KINDS, RegistryCheck
from loaders.sheets import safe_cell, safe_frame

SHEET_NAMES = {"models": "Mô hình", "status": "Trạng thái xã"}
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")


def template_bytes() -> bytes:
    """A workbook with one sheet per registry (headers only) and an instructions sheet."""
    wb = Workbook()
    guide = wb.active
    guide.title = "Hướng dẫn"
    lines = [
        ("Mẫu nhập dữ liệu: mô hình tự quản về ANTT và trạng thái xã", True),
        ("", False),
        ("Điền mỗi mô hình (hoặc mỗi xã trong một năm) trên một dòng, dưới dòng tiêu đề.", False),
        ("Có thể thêm dòng tiêu đề, dòng tên bảng hay gộp ô phía trên; không đổi tên cột.", False),
        (
            "Cột tô màu cam là bắt buộc. Câu trả lời có/không: x, Có, Đạt, 1 / để trống, Không, Chưa đạt, 0.",
            False,
        ),
        (
            "Tên địa bàn ghi như thường dùng (Xã Tân Lạc, TT. Mai Châu, P. 1); trước 01/07/2025 ghi cả huyện.",
            False,
        ),
        (
            "Nhập tệp: trang “Nhập dữ liệu” của bảng điều khiển, hoặc antt-map import-models / import-status TỆP.",
            False,
        ),
        ("", False),
    ]
    for kind, cols in COLUMNS.items():
        lines.append((f"Trang “{SHEET_NAMES[kind]}” ({KINDS[kind]})", True))
        for c in cols:
            lines.append((f"  {c.header}{' (bắt buộc)' if c.required else ''}: {c.note}", False))
        lines.append(("", False))
    for i, (text, bold) in enumerate(lines, start=1):
        cell = guide.cell(i, 1, safe_cell(text))
        cell.font = Font(bold=bold, size=13 if i == 1 else 11)
    guide.column_dimensions["A"].width = 120
    for kind, cols in COLUMNS.items():
        ws = wb.create_sheet(SHEET_NAMES[kind])
        for j, c in enumerate(cols, start=1):
            cell = ws.cell(1, j, safe_cell(c.header))
            cell.font = Font(bold=True)
            cell.fill = REQUIRED_FILL if c.required else HEAD_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            ws.column_dimensions[get_column_letter(j)].width = max(12, len(c.header) + 4)
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def report_workbook(
    report: pd.DataFrame, sheet: str, title: str, empty: str, widths: tuple[int, ...]
) -> bytes:
    """A validation report as a workbook to fix from: a title line, then the table."""
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as xw:
        df = report
        if not len(df):
            df = pd.DataFrame([[""] * (len(report.columns) - 1) + [empty]], columns=report.columns)
        safe_frame(df).to_excel(xw, sheet_name=sheet, index=False, startrow=2)
        ws = xw.sheets[sheet]
        ws.cell(1, 1, safe_cell(title)).font = Font(bold=True, size=13)
        for j, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = width
        for cell in ws[3]:
            cell.font = Font(bold=True)
            cell.fill = HEAD_FILL
    return out.getvalue()


def report_xlsx(check: RegistryCheck) -> bytes:
    """The rejected rows (sheet, row, column, value, reason) of a registry file, and the
    names that need a decision (sheet “Cần xác nhận”, the form of an --aliases file)."""
    data = _rejected_xlsx(check)
    if not check.review:
        return data
    from loaders.alias_files import add_review_sheet

    return add_review_sheet(data, check.review)


def _rejected_xlsx(check: RegistryCheck) -> bytes:
    return report_workbook(
        check.rejected,
        "Dòng bị loại",
        f"Kiểm tra tệp {check.file_name}: {len(check.accepted)} dòng hợp lệ, "
        f"{check.n_rejected_rows} dòng bị loại",
        "Không có dòng nào bị loại.",
        (18, 8, 22, 30, 100),
    )


def boundary_report_xlsx(check: BoundaryCheck, file_name: str) -> bytes:
    """What a boundary file check found (unmatched names, repairs, gaps, overlaps, nesting),
    and the names to decide (sheet “Cần xác nhận”, the form of an --aliases file)."""
    data = _boundary_xlsx(check, file_name)
    if not check.decisions():
        return data
    from loaders.alias_files import add_review_sheet

    return add_review_sheet(data, check.decisions())


def _boundary_xlsx(check: BoundaryCheck, file_name: str) -> bytes:
    return report_workbook(
        check.report,
        "Kiểm tra ranh giới",
        f"Kiểm tra ranh giới {file_name}: {len(check.units)} đơn vị nhận ra, "
        f"{check.skipped} đối tượng không dùng được",
        "Không có vấn đề nào.",
        (40, 30, 90, 28),
    )
