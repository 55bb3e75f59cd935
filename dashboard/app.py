"""The dashboard page (started by `antt-map serve`). Thin: widgets -> view spec ->
geodata -> render."""

from __future__ import annotations

import logging
import os
import re
import sys
import uuid
from functools import partial
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from dashboard import state as S
from dashboard.assets import ensure_static_assets
from dashboard.export.snapshot import build_snapshot, file_stem
from dashboard.export.writers import FORMATS, export_bytes
from dashboard.figures import cards, previous_totals
from dashboard.map_view import BaseLayers, base_layers, base_map, shared_payload, values_layer
from dashboard.notes import data_notes
from dashboard.prefetch import prefetch_neighbours
from dashboard.ranking_view import render_ranking
from dashboard.safe_text import html_text, md
from geodata.classify import SCHEMES, classify, palette_for
from geodata.display_docs import display_layers
from geodata.errors import AnttError
from geodata.names import fold
from geodata.query import (
    ViewResult,
    active_models,
    communes_in_area,
    data_years,
    has_demo_data,
    query_view,
)
from geodata.schema import LEVEL_LABELS_VI, LEVELS
from geodata.store import GpkgStore, resolve_store
from geodata.view import METRICS, MapView
from loaders.errors import LoaderError

LOG = logging.getLogger("antt.dashboard")
if not LOG.handlers:  # the server log (stderr of `antt-map serve`), whatever Streamlit set up
    _handler = logging.StreamHandler(sys.stderr)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOG.addHandler(_handler)
    LOG.propagate = False
UNEXPECTED = (
    "Đã xảy ra lỗi ngoài dự kiến khi hiển thị trang (mã lỗi {ref}); chi tiết đã được ghi vào "
    "nhật ký máy chủ. Tải lại trang; nếu lỗi lặp lại, báo quản trị viên kèm mã lỗi này."
)

METRIC_ORDER = (
    "model_count",
    "model_density",
    "certified_count",
    "certified_share",
    "transitioned_count",
    "transitioned_share",
    "hotspot_count",
    "model_units",
    "models_per_commune",
)
LEVEL_NAMES = {"province": "Tỉnh/thành phố", "district": "Huyện/quận", "commune": "Xã/phường"}


@st.cache_resource(show_spinner=False)
def _store(path: str, mtime_ns: int) -> GpkgStore:
    return GpkgStore.open(path)


def get_store() -> GpkgStore:
    path = Path(resolve_store()).resolve()
    if not path.exists():
        GpkgStore.open(path)  # raises the "build it with antt-map demo" message
    return _store(str(path), path.stat().st_mtime_ns)


@st.cache_resource(show_spinner=False, max_entries=64)
def _base_layers(
    path: str,
    mtime_ns: int,
    version: str,
    level: str,
    area_code: str,
    area_level: str | None,
    notes: tuple[str, ...],
) -> BaseLayers:
    area = {"code": area_code, "level": area_level} if area_code else None
    layers = display_layers(_store(path, mtime_ns), version, level, area)
    return base_layers(layers, notes, national=area is None)


@st.cache_data(show_spinner=False, max_entries=4)
def _has_demo_data(path: str, mtime_ns: int) -> bool:
    """Whether the demo rows are still stored; cached until the store file changes."""
    return has_demo_data(_store(path, mtime_ns))


def finer_level(levels: tuple[str, ...], level: str) -> str:
    i = LEVELS.index(level)
    for cand in LEVELS[i + 1 :]:
        if cand in levels:
            return cand
    return level


def go_to_area(store, view: MapView, code: str, area_level: str | None, levels) -> None:
    """Drill into an area: the area filter follows and the level goes one step finer."""
    if not code:
        S.set_view(store, view.with_(area="", level="province"))
        return
    level = finer_level(levels, area_level) if area_level else view.level
    S.set_view(store, view.with_(area=code, level=level))


# ------------------------------------------------------------------ sidebar


def _unit_select(container, label: str, units, key: str, on_change, all_label: str) -> None:
    """A selectbox of units by name; the empty option stands for the whole parent area."""
    units = units.sort_values("name")
    names = dict(zip(units["code"], units["name"], strict=True))
    container.selectbox(
        label,
        ["", *units["code"]],
        key=key,
        on_change=on_change,
        format_func=lambda c: all_label if not c else names[c],
    )


def sidebar(store: GpkgStore, view: MapView, result: ViewResult) -> None:
    first, last = data_years(store)
    units = store.units(result.version.version)
    levels = result.version.levels
    ss = st.session_state
    area_row = None
    if view.area:
        hit = units[units["code"] == view.area]
        area_row = (
            hit.sort_values("level", key=lambda s: s.map(LEVELS.index)).iloc[0]
            if len(hit)
            else None
        )

    # widgets follow the view (set before they are drawn)
    ss[S.W_METRIC] = view.metric
    ss[S.W_MODE] = S.mode_of(view)
    ss[S.W_YEAR] = view.year_to
    ss[S.W_YEARS] = (view.year_from, view.year_to)
    ss[S.W_TYPES] = list(view.model_types)
    ss[S.W_LEVEL] = view.level
    ss[S.W_SCHEME] = view.scheme
    ss[S.W_K] = view.k
    prov, dist = "", ""
    if area_row is not None:
        prov = area_row["province_code"]
        if area_row["level"] == "district":
            dist = area_row["code"]
        elif area_row["level"] == "commune" and "district" in levels:
            dist = area_row["parent_code"]
    ss[S.W_PROVINCE] = prov
    ss[S.W_DISTRICT] = dist

    def from_widgets() -> None:
        if ss[S.W_MODE] == S.MODE_ONE:
            y0 = y1 = int(ss[S.W_YEAR])
        else:
            y0, y1 = (int(y) for y in ss[S.W_YEARS])
            if ss[S.W_MODE] != S.mode_of(view) and y0 == y1:
                # just switched to a range: show one (the year before and this one);
                # a range of one year would be read back as "one year" and the
                # radio would snap back
                y0, y1 = (y1 - 1, y1) if y1 > first else (y1, min(y1 + 1, last))
        S.set_view(
            store,
            view.with_(
                metric=ss[S.W_METRIC],
                year_from=y0,
                year_to=y1,
                model_types=tuple(ss[S.W_TYPES]),
                level=ss[S.W_LEVEL],
                scheme=ss[S.W_SCHEME],
                k=int(ss[S.W_K]),
            ),
        )

    def on_province() -> None:
        code = ss[S.W_PROVINCE]
        go_to_area(store, view, code, "province" if code else None, levels)

    def on_district() -> None:
        code = ss[S.W_DISTRICT] or ss[S.W_PROVINCE]
        go_to_area(store, view, code, "district" if ss[S.W_DISTRICT] else "province", levels)

    def on_pick() -> None:
        pick = ss.get(S.W_PICK) or ""
        if pick:
            level, code = pick.split(":", 1)
            go_to_area(store, view, code, level, levels)
            ss[S.W_SEARCH] = ""

    sb = st.sidebar
    sb.header("Bộ lọc")
    sb.selectbox(
        "Chỉ tiêu",
        METRIC_ORDER,
        key=S.W_METRIC,
        on_change=from_widgets,
        format_func=lambda k: METRICS[k].label,
    )
    sb.radio(
        "Thời gian",
        (S.MODE_ONE, S.MODE_RANGE),
        key=S.W_MODE,
        horizontal=True,
        on_change=from_widgets,
    )
    if ss[S.W_MODE] == S.MODE_ONE:
        sb.slider("Năm", first, last, key=S.W_YEAR, on_change=from_widgets)
    else:
        sb.slider("Từ năm – đến năm", first, last, key=S.W_YEARS, on_change=from_widgets)
    types = sorted(store.table("models", columns=("model_type",))["model_type"].unique())
    is_model_metric = METRICS[view.metric].kind == "models"
    sb.multiselect(
        "Loại mô hình",
        types,
        key=S.W_TYPES,
        on_change=from_widgets,
        placeholder="Tất cả các loại",
        disabled=not is_model_metric,
        help=None if is_model_metric else "Chỉ áp dụng cho các chỉ tiêu về mô hình.",
    )

    sb.subheader("Địa bàn")
    query = sb.text_input(
        "Tìm theo tên (gõ có dấu hoặc không dấu)", key=S.W_SEARCH, placeholder="ví dụ: hoa binh"
    )
    if query.strip():
        q = fold(query)
        hits = units[units["name"].map(fold).str.contains(re.escape(q), regex=True)]
        hits = hits.sort_values(
            ["level", "name"], key=lambda s: s.map(LEVELS.index) if s.name == "level" else s
        )
        hits = hits.drop_duplicates("code").head(40)
        if len(hits):
            options = [""] + [f"{r.level}:{r.code}" for r in hits.itertuples()]
            names = {
                f"{r.level}:{r.code}": f"{r.name} ({LEVEL_LABELS_VI[r.level]}, mã {r.code})"
                for r in hits.itertuples()
            }
            sb.selectbox(
                f"Kết quả ({len(hits)})",
                options,
                key=S.W_PICK,
                on_change=on_pick,
                format_func=lambda o: "— chọn một kết quả —" if not o else names[o],
            )
        else:
            sb.caption(
                f"Không tìm thấy địa bàn nào khớp với “{md(query)}” trong {md(result.version.version)}."
            )

    provinces = units[units["level"] == "province"]
    _unit_select(sb, "Tỉnh/thành phố", provinces, S.W_PROVINCE, on_province, "Toàn quốc")
    if "district" in levels and ss[S.W_PROVINCE]:
        districts = units[
            (units["level"] == "district") & (units["parent_code"] == ss[S.W_PROVINCE])
        ]
        _unit_select(sb, "Huyện/quận", districts, S.W_DISTRICT, on_district, "Toàn tỉnh")
    elif "district" not in levels:
        sb.caption(
            "Từ 01/07/2025 chính quyền địa phương còn hai cấp (tỉnh, xã): "
            "không còn cấp huyện để lọc hay hiển thị."
        )
    if area_row is not None and area_row["level"] == "commune":
        sb.caption(f"Đang xem: {md(area_row['name'])}")

    area_level = None if area_row is None else area_row["level"]
    allowed = [
        lv for lv in levels if area_level is None or LEVELS.index(lv) >= LEVELS.index(area_level)
    ]
    sb.radio(
        "Cấp hiển thị",
        allowed,
        key=S.W_LEVEL,
        on_change=from_widgets,
        horizontal=True,
        format_func=lambda lv: LEVEL_NAMES[lv],
    )
    sb.subheader("Phân lớp")
    sb.selectbox(
        "Cách phân lớp",
        list(SCHEMES),
        key=S.W_SCHEME,
        on_change=from_widgets,
        format_func=lambda s: SCHEMES[s],
    )
    sb.slider("Số lớp", 3, 7, key=S.W_K, on_change=from_widgets)
    sb.checkbox(
        "Hiện vị trí các mô hình (gom cụm)",
        key=S.W_POINTS,
        disabled=area_level not in ("district", "commune"),
        help="Bật được khi địa bàn là một huyện hoặc một xã.",
    )


# ------------------------------------------------------------------ page


def model_points(store, result: ViewResult) -> list[list]:
    """[lat, lon, tooltip] of the active models with a point inside the view's area; the
    tooltip is HTML-escaped (Leaflet's bindTooltip renders its text as HTML)."""
    communes = store.units(result.version.version, "commune")
    inside = set(
        communes_in_area(communes, {"level": result.area_level, "code": result.view.area})["code"]
    )
    m = active_models(store, result.view, result.version.version)
    m = m[m["commune_code"].isin(inside)].dropna(subset=["lon", "lat"])
    return [
        [float(r.lat), float(r.lon), html_text(f"{r.name} ({r.model_type}, từ {r.start_year})")]
        for r in m.itertuples()
    ]


def render(store: GpkgStore) -> None:
    _first, last = data_years(store)
    view = S.init_view(store, MapView(year_from=last, year_to=last))
    result = query_view(store, view)

    metric = view.metric_info
    st.title("Bản đồ mô hình tự quản về an ninh trật tự")
    types = (
        md(", ".join(view.model_types))
        if view.model_types and metric.kind == "models"
        else "tất cả các loại mô hình"
    )
    # data (area names, model types) is escaped; only the bold label is markup
    st.markdown(
        f"**{md(metric.label)}** — {md(result.area_name)} — {md(view.period_label)} · "
        f"cấp {LEVEL_LABELS_VI[view.level]} · {types if metric.kind == 'models' else 'trạng thái cuối kỳ'}"
    )
    for msg in st.session_state.get(S.MESSAGES, []):
        st.warning(md(msg), icon=":material/warning:")  # quotes values from the URL
    path = Path(store.path)
    mtime_ns = path.stat().st_mtime_ns
    notes = data_notes(result.approximate, _has_demo_data(str(path), mtime_ns))
    if notes:
        st.info(" ".join(notes), icon=":material/info:")  # our own wording, no data

    base = _base_layers(
        str(path),
        mtime_ns,
        result.version.version,
        view.level,
        view.area,
        result.area_level,
        notes,
    )
    classes = classify(result.rows["value"], view.scheme, view.k, palette_for(view.metric))
    payload = shared_payload(store, result, classes, base)
    points = (
        model_points(store, result)
        if (st.session_state.get(S.W_POINTS) and result.area_level in ("district", "commune"))
        else None
    )

    col_map, col_figs = st.columns([7, 3], gap="medium")
    with col_map:
        fmap = base_map(
            base, os.environ.get("ANTT_TILE_URL"), os.environ.get("ANTT_TILE_ATTRIBUTION", "")
        )
        out = st_folium(
            fmap,
            key="map",
            height=640,
            width="stretch",
            returned_objects=["last_object_clicked_tooltip", "last_object_clicked_count"],
            feature_group_to_add=values_layer(payload, points),
        )
        st.caption(
            "Nhấp vào một đơn vị để xem chi tiết bên trong. Ranh giới in đậm: tỉnh/thành phố."
        )
        export_buttons(store, view)
        handle_click(store, view, result, base, out)
    with col_figs:
        prev = previous_totals(store, result)
        # one HTML element for all the cards (no Markdown to parse, one thing to render)
        st.html("".join(card_html(card) for card in cards(result, prev)))
        if view.area and st.button("⬆ Về toàn quốc", width="stretch"):
            S.set_view(store, view.with_(area="", level="province"))
            st.rerun()
        for note in result.notes:
            st.caption(md(note))

    render_ranking(store, result)
    # the sidebar's widgets are sent last: the browser gets the map's message first, so
    # a new page and a filter change reach the map sooner (its place on screen is the same)
    sidebar(store, view, result)
    prefetch_neighbours(store, view, *data_years(store))  # the slider's next step
    S.write_url(st.session_state[S.VIEW])


def export_buttons(store: GpkgStore, view: MapView) -> None:
    """Download the current view as a finished map. The file is drawn only when a
    button is clicked (a callable `data`), and the click does not rerun the page."""
    st.markdown("**Xuất bản đồ cho báo cáo, trình chiếu**")
    cols = st.columns(len(FORMATS))
    for col, fmt in zip(cols, FORMATS.values(), strict=True):
        col.download_button(
            fmt.label,
            partial(_export, store.path, view, fmt.key),
            f"{file_stem(view)}.{fmt.key}",
            fmt.mime,
            key=f"export-{fmt.key}",
            on_click="ignore",
            icon=":material/download:",
            width="stretch",
        )


def _export(path: Path, view: MapView, fmt: str) -> bytes:
    # runs outside the script run (no session state): plain functions only
    return export_bytes(build_snapshot(GpkgStore.open(path), view), fmt)


def card_html(card) -> str:
    """A figure card that never truncates its value (st.metric cuts long values)."""
    delta = ""
    if card.delta:
        colour = (
            "#1a7f37"
            if card.delta.startswith("+")
            else ("#b42318" if card.delta.startswith("−") else "#555")
        )
        delta = f'<div style="color:{colour};font-size:0.9rem">{html_text(card.delta)}</div>'
    return (
        f'<div class="antt-card" title="{html_text(card.help)}" style="border:1px solid #e3e6ea;'
        f'border-radius:8px;padding:8px 12px;margin-bottom:10px">'
        f'<div style="font-size:0.85rem;color:#444">{html_text(card.label)}</div>'
        f'<div class="antt-card-value" style="font-size:1.45rem;font-weight:600;line-height:1.3">'
        f"{html_text(card.value)}</div>{delta}</div>"
    )


CODE_IN_TOOLTIP = re.compile(r"Mã:\s*(\d+)")


def handle_click(store, view: MapView, result: ViewResult, base: BaseLayers, out) -> None:
    """Drill into the clicked unit (once per click)."""
    if not out:
        return
    count = out.get("last_object_clicked_count") or 0
    tip = out.get("last_object_clicked_tooltip") or ""
    ident = (count, tip)  # a new click has a new stamp in its tooltip (see map_script.js)
    if count <= 0 or st.session_state.get(S.CLICK_SEEN) == ident:
        return
    st.session_state[S.CLICK_SEEN] = ident
    match = CODE_IN_TOOLTIP.search(tip)
    if not match or match.group(1) not in set(result.rows["code"]):
        return
    code = match.group(1)
    if code == view.area:
        return
    go_to_area(store, view, code, view.level, result.version.levels)
    st.rerun()


def _guarded(page) -> None:
    """Run a page; our own errors are one Vietnamese line, anything else one line too
    (with a reference to find it), its traceback only in the server log."""
    try:
        page(get_store())
    except (AnttError, LoaderError) as err:
        st.error(md(err), icon=":material/error:")
    except Exception:  # Streamlit's rerun/stop signals are BaseException: not caught
        ref = uuid.uuid4().hex[:8]
        LOG.exception("Lỗi ngoài dự kiến khi vẽ trang (mã %s)", ref)
        st.error(UNEXPECTED.format(ref=ref), icon=":material/error:")


def map_page() -> None:
    _guarded(render)


def import_page() -> None:
    from dashboard.import_page import render_import

    _guarded(render_import)


def main() -> None:
    st.set_page_config(page_title="Bản đồ mô hình tự quản về ANTT", page_icon="🗺️", layout="wide")
    ensure_static_assets()
    st.navigation(
        [
            st.Page(map_page, title="Bản đồ", icon=":material/map:", default=True),
            st.Page(
                import_page,
                title="Nhập dữ liệu",
                icon=":material/upload_file:",
                url_path="nhap-du-lieu",
            ),
        ]
    ).run()


main()
