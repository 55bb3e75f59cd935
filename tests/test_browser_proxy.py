"""The shared server as deployed: two dashboard replicas on one PostGIS store behind
Debian's nginx with the configuration in deploy/nginx, used by real Chromium pages."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from geodata.store_copy import copy_store
from tests.browser_support import (
    ARTIFACTS,
    map_frame,
    offline_page,
    wait_for,
    wait_idle,
)
from tests.pg_support import new_database
from tests.proxy_support import deployment as deployment_of
from tests.proxy_support import nginx_binary
from tests.registry_files import GOOD, messy_workbook

pytestmark = pytest.mark.browser

AGENTS = [f"Mozilla/5.0 (X11; Linux x86_64) phong-hop-{i}" for i in range(6)]


@pytest.fixture(scope="module")
def deployment(pg_server, demo_build, tmp_path_factory):
    if nginx_binary() is None:
        if os.environ.get("ANTT_REQUIRE_PG") == "1":
            pytest.fail("nginx is required here (apt-get install nginx; .ci/run does)")
        pytest.skip("nginx is not installed")
    url = new_database(pg_server)
    copy_store(str(demo_build.path), url)
    with deployment_of(url, tmp_path_factory.mktemp("proxy")) as (proxy, replicas):
        yield {"url": url, "proxy": proxy, "replicas": replicas}


def _sessions_on(port: int) -> int:
    """Open websocket connections from nginx to a replica (ss counts the sockets)."""
    out = subprocess.run(
        ["ss", "-Htn", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
    ).stdout
    return len([line for line in out.splitlines() if line.strip()])


def _models_card(page) -> str:
    return page.locator(".antt-card-value").first.inner_text()


def test_two_replicas_behind_nginx_serve_and_see_each_others_writes(deployment, browser, tmp_path):
    proxy = deployment["proxy"]
    contexts, pages = [], []
    try:
        for agent in AGENTS:
            ctx = browser.new_context(viewport={"width": 1366, "height": 768}, user_agent=agent)
            page = ctx.new_page()
            contexts.append(ctx)
            pages.append(page)
            page.goto(f"{proxy}/?to=2026")
            map_frame(page)  # the map is drawn through the proxy (geometry and websocket)
        # each browser keeps one replica, and the browsers are spread over both
        ports = [r.port for r in deployment["replicas"]]
        wait_for(lambda: all(_sessions_on(p) > 0 for p in ports), what="sessions on both replicas")
        before = [_models_card(p) for p in pages]
        assert len(set(before)) == 1
        # an import through one replica's page: the upload is an HTTP request outside
        # the websocket, so it must reach the replica that holds this page's session
        xlsx = tmp_path / "so-theo-doi.xlsx"
        xlsx.write_bytes(messy_workbook(GOOD))
        page = pages[0]
        page.goto(f"{proxy}/nhap-du-lieu")
        wait_for(lambda: "Tải tệp Excel mẫu" in page.inner_text("body"), what="the import page")
        page.locator("input[type=file]").set_input_files(str(xlsx))
        confirm = page.get_by_role("button", name=re.compile("Xác nhận lưu"))
        confirm.wait_for(timeout=120_000)
        wait_for(confirm.is_enabled, what="the confirm button")
        confirm.click()
        wait_for(lambda: "Đã lưu" in page.inner_text("body"), timeout=120, what="stored")
        page.goto(f"{proxy}/?to=2026")
        # seen on every replica without a restart: a reload shows the new figures
        deadline = time.monotonic() + 30
        for page in pages[1:]:
            while True:
                page.reload()
                map_frame(page)
                wait_idle(page)
                if _models_card(page) != before[0] or time.monotonic() > deadline:
                    break
            assert _models_card(page) != before[0]
        pages[1].screenshot(path=str(ARTIFACTS / "proxy_after_import.png"))
    finally:
        for ctx in contexts:
            ctx.close()


def test_a_download_through_the_proxy_reaches_its_session(deployment, browser):
    """Downloads are HTTP requests outside the websocket: sticky routing sends them to
    the replica that holds the session (else Streamlit answers 400)."""
    with offline_page(browser, 1920, 1080, "proxy_download") as page:
        page.goto(f"{deployment['proxy']}/?to=2020&area=17&level=district")
        map_frame(page)
        wait_idle(page)
        with page.expect_download(timeout=120_000) as dl:
            page.get_by_role("button", name="Ảnh PNG").click()
        assert dl.value.failure() is None
        assert Path(dl.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        # no login configured, yet reached through nginx: the page says so, not
        # "single-machine mode"
        body = page.inner_text("body")
        assert "Chưa cấu hình đăng nhập, nhưng trang đang được phục vụ qua" in body
        assert "Chế độ một máy" not in body
