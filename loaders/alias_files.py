"""Confirmed spellings on the command line: the review table out, an aliases file in.

An import's report lists the names that need a decision in a sheet "Cần xác nhận"
whose columns are those of an aliases file; staff fill in "Mã đơn vị" for the ones
they can decide and pass the file back with `--aliases`. Every row is checked against
the reference (the code must be a unit of that level and version, inside the parent
given) before it is used: an alias is a decision, so a wrong one is refused, not kept.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geodata.aliases import NameAlias
from geodata.names import fold
from geodata.schema import LEVEL_LABELS_VI
from loaders.errors import LoaderError
from loaders.places import ReviewItem
from loaders.sheets import read_sheets, safe_frame, unsafe_cell

COLUMNS = {
    "version": "Phiên bản",
    "level": "Cấp",
    "parent_code": "Mã cấp trên",
    "alias": "Tên trong tệp",
    "code": "Mã đơn vị",
}
HINT = "Gợi ý (mã: tên)"
LEVEL_WORDS = {
    "province": ("province", "tinh", "tinh/thanh pho", LEVEL_LABELS_VI["province"]),
    "district": ("district", "huyen", "huyen/quan", LEVEL_LABELS_VI["district"]),
    "commune": ("commune", "xa", "xa/phuong", LEVEL_LABELS_VI["commune"]),
}


def review_table(review: tuple[ReviewItem, ...]) -> pd.DataFrame:
    """The names needing a decision, in the columns of an aliases file (code left empty)."""
    rows = [
        {
            COLUMNS["version"]: r.version,
            COLUMNS["level"]: LEVEL_LABELS_VI[r.level],
            COLUMNS["parent_code"]: r.parent_code,
            COLUMNS["alias"]: r.text,
            COLUMNS["code"]: "",
            HINT: "; ".join(f"{c}: {n}" for c, n in r.options),
            "Số dòng": r.count,
            "Lý do": r.reason,
        }
        for r in review
    ]
    return pd.DataFrame(rows, columns=[*COLUMNS.values(), HINT, "Số dòng", "Lý do"])


def add_review_sheet(workbook: bytes, review: tuple[ReviewItem, ...]) -> bytes:
    """The report workbook with a sheet “Cần xác nhận” to fill in and pass to --aliases."""
    import io

    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.load_workbook(io.BytesIO(workbook))
    ws = wb.create_sheet("Cần xác nhận")
    ws.cell(1, 1, "Tên cần xác nhận: điền Mã đơn vị (chọn trong Gợi ý) rồi nhập lại với --aliases "
            "TỆP NÀY; dòng để trống Mã đơn vị được bỏ qua.").font = Font(bold=True)  # fmt: skip
    table = safe_frame(review_table(review))  # names from a file: never formulas
    for j, h in enumerate(table.columns, 1):
        ws.cell(3, j, h).font = Font(bold=True)
    code_col = list(table.columns).index(COLUMNS["code"]) + 1
    for i, row in enumerate(table.itertuples(index=False), 4):
        for j, v in enumerate(row, 1):
            ws.cell(i, j, v if v != "" else None)
        ws.cell(i, code_col).number_format = "@"  # a typed 04849 keeps its leading zero
    for letter, width in zip("ABCDEFGH", (10, 16, 12, 30, 12, 60, 9, 80), strict=True):
        ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _level(text: str) -> str | None:
    t = fold(text).strip()
    for level, words in LEVEL_WORDS.items():
        if t in {fold(w) for w in words}:
            return level
    return None


def read_alias_file(path: str | Path, store) -> list[NameAlias]:
    """The filled rows of an aliases file (.xlsx or .csv), each checked against the store.

    Rows whose "Mã đơn vị" is empty are skipped (not decided yet).

    Raises
    ------
    LoaderError
        The file cannot be read, lacks a column, or a row names a unit that does not
        exist (with the row number and what to fix).
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as err:
        raise LoaderError(f"Không đọc được tệp cách viết '{p}': {err.strerror}.") from err
    wanted = {fold(v): k for k, v in COLUMNS.items()}

    def score(cells: tuple[str, ...]) -> int:
        return sum(fold(c) in wanted for c in cells)

    sheets = [s for s in read_sheets(data, p.name, score) if score(s.header) >= 3]
    if not sheets:
        raise LoaderError(
            f"Tệp '{p.name}' không có bảng cách viết: cần các cột "
            f"{', '.join(COLUMNS.values())} (như trang “Cần xác nhận” của báo cáo nhập)."
        )
    sheet = sheets[0]
    cols = {wanted[fold(c)]: i for i, c in enumerate(sheet.header) if fold(c) in wanted}
    missing = [COLUMNS[k] for k in ("level", "alias", "code") if k not in cols]
    if missing:
        raise LoaderError(f"Tệp '{p.name}' (trang '{sheet.name}') thiếu cột {', '.join(missing)}.")
    units = {v: store.units(v) for v in store.table("boundary_versions")["version"]}
    out = []
    for number, cells in sheet.rows:

        def cell(key: str, cells=cells) -> str:
            i = cols.get(key)
            v = cells[i] if i is not None and i < len(cells) else None
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            return "" if v is None else str(unsafe_cell(v)).strip()

        code, alias = cell("code"), cell("alias")
        if not code:
            continue
        where = f"'{p.name}', dòng {number}"
        level = _level(cell("level"))
        if level is None:
            raise LoaderError(f"{where}: cấp '{cell('level')}' không rõ; ghi tỉnh, huyện hoặc xã.")
        if not alias:
            raise LoaderError(f"{where}: thiếu “{COLUMNS['alias']}”.")
        version = cell("version")
        candidates = [v for v in units if not version or v == version]
        if code.isdigit():  # Excel turns a typed 04849 into the number 4849
            known = {
                c for v in candidates for c in units[v].loc[units[v]["level"] == level, "code"]
            }
            padded = [code.zfill(w) for w in (5, 3, 2) if code.zfill(w) in known]
            code = code if code in known or not padded else padded[0]
        hits = [
            (v, u)
            for v in candidates
            for u in [units[v][(units[v]["level"] == level) & (units[v]["code"] == code)]]
            if len(u)
        ]
        if not hits:
            raise LoaderError(
                f"{where}: không có {LEVEL_LABELS_VI[level]} mã '{code}'"
                + (f" trong {version}" if version else "")
                + "; sửa “Mã đơn vị”."
            )
        if len(hits) > 1:
            raise LoaderError(
                f"{where}: mã '{code}' có trong nhiều phiên bản ({', '.join(v for v, _ in hits)}); "
                f"ghi cột “{COLUMNS['version']}”."
            )
        v, unit = hits[0]
        parent = cell("parent_code")
        if parent and parent not in {*unit["parent_code"].astype(str), *unit["province_code"]}:
            raise LoaderError(
                f"{where}: {unit['name'].iloc[0]} (mã {code}) không thuộc đơn vị cấp trên mã "
                f"'{parent}'; sửa “Mã đơn vị” hoặc “{COLUMNS['parent_code']}”."
            )
        out.append(NameAlias(v, level, parent, alias, code))
    return out


def aliases_frame(aliases: list[NameAlias]) -> pd.DataFrame:
    """`name_aliases`-shaped rows for a check that has not stored them yet."""
    return pd.DataFrame(
        [a.__dict__ for a in aliases],
        columns=["version", "level", "parent_code", "alias", "code"],
    )
