"""Key figures of a view with the change from the previous period (no Streamlit)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from dashboard.format import fmt_decimal, fmt_delta, fmt_int
from geodata.errors import ViewError
from geodata.query import ViewResult, data_years, query_view
from geodata.view import METRICS


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    delta: str | None
    help: str
    versus: str = ""  # what the delta compares with ("so với năm 2020")


def panel_cards(store, panels) -> list[Card]:
    """The figure cards of a page or export: the view's period, compared with the
    comparison's base period when there is one, else with the period just before."""
    if panels.comparison is not None:
        cmp = panels.comparison
        return cards(cmp.later, cmp.earlier.totals(), cmp.earlier.view.period_label)
    return cards(panels.main, previous_totals(store, panels.main))


def previous_totals(store, result: ViewResult) -> dict | None:
    """Totals of the period of the same length just before, on the same units, or None
    when it falls before the data."""
    v = result.view
    n = v.year_to - v.year_from + 1
    first, _ = data_years(store)
    if v.year_from - n < first:
        return None
    prev = v.with_(year_from=v.year_from - n, year_to=v.year_to - n)
    try:
        return query_view(store, prev, version=result.version.version).totals()
    except ViewError:
        return None


def previous_period_label(view) -> str:
    """'2019' or '2015–2019': the period of the same length just before the view's."""
    n = view.year_to - view.year_from + 1
    start, end = view.year_from - n, view.year_from - 1
    return str(end) if start == end else f"{start}–{end}"


def cards(result: ViewResult, prev: dict | None, base_label: str | None = None) -> list[Card]:
    """The key figures; `prev` are the totals compared with: the period just before, or
    a comparison's base period (`base_label`, e.g. 'năm 2020')."""
    t = result.totals()
    p = prev or {}
    before = (
        f"so với {base_label}"
        if base_label
        else f"so với kỳ trước ({previous_period_label(result.view)})"
    )
    share = METRICS["certified_share"]
    tshare = METRICS["transitioned_share"]
    out = [
        Card(
            "Mô hình tự quản về ANTT",
            fmt_int(t["model_count"]),
            fmt_delta(t["model_count"], p.get("model_count")),
            f"Số mô hình hoạt động trong kỳ; {before}.",
        ),
        Card(
            "Đơn vị mô hình",
            fmt_int(t["model_units"]),
            fmt_delta(t["model_units"], p.get("model_units")),
            f"Tổng số đơn vị mô hình (bản nhân rộng ở từng nơi); {before}.",
        ),
        Card(
            "Xã đạt chuẩn an ninh trật tự",
            f"{fmt_int(t['certified_count'])} xã đạt chuẩn / {fmt_int(t['communes_with_status'])} "
            f"({fmt_decimal(t['certified_share'])}%)",
            fmt_delta(t["certified_share"], p.get("certified_share"), share),
            f"Số xã đạt chuẩn ANTT trên tổng số xã có số liệu, cuối năm {result.view.year_to}; {before}.",
        ),
        Card(
            "Xã trọng điểm đã chuyển hóa",
            f"{fmt_int(t['transitioned_count'])} đã chuyển hóa / {fmt_int(t['hotspot_count'])} trọng điểm "
            f"({fmt_decimal(t['transitioned_share'])}%)",
            fmt_delta(t["transitioned_share"], p.get("transitioned_share"), tshare),
            f"Xã đã được chuyển hóa trên tổng số xã từng là trọng điểm, phức tạp về ANTT; {before}.",
        ),
    ]
    return [replace(c, versus=before) for c in out]
