"""A 16:9 PowerPoint slide for meetings: title, the map picture and the key figures.

Title and figures are real text boxes (editable, searchable); the map, its legend,
scale bar, north arrow, insets and source notes are one picture drawn by `render`.
"""

from __future__ import annotations

import io

from dashboard.export.render import ExportError
from dashboard.export.snapshot import Snapshot

SLIDE_W_IN, SLIDE_H_IN = 13.333, 7.5
# Arial is on every office PC and covers Vietnamese; LibreOffice substitutes Liberation Sans.
SLIDE_FONT = "Arial"
SUMMARY_ROWS = 6


def _pptx():
    try:
        import pptx
        from pptx.util import Inches, Pt
    except ImportError as err:  # pragma: no cover - a dependency of the project
        raise ExportError(
            "Thiếu thư viện python-pptx để xuất PowerPoint: cài bằng pip install -e ."
        ) from err
    return pptx, Inches, Pt


def _text(slide, x, y, w, h, paragraphs, Inches, Pt):
    """A text box; `paragraphs` are (text, size pt, bold, RGB hex)."""
    from pptx.dml.color import RGBColor

    box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    tf = box.text_frame
    tf.word_wrap = True
    for i, (text, size, bold, colour) in enumerate(paragraphs):
        para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        run = para.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = SLIDE_FONT
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#"))
    return box


def _property(text: str, limit: int = 255) -> str:
    """A document property as python-pptx accepts it (at most 255 characters: many
    model types chosen make a longer filter line; the slide itself keeps it whole)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _new_deck(title: str, subject: str):
    pptx, Inches, Pt = _pptx()
    prs = pptx.Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W_IN), Inches(SLIDE_H_IN)
    prs.core_properties.title = _property(title)
    prs.core_properties.subject = _property(subject)
    prs.core_properties.author = "antt-map"
    return prs, Inches, Pt


def _view_slide(prs, snap: Snapshot, picture_png: bytes, Inches, Pt, heading: str = ""):
    """One view: title (and the saved view's name), filters, the map picture, the
    figures as editable text; the data notes go to the slide's notes page."""
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    title = [(heading, 13, True, "2563a8")] if heading else []
    _text(slide, 0.35, 0.12, 12.6, 0.8, [*title, (snap.title, 22 if heading else 24, True, "1d2733")],
          Inches, Pt)  # fmt: skip
    _text(
        slide,
        0.35,
        0.95,
        12.6,
        0.5,
        [(line, 11, False, "55606e") for line in snap.subtitle],
        Inches,
        Pt,
    )
    slide.shapes.add_picture(io.BytesIO(picture_png), Inches(0.3), Inches(1.55), Inches(8.2))

    paras = [("Số liệu chính", 16, True, "1d2733")]
    for card in snap.cards:
        paras.append((card.label, 12, False, "55606e"))
        paras.append((card.value, 19, True, "1d2733"))
        if card.delta:
            colour = (
                "1a7f37"
                if card.delta.startswith("+")
                else ("b42318" if card.delta.startswith("−") else "55606e")
            )
            paras.append((f"{card.delta} {card.versus}", 11, False, colour))
    _text(slide, 8.75, 1.6, 4.3, 5.6, paras, Inches, Pt)
    notes = [*snap.notes, *snap.source, snap.stamp]
    slide.notes_slide.notes_text_frame.text = "\n".join(notes)
    return slide


def _save(prs) -> bytes:
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def slide_bytes(snap: Snapshot, picture_png: bytes) -> bytes:
    prs, Inches, Pt = _new_deck(snap.title, " · ".join(snap.subtitle))
    _view_slide(prs, snap, picture_png, Inches, Pt)
    return _save(prs)


def deck_bytes(title: str, lines: list[str], views: list[tuple[str, Snapshot, bytes]],
               summary: list[list[str]]) -> bytes:  # fmt: skip
    """A meeting's deck: a title slide, one slide per saved view (name, map, figures,
    notes), and a closing table of every view's figures (`summary`, header first)."""
    prs, Inches, Pt = _new_deck(title, "; ".join(name for name, _, _ in views))
    cover = prs.slides.add_slide(prs.slide_layouts[6])
    _text(cover, 0.8, 2.2, 11.7, 1.4, [(title, 36, True, "1d2733")], Inches, Pt)
    _text(cover, 0.8, 3.7, 11.7, 2.5, [(line, 16, False, "55606e") for line in lines], Inches, Pt)
    for i, (name, snap, picture) in enumerate(views, 1):
        _view_slide(prs, snap, picture, Inches, Pt, heading=f"{i}. {name}")
    header, body = summary[0], summary[1:]
    for first in range(0, len(body), SUMMARY_ROWS):  # six views a slide: it stays readable
        chunk = [header, *body[first : first + SUMMARY_ROWS]]
        more = " (tiếp)" if first else ""
        end = prs.slides.add_slide(prs.slide_layouts[6])
        _text(end, 0.35, 0.2, 12.6, 0.7, [("Tổng hợp số liệu" + more, 24, True, "1d2733")],
              Inches, Pt)  # fmt: skip
        shape = end.shapes.add_table(len(chunk), len(header), Inches(0.35), Inches(1.0),
                                     Inches(12.6), Inches(0.4 * len(chunk)))  # fmt: skip
        for j, w in enumerate((3.0, 3.8, 5.8)):
            shape.table.columns[j].width = Inches(w)
        for r, row in enumerate(chunk):
            for c, value in enumerate(row):
                cell = shape.table.cell(r, c)
                cell.text = value
                for para in cell.text_frame.paragraphs:
                    for run in para.runs:
                        run.font.size = Pt(11 if r == 0 else 10)
                        run.font.name = SLIDE_FONT
                        run.font.bold = r == 0
    return _save(prs)
