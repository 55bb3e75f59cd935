"""The meeting room, used as a person uses it at both window sizes: the map fills the
window, two periods side by side move together on one legend, the change map, a unit's
trend after a click, names on the map, an area that follows the 2025 reform."""

from __future__ import annotations

import time

import pytest

from tests.browser_support import (
    ARTIFACTS,
    click_unit,
    href,
    map_frame,
    pick_option,
    wait_for,
    wait_idle,
)

pytestmark = pytest.mark.browser


def maps(page) -> list:
    """The map frames whose units are drawn and values applied, left to right."""
    out = []
    for f in page.frames:
        try:
            if f.evaluate("() => !!(window.antt && window.antt.units && window.antt.appliedKey)"):
                box = f.frame_element().bounding_box()
                if box:
                    out.append((box["x"], f))
        except Exception:  # a frame detached by a rerun
            continue
    return [f for _x, f in sorted(out, key=lambda t: t[0])]


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}_{page.viewport_size['width']}.png"))


def test_the_map_fills_the_window_and_the_exports_fit(server, page):
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    page.goto(f"{server.url}/?to=2026")
    frame, _ = map_frame(page)
    wait_idle(page)
    box = frame.frame_element().bounding_box()
    size = frame.evaluate("() => window.antt.map.getSize()")
    # the drawn map is the frame's size (not streamlit-folium's fixed pixels)
    assert abs(size["y"] - box["height"]) <= 2
    assert box["height"] >= 0.7 * height
    assert box["width"] >= 0.55 * (width - 336)  # of the page beside the sidebar
    assert box["y"] + box["height"] <= height  # nothing of it below the fold
    # legend and the three export buttons visible without scrolling
    legend = frame.locator(".antt-legend").bounding_box()
    assert legend["y"] + legend["height"] <= box["height"]
    for label in ("Ảnh PNG", "PDF (A4 ngang)", "PowerPoint (16:9)"):
        b = page.get_by_role("button", name=label).bounding_box()
        assert b["y"] + b["height"] <= height, label
    assert page.evaluate("() => window.scrollY") == 0
    shot(page, "fills_window")


def test_two_periods_side_by_side_move_together_then_the_change_map(server, page):
    page.goto(f"{server.url}/?to=2026&metric=certified_share")
    _frame, _ = map_frame(page)
    wait_idle(page)
    page.get_by_text("Hai kỳ cạnh nhau").click()
    two = wait_for(lambda: len(m := maps(page)) == 2 and m, what="two maps")
    wait_for(lambda: "cmp=side" in href(page), what="cmp=side in the URL")
    left, right = two
    captions = [f.locator(".antt-caption").inner_text() for f in two]
    assert captions == ["Năm 2025", "Năm 2026"]
    # one legend, on the right, with breaks for both periods
    assert not left.locator(".antt-legend").is_visible()
    assert "chung cho năm 2025 và năm 2026" in right.locator(".antt-legend").inner_text()
    # the compared year moved with its slider, as a person does
    wait_idle(page)
    for year in (2024, 2023, 2022, 2021, 2020):  # one key at a time, as a hand does
        base = page.get_by_role("slider", name="So với năm")
        base.focus()
        base.press("ArrowLeft")
        wait_for(lambda y=year: f"cfrom={y}" in href(page), timeout=60, what=f"cfrom={year}")
        wait_idle(page)
    wait_for(
        lambda: (
            len(m := maps(page)) == 2 and m[0].locator(".antt-caption").inner_text() == "Năm 2020"
        ),
        what="the left map showing 2020",
    )
    left, right = maps(page)
    wait_idle(page)
    # dragging one map moves the other the same way
    start = left.evaluate(
        "() => { const m = window.antt.map, p = m.project(m.getCenter(), m.getZoom()); return [p.x, p.y, m.getZoom()]; }"
    )
    box = right.frame_element().bounding_box()
    cx, cy = box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.6
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 120, cy - 80, steps=8)
    page.mouse.up()
    # the same centre to the pixel (a map given a centre snaps it to a whole pixel)
    centre = "() => { const m = window.antt.map, p = m.project(m.getCenter(), m.getZoom()); return [p.x, p.y, m.getZoom()]; }"

    def together():
        a, b = left.evaluate(centre), right.evaluate(centre)
        return a[2] == b[2] and abs(a[0] - b[0]) <= 1.5 and abs(a[1] - b[1]) <= 1.5 and a

    moved = wait_for(together, what="both maps at the same centre")
    assert moved != start  # and they did move
    shot(page, "side_by_side")
    # the change map: one map, a diverging legend with increase and decrease
    page.get_by_text("Bản đồ thay đổi").click()
    wait_for(lambda: "cmp=change" in href(page), what="cmp=change in the URL")
    one = wait_for(
        lambda: (
            len(m := maps(page)) == 1 and "Tăng" in m[0].locator(".antt-legend").inner_text() and m
        ),
        what="the change map",
    )
    text = one[0].locator(".antt-legend").inner_text()
    assert "Giảm" in text and "Không đổi" in text and "năm 2020 → năm 2026" in text
    shot(page, "change_map")
    # Back returns to the two maps
    wait_idle(page)
    page.go_back()
    wait_for(lambda: "cmp=side" in href(page), what="back to side by side")
    wait_for(lambda: len(maps(page)) == 2, what="two maps again")


def test_clicking_a_unit_shows_its_trend(server, page):
    page.goto(f"{server.url}/?from=2020&to=2020&metric=model_count")
    frame, _ = map_frame(page)
    wait_for(
        lambda: frame.evaluate("() => window.antt.units.getLayers().length") == 63,
        what="63 provinces",
    )
    wait_idle(page)
    click_unit(page, frame, "17")
    wait_for(lambda: "area=17" in href(page), what="area=17")
    heading = page.get_by_text("Diễn biến qua các năm: Tỉnh Hòa Bình")
    heading.wait_for(timeout=60_000)
    img = page.locator('[data-testid="stImage"] img').first
    img.scroll_into_view_if_needed()
    wait_for(
        lambda: img.evaluate("i => i.complete && i.naturalWidth > 500"), what="the chart drawn"
    )
    assert "Mọi năm tính trên đơn vị hành chính vn-2024" in page.inner_text("body")
    shot(page, "trend")


def test_names_on_the_map_switch(server, page):
    page.goto(f"{server.url}/?to=2026")
    frame, key = map_frame(page)
    wait_idle(page)
    pick_option(page, "Tỉnh/thành phố", "Tỉnh Phú Thọ", typed="Phú Thọ")
    frame, key = map_frame(page, not_key=key)
    wait_for(lambda: "area=25" in href(page), what="area=25")
    wait_idle(page)
    switch = page.get_by_text("Ghi tên đơn vị trên bản đồ")
    switch.scroll_into_view_if_needed()
    switch.click()
    wait_for(lambda: "labels=1" in href(page), what="labels=1")
    frame = wait_for(
        lambda: next((f for f in maps(page) if f.locator(".antt-label").count() > 5), None),
        what="names on the map",
    )
    names = frame.locator(".antt-label").all_inner_texts()
    assert "Hòa Bình" in names or "Việt Trì" in names, names[:10]
    # placed names never overlap each other
    boxes = frame.evaluate(
        "() => [...document.querySelectorAll('.antt-label span')].map(s => { const r = s.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"
    )
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] - 1 and a[2] > b[0] + 1 and a[1] < b[3] - 1 and a[3] > b[1] + 1)
    shot(page, "labels")
    wait_idle(page)
    switch.click()
    wait_for(lambda: "labels=1" not in href(page), what="labels off")
    wait_for(
        lambda: all(f.locator(".antt-label").count() == 0 for f in maps(page)) and maps(page),
        what="names gone",
    )


def test_an_area_follows_the_reform_when_the_year_moves_past_it(server, page):
    page.goto(f"{server.url}/?from=2024&to=2024&level=district")
    _frame, key = map_frame(page)
    wait_idle(page)
    pick_option(page, "Tỉnh/thành phố", "Tỉnh Hòa Bình", typed="Hòa Bình")
    wait_for(lambda: "area=17" in href(page), what="area=17")
    _frame, key = map_frame(page, not_key=key)
    wait_idle(page)
    slider = page.get_by_role("slider", name="Năm")
    slider.focus()
    slider.press("ArrowRight")
    slider.press("ArrowRight")
    wait_for(
        lambda: "to=2026" in href(page) and "area=25" in href(page),
        timeout=60,
        what="2026 in Phú Thọ",
    )
    alert = page.get_by_text("nay thuộc Tỉnh Phú Thọ")
    alert.wait_for(timeout=30_000)
    assert "Tỉnh Hòa Bình (mã 17" in page.inner_text("body")
    # the messages push the map down; it still ends inside the window
    frame, _ = map_frame(page)
    wait_for(
        lambda: (
            (b := frame.frame_element().bounding_box())
            and b["y"] + b["height"] <= page.viewport_size["height"]
        ),
        what="the map inside the window under the messages",
    )
    shot(page, "follows_reform")


def test_model_types_offer_no_english_select_all(server, page):
    page.goto(f"{server.url}/?to=2026")
    map_frame(page)
    wait_idle(page)
    box = page.get_by_role("combobox", name="Loại mô hình")
    box.scroll_into_view_if_needed()  # on screen first, as a person sees it
    box.click()
    wait_for(lambda: page.get_by_role("option").count() > 3, what="the model types listed")
    body = page.inner_text("body")
    assert "Select all" not in body and "Select " not in body
    page.keyboard.press("Escape")
    time.sleep(0.2)


def test_choosing_a_province_then_a_district_shows_the_district_whole(server, page):
    """Found by a stranger's check: after the district was picked, its map opened on the
    whole world (zoom 0, the frame laid out after the map fitted itself)."""
    page.goto(f"{server.url}/?to=2024")
    _frame, key = map_frame(page)
    wait_idle(page)
    pick_option(page, "Tỉnh/thành phố", "Tỉnh Hòa Bình", typed="Hòa Bình")
    _frame, key = map_frame(page, not_key=key)
    wait_idle(page)
    pick_option(page, "Huyện/quận", "Huyện Đà Bắc", typed="Đà Bắc")
    wait_for(lambda: "area=150" in href(page), what="area=150")

    def fitted():
        frame = next(iter(maps(page)), None)
        if frame is None:
            return None
        return frame.evaluate(
            """() => { const m = window.antt.map, u = window.antt.units;
              if (!u || u.getLayers().length !== 17) return null;
              const view = m.getBounds(), b = u.getBounds();
              return {zoom: m.getZoom(), whole: view.contains(b),
                      share: (b.getEast() - b.getWest()) / (view.getEast() - view.getWest())}; }"""
        )

    got = wait_for(lambda: (g := fitted()) and g["zoom"] > 8 and g, what="the district fitted")
    assert got["whole"] and got["share"] > 0.3, got
    shot(page, "district_fitted")
