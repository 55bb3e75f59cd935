"""The maps a view is shown as (no Streamlit): one map, the two periods of a comparison
side by side on one legend, or one change map. The page and the exports both draw
these panels, so they show the same classes and words."""

from __future__ import annotations

from dataclasses import dataclass, replace

from dashboard.format import fmt_number
from dashboard.map_view import MapDress, legend_title
from geodata.categories import paired_classes, view_classes
from geodata.classify import Classes, classify_change
from geodata.compare import Comparison, compare_view
from geodata.query import ViewResult, query_view
from geodata.view import MapView


@dataclass(frozen=True)
class Panel:
    """One map: its numbers, classes and dress; `key` names its widget on the page."""

    key: str
    title: str  # the period (or change) it shows, over the map and in exports
    result: ViewResult
    classes: Classes
    dress: MapDress


@dataclass(frozen=True)
class Panels:
    view: MapView
    maps: tuple[Panel, ...]
    comparison: Comparison | None

    @property
    def main(self) -> ViewResult:
        """The view's own period (the figures, the ranking, the trend)."""
        return self.comparison.later if self.comparison else self.maps[-1].result

    @property
    def notes(self) -> tuple[str, ...]:
        return self.comparison.notes if self.comparison else self.main.notes


COMMUNE_CHANGE = {
    "certified_share": ("Không còn đạt chuẩn", "Không đổi", "Mới đạt chuẩn"),
    "transitioned_share": ("Trở lại trọng điểm", "Không đổi", "Mới chuyển hóa"),
}


def change_classes(comparison: Comparison, k: int) -> Classes:
    """Diverging classes of a change map, worded in the metric's units (points for
    shares)."""
    metric = comparison.view.metric_info

    def fmt(x: float) -> str:
        text = fmt_number(x, metric)
        return text.replace("%", " điểm %") if metric.is_share else text

    classes = classify_change(comparison.change.rows["value"], k, fmt)
    words = COMMUNE_CHANGE.get(comparison.view.metric)
    if words and comparison.view.level == "commune":
        # a commune's share is 0 or 100 %: its change is one of three events
        labels = [
            words[0]
            if lab.startswith("Giảm")
            else (words[2] if lab.startswith("Tăng") else words[1])
            for lab in classes.labels
        ]
        classes = replace(classes, labels=tuple(labels))
    return classes


def panels_for(store, view: MapView) -> Panels:
    """The panels of a view (see module docstring).

    Raises
    ------
    ViewError
        When a period of the view cannot be shown.
    """
    labels = view.labels
    if not view.compare:
        result = query_view(store, view)
        dress = MapDress(labels=labels)
        return Panels(
            view, (Panel("map", view.period_label, result, view_classes(result), dress),), None
        )
    cmp = compare_view(store, view)
    metric = view.metric_info
    if view.compare == "change":
        title = f"Thay đổi {cmp.periods}"
        dress = MapDress(
            legend_title=legend_title(metric, change=True),
            legend_period=cmp.periods,
            change=True,
            labels=labels,
        )
        return Panels(
            view, (Panel("map", title, cmp.change, change_classes(cmp, view.k), dress),), cmp
        )
    a, b = paired_classes(cmp.earlier, cmp.later)
    both = f"{cmp.earlier.view.period_label} và {cmp.later.view.period_label}"
    left = MapDress(legend=False, caption=cmp.earlier.view.period_label.capitalize(), labels=labels)
    right = MapDress(
        legend_period=f"chung cho {both}",
        caption=cmp.later.view.period_label.capitalize(),
        labels=labels,
    )
    return Panels(
        view,
        (
            Panel("map_base", cmp.earlier.view.period_label, cmp.earlier, a, left),
            Panel("map", cmp.later.view.period_label, cmp.later, b, right),
        ),
        cmp,
    )
