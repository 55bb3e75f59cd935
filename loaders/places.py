"""Resolve written place names (province, district, commune) to official unit codes.

Level by level, each within the unit matched above it, with the strictest key that
gives an answer (see `geodata.names`): the type word and name, then the name, then
the name without diacritics, then without spaces. A type word at the start is only
one reading of a name: the whole text is tried too, so "Quan Son" finds the district
Quan Sơn rather than losing its first word as "Quận"; when both readings find a unit,
the name is ambiguous. Several units under one key is "ambiguous", none is "not
found"; both come back with the closest candidates, and nothing is guessed. Names
that no rule relates to the reference (historical names, abbreviations) come from the
table in `geodata.name_variants`, and spellings a user confirmed from the store's
`name_aliases`; a match through either carries a note the report shows.

Lookups are dictionary hits, memoised per index: a registry of 300,000 rows names
far fewer places than that.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from geodata.name_variants import variants
from geodata.names import (
    alias_key,
    compact_key,
    fold,
    loose_key,
    name_key,
    split_type,
    type_word,
    typed_key,
    whole_key,
)
from geodata.schema import LEVEL_LABELS_VI

LEVEL_ORDER = ("province", "district", "commune")
# key columns, strictest first, and how a written name is reduced to each
KEYS = ("k_typed", "k_name", "k_loose", "k_compact")


@dataclass(frozen=True)
class PlaceMatch:
    """A resolved unit code, or why not.

    On failure: `level` that failed, `reason`, `candidates` as "Tên (mã X)" strings and
    `options` as (code, name) pairs for a review step, `text` as written at that level
    and `parent` the code of the unit it was looked for in ("" when none).
    """

    version: str
    code: str | None = None
    name: str | None = None
    level: str | None = None
    reason: str = ""
    candidates: tuple[str, ...] = field(default=())
    options: tuple[tuple[str, str], ...] = field(default=())
    text: str = ""
    parent: str = ""
    parent_name: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.code is not None


def _readings(text: str, kind_given: str | None) -> list[tuple[str | None, dict[str, str]]]:
    """The ways to read a written name: (type word, key per column) for each."""
    kind, _ = split_type(text)
    out = []
    typed = kind or kind_given
    out.append(
        (
            typed,
            {
                "k_typed": f"{typed}|{name_key(text)}" if typed else "",
                "k_name": name_key(text),
                "k_loose": loose_key(text),
                "k_compact": compact_key(text),
            },
        )
    )
    if kind is not None:  # the first word may be part of the name after all
        whole = whole_key(text)
        typed_whole = f"{kind_given}|{whole}" if kind_given else ""
        out.append(
            (
                kind_given,
                {
                    "k_typed": typed_whole,
                    "k_name": whole,
                    "k_loose": fold(whole),
                    "k_compact": fold(whole).replace(" ", ""),
                },
            )
        )
    return out


@dataclass(frozen=True)
class ReviewItem:
    """A name that needs a person's decision: where it was looked for, the candidates,
    and how many rows (or features) wrote it. What the person picks becomes an alias."""

    version: str
    level: str
    parent_code: str
    text: str
    reason: str
    options: tuple[tuple[str, str], ...]
    count: int = 1
    parent_name: str = ""


def review_items(failures: list[PlaceMatch]) -> tuple[ReviewItem, ...]:
    """One item per distinct (version, level, parent, spelling) among failed matches."""
    seen: dict[tuple, list] = {}
    for m in failures:
        if m.ok or not m.text or m.level is None:
            continue
        key = (m.version, m.level, m.parent, m.text)
        if key in seen:
            seen[key][1] += 1
        else:
            seen[key] = [m, 1]
    return tuple(
        ReviewItem(m.version, m.level, m.parent, m.text, m.reason, m.options, n, m.parent_name)
        for m, n in seen.values()
    )


class PlaceIndex:
    """Name keys of the units of one boundary version.

    Parameters
    ----------
    units : DataFrame
        `store.units(version)`: code, name, unit_type, level, parent_code, province_code.
    version : str
    aliases : DataFrame, optional
        Confirmed spellings (`name_aliases`: level, parent_code, alias, code) of this version.
    """

    def __init__(self, units: pd.DataFrame, version: str, aliases: pd.DataFrame | None = None):
        self.version = version
        self.units = units[units["version"] == version] if "version" in units else units
        self.levels = tuple(lv for lv in LEVEL_ORDER if (self.units["level"] == lv).any())
        u = self.units.reset_index(drop=True)
        self._rows = u
        self._code = u["code"].astype(str).tolist()
        self._name = u["name"].astype(str).tolist()
        self._type = [type_word(t) if isinstance(t, str) else None for t in u["unit_type"]]
        self._level = u["level"].astype(str).tolist()
        self._parent = {
            "province_code": u["province_code"].astype(str).tolist(),
            "parent_code": u["parent_code"].astype(str).tolist(),
        }
        self._index: dict[tuple[str, str], dict[str, list[int]]] = {}
        by_level: dict[str, list[int]] = defaultdict(list)
        for i, lv in enumerate(u["level"]):
            by_level[lv].append(i)
        self._by_level = dict(by_level)
        self._at = {(lv, self._code[i]): i for lv, rows in self._by_level.items() for i in rows}
        for lv, rows in self._by_level.items():
            for col in KEYS:
                self._index[(lv, col)] = defaultdict(list)
            for i in rows:
                name = self._name[i]
                keys = {
                    "k_typed": typed_key(name),
                    "k_name": name_key(name),
                    "k_loose": loose_key(name),
                    "k_compact": compact_key(name),
                }
                for col, k in keys.items():
                    self._index[(lv, col)][k].append(i)
        self._variants = {lv: variants(lv) for lv in self.levels}
        self._aliases: dict[tuple[str, str, str], str] = {}
        if aliases is not None and len(aliases):
            a = aliases[aliases["version"] == version] if "version" in aliases else aliases
            for r in a.itertuples(index=False):
                parent = "" if pd.isna(r.parent_code) else str(r.parent_code)
                self._aliases[(r.level, parent, alias_key(r.alias))] = str(r.code)
        self._memo: dict[tuple, PlaceMatch] = {}

    # -- one level ---------------------------------------------------------------------
    def _pool(self, level: str, parent: tuple[str, str] | None) -> list[int]:
        rows = self._by_level.get(level, [])
        if parent is None:
            return rows
        col, code = parent
        values = self._parent[col]
        return [i for i in rows if values[i] == code]

    def _label(self, i: int) -> str:
        """ "Xã Tân Pheo (mã 04849, Huyện Đà Bắc)": a commune names its district, so a
        candidate found across a province says where it is."""
        district = self._at.get(("district", self._parent["parent_code"][i]))
        if self._level[i] == "commune" and district is not None:
            return f"{self._name[i]} (mã {self._code[i]}, {self._name[district]})"
        return f"{self._name[i]} (mã {self._code[i]})"

    def _find(self, level: str, text: str, parent: tuple[str, str] | None, kind_given):
        """(row, notes) or (None, (reason, candidate rows)) for one level."""
        label = LEVEL_LABELS_VI[level]
        if level not in self._by_level:
            return None, (f"phiên bản {self.version} không có cấp {label}", [])

        def inside(rows):
            if parent is None:
                return rows
            col, code = parent
            return [i for i in rows if self._parent[col][i] == code]

        parent_code = parent[1] if parent else ""
        alias = self._aliases.get((level, parent_code, alias_key(text)))
        if alias is not None:
            hit = [i for i in self._pool(level, parent) if self._code[i] == alias]
            if len(hit) == 1:
                note = f"'{text}' khớp {self._name[hit[0]]} theo cách viết đã xác nhận (bí danh)"
                return hit[0], (note,)
        readings = _readings(text, kind_given)
        for col in KEYS:
            per_reading = [
                inside(self._index[(level, col)].get(keys[col], [])) if keys[col] else []
                for _kind, keys in readings
            ]
            hits = list(dict.fromkeys(i for rows in per_reading for i in rows))
            kind = readings[0][0]
            other = [i for rows in per_reading[1:] for i in rows]
            if len(hits) > 1 and kind and not other:
                # a type word or a type column tells same-name units apart ("TX Ky Anh")
                typed = [i for i in hits if self._type[i] == kind]
                hits = typed if len(typed) == 1 else hits
            if len(hits) == 1:
                notes = ()
                wanted, got = readings[0][0], self._type[hits[0]]
                if wanted and got and wanted != got:
                    notes = (f"'{text}' khớp {self._name[hits[0]]}: khác loại đơn vị ({wanted})",)
                return hits[0], notes
            if len(hits) > 1:
                return None, (f"tên {label} '{text}' trùng với nhiều đơn vị", hits[:5])
        variant = self._variants.get(level, {}).get(compact_key(text))
        if variant is not None:
            short, why = variant
            hit = inside(self._index[(level, "k_name")].get(name_key(short), []))
            if len(hit) == 1:
                return hit[0], (f"'{text}' → {self._name[hit[0]]}: {why}",)
        pool = self._pool(level, parent)
        loose = {}
        for i in pool:
            loose.setdefault(loose_key(self._name[i]), []).append(i)
        close = difflib.get_close_matches(loose_key(text), list(loose), n=3, cutoff=0.6)
        rows = [i for k in close for i in loose[k]]
        near = difflib.get_close_matches(
            compact_key(text), list(self._variants.get(level, {})), n=1, cutoff=0.7
        )
        for k in near:  # "TP HCMM" is close to the variant "TP HCM" of Hồ Chí Minh
            short = self._variants[level][k][0]
            rows = [
                i
                for i in inside(self._index[(level, "k_name")].get(name_key(short), []))
                if i not in rows
            ] + rows
        where = self.version
        if parent is not None:  # say where it was looked for: "trong Huyện Đà Bắc (vn-2024)"
            col, code = parent
            above = self._at.get(("province" if col == "province_code" else "district", code))
            if above is not None:
                where = f"{self._name[above]} ({self.version})"
        return None, (f"không tìm thấy {label} '{text}' trong {where}", rows[:3])

    # -- a whole row -------------------------------------------------------------------
    def match(
        self,
        province: str,
        district: str,
        commune: str = "",
        level: str = "commune",
        unit_type: str | None = None,
    ) -> PlaceMatch:
        """The unit of `level` a row names (by default its commune), each name matched
        inside the unit above it; names of coarser levels may be empty. `unit_type` is
        the type of the `level` unit as a type column writes it ("Thị xã", "Town")."""
        key = (province, district, commune, level, unit_type)
        if key not in self._memo:
            self._memo[key] = self._match(province, district, commune, level, unit_type)
        return self._memo[key]

    def _match(self, province, district, commune, level, unit_type) -> PlaceMatch:
        names = {"province": province, "district": district, "commune": commune}
        names = {lv: str(v or "").strip() for lv, v in names.items()}
        if not names[level]:
            return PlaceMatch(
                self.version, level=level, reason=f"thiếu tên {LEVEL_LABELS_VI[level]}"
            )
        kind_given = type_word(unit_type) if unit_type else None
        parent, parent_lv = None, ""
        notes: list[str] = []
        for lv in LEVEL_ORDER:
            if names[lv] and lv != level and lv not in self.levels:
                notes.append(
                    f"bỏ qua {LEVEL_LABELS_VI[lv]} '{names[lv]}': {self.version} không có cấp "
                    f"{LEVEL_LABELS_VI[lv]}, chỉ kiểm tra được tên trong tỉnh"
                )
            if lv != level and (not names[lv] or lv not in self.levels):
                continue
            row, info = self._find(lv, names[lv], parent, kind_given if lv == level else None)
            if row is None:
                reason, rows = info
                labels = [self._label(i) for i in rows]
                if lv == "commune" and parent is not None and parent[0] == "parent_code":
                    # the same name in another district of the province: offered, never chosen
                    prov = self._parent["province_code"][self._at[("district", parent[1])]]
                    elsewhere = [
                        i
                        for i in self._index[("commune", "k_loose")].get(loose_key(names[lv]), [])
                        if self._parent["province_code"][i] == prov and i not in rows
                    ]
                    # every candidate names its district, so the user sees which are
                    # in the row's district (options) and which are elsewhere (named only)
                    labels = [self._label(i) for i in elsewhere + rows]
                return PlaceMatch(
                    self.version,
                    level=lv,
                    reason=reason,
                    candidates=tuple(labels),
                    options=tuple((self._code[i], self._name[i]) for i in rows),
                    text=names[lv],
                    parent=parent[1] if parent else "",
                    parent_name=self._name[self._at[(parent_lv, parent[1])]] if parent else "",
                    notes=tuple(notes),
                )
            notes += info
            if lv == level:
                return PlaceMatch(
                    self.version, code=self._code[row], name=self._name[row], notes=tuple(notes)
                )
            parent = ("province_code" if lv == "province" else "parent_code", self._code[row])
            parent_lv = lv
        raise AssertionError(level)  # unreachable: `level` is one of the three

    def keys(self, level: str, column: str = "k_loose") -> set[str]:
        """Every name key of one level (e.g. to count how many values of a column match)."""
        return set(self._index.get((level, column), {}))

    def parents(self, code: str, level: str) -> tuple[str, str] | None:
        """(parent code, province code) of a unit of this version (None when unknown)."""
        i = self._at.get((level, code))
        if i is None:
            return None
        return self._parent["parent_code"][i], self._parent["province_code"][i]


def resolve_place(
    indexes: dict[str, PlaceIndex],
    order: tuple[str, ...],
    province: str,
    district: str,
    commune: str,
) -> PlaceMatch:
    """Try the versions in `order`; the first match wins, else the first version's reason."""
    first = None
    for version in order:
        m = indexes[version].match(province, district, commune)
        if m.ok:
            return m
        first = first or m
    return first


def summarize_notes(
    counts: dict[str, int], limit: int = 20, unit: str = "dòng", prefix: str = ""
) -> list[str]:
    """One line per spelling matched by a rule (variant, alias, another type word), with
    how many rows used it: the user sees every name that was not taken as written."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    lines = [
        f"{prefix}{note}" + (f" ({n} {unit})" if n > 1 else "") + "." for note, n in items[:limit]
    ]
    if len(items) > limit:
        lines.append(f"… và {len(items) - limit} cách viết khác được khớp theo quy tắc.")
    return lines
