"""Model registries and commune status lists, validated row by row.

`check_registry` reads a file (see `loaders.sheets`), recognises its Vietnamese column
headers, resolves each row's place to a commune code of the right boundary version,
parses numbers and yes/no answers, and returns the rows ready to store plus a report
of every rejected row: sheet, row number, column, value and the reason in Vietnamese.
It never writes anything; `geodata.imports` stores the result.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from geodata.aliases import read_aliases
from geodata.names import fold, name_key
from geodata.schema import BOUNDARY_VERSIONS, MODELS
from geodata.versions import version_for_period, versions_from_table
from loaders.errors import LoaderError
from loaders.places import (
    PlaceIndex,
    PlaceMatch,
    ReviewItem,
    resolve_place,
    review_items,
    summarize_notes,
)
from loaders.registry_columns import (
    COLUMNS,
    KINDS,
    RECOGNITION,
    check_place_headers,
    recognise,
)
from loaders.registry_points import check_points
from loaders.registry_row import Row
from loaders.registry_scope import Scope, is_totals_row, scope_from_options, scope_from_title
from loaders.sheets import read_sheets

PROGRESS_EVERY = 5000  # rows between two progress reports


@dataclass(frozen=True)
class RegistryCheck:
    """What an import would store and what it rejects (nothing is stored yet)."""

    kind: str
    file_name: str
    checksum: str
    accepted: pd.DataFrame  # rows in the store's columns
    rejected: pd.DataFrame  # Trang tính, Dòng, Cột, Giá trị, Lý do
    preview: pd.DataFrame  # accepted rows with Vietnamese headers and matched names
    sheets: tuple[str, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())  # scope used, rows skipped as totals …
    review: tuple[ReviewItem, ...] = field(default=())  # names that need a decision

    @property
    def n_rejected_rows(self) -> int:
        return (
            int(self.rejected[["Trang tính", "Dòng"]].drop_duplicates().shape[0])
            if len(self.rejected)
            else 0
        )


def _report(problems: list[tuple[str, int, str, str, str]]) -> pd.DataFrame:
    rows = [(*p[:4], p[4][:1].upper() + p[4][1:]) for p in problems]
    return pd.DataFrame(rows, columns=["Trang tính", "Dòng", "Cột", "Giá trị", "Lý do"])


def _version_order(versions, year: int, has_district: bool) -> tuple[str, ...]:
    primary = version_for_period(versions, year).version
    names = [v.version for v in versions]
    rest = [n for n in names if n != primary]
    # a row that names a district was written on a map with districts: matched there
    # only (the 2025 map has none, so its district could not be checked: a commune of
    # the same name elsewhere in the province would be taken without a word)
    with_districts = [v.version for v in versions if "district" in v.levels]
    if has_district and with_districts:
        return tuple(reversed(with_districts))
    return (primary, *rest)


def model_id(version: str, code: str, name: str, start_year: int) -> str:
    """Stable id: the same model in a re-imported file keeps its id (imports are idempotent)."""
    h = hashlib.sha1(f"{version}|{code}|{name_key(name)}|{start_year}".encode()).hexdigest()
    return f"M-{h[:12]}"


def _sheets_and_columns(data: bytes, file_name: str, kind: str, ctx, option: Scope):
    """(sheet, columns, scope) of every sheet holding the table; the province column is
    not required where the sheet's province is given (option or title rows)."""

    def score(cells: tuple[str, ...]) -> int:
        return len(recognise(cells, kind))

    sheets = [s for s in read_sheets(data, file_name, score) if score(s.header) >= 3]
    required = [c for c in COLUMNS[kind] if c.required]
    usable, missing_report = [], []
    for s in sheets:
        check_place_headers(s.header, kind, s.name)
        found = {col.key: i for i, col in recognise(s.header, kind).items()}
        scope = option if option.province else scope_from_title(ctx.indexes, s)
        missing = [
            c.header
            for c in required
            if c.key not in found and not (c.key == "province" and scope.province)
        ]
        if missing:
            why = f"trang '{s.name}' thiếu cột {', '.join(missing)}"
            if "Tỉnh" in missing:
                why += (
                    " (tệp của một tỉnh: chọn tỉnh khi nhập (--province), hoặc ghi "
                    "“CÔNG AN TỈNH …” ở dòng tiêu đề)"
                )
                if scope.note:
                    why += f"; {scope.note}"
            missing_report.append(why)
        else:
            usable.append((s, found, scope))
    if not usable:
        # the province column is one way among three to name the province: listed apart
        want = ", ".join(c.header for c in required if c.key != "province")
        detail = ("; ".join(missing_report) + ". ") if missing_report else ""
        raise LoaderError(
            f"Không tìm thấy bảng {KINDS[kind]} trong '{file_name}': {detail}"
            f"Cần một dòng tiêu đề có các cột {want}, và tỉnh ghi ở cột Tỉnh, ở dòng tiêu "
            "đề hoặc chọn khi nhập (tệp mẫu: nút “Tải tệp Excel mẫu” hoặc lệnh antt-map template)."
        )
    return usable


def check_registry(
    store,
    data: bytes,
    file_name: str,
    kind: str,
    crs: str | None = None,
    province: str = "",
    district: str = "",
    aliases=None,
    progress=None,
) -> RegistryCheck:
    """Validate a registry file against the store's boundaries (nothing is written).

    Parameters
    ----------
    province, district : str
        The unit the whole file belongs to, when its rows do not say (else read from
        its title rows). A commune outside it is never matched.
    aliases : DataFrame, optional
        Extra confirmed spellings (`name_aliases` columns) besides the store's.
    progress : callable, optional
        Called as ``progress(rows_done, rows_total)`` while rows are checked.

    Raises
    ------
    LoaderError
        The file cannot be read, no sheet has the required columns, a place column is
        not understood, or the province/district given is unknown.
    """
    if kind not in COLUMNS:
        raise LoaderError(f"Loại dữ liệu '{kind}' không hợp lệ: chọn models hoặc status.")
    ctx = _context(store, aliases)
    option = scope_from_options(ctx.indexes, province, district)
    usable = _sheets_and_columns(data, file_name, kind, ctx, option)
    check = _check_models if kind == "models" else _check_status
    accepted, problems, seen, failures = [], [], {}, []
    notes = list(dict.fromkeys(sc.note for _, _, sc in usable if sc.note))
    totals: list[str] = []
    matched_by_rule: dict[str, int] = {}
    total = sum(len(sh.rows) for sh, _, _ in usable)
    done = 0
    for sheet, cols, scope in usable:
        for number, cells in sheet.rows:
            done += 1
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, total)
            if is_totals_row(cells):
                totals.append(f"{number}" if len(usable) == 1 else f"{sheet.name}!{number}")
                continue
            row = Row(sheet, number, cells, cols, scope)
            out = check(row, ctx)
            if row.failed_place is not None:
                failures.append(row.failed_place)
            for n in row.match_notes if not row.problems else ():
                matched_by_rule[n] = matched_by_rule.get(n, 0) + 1
            if out is not None and not row.problems:
                key = out.pop("_key")
                if key in seen:
                    s, n = seen[key]
                    row.fail(
                        "commune", f"trùng với dòng {n} (trang '{s}')", value=row.text("commune")
                    )
                else:
                    seen[key] = (sheet.name, number)
                    out["src_sheet"], out["src_row"] = sheet.name, number
                    accepted.append(out)
            problems += [(sheet.name, number, *p) for p in row.problems]
    if progress is not None:
        progress(total, total)
    if totals:
        notes.append(
            f"Bỏ qua {len(totals)} dòng tổng cộng (dòng {', '.join(totals[:10])}"
            + (" …" if len(totals) > 10 else "")
            + ")."
        )
    notes += summarize_notes(matched_by_rule, prefix="Khớp theo quy tắc: ")
    acc = pd.DataFrame(accepted)
    if kind == "models" and len(acc):
        acc = check_points(store, acc, crs, problems)
    return RegistryCheck(
        kind,
        file_name,
        hashlib.sha256(data).hexdigest(),
        acc.drop(columns=["src_sheet", "src_row", "place_name"], errors="ignore").reset_index(
            drop=True
        ),
        _report(problems).sort_values(["Trang tính", "Dòng"], kind="stable").reset_index(drop=True),
        _preview(acc, kind),
        tuple(sh.name for sh, _, _ in usable),
        tuple(notes),
        review_items(failures),
    )


@dataclass(frozen=True)
class _Context:
    """What every row is checked against, read once per file."""

    versions: list
    indexes: dict[str, PlaceIndex]
    this_year: int
    types: dict[str, str]  # folded model type -> its spelling in the store


def _context(store, extra_aliases=None) -> _Context:
    versions = versions_from_table(store.table(BOUNDARY_VERSIONS))
    aliases = read_aliases(store)
    if extra_aliases is not None and len(extra_aliases):
        aliases = pd.concat([aliases, extra_aliases], ignore_index=True)
    indexes = {v.version: PlaceIndex(store.units(v.version), v.version, aliases) for v in versions}
    known = store.table(MODELS, columns=("model_type",))["model_type"].dropna().unique()
    return _Context(versions, indexes, date.today().year, {fold(t): t for t in known})


def _place(row: Row, ctx: _Context, year: int, order: tuple[str, ...] = (), extra: str = ""):
    """The row's commune in the first version of `order` (default: by year and whether
    the row names a district) that has it, inside the sheet's scope; otherwise the row
    fails with candidates."""
    province, district = row.place("province"), row.place("district")
    order = order or _version_order(ctx.versions, year, bool(district))
    m = resolve_place(ctx.indexes, order, province, district, row.text("commune"))
    if not m.ok:
        row.failed_place = m
        hint = f" Gần giống: {'; '.join(m.candidates)}." if m.candidates else ""
        col = m.level or "commune"
        scoped = "" if row.text(col) else row.place(col)  # a name the sheet was given
        value = f"{scoped} (theo {_scope_word(row.scope)})" if scoped else None
        row.fail(col, m.reason[0].upper() + m.reason[1:] + extra + "." + hint, value=value)
        return m
    outside = _outside_scope(row.scope, ctx.indexes[m.version], m)
    if outside:
        row.fail("commune", outside)
        return PlaceMatch(m.version, level="commune", reason=outside)
    row.match_notes = m.notes
    return m


def _scope_word(scope: Scope) -> str:
    return "lựa chọn khi nhập" if scope.source == "option" else "dòng tiêu đề"


def _outside_scope(scope: Scope, index: PlaceIndex, m: PlaceMatch) -> str:
    """Why a matched commune lies outside the sheet's province/district ('' if inside)."""
    if not scope.province:
        return ""
    parents = index.parents(m.code, "commune")
    if parents is None:
        return ""
    parent, prov_code = parents
    prov = index.match(scope.province, "", level="province")
    if prov.ok and prov.code != prov_code:
        return (
            f"{m.name} (mã {m.code}) không thuộc {prov.name} mà tệp được nhập cho "
            f"(theo {_scope_word(scope)}); sửa tên tỉnh của dòng hoặc nhập riêng"
        )
    if scope.district and "district" in index.levels:
        dist = index.match(scope.province, scope.district, level="district")
        if dist.ok and dist.code != parent:
            return (
                f"{m.name} (mã {m.code}) không thuộc {dist.name} mà tệp được nhập cho "
                f"(theo {_scope_word(scope)}); sửa tên huyện của dòng hoặc nhập riêng"
            )
    return ""


def _check_models(row: Row, ctx: _Context) -> dict | None:
    this_year = ctx.this_year
    name, mtype = row.text("name"), row.text("model_type")
    if not name:
        row.fail("name", "thiếu tên mô hình")
    if not mtype:
        row.fail("model_type", "thiếu loại mô hình")
    start = row.integer("start_year", 1980, this_year + 1, "Năm thành lập")
    if start is None and not row.text("start_year"):
        row.fail("start_year", "thiếu năm thành lập")
    end = row.integer("end_year", 1980, this_year + 1, "Năm ngừng hoạt động")
    if start is not None and end is not None and end < start:
        row.fail("end_year", f"năm ngừng hoạt động ({end}) trước năm thành lập ({start})")
    units = row.integer("model_units", 1, 100_000, "Số đơn vị mô hình", default=1)
    members = row.integer("members", 0, 10_000_000, "Số thành viên")
    rec_text = fold(row.text("recognition"))
    recognition = next(
        (
            v
            for words, v in RECOGNITION
            if rec_text in words or any(w and w in rec_text for w in words)
        ),
        None,
    )
    if recognition is None:
        row.fail("recognition", "cấp công nhận không rõ: ghi Quốc gia, Tỉnh, Huyện hoặc để trống")
    place = _place(row, ctx, start or this_year)
    lon, lat = row.decimal("lon", "Kinh độ"), row.decimal("lat", "Vĩ độ")
    x, y = row.decimal("x", "X"), row.decimal("y", "Y")
    if (lon is None) != (lat is None):
        row.fail("lon" if lon is None else "lat", "cần cả kinh độ và vĩ độ (hoặc để trống cả hai)")
    if (x is None) != (y is None):
        row.fail("x" if x is None else "y", "cần cả X và Y (hoặc để trống cả hai)")
    if row.problems or not place.ok:
        return None
    return {
        "_key": (place.version, place.code, name_key(name), start),
        "place_name": place.name,
        "model_id": model_id(place.version, place.code, name, start),
        "name": name,
        "model_type": ctx.types.get(fold(mtype), mtype),
        "commune_code": place.code,
        "version": place.version,
        "start_year": start,
        "end_year": end,
        "recognition": recognition,
        "model_units": units,
        "members": members,
        "lon": lon,
        "lat": lat,
        "x": x,
        "y": y,
        "is_demo": 0,
    }


def _check_status(row: Row, ctx: _Context) -> dict | None:
    this_year = ctx.this_year
    year = row.integer("year", 2000, this_year + 1, "Năm")
    if year is None and not row.text("year"):
        row.fail("year", "thiếu năm")
    flags = {k: row.yes_no(k) for k in ("certified", "hotspot", "transitioned")}
    if flags["transitioned"] and flags["hotspot"] is False:
        row.fail(
            "transitioned",
            "xã đã chuyển hóa phải là xã trọng điểm (cột Trọng điểm để trống hoặc “Không”)",
        )
    if year is None or row.problems:
        _place(row, ctx, year or this_year)  # report place problems too
        return None
    # a status belongs to the communes of its own year
    version = version_for_period(ctx.versions, year).version
    new_map = "district" not in ctx.indexes[version].levels
    extra = " (từ năm 2025 ghi theo tên xã sau sắp xếp 01/07/2025)" if new_map else ""
    m = _place(row, ctx, year, order=(version,), extra=extra)
    if not m.ok:
        return None
    return {
        "_key": (version, m.code, year),
        "place_name": m.name,
        "version": version,
        "code": m.code,
        "year": year,
        "certified": int(bool(flags["certified"])),
        "hotspot": int(bool(flags["hotspot"])),
        "transitioned": int(bool(flags["transitioned"])),
        "is_demo": 0,
    }


def _preview(acc: pd.DataFrame, kind: str) -> pd.DataFrame:
    if acc.empty:
        return pd.DataFrame()
    if kind == "models":
        cols = {
            "src_sheet": "Trang tính",
            "src_row": "Dòng",
            "name": "Tên mô hình",
            "model_type": "Loại mô hình",
            "place_name": "Xã/Phường (đã khớp)",
            "commune_code": "Mã xã",
            "version": "Phiên bản ranh giới",
            "start_year": "Năm thành lập",
            "model_units": "Số đơn vị mô hình",
        }
    else:
        cols = {
            "src_sheet": "Trang tính",
            "src_row": "Dòng",
            "year": "Năm",
            "place_name": "Xã/Phường (đã khớp)",
            "code": "Mã xã",
            "version": "Phiên bản ranh giới",
            "certified": "Đạt chuẩn",
            "hotspot": "Trọng điểm",
            "transitioned": "Đã chuyển hóa",
        }
    present = [c for c in cols if c in acc]
    return acc[present].rename(columns=cols).reset_index(drop=True)
