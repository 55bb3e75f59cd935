"""The import page's province option and review step, used in Chromium as a person does."""

from __future__ import annotations

import pytest

from geodata.aliases import read_aliases
from geodata.store import GpkgStore
from tests.browser_support import (
    ARTIFACTS,
    OfflineGuard,
    pick_option,
    served_copy,
    wait_for,
)
from tests.registry_files import provincial_workbook

pytestmark = pytest.mark.browser

HEADER = ["Tên mô hình", "Loại mô hình", "Huyện/Thành phố", "Xã/Phường/Thị trấn", "Năm thành lập"]
# one misspelling per window size: the first run's saved alias would match the same one
MISSPELT = {1920: "Xã Tân Peo", 1366: "Tân Pheo Mới"}


def rows(misspelt: str) -> list[list]:
    return [
        ["Tổ liên gia tự quản", "Tự quản khu dân cư", "Đà Bắc", misspelt, 2016],
        ["Nhà trọ tự quản", "Tự quản khu dân cư", "Đà Bắc", "Cao Sơn", 2019],
    ]


@pytest.fixture(scope="module")
def server(demo_build, tmp_path_factory):
    with served_copy(demo_build.path, tmp_path_factory.mktemp("review-srv")) as srv:
        yield srv


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)])
def test_province_given_once_then_a_name_decided_in_the_review(server, browser, tmp_path, size):
    f = tmp_path / "ds-hoa-binh.xlsx"
    misspelt = MISSPELT[size[0]]
    f.write_bytes(provincial_workbook(HEADER, rows(misspelt), title=False))
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = ctx.new_page()
    guard = OfflineGuard(page)
    body = lambda: page.inner_text("body")  # noqa: E731
    try:
        page.goto(f"{server.url}/nhap-du-lieu")
        wait_for(lambda: "Tải tệp Excel mẫu" in body(), what="the import page")
        page.locator("input[type=file]").set_input_files(str(f))
        # the page names its own field, never a command-line option
        wait_for(lambda: "ô “Tỉnh của cả tệp”" in body(), what="no province")
        assert "--province" not in body()
        box = page.get_by_role("textbox", name="Tỉnh của cả tệp")
        box.fill("Hoà Bình")
        box.press("Enter")
        wait_for(lambda: "Tên cần xác nhận" in body(), timeout=60, what="the review step")
        assert "Tỉnh theo lựa chọn khi nhập: Tỉnh Hòa Bình" in body()
        page.screenshot(path=str(ARTIFACTS / f"review_{size[0]}.png"), full_page=True)
        pick_option(page, f"Xã/phường “{misspelt}”", "Xã Tân Pheo (mã 04849)")
        page.get_by_role("button", name="Lưu các lựa chọn và kiểm tra lại").click()
        confirm = page.get_by_role("button", name="Xác nhận lưu 2 dòng hợp lệ")
        wait_for(lambda: confirm.count() and confirm.is_enabled(), timeout=60, what="re-check")
        assert "Tên cần xác nhận" not in body()
        assert f"Đã lưu 1 cách viết đã xác nhận (“{misspelt}” → mã 04849)" in body()
        assert f"'{misspelt}' khớp Xã Tân Pheo theo cách viết đã xác nhận" in body()
        confirm.click()
        wait_for(lambda: "Đã lưu 2 dòng mô hình" in body(), timeout=60, what="stored")
        page.screenshot(path=str(ARTIFACTS / f"review_done_{size[0]}.png"), full_page=True)
    finally:
        ctx.close()
    assert guard.blocked == []
    store = GpkgStore.open(server.store)
    models = store.table("models")
    assert sorted(models["commune_code"]) == ["04849", "04876"]
    aliases = read_aliases(store)
    assert ["commune", "150", misspelt, "04849"] in aliases[
        ["level", "parent_code", "alias", "code"]
    ].values.tolist()
