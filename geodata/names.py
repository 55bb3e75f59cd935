"""Vietnamese place names as people type them, reduced to keys that compare equal.

Three keys, strictest first, so a match is never looser than it needs to be:
- `typed_key`: type word (expanded from "TP.", "TT.", "H.", "P." …) + `name_key`;
- `name_key`: the name without its type word, lower case, one spacing, look-alike
  letters mapped ("Ð" U+00D0 -> "Đ"), tone marks placed one way ("Hoá" = "Hóa",
  "Thuỵ" = "Thụy"), numbers without leading zeros ("Phường 01" = "Phường 1");
- `fold`: the same without any diacritics ("hoa binh"), for search and as a last resort.

Spellings that differ only by convention compare equal in every key: the old i/y
spelling of a lone vowel after a consonant ("Quí"/"Quý", "Kì"/"Kỳ", "Mĩ"/"Mỹ"),
apostrophes ("K'Bang" = "KBang"). `compact_key` also ignores spaces and hyphens
("Ia H' Drai" = "Ia H'Drai", "Krông Ana" = "Krông A Na") and is tried last.
English type words of international files ("Hoa Binh Province", "Cao Lanh City") and
"Quần đảo" are read as type words. A type word is taken off only by `split_type`'s
callers that also try the whole text (see `loaders.places`): "Quan Son" typed without
diacritics may be "Quận Sơn" or the district "Quan Sơn".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Every key function is pure and called for each written name: cached, so a registry of
# 300,000 rows that repeats a few thousand place names computes each key once.
CACHE_SIZE = 1 << 17
_LOOKALIKES = str.maketrans({"Ð": "Đ", "ð": "đ", "Ɖ": "Đ", "ɖ": "đ"})
TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # grave, acute, tilde, hook, dot below

# Type words, longest first; abbreviations of one letter only count with a dot.
TYPE_WORDS: tuple[tuple[str, str], ...] = (
    ("thanh pho", "thành phố"),
    ("thi tran", "thị trấn"),
    ("huyen dao", "huyện đảo"),
    ("dac khu", "đặc khu"),
    ("thi xa", "thị xã"),
    ("phuong", "phường"),
    ("huyen", "huyện"),
    ("quan", "quận"),
    ("tinh", "tỉnh"),
    ("xa", "xã"),
)
ABBREVIATIONS = {
    "tp": "thành phố",
    "tt": "thị trấn",
    "tx": "thị xã",
    "h": "huyện",
    "q": "quận",
    "p": "phường",
    "x": "xã",
    "t": "tỉnh",
}
_ABBREV = re.compile(r"^(tp|tt|tx)(?:\.\s*|\s+)|^(h|q|p|x|t)\.\s*", re.IGNORECASE)
# English type words of international files (GADM, OSM), written after the name
ENGLISH_TYPES: tuple[tuple[str, str], ...] = (
    ("island district", "huyện đảo"),
    ("special zone", "đặc khu"),
    ("urban district", "quận"),
    ("rural district", "huyện"),
    ("municipality", "thành phố"),
    ("province", "tỉnh"),
    ("district", "huyện"),
    ("commune", "xã"),
    ("township", "thị trấn"),
    ("town", "thị xã"),
    ("city", "thành phố"),
    ("ward", "phường"),
)
# other type words as written -> the reference's: "Quần đảo Trường Sa" is Huyện Trường Sa
SPELLED_TYPES: tuple[tuple[str, str], ...] = (("quan dao", "quần đảo"),)
SPELLED_AS = {"quần đảo": "huyện"}
_APOSTROPHES = str.maketrans("", "", "'’‘`´ʼ")
# a syllable whose only vowel is i/y after consonants: "quý" = "quí", "kỳ" = "kì", "mỹ" = "mĩ"
_LONE_Y = re.compile(r"^(qu|[bcdđghklmnprstvx]+)([yýỳỷỹỵ])$")
_Y_TO_I = str.maketrans("yýỳỷỹỵ", "iíìỉĩị")


@lru_cache(maxsize=CACHE_SIZE)
def fold(text: str) -> str:
    """'Tỉnh Hòa  Bình' -> 'tinh hoa binh': case, spacing, every diacritic, đ and Ð."""
    t = unicodedata.normalize("NFD", str(text).translate(_LOOKALIKES))
    t = "".join(ch for ch in t if unicodedata.category(ch) != "Mn")
    t = t.replace("Đ", "D").replace("đ", "d").lower()
    return re.sub(r"\s+", " ", t).strip()


def _clusters(word: str) -> list[str]:
    """NFD letters with their non-tone marks: 'ườ' -> ['ư', 'ơ'] (tones removed)."""
    out: list[str] = []
    for ch in word:
        if unicodedata.combining(ch) and out:
            out[-1] += ch
        else:
            out.append(ch)
    return out


def canonical_tones(word: str) -> str:
    """Put the tone mark of one syllable where the traditional rule puts it.

    The two spellings in use differ only for syllables ending in "oa", "oe" or "uy"
    ("hoá"/"hóa", "thuỵ"/"thụy", "khoẻ"/"khỏe"): the tone goes on the first of the
    two vowels; "qu" + "y" keeps it on the "y" ("quý") in both spellings.
    """
    d = unicodedata.normalize("NFD", word)
    tones = [c for c in d if c in TONES]
    if len(tones) != 1:
        return unicodedata.normalize("NFC", d)
    letters = _clusters("".join(c for c in d if c not in TONES))
    # where the tone was: the cluster it followed
    pos, seen = 0, -1
    for c in d:
        if c in TONES:
            pos = seen
            break
        if not unicodedata.combining(c):
            seen += 1
    base = [c[0].lower() for c in letters]
    tail = "".join(base[-2:])
    plain_tail = all(len(c) == 1 for c in letters[-2:])
    if (
        len(letters) >= 2
        and plain_tail
        and tail in ("oa", "oe", "uy")
        and not (tail == "uy" and len(base) >= 3 and base[-3] == "q")
    ):
        pos = len(letters) - 2
    letters[pos] += tones[0]
    return unicodedata.normalize("NFC", "".join(letters))


def _clean(text: str) -> str:
    t = unicodedata.normalize("NFC", str(text).translate(_LOOKALIKES)).lower()
    t = re.sub(r"[\s\u00a0]+", " ", t).strip()
    return t


@lru_cache(maxsize=CACHE_SIZE)
def split_type(name: str) -> tuple[str | None, str]:
    """('thành phố', 'hòa bình') from 'TP. Hòa Bình'; (None, name) without a type word."""
    t = _clean(name)
    m = _ABBREV.match(t)
    if m:
        return ABBREVIATIONS[(m.group(1) or m.group(2)).lower()], t[m.end() :]
    # with diacritics the type word must be spelled out ("Xa Lý" is a name, "Xã Lý" is
    # not); a name typed without any diacritics ("xa tan lac") is read without them
    plain = fold(t) == t
    for key, word in (*SPELLED_TYPES, *TYPE_WORDS):  # longest first
        head = key if plain else word
        if t.startswith(head + " ") and len(t) > len(head) + 1:
            return SPELLED_AS.get(word, word), t[len(head) + 1 :]
    if plain:
        for eng, word in ENGLISH_TYPES:
            if t.endswith(" " + eng) and len(t) > len(eng) + 1:
                return word, t[: -len(eng) - 1]
    return None, t


@lru_cache(maxsize=CACHE_SIZE)
def type_word(text: str) -> str | None:
    """The Vietnamese type word a type column holds: 'TX.' / 'Thị xã' / 'Town' -> 'thị xã'."""
    t = _clean(text).strip(" .")
    if not t:
        return None
    t_fold = fold(t)
    for key, word in TYPE_WORDS:
        if t_fold == key:
            return word
    for eng, word in ENGLISH_TYPES:
        if t_fold == eng:
            return word
    return ABBREVIATIONS.get(t_fold.replace(".", ""))


@lru_cache(maxsize=CACHE_SIZE)
def _syllable(word: str) -> str:
    w = canonical_tones(word)
    m = _LONE_Y.match(w)
    return m.group(1) + m.group(2).translate(_Y_TO_I) if m else w


def _key(rest: str) -> str:
    words = re.split(r"[\s.,;:()\-–/]+", rest.translate(_APOSTROPHES))
    out = []
    for w in words:
        if not w:
            continue
        out.append(str(int(w)) if w.isascii() and w.isdigit() else _syllable(w))
    return " ".join(out)


@lru_cache(maxsize=CACHE_SIZE)
def whole_key(name: str) -> str:
    """`name_key` of the whole text, type word and all: 'Quan Son' -> 'quan son'."""
    return _key(_clean(name))


@lru_cache(maxsize=CACHE_SIZE)
def name_key(name: str) -> str:
    """The name without its type word: 'P. 01' -> '1', 'Xã Thuỵ  Hoá' -> 'thụy hóa'."""
    return _key(split_type(name)[1])


@lru_cache(maxsize=CACHE_SIZE)
def typed_key(name: str) -> str:
    """Type word and name: 'TT. Mai Châu' -> 'thị trấn|mai châu' ('|mai châu' untyped)."""
    kind, rest = split_type(name)
    return f"{kind or ''}|{_key(rest)}"


@lru_cache(maxsize=CACHE_SIZE)
def loose_key(name: str) -> str:
    """`name_key` without diacritics: the last resort of matching."""
    return fold(name_key(name))


@lru_cache(maxsize=CACHE_SIZE)
def alias_key(text: str) -> str:
    """A confirmed spelling as written, type word and all, folded: the key of `name_aliases`."""
    return fold(whole_key(text)).replace(" ", "")


@lru_cache(maxsize=CACHE_SIZE)
def compact_key(name: str) -> str:
    """`loose_key` without spaces: 'Ia H' Drai' = 'Ia H'Drai', 'Krông Ana' = 'Krông A Na'."""
    return loose_key(name).replace(" ", "")
