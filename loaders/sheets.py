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
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from loaders.errors import LoaderError

HEADER_SCAN_ROWS = 30
# Python's default (131,072 characters) fails on long notes; 10 MB still bounds memory
CSV_FIELD_LIMIT = 10 * 1024 * 1024
csv.field_size_limit(CSV_FIELD_LIMIT)
# OWASP "CSV injection": Excel and LibreOffice run a cell starting with these as a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A value as a spreadsheet cell that is never run as a formula: text starting with
    `= + - @`, tab or CR gets a leading apostrophe (shown, not evaluated); numbers,
    dates and empty cells are kept as they are (a negative number stays a number)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unsafe_cell(value: object) -> object:
    """The value `safe_cell` was given: a file we wrote and staff filled in (the review
    sheet passed back with --aliases) reads back as it was written in the first place."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def safe_frame(df):
    """A copy of a DataFrame (column names too) with `safe_cell` applied to every
    text cell: the one path for every XLSX or CSV this application writes."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype) in ("string", "str"):
            out[col] = out[col].map(safe_cell)
    out.columns = [safe_cell(c) for c in out.columns]
    return out


def display_name(name: str | bytes | os.PathLike) -> str:
    """A file name fit to show, print and store: bytes that are not UTF-8 (a Linux name
    read with surrogate escapes, or raw bytes) become U+FFFD, control characters `?`."""
    text = os.fsdecode(name) if isinstance(name, bytes | os.PathLike) else name
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a lone surrogate that did not come from a byte
        text = text.encode("utf-8", "replace").decode("utf-8")
    return "".join("?" if unicodedata.category(c) == "Cc" else c for c in text)


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


TITLE_CELLS = " | "  # between the cells of one title row (agency left, motto right)


def _title(rows: list[tuple[int, tuple]], header_at: int) -> tuple[tuple[int, str], ...]:
    """(row number, text) of the non-blank rows above the header; a merged title repeats
    its text in every cell it spans, so each distinct text is kept once."""
    out = []
    for n, cells in rows[:header_at]:
        texts = list(dict.fromkeys(t for t in (_text(c) for c in cells) if t))
        if texts:
            out.append((n, TITLE_CELLS.join(texts)))
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
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        rows = [(i, tuple(r)) for i, r in enumerate(reader, start=1)]
    except csv.Error as err:  # a field over the limit, or a NUL byte in a text file
        raise LoaderError(
            f"Không đọc được tệp CSV '{display_name(name)}': dòng {reader.line_num} có một ô "
            f"dài quá {CSV_FIELD_LIMIT // (1024 * 1024)} triệu ký tự hoặc có ký tự NUL "
            "(thường do một dấu ngoặc kép không đóng, khiến phần còn lại của tệp thành một ô). "
            "Sửa ô đó trong Excel rồi lưu lại dạng “CSV UTF-8”."
        ) from err
    h = _pick_header(rows, score)
    if h is None:
        return []
    header_row, header = rows[h]
    data_rows = tuple((n, cells) for n, cells in rows[h + 1 :] if any(_text(c) for c in cells))
    return [
        Sheet(
            Path(display_name(name)).stem,
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
    file_name = display_name(file_name)
    if ext in (".xlsx", ".xlsm"):
        return read_xlsx(data, score)
    if ext in (".csv", ".txt"):
        return read_csv(data, file_name, score)
    if ext == ".xls":
        raise LoaderError(
            f"Tệp '{file_name}' là Excel 97–2003 (.xls): mở bằng Excel và lưu lại dạng .xlsx."
        )
    raise LoaderError(f"Không đọc được '{file_name}': chỉ nhận tệp .xlsx hoặc .csv.")
