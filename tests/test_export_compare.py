"""Exports of a comparison, a change map and a selected unit's trend: the files hold
both periods, the one shared legend and the figures, and the numbers are the page's."""

from __future__ import annotations

import io
import subprocess
import sys
import unicodedata

import pypdf
import pytest
from PIL import Image
from pptx import Presentation

from dashboard.export.render import draw
from dashboard.export.snapshot import build_snapshot
from dashboard.export.writers import export_bytes
from dashboard.figures import panel_cards
from dashboard.map_view import class_labels
from dashboard.panels import panels_for
from geodata.view import MapView


@pytest.fixture(scope="module", params=["gpkg", "postgis"])
def store(request, store):
    """Every test of this module on both stores: the GeoPackage and PostGIS."""
    return store if request.param == "gpkg" else request.getfixturevalue("pg_store")


SIDE = MapView(
    "certified_share", "province", 2026, 2026, compare="side", base_from=2020, base_to=2020
)
CHANGE = MapView(
    "model_count", "commune", 2026, 2026, (), "25", compare="change", base_from=2020, base_to=2020
)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _pdf_text(data: bytes) -> str:
    return _nfc(pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text())


def _slide_text(data: bytes) -> str:
    prs = Presentation(io.BytesIO(data))
    return _nfc("\n".join(s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame))


@pytest.fixture(scope="module")
def side(store):
    return build_snapshot(store, SIDE)


@pytest.fixture(scope="module")
def change(store):
    return build_snapshot(store, CHANGE)


def test_side_by_side_export_has_both_periods_one_legend_and_the_figures(store, side):
    panels = panels_for(store, SIDE)
    assert [m.caption for m in side.maps] == ["Năm 2020", "Năm 2026"]
    assert side.maps[0].classes.breaks == side.maps[1].classes.breaks
    text = _pdf_text(export_bytes(side, "pdf"))
    assert "Năm 2020" in text and "Năm 2026" in text
    assert "chung cho năm 2020 và năm 2026" in text
    for label in class_labels(panels.maps[-1].classes, SIDE.metric_info):
        assert label in text  # the one legend, as on the page
    for card in panel_cards(store, panels):
        assert card.value.split(" (")[0] in text.replace("\n", " ")
    assert "so với năm 2020" in text
    fig = draw(side)
    assert sum(a.get_label() == "map" for a in fig.axes) == 2
    slide = _slide_text(export_bytes(side, "pptx"))
    assert "năm 2020 và năm 2026" in slide and "so với năm 2020" in slide


def test_change_export_has_the_diverging_legend_and_the_trend(change):
    text = _pdf_text(export_bytes(change, "pdf"))
    assert "Thay đổi số mô hình" in text and "năm 2020 → năm 2026" in text
    assert "Không đổi" in text and any(w in text for w in ("Tăng", "Giảm"))
    # a selected unit (Phú Thọ) brings its trend: the chart's title and lines
    assert change.trend is not None and "qua các năm" in text and "Toàn quốc" in text
    png = Image.open(io.BytesIO(export_bytes(change, "png")))
    assert png.size == (2338, 1653)


def test_cli_exports_a_comparison(store, tmp_path):
    out = tmp_path / "so-sanh.pdf"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dashboard.cli",
            "export",
            "--store",
            store.location,
            "--year",
            "2026",
            "--metric",
            "certified_share",
            "--compare",
            "side",
            "--vs",
            "2020",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert "chung cho năm 2020 và năm 2026" in _pdf_text(out.read_bytes())
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "dashboard.cli",
            "export",
            "--store",
            store.location,
            "--year",
            "2020",
            "--compare",
            "change",
            "--vs",
            "2024",
            "--out",
            str(tmp_path / "x.png"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert bad.returncode == 2 and "phải kết thúc trước" in bad.stderr
    assert not (tmp_path / "x.png").exists()


def test_the_filters_line_names_the_compared_period_chosen(store):
    """Found by a stranger's check: '--vs 2020' printed 'cuối năm 2025' (the default)."""
    from dashboard.export.snapshot import build_snapshot
    from geodata.view import MapView

    side = MapView("certified_share", "province", 2026, 2026, compare="side", base_from=2020,
                   base_to=2020)  # fmt: skip
    assert (
        "Trạng thái các xã cuối năm 2020 và cuối năm 2026"
        in build_snapshot(store, side).subtitle[0]
    )
    change = side.with_(
        year_from=2024, year_to=2024, compare="change", base_from=2018, base_to=2018
    )
    assert "cuối năm 2018 và cuối năm 2024" in build_snapshot(store, change).subtitle[0]
