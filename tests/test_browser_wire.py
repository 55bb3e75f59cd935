"""What goes over the wire, counted by Chromium's DevTools protocol: geometry once per
browser (HTTP, cached), values only on a filter change; and the ranking table's
search box and pager used as a person uses them.

These pages are watched with `Wire`, not `OfflineGuard`: intercepting requests turns
Chromium's HTTP cache off, and the cache is what is tested here. `Wire.external` lists
any request to another host instead.
"""

from __future__ import annotations

import json

import pytest

from tests.browser_support import ARTIFACTS, Wire, map_frame, serving, wait_for, wait_idle

pytestmark = pytest.mark.browser
NATIONAL_COMMUNES = "/?level=commune&from=2020&to=2020&metric=model_density"


@pytest.fixture(scope="module")
def server(demo_build, tmp_path_factory):
    with serving(demo_build.path, tmp_path_factory.mktemp("wire")) as srv:
        yield srv


def _drawn(frame, n: int) -> bool:
    return frame.evaluate(
        "(n) => !!(window.antt && window.antt.units && window.antt.units.getLayers().length === n)",
        n,
    )


def _map_showing(page, text: str):
    """The map frame whose legend shows `text` (frames are looked up anew each time)."""
    for f in page.frames:
        try:
            if text in f.evaluate(
                "() => window.antt && window.antt.legend ? "
                "window.antt.legend.getContainer().innerText : ''"
            ):
                return f
        except Exception:  # a frame detached by a rerun
            continue
    return None


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)])
def test_a_filter_change_sends_values_only_and_geometry_comes_from_the_cache(server, browser, size):
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = ctx.new_page()
    wire = Wire(ctx, page)
    try:
        page.goto(server.url + NATIONAL_COMMUNES)
        frame, _key = map_frame(page, timeout=120)
        wait_for(lambda: _drawn(frame, 10040), 60, "10,040 communes drawn")
        geo_bytes, geo_requests = wire.geometry()
        assert geo_requests == 2 and geo_bytes > 100_000  # communes and province outlines
        wait_idle(page)

        # the year slider, moved with the keyboard as a person does
        wire.reset()
        slider = page.get_by_role("slider").first
        slider.focus()
        slider.press("ArrowLeft")
        wait_for(lambda: "to=2019" in page.evaluate("() => location.href"), 60, "to=2019")
        frame = wait_for(lambda: _map_showing(page, "năm 2019"), 60, "the 2019 legend")
        wait_idle(page)
        assert wire.geometry() == (0, 0)  # no geometry fetched again
        assert wire.ws_frames and max(wire.ws_frames) < geo_bytes
        assert wire.ws_bytes < geo_bytes  # all frames together: less than the geometry
        assert _drawn(frame, 10040)  # the same layer restyled, not redrawn
        values = frame.evaluate("() => window.antt.values")
        assert values["n"] == 10040 and len(values["bins"]) == 10040
        assert set(values) >= {"bins", "cols", "legendHtml"} and "f" not in values

        # a second page load in the same browser: geometry from the cache
        wire.reset()
        page.goto(server.url + NATIONAL_COMMUNES)
        frame, _ = map_frame(page, timeout=120)
        wait_for(lambda: _drawn(frame, 10040), 60, "drawn again")
        geo_bytes_again, geo_requests_again = wire.geometry()
        assert geo_requests_again == 2 and geo_bytes_again == 0
        # and the map component's own (content-named) script too
        component = [i for i, u in wire.urls.items() if "/component/" in u and u.endswith(".js")]
        assert component and all(wire.http[i] == 0 for i in component if i in wire.http)
        page.screenshot(path=str(ARTIFACTS / f"wire_{size[0]}.png"))
    finally:
        ctx.close()
    assert wire.external == []


def test_the_geometry_url_is_immutable_and_a_stale_one_is_not_cached(server):
    import urllib.error
    import urllib.request

    from geodata.display_docs import read_doc
    from geodata.store import GpkgStore

    doc = read_doc(GpkgStore.open(server.store), "vn-2024", "commune", "country", "")
    req = urllib.request.Request(server.url + doc.path, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req) as r:
        assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert r.headers["Content-Encoding"] == "gzip"
        body = r.read()
    import gzip

    assert [f[0] for f in json.loads(gzip.decompress(body))["f"]] == list(doc.codes)
    stale = doc.path.replace(doc.hash, "0" * len(doc.hash))
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(server.url + stale)
    assert err.value.code == 404 and err.value.headers["Cache-Control"] == "no-store"
    # a made-up area in the country band is not a reason to compute anything
    odd = doc.path.replace("/country/vn/", "/country/xyz/")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(server.url + odd)
    assert err.value.code == 404


def test_ranking_search_and_pager(server, browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 768})
    page = ctx.new_page()
    wire = Wire(ctx, page)
    body = lambda: page.inner_text("body")  # noqa: E731
    try:
        page.goto(server.url + NATIONAL_COMMUNES)
        map_frame(page, timeout=120)
        wait_idle(page)
        wait_for(lambda: "Đơn vị 1–20 trong 10.040 đơn vị" in body(), 30, "first page")
        pager = page.get_by_role("spinbutton", name="Trang (trên 502)")
        pager.scroll_into_view_if_needed()
        page.get_by_test_id("stNumberInputStepUp").click()  # the "+" beside the page number
        wait_for(lambda: "Đơn vị 21–40 trong 10.040 đơn vị" in body(), 30, "second page")
        box = page.get_by_role("textbox", name="Tìm đơn vị trong bảng")
        box.fill("tan pheo")  # without diacritics
        box.press("Enter")
        wait_for(lambda: "khớp “tan pheo”" in body(), 30, "search results")
        grid = page.locator("table.antt-rank")
        wait_for(lambda: "Xã Tân Pheo" in grid.inner_text(), 30, "the commune in the table")
        assert "Đơn vị 1–1 trong 1 đơn vị" in body()  # back to page 1 of the matches
        page.screenshot(path=str(ARTIFACTS / "ranking_search_1366.png"), full_page=True)
    finally:
        ctx.close()
    assert wire.external == []
