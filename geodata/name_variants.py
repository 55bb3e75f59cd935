"""Names that no spelling rule can relate to the reference: historical and colloquial.

A table written here, reviewed by people, and applied by the matcher when no key of
the reference matches (never at render time): each variant names the reference unit
it stands for and the note the import report shows, so a variant is never a silent
guess. Keys are `geodata.names.compact_key` of the variant as written.
"""

from __future__ import annotations

from geodata.names import compact_key

# level -> (variants as people write them, the reference's short name, why)
_TABLE: dict[str, tuple[tuple[tuple[str, ...], str, str], ...]] = {
    "province": (
        (
            ("Thừa Thiên Huế", "Thừa Thiên - Huế", "TT-Huế", "Thua Thien Hue"),
            "Huế",
            "Thừa Thiên Huế là tên trước 01/01/2025 của Thành phố Huế",
        ),
        (
            ("Hà Tây", "Ha Tay"),
            "Hà Nội",
            "tỉnh Hà Tây đã nhập vào Thành phố Hà Nội từ 01/08/2008",
        ),
        (
            ("TP HCM", "TPHCM", "TP.HCM", "HCM", "HCMC", "Sài Gòn", "Saigon", "TP Sài Gòn"),
            "Hồ Chí Minh",
            "viết tắt/tên gọi khác của Thành phố Hồ Chí Minh",
        ),
        (
            ("Đắc Lắc", "Đăk Lăk", "Dac Lac", "Daklak"),
            "Đắk Lắk",
            "cách viết khác của Đắk Lắk",
        ),
        (("Đắc Nông", "Dac Nong", "Daknong"), "Đắk Nông", "cách viết khác của Đắk Nông"),
        (("BR-VT", "BRVT"), "Bà Rịa - Vũng Tàu", "viết tắt của Bà Rịa - Vũng Tàu"),
    ),
    "district": (),
    "commune": (),
}


def variants(level: str) -> dict[str, tuple[str, str]]:
    """compact key of a variant -> (reference short name, note) for one level."""
    return {
        compact_key(written): (short, note)
        for names, short, note in _TABLE.get(level, ())
        for written in names
    }
