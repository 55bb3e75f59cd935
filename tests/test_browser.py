"""The real page in headless Chromium, fully offline (every other host is blocked)."""

from __future__ import annotations

import pytest

from tests.browser_support import (
    ARTIFACTS,
    OfflineGuard,
    map_frame,
    offline_page,
    wait_for,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, request):
    with offline_page(browser, 1500, 1000, request.node.name) as pg:
        yield pg


def _drawn(frame) -> int:
    return frame.evaluate("() => window.antt.drawnCount()")


def _legend(frame) -> str:
    return frame.evaluate("() => window.antt.legend.getContainer().innerText")


def _cards(page) -> list[str]:
    return page.locator(".antt-card-value").all_inner_texts()


@pytest.mark.parametrize(
    "query,count",
    [
        ("from=2020&to=2020&level=province", 63),
        ("from=2026&to=2026&level=province", 34),
        ("from=2020&to=2020&level=commune", 10040),
    ],
)
def test_map_draws_every_unit(server, page, query, count):
    page.set_viewport_size({"width": 1100, "height": 1000})  # a laptop: the map is narrow
    page.goto(f"{server.url}/?{query}")
    frame, _ = map_frame(page)
    assert frame.evaluate("() => window.antt.units.getLayers().length") == count
    assert wait_for(lambda: _drawn(frame) == count, what=f"{count} drawn shapes")
    assert "Quần đảo Hoàng Sa" in frame.inner_text(
        "body"
    ) and "Quần đảo Trường Sa" in frame.inner_text("body")
    assert "Ranh giới xấp xỉ" in frame.inner_text("body")
    # both archipelago labels lie wholly inside the map, none cut by its edge
    outside = frame.evaluate(
        """() => {
          const m = document.querySelector('.leaflet-container').getBoundingClientRect();
          return [...document.querySelectorAll('.antt-archipelago span')]
            .map(s => {  // the text's own extent, not its (possibly zero-width) box
              const r = document.createRange();
              r.selectNodeContents(s);
              return [s.innerText, r.getBoundingClientRect()];
            })
            .filter(([, r]) => r.left < m.left || r.right > m.right || r.top < m.top)
            .map(([t]) => t);
        }"""
    )
    assert outside == []


def test_period_change_updates_legend_figures_and_url(server, page, browser):
    page.goto(f"{server.url}/?from=2020&to=2020&metric=model_count")
    frame, key = map_frame(page)
    legend, cards = _legend(frame), _cards(page)
    assert "năm 2020" in legend
    slider = page.get_by_role("slider").first
    slider.focus()
    slider.press("ArrowLeft")  # 2020 -> 2019
    frame, _key2 = map_frame(page, not_key=key)
    wait_for(lambda: "năm 2019" in _legend(frame), what="legend for 2019")
    assert _legend(frame) != legend
    wait_for(lambda: _cards(page) != cards, what="figures to change")
    href = lambda: page.evaluate("() => location.href")  # noqa: E731 (page.url lags pushState)
    url = wait_for(lambda: href() if "to=2019" in href() else None, what="URL with to=2019")

    # a copied URL opens the same map, filters and figures
    other = browser.new_context(viewport={"width": 1500, "height": 1000}).new_page()
    guard = OfflineGuard(other)
    other.goto(url)
    frame2, _ = map_frame(other)
    assert _legend(frame2) == _legend(frame)
    wait_for(lambda: _cards(other) == _cards(page), what="same figures in the copied URL")
    other.screenshot(path=str(ARTIFACTS / "copied_url.png"))
    other.context.close()
    assert guard.blocked == []


def test_clicking_a_province_drills_into_it(server, page):
    page.goto(f"{server.url}/?from=2020&to=2020&metric=certified_share")
    frame, key = map_frame(page)
    wait_for(lambda: _drawn(frame) == 63, what="63 provinces")
    x, y = frame.evaluate(
        """() => { const l = window.antt.units.getLayers().find(x => x.options.code === '17');
                   const p = window.antt.map.latLngToContainerPoint(l.getBounds().getCenter());
                   return [p.x, p.y]; }"""
    )
    box = frame.frame_element().bounding_box()
    # the tooltip is made when the pointer reaches the unit, from the current values; the
    # pointer moves a pixel at a time as a hand does (Leaflet skips hovers mid-zoom)
    wiggle = iter(range(10_000))

    def hover_tip():
        page.mouse.move(box["x"] + x + next(wiggle) % 3, box["y"] + y, steps=2)
        return frame.evaluate(
            "() => { const t = document.querySelector('.leaflet-tooltip'); return t && t.innerText; }"
        )

    tip = wait_for(hover_tip, what="a tooltip")
    assert "Hòa Bình" in tip and "Mã: 17" in tip and "Xã đạt chuẩn ANTT: 123/151" in tip, tip
    page.mouse.click(box["x"] + x, box["y"] + y)
    wait_for(lambda: "area=17" in page.evaluate("() => location.href"), what="area=17 in the URL")
    frame, _ = map_frame(page, not_key=key)
    wait_for(
        lambda: frame.evaluate("() => window.antt.units.getLayers().length") == 10,
        what="10 districts",
    )
    assert wait_for(lambda: _drawn(frame) == 10, what="10 drawn districts")
    wait_for(
        lambda: any("123 xã đạt chuẩn / 151" in c for c in _cards(page)), what="Hòa Bình figures"
    )


def test_export_buttons_download_the_view_with_the_page_figures(server, page, tmp_path):
    """The PDF and PPTX buttons under the map download finished maps of the view on the
    page, with the figures the page's cards show."""
    import io
    import unicodedata
    from pathlib import Path

    import pypdf
    from pptx import Presentation

    page.goto(f"{server.url}/?from=2020&to=2020&metric=certified_share&level=district&area=17")
    map_frame(page)
    cards = wait_for(
        lambda: (c := _cards(page)) and any("123 xã đạt chuẩn / 151" in x for x in c) and c,
        what="Hòa Bình figures",
    )
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name="PDF (A4 ngang)").click()
    assert dl.value.suggested_filename == "ban-do_certified_share_17_district_2020-2020.pdf"
    pdf = tmp_path / dl.value.suggested_filename
    dl.value.save_as(pdf)
    (pg,) = pypdf.PdfReader(pdf).pages
    text = unicodedata.normalize("NFC", pg.extract_text())
    assert "Tỷ lệ xã đạt chuẩn an ninh trật tự — Tỉnh Hòa Bình, năm 2020" in text
    flat = text.replace("\n", " ")
    for card in cards:
        assert card in flat, card

    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name="PowerPoint (16:9)").click()
    prs = Presentation(io.BytesIO(Path(dl.value.path()).read_bytes()))
    slide_text = "\n".join(s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame)
    for card in cards:
        assert card in slide_text, card
    # the page did not rerun or lose its view when the buttons were clicked
    assert "area=17" in page.evaluate("() => location.href")
