"""Every control of the map page used as a person uses it (click, key, Back), at both
window sizes a meeting room has, checking what becomes visible."""

from __future__ import annotations

import pytest

from geodata.query import active_models
from geodata.view import MapView
from tests.browser_support import (
    ARTIFACTS,
    click_unit,
    href,
    map_eval,
    map_frame,
    wait_for,
    wait_idle,
)

pytestmark = pytest.mark.browser


def legend(frame) -> str:
    return frame.evaluate("() => document.querySelector('.antt-legend').innerText")


def units_shown(page) -> list[int]:
    """Units drawn in each map on the page: [63] is one map of the 63 provinces."""
    return map_eval(page, "window.antt.units ? window.antt.units.getLayers().length : 0")


def test_range_mode_shows_a_range_slider_that_moves_the_period(server, page):
    page.goto(f"{server.url}/?from=2020&to=2020&metric=model_count")
    frame, key = map_frame(page)
    wait_idle(page)
    page.get_by_text("Khoảng nhiều năm").click()
    # two thumbs appear, the map shows a two-year period, and it stays in range mode
    wait_for(lambda: page.get_by_role("slider").count() == 3, what="a two-thumb slider")
    frame, key = map_frame(page, not_key=key)
    wait_for(lambda: "2019–2020" in legend(frame), what="the 2019–2020 legend")
    wait_for(lambda: "from=2019" in href(page) and "to=2020" in href(page), what="URL")
    wait_idle(page)
    assert page.get_by_label("Khoảng nhiều năm").is_checked()
    # the first thumb moved with the keyboard as a person does: one more year back
    thumb = page.get_by_role("slider").nth(0)
    thumb.focus()
    thumb.press("ArrowLeft")
    frame, _ = map_frame(page, not_key=key)
    wait_for(lambda: "2018–2020" in legend(frame), what="the 2018–2020 legend")
    wait_for(lambda: "from=2018" in href(page), what="from=2018 in the URL")
    # and back to one year
    wait_idle(page)
    page.get_by_text("Một năm", exact=True).click()
    wait_for(lambda: page.get_by_role("slider").count() == 2, what="a one-thumb slider")
    wait_for(lambda: "from=2020" in href(page), what="one year again")


def _district_with_points(store) -> tuple[str, int]:
    view = MapView(year_from=2020, year_to=2020)
    m = active_models(store, view, "vn-2024").dropna(subset=["lon", "lat"])
    communes = store.units("vn-2024", "commune").set_index("code")["parent_code"]
    per = m["commune_code"].map(communes).value_counts()
    return str(per.index[0]), int(per.iloc[0])


def test_model_points_switch_shows_and_hides_the_points(server, store, page):
    district, n = _district_with_points(store)
    page.goto(f"{server.url}/?from=2020&to=2020&level=commune&area={district}")
    frame, _ = map_frame(page)
    wait_idle(page)
    switch = page.get_by_text("Hiện vị trí các mô hình (gom cụm)")
    switch.scroll_into_view_if_needed()
    switch.click()

    def points():
        for f in page.frames:
            try:
                got = f.evaluate(
                    "() => window.antt && window.antt.points ? "
                    "window.antt.points.getLayers().length : null"
                )
            except Exception:  # a frame detached by the rerun
                continue
            if got is not None:
                return f, got
        return None

    frame, count = wait_for(points, what="model points on the map")
    assert count == n
    # clusters or single points are visible inside the map
    wait_for(
        lambda: frame.locator(".marker-cluster, .leaflet-marker-icon").count() > 0,
        what="cluster markers",
    )
    page.screenshot(path=str(ARTIFACTS / f"points_on_{page.viewport_size['width']}.png"))
    wait_idle(page)
    switch.click()
    wait_for(lambda: points() is None, what="the points gone")
    assert frame.locator(".marker-cluster").count() == 0


def test_back_to_the_country_after_drilling_by_clicks(server, page):
    """Reported: after drilling by clicks on the map, "Về toàn quốc" changed the URL
    but the map and the cards stayed on the area, three times in four."""
    page.goto(f"{server.url}/?from=2020&to=2020&metric=certified_share")
    for _round in range(3):
        # one map of the country (a change of base map replaces its iframe: the frame
        # is looked up once only one map is left)
        wait_for(lambda: units_shown(page) == [63], what="63 provinces")
        wait_idle(page)
        frame, _ = map_frame(page)
        click_unit(page, frame, "17")
        wait_for(lambda: "area=17" in href(page), what=f"area=17 in the URL (round {_round + 1})")
        wait_for(lambda: units_shown(page) == [10], what="the 10 districts of Hòa Bình")
        wait_idle(page)
        button = page.get_by_role("button", name="⬆ Về toàn quốc")
        button.scroll_into_view_if_needed()
        button.click()
        wait_for(lambda: units_shown(page) == [63], what="the country again")
        wait_for(lambda: "area=" not in href(page), what="no area in the URL")
        wait_idle(page)
        # it stays there: no stale click drills back in
        page.wait_for_timeout(1500)
        assert units_shown(page) == [63] and "area=" not in href(page)
        cards = page.locator(".antt-card-value").all_inner_texts()
        assert not any("/ 151" in c for c in cards), cards  # Hòa Bình's own figures


def test_browser_back_and_forward_walk_through_the_views(server, page):
    page.goto(f"{server.url}/?from=2020&to=2020&metric=model_count")
    frame, key = map_frame(page)
    wait_idle(page)
    slider = page.get_by_role("slider").first
    slider.focus()
    slider.press("ArrowLeft")  # 2020 -> 2019
    frame, key2 = map_frame(page, not_key=key)
    wait_for(lambda: "năm 2019" in legend(frame), what="2019")
    wait_for(lambda: "to=2019" in href(page), what="to=2019 in the URL")
    wait_idle(page)
    page.go_back()
    wait_for(lambda: "to=2020" in href(page), what="the URL of 2020 again")
    frame, key3 = map_frame(page, not_key=key2)
    wait_for(lambda: "năm 2020" in legend(frame), what="the 2020 map again")
    wait_idle(page)
    # the slider follows the view it came back to
    wait_for(
        lambda: page.get_by_test_id("stSliderThumbValue").first.inner_text() == "2020",
        what="the slider at 2020",
    )
    page.go_forward()
    wait_for(lambda: "to=2019" in href(page), what="forward to 2019")
    frame, _ = map_frame(page, not_key=key3)
    wait_for(lambda: "năm 2019" in legend(frame), what="the 2019 map again")


def test_every_export_with_many_model_types(server, store, page, tmp_path):
    """Reported: the PowerPoint export failed when three or more model types were chosen
    (a document property longer than 255 characters), and the page said nothing."""
    import io
    from pathlib import Path
    from urllib.parse import quote

    import pypdf
    from PIL import Image
    from pptx import Presentation

    types = sorted(store.table("models", columns=("model_type",))["model_type"].unique())
    assert len(types) >= 3
    from geodata.view_params import TYPE_SEPARATOR

    query = "types=" + quote(TYPE_SEPARATOR.join(types), safe="")
    page.goto(f"{server.url}/?from=2020&to=2020&metric=model_count&{query}")
    map_frame(page)
    wait_idle(page)
    assert all(t in page.inner_text("body") for t in types)  # the page shows every type
    got = {}
    for label, ext in (
        ("Ảnh PNG", "png"),
        ("PDF (A4 ngang)", "pdf"),
        ("PowerPoint (16:9)", "pptx"),
    ):
        button = page.get_by_role("button", name=label)
        button.scroll_into_view_if_needed()
        with page.expect_download(timeout=90_000) as dl:
            button.click()
        assert dl.value.failure() is None, (label, dl.value.failure())
        assert dl.value.suggested_filename.endswith(f".{ext}")
        got[ext] = Path(dl.value.path()).read_bytes()
    assert Image.open(io.BytesIO(got["png"])).size[0] > 1000
    assert len(pypdf.PdfReader(io.BytesIO(got["pdf"])).pages) == 1
    prs = Presentation(io.BytesIO(got["pptx"]))
    text = "\n".join(s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame)
    assert all(t in text for t in types)  # the slide keeps the filter line whole
    assert len(prs.core_properties.subject) <= 255


def test_the_legend_never_hides_the_unit_under_the_pointer(server, page):
    """Reported at 1366×768: the legend covered tooltips. The pointer over a unit beside
    or under the legend shows that unit's tooltip, readable, with the legend faded."""
    page.goto(f"{server.url}/?from=2020&to=2020&level=commune&metric=model_count")
    frame, _ = map_frame(page)
    wait_idle(page)
    # the unit nearest to the legend's lower left corner (hovered at its centre)
    x, y, _code = frame.evaluate(
        """() => { const A = window.antt, m = A.map, c = m.getContainer().getBoundingClientRect();
          const r = A.legend.getContainer().getBoundingClientRect();
          const corner = L.point(r.left - c.left + 12, r.bottom - c.top - 12);
          let best = null;
          A.units.eachLayer(l => { const ll = l.getBounds().getCenter();
            if (!l._containsPoint(m.latLngToLayerPoint(ll))) return;  // a centre on the water
            const p = m.latLngToContainerPoint(ll), d = p.distanceTo(corner);
            if (!best || d < best[0]) best = [d, p, l.options.code]; });
          return [best[1].x, best[1].y, best[2]]; }"""
    )
    box = frame.frame_element().bounding_box()
    assert (
        frame.evaluate("() => getComputedStyle(window.antt.legend.getContainer()).opacity") == "1"
    )

    def tip_on_top():
        page.mouse.move(box["x"] + x, box["y"] + y, steps=2)
        return frame.evaluate(
            """() => { const t = document.querySelector('.leaflet-tooltip');
              if (!t || !t.innerText.includes('Mã:')) return null;
              const r = t.getBoundingClientRect();
              const g = window.antt.legend.getContainer().getBoundingClientRect();
              return {text: t.innerText,
                      overlap: r.right > g.left && r.left < g.right && r.bottom > g.top && r.top < g.bottom,
                      legend: getComputedStyle(window.antt.legend.getContainer()).opacity}; }"""
        )

    # the tooltip of that unit (or, for the tiniest communes, of its neighbour a pixel off)
    got = wait_for(tip_on_top, what="the tooltip of the unit beside the legend")
    if page.viewport_size["width"] == 1366:
        assert got["overlap"]  # the case reported: this tooltip reaches under the legend
    # wherever the tooltip reaches under the legend, the legend has faded out of its way
    got = wait_for(
        lambda: (g := tip_on_top()) and (not g["overlap"] or float(g["legend"]) < 0.5) and g,
        what="the legend faded",
    )
    page.screenshot(path=str(ARTIFACTS / f"legend_fades_{page.viewport_size['width']}.png"))
    # and back when the pointer leaves the map
    page.mouse.move(5, 5)
    wait_for(
        lambda: (
            frame.evaluate("() => getComputedStyle(window.antt.legend.getContainer()).opacity")
            == "1"
        ),
        what="the legend shown again",
    )
