"""The province or district a whole registry belongs to, given once.

A provincial office's list names its province only in the title rows ("CÔNG AN TỈNH
HÒA BÌNH") and a district's list its district ("CÔNG AN HUYỆN ĐÀ BẮC"); the user may
also name them with `--province` / `--district` (or on the import page). Either way
the scope is stated in the report, fills the rows' empty province/district cells,
and bounds the match: a commune outside the scope is never chosen.

Title rows are read against the reference names, not parsed by guesswork: a line
counts only when it holds "tỉnh <name>" / "thành phố <name>" for a real province (or,
after "Công an" / "UBND" or at the start of the line, "huyện/quận/thị xã/thành phố
<name>" for a district of that province). Several provinces in the titles give no
scope, and say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geodata.names import fold, name_key
from loaders.errors import LoaderError
from loaders.places import PlaceIndex
from loaders.sheets import TITLE_CELLS, Sheet

_AGENCY = r"(?:^|cong an|ubnd|uy ban nhan dan|ban chi dao|phong canh sat|doi canh sat)"
_TOTALS = {"tong cong", "cong", "tong", "tong so", "cong toan tinh", "tong cong toan tinh",
           "tong cong toan huyen", "cong toan huyen", "tong hop"}  # fmt: skip


@dataclass(frozen=True)
class Scope:
    """Province and district names every row of a sheet inherits (may be empty)."""

    province: str = ""
    district: str = ""
    source: str = ""  # "option" or "title"
    note: str = ""


def _plain(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9]+", " ", fold(text)).strip() + " "


def _find_unit(indexes: dict[str, PlaceIndex], level: str, text: str, province: str = ""):
    """(full name, None) of the unit `text` names in any version, or (None, message)."""
    last = None
    for idx in indexes.values():
        if level not in idx.levels:
            continue
        m = (
            idx.match(province, text, level="district")
            if level == "district"
            else idx.match(text, "", level="province")
        )
        if m.ok:
            return m.name, None
        last = last or m
    hint = f" Gần giống: {'; '.join(last.candidates)}." if last and last.candidates else ""
    reason = last.reason if last else f"không có cấp {level}"
    return None, reason[0].upper() + reason[1:] + "." + hint


def scope_from_options(indexes: dict[str, PlaceIndex], province: str, district: str) -> Scope:
    """The scope the user named; refused when a name matches no unit (with candidates).

    Raises
    ------
    LoaderError
        The province or district is unknown or ambiguous, or a district lacks its province.
    """
    province, district = (province or "").strip(), (district or "").strip()
    if not province and not district:
        return Scope()
    if district and not province:
        raise LoaderError(
            f"--district '{district}' cần đi cùng --province (tên huyện trùng nhau giữa các tỉnh)."
        )
    full, why = _find_unit(indexes, "province", province)
    if full is None:
        raise LoaderError(f"--province '{province}': {why}")
    note = f"Tỉnh theo lựa chọn khi nhập: {full}"
    dfull = ""
    if district:
        dfull, why = _find_unit(indexes, "district", district, province)
        if dfull is None:
            raise LoaderError(f"--district '{district}': {why}")
        note += f"; huyện: {dfull}"
    return Scope(province, district, "option", note + ".")


def scope_from_title(indexes: dict[str, PlaceIndex], sheet: Sheet) -> Scope:
    """The province (and district) named in the rows above a sheet's header."""
    if not sheet.title:
        return Scope()
    provinces: dict[str, tuple[str, int, str]] = {}  # full name -> (row, line)
    for idx in indexes.values():
        units = idx.units[idx.units["level"] == "province"]
        for name in units["name"]:
            key = _plain(name_key(name)).strip()
            pattern = re.compile(rf" (?:tinh|thanh pho|tp) {re.escape(key)} ")
            for n, line in sheet.title:
                for cell in line.split(TITLE_CELLS):  # quote the cell that says it
                    if pattern.search(_plain(cell)):
                        provinces.setdefault(name, (n, cell))
    if not provinces:
        return Scope()
    if len(provinces) > 1:
        names = ", ".join(sorted(provinces))
        return Scope(
            note=f"Trang '{sheet.name}': dòng tiêu đề nhắc tới nhiều tỉnh ({names}) nên không "
            "dùng; ghi tỉnh vào cột Tỉnh hoặc chọn tỉnh khi nhập (--province)."
        )
    ((province, (n, line)),) = provinces.items()
    note = f"Trang '{sheet.name}': tỉnh lấy từ dòng tiêu đề {n} (“{line}”): {province}"
    district = ""
    for idx in indexes.values():
        if "district" not in idx.levels or district:
            continue
        prov = idx.match(province, "", level="province")
        if not prov.ok:
            continue
        units = idx.units[
            (idx.units["level"] == "district") & (idx.units["province_code"] == prov.code)
        ]
        for name in units["name"]:
            key = _plain(name_key(name)).strip()
            pattern = re.compile(
                rf"{_AGENCY} (?:huyen|quan|thi xa|thanh pho|tp|tx) {re.escape(key)} "
            )
            hit = next(
                (
                    (m, cell)
                    for m, ln in sheet.title
                    for cell in ln.split(TITLE_CELLS)
                    if pattern.search(_plain(cell))
                ),
                None,
            )
            if hit:
                district = name
                note += f"; huyện lấy từ dòng tiêu đề {hit[0]} (“{hit[1]}”): {name}"
                break
    return Scope(province, district, "title", note + ".")


def is_totals_row(cells: tuple) -> bool:
    """A "Tổng cộng" / "Cộng" row: its first written cells say so."""
    texts = [t for t in (str(c).strip() for c in cells if c is not None) if t][:3]
    for t in texts:
        if t[0] not in "TtCc":  # "Tổng …", "Cộng …": skip the folding for other cells
            continue
        f = re.sub(r"[^a-z ]+", " ", fold(t)).strip()
        f = re.sub(r"\s+", " ", f)
        if f in _TOTALS or f.startswith(("tong cong ", "tong so ")):
            return True
    return False
