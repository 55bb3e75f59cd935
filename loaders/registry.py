"""Model registries and commune status lists, validated row by row.

`check_registry` reads a file (see `loaders.sheets`), recognises its Vietnamese column
headers, resolves each row's place to a commune code of the right boundary version,
parses numbers and yes/no answers, and returns the rows ready to store plus a report
of every rejected row: sheet, row number, column, value and the reason in Vietnamese.
It never writes anything; `geodata.imports` stores the result.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from geodata.names import fold, name_key
from geodata.schema import BOUNDARY_VERSIONS, MODELS
from geodata.versions import version_for_period, versions_from_table
from loaders.errors import LoaderError
from loaders.places import PlaceIndex, resolve_place
from loaders.sheets import Sheet, read_sheets

KINDS = {"models": "mô hình", "status": "trạng thái xã"}


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # as written in the template
    synonyms: tuple[str, ...]  # header_key() forms
    required: bool = False
    note: str = ""  # for the template's instructions sheet


PLACE_COLUMNS = (
    Column(
        "province",
        "Tỉnh",
        ("tinh", "tinh/thanh pho", "tinh/tp", "tinh thanh pho", "tinh, thanh pho"),
        True,
        "Tên tỉnh/thành phố, ví dụ: Hòa Bình, Tỉnh Hòa Bình.",
    ),
    Column(
        "district",
        "Huyện",
        (
            "huyen",
            "quan/huyen",
            "huyen/quan",
            "huyen/quan/thi xa/thanh pho",
            "quan huyen",
            "huyen/thi xa/thanh pho",
        ),
        False,
        "Tên huyện/quận/thị xã (chỉ với địa giới trước 01/07/2025; để trống nếu dùng tên xã mới).",
    ),
    Column(
        "commune",
        "Xã/Phường",
        (
            "xa/phuong",
            "xa",
            "phuong",
            "xa/phuong/thi tran",
            "xa phuong",
            "xa, phuong, thi tran",
            "don vi cap xa",
            "xa/phuong/dac khu",
        ),
        True,
        "Tên xã/phường/thị trấn, ví dụ: Xã Tân Lạc, TT. Mai Châu, P. 1.",
    ),
)
MODEL_COLUMNS = (
    Column(
        "name",
        "Tên mô hình",
        ("ten mo hinh", "mo hinh", "ten"),
        True,
        "Tên mô hình tự quản về ANTT.",
    ),
    Column(
        "model_type",
        "Loại mô hình",
        ("loai mo hinh", "loai", "linh vuc", "nhom mo hinh"),
        True,
        "Loại (nhóm) mô hình, ví dụ: Tự quản khu dân cư.",
    ),
    *PLACE_COLUMNS,
    Column(
        "start_year",
        "Năm thành lập",
        ("nam thanh lap", "nam xay dung", "nam", "nam ra mat"),
        True,
        "Năm mô hình bắt đầu hoạt động, ví dụ: 2018.",
    ),
    Column(
        "end_year",
        "Năm ngừng hoạt động",
        ("nam ngung hoat dong", "nam ket thuc", "nam giai the", "ngung hoat dong"),
        False,
        "Để trống nếu mô hình còn hoạt động.",
    ),
    Column(
        "model_units",
        "Số đơn vị mô hình",
        ("so don vi mo hinh", "so don vi", "so mo hinh nhan rong", "nhan rong"),
        False,
        "Số đơn vị (tổ, nhóm, câu lạc bộ…) của mô hình; để trống = 1.",
    ),
    Column(
        "members",
        "Số thành viên",
        ("so thanh vien", "thanh vien", "so nguoi tham gia"),
        False,
        "Số người tham gia.",
    ),
    Column(
        "recognition",
        "Cấp công nhận",
        ("cap cong nhan", "cong nhan", "muc cong nhan"),
        False,
        "Quốc gia (Bộ Công an), Tỉnh, Huyện, hoặc để trống.",
    ),
    Column(
        "lon",
        "Kinh độ",
        ("kinh do", "lon", "longitude"),
        False,
        "Kinh độ WGS 84 (độ thập phân), ví dụ: 105.3380.",
    ),
    Column(
        "lat",
        "Vĩ độ",
        ("vi do", "lat", "latitude"),
        False,
        "Vĩ độ WGS 84 (độ thập phân), ví dụ: 20.8130.",
    ),
    Column(
        "x",
        "X",
        ("x", "toa do x"),
        False,
        "Tọa độ X (mét) theo hệ VN-2000 khai báo khi nhập (--crs).",
    ),
    Column(
        "y",
        "Y",
        ("y", "toa do y"),
        False,
        "Tọa độ Y (mét) theo hệ VN-2000 khai báo khi nhập (--crs).",
    ),
)
STATUS_COLUMNS = (
    Column(
        "year",
        "Năm",
        ("nam", "nam danh gia", "nam xep loai"),
        True,
        "Năm đánh giá, ví dụ: 2020 (tình trạng cuối năm).",
    ),
    *PLACE_COLUMNS,
    Column(
        "certified",
        "Đạt chuẩn ANTT",
        ("dat chuan antt", "dat chuan an ninh trat tu", "dat chuan", "xa dat chuan antt"),
        True,
        "x / Có / Đạt / 1 nếu xã đạt chuẩn an toàn về ANTT; trống / Không / Chưa đạt / 0 nếu không.",
    ),
    Column(
        "hotspot",
        "Trọng điểm",
        ("trong diem", "xa trong diem", "trong diem phuc tap ve antt", "trong diem ve antt"),
        False,
        "x / Có / 1 nếu xã từng được xác định là trọng điểm, phức tạp về ANTT đến năm đó.",
    ),
    Column(
        "transitioned",
        "Đã chuyển hóa",
        ("da chuyen hoa", "chuyen hoa", "da chuyen hoa dia ban"),
        False,
        "x / Có / 1 nếu xã trọng điểm đã được chuyển hóa (ra khỏi danh sách) đến cuối năm.",
    ),
)
COLUMNS = {"models": MODEL_COLUMNS, "status": STATUS_COLUMNS}

YES = {
    "x",
    "co",
    "dat",
    "1",
    "yes",
    "true",
    "v",
    "✓",
    "✔",
    "da chuyen hoa",
    "dat chuan",
    "la trong diem",
}
NO = {"", "khong", "chua dat", "0", "no", "false", "-", "chua", "khong dat", "chua chuyen hoa"}
RECOGNITION = (
    (("quoc gia", "toan quoc", "bo cong an", "trung uong", "bo"), "national"),
    (("tinh", "thanh pho", "cong an tinh", "ubnd tinh"), "provincial"),
    (("huyen", "quan", "thi xa", "cong an huyen"), "district"),
    (("", "khong", "xa", "chua"), "none"),
)
VIETNAM_BBOX = (102.0, 6.0, 118.0, 24.0)  # lon/lat, including the archipelagos
POINT_TOLERANCE_DEG = 0.002  # ~200 m: a point on a border is not "outside"


def header_key(text: str) -> str:
    """'Xã / Phường (*)' -> 'xa/phuong': folded, no notes in brackets, one spacing."""
    t = fold(re.sub(r"\(.*?\)|\*", " ", str(text)))
    t = re.sub(r"\s*/\s*", "/", t)
    t = re.sub(r"[^\w/, ]+", " ", t)
    return re.sub(r"\s+", " ", t).strip(" ,")


def recognise(header: tuple[str, ...], kind: str) -> dict[int, Column]:
    """Cell index -> column for the header cells we know (first one wins)."""
    found: dict[int, Column] = {}
    taken: set[str] = set()
    for i, cell in enumerate(header):
        key = header_key(cell)
        for col in COLUMNS[kind]:
            if col.key not in taken and key in col.synonyms:
                found[i] = col
                taken.add(col.key)
                break
    return found


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

    @property
    def n_rejected_rows(self) -> int:
        return (
            int(self.rejected[["Trang tính", "Dòng"]].drop_duplicates().shape[0])
            if len(self.rejected)
            else 0
        )


class _Row:
    """One data row: typed accessors that record problems instead of raising."""

    def __init__(self, sheet: Sheet, number: int, cells: tuple, cols: dict[str, int]):
        self.sheet, self.number, self.cells, self.cols = sheet, number, cells, cols
        self.problems: list[tuple[str, str, str]] = []  # (column header, value, reason)

    def raw(self, key: str) -> object:
        i = self.cols.get(key)
        return None if i is None or i >= len(self.cells) else self.cells[i]

    def text(self, key: str) -> str:
        v = self.raw(key)
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return re.sub(r"\s+", " ", str(v)).strip()

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


def _report(problems: list[tuple[str, int, str, str, str]]) -> pd.DataFrame:
    rows = [(*p[:4], p[4][:1].upper() + p[4][1:]) for p in problems]
    return pd.DataFrame(rows, columns=["Trang tính", "Dòng", "Cột", "Giá trị", "Lý do"])


def _version_order(versions, year: int, has_district: bool) -> tuple[str, ...]:
    primary = version_for_period(versions, year).version
    names = [v.version for v in versions]
    rest = [n for n in names if n != primary]
    # a row that names a district was written on the pre-2025 map: try that map first
    with_districts = [v.version for v in versions if "district" in v.levels]
    if has_district and primary not in with_districts and with_districts:
        return (with_districts[-1], primary, *[n for n in rest if n != with_districts[-1]])
    return (primary, *rest)


def model_id(version: str, code: str, name: str, start_year: int) -> str:
    """Stable id: the same model in a re-imported file keeps its id (imports are idempotent)."""
    h = hashlib.sha1(f"{version}|{code}|{name_key(name)}|{start_year}".encode()).hexdigest()
    return f"M-{h[:12]}"


def _sheets_and_columns(data: bytes, file_name: str, kind: str):
    def score(cells: tuple[str, ...]) -> int:
        return len(recognise(cells, kind))

    sheets = [s for s in read_sheets(data, file_name, score) if score(s.header) >= 3]
    required = [c for c in COLUMNS[kind] if c.required]
    usable, missing_report = [], []
    for s in sheets:
        found = {col.key: i for i, col in recognise(s.header, kind).items()}
        missing = [c.header for c in required if c.key not in found]
        if missing:
            missing_report.append(f"trang '{s.name}' thiếu cột {', '.join(missing)}")
        else:
            usable.append((s, found))
    if not usable:
        want = ", ".join(c.header for c in required)
        detail = ("; ".join(missing_report) + ". ") if missing_report else ""
        raise LoaderError(
            f"Không tìm thấy bảng {KINDS[kind]} trong '{file_name}': {detail}"
            f"cần một dòng tiêu đề có các cột {want} (tải tệp mẫu bằng: antt-map template)."
        )
    return usable


def check_registry(
    store, data: bytes, file_name: str, kind: str, crs: str | None = None
) -> RegistryCheck:
    """Validate a registry file against the store's boundaries (nothing is written).

    Raises
    ------
    LoaderError
        The file cannot be read, or no sheet has the required columns.
    """
    if kind not in COLUMNS:
        raise LoaderError(f"Loại dữ liệu '{kind}' không hợp lệ: chọn models hoặc status.")
    usable = _sheets_and_columns(data, file_name, kind)
    ctx = _context(store)
    check = _check_models if kind == "models" else _check_status
    accepted, problems, seen = [], [], {}
    for sheet, cols in usable:
        for number, cells in sheet.rows:
            row = _Row(sheet, number, cells, cols)
            out = check(row, ctx)
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
    acc = pd.DataFrame(accepted)
    if kind == "models" and len(acc):
        acc = _check_points(store, acc, crs, problems)
    return RegistryCheck(
        kind,
        file_name,
        hashlib.sha256(data).hexdigest(),
        acc.drop(columns=["src_sheet", "src_row", "place_name"], errors="ignore").reset_index(
            drop=True
        ),
        _report(problems).sort_values(["Trang tính", "Dòng"], kind="stable").reset_index(drop=True),
        _preview(acc, kind),
        tuple(s.name for s, _ in usable),
    )


@dataclass(frozen=True)
class _Context:
    """What every row is checked against, read once per file."""

    versions: list
    indexes: dict[str, PlaceIndex]
    this_year: int
    types: dict[str, str]  # folded model type -> its spelling in the store


def _context(store) -> _Context:
    versions = versions_from_table(store.table(BOUNDARY_VERSIONS))
    indexes = {v.version: PlaceIndex(store.units(v.version), v.version) for v in versions}
    known = store.table(MODELS, columns=("model_type",))["model_type"].dropna().unique()
    return _Context(versions, indexes, date.today().year, {fold(t): t for t in known})


def _place(row: _Row, ctx: _Context, year: int, order: tuple[str, ...] = (), extra: str = ""):
    """The row's commune in the first version of `order` (default: by year and whether
    the row names a district) that has it; otherwise the row fails with candidates."""
    district = row.text("district")
    order = order or _version_order(ctx.versions, year, bool(district))
    m = resolve_place(ctx.indexes, order, row.text("province"), district, row.text("commune"))
    if not m.ok:
        hint = f" Gần giống: {'; '.join(m.candidates)}." if m.candidates else ""
        row.fail(m.level or "commune", m.reason[0].upper() + m.reason[1:] + extra + "." + hint)
    return m


def _check_models(row: _Row, ctx: _Context) -> dict | None:
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


def _check_status(row: _Row, ctx: _Context) -> dict | None:
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


def _check_points(store, acc: pd.DataFrame, crs: str | None, problems: list) -> pd.DataFrame:
    """Coordinates to WGS 84, then each point must lie in the commune its row names."""
    import shapely
    from pyproj import CRS, Transformer

    has_xy = acc["x"].notna()
    if has_xy.any():
        if not crs:
            for r in acc[has_xy].itertuples():
                problems.append(
                    (
                        r.src_sheet,
                        r.src_row,
                        "X",
                        f"{r.x}",
                        "có cột X/Y nhưng chưa khai báo hệ tọa độ: nhập lại với --crs (ví dụ EPSG:3405 (VN-2000 / UTM 48N) hoặc EPSG:9210 (VN-2000 / TM-3 105°45′))",
                    )
                )
            acc = acc[~has_xy].copy()
        else:
            try:
                tr = Transformer.from_crs(CRS.from_user_input(crs), "EPSG:4326", always_xy=True)
            except Exception as err:
                raise LoaderError(f"Hệ tọa độ '{crs}' không hợp lệ: {err}") from err
            lon, lat = tr.transform(
                acc.loc[has_xy, "x"].to_numpy(), acc.loc[has_xy, "y"].to_numpy()
            )
            acc.loc[has_xy, "lon"], acc.loc[has_xy, "lat"] = lon, lat
    acc = acc.drop(columns=["x", "y"])
    bad = []
    pts = acc["lon"].notna()
    minx, miny, maxx, maxy = VIETNAM_BBOX
    for version, g in acc[pts].groupby("version"):
        shapes = store.unit_shapes(version, "commune").set_index("code")
        for idx, r in g.iterrows():
            if not (minx <= r.lon <= maxx and miny <= r.lat <= maxy):
                bad.append(
                    (
                        idx,
                        f"({r.lon:.5f}, {r.lat:.5f})",
                        "tọa độ nằm ngoài Việt Nam: kiểm tra thứ tự kinh độ/vĩ độ và hệ tọa độ",
                    )
                )
                continue
            p = shapely.Point(r.lon, r.lat)
            own = shapes.geometry.get(r.commune_code)
            if own is not None and own.distance(p) <= POINT_TOLERANCE_DEG:
                continue
            inside = shapes[shapes.geometry.contains(p)]
            where = (
                f"{inside.iloc[0]['name']} (mã {inside.index[0]})"
                if len(inside)
                else "không thuộc xã nào"
            )
            bad.append(
                (
                    idx,
                    f"({r.lon:.5f}, {r.lat:.5f})",
                    f"vị trí nằm ở {where}, không thuộc {r.place_name} mà dòng ghi; sửa tọa độ hoặc tên xã (không tự chuyển)",
                )
            )
    for idx, value, reason in bad:
        problems.append(
            (acc.at[idx, "src_sheet"], acc.at[idx, "src_row"], "Kinh độ/Vĩ độ", value, reason)
        )
    return acc.drop(index=[b[0] for b in bad])


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
