"""Session-state keys and the view <-> widgets <-> URL plumbing, in one place.

The view spec in `st.session_state[VIEW]` is the single source of truth: widgets are
set from it before they are drawn, their callbacks write it, and the URL is written
from it at the end of every run.
"""

from __future__ import annotations

import streamlit as st

from geodata.query import query_view
from geodata.view import MapView
from geodata.view_params import repair_view, view_from_params, view_to_params

VIEW = "view"
MESSAGES = "messages"
CLICK_SEEN = "click_seen"

W_METRIC = "w_metric"
W_MODE = "w_mode"
W_YEAR = "w_year"
W_YEARS = "w_years"
W_TYPES = "w_types"
W_SEARCH = "w_search"
W_PICK = "w_pick"
W_PROVINCE = "w_province"
W_DISTRICT = "w_district"
W_LEVEL = "w_level"
W_SCHEME = "w_scheme"
W_K = "w_k"
W_POINTS = "w_points"
W_COMPARE = "w_compare"
W_BASE_YEAR = "w_base_year"
W_BASE_YEARS = "w_base_years"
W_LABELS = "w_labels"

SAVED = "saved"  # (id, view) of the saved view shown, while the view is still that one
PRESENT = "present"  # presentation mode (?present=1)

MODE_ONE = "Một năm"
MODE_RANGE = "Khoảng nhiều năm"
URL_SEEN = "url_seen"


def mode_of(view: MapView) -> str:
    return MODE_ONE if view.year_from == view.year_to else MODE_RANGE


def init_view(store, default: MapView, find_saved=None) -> MapView:
    """The session's view: from the URL on the first run and on Back/Forward (Streamlit
    reruns the page with that history entry's query string and marks the run as a
    history navigation); otherwise from session state.

    Only a run the browser marks as history navigation may replace the view. A rerun
    from an input sent before the last run's address reached the browser carries the
    address before it; read as "Back", it threw away the input before (two quick arrow
    presses on the year slider moved it one year, a presenter's key press was lost).

    `?saved=ID` opens a saved view (`find_saved(ID)` gives it, or None when it is not
    there or not the person's to see); `?present=1` is the presentation mode."""
    url = dict(st.query_params)
    ss = st.session_state
    if VIEW not in ss or (url != ss.get(URL_SEEN, url) and _history_navigation()):
        ss[PRESENT] = url.get("present") == "1"
        ss[SAVED] = None
        ref = url.get("saved", "")
        saved = find_saved(ref) if ref and find_saved else None
        if saved is not None:
            view, msgs = saved.view(store, default)
            ss[SAVED] = (saved.view_id, view)
        else:
            view, msgs = view_from_params(url, store, default)
            if ref:
                msgs = [f"Không có khung nhìn đã lưu mã “{ref}” (đã xóa, hoặc ngoài phạm vi "
                        "tài khoản này): bản đồ hiện theo các tham số còn lại của đường dẫn.",
                        *msgs]  # fmt: skip
        ss[VIEW] = view
        ss[MESSAGES] = msgs
        ss[URL_SEEN] = url
    return ss[VIEW]


def _history_navigation() -> bool:
    """Whether this run is the browser's Back/Forward (Streamlit's run context says so;
    it is not public API, hence the default: without it, any address this session did
    not write last is taken as one, as before)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return bool(getattr(ctx, "is_history_navigation", True)) if ctx is not None else True


def open_saved(store, saved, default: MapView) -> MapView:
    """Show a saved view (a click in the list, a key in the presentation)."""
    view, msgs = saved.view(store, default)
    st.session_state[VIEW] = view
    st.session_state[MESSAGES] = msgs
    st.session_state[SAVED] = (saved.view_id, view)
    return view


def saved_id(view: MapView) -> str:
    """The id of the saved view on screen, "" once the view was changed from it."""
    saved = st.session_state.get(SAVED)
    return saved[0] if saved and saved[1] == view else ""


MOVED = "moved"  # (area, year, messages) of the last repair that moved the area


def set_view(store, view: MapView) -> MapView:
    """Store a view after repairing what the store cannot show (messages kept for the page).

    The messages of a repair that moved the area ("Tỉnh Hòa Bình … nay thuộc Tỉnh Phú
    Thọ") stay while that area is shown from that year on: the next year step repairs
    nothing, and two quick steps past 2025 showed the move for one run only."""
    repaired, msgs = repair_view(store, view, [], query_view)
    ss = st.session_state
    if repaired.area and repaired.area != view.area:
        ss[MOVED] = (repaired.area, repaired.year_to, list(msgs))
    moved = ss.get(MOVED)
    if moved and moved[0] == repaired.area == view.area and repaired.year_to >= moved[1]:
        msgs = [m for m in moved[2] if m not in msgs] + msgs
    elif moved and moved[0] != repaired.area:
        ss[MOVED] = None
    ss[VIEW] = repaired
    ss[MESSAGES] = msgs
    return repaired


def write_url(view: MapView) -> None:
    """The view into the address bar; each new view is a history entry (Streamlit
    pushes it), so Back returns to the one before."""
    params = view_to_params(view)
    if saved_id(view):
        params["saved"] = saved_id(view)
    if st.session_state.get(PRESENT):
        params["present"] = "1"
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)
    st.session_state[URL_SEEN] = params
