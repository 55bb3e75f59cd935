"""Saved views and the presentation mode, used as a person uses them: type a name and
press "Lưu", open a view from the list, press "Trình chiếu", step with Page Down, the
arrows and Page Up, reload, leave with Esc; and the report pack from the sidebar."""

from __future__ import annotations

import shutil

import docx
import pytest

from geodata.view import MapView
from tests.browser_support import (
    ARTIFACTS,
    href,
    map_eval,
    served_copy,
    serving,
    wait_for,
    wait_idle,
)

pytestmark = pytest.mark.browser

# (name, address of the view before saving it, the title the presentation shows, the
# first line of the map's legend)
VIEWS = (
    ("Mô hình 2026", "?from=2026&to=2026&metric=model_count",
     "Số mô hình tự quản về ANTT — Toàn quốc", "Số mô hình tự quản về ANTT"),
    ("Đạt chuẩn Phú Thọ <b>2026</b>", "?from=2026&to=2026&metric=certified_share&area=25&level=commune",
     "Tỷ lệ xã đạt chuẩn an ninh trật tự — Tỉnh Phú Thọ", "Tỷ lệ xã đạt chuẩn an ninh trật tự"),
    ("Trọng điểm 2020", "?from=2020&to=2020&metric=hotspot_count&level=district&area=17",
     "Số xã trọng điểm, phức tạp về ANTT — Tỉnh Hòa Bình", "Số xã trọng điểm"),
)  # fmt: skip


@pytest.fixture
def srv(demo_build, tmp_path):
    """A server on a store of its own (the tests save and delete views)."""
    (tmp_path / "srv").mkdir()
    with served_copy(demo_build.path, tmp_path / "srv") as s:
        yield s


@pytest.fixture
def srv_with_views(demo_build, tmp_path):
    """The same, with the three views saved beforehand (as `antt-map views save` does)."""
    from geodata.audit import current_actor
    from geodata.saved_views import save_view
    from geodata.store import open_store
    from geodata.view_params import view_from_params

    folder = tmp_path / "srv"
    folder.mkdir()
    path = folder / "antt.gpkg"
    shutil.copy(demo_build.path, path)
    store = open_store(path)
    for name, address, *_ in VIEWS:
        params = dict(p.split("=") for p in address[1:].split("&"))
        view, _ = view_from_params(params, store, MapView())
        version = "vn-2025" if view.year_to >= 2025 else "vn-2024"
        save_view(str(path), name, view, version, current_actor())
    with serving(path, folder) as s:
        yield s


def _legend(page) -> list[str]:
    return map_eval(page, "(document.querySelector('.antt-legend') || {}).innerText || ''")


def _title(page) -> str:
    loc = page.locator(".antt-present-title")
    return loc.inner_text() if loc.count() else ""


def _save_three(page, url: str) -> None:
    for name, address, _title_text, legend in VIEWS:
        page.goto(url + "/" + address)
        wait_for(lambda lg=legend: any(lg in t for t in _legend(page)), what=f"the map of {name}")
        wait_idle(page)
        box = page.get_by_label("Tên cho khung nhìn đang xem")
        box.scroll_into_view_if_needed()
        box.fill(name)
        page.get_by_role("button", name="Lưu khung nhìn này").click()
        wait_for(lambda n=name: f"Đã lưu “{n}”." in page.inner_text("body"), what=f"{name} saved")
        wait_idle(page)


def test_three_saved_views_shown_one_after_another_with_the_keyboard(srv, page):
    _save_three(page, srv.url)
    for i, (name, *_rest) in enumerate(VIEWS, 1):  # the list, in order, names as text
        assert page.get_by_role("button", name=f"{i}. {name}").is_visible()
    page.get_by_role("button", name="Trình chiếu").click()
    wait_for(lambda: page.locator(".antt-present").count() == 1, what="the presentation")
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    wait_for(lambda: "present=1" in href(page), what="present=1 in the URL")

    def press(key: str, i: int) -> None:
        """Press `key` for view `i`, once (a lost press was a real bug: see
        test_browser_races)."""
        page.keyboard.press(key)
        wait_for(lambda: _title(page) == VIEWS[i][2], what="the view after the key")

    def shows(i: int) -> None:
        name, _address, title, legend = VIEWS[i]
        wait_for(lambda: _title(page) == title, what=f"the title of {name}")
        wait_for(
            lambda: len(_legend(page)) == 1 and legend in _legend(page)[0],
            60,
            what=f"the legend of {name}",
        )  # a new base map: its geometry, then drawn
        assert page.locator(".antt-present-name").inner_text() == name  # text, not markup
        assert page.get_by_text(f"Khung nhìn {i + 1} / 3").is_visible()
        wait_idle(page)

    # the view on screen when the presentation started was the third saved one
    shows(2)
    press("PageUp", 1)
    shows(1)
    press("PageUp", 0)
    shows(0)
    press("PageDown", 1)
    shows(1)
    page.screenshot(path=str(ARTIFACTS / f"present_{page.viewport_size['width']}.png"))
    press("ArrowRight", 2)
    shows(2)
    press("ArrowLeft", 1)
    shows(1)
    # a key pressed while the map has the focus (after a click on it) works the same
    page.frame_locator('iframe[title="streamlit_folium.st_folium"]').locator(
        ".leaflet-control-zoom-in"
    ).click()
    press("PageDown", 2)
    shows(2)
    # the mode survives a reload
    page.reload()
    wait_for(lambda: page.locator(".antt-present").count() == 1, what="the presentation again")
    shows(2)
    # Esc leaves, on the same view
    page.keyboard.press("Escape")
    wait_for(lambda: page.locator(".antt-present").count() == 0, what="the normal page")
    wait_for(lambda: "present=1" not in href(page), what="no present=1 in the URL")
    assert page.locator('[data-testid="stSidebar"]').is_visible()
    assert "area=17" in href(page)


def test_a_saved_view_opens_with_one_click_and_is_renamed_moved_deleted_and_reported(
    srv_with_views, page, tmp_path
):
    page.goto(srv_with_views.url + "/?from=2026&to=2026")
    wait_for(lambda: _legend(page), what="the map")
    wait_idle(page)
    wait_for(lambda: page.get_by_role("button", name="2. Đạt chuẩn Phú Thọ <b>2026</b>").count(),
             what="the saved views")  # fmt: skip
    page.get_by_role("button", name="2. Đạt chuẩn Phú Thọ <b>2026</b>").click()
    wait_for(
        lambda: "area=25" in href(page) and "saved=" in href(page), what="the saved view's URL"
    )
    wait_for(lambda: any("Tỷ lệ xã đạt chuẩn" in t for t in _legend(page)), what="its map")
    wait_idle(page)
    # move it up, then rename it
    page.get_by_role("button", name="↑").click()
    wait_for(lambda: page.get_by_role("button", name="1. Đạt chuẩn Phú Thọ <b>2026</b>").count(),
             what="it first in the list")  # fmt: skip
    wait_idle(page)
    page.get_by_label("Tên mới").fill("Phú Thọ — đạt chuẩn")
    page.get_by_role("button", name="Đổi tên").click()
    wait_for(
        lambda: page.get_by_role("button", name="1. Phú Thọ — đạt chuẩn").count(), what="renamed"
    )
    wait_idle(page)
    # the report pack of the three, as a Word file
    page.get_by_text("Báo cáo từ các khung nhìn đã lưu").click()
    word = page.get_by_text("Word (báo cáo)")
    word.wait_for()
    wait_idle(page)
    word.scroll_into_view_if_needed()  # on screen first, as a person sees it
    word.click()
    wait_for(lambda: page.get_by_label("Word (báo cáo)").is_checked(), what="Word chosen")
    wait_idle(page)
    page.get_by_role("button", name="Lập báo cáo").click()
    button = page.get_by_role("button", name="Tải bao-cao_3-ban-do.docx", exact=False)
    button.wait_for(timeout=120_000)
    with page.expect_download() as dl:
        button.click()
    path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(path)
    headings = [p.text for p in docx.Document(path).paragraphs if p.style.name == "Heading 1"]
    assert headings == ["1. Phú Thọ — đạt chuẩn", "2. Mô hình 2026", "3. Trọng điểm 2020",
                        "Tổng hợp số liệu"]  # fmt: skip
    # delete the one picked in the list
    wait_idle(page)
    page.get_by_role("button", name="Xóa", exact=True).click()
    wait_for(lambda: "Khung nhìn đã lưu (2)" in page.inner_text("body"), what="two views left")
    assert page.get_by_role("button", name="1. Mô hình 2026").count() == 1


def test_the_play_control_steps_through_the_years_and_the_gif_is_made(srv, page, tmp_path):
    from PIL import Image, ImageSequence

    page.goto(srv.url + "/?from=2024&to=2024&metric=certified_share")
    wait_for(lambda: any("năm 2024" in t for t in _legend(page)), what="the 2024 map")
    wait_idle(page)
    play = page.get_by_role("button", name="Phát các năm 2015–2024")
    play.scroll_into_view_if_needed()
    play.click()
    for year in (2015, 2016, 2017):  # the map moves on by itself, a year at a time
        wait_for(lambda y=year: any(f"năm {y}" in t for t in _legend(page)), what=f"the {year} map")
        wait_for(lambda y=year: f"from={y}&to={y}" in href(page), what=f"{year} in the URL")
    page.get_by_role("button", name="Dừng (đang ở năm", exact=False).click()
    wait_for(lambda: page.get_by_role("button", name="Phát các năm", exact=False).count() == 1,
             what="the player stopped")  # fmt: skip
    stopped = href(page)
    year = int(stopped.split("to=")[1][:4])  # 2017, or a year later if a step came first
    assert f"from={year}&to={year}" in stopped and 2017 <= year < 2024
    page.wait_for_timeout(4000)  # longer than a step: it stays where it was stopped
    assert href(page) == stopped
    # the same years as a GIF, from the page
    page.get_by_role("button", name="Ảnh động, video các năm").click()
    page.get_by_role("button", name="Tạo tệp").click()
    button = page.get_by_role("button", name="Tải ban-do_", exact=False)
    button.wait_for(timeout=120_000)
    with page.expect_download() as dl:
        button.click()
    path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(path)
    # stopped on one year: the years up to it that the data have (from 2014), a frame each
    assert path.name.endswith(f"_2014-{year}_cac-nam.gif")
    assert len(list(ImageSequence.Iterator(Image.open(path)))) == year - 2014 + 1
