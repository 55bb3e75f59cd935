"""Map furniture of a static map: the scale bar (a true length on the ground: the map
is drawn in metres) and the north arrow (turned to true north), each placed where it
hides the least of the units."""

from __future__ import annotations

import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.patches import FancyArrow, Rectangle
from pyproj import Transformer

from dashboard.export.shapes import TO_METRES, MapShapes
from geodata.schema import EQUAL_AREA_CRS, STORAGE_CRS

INK = "#1d2733"


def nice_length(span_m: float) -> float:
    """A round scale-bar length (1, 2 or 5 × 10^n km) of about a quarter of the span."""
    target = span_m / 4
    exp = 10 ** np.floor(np.log10(target))
    for f in (5, 2, 1):
        if f * exp <= target:
            return float(f * exp)
    return float(exp)


def _km(metres: float) -> str:
    km = metres / 1000
    return f"{km:g}".replace(".", ",")


def _corner(ax, width_in: float, shapes: MapShapes, w_in: float, h_in: float, top: bool) -> str:
    """'left' or 'right': the corner (top or bottom) of the map with less land under a
    w×h inch box, so the scale bar and north arrow cover as little of the map as possible."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    per_in = (x1 - x0) / width_in
    w, h = w_in * per_in, h_in * per_in
    ya, yb = (y1 - h, y1) if top else (y0, y0 + h)
    left = shapes.land_in(shapely.box(x0, ya, x0 + w, yb))
    right = shapes.land_in(shapely.box(x1 - w, ya, x1, yb))
    return "left" if left < right else "right"


def draw_scale_bar(ax, width_in: float, shapes: MapShapes) -> None:
    """A scale bar along the bottom edge, where its box covers the least of the units
    (on a national map: the sea, not Cà Mau or Trường Sa)."""
    (x0, x1), (y0, _y1) = ax.get_xlim(), ax.get_ylim()
    per_in = (x1 - x0) / width_in
    length = nice_length(x1 - x0)
    box_w, box_h = length + 0.55 * per_in, 0.5 * per_in
    starts = [
        x0 + 0.25 * per_in + f * (x1 - x0 - box_w - 0.35 * per_in) for f in np.linspace(0, 1, 9)
    ]

    def covered(left: float) -> float:
        return shapes.land_in(
            shapely.box(
                left - 0.12 * per_in, y0, left - 0.12 * per_in + box_w, y0 + 0.1 * per_in + box_h
            )
        )

    left = min(starts, key=covered)
    base = y0 + 0.32 * per_in
    h = 0.06 * per_in
    # over the sea a white box keeps the bar readable; where every place along the edge
    # has units under it (a province), no box hides them: the labels get a halo instead
    boxed = covered(left) == 0
    halo = [] if boxed else [patheffects.withStroke(linewidth=2.2, foreground="white")]
    if boxed:
        ax.add_patch(
            Rectangle(
                (left - 0.12 * per_in, base - 0.22 * per_in),
                length + 0.55 * per_in,
                0.5 * per_in,
                facecolor="white",
                alpha=0.8,
                edgecolor="none",
                zorder=5,
            )
        )
    for i in range(4):
        ax.add_patch(
            Rectangle(
                (left + i * length / 4, base),
                length / 4,
                h,
                facecolor=INK if i % 2 == 0 else "white",
                edgecolor=INK,
                linewidth=0.6,
                zorder=6,
            )
        )
    # the middle label only when there is room for it between the others
    for frac in (0, 0.5, 1) if length / per_in >= 1.1 else (0, 1):
        text = _km(length * frac) + (" km" if frac == 1 else "")
        ax.text(
            left + frac * length,
            base - 0.05 * per_in,
            text,
            ha="center",
            va="top",
            fontsize=7,
            color=INK,
            zorder=7,
            path_effects=halo,
        )


def north_angle(x: float, y: float) -> float:
    """Direction of true north at a projected point, radians clockwise from map up."""
    inv = Transformer.from_crs(EQUAL_AREA_CRS, STORAGE_CRS, always_xy=True)
    lon, lat = inv.transform(x, y)
    nx, ny = TO_METRES.transform(lon, lat + 0.5)
    return float(np.arctan2(nx - x, ny - y))


def draw_north_arrow(ax, width_in: float, shapes: MapShapes) -> None:
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    per_in = (x1 - x0) / width_in
    theta = north_angle((x0 + x1) / 2, (y0 + y1) / 2)
    side = _corner(ax, width_in, shapes, 0.8, 1.1, top=True)
    cx = x1 - 0.45 * per_in if side == "right" else x0 + 0.45 * per_in
    cy = y1 - 0.75 * per_in
    length = 0.42 * per_in
    dx, dy = np.sin(theta) * length, np.cos(theta) * length
    ax.add_patch(
        FancyArrow(
            cx - dx / 2,
            cy - dy / 2,
            dx,
            dy,
            width=0.07 * per_in,
            head_width=0.2 * per_in,
            head_length=0.2 * per_in,
            length_includes_head=True,
            facecolor=INK,
            edgecolor="white",
            linewidth=0.8,
            zorder=6,
        )
    )
    ax.text(
        cx + dx * 0.75,
        cy + dy * 0.75,
        "B",
        ha="center",
        va="bottom",
        fontsize=11,
        fontweight="bold",
        color=INK,
        zorder=7,
        path_effects=[patheffects.withStroke(linewidth=3, foreground="white")],
    )


def frame(ax, colour: str = "#9aa5b1") -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor(colour)
        spine.set_linewidth(0.8)
