"""Two periods of a view on the same units: side by side, and their difference.

Both periods are computed on the boundary version of the later one, so a unit means
the same ground in both; figures recorded on the units before the 2025 reform are
carried to the new ones through the crosswalk (never matched by name), and the
comparison says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from geodata.errors import ViewError
from geodata.query import ViewResult, query_view
from geodata.schema import BOUNDARY_VERSIONS
from geodata.versions import version_for_period, versions_from_table
from geodata.view import MapView, period_label


@dataclass(frozen=True)
class Comparison:
    """The base period (`earlier`) and the view's period (`later`) on the same units,
    and `change`: the later rows with `value` = later − earlier (percentage points for
    shares; NaN where either period has no value)."""

    view: MapView
    earlier: ViewResult
    later: ViewResult
    change: ViewResult
    notes: tuple[str, ...]

    @property
    def periods(self) -> str:
        """'2020 → 2026' (the base period first)."""
        return f"{self.earlier.view.period_label} → {self.later.view.period_label}"


def change_label(view: MapView) -> str:
    """'Thay đổi số mô hình …, năm 2020 → năm 2026' for titles and legends."""
    m = view.metric_info
    y0, y1 = view.base_period
    return (
        f"Thay đổi {m.label[0].lower()}{m.label[1:]}, {period_label(y0, y1)} → {view.period_label}"
    )


def compare_view(store, view: MapView) -> Comparison:
    """Compute both periods of a comparison view on the later period's units.

    Raises
    ------
    ViewError
        When either period cannot be shown (see `query_view`).
    """
    base = view.base_view()
    if base.year_to >= view.year_from:
        raise ViewError(
            f"Kỳ so sánh {base.period_label} phải kết thúc trước kỳ đang xem "
            f"({view.period_label}): chọn một kỳ sớm hơn."
        )
    later = query_view(store, view)
    versions = versions_from_table(store.table(BOUNDARY_VERSIONS))
    natural = version_for_period(versions, base.year_to).version
    earlier = query_view(store, base, version=later.version.version)
    notes = list(dict.fromkeys([*earlier.notes, *later.notes]))
    if natural != later.version.version:
        notes.insert(
            0,
            f"Số liệu {base.period_label} ghi theo đơn vị hành chính trước 01/07/2025 ({natural}) "
            f"được chuyển sang đơn vị sau sắp xếp ({later.version.version}) qua bảng chuyển đổi, "
            "để hai kỳ được so trên cùng các đơn vị.",
        )
    before = earlier.rows.set_index("code")["value"].reindex(later.rows["code"]).to_numpy(float)
    after = later.rows["value"].to_numpy(float)
    diff = np.where(np.isfinite(before) & np.isfinite(after), after - before, np.nan)
    change = replace(later, rows=later.rows.assign(value=diff, value_before=before))
    return Comparison(view, earlier, later, change, tuple(notes))
