"""Everything an export shows, computed once and shared by every format.

The numbers come from the functions the page uses (`query_view`, `classify`,
`cards`), so an export and the page show the same figures for the same view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dashboard.figures import Card, cards, previous_totals
from dashboard.format import fmt_int
from dashboard.map_view import class_labels
from dashboard.notes import data_notes
from geodata.categories import view_classes
from geodata.classify import SCHEMES, Classes
from geodata.display_docs import DisplayLayers, display_layers
from geodata.query import ViewResult, has_demo_data, query_view
from geodata.schema import LEVEL_LABELS_VI
from geodata.view import MapView


@dataclass(frozen=True)
class Snapshot:
    """One view, ready to draw: numbers, classes, words and display geometry."""

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

    @property
    def view(self) -> MapView:
        return self.result.view

    @property
    def stamp(self) -> str:
        return f"Xuất lúc {self.exported_at:%H:%M} ngày {self.exported_at:%d/%m/%Y}"


def file_stem(view: MapView) -> str:
    """A file name for a view's export, the same from the page and the command line."""
    area = view.area or "toan-quoc"
    return f"ban-do_{view.metric}_{area}_{view.level}_{view.year_from}-{view.year_to}"


def filters_in_words(result: ViewResult) -> tuple[str, ...]:
    """The view's filters as two short Vietnamese lines."""
    v = result.view
    metric = v.metric_info
    if metric.kind == "models":
        types = "; ".join(v.model_types) if v.model_types else "tất cả"
        what = f"Loại mô hình: {types} · mô hình hoạt động trong kỳ"
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


def build_snapshot(store, view: MapView, now: datetime | None = None) -> Snapshot:
    """Compute a view for export.

    Raises
    ------
    ViewError
        When the view cannot be shown (same checks as the page), before anything is drawn.
    """
    result = query_view(store, view)
    metric = view.metric_info
    classes = view_classes(result)
    area = None if not view.area else {"code": view.area, "level": result.area_level}
    layers = display_layers(store, result.version.version, view.level, area)
    demo = has_demo_data(store)
    notes = data_notes(result.approximate, demo)
    data_source = (
        "có dữ liệu mẫu dựng sẵn của ứng dụng"
        if demo
        else "sổ theo dõi mô hình và trạng thái xã đã nhập vào kho"
    )
    unit = "%" if metric.unit == "%" else metric.unit
    return Snapshot(
        result=result,
        classes=classes,
        labels=tuple(class_labels(classes, metric)),
        cards=tuple(cards(result, previous_totals(store, result))),
        layers=layers,
        title=f"{metric.label} — {result.area_name}, {view.period_label}",
        subtitle=filters_in_words(result),
        legend_title=f"{metric.label}\n({unit}, {view.period_label})",
        source=(
            f"Nguồn số liệu: {data_source} (kho {store.path.name}).",
            f"Nguồn ranh giới ({result.version.version}): {result.version.source}",
        ),
        notes=notes,
        exported_at=(now or datetime.now()).replace(microsecond=0),
    )
