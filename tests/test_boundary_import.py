"""Boundary imports from files the tests write: Shapefile without .prj, VN-2000, GeoJSON, zip."""

from __future__ import annotations

import io
import zipfile

import geopandas as gpd
import openpyxl
import pytest
import shapely

from dashboard.cli import main
from dashboard.export.snapshot import build_snapshot
from dashboard.notes import APPROXIMATE_NOTE
from geodata.query import query_view
from geodata.schema import EQUAL_AREA_CRS
from geodata.store import open_store
from geodata.view import MapView
from loaders.boundaries import check_boundaries, likely_systems, read_boundary_file, to_wgs84
from loaders.errors import LoaderError
from loaders.registry_files import boundary_report_xlsx
from tests.helpers import mark, official_districts

HB_DISTRICTS = MapView("model_count", "district", 2020, 2020, (), "17")


def test_shapefile_without_prj_is_refused_naming_the_likely_systems(store_copy, tmp_path):
    shp = tmp_path / "huyen.shp"
    official_districts(store_copy).to_crs("EPSG:3405").to_file(shp)
    shp.with_suffix(".prj").unlink()
    with pytest.raises(LoaderError) as err:
        check_boundaries(store_copy, shp, "vn-2024")
    msg = str(err.value)
    assert "không khai báo hệ tọa độ" in msg and "EPSG:3405" in msg and "--crs" in msg
    check = check_boundaries(store_copy, shp, "vn-2024", crs="EPSG:3405")
    assert check.level == "district" and len(check.units) == 10


def test_wrong_crs_is_refused(store_copy, tmp_path):
    gj = tmp_path / "huyen.geojson"
    d = official_districts(store_copy).to_crs("EPSG:3405").set_crs(4326, allow_override=True)
    d.to_file(gj)  # metres labelled as degrees
    with pytest.raises(LoaderError, match="không nằm trong Việt Nam"):
        check_boundaries(store_copy, gj, "vn-2024")
    bounds = official_districts(store_copy).to_crs("EPSG:3405").total_bounds
    assert any(s.startswith("EPSG:3405") for s in likely_systems(bounds))
    assert not any(s.startswith("EPSG:4326") for s in likely_systems(bounds))
    with pytest.raises(LoaderError, match="không hợp lệ"):
        to_wgs84(d, "EPSG:999999")


def test_names_are_matched_through_lookalikes_and_old_tones(store_copy, tmp_path):
    gj = tmp_path / "huyen.geojson"
    official_districts(store_copy).drop(columns="MA_HUYEN").to_file(gj)
    check = check_boundaries(store_copy, gj, "vn-2024")
    assert check.level == "district"
    districts = store_copy.units("vn-2024", "district")
    assert sorted(check.units.code) == sorted(districts[districts.parent_code == "17"].code)
    # districts no longer exist after the 2025 reform: the message names the right version
    with pytest.raises(LoaderError, match=r"không có cấp huyện/quận.*dùng --version vn-2024"):
        check_boundaries(store_copy, gj, "vn-2025")


def test_code_field_zipped_shapefile_repairs_and_reports(store_copy, tmp_path):
    d = official_districts(store_copy)
    bow = shapely.Polygon([(105.0, 20.5), (105.1, 20.6), (105.1, 20.5), (105.0, 20.6)])  # bow-tie
    d.loc[0, "geometry"] = bow
    d.loc[len(d)] = ["Tỉnh Hòa Bình", "Huyện Không Có", 999, d.geometry[1].buffer(0.01)]
    folder = tmp_path / "shp"
    folder.mkdir()
    d.to_file(folder / "huyen.shp")
    z = tmp_path / "huyen.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f.name)
    check = check_boundaries(store_copy, z, "vn-2024", code_field="MA_HUYEN")
    rep = check.report
    assert "hình học không hợp lệ" in " ".join(rep["Vấn đề"])  # the bow-tie, repaired
    # ... but a bow-tie of 58 km² outside its province is no longer Thành phố Hòa Bình
    assert check.refused == ("148",) and "148" not in set(check.units.code)
    assert any("'999'" in v for v in rep["Vấn đề"])  # an unknown code, left out
    assert any("chồng lấn" in v for v in rep["Vấn đề"])  # the extra polygon overlaps its neighbour
    assert check.units.geometry.is_valid.all()
    assert set(check.units.geom_type) == {"MultiPolygon"}
    # the report as staff download it: a title line, then one row per finding
    ws = openpyxl.load_workbook(io.BytesIO(boundary_report_xlsx(check, "huyen.zip"))).active
    assert "huyen.zip" in ws["A1"].value and "2 đối tượng không dùng được" in ws["A1"].value
    found = [ws.cell(r, 3).value for r in range(4, ws.max_row + 1)]
    assert found == list(rep["Vấn đề"])


def test_import_replaces_geometry_and_drops_the_approximate_note(store_copy, tmp_path, capsys):
    gj = tmp_path / "huyen.geojson"
    official = official_districts(store_copy)
    official.to_file(gj)
    before = query_view(store_copy, HB_DISTRICTS)
    assert before.approximate and APPROXIMATE_NOTE in build_snapshot(store_copy, HB_DISTRICTS).notes
    args = ["import-boundaries", str(gj), "--store", store_copy.location, "--version", "vn-2024",
            "--valid-from", "2020-01-01", "--code-field", "MA_HUYEN"]  # fmt: skip
    assert main(args) == 0, capsys.readouterr().err
    after_store = open_store(store_copy.location)
    shapes = after_store.unit_shapes("vn-2024", "district").set_index("code")
    got = shapes.geometry["150"]
    want = official.set_index("MA_HUYEN").geometry[150]
    assert shapely.equals_exact(shapely.normalize(got), shapely.normalize(want), tolerance=1e-9)
    after = query_view(after_store, HB_DISTRICTS)
    assert not after.approximate
    assert APPROXIMATE_NOTE not in build_snapshot(after_store, HB_DISTRICTS).notes
    # the figures are untouched, elsewhere still approximate, and a re-import changes nothing
    assert after.totals()["model_count"] == before.totals()["model_count"]
    assert query_view(
        after_store, MapView("model_count", "district", 2020, 2020, (), "01")
    ).approximate
    mtime = mark(store_copy)
    assert main(args) == 0 and "kho không thay đổi" in capsys.readouterr().out
    assert mark(store_copy) == mtime


def test_unknown_version_and_unreadable_file_leave_the_store_alone(store_copy, tmp_path, capsys):
    before = mark(store_copy)
    junk = tmp_path / "x.geojson"
    junk.write_text("{not json")
    for args in (
        [str(junk), "--version", "vn-2024"],
        [str(junk), "--version", "vn-1999"],
    ):
        assert (
            main(
                [
                    "import-boundaries",
                    *args,
                    "--valid-from",
                    "2020-01-01",
                    "--store",
                    store_copy.location,
                ]
            )
            == 2
        )
    err = capsys.readouterr().err
    assert "Không đọc được" in err and "vn-1999" in err
    assert mark(store_copy) == before


def test_commune_file_matched_by_province_district_and_commune_names(store_copy, tmp_path):
    c = store_copy.unit_shapes("vn-2024", "commune")
    c = c[c.parent_code == "150"].copy()  # Đà Bắc
    c["Ten_Tinh"] = "Hoà Bình"
    c["Ten_Huyen"] = "H. Đà Bắc"
    c["Ten_Xa"] = c["name"].str.upper()
    gj = tmp_path / "xa.geojson"
    c[["Ten_Tinh", "Ten_Huyen", "Ten_Xa", "geometry"]].to_file(gj)
    check = check_boundaries(store_copy, gj, "vn-2024")
    assert check.level == "commune"
    assert sorted(check.units.code) == sorted(c.code)
    assert not check.report["Xử lý"].eq("bỏ qua").any()


def test_a_wide_hole_between_neighbours_is_reported_with_the_units_around_it(store_copy, tmp_path):
    d = official_districts(store_copy).to_crs(EQUAL_AREA_CRS)
    clean = check_boundaries(store_copy, _write(d, tmp_path / "a.geojson"), "vn-2024")
    assert not clean.report["Vấn đề"].str.contains("khe hở").any()
    # a 1.5 km disc cut out where two districts meet: wide, so not a mere sliver
    pairs = zip(*d.sindex.query(d.geometry, predicate="touches"), strict=True)
    a, b = max(pairs, key=lambda p: d.geometry[p[0]].intersection(d.geometry[p[1]]).length)
    border = shapely.line_merge(d.geometry[a].intersection(d.geometry[b]))
    middle = shapely.get_parts(border)[0].interpolate(0.5, normalized=True)
    d["geometry"] = d.geometry.difference(middle.buffer(1500))
    check = check_boundaries(store_copy, _write(d, tmp_path / "b.geojson"), "vn-2024")
    holes = check.report[check.report["Vấn đề"].str.contains("khe hở")]
    assert len(holes) == 1 and "km²" in holes["Vấn đề"].iloc[0]
    around = holes["Đối tượng"].iloc[0]
    names = store_copy.units("vn-2024", "district").set_index("code")["name"]
    assert all(names[str(d.MA_HUYEN[i])] in around for i in (a, b))


def _write(gdf: gpd.GeoDataFrame, path):
    gdf.to_crs(4326).to_file(path)
    return path


def test_geojson_mixing_polygons_and_multipolygons_is_read_but_points_are_refused(tmp_path):
    mixed = gpd.GeoDataFrame(
        {"ten": ["a", "b"]},
        geometry=[
            shapely.box(105, 20, 105.1, 20.1),
            shapely.MultiPolygon([shapely.box(106, 21, 106.1, 21.1)]),
        ],
        crs=4326,
    )
    mixed.to_file(tmp_path / "mixed.geojson")  # GDAL calls this layer's type "Unknown"
    assert list(read_boundary_file(tmp_path / "mixed.geojson").geom_type) == [
        "Polygon",
        "MultiPolygon",
    ]
    mixed.assign(geometry=mixed.representative_point()).to_file(tmp_path / "points.geojson")
    with pytest.raises(LoaderError, match="không có lớp đa giác"):
        read_boundary_file(tmp_path / "points.geojson")
