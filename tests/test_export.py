"""Static exports opened with real readers: Pillow, pypdf, python-pptx."""

from __future__ import annotations

import io
import os
import unicodedata
import warnings
from pathlib import Path

import numpy as np
import pypdf
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pyproj import Geod, Transformer

from dashboard.cli import main
from dashboard.export import render
from dashboard.export.batch import batch_jobs, export_batch
from dashboard.export.furniture import nice_length, north_angle
from dashboard.export.render import ExportError, draw, missing_glyphs
from dashboard.export.snapshot import build_snapshot
from dashboard.export.writers import export_bytes, write_export
from dashboard.format import fmt_decimal, fmt_int
from dashboard.map_view import payload_rows, values_payload
from geodata.classify import NO_DATA_COLOUR, classify, palette_for
from geodata.errors import ViewError
from geodata.query import query_view
from geodata.schema import EQUAL_AREA_CRS
from geodata.view import MapView
from tests.helpers import active_models


@pytest.fixture(scope="module", params=["gpkg", "postgis"])
def store(request, store):
    """Every test of this module on both stores: the GeoPackage and PostGIS."""
    return store if request.param == "gpkg" else request.getfixturevalue("pg_store")


HOA_BINH_2020 = MapView("certified_share", "district", 2020, 2020, (), "17")
NATIONAL_COMMUNES = MapView("model_count", "commune", 2024, 2024)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pytest.fixture(scope="module")
def hoa_binh(store):
    return build_snapshot(store, HOA_BINH_2020)


@pytest.fixture(scope="module")
def national(store):
    return build_snapshot(store, NATIONAL_COMMUNES)


def test_png_is_a_wide_opaque_a4_image(hoa_binh, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font"
        path = write_export(hoa_binh, tmp_path / "hb.png")
    with Image.open(path) as img:
        assert img.format == "PNG" and img.mode == "RGB"
        w, h = img.size
        assert w >= 1600 and w / h == pytest.approx(297 / 210, rel=0.01)
        assert img.text["Title"] == hoa_binh.title
    assert os.stat(path).st_mode & 0o044  # readable by others, like any saved file


def test_pdf_is_one_a4_landscape_vector_page_with_searchable_vietnamese(hoa_binh, tmp_path):
    path = write_export(hoa_binh, tmp_path / "hb.pdf")
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert float(page.mediabox.width) == pytest.approx(841.89, abs=1)
    assert float(page.mediabox.height) == pytest.approx(595.28, abs=1)
    assert list(page.images) == []  # drawn as vector paths, not a raster
    text = _nfc(page.extract_text())
    assert "Tỷ lệ xã đạt chuẩn an ninh trật tự — Tỉnh Hòa Bình, năm 2020" in text
    for word in ("Không có số liệu", "Ranh giới xấp xỉ", "Xuất lúc", "km", "Nguồn số liệu"):
        assert word in text
    for label in hoa_binh.labels:
        assert label in text
    assert reader.metadata.title == hoa_binh.title


def test_an_export_names_who_made_it_in_its_footer(store, tmp_path):
    snap = build_snapshot(store, HOA_BINH_2020, by="Nguyễn Văn Xem")
    text = _nfc(pypdf.PdfReader(write_export(snap, tmp_path / "x.pdf")).pages[0].extract_text())
    assert "Người xuất: Nguyễn Văn Xem." in text


def test_export_figures_are_the_core_query_figures(store, hoa_binh, tmp_path):
    """Hòa Bình 2020 (seed article): the figures printed on the PDF equal the core query,
    which in turn equals a count made directly on the stored models."""
    totals = query_view(store, HOA_BINH_2020).totals()
    communes = store.units("vn-2024", "commune")
    in_hb = communes[communes.province_code == "17"].code
    assert totals["model_count"] == len(active_models(store, 2020, 2020, in_hb)) == 112
    text = _nfc(
        pypdf.PdfReader(write_export(hoa_binh, tmp_path / "hb.pdf")).pages[0].extract_text()
    )
    assert f"\n{fmt_int(totals['model_count'])}\n" in f"\n{text}\n"
    assert fmt_int(totals["model_units"]) == "4.778" and "4.778" in text
    certified = (
        f"{fmt_int(totals['certified_count'])} xã đạt chuẩn / "
        f"{fmt_int(totals['communes_with_status'])} ({fmt_decimal(totals['certified_share'])}%)"
    )
    assert certified == "123 xã đạt chuẩn / 151 (81,5%)" and certified in text
    assert "25 đã chuyển hóa / 36 trọng điểm" in text.replace("\n", " ")


def test_map_colours_are_the_page_classes(store, hoa_binh):
    """Every district is filled, in the PNG, with the colour the page gives its class."""
    result = query_view(store, HOA_BINH_2020)
    classes = classify(result.rows["value"], "quantiles", 5, palette_for(result.view.metric))
    codes = tuple(hoa_binh.layers.units_doc.codes)
    page_rows = payload_rows(values_payload(result, classes, codes), codes)
    fig = draw(hoa_binh)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    img = np.asarray(canvas.buffer_rgba())[..., :3]
    ax = next(a for a in fig.axes if a.get_label() == "map")
    to_m = Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True)
    checked = 0
    for code, geom in zip(hoa_binh.layers.units.code, hoa_binh.layers.units.geometry, strict=True):
        core = shapely.buffer(geom, -0.01)  # ~1 km inside: away from the borders
        label = shapely.point_on_surface(geom)  # where the name is printed
        x0, y0, x1, y1 = core.bounds
        grid = shapely.points(
            np.stack(np.meshgrid(np.arange(x0, x1, 0.02), np.arange(y0, y1, 0.02)), -1).reshape(
                -1, 2
            )
        )
        grid = grid[shapely.contains(core, grid) & (shapely.distance(grid, label) > 0.06)]
        want = classes.colours[page_rows[code][0]]
        for pt in grid[:5]:
            x, y = to_m.transform(pt.x, pt.y)
            px, py = ax.transData.transform((x, y))
            rgb = img[int(img.shape[0] - py), int(px)] / 255
            if np.abs(rgb - to_rgb(want)).max() < 0.02:
                checked += 1
                break
        else:
            raise AssertionError(f"unit {code} is not drawn in its class colour {want}")
    assert checked == len(result.rows) == 10


def test_pptx_slide_holds_the_map_title_and_figures(store, national, tmp_path):
    path = write_export(national, tmp_path / "vn.pptx")
    prs = Presentation(path)
    assert prs.slide_width / prs.slide_height == pytest.approx(16 / 9, rel=0.01)
    (slide,) = prs.slides
    pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1
    with Image.open(io.BytesIO(pictures[0].image.blob)) as img:
        assert img.size[0] >= 1600
    for s in slide.shapes:  # nothing hangs off the slide
        assert s.left >= 0 and s.top >= 0
        assert s.left + s.width <= prs.slide_width and s.top + s.height <= prs.slide_height
    text = _nfc("\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame))
    assert national.title in text and "Toàn quốc, năm 2024" in text
    totals = query_view(store, NATIONAL_COMMUNES).totals()
    assert fmt_int(totals["model_count"]) in text
    assert fmt_int(totals["model_units"]) in text
    assert f"{fmt_int(totals['certified_count'])} xã đạt chuẩn" in text


def test_pptx_with_every_model_type_chosen(store, tmp_path):
    """Many types make a filter line over PowerPoint's 255-character property limit:
    the slide keeps the line whole, the document property is shortened."""
    types = tuple(sorted(store.table("models", columns=("model_type",))["model_type"].unique()))
    snap = build_snapshot(store, MapView("model_count", "province", 2020, 2020, types))
    assert len(" · ".join(snap.subtitle)) > 255
    prs = Presentation(write_export(snap, tmp_path / "types.pptx"))
    assert len(prs.core_properties.subject) <= 255 and prs.core_properties.subject.endswith("…")
    text = "\n".join(s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame)
    assert all(t in _nfc(text) for t in types)


def test_national_view_draws_both_archipelagos_where_they_are(national, hoa_binh):
    """A national map shows Hoàng Sa and Trường Sa at their true place and scale (as
    the web map does), not in insets larger than the mainland; a province view has none."""
    shapes = render.map_shapes(national)
    assert shapes.archipelagos == {}  # no insets
    labels = [t for _, _, t in shapes.island_labels]
    assert labels == ["Quần đảo Hoàng Sa\n(Đà Nẵng)", "Quần đảo Trường Sa\n(Khánh Hòa)"]
    to_deg = Transformer.from_crs(EQUAL_AREA_CRS, "EPSG:4326", always_xy=True)
    lons = [to_deg.transform(x, y)[0] for x, y, _ in shapes.islands]
    assert min(lons) > 111 and max(lons) > 114.5  # Trường Sa's easternmost islands
    # the frame reaches the easternmost islands
    _, miny, maxx, maxy = shapes.mainland_bounds
    assert max(to_deg.transform(maxx, y)[0] for y in (miny, maxy)) > 114.5
    hb = render.map_shapes(hoa_binh)
    assert hb.archipelagos == {} and hb.islands == ()
    text = _nfc(pypdf.PdfReader(io.BytesIO(export_bytes(national, "pdf"))).pages[0].extract_text())
    assert "Quần đảo Hoàng Sa" in text and "Quần đảo Trường Sa" in text


def test_national_commune_export_legend_and_scale_bar(store):
    """Reported: legend rows "0,00 – 0,00" and "12,43 – 172.727,90", the scale bar's box
    over Cà Mau. The densest class ends below 1,000 (tiny approximate cells carry no
    density), no row repeats one number as a range, and the scale bar's box covers no unit."""
    from matplotlib.patches import Rectangle

    snap = build_snapshot(store, MapView("model_density", "commune", 2024, 2024))
    for label in snap.labels:
        parts = label.split(" – ")
        assert len(parts) == 1 or parts[0] != parts[1], label
    assert snap.classes.breaks[-1] < 1000
    fig = render.draw(snap)
    ax = next(a for a in fig.axes if a.get_label() == "map")
    boxes = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_alpha() == 0.8]
    assert len(boxes) == 1
    x, y = boxes[0].get_xy()
    box = shapely.box(x, y, x + boxes[0].get_width(), y + boxes[0].get_height())
    assert render.map_shapes(snap).land_in(box) == 0


def test_scale_bar_length_is_true_on_the_ground():
    """The bar is drawn in the equal-area projection: its length in metres must be the
    geodesic distance between its ends, wherever it sits in Vietnam."""
    to_deg = Transformer.from_crs(EQUAL_AREA_CRS, "EPSG:4326", always_xy=True)
    to_m = Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True)
    geod = Geod(ellps="WGS84")
    for lon, lat in ((105.8, 21.0), (106.7, 10.8), (108.2, 16.0)):
        x, y = to_m.transform(lon, lat)
        length = nice_length(400_000)
        assert length == 100_000
        lon2, lat2 = to_deg.transform(x + length, y)
        _, _, dist = geod.inv(lon, lat, lon2, lat2)
        assert dist == pytest.approx(length, rel=0.01)
    assert [nice_length(s) for s in (9_000, 40_000, 130_000)] == [2_000, 10_000, 20_000]


def test_north_arrow_follows_meridian_convergence():
    """Albers cone constant n = (sin 10° + sin 21°) / 2: meridians converge on the cone's
    apex, so 3° east of the central meridian true north leans n·3° anticlockwise
    (towards the centre), 3° west of it as much clockwise; on it, straight up."""
    to_m = Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True)
    n = (np.sin(np.radians(10)) + np.sin(np.radians(21))) / 2
    assert north_angle(*to_m.transform(106.0, 16.0)) == pytest.approx(0, abs=1e-6)
    assert np.degrees(north_angle(*to_m.transform(109.0, 16.0))) == pytest.approx(-n * 3, abs=0.05)
    assert np.degrees(north_angle(*to_m.transform(103.0, 21.0))) == pytest.approx(n * 3, abs=0.05)


def test_glyph_check_covers_every_text_and_catches_a_missing_glyph(national, hoa_binh):
    for snap in (national, hoa_binh):
        assert missing_glyphs(render.snapshot_texts(snap)) == set()
    assert missing_glyphs(["Thụy Hoá Đ ⚠"]) == set()
    assert missing_glyphs(["越南"]) == {"越", "南"}


def test_impossible_view_writes_nothing(store, tmp_path):
    with pytest.raises(ViewError, match="Cấp huyện/quận không có"):
        build_snapshot(store, MapView("model_count", "district", 2026, 2026))
    code = main(
        ["export", "--store", store.location, "--year", "2031", "--out", str(tmp_path / "x.png")]
    )
    assert code == 2 and list(tmp_path.iterdir()) == []


def test_unwritable_output_gives_a_clear_error_and_no_file(store, hoa_binh, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code = main(["export", "--store", store.location, "--out", str(blocker / "map.pdf")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("Lỗi: Thư mục") and "không tồn tại" in err
    with pytest.raises(ExportError, match="là một thư mục"):
        write_export(hoa_binh, tmp_path)
    with pytest.raises(ExportError, match=r"đuôi \.pdf"):
        write_export(hoa_binh, tmp_path / "x.pdf", "png")


def test_a_failed_write_leaves_no_partial_file_and_keeps_the_old_one(
    hoa_binh, tmp_path, monkeypatch
):
    target = tmp_path / "report.png"
    target.write_bytes(b"old map")

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(ExportError, match="đĩa đầy"):
        write_export(hoa_binh, target)
    assert target.read_bytes() == b"old map"
    assert [p.name for p in tmp_path.iterdir()] == ["report.png"]


def test_cli_export_single_file_and_format_from_extension(store, tmp_path, capsys):
    out = tmp_path / "hb.pptx"
    code = main(
        [
            "export",
            "--store",
            store.location,
            "--metric",
            "certified_share",
            "--level",
            "district",
            "--year",
            "2020",
            "--area",
            "17",
            "--scheme",
            "equal_interval",
            "--k",
            "4",
            "--out",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    prs = Presentation(out)
    text = _nfc("\n".join(s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame))
    assert "Tỉnh Hòa Bình, năm 2020" in text and "khoảng đều, tối đa 4 lớp" in text


def test_batch_writes_one_complete_file_per_district_with_progress(store, tmp_path, capsys):
    out = tmp_path / "maps"
    code = main(
        [
            "export",
            "--store",
            store.location,
            "--each",
            "district",
            "--area",
            "17",
            "--year",
            "2020",
            "--metric",
            "model_count",
            "--format",
            "pdf",
            "--out",
            str(out),
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    districts = store.units("vn-2024", "district")
    expected = sorted(districts[districts.parent_code == "17"].code)
    files = sorted(out.iterdir())
    assert [f.name.split("_")[0] for f in files] == expected
    assert "10/10" in captured.err  # the progress bar reached the end
    for f in files:
        (pg,) = pypdf.PdfReader(f).pages
        assert "năm 2020" in _nfc(pg.extract_text())
    assert not list(out.glob(".*"))  # no temporary files left


def test_batch_refuses_what_it_cannot_do(store, tmp_path):
    view = MapView("model_count", "commune", 2026, 2026)
    with pytest.raises(ExportError, match="cấp huyện"):
        batch_jobs(store, view.with_(area="01"), "district", "png")
    with pytest.raises(ExportError, match="bỏ --area"):
        batch_jobs(store, view.with_(area="01"), "province", "png")
    with pytest.raises(ExportError, match="cấp hiển thị phải nhỏ hơn"):
        batch_jobs(store, view.with_(level="province"), "province", "png")
    jobs = batch_jobs(store, view, "province", "png")
    assert len(jobs) == 34 and jobs[0].file_name.endswith(".png")
    assert all(j.view.area and j.view.level == "commune" for j in jobs)
    not_a_folder = tmp_path / "f"
    not_a_folder.write_text("")
    with pytest.raises(ExportError, match="không phải thư mục"):
        export_batch(store, view, "province", not_a_folder, jobs=jobs[:1])


def test_commune_transition_is_drawn_in_categories(store):
    """At commune level a transition share is 0 % or 100 %: drawn as "Đã chuyển hóa",
    "Còn trọng điểm", "Không phải trọng điểm" with their own colours; grey only for
    a commune without status."""
    snap = build_snapshot(store, MapView("transitioned_share", "commune", 2020, 2020, (), "17"))
    shapes = render.map_shapes(snap)
    assert len(shapes.colours) == len(snap.result.rows) == 151
    assert snap.labels == ("Đã chuyển hóa", "Còn trọng điểm", "Không phải trọng điểm")
    rows = snap.result.rows.set_index("code")
    colour_of = dict(zip(snap.layers.units.code, shapes.colours, strict=True))
    done, still, never = snap.classes.colours
    for code, r in rows.iterrows():
        want = (
            NO_DATA_COLOUR
            if np.isnan(r["hotspot_count"])
            else (
                never if r["hotspot_count"] == 0 else (done if r["transitioned_count"] else still)
            )
        )
        assert colour_of[code] == want, code
    assert sum(c == done for c in colour_of.values()) == 25  # seed 004


def test_snapshot_file_names_are_safe(store):
    jobs = batch_jobs(store, MapView("model_count", "commune", 2020, 2020), "province", "pdf")
    names = [j.file_name for j in jobs]
    assert len(set(names)) == len(names)
    assert all(Path(n).name == n and n.isascii() and " " not in n for n in names)
    assert "17_tinh-hoa-binh.pdf" in names
