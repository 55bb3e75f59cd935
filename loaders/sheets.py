"""Read the tables staff keep: Excel workbooks and CSV exports, as they really are.

Excel: any sheet, header anywhere in the first rows (title rows and merged cells above
it), merged cells in the data filled from their top-left cell (a province name merged
down a column belongs to every row it spans). CSV: UTF-8 with or without BOM, UTF-16
and Windows-1258 from older office software, comma, semicolon or tab separated.
Every row keeps its sheet name and the row number the user sees in Excel.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from loaders.errors import LoaderError

HEADER_SCAN_ROWS = 30


@dataclass(frozen=True)
class Sheet:
    """One table: `header` cells (as written), then data rows as (row number, cells);
    `title` holds the text of the rows above the header ("CÔNG AN TỈNH …"), one per row."""

    name: str
    header_row: int
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[object, ...]], ...]
    title: tuple[tuple[int, str], ...] = ()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def _title(rows: list[tuple[int, tuple]], header_at: int) -> tuple[tuple[int, str], ...]:
    """(row number, text) of the non-blank rows above the header; a merged title repeats
    its text in every cell it spans, so each distinct text is kept once."""
    out = []
    for n, cells in rows[:header_at]:
        texts = list(dict.fromkeys(t for t in (_text(c) for c in cells) if t))
        if texts:
            out.append((n, " ".join(texts)))
    return tuple(out)


def _pick_header(rows: list[tuple[int, tuple]], score: Callable[[tuple[str, ...]], int]):
    """The row among the first ones whose cells name the most known columns."""
    best, best_score = None, 0
    for i, (_, cells) in enumerate(rows[:HEADER_SCAN_ROWS]):
        s = score(tuple(_text(c) for c in cells))
        if s > best_score:
            best, best_score = i, s
    return best


def read_xlsx(data: bytes, score: Callable[[tuple[str, ...]], int]) -> list[Sheet]:
    """Every sheet of a workbook that has a recognisable header row."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as err:  # zip, xml or openpyxl errors: all mean "not a readable xlsx"
        raise LoaderError(
            f"Không đọc được tệp Excel ({type(err).__name__}): tệp hỏng hoặc không phải .xlsx. "
            "Mở bằng Excel và lưu lại dưới dạng .xlsx."
        ) from err
    sheets = []
    for ws in wb.worksheets:
        fill = {}
        for rng in ws.merged_cells.ranges:
            top_left = ws.cell(rng.min_row, rng.min_col).value
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    fill[(r, c)] = top_left
        rows, blank = [], set()
        for r_idx, row in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = tuple(fill.get((r_idx, c_idx), v) for c_idx, v in enumerate(row, start=1))
            rows.append((r_idx, cells))
            if not any(_text(v) for v in row):  # blank as typed, even inside a merged block
                blank.add(r_idx)
        h = _pick_header(rows, score)
        if h is None:
            continue
        header_row, header = rows[h]
        data_rows = tuple((n, cells) for n, cells in rows[h + 1 :] if n not in blank)
        sheets.append(
            Sheet(
                ws.title,
                header_row,
                tuple(_text(c) for c in header),
                data_rows,
                _title(rows, h),
            )
        )
    return sheets


def decode_csv(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of CSV bytes: BOMs first, then UTF-16 without BOM, UTF-8,
    and Windows-1258 (whose tone marks are combining characters: composed to NFC)."""
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(enc), enc
    sample = data[:2000]
    if sample and sample.count(b"\x00") > len(sample) // 4:
        enc = "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be"
        return data.decode(enc), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return unicodedata.normalize("NFC", data.decode("cp1258")), "windows-1258"
    except UnicodeDecodeError as err:
        raise LoaderError(
            "Không nhận ra bảng mã của tệp CSV (đã thử UTF-8, UTF-16, Windows-1258): "
            "lưu lại tệp dạng “CSV UTF-8”."
        ) from err


def read_csv(data: bytes, name: str, score: Callable[[tuple[str, ...]], int]) -> list[Sheet]:
    text, _enc = decode_csv(data)
    try:
        dialect = csv.Sniffer().sniff(text[:5000], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [(i, tuple(r)) for i, r in enumerate(csv.reader(io.StringIO(text), dialect), start=1)]
    h = _pick_header(rows, score)
    if h is None:
        return []
    header_row, header = rows[h]
    data_rows = tuple((n, cells) for n, cells in rows[h + 1 :] if any(_text(c) for c in cells))
    return [
        Sheet(
            Path(name).stem,
            header_row,
            tuple(_text(c) for c in header),
            data_rows,
            _title(rows, h),
        )
    ]


def read_sheets(
    data: bytes, file_name: str, score: Callable[[tuple[str, ...]], int]
) -> list[Sheet]:
    """The tables of an uploaded or local file, by its extension."""
    ext = Path(file_name).suffix.lower()
    if ext in (".xlsx", ".xlsm"):
        return read_xlsx(data, score)
    if ext in (".csv", ".txt"):
        return read_csv(data, file_name, score)
    if ext == ".xls":
        raise LoaderError(
            f"Tệp '{file_name}' là Excel 97–2003 (.xls): mở bằng Excel và lưu lại dạng .xlsx."
        )
    raise LoaderError(f"Không đọc được '{file_name}': chỉ nhận tệp .xlsx hoặc .csv.")
