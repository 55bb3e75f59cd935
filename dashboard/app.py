"""The dashboard page (started by `antt-map serve`). Thin: widgets -> view spec ->
geodata -> render."""

from __future__ import annotations

import logging
import os
import re
import sys
import uuid
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from dashboard import state as S
from dashboard.assets import ensure_static_assets
from dashboard.export_buttons import export_buttons
from dashboard.figures import panel_cards
from dashboard.login import ACCESS, page_access, sidebar_identity
from dashboard.map_view import BaseLayers, base_layers, base_map, shared_payload, values_layer
from dashboard.motion import animation_export, play_control
from dashboard.notes import data_notes
from dashboard.page_style import MAP_HEIGHT, PAGE_CSS
from dashboard.panels import panels_for
from dashboard.prefetch import prefetch_neighbours
from dashboard.present import present_controls, present_header, presenting, start
from dashboard.ranking_view import render_ranking
from dashboard.safe_text import html_text, md
from dashboard.saved_panel import saved_panel
from dashboard.sidebar import go_to_area, sidebar
from dashboard.trend_chart import periods_shown, trend_png
from geodata.access import authorize_view
from geodata.display_docs import display_layers
from geodata.errors import AnttError
from geodata.pg_store import is_postgres
from geodata.query import (
    ViewResult,
    active_models,
    communes_in_area,
    data_years,
    has_demo_data,
)
from geodata.saved_views import list_views
from geodata.schema import LEVEL_LABELS_VI
from geodata.store import GpkgStore, Store, open_store, resolve_store
from geodata.trend import unit_trend
from geodata.view import MapView
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


@st.cache_resource(show_spinner=False)
def _store(location: str, stamp: int) -> Store:
    return open_store(location)


def get_store() -> Store:
    """The store the page reads: one object per location (its table cache shared by
    every session); a GeoPackage that was replaced on disk (a demo rebuild) is opened
    anew, while a PostGIS store follows its `store_revision` by itself."""
    location = resolve_store()
    if is_postgres(location):
        return _store(location, 0)
    path = Path(location).resolve()
    if not path.exists():
        GpkgStore.open(path)  # raises the "build it with antt-map demo" message
    return _store(str(path), path.stat().st_ino)


@st.cache_resource(show_spinner=False, max_entries=64)
def _base_layers(
    location: str,
    revision: int,
    version: str,
    level: str,
    area_code: str,
    area_level: str | None,
    notes: tuple[str, ...],
) -> BaseLayers:
    area = {"code": area_code, "level": area_level} if area_code else None
    layers = display_layers(open_store(location), version, level, area)
    return base_layers(layers, notes, national=area is None)


@st.cache_data(show_spinner=False, max_entries=4)
def _has_demo_data(location: str, revision: int) -> bool:
    """Whether the demo rows are still stored; cached until the store changes."""
    return has_demo_data(open_store(location))


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


def render(store: Store) -> None:
    _first, last = data_years(store)
    access = st.session_state.get(ACCESS)
    views = list_views(store, access)
    default = MapView(year_from=last, year_to=last)
    view = S.init_view(
        store, default, lambda ref: next((v for v in views if v.view_id == ref), None)
    )
    allowed = authorize_view(store, view, access)
    if allowed.view != view:  # outside the person's areas, whatever the URL or a click said
        view = allowed.view
        st.session_state[S.VIEW] = view
        st.session_state[S.MESSAGES] = [allowed.message] if allowed.message else []
        S.write_url(view)
    panels = panels_for(store, view)
    result = panels.main

    notes = data_notes(result.approximate, _has_demo_data(store.location, store.revision))

    base = _base_layers(
        store.location,
        store.revision,
        result.version.version,
        view.level,
        view.area,
        result.area_level,
        notes,
    )
    points = (
        model_points(store, result)
        if (st.session_state.get(S.W_POINTS) and result.area_level in ("district", "commune"))
        else None
    )

    if presenting():
        render_present(store, view, panels, base, points, views, default)
        S.write_url(st.session_state[S.VIEW])
        return
    st.html(PAGE_CSS)
    metric = view.metric_info
    st.title("Bản đồ mô hình tự quản về an ninh trật tự")
    types = (
        md(", ".join(view.model_types))
        if view.model_types and metric.kind == "models"
        else "tất cả các loại mô hình"
    )
    shown = (
        f"{md(view.base_view().period_label)} và {md(view.period_label)}"
        if view.compare == "side"
        else (
            f"thay đổi {md(view.base_view().period_label)} → {md(view.period_label)}"
            if view.compare == "change"
            else md(view.period_label)
        )
    )
    # data (area names, model types) is escaped; only the bold label is markup
    st.markdown(
        f"**{md(metric.label)}** — {md(result.area_name)} — {shown} · "
        f"cấp {LEVEL_LABELS_VI[view.level]} · {types if metric.kind == 'models' else 'trạng thái cuối kỳ'}"
    )
    for msg in st.session_state.get(S.MESSAGES, []):
        st.warning(md(msg), icon=":material/warning:")  # quotes values from the URL
    col_map, col_figs = st.columns([4, 1.25], gap="small")
    with col_map:
        outs = draw_maps(store, view, panels, base, points, col_map)
        st.caption(
            "Nhấp vào một đơn vị để xem chi tiết bên trong. Ranh giới in đậm: tỉnh/thành phố."
            + (" Hai bản đồ di chuyển cùng nhau." if len(panels.maps) > 1 else "")
        )
        for key, out in outs:
            handle_click(store, view, result, key, out)
    with col_figs:
        # the exports first: at 1366×768 they stay above the fold with the map
        st.button("Trình chiếu", key="present_start", on_click=start, type="primary",
                  icon=":material/slideshow:", width="stretch",
                  help="Bản đồ toàn màn hình; Page Down/→: khung nhìn đã lưu kế tiếp, Esc: thoát")  # fmt: skip
        export_buttons(store, view)
        play_control(store, view)
        animation_export(store, view)
        national = access is None or access.national  # others would only be refused
        if view.area and national and st.button("⬆ Về toàn quốc", width="stretch"):
            S.set_view(store, view.with_(area="", level="province"))
            st.rerun()
        # one HTML element for all the cards (no Markdown to parse, one thing to render)
        st.html("".join(card_html(card) for card in panel_cards(store, panels)))
        if notes:
            st.info(" ".join(notes), icon=":material/info:")  # our own wording, no data
        for note in panels.notes:
            st.caption(md(note))

    if view.area and result.area_level:
        render_trend(store, view, result)
    render_ranking(store, result)
    # the sidebar's widgets are sent last: the browser gets the map's message first, so
    # a new page and a filter change reach the map sooner (its place on screen is the same)
    sidebar(store, view, result)
    saved_panel(store, view, result)  # under the filters: they keep their place on screen
    prefetch_neighbours(store, view, *data_years(store))  # the slider's next step
    S.write_url(st.session_state[S.VIEW])


def draw_maps(store: Store, view: MapView, panels, base: BaseLayers, points, col_map) -> list:
    """The page's map (or a comparison's two) in `col_map`; their returned clicks."""
    cols = st.columns(len(panels.maps), gap="small") if len(panels.maps) > 1 else [col_map]
    outs = []
    for col, panel in zip(cols, panels.maps, strict=True):
        payload = shared_payload(store, view, panel.result, panel.classes, base, panel.dress)
        fmap = base_map(
            base, os.environ.get("ANTT_TILE_URL"), os.environ.get("ANTT_TILE_ATTRIBUTION", "")
        )
        with col:
            out = st_folium(
                fmap,
                key=panel.key,
                height=MAP_HEIGHT,
                width="stretch",
                # the click's tooltip only: streamlit-folium starts its click count at 0
                # against a default of None, so returning the count made every new map
                # report itself with one more run of the page
                returned_objects=["last_object_clicked_tooltip"],
                feature_group_to_add=values_layer(payload, points),
            )
        outs.append((panel.key, out))
    return outs


def render_present(store: Store, view: MapView, panels, base: BaseLayers, points, views,
                   default: MapView) -> None:  # fmt: skip
    """The presentation layout: big title, the map to the window's bottom, the figures
    and the keys' buttons beside it; nothing else."""
    result = panels.main
    current = S.saved_id(view)
    name = next((v.name for v in views if v.view_id == current), "")
    title = f"{view.metric_info.label} — {result.area_name}"
    sub = (
        f"{view.base_view().period_label} và {view.period_label}"
        if view.compare == "side"
        else (
            f"Thay đổi {view.base_view().period_label} → {view.period_label}"
            if view.compare == "change"
            else view.period_label
        )
    ) + f" · cấp {LEVEL_LABELS_VI[view.level]}"
    present_header(name, title, sub)
    for msg in st.session_state.get(S.MESSAGES, []):
        st.warning(md(msg), icon=":material/warning:")
    col_map, col_figs = st.columns([4, 1.1], gap="small")
    with col_map:
        outs = draw_maps(store, view, panels, base, points, col_map)
    with col_figs:
        present_controls(store, views, current, default)
        st.html("".join(card_html(card) for card in panel_cards(store, panels)))
    for key, out in outs:
        handle_click(store, view, result, key, out)


def render_trend(store: Store, view: MapView, result: ViewResult) -> None:
    """The selected unit's metric year by year beside its province and the country."""
    with st.spinner("Đang tính diễn biến qua các năm…"):
        trend = unit_trend(store, view, result.version.version, result.area_level, result.area_name)
    st.subheader(f"Diễn biến qua các năm: {md(result.area_name)}")
    st.image(trend_png(trend, periods_shown(view)), width="stretch")
    st.caption(md(" ".join(trend.notes)))


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


def handle_click(store, view: MapView, result: ViewResult, key: str, out) -> None:
    """Drill into the unit clicked on map `key` (once per click: each map's last click
    is remembered, since streamlit-folium keeps reporting it)."""
    if not out:
        return
    tip = out.get("last_object_clicked_tooltip") or ""  # a click's tooltip has its own
    seen = st.session_state.setdefault(S.CLICK_SEEN, {})  # stamp (see map_script.js)
    if not tip or seen.get(key) == tip:
        return
    seen[key] = tip
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


def admin_page() -> None:
    from dashboard.admin_page import render_admin

    _guarded(render_admin)


def main() -> None:
    st.set_page_config(page_title="Bản đồ mô hình tự quản về ANTT", page_icon="🗺️", layout="wide")
    ensure_static_assets()
    try:
        store = get_store()
        access = page_access(store)
    except (AnttError, LoaderError) as err:
        st.error(md(err), icon=":material/error:")
        return
    if access is False:  # the login screen, or a refusal, has been drawn
        return
    sidebar_identity(store, access)
    pages = [st.Page(map_page, title="Bản đồ", icon=":material/map:", default=True)]
    if access is None or access.may("staff"):  # viewers are not shown the import page
        pages.append(
            st.Page(
                import_page,
                title="Nhập dữ liệu",
                icon=":material/upload_file:",
                url_path="nhap-du-lieu",
            )
        )
    if access is not None and access.may("admin"):
        pages.append(
            st.Page(
                admin_page,
                title="Quản trị",
                icon=":material/admin_panel_settings:",
                url_path="quan-tri",
            )
        )
    st.navigation(pages).run()


main()
