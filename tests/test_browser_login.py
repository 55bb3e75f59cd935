"""Logins through a real OpenID Connect provider (oidc-provider-mock on loopback), roles
and areas enforced on the server, and the audit rows they leave, in headless Chromium."""

from __future__ import annotations

import shutil

import pytest

from geodata.audit import read_audit
from geodata.store import open_store
from tests.browser_support import ARTIFACTS, OfflineGuard, map_frame, wait_for
from tests.oidc_support import log_in, login_server, provider, put_user

MIXED = (  # two models in Hòa Bình (now in Phú Thọ) and one in Hà Nội
    "Tên mô hình,Loại mô hình,Tỉnh,Huyện,Xã/Phường,Năm thành lập\n"
    "Tổ an ninh nhân dân,Tự quản khu dân cư,Hòa Bình,Đà Bắc,Thị trấn Đà Bắc,2015\n"
    "Tổ hòa giải,Hòa giải ở cơ sở,Hòa Bình,Lương Sơn,Xã Tân Vinh,2019\n"
    "Tổ tự quản Phúc Xá,Tự quản khu dân cư,Hà Nội,Quận Ba Đình,Phường Phúc Xá,2016\n"
)


@pytest.fixture(scope="module")
def idp():
    with provider() as url:
        put_user(url, "xem@ca.phutho.vn", "Nguyễn Văn Xem", roles=["xem"], areas=["25"])
        put_user(url, "nhap@ca.phutho.vn", "Trần Thị Nhập", roles=["nhap_lieu"], areas=["25"])
        put_user(url, "qt@bo.vn", "Lê Quản Trị", roles=["quan_tri"])
        put_user(url, "la@ca.vn", "Người Lạ")  # no role anywhere
        yield url


@pytest.fixture(scope="module")
def srv(idp, demo_build, tmp_path_factory):
    with login_server(demo_build.path, tmp_path_factory.mktemp("login-srv"), idp) as s:
        yield s


@pytest.fixture
def tab(browser, request):
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, accept_downloads=True)
    page = ctx.new_page()
    guard = OfflineGuard(page)
    try:
        yield page
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    finally:
        ctx.close()
    # the mock provider's own login form asks a CDN for its stylesheet (blocked; the
    # form works without it); nothing else, and nothing from the dashboard, may leave
    assert [u for u in guard.blocked if "picocss" not in u and "pico.min.css" not in u] == []


def _body(page) -> str:
    # names and addresses are written with word joiners (no autolinks): read without them
    return page.inner_text("body").replace("\u2060", "")


def _audit(srv, action: str, user: str) -> list:
    rows = read_audit(open_store(str(srv.store)))
    return rows[(rows["action"] == action) & (rows["user_id"] == user)].to_dict("records")


def test_anonymous_gets_the_login_page_and_no_data(srv, tab):
    tab.goto(f"{srv.url}/?area=01&level=commune")
    wait_for(lambda: "Đăng nhập" in _body(tab), what="the login page")
    assert "chỉ dành cho người được cấp quyền" in _body(tab)
    tab.wait_for_timeout(1000)
    assert all("antt" not in (f.name or "") for f in tab.frames[1:])
    assert "Xuất bản đồ" not in _body(tab) and "Nhập dữ liệu" not in _body(tab)


def test_a_viewer_of_one_province_sees_it_only_whatever_the_url(srv, tab):
    log_in(tab, srv.url, "xem@ca.phutho.vn")
    map_frame(tab)
    wait_for(lambda: "Tỉnh Phú Thọ" in _body(tab), what="Phú Thọ")
    assert "Nguyễn Văn Xem · xem · Tỉnh Phú Thọ (mã 25)" in _body(tab)
    assert "Về toàn quốc" not in _body(tab)
    # the sidebar offers the units inside the area only (no "Toàn quốc" to be refused)
    tab.get_by_role("combobox", name="Tỉnh/thành phố").click()
    wait_for(lambda: tab.get_by_role("option").count() > 0, what="the province list")
    assert tab.get_by_role("option").all_inner_texts() == ["Tỉnh Phú Thọ"]
    tab.keyboard.press("Escape")
    assert "Nhập dữ liệu" not in _body(tab)  # the import page is not offered
    assert _audit(srv, "login", "xem@ca.phutho.vn")
    # Streamlit's login cookies: not readable by scripts, not sent by other sites' forms
    auth = [c for c in tab.context.cookies() if c["name"].startswith("_streamlit_user")]
    assert auth and all(c["httpOnly"] and c["sameSite"] == "Lax" for c in auth)
    # Hà Nội by editing the address: refused, the map stays in Phú Thọ
    tab.goto(f"{srv.url}/?area=01&level=commune&from=2026&to=2026")
    wait_for(lambda: "chỉ được xem Tỉnh Phú Thọ (mã 25)" in _body(tab), what="the refusal")
    map_frame(tab)
    assert "Thành phố Hà Nội" not in tab.locator("h1, h2, h3").all_inner_texts()
    assert "area=25" in tab.evaluate("() => location.href")
    # the import page by its address: not there for a viewer
    tab.goto(f"{srv.url}/nhap-du-lieu")
    tab.wait_for_timeout(3000)
    assert tab.locator("input[type=file]").count() == 0
    # an export is of Phú Thọ, carries the name, and is recorded
    tab.goto(f"{srv.url}/")
    map_frame(tab)
    with tab.expect_download(timeout=120_000) as dl:
        tab.get_by_role("button", name="Ảnh PNG").click()
    assert "_25_commune_" in dl.value.suggested_filename  # Phú Thọ's code
    wait_for(lambda: _audit(srv, "export", "xem@ca.phutho.vn"), what="the export's audit row")
    # the reloads and new addresses above were one login, not one per page load
    assert len(_audit(srv, "login", "xem@ca.phutho.vn")) == 1
    # logging out is recorded under the person, not the server's user
    tab.get_by_role("button", name="Đăng xuất").click()
    wait_for(lambda: _audit(srv, "logout", "xem@ca.phutho.vn"), what="the logout's audit row")
    row = _audit(srv, "logout", "xem@ca.phutho.vn")[0]
    assert row["user_name"] == "Nguyễn Văn Xem" and row["role"] == "xem"


def test_data_staff_import_only_rows_inside_their_area(srv, tab, tmp_path):
    f = tmp_path / "hon-hop.csv"
    f.write_text(MIXED, encoding="utf-8")
    log_in(tab, srv.url, "nhap@ca.phutho.vn")
    tab.get_by_role("link", name="Nhập dữ liệu").click()
    wait_for(lambda: "Tải tệp Excel mẫu" in _body(tab), what="the import page")
    assert "Ranh giới" not in tab.get_by_role("radiogroup").inner_text()  # admins only
    tab.locator("input[type=file]").set_input_files(str(f))
    wait_for(lambda: "Xã mã 00001 nằm ngoài địa bàn được giao" in _body(tab), what="the row")
    assert "Phường Phúc Xá" in _body(tab)
    tab.get_by_role("button", name="Xác nhận lưu 2 dòng hợp lệ").click()
    wait_for(lambda: "Đã lưu 2 dòng mô hình" in _body(tab), what="the import")
    (row,) = _audit(srv, "import", "nhap@ca.phutho.vn")
    assert row["count"] == 2 and "hon-hop.csv" in row["what"]
    imports = open_store(str(srv.store)).table("imports")
    assert imports["imported_by"].iloc[-1] == "Trần Thị Nhập"  # not the server's OS user


def test_an_admin_change_of_area_applies_at_the_next_run(srv, browser, tab):
    log_in(tab, srv.url, "qt@bo.vn")
    tab.get_by_role("link", name="Quản trị").click()
    wait_for(lambda: "Người dùng, vai trò và địa bàn" in _body(tab), what="the admin page")
    tab.get_by_label("Tài khoản (thư điện tử)").fill("xem@ca.phutho.vn")
    tab.get_by_label("Họ tên").fill("Nguyễn Văn Xem")
    tab.get_by_label("Địa bàn (mã, cách nhau bằng dấu phẩy)").fill("01")
    tab.get_by_role("button", name="Lưu người dùng").click()
    wait_for(lambda: "Đã lưu xem@ca.phutho.vn" in _body(tab), what="the saved user")
    assert _audit(srv, "users", "qt@bo.vn")
    # the viewer's next run: Hà Nội now, Phú Thọ refused
    other = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        page = other.new_page()
        log_in(page, srv.url, "xem@ca.phutho.vn")
        map_frame(page)
        wait_for(lambda: "Thành phố Hà Nội" in _body(page), what="Hà Nội")
        page.goto(f"{srv.url}/?area=25&level=commune")
        wait_for(lambda: "chỉ được xem Thành phố Hà Nội" in _body(page), what="the refusal")
    finally:
        other.close()


def test_a_person_without_a_role_is_told_whom_to_ask(srv, tab):
    log_in(tab, srv.url, "la@ca.vn")
    wait_for(lambda: "chưa được cấp quyền xem" in _body(tab), what="the refusal")
    assert "Xuất bản đồ" not in _body(tab)


def test_a_server_opened_to_the_network_without_login_says_so(demo_build, browser, tmp_path):
    """`serve --address 0.0.0.0 --no-auth`: the page warns in red instead of claiming
    single-machine mode."""
    from tests.browser_support import SIZES, Server, offline_page

    store = tmp_path / "antt.gpkg"
    shutil.copy(demo_build.path, store)
    srv = Server(store, tmp_path / "server.log", ("--address", "0.0.0.0", "--no-auth"))
    try:
        srv.wait_ready()
        with offline_page(browser, *SIZES["1366"], "open_network_1366") as page:
            page.goto(srv.url)
            map_frame(page)
            wait_for(
                lambda: "máy chủ mở cho mạng (địa chỉ 0.0.0.0" in _body(page), what="the warning"
            )
            assert "Chế độ một máy" not in _body(page)
    finally:
        srv.stop()
    assert "Did not auto detect external IP" not in (tmp_path / "server.log").read_text()
