"""The report pack from the command line, as a person runs it: three saved views into a
PowerPoint deck, a multipage PDF and a Word report, each opened with its own library
and checked for every view's title, map picture and figures (the page's numbers)."""

from __future__ import annotations

import io
import shutil

import docx
import pypdf
import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from dashboard.cli import main
from dashboard.export.snapshot import build_snapshot
from geodata.saved_views import list_views
from geodata.store import open_store
from geodata.view import MapView

VIEWS = (
    ("Mô hình 2026 — toàn quốc", ["--year", "2026"]),
    ("Đạt chuẩn Phú Thọ 2026", ["--year", "2026", "--metric", "certified_share", "--area", "25",
                                "--level", "commune"]),
    ("Hòa Bình: thay đổi 2019 → 2020", ["--year", "2020", "--vs", "2019", "--compare", "change",
                                        "--metric", "certified_share", "--area", "17",
                                        "--level", "commune"]),
)  # fmt: skip


@pytest.fixture(scope="module")
def saved(demo_build, tmp_path_factory):
    """A store with the three views saved through `antt-map views save`, and what the
    page shows for each (title and figure cards)."""
    path = tmp_path_factory.mktemp("pack") / "antt.gpkg"
    shutil.copy(demo_build.path, path)
    for name, args in VIEWS:
        assert main(["views", "--store", str(path), "save", name, *args]) == 0
    store = open_store(path)
    views = list_views(store)
    assert [v.name for v in views] == [n for n, _ in VIEWS]
    shown = []
    for v in views:
        snap = build_snapshot(store, v.view(store, MapView())[0])
        shown.append((v.name, snap.title, [c.value for c in snap.cards]))
    return path, views, shown


def _write(saved, tmp_path, fmt: str, capsys):
    path, views, _ = saved
    out = tmp_path / f"bao-cao.{fmt}"
    ids = [v.view_id for v in views]
    assert main(["report", "--store", str(path), "--views", *ids, "--out", str(out)]) == 0
    assert f"Đã ghi {out} (3 bản đồ" in capsys.readouterr().out
    return out


def test_the_deck_has_a_title_slide_one_slide_per_view_and_a_closing_table(saved, tmp_path, capsys):
    deck = Presentation(_write(saved, tmp_path, "pptx", capsys))
    slides = list(deck.slides)
    assert len(slides) == 1 + 3 + 1
    cover = " ".join(s.text_frame.text for s in slides[0].shapes if s.has_text_frame)
    assert "Bản đồ mô hình tự quản về an ninh trật tự" in cover and "3 bản đồ" in cover
    for i, (name, title, values) in enumerate(saved[2], 1):
        slide = slides[i]
        text = "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        assert f"{i}. {name}" in text and title in text
        assert all(v in text for v in values), (values, text)  # figures as editable text
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        img = Image.open(io.BytesIO(pictures[0].image.blob))
        assert (
            img.width > 1500 and len(img.convert("RGB").getcolors(maxcolors=100_000) or ()) > 20
        )  # a drawn map
        assert "Nguồn ranh giới" in slide.notes_slide.notes_text_frame.text
    table = next(s for s in slides[-1].shapes if s.has_table).table
    assert [table.cell(r, 0).text for r in range(1, 4)] == [f"{i}. {n}" for i, (n, _, _) in
                                                            enumerate(saved[2], 1)]  # fmt: skip


def test_the_pdf_has_a_cover_a_page_per_view_and_the_table(saved, tmp_path, capsys):
    reader = pypdf.PdfReader(_write(saved, tmp_path, "pdf", capsys))
    assert len(reader.pages) == 1 + 3 + 1
    assert reader.metadata.title == "Bản đồ mô hình tự quản về an ninh trật tự"
    pages = [p.extract_text() for p in reader.pages]
    assert "3 bản đồ" in pages[0]
    for i, (_name, title, values) in enumerate(saved[2], 1):
        flat = " ".join(pages[i].split())
        assert " ".join(title.split())[:40] in flat
        assert all(v in flat for v in values), (values, flat)
        assert "/Font" in str(reader.pages[i]["/Resources"])  # vector text, not one picture
    assert all(f"{i}. {n}" in pages[-1] for i, (n, _, _) in enumerate(saved[2], 1))


def test_the_word_report_has_headings_figures_with_captions_and_tables(saved, tmp_path, capsys):
    doc = docx.Document(_write(saved, tmp_path, "docx", capsys))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [f"{i}. {n}" for i, (n, _, _) in enumerate(saved[2], 1)] + [
        "Tổng hợp số liệu"
    ]
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    for i, (name, title, values) in enumerate(saved[2], 1):
        assert f"Hình {i}. {title}" in captions and f"Bảng {i}. Số liệu chính — {name}" in captions
        table = doc.tables[i - 1]
        assert [table.cell(r, 1).text for r in range(1, len(values) + 1)] == values
    assert len(doc.inline_shapes) == 3
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "Nguồn ranh giới" in body and "Số liệu lập lúc" in body


def test_a_view_that_is_not_there_is_named_with_the_ones_that_are(saved, tmp_path, capsys):
    path, views, _ = saved
    out = tmp_path / "x.docx"
    assert main(["report", "--store", str(path), "--views", "Đà Nẵng", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Không có khung nhìn “Đà Nẵng”" in err and views[0].view_id in err
    assert not out.exists()
    assert main(["report", "--store", str(path), "--out", str(tmp_path / "x.odt")]) == 2
    assert "dùng đuôi .pptx, .pdf hoặc .docx" in capsys.readouterr().err


def test_the_atlas_is_one_pdf_with_contents_numbered_pages_and_bookmarks(
    demo_build, tmp_path, capsys
):
    out = tmp_path / "tap.pdf"
    base = ["export", "--store", str(demo_build.path), "--year", "2020", "--level", "commune",
            "--metric", "certified_share"]  # fmt: skip
    assert main([*base, "--each", "district", "--area", "17", "--atlas", "--out", str(out)]) == 0
    reader = pypdf.PdfReader(out)
    districts = [o.title for o in reader.outline][1:]
    assert len(reader.pages) == 1 + 10 and len(districts) == 10
    contents = " ".join(reader.pages[0].extract_text().split())
    assert "Tập bản đồ: Tỷ lệ xã đạt chuẩn an ninh trật tự — Tỉnh Hòa Bình, năm 2020" in contents
    assert "mỗi trang một bản đồ cấp xã/phường" in contents
    for i, name in enumerate(districts, 1):
        assert f"{i}. {name} trang {i + 1}" in contents
        page = " ".join(reader.pages[i].extract_text().split())
        assert f"— {name}, năm 2020" in page and f"Trang {i + 1} · {name}" in page
        assert reader.get_destination_page_number(reader.outline[i]) == i
    # an atlas is one file, of a batch
    assert main([*base, "--atlas", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "--atlas đi cùng --each" in capsys.readouterr().err
    assert main([*base, "--each", "province", "--atlas", "--out", str(tmp_path / "x.png")]) == 2
    assert "đặt --out có đuôi .pdf" in capsys.readouterr().err
