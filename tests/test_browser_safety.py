"""Markup in the data or the URL, shown by the real page in headless Chromium: literal
text only, no outside request, no image or link made from it (page and map iframe)."""

from __future__ import annotations

import shutil
import sqlite3
from urllib.parse import quote

import pytest

from dashboard.safe_text import shown
from tests.browser_support import ARTIFACTS, OfflineGuard, Server, map_frame, wait_for

pytestmark = pytest.mark.browser

EVIL_TYPE = "![x](http://evil.example/p.png)"
EVIL_NAME = "<img src=x onerror=alert(1)>[link](http://evil.example)"
# what the page or the map would make of the text if it rendered it as markup
MADE_FROM_TEXT = 'img[src*="evil"], img[src="x"], a[href*="evil"]'


@pytest.fixture(scope="module")
def evil(demo_build, tmp_path_factory):
    """A store copy where one model with a point carries Markdown and HTML in its type
    and name (as an import would store them), and a server on it."""
    path = tmp_path_factory.mktemp("evil") / "antt.gpkg"
    shutil.copy(demo_build.path, path)
    with sqlite3.connect(path) as c:
        fid, commune, year = c.execute(
            "SELECT fid, commune_code, start_year FROM models WHERE lon IS NOT NULL"
            " AND version = 'vn-2024' AND end_year IS NULL AND start_year >= 2015 LIMIT 1"
        ).fetchone()
        c.execute(
            "UPDATE models SET name = ?, model_type = ? WHERE fid = ?", (EVIL_NAME, EVIL_TYPE, fid)
        )
    ARTIFACTS.mkdir(exist_ok=True)
    srv = Server(path, tmp_path_factory.mktemp("srv") / "server.log")
    try:
        srv.wait_ready()
        yield srv, commune, year
    finally:
        srv.stop()


@pytest.fixture
def page(browser, request):
    ctx = browser.new_context(viewport={"width": 1500, "height": 1000})
    pg = ctx.new_page()
    guard = OfflineGuard(pg)
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield pg
    pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    ctx.close()
    assert guard.blocked == [], f"requests to other hosts: {guard.blocked[:5]}"
    assert dialogs == [], "a script from the data ran"


def _frame_with_points(page):
    for frame in page.frames:
        try:
            if frame.evaluate("() => !!(window.antt && window.antt.points)"):
                return frame
        except Exception:  # frame detached while the page reruns
            continue
    return None


def test_markup_in_a_model_type_and_name_stays_text(evil, page):
    srv, commune, year = evil
    page.goto(
        f"{srv.url}/?from={year}&to={year}&level=commune&area={commune}"
        f"&types={quote(EVIL_TYPE, safe='')}"
    )
    frame, _key = map_frame(page)
    main = page.locator('[data-testid="stMain"]')
    wait_for(lambda: EVIL_TYPE in shown(main.inner_text()), what="the type as literal text")
    page.get_by_text("Hiện vị trí các mô hình (gom cụm)").click()
    frame = wait_for(lambda: _frame_with_points(page), what="model points")
    # open the point's tooltip as a hover does (one point in the commune: not clustered)
    frame.evaluate(
        """() => { const l = window.antt.points.getLayers()[0];
                   window.antt.map.setView(l.getLatLng(), 16); l.openTooltip(); }"""
    )
    tip = frame.locator(".leaflet-tooltip").last
    wait_for(lambda: EVIL_NAME in tip.inner_text(), what="the name as literal tooltip text")
    assert EVIL_TYPE in tip.inner_text()
    assert tip.locator("img, a").count() == 0
    assert frame.locator(MADE_FROM_TEXT).count() == 0
    assert page.locator(MADE_FROM_TEXT).count() == 0


def test_markup_in_url_values_shows_as_literal_text(evil, page):
    srv, _commune, _year = evil
    area, types = "[x](http://evil.example)", "![y](http://evil.example/q.png)"
    page.goto(f"{srv.url}/?area={quote(area, safe='')}&types={quote(types, safe='')}")
    map_frame(page)
    warnings = page.locator('[data-testid="stAlertContainer"]')
    text = lambda: shown(" ".join(warnings.all_inner_texts()))  # noqa: E731
    wait_for(lambda: area in text(), what="the area value as text")
    assert types in text()
    assert page.locator(MADE_FROM_TEXT).count() == 0
