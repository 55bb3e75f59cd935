"""Following an area across the 2025 reform: an area code of one boundary version,
asked for a period shown on another, moves to the unit(s) that received (or gave) its
communes, through the crosswalk. Never by name: names were reused across provinces."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from geodata.query import communes_in_area
from geodata.schema import LEVEL_LABELS_VI, UNIT_CROSSWALK


@dataclass(frozen=True)
class Followed:
    """Where an area went: the code to show in the target version and what to say."""

    code: str
    message: str
    level: str | None  # the display level to use ("commune" for a district or commune)


def follow_area(store, code: str, target_version: str, versions: list[str]) -> Followed | None:
    """The unit of `target_version` that took over the area `code` of another version.

    A province or district goes to the province that received most of its communes'
    area (a district's successors are named); a commune to the commune that received
    most of it. Returns None when the code is in no other version or the crosswalk
    does not link the two versions.
    """
    cw = store.table(UNIT_CROSSWALK)
    if cw.empty:
        return None
    for source in versions:
        if source == target_version:
            continue
        units = store.units(source)
        hit = units[units["code"] == code]
        if hit.empty:
            continue
        area = hit.sort_values(
            "level", key=lambda s: s.map(("province", "district", "commune").index)
        ).iloc[0]
        if (cw["from_version"] == source).any() and (cw["to_version"] == target_version).any():
            src, dst = "from_code", "to_code"
        elif (cw["from_version"] == target_version).any() and (cw["to_version"] == source).any():
            src, dst = "to_code", "from_code"
        else:
            continue
        communes = communes_in_area(units[units["level"] == "commune"], area)
        links = cw[cw[src].isin(set(communes["code"]))]
        if links.empty:
            return None
        areas = communes.set_index("code")["area_km2"]
        links = links.assign(w=links["share"] * links["from_code"].map(areas).fillna(1.0))
        target = store.units(target_version)
        t_communes = target[target["level"] == "commune"].set_index("code")
        got = links.groupby(dst)["w"].sum().sort_values(ascending=False)
        got = got[got.index.isin(t_communes.index)]
        if got.empty:
            return None
        forward = dst == "to_code"
        era = "trước 01/07/2025" if forward else "từ 01/07/2025"
        was = (
            f"{area['name']} (mã {area['code']}, {LEVEL_LABELS_VI[area['level']]} {era}, {source})"
        )
        when = "nay thuộc" if forward else "trước đây thuộc"
        finer = None if area["level"] == "province" else "commune"
        if area["level"] == "commune":
            best = t_communes.loc[got.index[0]]
            others = [t_communes.loc[c, "name"] for c in got.index[1:]]
            more = f"; phần còn lại thuộc {', '.join(others)}" if others else ""
            return Followed(
                str(got.index[0]),
                f"{was} {when} {best['name']} (mã {got.index[0]}){more}: hiển thị {best['name']}.",
                finer,
            )
        provinces = target[target["level"] == "province"].set_index("code")
        per_province = (
            pd.Series(got.to_numpy(), index=t_communes.loc[got.index, "province_code"].to_numpy())
            .groupby(level=0)
            .sum()
            .sort_values(ascending=False)
        )
        pcode = str(per_province.index[0])
        pname = provinces.loc[pcode, "name"]
        others = [provinces.loc[p, "name"] for p in per_province.index[1:]]
        more = f"; một phần thuộc {', '.join(others)}" if others else ""
        if area["level"] == "district":
            names = t_communes.loc[got.index, "name"].tolist()
            listed = ", ".join(names[:8]) + (
                f" và {len(names) - 8} đơn vị khác" if len(names) > 8 else ""
            )
            return Followed(
                pcode,
                f"{was} {when} {len(names)} xã/phường của {pname} (mã {pcode}): "
                f"{listed}{more}. Hiển thị {pname}.",
                finer,
            )
        return Followed(pcode, f"{was} {when} {pname} (mã {pcode}){more}: hiển thị {pname}.", finer)
    return None
