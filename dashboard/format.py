"""Numbers the Vietnamese way: '.' groups thousands, ',' marks decimals."""

from __future__ import annotations

import math

from geodata.view import Metric


def _group(n: str) -> str:
    return n.replace(",", ".")


def fmt_int(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return _group(f"{round(float(value)):,}")


def fmt_decimal(value, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{float(value):,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def fmt_number(value, metric: Metric | None = None) -> str:
    """An integer for counts, one or two decimals for rates, '%' for shares."""
    if metric is None or metric.key in (
        "model_count",
        "model_units",
        "certified_count",
        "hotspot_count",
        "transitioned_count",
    ):
        return fmt_int(value)
    if metric.is_share:
        text = fmt_decimal(value, 1)
        return text if text == "–" else f"{text}%"
    return fmt_decimal(value, 2)


def fmt_delta(now, before, metric: Metric | None = None) -> str | None:
    """'+12' / '−3,5' style change, or None when there is nothing to compare."""
    if (
        before is None
        or now is None
        or any(isinstance(v, float) and math.isnan(v) for v in (now, before))
    ):
        return None
    diff = float(now) - float(before)
    sign = "+" if diff > 0 else ("−" if diff < 0 else "±")
    body = fmt_number(abs(diff), metric)
    if metric is not None and metric.is_share:
        body = body.replace("%", " điểm %")
    return f"{sign}{body}"
