"""A unit's trend as a chart (matplotlib, no pyplot): the page shows the PNG, the
exports draw the same figure, so both show the same lines.

Rates (shares, densities, models per commune) share one axis: unit, province and
country are comparable. Counts are not (a province's 112 models beside the country's
9,626 would be a flat line), so each gets its own small panel and scale.
"""

from __future__ import annotations

import io

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from dashboard.format import fmt_number
from geodata.trend import Trend
from geodata.view import METRICS

FONT = "DejaVu Sans"
COLOURS = ("#0b4f8a", "#d95f02", "#6b7683")  # unit, province, country
RC = {"font.family": FONT, "text.parse_math": False, "axes.unicode_minus": False}


def periods_shown(view) -> list[tuple[int, int]]:
    """The periods a view's maps show: its own, and a comparison's base period."""
    own = [(view.year_from, view.year_to)]
    return [view.base_period, *own] if view.compare else own


def is_rate(metric: str) -> bool:
    m = METRICS[metric]
    return m.is_share or metric in ("model_density", "models_per_commune")


def draw_trend(trend: Trend, fig: Figure, rect=(0, 0, 1, 1), years=None, fontsize=9) -> None:
    """Draw the trend into `rect` (figure fractions) of `fig`; `years`, a list of
    (from, to), shades the periods on the map."""
    metric = METRICS[trend.metric]
    fmt = FuncFormatter(lambda x, _pos: fmt_number(x, metric).replace("%", ""))
    t = trend.table
    x0, y0, w, h = rect
    panels = [list(trend.names)] if is_rate(trend.metric) else [[n] for n in trend.names]
    n = len(panels)
    gap = 0.07 * w if n > 1 else 0
    pw = (w - gap * (n - 1)) / n
    with mpl.rc_context(RC):
        for i, names in enumerate(panels):
            left = 0.1 if n == 1 else 0.16
            ax = fig.add_axes(
                (x0 + i * (pw + gap) + left * pw, y0 + 0.13 * h, (0.97 - left) * pw, 0.64 * h)
            )
            for name in names:
                role = 0 if name == trend.names[0] else (2 if name == "Toàn quốc" else 1)
                colour = COLOURS[role]
                ax.plot(
                    t["year"],
                    t[name],
                    marker="o",
                    markersize=3,
                    linewidth=2.2 if name == trend.names[0] else 1.5,
                    linestyle="--" if name == "Toàn quốc" else "-",
                    color=colour,
                    label=name,
                )
            for first, last in years or ():
                ax.axvspan(first - 0.4, last + 0.4, color="#fde7a9", zorder=0)
            ax.yaxis.set_major_formatter(fmt)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=7 if n == 1 else 4))
            ax.tick_params(labelsize=fontsize - 1)
            ax.grid(axis="y", color="#e3e6ea")
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            finite = t[names].to_numpy(dtype=float)
            if np.isfinite(finite).any() and np.nanmin(finite) >= 0:
                ax.set_ylim(bottom=0)
            title = names[0] if len(names) == 1 else ""
            if title:
                ax.set_title(title, fontsize=fontsize, loc="left")
            elif len(names) > 1:
                ax.legend(fontsize=fontsize - 1, frameon=False, loc="best")
        unit = "%" if metric.unit == "%" else metric.unit
        fig.text(
            x0 + 0.005,
            y0 + h - 0.02 * h,
            f"{metric.label} ({unit}) qua các năm",
            fontsize=fontsize + 1,
            fontweight="bold",
            va="top",
            color="#1d2733",
        )


def trend_png(trend: Trend, years=None, width: float = 7.5, height: float = 2.6) -> bytes:
    """The trend as a PNG for the page (150 dpi)."""
    fig = Figure(figsize=(width, height), facecolor="white")
    draw_trend(trend, fig, years=years)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150)
    return buf.getvalue()
