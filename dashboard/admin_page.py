"""The administrator's page: who may see and change what, and the audit trail.

Shown only to administrators, and refused on the server to anyone else. A change to a
person is stored with its audit row in one write and applies at that person's next run.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.login import ACCESS
from dashboard.page_words import blank_missing
from dashboard.safe_text import md
from dashboard.tables import to_csv_bytes, to_xlsx_bytes
from geodata.access import (
    ROLES,
    AccessError,
    check_areas,
    parse_areas,
    read_users,
    remove_user,
    save_user,
)
from geodata.audit import ACTIONS, current_actor, read_audit

USER_HEADERS = {
    "user_id": "Tài khoản",
    "name": "Họ tên",
    "role": "Vai trò",
    "areas": "Địa bàn (mã)",
    "updated_by": "Sửa bởi",
    "updated_at": "Lúc sửa",
}
AUDIT_HEADERS = {
    "at": "Thời điểm (UTC)",
    "user_id": "Tài khoản",
    "user_name": "Họ tên",
    "role": "Vai trò",
    "client": "Địa chỉ máy",
    "action": "Việc",
    "what": "Nội dung",
    "count": "Số dòng",
}
SHOWN_ROWS = 500
SAVED = "adm_saved_msg"


def render_admin(store) -> None:
    access = st.session_state.get(ACCESS)
    if access is None or not access.may("admin"):
        st.error("Trang này chỉ dành cho quản trị viên.")
        return
    st.title("Quản trị")
    _users(store)
    _audit(store)


def _users(store) -> None:
    st.subheader("Người dùng, vai trò và địa bàn")
    st.caption(
        "Một dòng ở đây thắng quyền do hệ thống đăng nhập gửi (claims `roles`, `areas`). "
        "Địa bàn là mã tỉnh, (huyện) hoặc xã của bản đồ mới nhất, cách nhau bằng dấu phẩy; "
        "để trống là toàn quốc. Thay đổi có hiệu lực từ lần tải trang kế tiếp của người đó."
    )
    if done := st.session_state.pop(SAVED, None):
        st.success(md(done), icon=":material/check_circle:")
    users = read_users(store)
    if users.empty:
        st.caption("Chưa có người dùng nào trong kho: quyền lấy từ hệ thống đăng nhập.")
    else:
        shown = users.assign(role=users["role"].map(lambda r: ROLES.get(r, r)))
        st.dataframe(blank_missing(shown.rename(columns=USER_HEADERS)), hide_index=True)
    with st.form("antt-user", clear_on_submit=False):
        c1, c2 = st.columns(2)
        user_id = c1.text_input("Tài khoản (thư điện tử)", key="adm_user")
        name = c2.text_input("Họ tên", key="adm_name")
        role = c1.selectbox("Vai trò", list(ROLES), format_func=ROLES.get, key="adm_role")
        areas = c2.text_input("Địa bàn (mã, cách nhau bằng dấu phẩy)", key="adm_areas")
        save = st.form_submit_button("Lưu người dùng", type="primary")
        remove = st.form_submit_button("Xóa dòng của người dùng này")
    if save or remove:
        try:
            if remove:
                gone = remove_user(store.location, user_id)
                st.success(
                    md(f"Đã xóa {user_id}." if gone else f"Không có dòng nào của {user_id}.")
                )
                return
            codes = parse_areas(areas)
            unknown = check_areas(store, codes)
            if unknown:
                raise AccessError(
                    f"Không có đơn vị nào mang mã {', '.join(unknown)} trên bản đồ mới nhất; "
                    "kiểm tra lại địa bàn."
                )
            save_user(store.location, user_id, name, role, codes, current_actor().user_id)
            st.session_state[SAVED] = f"Đã lưu {user_id.strip().lower()} ({ROLES[role]})."
            st.rerun()  # the table above shows the change
        except AccessError as err:
            st.error(md(err), icon=":material/error:")


def _audit(store) -> None:
    st.subheader("Nhật ký (chỉ ghi thêm, không sửa, không xóa)")
    rows = read_audit(store)
    labels = {"": "Mọi việc", **ACTIONS}
    action = st.selectbox("Việc", list(labels), format_func=labels.get, key="adm_action")
    if action:
        rows = rows[rows["action"] == action]
    table = rows.assign(
        action=rows["action"].map(lambda a: ACTIONS.get(a, a)),
        count=pd.to_numeric(rows["count"], errors="coerce").astype("Int64"),
    ).rename(columns=AUDIT_HEADERS)
    st.caption(f"{len(table)} dòng; hiện {min(len(table), SHOWN_ROWS)} dòng mới nhất.")
    st.dataframe(blank_missing(table.head(SHOWN_ROWS)), hide_index=True)
    c1, c2 = st.columns(2)
    c1.download_button(
        "Tải nhật ký (CSV)", to_csv_bytes(table), "nhat-ky.csv", "text/csv", on_click="ignore"
    )
    c2.download_button(
        "Tải nhật ký (Excel)",
        to_xlsx_bytes(table, "Nhật ký bản đồ ANTT", "Nhật ký"),
        "nhat-ky.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
    )
