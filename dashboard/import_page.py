"""The data staff's page: upload a registry, read the validation report, then confirm.

Nothing is stored until the confirm button; checking a file is repeated only when the
file, its kind or the coordinate system changes.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from dashboard.format import fmt_int
from dashboard.import_boundaries import render_boundary_import
from dashboard.import_review import ALIASES_SAVED, render_review, show_saved_aliases
from dashboard.login import ACCESS
from dashboard.page_style import TABLE_CSS, uploader_css
from dashboard.page_words import blank_missing, for_page, frame_for_page
from dashboard.safe_text import md, md_frame
from geodata.access import area_names
from geodata.errors import AnttError
from geodata.imports import apply_import
from geodata.schema import COMMUNE_STATUS, IMPORTS, MODELS
from geodata.store import GpkgStore
from loaders.errors import LoaderError
from loaders.registry import KINDS, check_registry
from loaders.registry_access import restrict_to_scope
from loaders.registry_files import report_xlsx, template_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHECKED = "import_checked"  # (file digest, kind, crs) -> RegistryCheck
DONE = "import_done"
UPLOADS = "import_uploads"  # stored imports so far in this session
KIND_LABELS = {
    "models": "Sổ theo dõi mô hình",
    "status": "Trạng thái xã (đạt chuẩn, trọng điểm)",
    "boundaries": "Ranh giới hành chính",
}
FILE_TYPES = {
    "models": (["xlsx", "csv"], "Excel .xlsx (mọi trang) hoặc CSV."),
    "status": (["xlsx", "csv"], "Excel .xlsx (mọi trang) hoặc CSV."),
    "boundaries": (
        ["zip", "gpkg", "geojson", "json"],
        "Shapefile nén .zip (gồm .shp, .shx, .dbf, .prj), GeoPackage hoặc GeoJSON.",
    ),
}
TABLE_OF = {"models": MODELS, "status": COMMUNE_STATUS}
HISTORY_KINDS = {**KINDS, "boundaries": "ranh giới"}


def render_import(store: GpkgStore) -> None:
    st.title("Nhập dữ liệu")
    access = st.session_state.get(ACCESS)
    if access is not None and not access.may("staff"):
        st.error("Tài khoản của bạn chỉ có quyền xem; việc nhập dữ liệu cần vai trò nhập liệu.")
        return
    if access is not None:
        st.caption(md(f"Nhập trong địa bàn: {area_names(store, access.areas)}."))
    st.markdown(
        "Tải lên sổ theo dõi mô hình, danh sách trạng thái xã (Excel .xlsx hoặc .csv) hoặc "
        "ranh giới hành chính chính thức (Shapefile .zip, GeoPackage, GeoJSON). Tệp được kiểm "
        "tra trước; **chưa có gì được lưu** cho đến khi bạn bấm xác nhận."
    )
    st.download_button(
        "Tải tệp Excel mẫu",
        template_bytes,
        "mau-nhap-du-lieu.xlsx",
        XLSX,
        on_click="ignore",
        icon=":material/download:",
    )
    kinds = [k for k in KIND_LABELS if k != "boundaries" or access is None or access.may("admin")]
    kind = st.radio(
        "Loại dữ liệu",
        kinds,
        format_func=KIND_LABELS.get,
        horizontal=True,
        key="imp_kind",
    )
    types, help_text = FILE_TYPES[kind]
    # a new key after each stored import gives an empty uploader (popping the key does not)
    file_key = f"imp_file_{kind}_{st.session_state.get(UPLOADS, 0)}"
    st.html(uploader_css(types, int(st.get_option("server.maxUploadSize"))) + TABLE_CSS)
    upload = st.file_uploader("Chọn tệp", type=types, key=file_key, help=help_text)
    if done := st.session_state.pop(DONE, None):
        st.success(md(done), icon=":material/check_circle:")
    if kind == "boundaries":
        render_boundary_import(store, upload, _stored)
        if upload is None:
            _history(store)
        return
    crs = ""
    c1, c2 = st.columns(2)
    province = c1.text_input(
        "Tỉnh của cả tệp (nếu các dòng không ghi tỉnh)",
        key="imp_province",
        placeholder="để trống: đọc từ dòng tiêu đề “CÔNG AN TỈNH …”",
    ).strip()
    district = c2.text_input(
        "Huyện của cả tệp (nếu có)",
        key="imp_district",
        placeholder="xã ngoài huyện này sẽ bị loại",
    ).strip()
    if kind == "models":
        crs = st.text_input(
            "Hệ tọa độ của cột X/Y (nếu có)",
            key="imp_crs",
            placeholder="ví dụ EPSG:3405 (VN-2000 / UTM 48N); để trống nếu dùng Kinh độ/Vĩ độ",
        ).strip()

    if upload is None:
        _history(store)
        return

    data = upload.getvalue()
    aliases_seen = st.session_state.get(ALIASES_SAVED, 0)
    key = (hashlib.sha256(data).hexdigest(), kind, crs, province, district, aliases_seen)
    cached = st.session_state.get(CHECKED)
    if cached is None or cached[0] != key:
        bar = st.progress(0.0, text=f"Đang kiểm tra {md(upload.name)}…")

        def step(done: int, total: int) -> None:
            bar.progress(done / max(total, 1), text=f"Đang kiểm tra {md(upload.name)}: "
                         f"{fmt_int(done)}/{fmt_int(total)} dòng")  # fmt: skip

        try:
            check = check_registry(
                store, data, upload.name, kind, crs or None, province, district, progress=step
            )
        except (LoaderError, AnttError) as err:
            bar.empty()
            st.error(md(for_page(err)), icon=":material/error:")
            return
        bar.empty()
        st.session_state[CHECKED] = (key, check)
    # rows outside the person's areas are rejected with the reason (checked on the server)
    check = restrict_to_scope(store, st.session_state[CHECKED][1], access)
    show_saved_aliases()
    for note in check.notes:
        st.info(md(for_page(note)), icon=":material/info:")  # quotes the file's title rows

    n_ok, n_bad = len(check.accepted), check.n_rejected_rows
    c1, c2, c3 = st.columns(3)
    c1.metric("Dòng hợp lệ", fmt_int(n_ok))
    c2.metric("Dòng bị loại", fmt_int(n_bad))
    c3.metric("Trang tính đã đọc", md(", ".join(check.sheets)))
    if n_bad:
        st.subheader("Các dòng bị loại")
        rejected = frame_for_page(check.rejected, "Lý do")
        if len(rejected) <= 100:  # a plain table: every reason readable at once
            st.table(md_frame(rejected.set_index(["Trang tính", "Dòng"])))
        else:
            st.dataframe(blank_missing(rejected), hide_index=True, width="stretch")
        st.download_button(
            "Tải báo cáo dòng bị loại (XLSX)",
            report_xlsx(check),
            f"bao-cao-{upload.name.rsplit('.', 1)[0]}.xlsx",
            XLSX,
            on_click="ignore",
        )
    if check.review:
        render_review(store, check.review)
    if n_ok:
        st.subheader("Xem trước các dòng hợp lệ")
        st.dataframe(blank_missing(check.preview.head(200)), hide_index=True, width="stretch")

    demo = int(store.table(TABLE_OF[kind], columns=("is_demo",))["is_demo"].astype(bool).sum())
    if demo:
        st.warning(
            f"Kho đang có {fmt_int(demo)} dòng {KINDS[kind]} **mẫu**: lần nhập này sẽ xóa chúng, "
            "để bản đồ chỉ còn số liệu thật.",
            icon=":material/warning:",
        )
    strict = st.checkbox("Không lưu gì nếu có dòng bị loại", key="imp_strict")
    blocked = n_ok == 0 or (strict and n_bad > 0)
    if st.button(
        f"Xác nhận lưu {fmt_int(n_ok)} dòng hợp lệ", type="primary", disabled=blocked, key="imp_go"
    ):
        try:
            res = apply_import(
                store.location, kind, check.accepted, check.file_name, check.checksum, n_bad
            )
        except AnttError as err:
            st.error(md(err), icon=":material/error:")
            return
        if res.unchanged:
            msg = (
                f"Tệp {res.file_name} đã được nhập lúc {res.previous} với cùng kết quả: "
                "kho không thay đổi."
            )
        else:
            msg = f"Đã lưu {fmt_int(res.accepted)} dòng {KINDS[kind]} từ {res.file_name}."
            if res.demo_removed:
                msg += f" Đã xóa {fmt_int(res.demo_removed)} dòng dữ liệu mẫu."
        st.session_state.pop(CHECKED, None)
        _stored(msg)


def _stored(message: str) -> None:
    """After an import: say what was stored, on a fresh page with an empty uploader."""
    st.session_state[DONE] = message + " Mở trang “Bản đồ” để xem."
    st.session_state[UPLOADS] = st.session_state.get(UPLOADS, 0) + 1
    st.rerun()


def _history(store: GpkgStore) -> None:
    past = store.table(IMPORTS)
    past = past[past["kind"] != "demo"]
    if past.empty:
        return
    st.subheader("Các lần nhập trước")
    cols = {
        "imported_at": "Thời gian",
        "kind": "Loại",
        "file_name": "Tệp",
        "rows_accepted": "Dòng đã lưu",
        "rows_rejected": "Dòng bị loại",
        "imported_by": "Người nhập",
    }
    table = past.sort_values("imported_at", ascending=False)[list(cols)].rename(columns=cols)
    table["Thời gian"] = pd.to_datetime(table["Thời gian"]).dt.strftime("%d/%m/%Y %H:%M")
    table["Loại"] = table["Loại"].map(lambda k: HISTORY_KINDS.get(k, k))
    st.dataframe(blank_missing(table), hide_index=True, width="stretch")
