"""Resolve written place names (province, district, commune) to official unit codes.

Level by level, each within the unit matched above it, with the strictest key that
gives an answer (see `geodata.names`): the type word and name, then the name, then
the name without diacritics. Several units under one key is "ambiguous", none is
"not found"; both come back with the closest candidates, and nothing is guessed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import pandas as pd

from geodata.names import loose_key, name_key, split_type, typed_key
from geodata.schema import LEVEL_LABELS_VI

KEYS = (typed_key, name_key, loose_key)


@dataclass(frozen=True)
class PlaceMatch:
    """A resolved commune code, or why not (`level` that failed, `reason`, `candidates`)."""

    version: str
    code: str | None = None
    name: str | None = None
    level: str | None = None
    reason: str = ""
    candidates: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.code is not None


class PlaceIndex:
    """Name keys of the units of one boundary version."""

    def __init__(self, units: pd.DataFrame, version: str):
        self.version = version
        self.units = units[units["version"] == version] if "version" in units else units
        self.levels = tuple(
            lv for lv in ("province", "district", "commune") if (self.units["level"] == lv).any()
        )
        u = self.units.copy()
        u["k_typed"] = u["name"].map(typed_key)
        u["k_name"] = u["name"].map(name_key)
        u["k_loose"] = u["name"].map(loose_key)
        self._by_level = {lv: g for lv, g in u.groupby("level")}

    def _find(self, level: str, text: str, parent: tuple[str, str] | None):
        """(row, None) or (None, PlaceMatch-reason) for one level."""
        pool = self._by_level.get(level)
        label = LEVEL_LABELS_VI[level]
        if pool is None:
            return None, (f"phiên bản {self.version} không có cấp {label}", ())
        if parent is not None:
            col, code = parent
            pool = pool[pool[col] == code]
        kind, _ = split_type(text)
        for key_fn, col in zip(KEYS, ("k_typed", "k_name", "k_loose"), strict=True):
            if col == "k_typed" and kind is None:
                continue
            hit = pool[pool[col] == key_fn(text)]
            if len(hit) == 1:
                return hit.iloc[0], None
            if len(hit) > 1:
                names = tuple(f"{r.name} (mã {r.code})" for r in hit.itertuples())
                return None, (f"tên {label} '{text}' trùng với nhiều đơn vị", names[:5])
        close = difflib.get_close_matches(
            loose_key(text), pool["k_loose"].tolist(), n=3, cutoff=0.6
        )
        names = tuple(
            f"{r.name} (mã {r.code})"
            for k in close
            for r in pool[pool["k_loose"] == k].itertuples()
        )
        return None, (f"không tìm thấy {label} '{text}' trong {self.version}", names[:3])

    def match(
        self, province: str, district: str, commune: str = "", level: str = "commune"
    ) -> PlaceMatch:
        """The unit of `level` a row names (by default its commune), each name matched
        inside the unit above it; names of coarser levels may be empty."""
        names = {"province": province, "district": district, "commune": commune}
        names = {lv: str(v or "").strip() for lv, v in names.items()}
        if not names[level]:
            return PlaceMatch(
                self.version, level=level, reason=f"thiếu tên {LEVEL_LABELS_VI[level]}"
            )
        parent = None
        for lv in ("province", "district", "commune"):
            if lv != level and (not names[lv] or lv not in self.levels):
                continue
            row, why = self._find(lv, names[lv], parent)
            if row is None:
                return PlaceMatch(self.version, level=lv, reason=why[0], candidates=why[1])
            if lv == level:
                return PlaceMatch(self.version, code=str(row["code"]), name=str(row["name"]))
            parent = ("province_code" if lv == "province" else "parent_code", row["code"])
        raise AssertionError(level)  # unreachable: `level` is one of the three


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
