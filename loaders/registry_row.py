"""One data row of a registry, read cell by cell without raising.

Typed accessors (text, integer, yes/no, decimal) record each problem with the
column header as written and the value, so a row reports everything wrong with it
at once; the sheet's scope supplies province and district names the row leaves out.
"""

from __future__ import annotations

import re

from geodata.names import fold
from loaders.places import PlaceMatch
from loaders.registry_columns import NO, YES
from loaders.registry_scope import Scope
from loaders.sheets import Sheet


class Row:
    """One data row: typed accessors that record problems instead of raising."""

    def __init__(self, sheet: Sheet, number: int, cells: tuple, cols: dict[str, int], scope: Scope):
        self.sheet, self.number, self.cells, self.cols = sheet, number, cells, cols
        self.scope = scope
        self.problems: list[tuple[str, str, str]] = []  # (column header, value, reason)
        self.failed_place: PlaceMatch | None = None
        self.match_notes: tuple[str, ...] = ()  # how its place was matched, when not as written

    def place(self, key: str) -> str:
        """A place name of the row, else the one the whole sheet was given."""
        return self.text(key) or getattr(self.scope, key, "")

    def raw(self, key: str) -> object:
        i = self.cols.get(key)
        return None if i is None or i >= len(self.cells) else self.cells[i]

    def text(self, key: str) -> str:
        v = self.raw(key)
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return " ".join(str(v).split())  # one spacing (faster than a regex per cell)

    def header(self, key: str) -> str:
        i = self.cols.get(key)
        return self.sheet.header[i] if i is not None else key

    def fail(self, key: str, reason: str, value: str | None = None) -> None:
        self.problems.append((self.header(key), self.text(key) if value is None else value, reason))

    def integer(self, key: str, lo: int, hi: int, what: str, default=None):
        t = self.text(key)
        if not t:
            return default
        if re.fullmatch(r"\d{1,3}([. ]\d{3})+", t):  # "4.778": thousands, the Vietnamese way
            t = re.sub(r"[. ]", "", t)
        year = re.fullmatch(r"(?:năm|nam)\s*(\d{4})\.?", t, re.IGNORECASE)
        if year and what.startswith("Năm"):  # "năm 2019"
            t = year.group(1)
        try:
            n = float(t.replace(",", "."))
        except ValueError:
            self.fail(key, f"{what} phải là số nguyên")
            return None
        if not n.is_integer() or not lo <= n <= hi:
            self.fail(key, f"{what} phải là số nguyên từ {lo} đến {hi}")
            return None
        return int(n)

    def yes_no(self, key: str) -> bool | None:
        t = fold(self.text(key)).strip(" .")
        if t in YES:
            return True
        if t in NO:
            return False
        self.fail(
            key,
            "không hiểu câu trả lời: ghi x / Có / Đạt / 1 cho “có”, để trống / Không / Chưa đạt / 0 cho “không”",
        )
        return None

    def decimal(self, key: str, what: str) -> float | None:
        t = self.text(key).replace(",", ".")
        if not t:
            return None
        try:
            return float(t)
        except ValueError:
            self.fail(key, f"{what} phải là số thập phân, ví dụ 105.338")
            return None
