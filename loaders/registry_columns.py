"""The columns of a registry and how their headers are recognised.

Headers are written many ways ("Xã / Phường (*)", "Huyện/Thành phố", "Quận/Huyện",
"Don vi"). Known spellings are listed per column; a header made only of
administrative type words ("Huyện/Thị xã/Thành phố") is read by its words: commune
words make it the commune column, then district words, then province words. A header
that looks like a place column but cannot be read (a bare "Thành phố", a second
district column) is an error naming it: a place column silently ignored once let a
commune be matched in the wrong district.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geodata.names import fold
from loaders.errors import LoaderError

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


def header_key(text: str) -> str:
    """'Xã / Phường (*)' -> 'xa/phuong': folded, no notes in brackets, one spacing."""
    t = fold(re.sub(r"\(.*?\)|\*", " ", str(text)))
    t = re.sub(r"\s*/\s*", "/", t)
    t = re.sub(r"[^\w/, ]+", " ", t)
    return re.sub(r"\s+", " ", t).strip(" ,")


# A place header is made of these words only (after "tên", "cấp", "đơn vị hành chính" …)
_PLACE_WORDS = {
    "commune": ("xa", "phuong", "thi tran", "dac khu", "tt"),
    "district": ("huyen", "quan", "thi xa", "tx"),
    "province": ("tinh",),
    "either": ("thanh pho", "tp"),  # a province-level city or a district-level one
}
_FILLER = ("don vi hanh chinh", "don vi", "dia ban", "ten", "cap", "thuoc", "va", "hoac")
_BARE_COMMUNE = {"don vi", "dia ban", "don vi hanh chinh", "ten don vi", "dia phuong"}
LEVEL_HEADERS = {"province": "Tỉnh", "district": "Huyện", "commune": "Xã/Phường"}


def place_level(header: str) -> str | None:
    """'Huyện/Thành phố' -> 'district'; 'Tỉnh/TP' -> 'province'; 'Đơn vị' -> 'commune';
    'Thành phố' -> 'either' (cannot tell); 'unclear' for place words mixed with others
    ('Huyện, TP trực thuộc'); None when it is not a place header ('Xã đạt chuẩn', 'Số xã')."""
    key = header_key(header)
    if key in _BARE_COMMUNE:
        return "commune"
    rest = re.sub(r"[/,.;&+-]", " ", key)
    if re.match(r"(so|ma|tong)\b", rest):  # counts and codes are not names of places
        return None
    found, n_place = set(), 0
    words = sorted(
        ((w, lv) for lv, ws in _PLACE_WORDS.items() for w in ws), key=lambda p: -len(p[0])
    )
    for w, level in words:  # longest first: "thi xa" before "xa"
        rest, n = re.subn(rf"\b{w}\b", " ", rest)
        if n:
            found.add(level)
            n_place += n
    for w in _FILLER:
        rest = re.sub(rf"\b{w}\b", " ", rest)
    left = rest.split()
    if not found or len(left) > n_place:
        return None
    if left:
        return "unclear"
    for level in ("commune", "district", "province"):
        if level in found:
            return level
    return "either"


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
    by_key = {c.key: c for c in COLUMNS[kind]}
    for i, cell in enumerate(header):
        if i in found:
            continue
        level = place_level(cell)
        if level in by_key and level not in taken:
            found[i] = by_key[level]
            taken.add(level)
    return found


def check_place_headers(header: tuple[str, ...], kind: str, sheet: str) -> None:
    """Refuse a sheet with a place column we would otherwise ignore.

    Raises
    ------
    LoaderError
        Naming the column, what it could be and how to rename it.
    """
    found = recognise(header, kind)
    owner = {c.key: i for i, c in found.items()}
    for i, cell in enumerate(header):
        if i in found or not cell:
            continue
        level = place_level(cell)
        if level is None:
            continue
        where = f"trang '{sheet}', cột {_col_letter(i)} ('{cell}')"
        if level == "unclear":
            raise LoaderError(
                f"Cột '{cell}' ({where}) có vẻ là cột địa bàn nhưng không đọc được: đổi tiêu đề "
                "thành 'Tỉnh', 'Huyện' hoặc 'Xã/Phường' (đúng cấp của tên trong cột) rồi nhập lại."
            )
        if level == "either":
            raise LoaderError(
                f"Không rõ cột '{cell}' ({where}) là tỉnh/thành phố trực thuộc trung ương hay "
                "huyện/thành phố thuộc tỉnh: đổi tiêu đề thành 'Tỉnh/Thành phố' hoặc "
                "'Huyện/Thành phố' rồi nhập lại."
            )
        first = header[owner[level]]
        raise LoaderError(
            f"Có hai cột cùng chỉ {LEVEL_HEADERS[level].lower()}: '{first}' (cột "
            f"{_col_letter(owner[level])}) và '{cell}' ({where}); xóa hoặc đổi tên một cột "
            "để biết dùng cột nào."
        )


def _col_letter(i: int) -> str:
    out, n = "", i + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out
