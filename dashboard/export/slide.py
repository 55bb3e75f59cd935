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


def slide_bytes(snap: Snapshot, picture_png: bytes) -> bytes:
    pptx, Inches, Pt = _pptx()
    prs = pptx.Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W_IN), Inches(SLIDE_H_IN)
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    prs.core_properties.title = _property(snap.title)
    prs.core_properties.subject = _property(" · ".join(snap.subtitle))
    prs.core_properties.author = "antt-map"

    _text(slide, 0.35, 0.18, 12.6, 0.75, [(snap.title, 24, True, "1d2733")], Inches, Pt)
    _text(
        slide,
        0.35,
        0.9,
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
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
