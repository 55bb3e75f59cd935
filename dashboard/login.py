"""Login on the page: Streamlit's own `st.login` (OpenID Connect), roles and areas.

With `[auth]` configured every page first asks for a login; the person's role and
areas are resolved on the server (`geodata.access`) at every run, so an
administrator's change applies at that person's next run. Without `[auth]` the page is
in single-machine mode (serve listens on 127.0.0.1 only) and says so.
"""

from __future__ import annotations

import streamlit as st

from dashboard.auth_config import auth_problems
from dashboard.safe_text import md
from geodata.access import Access, area_names, resolve_access
from geodata.audit import Actor, current_actor, record, set_actor

ACCESS = "antt_access"  # this run's Access (None: single-machine mode)
LOGIN_SEEN = "antt_login_audited"


def login_configured() -> bool:
    try:
        return not auth_problems(st.secrets.get("auth"))
    except Exception:  # no secrets file at all: Streamlit raises on reading it
        return False


def _client() -> str:
    ctx = st.context
    forwarded = (ctx.headers.get("X-Forwarded-For") or "").split(",")[0].strip()
    return forwarded or (getattr(ctx, "ip_address", None) or "")


_LOGINS_SEEN: set[tuple] = set()  # (user, token issued at) recorded by this process


def session_actor() -> Actor:
    """Who is acting in a widget's callback (it runs before this run's `page_access`)."""
    access = st.session_state.get(ACCESS)
    if access is None:
        return _machine_actor()
    return Actor(access.user_id, access.name, access.role_label, _client())


def _machine_actor() -> Actor:
    """Single-machine mode: the computer's user, recorded as working on the page (the
    audit then tells the page from the command line)."""
    set_actor(None)
    os_user = current_actor()
    return Actor(os_user.user_id, os_user.name, "trang, một máy", _client())


def page_access(store) -> Access | bool | None:
    """This run's access: an Access, None (single-machine mode), or False when the page
    must stop (the login screen or a refusal has been drawn)."""
    if not login_configured():
        set_actor(_machine_actor())
        st.session_state[ACCESS] = None
        return None
    if not st.user.is_logged_in:
        _login_screen()
        return False
    info = st.user.to_dict()
    user_id = str(info.get("email") or info.get("sub") or "")
    name = str(info.get("name") or "")
    access = resolve_access(store, user_id, name, info)
    if access is None:
        set_actor(Actor(user_id, name, "", _client()))
        st.title("Bản đồ mô hình tự quản về an ninh trật tự")
        st.warning(
            md(
                f"Tài khoản {user_id} chưa được cấp quyền xem. Nhờ quản trị viên thêm tài "
                "khoản này (vai trò và địa bàn) rồi tải lại trang."
            ),
            icon=":material/lock:",
        )
        _logout_button(store)
        return False
    set_actor(Actor(access.user_id, access.name, access.role_label, _client()))
    # one row per login, not per page load: every new tab or reload is a new session
    # that reads the same login cookie, whose token carries when it was issued
    login = (access.user_id, info.get("iat") or info.get("exp") or id(st.session_state))
    if st.session_state.get(LOGIN_SEEN) != access.user_id and login not in _LOGINS_SEEN:
        record(store.location, "login", f"{access.role_label}; {area_names(store, access.areas)}")
        _LOGINS_SEEN.add(login)
    st.session_state[LOGIN_SEEN] = access.user_id
    st.session_state[ACCESS] = access
    return access


def _login_screen() -> None:
    st.title("Bản đồ mô hình tự quản về an ninh trật tự")
    st.info(
        "Số liệu an ninh trật tự chỉ dành cho người được cấp quyền. Đăng nhập bằng tài "
        "khoản của cơ quan để xem bản đồ.",
        icon=":material/lock:",
    )
    st.button("Đăng nhập", type="primary", on_click=st.login, key="antt-login")


def _logout(location: str) -> None:
    # a callback runs before this run's page_access: say who it is from the session
    actor = session_actor()
    if st.session_state.get(ACCESS) is None and st.user.is_logged_in:  # logged in, no role
        info = st.user.to_dict()
        actor = Actor(str(info.get("email") or info.get("sub") or ""), str(info.get("name") or ""),
                      "", _client())  # fmt: skip
    set_actor(actor)
    record(location, "logout", actor.user_id)
    st.session_state.pop(LOGIN_SEEN, None)
    st.logout()


def _logout_button(store) -> None:
    st.button("Đăng xuất", on_click=_logout, args=(store.location,), key="antt-logout")


def sidebar_identity(store, access: Access | None) -> None:
    """Who is logged in (or that there is no login) at the top of the sidebar."""
    with st.sidebar:
        if access is None:
            address = str(st.get_option("server.address") or "")
            if address and address not in ("127.0.0.1", "localhost", "::1"):  # serve --no-auth
                st.error(
                    f"Chưa cấu hình đăng nhập, nhưng máy chủ mở cho mạng (địa chỉ {address}, "
                    "--no-auth): ai truy cập được máy này đều xem và nhập được số liệu.",
                    icon=":material/warning:",
                )
                return
            if st.context.headers.get("X-Forwarded-For"):  # reached through a proxy
                st.error(
                    "Chưa cấu hình đăng nhập, nhưng trang đang được phục vụ qua một máy chủ "
                    "trung gian (nginx): ai truy cập được máy chủ đó đều xem và nhập được "
                    "số liệu. Cấu hình đăng nhập (README, mục “Logins, roles and the audit trail”) trước khi mở ra mạng.",
                    icon=":material/warning:",
                )
                return
            st.caption(
                "Chế độ một máy: không đăng nhập, chỉ máy này (127.0.0.1) mở được trang. "
                "Để dùng chung trong mạng, cấu hình đăng nhập (README, mục “Logins, roles and the audit trail”)."
            )
            return
        st.markdown(
            f"**{md(access.name or access.user_id)}** · {md(access.role_label)} · "
            + md(area_names(store, access.areas))
        )
        _logout_button(store)
