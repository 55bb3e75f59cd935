"""The import page in headless Chromium, on its own copy of the store."""

from __future__ import annotations

import re
import zipfile

import pytest

from geodata.store import GpkgStore
from tests.browser_support import ARTIFACTS, OfflineGuard, map_frame, served_copy, wait_for
from tests.helpers import official_districts
from tests.registry_files import BAD, GOOD, messy_workbook

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(demo_build, tmp_path_factory):
    with served_copy(demo_build.path, tmp_path_factory.mktemp("import-srv")) as srv:
        yield srv


def test_upload_report_confirm_and_the_map_changes(server, browser, tmp_path):
    ctx = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = ctx.new_page()
    guard = OfflineGuard(page)
    try:
        bad = tmp_path / "co-loi.xlsx"
        bad.write_bytes(messy_workbook(GOOD + BAD))
        clean = tmp_path / "sach.xlsx"
        clean.write_bytes(messy_workbook(GOOD))
        body = lambda: page.inner_text("body")  # noqa: E731

        # before: the demo's Hòa Bình has 112 models in 2020
        page.goto(f"{server.url}/?metric=model_count&from=2020&to=2020&level=district&area=17")
        map_frame(page)
        wait_for(lambda: "112" in page.locator(".antt-card-value").first.inner_text(), what="112")

        page.goto(f"{server.url}/nhap-du-lieu")
        wait_for(lambda: "Tải tệp Excel mẫu" in body(), what="the import page")
        page.locator("input[type=file]").set_input_files(str(bad))
        wait_for(lambda: "Trùng với dòng 5" in body(), what="the validation report")
        text = body()
        assert "Không tìm thấy xã/phường 'Xã Không Có'" in text
        assert "Trùng với dòng 5" in text and "Thiếu tên mô hình" in text
        page.screenshot(path=str(ARTIFACTS / "import_report.png"), full_page=True)
        page.get_by_text("Không lưu gì nếu có dòng bị loại").click()
        wait_for(
            lambda: page.get_by_role("button", name="Xác nhận lưu 3 dòng hợp lệ").is_disabled(),
            what="strict blocks",
        )

        page.locator("input[type=file]").set_input_files(str(clean))
        confirm = page.get_by_role("button", name="Xác nhận lưu 3 dòng hợp lệ")
        wait_for(
            lambda: "Các dòng bị loại" not in body() and confirm.is_enabled(), what="a clean file"
        )
        assert "dữ liệu mẫu" in body() or "mẫu" in body()
        confirm.click()
        wait_for(lambda: "Đã lưu 3 dòng mô hình" in body(), what="the import to be stored")
        page.screenshot(path=str(ARTIFACTS / "import_done.png"), full_page=True)

        # after: the map shows the imported registry
        page.goto(f"{server.url}/?metric=model_count&from=2020&to=2020&level=district&area=17")
        map_frame(page)
        wait_for(
            lambda: page.locator(".antt-card-value").first.inner_text() == "3", what="3 models"
        )
        page.screenshot(path=str(ARTIFACTS / "import_map_after.png"))
    finally:
        ctx.close()
    assert guard.blocked == []


def test_boundary_file_needs_a_crs_then_replaces_the_approximate_districts(
    server, browser, tmp_path
):
    shp = tmp_path / "shp"
    shp.mkdir()
    store = GpkgStore.open(server.store)
    official_districts(store).to_crs("EPSG:3405").to_file(shp / "huyen.shp")
    (shp / "huyen.prj").unlink()  # as exported by older desktop GIS
    zipped = tmp_path / "huyen.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        for f in shp.iterdir():
            zf.write(f, f.name)
    ctx = browser.new_context(viewport={"width": 1500, "height": 1400})
    page = ctx.new_page()
    guard = OfflineGuard(page)
    hoa_binh = f"{server.url}/?metric=model_count&from=2020&to=2020&level=district&area=17"
    try:
        body = lambda: page.inner_text("body")  # noqa: E731
        page.goto(hoa_binh)
        frame, _ = map_frame(page)
        assert "Ranh giới xấp xỉ" in frame.inner_text("body")

        page.goto(f"{server.url}/nhap-du-lieu")
        wait_for(lambda: "Tải tệp Excel mẫu" in body(), what="the import page")
        page.get_by_text("Ranh giới hành chính", exact=True).click()
        page.get_by_role("combobox", name="Phiên bản ranh giới").click()
        page.get_by_role("option", name=re.compile("^vn-2024")).click()
        page.locator("input[type=file]").set_input_files(str(zipped))
        wait_for(lambda: "không khai báo hệ tọa độ" in body(), what="the missing-CRS message")
        assert "EPSG:3405" in body() and "ô “Hệ tọa độ”" in body()
        page.get_by_role("textbox", name="Hệ tọa độ").fill("EPSG:3405")
        page.keyboard.press("Enter")
        confirm = page.get_by_role("button", name="Xác nhận thay ranh giới của 10 đơn vị")
        wait_for(lambda: confirm.count() and confirm.is_enabled(), timeout=60, what="the check")
        assert "Kết quả kiểm tra" in body() and "Xem trước" in body()
        page.screenshot(path=str(ARTIFACTS / "import_boundaries_report.png"), full_page=True)
        confirm.click()
        wait_for(lambda: "Đã thay ranh giới của 10 đơn vị" in body(), timeout=90, what="stored")

        page.goto(hoa_binh)
        frame, _ = map_frame(page)
        assert "Ranh giới xấp xỉ" not in frame.inner_text("body")
        assert "Ranh giới xấp xỉ" not in body()
        page.screenshot(path=str(ARTIFACTS / "import_boundaries_map_after.png"))
    finally:
        ctx.close()
    assert guard.blocked == []
