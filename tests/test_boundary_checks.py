"""Boundary files as published: GADM-style columns, same-name pairs, plausibility refusals,
review items. Every file is written into tmp_path from the demo store's own units."""

from __future__ import annotations

import shutil

import geopandas as gpd
import openpyxl
import pytest
import shapely

from dashboard.cli import main
from geodata.schema import EQUAL_AREA_CRS
from geodata.store import GpkgStore
from loaders.boundaries import check_boundaries
from loaders.errors import LoaderError
from tests.helpers import official_districts

REGIONS = ("Đông Bắc Bộ", "Tây Bắc Bộ", "Đồng bằng sông Hồng", "Bắc Trung Bộ",
           "Duyên hải Nam Trung Bộ", "Tây Nguyên", "Đông Nam Bộ", "Đồng bằng sông Cửu Long")  # fmt: skip
ENGLISH = {"Huyện": "District", "Quận": "Urban District", "Thị xã": "Town", "Thành phố": "City"}
# the same-name town/district pairs of vn-2024 (code of the town or city, code of the district)
PAIRS = {"Kỳ Anh": ("449", "447"), "Cao Lãnh": ("866", "873"), "Hồng Ngự": ("868", "870"),
         "Long Mỹ": ("937", "936"), "Cai Lậy": ("817", "820"), "Duyên Hải": ("851", "850")}  # fmt: skip
IMPORT = ["import-boundaries", "--version", "vn-2024", "--valid-from", "2020-01-01"]


@pytest.fixture
def store_copy(demo_build, tmp_path):
    path = tmp_path / "antt.gpkg"
    shutil.copy(demo_build.path, path)
    return GpkgStore.open(path)


def _shift(gdf, metres: float = 300):
    return gdf.geometry.to_crs(EQUAL_AREA_CRS).translate(metres, 0).to_crs(4326)


def gadm_districts(store) -> gpd.GeoDataFrame:
    """Every vn-2024 district as a GADM-style file: NAME_1 the region, NAME_2 the province,
    NAME_3 the district without its type word, TYPE_3 / ENGTYPE_3 the type."""
    d = store.unit_shapes("vn-2024", "district")
    prov = store.units("vn-2024", "province").set_index("code")["short_name"]
    out = gpd.GeoDataFrame(
        {
            "NAME_1": [REGIONS[int(c) * 8 // 100] for c in d.province_code],
            "NAME_2": d.province_code.map(prov).to_numpy(),
            "NAME_3": d.name.str.replace(r"^(Huyện|Quận|Thị xã|Thành phố) ", "", regex=True),
            "TYPE_3": d.unit_type.to_numpy(),
            "ENGTYPE_3": d.unit_type.map(ENGLISH).to_numpy(),
            "ID_3": d.code.astype(int).to_numpy(),  # numbers: not taken for names
        },
        geometry=_shift(d).to_numpy(),
        crs=4326,
    )
    return out


def test_gadm_district_file_is_detected_and_same_name_pairs_matched_by_type(
    store_copy, tmp_path, capsys
):
    g = gadm_districts(store_copy)
    assert g.NAME_3.duplicated().any()  # Châu Thành, Kỳ Anh, …: names alone are not enough
    shp = tmp_path / "gadm_huyen.shp"
    g.to_file(shp)
    check = check_boundaries(store_copy, shp, "vn-2024")
    assert check.level == "district"
    assert (
        "cột NAME_3 khớp" in check.detection
        and "cột NAME_2 là tên tỉnh (khớp 63/63" in check.detection
    )
    assert (
        "cột TYPE_3 là loại đơn vị" in check.detection
        and "696 đối tượng so với 696 huyện" in check.detection
    )
    assert len(check.units) == 696 and not check.review and not check.refused
    # through the command line: each of a same-name pair got its own polygon
    assert main([*IMPORT, str(shp), "--store", str(store_copy.path)]) == 0, capsys.readouterr().err
    assert "Nhận biết: cấp huyện/quận" in capsys.readouterr().out
    stored = GpkgStore.open(store_copy.path).unit_shapes("vn-2024", "district").set_index("code")
    by_id = g.set_index(g.ID_3.map("{:03d}".format)).geometry
    for town, district in PAIRS.values():
        for code in (town, district):
            assert shapely.equals_exact(
                shapely.normalize(stored.geometry[code]), shapely.normalize(by_id[code]), 1e-9
            ), code
    assert not stored.is_approximate.astype(int).any()


def test_a_national_file_with_published_spellings_matches_every_district(store_copy, tmp_path):
    """The spellings of older national files: the pre-2025 province name Thừa Thiên Huế,
    Quí/Quý, apostrophes and spaces in minority-language names, no diacritics, "Quần đảo"."""
    g = gadm_districts(store_copy)
    g.loc[g.NAME_2 == "Huế", "NAME_2"] = "Thừa Thiên Huế"
    g.loc[g.NAME_2 == "Hồ Chí Minh", "NAME_2"] = "TP HCM"
    published = {"Phú Quí": "Phú Quý", "KBang": "K'Bang", "Ia H'Drai": "Ia H' Drai",
                 "Krông A Na": "Krông Ana", "Quan Sơn": "Quan Son", "Trường Sa": "Quần đảo Trường Sa",
                 "Quy Nhơn": "Qui Nhơn"}  # fmt: skip
    for ref, written in published.items():
        assert g["NAME_3"].eq(ref).sum() == 1, ref
        g.loc[g["NAME_3"].eq(ref), "NAME_3"] = written
    shp = tmp_path / "gadm_cu.shp"
    g.to_file(shp, encoding="utf-8")
    check = check_boundaries(store_copy, shp, "vn-2024")
    assert check.level == "district" and "cột NAME_2 là tên tỉnh (khớp 63/63" in check.detection
    assert len(check.units) == 696 and not check.review and not check.refused
    hue = store_copy.units("vn-2024", "district")
    assert set(hue.loc[hue.province_code == "46", "code"]) <= set(check.units.code)  # 9 of Huế
    # no rule acts unseen: names taken from the variants table are notes of the report
    ruled = check.report.loc[check.report["Đối tượng"] == "khớp tên theo quy tắc", "Vấn đề"]
    assert any(v.startswith("'Thừa Thiên Huế' → Thành phố Huế") for v in ruled), ruled.tolist()
    assert any(v.startswith("'TP HCM' → Thành phố Hồ Chí Minh") for v in ruled), ruled.tolist()
    assert (check.report.loc[ruled.index, "Mức"] == "ghi chú").all()


def test_explicit_columns_win_and_english_types_narrow_too(store_copy, tmp_path):
    g = gadm_districts(store_copy)
    g = g[g.NAME_2.isin(["Hà Tĩnh", "Đồng Tháp"])].drop(columns="TYPE_3")
    g = g.rename(columns={"NAME_2": "TINH_X", "NAME_3": "DV"})
    gj = tmp_path / "huyen.geojson"
    g.to_file(gj)
    check = check_boundaries(
        store_copy, gj, "vn-2024", level="district", name_field="DV",
        province_field="TINH_X", type_field="ENGTYPE_3",
    )  # fmt: skip
    want = {PAIRS[n] for n in ("Kỳ Anh", "Cao Lãnh", "Hồng Ngự")}
    assert {c for pair in want for c in pair} <= set(check.units.code)
    assert len(check.units) == len(g) and not check.review
    with pytest.raises(LoaderError, match="--province-field: không có cột 'TINH'"):
        check_boundaries(store_copy, gj, "vn-2024", province_field="TINH")


def test_a_file_whose_names_match_nothing_stops_naming_columns_and_options(store_copy, tmp_path):
    d = official_districts(store_copy)
    d["Ten_Huyen"] = [f"Khu {i}" for i in range(len(d))]
    d["Ghi_chu"] = "ranh giới cũ"
    gj = tmp_path / "x.geojson"
    d.drop(columns=["MA_HUYEN", "Ten_Tinh"]).to_file(gj)
    with pytest.raises(LoaderError, match=r"Không nhận ra cột tên.*cột Ten_Huyen.*--name-field"):
        check_boundaries(store_copy, gj, "vn-2024")


def test_merged_unit_with_one_predecessors_polygon_is_refused_and_not_stored(
    store_copy, tmp_path, capsys
):
    """A file of an older vintage: Đà Bắc (150) drawn as the part it was before absorbing
    a neighbour (here: the western 40 %), the absorbed part under a code that no longer exists."""
    d = official_districts(store_copy).to_crs(EQUAL_AREA_CRS)
    i = int(d.index[d.MA_HUYEN == 150][0])
    whole = d.geometry[i]
    minx, miny, maxx, maxy = whole.bounds
    cut = next(
        x for x in (minx + (maxx - minx) * k / 100 for k in range(1, 100))
        if whole.intersection(shapely.box(minx, miny, x, maxy)).area >= 0.4 * whole.area
    )  # fmt: skip
    west = whole.intersection(shapely.box(minx, miny, cut, maxy))
    east = whole.difference(shapely.box(minx, miny, cut, maxy))
    d.loc[i, "geometry"] = west
    d.loc[len(d)] = ["Tỉnh Hòa Bình", "Huyện Đà Bắc Cũ", 999, east]
    gj = tmp_path / "huyen_cu.geojson"
    d.to_crs(4326).to_file(gj)
    before = store_copy.unit_shapes("vn-2024", "district").set_index("code").geometry["150"]

    check = check_boundaries(store_copy, gj, "vn-2024", code_field="MA_HUYEN")
    assert check.refused == ("150",) and "150" not in set(check.units.code)
    first = check.report.iloc[0:2]
    assert set(first["Mức"]) == {"cần quyết định"}  # decisions lead the report
    why = check.report.loc[check.report["Đối tượng"] == "Huyện Đà Bắc", "Vấn đề"].iloc[0]
    assert "có thể tệp thuộc thời kỳ trước sáp nhập: diện tích chỉ bằng 4" in why
    (item,) = check.review
    assert item.code == "999" and "nằm trong Huyện Đà Bắc (mã 150)" in item.reason

    args = [*IMPORT, str(gj), "--store", str(store_copy.path), "--code-field", "MA_HUYEN"]
    assert main(args) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "1 đơn vị bị từ chối" in out and "--accept 150" in out
    after = GpkgStore.open(store_copy.path).unit_shapes("vn-2024", "district").set_index("code")
    # the file's partial polygon is not stored: Đà Bắc keeps its approximate one, only
    # clipped where the official neighbours now lie (geodata.outlines)
    kept = after.geometry["150"]
    # (the file's polygon held 40 % of it)
    assert before.contains(kept.buffer(-1e-6)) and kept.area > 0.9 * before.area
    assert after.is_approximate.astype(int)["150"] == 1
    others = [f"{c:03d}" for c in d.MA_HUYEN if c not in (150, 999)]
    assert not after.is_approximate.astype(int)[others].any()  # its neighbours were stored


def test_country_sized_rectangle_coded_as_one_province_is_refused(store_copy, tmp_path, capsys):
    rect = gpd.GeoDataFrame(
        {"MA_TINH": ["17"], "TEN": ["Hòa Bình"]},
        geometry=[shapely.box(102.1, 8.6, 109.5, 23.4)],
        crs=4326,
    )
    gj = tmp_path / "tinh.geojson"
    rect.to_file(gj)
    check = check_boundaries(store_copy, gj, "vn-2024", code_field="MA_TINH")
    assert check.level == "province" and check.refused == ("17",) and check.units.empty
    why = check.report["Vấn đề"].iloc[0]
    assert "lớn gấp" in why and "không có trong tệp" in why
    before = store_copy.path.read_bytes()
    args = [*IMPORT, str(gj), "--store", str(store_copy.path), "--code-field", "MA_TINH"]
    assert main(args) == 2
    assert "bị từ chối" in capsys.readouterr().err
    assert store_copy.path.read_bytes() == before
    # an explicit decision stores it anyway
    accepted = check_boundaries(store_copy, gj, "vn-2024", code_field="MA_TINH", accept=["17"])
    assert list(accepted.units.code) == ["17"] and not accepted.refused


def test_unknown_code_whose_name_matches_one_unit_is_a_review_item(store_copy, tmp_path):
    d = official_districts(store_copy)
    d.loc[d.MA_HUYEN == 150, "MA_HUYEN"] = 9150  # Đà Bắc under a code of another list
    gj = tmp_path / "huyen.geojson"
    d.to_file(gj)
    check = check_boundaries(store_copy, gj, "vn-2024", code_field="MA_HUYEN")
    assert "150" not in set(check.units.code) and len(check.units) == 9
    (item,) = check.review
    assert item.code == "9150" and item.candidates == (("150", "Huyện Đà Bắc"),)
    assert item.parent_code == "17" and item.feature == int(d.index[d.MA_HUYEN == 9150][0]) + 1
    assert check.report["Mức"].iloc[0] == "cần quyết định"
    assert (
        "khớp đúng một đơn vị của Tỉnh Hòa Bình: Huyện Đà Bắc (mã 150)"
        in check.report["Vấn đề"].iloc[0]
    )


def test_an_unknown_code_decided_in_the_report_is_stored_and_remembered(
    store_copy, tmp_path, capsys
):
    d = official_districts(store_copy)
    d.loc[d.MA_HUYEN == 150, "MA_HUYEN"] = 9150  # Đà Bắc under a code of another list
    gj = tmp_path / "huyen.geojson"
    d.to_file(gj)
    report = tmp_path / "bao-cao.xlsx"
    args = [*IMPORT, str(gj), "--store", str(store_copy.path), "--code-field", "MA_HUYEN"]
    assert main([*args, "--report", str(report)]) == 0  # the nine others are stored
    sheet = openpyxl.load_workbook(report)["Cần xác nhận"]
    head = [c.value for c in sheet[3]]
    row = dict(zip(head, [c.value for c in sheet[4]], strict=False))
    assert row["Tên trong tệp"] == "H. Ðà Bắc" and row["Mã cấp trên"] == "17"
    assert row["Gợi ý (mã: tên)"] == "150: Huyện Đà Bắc"
    sheet.cell(4, head.index("Mã đơn vị") + 1, "150")
    sheet.parent.save(report)
    capsys.readouterr()
    # the same file again: its bytes were imported, but with the decision it gives more
    assert main([*args, "--aliases", str(report)]) == 0
    out = capsys.readouterr().out
    assert "kho không thay đổi" not in out
    assert "dùng Huyện Đà Bắc (mã 150) theo cách viết đã xác nhận" in out
    shapes = GpkgStore.open(store_copy.path).unit_shapes("vn-2024", "district").set_index("code")
    assert shapes.is_approximate.astype(int)["150"] == 0
    stored = d.loc[d.MA_HUYEN == 9150].geometry.iloc[0]
    assert shapes.geometry["150"].symmetric_difference(stored).area < 1e-9
    # remembered: the next check of such a file needs no aliases file
    check = check_boundaries(GpkgStore.open(store_copy.path), gj, "vn-2024", code_field="MA_HUYEN")
    assert "150" in set(check.units.code) and not check.review


def test_a_name_that_contradicts_its_code_is_refused(store_copy, tmp_path):
    d = official_districts(store_copy)
    a, b = d.index[:2]
    d.loc[[a, b], "Ten_Huyen"] = d.loc[[b, a], "Ten_Huyen"].to_numpy()  # names swapped
    gj = tmp_path / "huyen.geojson"
    d.to_file(gj)
    check = check_boundaries(store_copy, gj, "vn-2024", code_field="MA_HUYEN")
    swapped = {f"{d.MA_HUYEN[a]:03d}", f"{d.MA_HUYEN[b]:03d}"}
    assert not swapped & set(check.units.code) and len(check.units) == len(d) - 2
    assert {i.code for i in check.review} == swapped
    assert all("nhưng tệp ghi" in i.reason and len(i.candidates) == 2 for i in check.review)


def test_tiny_slivers_are_summed_up_in_one_line(store_copy, tmp_path):
    d = store_copy.unit_shapes("vn-2024", "commune")
    d = d[d.parent_code == "150"].copy()
    d["MA"] = d.code
    d["geometry"] = _shift(d, 0.2)  # every edge of one unit 20 cm off
    d.loc[d.index[1:], "geometry"] = (
        store_copy.unit_shapes("vn-2024", "commune")
        .set_index("code")
        .geometry[d.code[1:]]
        .to_numpy()
    )
    gj = tmp_path / "xa.geojson"
    d[["MA", "geometry"]].to_file(gj)
    check = check_boundaries(store_copy, gj, "vn-2024", code_field="MA")
    small = check.report[check.report["Vấn đề"].str.contains("khe hở/chồng lấn nhỏ dưới 1 ha")]
    assert len(small) == 1 and "tổng" in small["Vấn đề"].iloc[0]
    assert not check.report["Vấn đề"].str.startswith("chồng lấn").any()


def test_the_files_dates_are_checked_against_the_version_not_stored(store_copy, tmp_path, capsys):
    d = official_districts(store_copy).head(3)
    gj = tmp_path / "huyen.geojson"
    d.to_file(gj)
    base = ["import-boundaries", str(gj), "--store", str(store_copy.path), "--version"]
    assert main([*base, "vn-2024", "--valid-from", "2026-01-01"]) == 2
    err = capsys.readouterr().err
    assert "--valid-from 2026-01-01 nằm ngoài thời kỳ của phiên bản vn-2024" in err
    assert "(từ trước đến 30/06/2025)" in err
    assert main([*base, "vn-2024", "--valid-from", "2019-01-01"]) == 0
    out = capsys.readouterr().out
    assert "--valid-from 2019-01-01 chỉ được kiểm tra, không đổi thời kỳ của phiên bản" in out
    v = GpkgStore.open(store_copy.path).table("boundary_versions").set_index("version")
    assert str(v.loc["vn-2024", "valid_from"]) != "2019-01-01"  # the version keeps its period


def test_an_island_district_at_commune_level_is_found_by_its_own_code(store_copy, tmp_path):
    """Lý Sơn has no communes: it stands at commune level under its district code 536,
    which must not be read as '00536'."""
    c = store_copy.unit_shapes("vn-2024", "commune")
    qn = c[c["province_code"] == c.loc[c["code"] == "536", "province_code"].iloc[0]]
    assert "536" in set(qn["code"]) and len(qn) > 100
    f = tmp_path / "xa_quang_ngai.gpkg"
    qn[["code", "name", "geometry"]].rename(columns={"code": "MA", "name": "TEN"}).to_file(f)
    check = check_boundaries(store_copy, f, "vn-2024", level="commune", code_field="MA")
    assert set(check.units["code"]) == set(qn["code"]) and not check.review
