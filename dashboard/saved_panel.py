"""The sidebar's saved views: save the view on screen, open one with a click, put them
in order, rename or delete them, and turn them into a report pack.

Every write goes through `geodata.saved_views` (checked, audited); every name on a
widget label goes through `md` (a label renders Markdown).
"""

from __future__ import annotations

import streamlit as st

from dashboard import state as S
from dashboard.login import ACCESS, session_actor
from dashboard.safe_text import md
from geodata.audit import record, set_actor
from geodata.errors import AnttError
from geodata.query import data_years, query_view
from geodata.saved_views import (
    delete_view,
    list_views,
    rename_view,
    save_view,
    swap_views,
)
from geodata.view import MapView

W_NAME = "w_saved_name"
W_RENAME = "w_saved_rename"
W_REPORT_VIEWS = "w_report_views"
W_REPORT_FORMAT = "w_report_format"
REPORT = "report_file"  # (file name, mime, bytes) of the last report made
PANEL_MSG = "saved_msg"  # (kind, text) said once in the panel after an action


def _default(store) -> MapView:
    last = data_years(store)[1]
    return MapView(year_from=last, year_to=last)


def _said(kind: str, text: str) -> None:
    st.session_state[PANEL_MSG] = (kind, text)


def _act(do) -> None:
    """Run a write as the session's person; a refusal is said in the panel, not raised."""
    set_actor(session_actor())
    try:
        do()
    except AnttError as err:
        _said("error", str(err))


def saved_panel(store, view: MapView, result) -> None:
    ss = st.session_state
    access = ss.get(ACCESS)
    views = list_views(store, access)
    current = S.saved_id(view)

    def on_save() -> None:
        def do():
            version = query_view(store, view.single() if view.compare else view).version.version
            saved = save_view(store.location, ss.get(W_NAME, ""), view, version, session_actor())
            ss[S.SAVED] = (saved.view_id, view)
            ss[W_NAME] = ""
            _said("success", f"Đã lưu “{saved.name}”.")

        _act(do)

    def on_open(saved) -> None:
        S.open_saved(store, saved, _default(store))

    by_id = {v.view_id: v for v in views}

    def picked():
        return by_id.get(current)  # the tools act on the saved view on screen

    def on_move(step: int) -> None:
        saved = picked()
        if saved is None:
            return
        i = views.index(saved)
        j = i + step
        if 0 <= j < len(views):
            _act(lambda: swap_views(store.location, saved, views[j], access))

    def on_rename() -> None:
        saved = picked()
        if saved is not None:
            _act(lambda: rename_view(store.location, saved, ss.get(W_RENAME, ""), access))
            ss[W_RENAME] = ""

    def on_delete() -> None:
        saved = picked()
        if saved is not None:
            _act(lambda: delete_view(store.location, saved, access))
            if store.location and not ss.get(PANEL_MSG):
                ss[S.SAVED] = None  # its address is gone with it
                _said("success", f"Đã xóa “{saved.name}”.")

    sb = st.sidebar
    box = sb.expander(f"Khung nhìn đã lưu ({len(views)})", expanded=True)
    with box:
        kind_text = ss.pop(PANEL_MSG, None)
        if kind_text:
            (st.error if kind_text[0] == "error" else st.success)(md(kind_text[1]))
        st.text_input(
            "Tên cho khung nhìn đang xem",
            key=W_NAME,
            placeholder="ví dụ: Đạt chuẩn 2026 — Phú Thọ",
            max_chars=120,
        )
        st.button("Lưu khung nhìn này", key="saved_save", on_click=on_save, icon=":material/bookmark_add:",
                  width="stretch")  # fmt: skip
        if not views:
            st.caption("Chưa có khung nhìn nào: lưu vài khung nhìn để trình chiếu và lập báo cáo.")
        else:
            st.caption("Nhấp để mở; trình chiếu đi theo thứ tự này.")
        for i, saved in enumerate(views, 1):
            st.button(
                f"{i}. {md(saved.name)}",
                key=f"saved_open_{saved.view_id}",
                on_click=on_open,
                args=(saved,),
                type="primary" if saved.view_id == current else "secondary",
                help=f"Lưu bởi {md(saved.author_name or saved.author_id)}",
                width="stretch",
            )
        if views and current not in by_id:
            st.caption("Mở một khung nhìn trong danh sách để sắp xếp, đổi tên hoặc xóa.")
        if current in by_id:
            _tools(by_id[current].name, on_move, on_delete, on_rename)
    if views:
        report_panel(store, views)


def _tools(name: str, on_move, on_delete, on_rename) -> None:
    """Move, delete, rename the saved view on screen."""
    st.markdown(f"**Khung nhìn đang mở:** {md(name)}")
    up, down, rm = st.columns(3)
    up.button("↑", key="saved_up", on_click=on_move, args=(-1,), help="Lên trước", width="stretch")
    down.button(
        "↓", key="saved_down", on_click=on_move, args=(1,), help="Xuống sau", width="stretch"
    )
    rm.button("Xóa", key="saved_delete", on_click=on_delete, width="stretch")
    st.text_input("Tên mới", key=W_RENAME, max_chars=120)
    st.button("Đổi tên", key="saved_rename", on_click=on_rename, width="stretch")


def report_panel(store, views) -> None:
    """The report pack: the chosen saved views into one PowerPoint, PDF or Word file."""
    from dashboard.export.report import report_bytes, report_parts
    from dashboard.export.report_formats import REPORT_FORMATS, REPORT_MIME

    ss = st.session_state
    by_id = {v.view_id: v for v in views}
    with st.sidebar.expander("Báo cáo từ các khung nhìn đã lưu", expanded=False):
        # views saved since the last run join the choice, deleted ones leave it; the
        # pack follows the list's order (the presentation's), whatever order they were picked
        known = ss.get("report_known", set())
        chosen = set(ss.get(W_REPORT_VIEWS, [])) | {k for k in by_id if k not in known}
        ss[W_REPORT_VIEWS] = [k for k in by_id if k in chosen]
        ss["report_known"] = set(by_id)
        st.multiselect("Các khung nhìn (theo thứ tự trong danh sách)", list(by_id),
                       key=W_REPORT_VIEWS, format_func=lambda k: by_id[k].name,
                       placeholder="Chọn khung nhìn")  # fmt: skip
        fmt = st.radio("Định dạng", list(REPORT_FORMATS), key=W_REPORT_FORMAT,
                       format_func=lambda f: REPORT_FORMATS[f])  # fmt: skip
        if st.button(
            "Lập báo cáo", key="report_make", icon=":material/description:", width="stretch"
        ):
            actor = session_actor()
            set_actor(actor)
            picked = [v for v in views if v.view_id in set(ss[W_REPORT_VIEWS])]
            bar = st.progress(0.0, text="Đang tính các khung nhìn…")

            def step(done: int, total: int, name: str) -> None:
                bar.progress(
                    done / max(total, 1) * 0.8, text=f"Đang tính: {name}" if name else "Đang vẽ…"
                )

            try:
                parts = report_parts(
                    store, picked, by=actor.label, access=ss.get(ACCESS), progress=step
                )
                bar.progress(0.85, text=f"Đang ghi {REPORT_FORMATS[fmt]}…")
                data = report_bytes(parts, fmt, by=actor.label)
            except AnttError as err:
                bar.empty()
                st.error(md(str(err)))
                return
            bar.empty()
            record(store.location, "export", f"báo cáo {fmt}: {len(parts)} khung nhìn", len(parts))
            ss[REPORT] = (f"bao-cao_{len(parts)}-ban-do.{fmt}", REPORT_MIME[fmt], data)
        if ss.get(REPORT):
            name, mime, data = ss[REPORT]
            st.download_button(f"Tải {name} ({len(data) / 1024:.0f} KB)", data, name, mime,
                               key="report_download", on_click="ignore",
                               icon=":material/download:", width="stretch")  # fmt: skip
