"""Which reference unit each feature of a boundary file is: by code or by names.

What cannot be decided here becomes a `ReviewItem` with its candidates, never a guess:
an unmatched or ambiguous name, a code unknown to the reference (with the unit of its
parent its name matches, and the reference unit its polygon lies in), or a code whose
reference name contradicts the file's.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.names import loose_key
from geodata.schema import LEVEL_LABELS_VI, LEVELS
from loaders.boundary_checks import DECIDE, NOTE, REFUSE, SKIP
from loaders.boundary_fields import candidate_options
from loaders.places import PlaceIndex, PlaceMatch


@dataclass(frozen=True)
class ReviewItem:
    """A feature that needs a person to pick its unit: unmatched or ambiguous name, a code
    unknown to the reference, or a code whose reference name differs from the file's."""

    feature: int  # 1-based, as "đối tượng N" in the report
    level: str
    name: str  # as written in the file
    parent_code: str | None
    parent_name: str | None
    reason: str
    candidates: tuple[tuple[str, str], ...]  # (code, name)
    code: str | None = None  # as written in the file's code column


def codes_as_reference(values, pool_codes: set[str]) -> list[str]:
    """Codes as written ('148', 148.0, '04831') in the form of the reference codes."""
    width = max((len(c) for c in pool_codes), default=0)
    out = []
    for v in values:
        t = str(v).strip().removesuffix(".0")
        # a code the reference has as written stays (the island districts stand at
        # commune level under their 3-digit code); else leading zeros lost by a spreadsheet
        padded = t.zfill(width) if t.isascii() and t.isdigit() else t
        out.append(t if t in pool_codes else padded)
    return out


class Identifier:
    """Names and codes of the features -> reference codes, report rows and review items."""

    def __init__(self, gdf, index: PlaceIndex, units: pd.DataFrame, level: str, choice):
        self.gdf, self.index, self.level, self.choice = gdf, index, level, choice
        self.units = units
        self.pool = units[units["level"] == level]
        self.names = dict(zip(units["code"], units["name"], strict=False))
        self.pairs: list[tuple[int, str]] = []
        self.rows: list[tuple] = []
        self.review: list[ReviewItem] = []
        self.refused: dict[str, str] = {}
        self._cache: dict[tuple, PlaceMatch] = {}
        self.shapes: dict[str, gpd.GeoDataFrame] = {}

    def _col(self, lv: str, i) -> str:
        c = self.choice.names.get(lv) if self.choice else None
        v = self.gdf.at[i, c] if c else ""
        return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()

    def _match(self, i, level: str | None = None) -> PlaceMatch:
        level = level or self.level
        prov, dist = self._col("province", i), self._col("district", i)
        own = self._col(level, i)
        typ = self._col_type(i) if level == self.level else ""
        key = (prov, dist, own, typ, level)
        if key not in self._cache:
            names = {"province": prov, "district": dist, "commune": ""}
            names[level] = own
            self._cache[key] = self.index.match(
                names["province"], names["district"], names["commune"], level, typ or None
            )
        return self._cache[key]

    def match_notes(self) -> dict[str, int]:
        """Notes of the names matched by a rule (variant, alias, type), with how many
        distinct spellings in the file carried each: shown so no rule acts unseen."""
        counts: dict[str, int] = {}
        for m in self._cache.values():
            for n in m.notes if m.ok else ():
                counts[n] = counts.get(n, 0) + 1
        return counts

    def _col_type(self, i) -> str:
        t = self.choice.type_field if self.choice else None
        v = self.gdf.at[i, t] if t else ""
        return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)

    def _parent(self, i, point) -> tuple[str | None, str | None]:
        """The unit above: by the file's parent columns, else where the polygon lies."""
        lv = LEVELS[LEVELS.index(self.level) - 1] if self.level != "province" else None
        if lv is None or lv not in self.index.levels:
            lv = "province" if self.level == "commune" else None
        if lv is None:
            return None, None
        if self.choice and lv in self.choice.names:
            m = self._match(i, lv)
            return (m.code, m.name) if m.ok else (None, None)
        return self._at(lv, point)

    def _at(self, lv: str, point):
        shapes = self.shapes.get(lv)
        if shapes is None or point is None:
            return None, None
        hit = shapes.sindex.query(point, predicate="within")
        if len(hit) != 1:
            return None, None
        r = shapes.iloc[hit[0]]
        return str(r["code"]), str(r["name"])

    def by_names(self) -> None:
        own = self.choice.names[self.level]
        for i in self.gdf.index:
            m = self._match(i)
            if m.ok:
                self.pairs.append((i, m.code))
                continue
            written = self._col(self.level, i)
            hint = f" Gần giống: {'; '.join(m.candidates)}." if m.candidates else ""
            self.rows.append((f"đối tượng {i + 1}", written, m.reason + "." + hint, SKIP, DECIDE))
            if m.level == self.level:
                pc, pn = self._parent(i, None)
            else:
                pc, pn = None, None
            self.review.append(
                ReviewItem(i + 1, m.level or self.level, written or f"({own} trống)", pc, pn,
                           m.reason, candidate_options(m))
            )  # fmt: skip

    def bycodes_as_reference(self, code_field: str, shapes: dict[str, gpd.GeoDataFrame]) -> None:
        self.shapes = shapes
        pool = set(self.pool["code"])
        codes = codes_as_reference(self.gdf[code_field], pool)
        points = shapely.point_on_surface(self.gdf.geometry.to_numpy())
        has_names = bool(self.choice and self.level in self.choice.names)
        for (i, written_code), code, pt in zip(
            self.gdf[code_field].items(), codes, points, strict=True
        ):
            name = self._col(self.level, i) if has_names else ""
            if code in pool:
                if has_names and name and not self._name_fits(i, code, name):
                    self._name_mismatch(i, code, name)
                else:
                    self.pairs.append((i, code))
                continue
            self._unknown_code(i, str(written_code), name, pt)

    def _name_fits(self, i, code: str, name: str) -> bool:
        if loose_key(name) == loose_key(self.names[code]):
            return True
        m = self._match(i)
        return m.ok and m.code == code

    def _name_mismatch(self, i, code: str, name: str) -> None:
        m = self._match(i)
        ref = self.names[code]
        cands = [(code, ref)] + ([(m.code, m.name)] if m.ok and m.code != code else [])
        other = f"; tên trong tệp khớp {m.name} (mã {m.code})" if m.ok and m.code != code else ""
        reason = f"mã {code} là '{ref}' trong {self.index.version} nhưng tệp ghi '{name}'{other}"
        self.rows.append((f"đối tượng {i + 1}", name, reason, REFUSE, DECIDE))
        pc, pn = self._parent(i, None)
        self.review.append(ReviewItem(i + 1, self.level, name, pc, pn, reason, tuple(cands), code))

    def _unknown_code(self, i, written: str, name: str, point) -> None:
        label = LEVEL_LABELS_VI[self.level]
        reason = f"mã '{written}' không có trong {label} của {self.index.version}"
        inside = self._at(self.level, point)
        if inside[0]:
            reason += f"; đa giác nằm trong {inside[1]} (mã {inside[0]}), có thể đã sáp nhập vào đơn vị này"
        pc, pn = self._parent(i, point)
        cands: tuple[tuple[str, str], ...] = ()
        if name:
            m = self._match_in(pc, name)
            if m is not None and m.ok and any("bí danh" in n for n in m.notes):
                # a person decided this spelling before: the unit is known, the code is not
                self.pairs.append((i, m.code))
                note = f"mã '{written}' không có trong danh mục; dùng {m.name} (mã {m.code}) theo cách viết đã xác nhận"
                self.rows.append((f"đối tượng {i + 1}", name, note, "dùng", NOTE))
                return
            if m is not None and m.ok:
                cands = ((m.code, m.name),)
                reason += f"; tên '{name}' khớp đúng một đơn vị của {pn}: {m.name} (mã {m.code})"
        self.rows.append((f"đối tượng {i + 1}", name or written, reason, SKIP, DECIDE))
        if name or cands:
            self.review.append(ReviewItem(i + 1, self.level, name, pc, pn, reason, cands, written))

    def _match_in(self, parent_code: str | None, name: str) -> PlaceMatch | None:
        """Match `name` inside one parent unit, naming the parents from the reference."""
        if parent_code is None:
            return None
        # the parent is a district here: index that level only (the island districts
        # without communes share their code with their commune-level unit)
        u = self.units[self.units["level"] == "district"].set_index("code")
        if self.level == "district" or (
            self.level == "commune" and "district" not in self.index.levels
        ):
            prov, dist = self.names[parent_code], ""
        else:
            prov, dist = (
                self.names.get(u.at[parent_code, "province_code"], ""),
                self.names[parent_code],
            )
        names = {"province": prov, "district": dist, "commune": ""}
        names[self.level] = name
        return self.index.match(names["province"], names["district"], names["commune"], self.level)
