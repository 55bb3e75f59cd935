"""Which columns of a boundary file hold which names, and at which level it is.

Column names alone are not trusted: GADM-style files put the region in `NAME_1`, the
province in `NAME_2` and the district in `NAME_3`, others name their columns anything.
For every text column we measure how many of its distinct values are names of the
reference provinces, districts and communes of the version, take each column for the
level it matches best, and check the guess against the number of features. The result
carries a sentence saying why, so staff can see (and override) what was decided.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from geodata import names
from geodata.names import fold, loose_key
from geodata.schema import LEVEL_LABELS_VI, LEVELS
from loaders.errors import LoaderError
from loaders.places import PlaceIndex, PlaceMatch

MIN_RATE = 0.5  # a column matching fewer of its distinct values is not a name column
SURE_RATE = 0.8  # the own-level column must match this share for the guess to be used
MATCHER_TRIES = 200  # values missed by the name keys that are still tried with the matcher
LEVEL_NOUN = {"province": "tỉnh", "district": "huyện", "commune": "xã"}


def type_word(value) -> str | None:
    """'Thị xã', 'TX', 'thi xa', 'Town' -> 'thị xã'; None when it is not a type word."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return names.type_word(str(value))


def candidate_options(m: PlaceMatch) -> tuple[tuple[str, str], ...]:
    """(code, name) candidates of a failed match."""
    return m.options


def is_ambiguous(m: PlaceMatch) -> bool:
    """A failed match because several units carry the name (not because none does)."""
    return not m.ok and "trùng" in m.reason


@dataclass(frozen=True)
class FieldChoice:
    """Which column holds the name of each level, the file's level, and why."""

    level: str
    names: dict[str, str]  # level -> column
    type_field: str | None
    why: str
    rates: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)


def _text_columns(gdf: pd.DataFrame, exclude: set[str]) -> list[str]:
    cols = []
    for c in gdf.columns:
        if c == "geometry" or c in exclude:
            continue
        s = gdf[c].dropna().astype(str).str.strip()
        s = s[s != ""]
        if s.empty or s.str.fullmatch(r"[\d.,\s-]+").mean() > 0.9:
            continue  # numbers and codes are not names
        cols.append(c)
    return cols


def _values(gdf: pd.DataFrame, col: str) -> list[str]:
    s = gdf[col].dropna().astype(str).str.strip()
    return sorted(set(s[s != ""]))


def _rate(index: PlaceIndex, keys: set[str], values: list[str], level: str) -> int:
    """How many of `values` name a unit of `level` (unique or not), anywhere in the version.

    The name keys answer most values at once; what they miss is tried with the matcher,
    which also knows historical and variant names. The matcher is slow on a miss (it
    looks for close names), so it is asked about a province or district only, at most
    `MATCHER_TRIES` values, and no further once the first 20 tries found nothing."""
    hits, tries, found = 0, 0, 0
    for v in values:
        if loose_key(v) in keys:
            hits += 1
            continue
        if level == "commune" or tries >= MATCHER_TRIES or (tries >= 20 and not found):
            continue
        tries += 1
        m = index.match(
            v if level == "province" else "", v if level == "district" else "", "", level
        )
        ok = m.ok or (m.level == level and is_ambiguous(m))
        hits += ok
        found += ok
    return hits


def _level_keys(index: PlaceIndex, levels: tuple[str, ...]) -> dict[str, set[str]]:
    """The loose name keys of each level."""
    return {lv: index.keys(lv) for lv in levels}


def _type_column(gdf: pd.DataFrame, own: str, exclude: set[str]) -> str | None:
    """The column of type words beside the own-level name column (TYPE_3 beside NAME_3)."""
    found = []
    for c in gdf.columns:
        if c == "geometry" or c in exclude:
            continue
        vals = _values(gdf, c)
        if vals and len(vals) <= 20 and sum(type_word(v) is not None for v in vals) == len(vals):
            found.append(c)
    if not found:
        return None
    suffix = re.search(r"(\d+)$", own)
    same = [c for c in found if suffix and c.endswith(suffix.group(1))]
    if same:  # prefer Vietnamese words (TYPE_3) over English ones (ENGTYPE_3)
        viet = [c for c in same if any(fold(v) != v.lower() for v in _values(gdf, c))]
        return (viet or same)[0]
    return found[0] if len(found) == 1 else None


def choose_fields(
    gdf: pd.DataFrame,
    index: PlaceIndex,
    levels: tuple[str, ...],
    level: str | None = None,
    name_field: str | None = None,
    province_field: str | None = None,
    district_field: str | None = None,
    type_field: str | None = None,
    code_field: str | None = None,
    code_level: str | None = None,
) -> FieldChoice:
    """Map columns to levels by how many of their values match the reference names.

    An explicit option always wins. Without a code column, a guess that is not
    convincing (the own-level column matches under `SURE_RATE` of its names, or the
    file has many more features than distinct names) stops with an error naming the
    columns and the options to use.
    """
    for opt, col in (
        ("--name-field", name_field),
        ("--province-field", province_field),
        ("--district-field", district_field),
        ("--type-field", type_field),
    ):
        if col and col not in gdf.columns:
            raise LoaderError(f"{opt}: không có cột '{col}' trong tệp; các cột: {_cols(gdf)}.")
    keys = _level_keys(index, levels)
    given = {c for c in (name_field, province_field, district_field, type_field, code_field) if c}
    rates: dict[str, dict[str, tuple[int, int]]] = {}
    for c in _text_columns(gdf, {code_field} if code_field else set()) + sorted(
        given - {code_field, type_field}
    ):
        if c in rates:
            continue
        vals = _values(gdf, c)
        rates[c] = {lv: (_rate(index, keys[lv], vals, lv), len(vals)) for lv in levels}

    def share(c: str, lv: str) -> float:
        hit, total = rates[c].get(lv, (0, 0))
        return hit / total if total else 0.0

    best = {c: max(levels, key=lambda lv, c=c: share(c, lv)) for c in rates}
    names: dict[str, str] = {}
    for lv in levels:
        pool = [c for c in rates if best[c] == lv and share(c, lv) >= MIN_RATE]
        if pool:
            names[lv] = max(pool, key=lambda c, lv=lv: share(c, lv))
    explicit = {"province": province_field, "district": district_field}
    for lv, col in explicit.items():
        if col:
            names = {k: v for k, v in names.items() if v != col}
            names[lv] = col
    own_level = (
        level
        or code_level
        or next((lv for lv in reversed(LEVELS) if lv in names and lv in levels), None)
    )
    if own_level is None:
        raise LoaderError(
            "Không nhận ra cột tên đơn vị nào: "
            + _rates_text(rates, levels)
            + ". Chỉ rõ bằng --level, --name-field (cột tên đơn vị), --province-field, "
            "--district-field, hoặc dùng --code-field (cột mã)."
        )
    if name_field:
        names = {k: v for k, v in names.items() if v != name_field}
        names[own_level] = name_field
    names = {lv: c for lv, c in names.items() if LEVELS.index(lv) <= LEVELS.index(own_level)}
    own = names.get(own_level)
    tfield = type_field or (_type_column(gdf, own, set(names.values())) if own else None)
    why = _why(gdf, index, own_level, names, rates, tfield, explicit_level=bool(level))
    if own is None and code_field is None:
        raise LoaderError(
            f"Không biết cột nào chứa tên {LEVEL_LABELS_VI[own_level]}: "
            + _rates_text(rates, levels)
            + ". Dùng --name-field (cột tên) hoặc --code-field (cột mã)."
        )
    if own and not (level or name_field or code_field):
        _refuse_unconvincing(gdf, own_level, names, rates, share(own, own_level))
    return FieldChoice(own_level, names, tfield, why, rates)


def _refuse_unconvincing(gdf, level, names, rates, rate) -> None:
    own = names[level]
    parents = [names[lv] for lv in LEVELS[: LEVELS.index(level)] if lv in names]
    distinct = len(gdf[[*parents, own]].astype(str).drop_duplicates())
    problem = None
    if rate < SURE_RATE:
        hit, total = rates[own][level]
        problem = f"cột {own} chỉ khớp {hit}/{total} tên {LEVEL_NOUN[level]}"
    elif distinct < 0.8 * len(gdf):
        problem = (
            f"{len(gdf)} đối tượng nhưng cột {own} chỉ có {distinct} tên {LEVEL_NOUN[level]} "
            "khác nhau (có thể tệp ở cấp thấp hơn mà cột tên của cấp đó không nhận ra)"
        )
    if problem:
        raise LoaderError(
            f"Không chắc tệp ở cấp {LEVEL_LABELS_VI[level]}: {problem}; "
            + _rates_text(rates, tuple(rates[own]))
            + ". Chỉ rõ bằng --level và --name-field (cột tên đơn vị), --province-field, "
            "--district-field."
        )


def _rates_text(rates, levels) -> str:
    parts = []
    for c, r in rates.items():
        best = max(levels, key=lambda lv: r[lv][0])
        hit, total = r[best]
        parts.append(f"cột {c}: {hit}/{total} tên khớp tên {LEVEL_NOUN[best]}")
    return "; ".join(parts) if parts else "tệp không có cột chữ nào"


def _why(gdf, index, level, names, rates, tfield, explicit_level: bool) -> str:
    noun = LEVEL_NOUN[level]
    head = f"cấp {LEVEL_LABELS_VI[level]}" + (" (theo tùy chọn)" if explicit_level else "")
    parts = [head]
    for lv in reversed(LEVELS):
        c = names.get(lv)
        if c is None:
            continue
        if c in rates:
            hit, total = rates[c][lv]
            role = f"khớp {hit}/{total} tên {LEVEL_NOUN[lv]}"
        else:
            role = "theo tùy chọn"
        parts.append(
            f"cột {c} {role}" if lv == level else f"cột {c} là tên {LEVEL_NOUN[lv]} ({role})"
        )
    if tfield:
        parts.append(f"cột {tfield} là loại đơn vị")
    units = index.units
    ref = units[units["level"] == level]
    scope = "tham chiếu"
    prov = names.get("province")
    if prov and level != "province":
        codes = set()
        for v in _values(gdf, prov):
            m = index.match(v, "", level="province")
            if m.ok:
                codes.add(m.code)
        if codes and len(codes) < (units["level"] == "province").sum():
            ref = ref[ref["province_code"].isin(codes)]
            scope = f"tham chiếu của {len(codes)} tỉnh trong tệp"
    parts.append(f"{len(gdf)} đối tượng so với {len(ref)} {noun} {scope}")
    return "; ".join(parts)


def _cols(gdf) -> str:
    return ", ".join(str(c) for c in gdf.columns if c != "geometry")
