"""Everything an export shows, computed once and shared by every format.

The numbers come from the functions the page uses (`query_view`, `classify`,
`cards`), so an export and the page show the same figures for the same view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dashboard.figures import Card, panel_cards
from dashboard.format import fmt_int
from dashboard.map_view import class_labels, legend_title
from dashboard.notes import data_notes
from dashboard.panels import panels_for
from geodata.classify import SCHEMES, Classes
from geodata.compare import change_label
from geodata.display_docs import DisplayLayers, display_layers
from geodata.query import ViewResult, has_demo_data
from geodata.schema import LEVEL_LABELS_VI
from geodata.trend import Trend, unit_trend
from geodata.view import MapView


@dataclass(frozen=True)
class MapShot:
    """One map of an export: its caption (the period, for a comparison), numbers and
    classes (a comparison's two maps share the breaks)."""

    caption: str
    result: ViewResult
    classes: Classes


@dataclass(frozen=True)
class Snapshot:
    """One view, ready to draw: numbers, classes, words and display geometry.

    `result` and `classes` are those of the map that carries the legend (the view's
    period, or the change); `maps` lists every map drawn, left to right."""

    result: ViewResult
    classes: Classes
    labels: tuple[str, ...]  # one per class, as in the page legend
    cards: tuple[Card, ...]
    layers: DisplayLayers
    title: str
    subtitle: tuple[str, ...]
    legend_title: str
    source: tuple[str, ...]
    notes: tuple[str, ...]  # approximate boundaries / demo data warnings
    exported_at: datetime
    maps: tuple[MapShot, ...] = ()
    trend: Trend | None = None  # the selected unit's years, drawn under the map
    view_spec: MapView | None = None  # the whole view (with its comparison)

    @property
    def view(self) -> MapView:
        return self.view_spec or self.result.view

    @property
    def stamp(self) -> str:
        return f"Xuất lúc {self.exported_at:%H:%M} ngày {self.exported_at:%d/%m/%Y}"


def file_stem(view: MapView) -> str:
    """A file name for a view's export, the same from the page and the command line."""
    area = view.area or "toan-quoc"
    stem = f"ban-do_{view.metric}_{area}_{view.level}_{view.year_from}-{view.year_to}"
    if view.compare:  # a comparison is another picture: another file name
        y0, y1 = view.base_period
        stem += f"_{'so-sanh' if view.compare == 'side' else 'thay-doi'}-{y0}-{y1}"
    return stem


def filters_in_words(
    result: ViewResult, panels=None, spec: MapView | None = None
) -> tuple[str, ...]:
    """The view's filters as two short Vietnamese lines (a comparison's notes on
    carried figures are in the footer). `spec` is the whole view: the compared period is
    its own (the result's view is the one period, without it)."""
    v = result.view
    base_year = (spec or v).base_period[1]
    metric = v.metric_info
    if metric.kind == "models":
        types = "; ".join(v.model_types) if v.model_types else "tất cả"
        what = f"Loại mô hình: {types} · mô hình hoạt động trong kỳ"
    elif panels is not None and panels.comparison is not None:
        what = f"Trạng thái các xã cuối năm {base_year} và cuối năm {v.year_to}"
    else:
        what = f"Trạng thái các xã cuối năm {v.year_to}"
    ver = result.version
    since = f" (từ {ver.valid_from:%d/%m/%Y})" if ver.valid_from else ""
    until = f" (đến {ver.valid_to:%d/%m/%Y})" if ver.valid_to and not ver.valid_from else ""
    return (
        f"{what} · Hiển thị theo cấp {LEVEL_LABELS_VI[v.level]} ({fmt_int(len(result.rows))} đơn vị)",
        f"Phân lớp: {SCHEMES[v.scheme].lower()}, tối đa {v.k} lớp · "
        f"Ranh giới hành chính: {ver.version}{since}{until}",
    )


def build_snapshot(store, view: MapView, now: datetime | None = None, by: str = "") -> Snapshot:
    """Compute a view for export: the page's panels (one map, two periods, or the
    change), figures and, for a selected unit, its trend.

    Raises
    ------
    ViewError
        When the view cannot be shown (same checks as the page), before anything is drawn.
    """
    panels = panels_for(store, view)
    main = panels.main
    legend_map = panels.maps[-1]
    result, classes = legend_map.result, legend_map.classes
    metric = view.metric_info
    area = None if not view.area else {"code": view.area, "level": main.area_level}
    layers = display_layers(store, main.version.version, view.level, area)
    demo = has_demo_data(store)
    notes = data_notes(main.approximate, demo)
    data_source = (
        "có dữ liệu mẫu dựng sẵn của ứng dụng"
        if demo
        else "sổ theo dõi mô hình và trạng thái xã đã nhập vào kho"
    )
    unit = "%" if metric.unit == "%" else metric.unit
    base = view.base_view().period_label
    if view.compare == "change":
        title = f"{change_label(view)} — {main.area_name}"
        legend = f"{legend_title(metric, change=True)}\n({base} → {view.period_label})"
    elif view.compare == "side":
        title = f"{metric.label} — {main.area_name}, {base} và {view.period_label}"
        legend = f"{metric.label}\n({unit}; chung cho {base} và {view.period_label})"
    else:
        title = f"{metric.label} — {main.area_name}, {view.period_label}"
        legend = f"{metric.label}\n({unit}, {view.period_label})"
    trend = (
        unit_trend(store, view, main.version.version, main.area_level, main.area_name)
        if view.area and main.area_level
        else None
    )
    return Snapshot(
        result=result,
        classes=classes,
        labels=tuple(class_labels(classes, metric)),
        cards=tuple(panel_cards(store, panels)),
        layers=layers,
        title=title,
        subtitle=filters_in_words(main, panels, view),
        legend_title=legend,
        source=(
            f"Nguồn số liệu: {data_source} (kho {store.label}).",
            f"Nguồn ranh giới ({main.version.version}): {main.version.source}",
            *((f"Người xuất: {by}.",) if by else ()),
        ),
        notes=notes,
        exported_at=(now or datetime.now()).replace(microsecond=0),
        maps=tuple(
            MapShot(p.title.capitalize() if len(panels.maps) > 1 else "", p.result, p.classes)
            for p in panels.maps
        ),
        trend=trend,
        view_spec=view,
    )
