"""The shared server as deployed: two dashboard replicas on one PostGIS store behind
Debian's nginx with the configuration in deploy/nginx, used by real Chromium pages."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from geodata.store_copy import copy_store
from tests.browser_support import (
    ARTIFACTS,
    Server,
    free_port,
    map_frame,
    offline_page,
    wait_for,
    wait_idle,
)
from tests.pg_support import new_database
from tests.registry_files import GOOD, messy_workbook

pytestmark = pytest.mark.browser

DEPLOY = Path(__file__).resolve().parents[1] / "deploy" / "nginx" / "antt-map.conf"
AGENTS = [f"Mozilla/5.0 (X11; Linux x86_64) phong-hop-{i}" for i in range(6)]


def nginx_conf(folder: Path, listen: int, replicas: list[int]) -> Path:
    """deploy/nginx/antt-map.conf as shipped, with this test's ports, in a main config
    that runs nginx unprivileged in `folder`."""
    site = DEPLOY.read_text(encoding="utf-8")
    servers = "".join(f"    server 127.0.0.1:{p};\n" for p in replicas)
    site = re.sub(r"(    server 127\.0\.0\.1:\d+;\n)+", servers, site)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    conf = folder / "nginx.conf"
    conf.write_text(
        f"worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        "events { worker_connections 256; }\n"
        f"http {{\n access_log {folder}/access.log;\n client_body_temp_path {folder}/body;\n"
        f" proxy_temp_path {folder}/proxy;\n fastcgi_temp_path {folder}/fcgi;\n"
        f" uwsgi_temp_path {folder}/uwsgi;\n scgi_temp_path {folder}/scgi;\n{site}\n}}\n",
        encoding="utf-8",
    )
    return conf


@pytest.fixture(scope="module")
def deployment(pg_server, demo_build, tmp_path_factory):
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if not nginx:
        if os.environ.get("ANTT_REQUIRE_PG") == "1":
            pytest.fail("nginx is required here (apt-get install nginx; .ci/run does)")
        pytest.skip("nginx is not installed")
    url = new_database(pg_server)
    copy_store(str(demo_build.path), url)
    folder = tmp_path_factory.mktemp("proxy")
    replicas = [Server(url, folder / f"replica{i}.log") for i in range(2)]
    for r in replicas:
        r.wait_ready()
    port = free_port()
    conf = nginx_conf(folder, port, [r.port for r in replicas])
    proc = subprocess.Popen([nginx, "-c", str(conf), "-p", str(folder), "-g", "daemon off;"])
    try:
        wait_for(lambda: _answers(f"http://127.0.0.1:{port}/_stcore/health"), what="nginx")
        yield {"url": url, "proxy": f"http://localhost:{port}", "replicas": replicas}
    finally:
        proc.terminate()
        proc.wait(10)
        for r in replicas:
            r.stop()


def _answers(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


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
