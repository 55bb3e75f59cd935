"""Which boundary version a period is shown on, and carrying codes between versions."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from geodata.errors import ViewError
from geodata.schema import BoundaryVersion


def versions_from_table(df: pd.DataFrame) -> list[BoundaryVersion]:
    """Boundary versions as stored in the `boundary_versions` table."""

    def _d(v) -> date | None:
        return (
            None
            if v is None or (isinstance(v, float) and np.isnan(v)) or v == ""
            else date.fromisoformat(str(v))
        )

    return sorted(
        (
            BoundaryVersion(
                r.version,
                _d(r.valid_from),
                _d(r.valid_to),
                tuple(str(r.levels).split(",")),
                r.source,
                bool(r.is_approximate),
            )
            for r in df.itertuples()
        ),
        key=lambda v: v.valid_from or date.min,
    )


def version_for_period(versions: list[BoundaryVersion], year_to: int) -> BoundaryVersion:
    """The version valid at the end of the period (31 December of `year_to`).

    A period that spans a reform is shown on the newer units: older figures are
    carried to them through the crosswalk.
    """
    end = date(year_to, 12, 31)
    for v in versions:
        if v.covers(end):
            return v
    raise ViewError(f"Không có phiên bản ranh giới nào có hiệu lực vào {end:%d/%m/%Y}.")


def carry_codes(
    codes: pd.Series, crosswalk: pd.DataFrame, areas: pd.Series, forward: bool
) -> pd.Series:
    """Map unit codes to the other version through the crosswalk, one unit each.

    Discrete things (a model) go whole to the unit that received (forward) or gave
    (backward) the largest area, so counts are preserved. `areas` holds the from-side
    commune areas, indexed by code.
    """
    src, dst = ("from_code", "to_code") if forward else ("to_code", "from_code")
    cw = crosswalk.assign(w=crosswalk["share"] * crosswalk["from_code"].map(areas).fillna(1.0))
    best = cw.sort_values("w", ascending=False, kind="stable").drop_duplicates(src)
    return codes.map(dict(zip(best[src], best[dst], strict=True)))


def carry_status(status: pd.DataFrame, crosswalk: pd.DataFrame, areas: pd.Series) -> pd.DataFrame:
    """Carry older commune status to newer communes: each flag is set when predecessors
    holding at least half of the new commune's area had it. `transitioned` implies
    `hotspot`. Returns columns code, certified, hotspot, transitioned."""
    cw = crosswalk.assign(w=crosswalk["share"] * crosswalk["from_code"].map(areas).fillna(1.0))
    m = cw.merge(status, left_on="from_code", right_on="code", how="inner")
    flags = ["certified", "hotspot", "transitioned"]
    for f in flags:
        m[f] = m[f] * m["w"]
    g = m.groupby("to_code")[[*flags, "w"]].sum()
    out = pd.DataFrame({f: (g[f] / g["w"] >= 0.5).astype(int) for f in flags})
    out["transitioned"] = out["transitioned"] & out["hotspot"]
    return out.rename_axis("code").reset_index()
