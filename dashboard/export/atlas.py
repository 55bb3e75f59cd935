"""An atlas: the batch of `--each province|district` as one multipage PDF, a contents
page first (every area with its page), the pages numbered, and a bookmark per area
(pypdf adds the outline matplotlib's PdfPages cannot write).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime

import matplotlib as mpl
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from dashboard.export.batch import batch_jobs
from dashboard.export.render import A4_LANDSCAPE, FONT, RC, draw
from dashboard.export.snapshot import build_snapshot
from geodata.schema import LEVEL_LABELS_VI
from geodata.view import MapView

PER_CONTENTS_PAGE = 30


def _contents(title: str, lines: list[str], entries: list[tuple[str, int]]) -> list[Figure]:
    """The contents pages: each area and the page its map is on."""
    pages = []
    for first in range(0, max(len(entries), 1), PER_CONTENTS_PAGE):
        fig = Figure(figsize=(A4_LANDSCAPE.width, A4_LANDSCAPE.height))
        more = " (tiếp)" if first else ""
        fig.text(0.07, 0.92, title + more, fontsize=18, weight="bold", family=FONT, color="#1d2733")
        y = 0.86
        for line in lines if not first else []:
            fig.text(0.07, y, line, fontsize=10.5, family=FONT, color="#55606e")
            y -= 0.035
        fig.text(
            0.07, y - 0.01, "Mục lục", fontsize=13, weight="bold", family=FONT, color="#1d2733"
        )
        y -= 0.05
        for i, (name, page) in enumerate(entries[first : first + PER_CONTENTS_PAGE], first + 1):
            fig.text(0.09, y, f"{i}. {name}", fontsize=10, family=FONT, color="#1d2733")
            fig.text(0.6, y, f"trang {page}", fontsize=10, family=FONT, color="#55606e", ha="right")
            y -= 0.024
        pages.append(fig)
    return pages


def atlas_pdf(store, view: MapView, each: str, by: str = "",
              progress: Callable[[int, int, str], None] | None = None) -> bytes:  # fmt: skip
    """One PDF: contents, then a page per province (or per district of `view.area`)."""
    from pypdf import PdfReader, PdfWriter

    jobs = batch_jobs(store, view, each, "pdf")
    now = datetime.now().replace(microsecond=0)
    snaps = []
    total = 2 * len(jobs) + 1  # computing each area, drawing each page, the file
    for i, job in enumerate(jobs):
        if progress:
            progress(i, total, f"tính {job.name}")
        snaps.append(build_snapshot(store, job.view, now=now, by=by))
    units = store.units(snaps[0].result.version.version) if snaps else None
    parent = "Toàn quốc"
    if view.area and units is not None:
        hit = units[units["code"] == view.area]
        parent = str(hit["name"].iloc[0]) if len(hit) else view.area
    metric = view.metric_info
    title = f"Tập bản đồ: {metric.label} — {parent}, {view.period_label}"
    word = "tỉnh/thành phố" if each == "province" else "huyện/quận"
    lines = [f"{len(jobs)} {word}, mỗi trang một bản đồ cấp {LEVEL_LABELS_VI[view.level]}",
             f"Lập lúc {now:%H:%M} ngày {now:%d/%m/%Y}" + (f" · Người xuất: {by}" if by else "")]  # fmt: skip
    n_contents = -(-max(len(jobs), 1) // PER_CONTENTS_PAGE)
    entries = [(job.name, n_contents + i + 1) for i, job in enumerate(jobs)]
    out = io.BytesIO()
    with mpl.rc_context(RC), PdfPages(out, metadata={"Title": title, "Creator": "antt-map",
                                                     "CreationDate": now.astimezone()}) as pdf:  # fmt: skip
        for page in _contents(title, lines, entries):
            pdf.savefig(page)
        for i, ((name, number), snap) in enumerate(zip(entries, snaps, strict=True)):
            if progress:
                progress(len(jobs) + i, total, f"vẽ trang {number}: {name}")
            fig = draw(snap, A4_LANDSCAPE)
            fig.text(0.985, 0.012, f"Trang {number} · {name}", ha="right", va="bottom",
                     fontsize=7, color="#55606e", family=FONT)  # fmt: skip
            pdf.savefig(fig)
    if progress:
        progress(total - 1, total, "ghi mục lục và dấu trang")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(out.getvalue())))
    writer.add_outline_item(title="Mục lục", page_number=0)
    for name, number in entries:
        writer.add_outline_item(title=name, page_number=number - 1)
    final = io.BytesIO()
    writer.write(final)
    if progress:
        progress(total, total, "xong")
    return final.getvalue()
