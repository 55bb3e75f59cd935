"""Draw a snapshot as a finished map with matplotlib (no pyplot: safe in a server).

The map is drawn in the equal-area projection of the store (metres), so the scale bar
is a plain length and the north arrow is turned to true north at the map's centre.
Units are drawn as one `PathCollection` built straight from the coordinate arrays,
which keeps the national commune map (10,000 units) to about a second.
Hoàng Sa and Trường Sa lie far east of the mainland: when the shown units reach them
they get their own inset frames instead of shrinking the mainland to a strip.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib import font_manager, ft2font, patheffects
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from dashboard.export.furniture import INK, draw_north_arrow, draw_scale_bar, frame
from dashboard.export.shapes import (
    ARCHIPELAGO_OWNERS,
    TO_METRES,
    MapShapes,
    archipelago_boxes,
    island_colours,
    map_shapes,
    project,
)
from dashboard.export.snapshot import MapShot, Snapshot
from dashboard.trend_chart import draw_trend, periods_shown
from geodata.classify import MAP_BACKGROUND, NO_DATA_COLOUR
from geodata.errors import AnttError
from geodata.islands import ARCHIPELAGOS

# DejaVu Sans covers every Vietnamese letter; matplotlib ships it, so it is installed
# with the project itself (and Debian's fonts-dejavu-core by .ci/run).
FONT = "DejaVu Sans"
RC = {
    "font.family": FONT,
    "pdf.fonttype": 42,  # embed TrueType: PDF text stays selectable and searchable
    "pdf.compression": 6,
    "path.simplify": True,
    "axes.unicode_minus": False,
    # names and model types are data: `$…$` in them is text, never mathtext
    "text.parse_math": False,
    "text.usetex": False,
}
MUTED = "#55606e"
SEA = MAP_BACKGROUND  # the web map's sea, for the insets


class ExportError(AnttError):
    """An export cannot be drawn or written (font, output path, format)."""


@dataclass(frozen=True)
class Layout:
    """Page geometry in inches; `header` draws title and filters, `figures` the key figures."""

    width: float
    height: float
    header: bool
    figures: bool
    side: float  # width of the legend / figures column


A4_LANDSCAPE = Layout(297 / 25.4, 210 / 25.4, header=True, figures=True, side=3.3)
SLIDE_PICTURE = Layout(8.2, 5.75, header=False, figures=False, side=2.45)


def _fit_limits(bounds, box_w: float, box_h: float, pad: float = 0.04):
    """Data limits around `bounds` with the box's aspect ratio (equal scale in x and y)."""
    minx, miny, maxx, maxy = bounds
    w = max(maxx - minx, 1.0) * (1 + 2 * pad)
    h = max(maxy - miny, 1.0) * (1 + 2 * pad)
    if w / h < box_w / box_h:
        w = h * box_w / box_h
    else:
        h = w * box_h / box_w
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    return (cx - w / 2, cx + w / 2), (cy - h / 2, cy + h / 2)


def _unit_collection(paths, colours, n_units: int, **kw) -> PathCollection:
    if n_units > 2000:
        # no borders: at this density they would turn the map grey; face-coloured
        # hairlines close the antialiasing seams between neighbours
        edge, lw = "face", 0.15
    else:
        # grey, not white: the lightest class must still show its edge on white paper
        edge, lw = "#6b7683", 0.25 if n_units > 300 else 0.45
    return PathCollection(paths, facecolors=colours, edgecolors=edge, linewidths=lw, zorder=1, **kw)


# ------------------------------------------------------------------ the page


class _Page:
    """Inch-based placement on one figure."""

    def __init__(self, fig: Figure, layout: Layout):
        self.fig, self.w, self.h = fig, layout.width, layout.height

    def axes(self, left: float, bottom: float, width: float, height: float):
        return self.fig.add_axes((left / self.w, bottom / self.h, width / self.w, height / self.h))

    def text(self, x: float, y: float, s: str, **kw):
        return self.fig.text(x / self.w, y / self.h, s, **kw)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width, break_long_words=False))


def draw(snap: Snapshot, layout: Layout = A4_LANDSCAPE) -> Figure:
    """The finished map of a snapshot as a matplotlib Figure: one map, or a
    comparison's two side by side on the one legend; a selected unit's trend under it."""
    check_glyphs(snap)
    shots = snap.maps or (MapShot("", snap.result, snap.classes),)
    with mpl.rc_context(RC):
        fig = Figure(figsize=(layout.width, layout.height), facecolor="white")
        page = _Page(fig, layout)
        margin = 0.25
        top = layout.height - margin
        if layout.header:
            title = _wrap(snap.title, 78)
            page.text(margin, top, title, fontsize=16, fontweight="bold", color=INK, va="top")
            top -= 0.3 * (title.count("\n") + 1) + 0.08
            for line in snap.subtitle:
                page.text(margin, top, line, fontsize=9, color=MUTED, va="top")
                top -= 0.2
            top -= 0.12
        footer_h = _draw_footer(page, snap, layout, margin)
        bottom = margin + footer_h + 0.1
        box_w = layout.width - 2 * margin - layout.side - 0.3
        if snap.trend is not None:
            trend_h = min(1.9, 0.3 * (top - bottom))
            draw_trend(
                snap.trend,
                fig,
                (
                    margin / layout.width,
                    bottom / layout.height,
                    box_w / layout.width,
                    (trend_h - 0.1) / layout.height,
                ),
                years=periods_shown(snap.view),
                fontsize=7.5,
            )
            bottom += trend_h
        gap = 0.3
        each_w = (box_w - gap * (len(shots) - 1)) / len(shots)
        x = margin
        for shot in shots:
            x += (
                _draw_map(
                    page,
                    snap,
                    map_shapes(snap, shot),
                    shot.caption,
                    x,
                    bottom,
                    each_w,
                    top - bottom,
                )
                + gap
            )
        side_x = max(x - gap + 0.35, layout.width - margin - layout.side)
        y = _draw_legend(page, snap, side_x, top, layout.width - margin - side_x)
        if layout.figures:
            _draw_figures(page, snap, side_x, y - 0.3, layout.width - margin - side_x)
    return fig


def _draw_map(
    page: _Page,
    snap: Snapshot,
    shapes: MapShapes,
    caption: str,
    x0: float,
    bottom: float,
    box_w: float,
    box_h: float,
) -> float:
    """One map (and its insets) inside the box; returns the width it used (inches)."""
    if caption:
        page.text(x0, bottom + box_h, caption, fontsize=12, fontweight="bold", color=INK, va="top")
        box_h -= 0.32
    minx, miny, maxx, maxy = shapes.mainland_bounds
    aspect = max(maxx - minx, 1.0) / max(maxy - miny, 1.0)
    inset_w = 0.0
    if shapes.archipelagos:
        # a column of insets right of the map, in proportion: never wider than a third
        # of the map, never as wide as the space the map leaves
        inset_w = min(2.0, max(1.1, 0.32 * min(box_w, aspect * box_h * 1.08)))
    map_w = min(box_w - (inset_w + 0.25 if inset_w else 0.0), aspect * box_h * 1.08)
    map_w = max(map_w, 2.0)
    ax = page.axes(x0, bottom, map_w, box_h)
    ax.set_label("map")  # tests and callers tell it from the trend's and the insets' axes
    xlim, ylim = _fit_limits(shapes.mainland_bounds, map_w, box_h)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal", adjustable="box")
    ax.set_facecolor("white")
    frame(ax)
    n = len(shapes.paths)
    ax.add_collection(_unit_collection(shapes.paths, shapes.colours, n))
    if shapes.outlines:
        ax.add_collection(
            PathCollection(
                shapes.outlines, facecolors="none", edgecolors="#3b4652", linewidths=0.45, zorder=2
            )
        )
    for x, y, name in shapes.label_points:
        ax.text(
            x,
            y,
            name,
            ha="center",
            va="center",
            fontsize=6.5 if n > 15 else 7.5,
            color=INK,
            clip_on=True,
            zorder=4,
            path_effects=[patheffects.withStroke(linewidth=2.2, foreground="white")],
        )
    if shapes.islands:
        xs, ys, cols = zip(*shapes.islands, strict=True)
        ax.scatter(xs, ys, s=9, c=list(cols), edgecolors=INK, linewidths=0.4, zorder=3)
        for x, y, text in shapes.island_labels:  # in the sea: no halo, so PDF text stays text
            ax.text(
                x,
                y,
                text,
                ha="center",
                va="bottom",
                fontsize=6.5,
                fontweight="bold",
                color="#1f4e79",
                zorder=4,
                linespacing=1.1,
            )
    draw_scale_bar(ax, map_w, shapes)
    draw_north_arrow(ax, map_w, shapes)
    if shapes.archipelagos:
        _draw_insets(page, snap, shapes, x0 + map_w + 0.25, bottom, inset_w, box_h)
        return map_w + 0.25 + inset_w
    return map_w


def _draw_insets(page: _Page, snap: Snapshot, shapes: MapShapes, x, bottom, width, height) -> None:
    """One framed inset per archipelago the shown units reach, stacked from the bottom,
    Trường Sa (south) below Hoàng Sa (north), each at the main map's colours."""
    boxes = archipelago_boxes()
    names = [n for n in ("Trường Sa", "Hoàng Sa") if n in shapes.archipelagos]
    frames = [project([boxes[n]])[0].bounds for n in names]
    ratios = [(b[3] - b[1]) / (b[2] - b[0]) for b in frames]
    gap = 0.45  # room for each frame's caption
    w = min(width, (height - gap * len(names)) / sum(ratios))  # one width for every frame
    y = bottom
    for name, (minx, miny, maxx, maxy), ratio in zip(names, frames, ratios, strict=True):
        h = w * ratio
        ax = page.axes(x, y, w, h)
        ax.set_xlim(minx, maxx)
        ax.set_ylim(miny, maxy)
        ax.set_aspect("equal", adjustable="box")
        ax.set_facecolor(SEA)
        frame(ax, INK)
        idx = shapes.archipelagos[name]
        ax.add_collection(
            PathCollection(
                [shapes.paths[i] for i in idx],
                facecolors=[shapes.colours[i] for i in idx],
                edgecolors=INK,
                linewidths=0.3,
            )
        )
        # islands are a few hundred metres across: mark each at the colour of its unit
        lonlat = np.array([(lon, lat) for _, lat, lon in ARCHIPELAGOS[name]])
        xs, ys = TO_METRES.transform(lonlat[:, 0], lonlat[:, 1])
        units = snap.layers.units.geometry.to_numpy()
        colours = island_colours(units, shapes.colours, idx, name)
        ax.scatter(xs, ys, s=14, c=colours, edgecolors=INK, linewidths=0.5, zorder=3)
        page.text(
            x,
            y + h + 0.05,
            f"Quần đảo {name} ({ARCHIPELAGO_OWNERS[name]})",
            fontsize=7.5,
            fontweight="bold",
            color=INK,
            va="bottom",
        )
        y += h + gap


def _draw_legend(page: _Page, snap: Snapshot, x: float, top: float, width: float) -> float:
    """Class swatches with their ranges and the no-data class; returns the y below it."""
    chars = max(18, int(width * 11))
    title = "\n".join(_wrap(line, chars) for line in snap.legend_title.split("\n"))
    page.text(x, top, title, fontsize=9.5, fontweight="bold", color=INK, va="top", linespacing=1.3)
    y = top - 0.2 * (title.count("\n") + 1) - 0.15
    rows = [
        *zip(snap.classes.colours, snap.labels, strict=True),
        (NO_DATA_COLOUR, snap.classes.no_data_label),
    ]
    for colour, label in rows:
        page.fig.add_artist(
            Rectangle(
                (x / page.w, (y - 0.16) / page.h),
                0.32 / page.w,
                0.17 / page.h,
                transform=page.fig.transFigure,
                facecolor=colour,
                edgecolor="#7b8794",
                linewidth=0.6,
            )
        )
        text = _wrap(label, max(16, int((width - 0.45) * 12)))  # never past the page edge
        many = "\n" in text  # a wrapped label starts level with its swatch's top
        page.text(x + 0.42, y + 0.02 if many else y - 0.075, text, fontsize=9, color=INK,
                  va="top" if many else "center")  # fmt: skip
        y -= 0.25 + 0.16 * text.count("\n")
    return y


def _draw_figures(page: _Page, snap: Snapshot, x: float, top: float, width: float) -> None:
    page.text(
        x, top, "Số liệu chính của địa bàn", fontsize=9.5, fontweight="bold", color=INK, va="top"
    )
    y = top - 0.3
    chars = max(20, int(width * 10))
    for card in snap.cards:
        page.text(x, y, card.label, fontsize=8, color=MUTED, va="top")
        value = _wrap(card.value, chars)
        page.text(x, y - 0.17, value, fontsize=10.5, fontweight="bold", color=INK, va="top")
        y -= 0.17 + 0.2 * (value.count("\n") + 1)
        if card.delta:
            colour = (
                "#1a7f37"
                if card.delta.startswith("+")
                else ("#b42318" if card.delta.startswith("−") else MUTED)
            )
            page.text(
                x,
                y,
                f"{card.delta} {card.versus}",
                fontsize=7.5,
                color=colour,
                va="top",
            )
            y -= 0.18
        y -= 0.12


def _draw_footer(page: _Page, snap: Snapshot, layout: Layout, margin: float) -> float:
    """Source, export time and warnings along the bottom; returns the height used."""
    chars = int((layout.width - 2 * margin) * 15.5)
    lines = []
    for s in snap.source:
        lines += textwrap.wrap(s, chars)
    lines.append(f"{snap.stamp} · antt-map")
    y = margin
    for line in reversed(lines):
        page.text(margin, y, line, fontsize=6.5, color=MUTED, va="bottom")
        y += 0.13
    if snap.notes:
        note = "⚠ " + " ".join(snap.notes)
        note = _wrap(note, int((layout.width - 2 * margin) * 13))
        page.text(
            margin,
            y + 0.08,
            note,
            fontsize=7.5,
            color="#6b4e00",
            va="bottom",
            bbox={"boxstyle": "round,pad=0.3", "facecolor": "#fff4ce", "edgecolor": "#d8b600"},
        )
        y += 0.08 + 0.16 * (note.count("\n") + 1) + 0.08
    return y - margin


# ------------------------------------------------------------------ fonts


def snapshot_texts(snap: Snapshot) -> list[str]:
    """Every string an export draws (for the glyph check)."""
    texts = [snap.title, *snap.subtitle, snap.legend_title, *snap.labels, *snap.source, *snap.notes]
    texts += [snap.stamp, "Không có số liệu", "Số liệu chính của địa bàn", "⚠ B km"]
    texts += [f"Quần đảo {n} ({o})" for n, o in ARCHIPELAGO_OWNERS.items()]
    texts += snap.result.rows["short_name"].astype(str).tolist()
    for c in snap.cards:
        texts += [c.label, c.value, c.delta or ""]
    return texts


def missing_glyphs(texts: list[str], font: str = FONT) -> set[str]:
    """Characters of `texts` the font has no glyph for (they would print as boxes)."""
    path = font_manager.findfont(font, fallback_to_default=False)
    face = ft2font.FT2Font(path)
    chars = {ch for t in texts for ch in t if not ch.isspace()}
    return {ch for ch in chars if face.get_char_index(ord(ch)) == 0}


def check_glyphs(snap: Snapshot) -> None:
    try:
        missing = missing_glyphs(snapshot_texts(snap))
    except ValueError as err:  # findfont: font not installed
        raise ExportError(
            f"Không tìm thấy phông chữ {FONT} để viết tiếng Việt. Cài lại matplotlib "
            "(pip install -e .) hoặc gói fonts-dejavu-core."
        ) from err
    if missing:
        raise ExportError(
            f"Phông chữ {FONT} thiếu ký tự {' '.join(sorted(missing))}: "
            "bản đồ sẽ in ô vuông thay cho chữ. Cài gói fonts-dejavu-core bản mới hơn."
        )
