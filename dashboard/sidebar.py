"""The map page's sidebar: the filters, read into the view spec (no domain logic)."""

from __future__ import annotations

import logging
import re
import uuid

import streamlit as st

from dashboard import state as S
from dashboard.login import ACCESS
from dashboard.safe_text import md
from geodata.access import allowed_codes
from geodata.classify import SCHEMES
from geodata.errors import AnttError
from geodata.names import fold
from geodata.query import ViewResult, data_years
from geodata.schema import LEVEL_LABELS_VI, LEVELS
from geodata.store import Store
from geodata.view import COMPARE_MODES, METRICS, MapView

# unit names are written on the web map only up to this many units (a province's
# communes at most; more would be an unreadable carpet of text)
MAX_WEB_LABELS = 150

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


def _unit_select(container, label: str, units, key: str, on_change, all_label: str | None) -> None:
    """A selectbox of units by name; the empty option stands for the whole parent area
    (`all_label` None: no such option, for a person whose scope is only these units)."""
    units = units.sort_values("name")
    names = dict(zip(units["code"], units["name"], strict=True))
    options = list(units["code"]) if all_label is None else ["", *units["code"]]
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0]
    container.selectbox(
        label,
        options,
        key=key,
        on_change=on_change,
        format_func=lambda c: all_label if not c else names[c],
    )


LOG = logging.getLogger("antt.dashboard")
CALLBACK_FAILED = (
    "Không áp dụng được lựa chọn vừa rồi (mã lỗi {ref}); bản đồ giữ khung nhìn trước. "
    "Chọn lại; nếu lỗi lặp lại, báo quản trị viên kèm mã lỗi này."
)


def as_key(value, labels: dict) -> object:
    """A widget's value as the option key: Streamlit can hand back an option's shown
    label instead of the option itself when the list of options changed between runs
    (seen: the level radio gave 'Huyện/quận' for 'district', and the view refused it)."""
    if value in labels:
        return value
    for key, label in labels.items():
        if label == value:
            return key
    return value


def guarded(callback):
    """A widget callback whose failure becomes a Vietnamese message on the page: it runs
    before the page's script, outside the page's own error guard, and an exception there
    showed Streamlit's English error screen."""

    def run() -> None:
        try:
            callback()
        except AnttError as err:
            st.session_state[S.MESSAGES] = [str(err)]
        except Exception:
            ref = uuid.uuid4().hex[:8]
            LOG.exception("Lỗi khi áp dụng lựa chọn (mã %s)", ref)
            st.session_state[S.MESSAGES] = [CALLBACK_FAILED.format(ref=ref)]

    return run


def sidebar(store: Store, view: MapView, result: ViewResult) -> None:
    first, last = data_years(store)
    units = store.units(result.version.version)
    levels = result.version.levels
    ss = st.session_state
    access = ss.get(ACCESS)
    if access is not None and not access.national:  # offer only units inside the areas
        inside = allowed_codes(store, result.version.version, access.areas)
        offered = units[units["code"].isin(inside)]
    else:
        offered = units
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
    shown = set(offered["code"])
    ss[S.W_PROVINCE] = prov if prov in shown else ""
    ss[S.W_DISTRICT] = dist if dist in shown else ""
    ss[S.W_COMPARE] = view.compare
    base_from, base_to = view.base_period
    ss[S.W_BASE_YEAR] = base_to
    ss[S.W_BASE_YEARS] = (base_from, base_to)
    ss[S.W_LABELS] = view.labels

    def base_from_widgets(y0: int, y1: int) -> tuple[int | None, int | None]:
        """The compared period the widgets show; None (the period just before, which
        the sidebar then shows) when comparing was just switched on, the period's
        length changed, or the compared period no longer ends before the period."""
        if not (ss[S.W_COMPARE] and view.compare):
            return None, None
        if y1 - y0 != view.year_to - view.year_from:
            return None, None
        if y0 == y1:
            b0 = b1 = int(ss[S.W_BASE_YEAR])
        else:
            b0, b1 = (int(y) for y in ss[S.W_BASE_YEARS])
        n = y1 - y0 + 1
        if b1 >= y0 or (b0, b1) == (y0 - n, y1 - n):
            return None, None
        return b0, b1

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
        base = base_from_widgets(y0, y1)
        S.set_view(
            store,
            view.with_(
                metric=as_key(ss[S.W_METRIC], {k: METRICS[k].label for k in METRICS}),
                year_from=y0,
                year_to=y1,
                model_types=tuple(ss[S.W_TYPES]),
                level=as_key(ss[S.W_LEVEL], LEVEL_NAMES),
                scheme=as_key(ss[S.W_SCHEME], SCHEMES),
                k=int(ss[S.W_K]),
                compare=as_key(ss[S.W_COMPARE], COMPARE_MODES),
                base_from=base[0],
                base_to=base[1],
                labels=bool(ss[S.W_LABELS]),
            ),
        )

    from_widgets = guarded(from_widgets)

    @guarded
    def on_province() -> None:
        code = ss[S.W_PROVINCE]
        go_to_area(store, view, code, "province" if code else None, levels)

    @guarded
    def on_district() -> None:
        code = ss[S.W_DISTRICT] or ss[S.W_PROVINCE]
        go_to_area(store, view, code, "district" if ss[S.W_DISTRICT] else "province", levels)

    @guarded
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
    sb.radio(
        "So sánh",
        list(COMPARE_MODES),
        key=S.W_COMPARE,
        on_change=from_widgets,
        format_func=lambda m: COMPARE_MODES[m],
        help="Hai kỳ cạnh nhau dùng chung một chú giải; bản đồ thay đổi tô phần tăng, giảm.",
    )
    if view.compare:
        if view.year_from == view.year_to and view.year_to - 1 >= first:
            sb.slider(
                "So với năm", first, view.year_to - 1, key=S.W_BASE_YEAR, on_change=from_widgets
            )
        elif view.year_from - 1 > first:
            sb.slider(
                "So với kỳ (từ năm – đến năm)",
                first,
                view.year_from - 1,
                key=S.W_BASE_YEARS,
                on_change=from_widgets,
            )
    types = sorted(store.table("models", columns=("model_type",))["model_type"].unique())
    is_model_metric = METRICS[view.metric].kind == "models"
    sb.multiselect(
        "Loại mô hình",
        types,
        key=S.W_TYPES,
        on_change=from_widgets,
        placeholder="Tất cả các loại",
        select_all=False,  # its "Select all" cannot be worded in Vietnamese; empty = all
        disabled=not is_model_metric,
        help=None if is_model_metric else "Chỉ áp dụng cho các chỉ tiêu về mô hình.",
    )

    sb.subheader("Địa bàn")
    query = sb.text_input(
        "Tìm theo tên (gõ có dấu hoặc không dấu)", key=S.W_SEARCH, placeholder="ví dụ: hoa binh"
    )
    if query.strip():
        q = fold(query)
        hits = offered[offered["name"].map(fold).str.contains(re.escape(q), regex=True)]
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

    provinces = offered[offered["level"] == "province"]
    scoped = offered is not units  # a person who may see only their areas
    if not scoped or len(provinces):
        _unit_select(
            sb, "Tỉnh/thành phố", provinces, S.W_PROVINCE, on_province,
            None if scoped else "Toàn quốc",
        )  # fmt: skip
    if "district" in levels and (ss[S.W_PROVINCE] or (scoped and provinces.empty)):
        districts = offered[offered["level"] == "district"]
        if ss[S.W_PROVINCE]:
            districts = districts[districts["parent_code"] == ss[S.W_PROVINCE]]
        if len(districts):
            _unit_select(
                sb, "Huyện/quận", districts, S.W_DISTRICT, on_district,
                None if scoped and provinces.empty else "Toàn tỉnh",
            )  # fmt: skip
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
    n_shown = len(result.rows)
    sb.checkbox(
        "Ghi tên đơn vị trên bản đồ",
        key=S.W_LABELS,
        on_change=from_widgets,
        disabled=n_shown > MAX_WEB_LABELS and not view.labels,
        help=(
            f"Bật được khi bản đồ có không quá {MAX_WEB_LABELS} đơn vị "
            f"(đang có {n_shown}): chọn một tỉnh hoặc cấp hiển thị lớn hơn."
        ),
    )
    sb.checkbox(
        "Hiện vị trí các mô hình (gom cụm)",
        key=S.W_POINTS,
        disabled=area_level not in ("district", "commune"),
        help="Bật được khi địa bàn là một huyện hoặc một xã.",
    )
