"""Name folding for search and matching: case, diacritics, đ/Đ and its look-alike Ð."""

from __future__ import annotations

import re
import unicodedata

_LOOKALIKES = str.maketrans({"Ð": "Đ", "ð": "đ", "Ɖ": "Đ"})


def fold(text: str) -> str:
    """'Tỉnh Hòa  Bình' -> 'tinh hoa binh'; also folds old/new tone placement, because
    every tone mark is removed."""
    t = unicodedata.normalize("NFD", str(text).translate(_LOOKALIKES))
    t = "".join(ch for ch in t if unicodedata.category(ch) != "Mn")
    t = t.replace("Đ", "D").replace("đ", "d").lower()
    return re.sub(r"\s+", " ", t).strip()
