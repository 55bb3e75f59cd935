"""The report pack: a list of saved views turned into one file for a meeting or an
official report: a PowerPoint deck, a multipage PDF, or a Word report.

Every view goes through `build_snapshot`, as a single export does, so the numbers are
the page's; each view is authorised for the person first (a saved view of an area
outside their scope is refused, not drawn).
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import matplotlib as mpl
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from dashboard.export.render import A4_LANDSCAPE, FONT, RC, SLIDE_PICTURE, ExportError, draw
from dashboard.export.report_formats import DEFAULT_TITLE, REPORT_FORMATS
from dashboard.export.snapshot import Snapshot, build_snapshot
from geodata.saved_views import SavedView
from geodata.view import MapView


@dataclass(frozen=True)
class ReportPart:
    """One saved view of the pack, computed."""

    name: str
    snap: Snapshot


def check_report_format(fmt: str) -> str:
    if fmt not in REPORT_FORMATS:
        raise ExportError(
            f"Định dạng báo cáo '{fmt}' không hỗ trợ; chọn một trong: {', '.join(REPORT_FORMATS)}."
        )
    return fmt


def report_parts(store, saved: list[SavedView], by: str = "", access=None,
                 progress: Callable[[int, int, str], None] | None = None) -> list[ReportPart]:  # fmt: skip
    """Each saved view computed as the page would show it to this person."""
    from geodata.access import authorize_view
    from geodata.query import data_years

    if not saved:
        raise ExportError(
            "Chưa chọn khung nhìn nào cho báo cáo: chọn ít nhất một khung nhìn đã lưu."
        )
    last = data_years(store)[1]
    now = datetime.now()
    parts = []
    for i, sv in enumerate(saved):
        if progress:
            progress(i, len(saved), sv.name)
        view, _msgs = sv.view(store, MapView(year_from=last, year_to=last))
        allowed = authorize_view(store, view, access)
        if allowed.view != view:  # outside the person's areas: refused, not redrawn
            raise ExportError(
                f"Khung nhìn “{sv.name}” nằm ngoài địa bàn của tài khoản này: "
                + (allowed.message or "không được xem toàn quốc.")
            )
        parts.append(ReportPart(sv.name, build_snapshot(store, view, now=now, by=by)))
    if progress:
        progress(len(saved), len(saved), "")
    return parts


def cover_lines(parts: list[ReportPart], by: str, made_at: datetime) -> list[str]:
    lines = [f"{len(parts)} bản đồ: " + "; ".join(p.name for p in parts)]
    if by:
        lines.append(f"Người lập: {by}")
    lines.append(f"Lập lúc {made_at:%H:%M} ngày {made_at:%d/%m/%Y}")
    return lines


def summary_rows(parts: list[ReportPart]) -> list[list[str]]:
    """The closing table: one row per view with its figures, as on the page's cards."""
    rows = [["Khung nhìn", "Bản đồ", "Số liệu chính"]]
    for i, p in enumerate(parts, 1):
        figures = "\n".join(
            f"{c.label}: {c.value}" + (f" ({c.delta} {c.versus})".rstrip() if c.delta else "")
            for c in p.snap.cards
        )
        rows.append([f"{i}. {p.name}", p.snap.title, figures])
    return rows


def _text_page(title: str, lines: list[str]) -> Figure:
    """A plain A4 landscape page with a title and lines (the PDF's cover)."""
    fig = Figure(figsize=(A4_LANDSCAPE.width, A4_LANDSCAPE.height))
    fig.text(0.06, 0.88, title, fontsize=22, weight="bold", family=FONT, color="#1d2733")
    for i, line in enumerate(lines):
        fig.text(0.06, 0.8 - 0.045 * i, "\n".join(textwrap.wrap(line, 120)), fontsize=12,
                 family=FONT, color="#55606e", va="top")  # fmt: skip
    return fig


TABLE_COLUMNS = ((0.06, 34), (0.31, 50), (0.62, 62))  # (left, characters per line)
LINE = 0.021  # one 9 pt line, as a fraction of the page's height


def _table_pages(title: str, rows: list[list[str]]) -> list[Figure]:
    """The closing table, drawn line by line (wrapped, top-aligned, continued on the
    next page when long): matplotlib's own table neither wraps nor grows a row."""
    pages: list[Figure] = []
    fig, y = None, 0.0
    header, body = rows[0], rows[1:]

    def new_page() -> None:
        nonlocal fig, y
        fig = Figure(figsize=(A4_LANDSCAPE.width, A4_LANDSCAPE.height))
        more = " (tiếp)" if pages else ""
        fig.text(0.06, 0.9, title + more, fontsize=20, weight="bold", family=FONT, color="#1d2733")
        pages.append(fig)
        y = 0.84
        put(header, bold=True)

    def put(row: list[str], bold: bool = False) -> None:
        nonlocal y
        cells = [
            [w for part in str(text).split("\n") for w in (textwrap.wrap(part, width) or [""])]
            for text, (_x, width) in zip(row, TABLE_COLUMNS, strict=True)
        ]
        for text, (x, _w) in zip(cells, TABLE_COLUMNS, strict=True):
            fig.text(x, y, "\n".join(text), fontsize=9, family=FONT, va="top",
                     weight="bold" if bold else "normal", color="#1d2733", linespacing=1.35)  # fmt: skip
        y -= LINE * max(len(c) for c in cells) + 0.012
        fig.add_artist(Line2D([0.06, 0.94], [y + 0.006] * 2, lw=0.5, color="#9aa5b1"))

    new_page()
    for row in body:
        height = LINE * max(
            sum(len(textwrap.wrap(p, w) or [""]) for p in str(t).split("\n"))
            for t, (_x, w) in zip(row, TABLE_COLUMNS, strict=True)
        )
        if y - height < 0.06:
            new_page()
        put(row)
    return pages


def pdf_report(parts: list[ReportPart], title: str, by: str, made_at: datetime) -> bytes:
    out = io.BytesIO()
    with mpl.rc_context(RC), PdfPages(out, metadata={
        "Title": title, "Creator": "antt-map", "CreationDate": made_at.astimezone(),
        "Subject": "; ".join(p.name for p in parts),
    }) as pdf:  # fmt: skip
        pdf.savefig(_text_page(title, cover_lines(parts, by, made_at)))
        for i, p in enumerate(parts, 1):
            fig = draw(p.snap, A4_LANDSCAPE)
            fig.text(0.985, 0.985, f"{i}. {p.name}", ha="right", va="top", fontsize=9,
                     color="#2563a8", family=FONT, weight="bold")  # fmt: skip
            pdf.savefig(fig)
        for page in _table_pages("Tổng hợp số liệu", summary_rows(parts)):
            pdf.savefig(page)
    return out.getvalue()


def pptx_report(parts: list[ReportPart], title: str, by: str, made_at: datetime) -> bytes:
    from dashboard.export.slide import deck_bytes
    from dashboard.export.writers import SLIDE_DPI, picture_png

    views = [(p.name, p.snap, picture_png(p.snap, SLIDE_PICTURE, SLIDE_DPI)) for p in parts]
    return deck_bytes(title, cover_lines(parts, by, made_at), views, summary_rows(parts))


def report_bytes(parts: list[ReportPart], fmt: str, title: str = DEFAULT_TITLE, by: str = "",
                 made_at: datetime | None = None) -> bytes:  # fmt: skip
    """The pack in `fmt` (pptx, pdf or docx)."""
    from dashboard.export.report_docx import docx_report

    made_at = (made_at or datetime.now()).replace(microsecond=0)
    writer = {"pptx": pptx_report, "pdf": pdf_report, "docx": docx_report}[check_report_format(fmt)]
    return writer(parts, title, by, made_at)
