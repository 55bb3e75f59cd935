"""The boundary part of the import page: upload official polygons, check, preview, confirm.

The same checks as `antt-map import-boundaries`; nothing is written until the confirm
button, and the store is rewritten atomically, so a failure leaves it as it was.
"""

from __future__ import annotations

import hashlib
import io
import math
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import geopandas as gpd
import streamlit as st
from matplotlib.figure import Figure

from dashboard.format import fmt_int
from dashboard.import_review import ALIASES_SAVED, render_review, show_saved_aliases
from dashboard.page_words import BOUNDARY_FIELDS, blank_missing, for_page
from dashboard.safe_text import md
from geodata.boundary_update import outline_summary, replace_geometries
from geodata.errors import AnttError
from geodata.schema import BOUNDARY_VERSIONS, LEVEL_LABELS_VI
from geodata.store import GpkgStore
from geodata.versions import versions_from_table
from loaders.boundaries import BoundaryCheck, boundary_fields, check_boundaries
from loaders.errors import LoaderError
from loaders.registry_files import boundary_report_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHECKED = "imp_bnd_checked"  # ((file digest, options), BoundaryCheck, preview PNG)
BY_NAME = "— không có, khớp theo tên —"
AUTO_FIELD = "— tự nhận theo giá trị —"
AUTO = "auto"


def render_boundary_import(store: GpkgStore, upload, on_stored: Callable[[str], None]) -> None:
    """Options, check, report, preview and confirm for one uploaded boundary file;
    `on_stored(message)` ends the page once the store was written."""
    versions = versions_from_table(store.table(BOUNDARY_VERSIONS))
    by_name = {v.version: v for v in versions}
    c1, c2 = st.columns(2)
    version = c1.selectbox(
        "Phiên bản ranh giới",
        list(by_name),
        index=len(by_name) - 1,
        format_func=lambda n: _version_label(by_name[n]),
        key="imp_bnd_version",
        help="Ranh giới chính thức thay cho ranh giới xấp xỉ của phiên bản này.",
    )
    levels = by_name[version].levels
    level = c2.selectbox(
        "Cấp đơn vị trong tệp",
        [AUTO, *levels],
        format_func=lambda lv: "Tự nhận biết" if lv == AUTO else LEVEL_LABELS_VI[lv].capitalize(),
        key="imp_bnd_level",
    )
    if upload is None:
        return

    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(upload.name).name
        path.write_bytes(data)
        try:
            fields = boundary_fields(path)
        except LoaderError as err:
            st.error(md(err), icon=":material/error:")
            return
        c3, c4 = st.columns(2)
        code_field = c3.selectbox(
            "Cột mã đơn vị", [BY_NAME, *fields], key="imp_bnd_code",
            help="Mã đơn vị hành chính chính thức; nếu không có, tên được so khớp theo từng cấp.",
        )  # fmt: skip
        crs = c4.text_input(
            "Hệ tọa độ (khi tệp không khai báo)",
            key="imp_bnd_crs",
            placeholder="ví dụ EPSG:9210 (VN-2000 TM-3 105°30') hoặc EPSG:3405",
        ).strip()
        c5, c6, c7 = st.columns(3)
        auto = [AUTO_FIELD, *fields]
        province_field = c5.selectbox(
            "Cột tên tỉnh", auto, key="imp_bnd_prov",
            help="Mặc định: cột có nhiều giá trị trùng tên tỉnh tham chiếu nhất.",
        )  # fmt: skip
        district_field = c6.selectbox(
            "Cột tên huyện", auto, key="imp_bnd_dist",
            help="Mặc định: tự nhận theo giá trị (chỉ cần cho tệp cấp xã trước 01/07/2025).",
        )  # fmt: skip
        type_field = c7.selectbox(
            "Cột loại đơn vị", auto, key="imp_bnd_type",
            help="Huyện/Thị xã/Thành phố hoặc District/Town/City: phân biệt đơn vị trùng tên.",
        )  # fmt: skip
        picked = {
            k: (None if v == AUTO_FIELD else v)
            for k, v in (
                ("province_field", province_field),
                ("district_field", district_field),
                ("type_field", type_field),
            )
        }
        cached = st.session_state.get(CHECKED)
        refused = cached[1].refused if cached and cached[0][0] == digest else ()
        accept = tuple(
            st.multiselect(
                "Vẫn lưu các đơn vị bị từ chối (đã kiểm tra là đúng)",
                sorted(set(refused) | set(st.session_state.get("imp_bnd_accept", []))),
                key="imp_bnd_accept",
            )
        )
        saved = st.session_state.get(ALIASES_SAVED, 0)  # a saved alias: check again
        options = (version, level, code_field, crs, *picked.values(), accept, saved)
        if cached is None or cached[0] != (digest, options):
            with st.spinner(f"Đang đọc và kiểm tra {md(upload.name)}…"):
                try:
                    check = check_boundaries(
                        store,
                        path,
                        version,
                        None if level == AUTO else level,
                        None if code_field == BY_NAME else code_field,
                        crs=crs or None,
                        accept=accept,
                        **picked,
                    )
                except (LoaderError, AnttError) as err:
                    st.error(md(for_page(err, BOUNDARY_FIELDS)), icon=":material/error:")
                    return
                preview = _preview_png(store, check) if len(check.units) else None
            st.session_state[CHECKED] = ((digest, options), check, preview)
    _, check, preview = st.session_state[CHECKED]
    show_saved_aliases()
    _report(check, upload.name, preview)
    if check.decisions():
        render_review(store, check.decisions())

    skipped = check.skipped
    strict = st.checkbox("Không lưu gì nếu có đối tượng không dùng được", key="imp_bnd_strict")
    n = len(check.units)
    label = f"Xác nhận thay ranh giới của {fmt_int(n)} đơn vị"
    if st.button(label, type="primary", disabled=n == 0 or (strict and skipped > 0)):
        with st.spinner("Đang ghi ranh giới vào kho…"):
            try:
                res = replace_geometries(
                    store,
                    check.version,
                    check.level,
                    check.units,
                    upload.name,
                    digest,
                    f"{upload.name} (nhập {date.today():%d/%m/%Y})",
                    rejected=skipped,
                )
            except (AnttError, OSError) as err:
                st.error(
                    md(f"Không ghi được vào kho, kho giữ nguyên: {err}"), icon=":material/error:"
                )
                return
        if res.unchanged:
            msg = f"Tệp {upload.name} đã được nhập lúc {res.previous} với cùng kết quả: kho không thay đổi."
        else:
            msg = (
                f"Đã thay ranh giới của {fmt_int(res.replaced)} đơn vị cấp "
                f"{LEVEL_LABELS_VI[check.level]} ({check.version}); còn "
                f"{fmt_int(res.still_approximate)} đơn vị có ranh giới xấp xỉ."
            ) + outline_summary(res)
        st.session_state.pop(CHECKED, None)
        on_stored(msg)


def _version_label(v) -> str:
    since = f"từ {v.valid_from:%d/%m/%Y}" if v.valid_from else "trước cải cách"
    until = f" đến {v.valid_to:%d/%m/%Y}" if v.valid_to else ""
    state = "ranh giới xấp xỉ" if v.is_approximate else "ranh giới chính thức"
    return f"{v.version} ({since}{until}; {state})"


def _report(check: BoundaryCheck, file_name: str, preview: bytes | None) -> None:
    c1, c2, c3 = st.columns(3)
    c1.metric("Đối tượng trong tệp", fmt_int(check.features))
    c2.metric(f"Đơn vị cấp {LEVEL_LABELS_VI[check.level]} nhận ra", fmt_int(len(check.units)))
    c3.metric("Hệ tọa độ của tệp", check.source_crs)
    if check.detection:
        st.text(f"Nhận biết: {check.detection}.")  # column names from the file: never Markdown
    if check.refused:
        st.warning(
            f"{fmt_int(len(check.refused))} đơn vị bị từ chối, không được lưu: xem các dòng "
            "“cần quyết định” bên dưới; nếu chắc chắn đúng, chọn chúng ở ô “Vẫn lưu các đơn vị "
            "bị từ chối”.",
            icon=":material/block:",
        )
    if check.review:
        st.subheader("Cần chọn đơn vị")
        st.dataframe(blank_missing(review_table(check)), hide_index=True, width="stretch")
    if len(check.report):
        st.subheader("Kết quả kiểm tra")
        table = check.report[["Mức", *[c for c in check.report.columns if c != "Mức"]]]
        st.dataframe(blank_missing(table), hide_index=True, width="stretch")
    else:
        st.success("Không phát hiện vấn đề nào trong tệp.", icon=":material/check_circle:")
    st.download_button(
        "Tải báo cáo kiểm tra (XLSX)",
        boundary_report_xlsx(check, file_name),
        f"kiem-tra-{file_name.rsplit('.', 1)[0]}.xlsx",
        XLSX,
        on_click="ignore",
    )
    if preview:
        st.subheader("Xem trước")
        st.image(preview, caption="Đỏ: ranh giới trong tệp · Xám: ranh giới đang lưu", width=640)


def review_table(check: BoundaryCheck):
    """One row per review item: the feature, the name as written, the parent, why, candidates."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "Đối tượng": i.feature,
                "Tên trong tệp": i.name,
                "Mã trong tệp": i.code or "",
                "Đơn vị cấp trên": i.parent_name or "",
                "Lý do": i.reason,
                "Đơn vị có thể là": "; ".join(f"{n} (mã {c})" for c, n in i.candidates),
            }
            for i in check.review
        ]
    )


def _preview_png(store: GpkgStore, check: BoundaryCheck) -> bytes:
    """The file's polygons outlined in red over the stored ones they will replace."""
    stored = store.unit_shapes(check.version, check.level)
    stored = stored[stored["code"].isin(check.units["code"])]
    new = gpd.GeoDataFrame(check.units, geometry="geometry", crs=4326)
    fig = Figure(figsize=(7, 6), dpi=110)
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.96))
    stored.plot(ax=ax, color="#d9d9d9", edgecolor="#8c8c8c", linewidth=0.4)
    new.boundary.plot(ax=ax, color="#c0392b", linewidth=0.8)
    mid_lat = (new.total_bounds[1] + new.total_bounds[3]) / 2
    ax.set_aspect(1 / math.cos(math.radians(mid_lat)))  # degrees drawn at true shape
    ax.set_axis_off()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
