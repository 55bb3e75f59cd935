"""The years in motion: one map per year of a period, on one legend, written as an
animated GIF (Pillow) or an MP4 (the ffmpeg binary the `imageio-ffmpeg` wheel ships;
nothing is downloaded at run time), for slides.

Each year is the page's own view of that year (`build_snapshot`), so the numbers are
the page's; only the classes are shared: breaks computed over every year's values, so
a colour means the same number in 2016 and in 2025. A period that crosses the 2025
reorganisation follows the area through the crosswalk, as the page does.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from dashboard.export.render import RC, ExportError, Layout, draw
from dashboard.export.snapshot import MapShot, Snapshot, build_snapshot
from dashboard.map_view import class_labels
from geodata.classify import classify, palette_for
from geodata.view import MapView

VIDEO_W, VIDEO_H = 1280, 720
VIDEO_DPI = 100
# no figure cards: the side column holds the legend and the year, read from across a room
VIDEO_LAYOUT = Layout(
    VIDEO_W / VIDEO_DPI, VIDEO_H / VIDEO_DPI, header=True, figures=False, side=3.1
)
SECONDS_PER_YEAR = 1.5
MP4_FPS = 10  # each year is held for SECONDS_PER_YEAR × MP4_FPS identical frames
ANIMATION_FORMATS = {"gif": "Ảnh động GIF", "mp4": "Video MP4"}
ANIMATION_MIME = {"gif": "image/gif", "mp4": "video/mp4"}


def animation_years(store, view: MapView) -> list[int]:
    """The years a view steps through: its period when it spans several years, else
    the ten years that end with it (as far back as the data go)."""
    from geodata.query import data_years

    first, _last = data_years(store)
    if view.year_from < view.year_to:
        return list(range(view.year_from, view.year_to + 1))
    return list(range(max(first, view.year_to - 9), view.year_to + 1))


def year_snapshots(store, view: MapView, years: list[int], by: str = "",
                   progress: Callable[[int, int, str], None] | None = None) -> list[Snapshot]:  # fmt: skip
    """One snapshot per year, on classes shared by all of them."""
    from geodata.query import query_view
    from geodata.view_params import repair_view

    if len(years) < 2:
        raise ExportError("Cần ít nhất hai năm để tạo ảnh động: chọn một khoảng nhiều năm.")
    now = datetime.now()
    snaps = []
    for i, year in enumerate(years):
        if progress:
            progress(i, len(years), f"năm {year}")
        one = view.with_(year_from=year, year_to=year, compare="", base_from=None, base_to=None)
        one, _msgs = repair_view(store, one, [], query_view)  # the area across versions
        snaps.append(replace(build_snapshot(store, one, now=now, by=by), trend=None))
    return _shared_legend(snaps, view, years)


def _shared_legend(snaps: list[Snapshot], view: MapView, years: list[int]) -> list[Snapshot]:
    """The same breaks for every year (categories, already the same, are kept)."""
    span = f"{years[0]}–{years[-1]}"
    if snaps[0].classes.labels:  # categories (đạt chuẩn / chưa đạt …): one legend already
        return [replace(s, legend_title=f"{s.legend_title.split(chr(10))[0]}\n(chung cho {span})")
                for s in snaps]  # fmt: skip
    values = [np.asarray(s.result.rows["value"], dtype=float) for s in snaps]
    pooled = classify(np.concatenate(values), view.scheme, view.k, palette_for(view.metric))
    metric = view.metric_info
    labels = tuple(class_labels(pooled, metric))
    out, start = [], 0
    for s, v in zip(snaps, values, strict=True):
        classes = replace(pooled, bins=pooled.bins[start : start + len(v)])
        start += len(v)
        unit = "%" if metric.unit == "%" else metric.unit
        out.append(replace(s, classes=classes, labels=labels,
                           legend_title=f"{metric.label}\n({unit}; chung cho {span})",
                           maps=(MapShot("", s.result, classes),)))  # fmt: skip
    return out


def frame_rgb(snap: Snapshot, year: int) -> np.ndarray:
    """One frame, 1280 × 720: the page-style map with the year stamped large."""
    fig = draw(snap, VIDEO_LAYOUT)
    fig.text(0.97, 0.2, str(year), ha="right", va="bottom", fontsize=64, fontweight="bold",
             color="#1d2733", alpha=0.85, family="DejaVu Sans")  # fmt: skip
    canvas = FigureCanvasAgg(fig)
    fig.set_dpi(VIDEO_DPI)
    with mpl.rc_context(RC):
        canvas.draw()
    rgb = np.asarray(canvas.buffer_rgba())[..., :3].copy()
    if rgb.shape[:2] != (VIDEO_H, VIDEO_W):  # a rounding of the figure size: pad or cut
        out = np.full((VIDEO_H, VIDEO_W, 3), 255, dtype=np.uint8)
        h, w = min(VIDEO_H, rgb.shape[0]), min(VIDEO_W, rgb.shape[1])
        out[:h, :w] = rgb[:h, :w]
        rgb = out
    return rgb


def gif_bytes(frames: list[np.ndarray]) -> bytes:
    import imageio.v3 as iio

    out = io.BytesIO()
    iio.imwrite(out, np.stack(frames), extension=".gif", duration=int(SECONDS_PER_YEAR * 1000),
                loop=0)  # fmt: skip
    return out.getvalue()


def mp4_bytes(frames: list[np.ndarray]) -> bytes:
    """H.264 in an MP4 that PowerPoint and every player open (yuv420p)."""
    import imageio.v2 as iio2

    fd, tmp = tempfile.mkstemp(suffix=".mp4")
    os.close(fd)
    try:
        writer = iio2.get_writer(tmp, format="FFMPEG", fps=MP4_FPS, codec="libx264",
                                 pixelformat="yuv420p", quality=7, macro_block_size=16,
                                 ffmpeg_log_level="error")  # fmt: skip
        try:
            for frame in frames:
                for _ in range(int(SECONDS_PER_YEAR * MP4_FPS)):
                    writer.append_data(frame)
        finally:
            writer.close()
        return Path(tmp).read_bytes()
    finally:
        Path(tmp).unlink(missing_ok=True)


def animation_bytes(store, view: MapView, fmt: str, by: str = "",
                    progress: Callable[[int, int, str], None] | None = None) -> bytes:  # fmt: skip
    """The view's years as a GIF or an MP4 (`progress(done, total, what)` on the way)."""
    if fmt not in ANIMATION_FORMATS:
        raise ExportError(f"Định dạng '{fmt}' không hỗ trợ cho ảnh động; chọn gif hoặc mp4.")
    years = animation_years(store, view)
    total = 2 * len(years) + 1

    def step(done: int, _n: int, what: str) -> None:
        if progress:
            progress(done, total, f"Đang tính {what}")

    snaps = year_snapshots(store, view, years, by, step)
    frames = []
    for i, (snap, year) in enumerate(zip(snaps, years, strict=True)):
        if progress:
            progress(len(years) + i, total, f"Đang vẽ năm {year}")
        frames.append(frame_rgb(snap, year))
    if progress:
        progress(total - 1, total, f"Đang ghi {ANIMATION_FORMATS[fmt]}")
    data = gif_bytes(frames) if fmt == "gif" else mp4_bytes(frames)
    if progress:
        progress(total, total, "")
    return data
