"""The view spec as URL query parameters, and repairing a view that cannot be shown.

A copied link must reopen the same map; a link with bad values (unknown metric,
impossible year, unknown code) must still open a valid map and say what was changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields

from geodata.errors import ViewError
from geodata.schema import LEVEL_LABELS_VI, LEVELS
from geodata.view import COMPARE_MODES, METRICS, MapView

TYPE_SEPARATOR = "|"


def view_to_params(view: MapView) -> dict[str, str]:
    """Query parameters for a view (only strings; empty values left out)."""
    params = {
        "metric": view.metric,
        "level": view.level,
        "from": str(view.year_from),
        "to": str(view.year_to),
        "area": view.area,
        "types": TYPE_SEPARATOR.join(view.model_types),
        "scheme": view.scheme,
        "k": str(view.k),
        "cmp": view.compare,
        "cfrom": "" if view.base_from is None else str(view.base_from),
        "cto": "" if view.base_to is None else str(view.base_to),
        "labels": "1" if view.labels else "",
    }
    return {k: v for k, v in params.items() if v}


def _int(text: str | None) -> int | None:
    try:
        return int(str(text).strip())
    except (TypeError, ValueError):
        return None


def view_from_params(
    params: Mapping[str, str], store, default: MapView
) -> tuple[MapView, list[str]]:
    """Build a valid view from URL parameters, falling back field by field.

    Returns the view and one Vietnamese message per value that was replaced.
    """
    from geodata.query import data_years, query_view

    msgs: list[str] = []
    first, last = data_years(store)
    get = {k: (v[-1] if isinstance(v, list) else v) for k, v in params.items()}

    metric = get.get("metric", default.metric)
    if metric not in METRICS:
        msgs.append(
            f"Chỉ tiêu '{metric}' trong đường dẫn không tồn tại; dùng '{METRICS[default.metric].label}'."
        )
        metric = default.metric
    level = get.get("level", default.level)
    if level not in LEVELS:
        msgs.append(
            f"Cấp hiển thị '{level}' trong đường dẫn không hợp lệ; dùng cấp {LEVEL_LABELS_VI[default.level]}."
        )
        level = default.level

    year_to = _int(get.get("to")) if "to" in get else default.year_to
    year_from = _int(get.get("from")) if "from" in get else None
    if year_to is None or not first <= year_to <= last:
        msgs.append(
            f"Năm '{get.get('to')}' trong đường dẫn nằm ngoài dữ liệu ({first}–{last}); dùng năm {last}."
        )
        year_to = last
    if year_from is None:
        if "from" in get:
            msgs.append(f"Năm đầu kỳ '{get.get('from')}' không hợp lệ; dùng năm {year_to}.")
        year_from = year_to
    elif not first <= year_from <= year_to:
        msgs.append(
            f"Năm đầu kỳ {year_from} không hợp lệ cho kỳ kết thúc {year_to}; dùng năm {year_to}."
        )
        year_from = year_to

    scheme = get.get("scheme", default.scheme)
    k = _int(get.get("k")) if "k" in get else default.k
    types = tuple(t for t in str(get.get("types", "")).split(TYPE_SEPARATOR) if t)
    known_types = set(store.table("models", columns=("model_type",))["model_type"].unique())
    if set(types) - known_types:
        msgs.append(
            f"Bỏ loại mô hình không có trong dữ liệu: {', '.join(sorted(set(types) - known_types))}."
        )
        types = tuple(t for t in types if t in known_types)

    compare = get.get("cmp", "")
    if compare not in COMPARE_MODES:
        msgs.append(f"Cách so sánh '{compare}' trong đường dẫn không có; hiển thị một kỳ.")
        compare = ""
    base_from, base_to = _int(get.get("cfrom")), _int(get.get("cto"))
    if ("cfrom" in get or "cto" in get) and not (
        base_from is not None and base_to is not None and first <= base_from <= base_to <= last
    ):
        msgs.append(
            f"Kỳ so sánh '{get.get('cfrom', '')}–{get.get('cto', '')}' trong đường dẫn không hợp lệ "
            f"(dữ liệu có từ {first} đến {last}); so với kỳ liền trước."
        )
        base_from = base_to = None

    base = {f.name: getattr(default, f.name) for f in fields(MapView)}
    candidate = {
        **base,
        "metric": metric,
        "level": level,
        "year_from": year_from,
        "year_to": year_to,
        "model_types": types,
        "area": get.get("area", ""),
        "compare": compare,
        "base_from": base_from,
        "base_to": base_to,
        "labels": get.get("labels", "") == "1",
    }
    try:
        view = MapView(**candidate).with_(scheme=scheme, k=k)
    except ViewError as err:
        msgs.append(f"{err} Dùng cách phân lớp mặc định.")
        view = MapView(**candidate)
    return repair_view(store, view, msgs, query_view)


def repair_compare(store, view: MapView, msgs: list[str]) -> MapView:
    """A comparison needs a base period inside the data that differs from the view's:
    fall back to the period just before, else to one period, and say so."""
    if not view.compare:
        return view
    from geodata.query import data_years

    first, last = data_years(store)
    y0, y1 = view.base_period
    if first <= y0 <= y1 < view.year_from:
        return view
    if view.base_from is not None:
        msgs.append(
            f"Kỳ so sánh {y0}–{y1} không dùng được (cần kết thúc trước {view.year_from} và nằm "
            f"trong dữ liệu {first}–{last}); so với kỳ liền trước."
        )
        view = view.with_(base_from=None, base_to=None)
        y0, y1 = view.base_period
        if first <= y0 <= y1 <= last:
            return view
    msgs.append(
        f"Không có kỳ liền trước {view.period_label} trong dữ liệu (từ {first}) để so sánh; "
        "hiển thị một kỳ. Chọn năm muộn hơn hoặc một kỳ so sánh khác."
    )
    return view.with_(compare="", base_from=None, base_to=None)


def _follow(store, view: MapView):
    """Where the view's area went in the period's boundary version (see geodata.reform)."""
    from geodata.reform import follow_area
    from geodata.schema import BOUNDARY_VERSIONS
    from geodata.versions import version_for_period, versions_from_table

    versions = versions_from_table(store.table(BOUNDARY_VERSIONS))
    target = version_for_period(versions, view.year_to).version
    return follow_area(store, view.area, target, [v.version for v in versions])


def repair_view(store, view: MapView, msgs: list[str], query_view) -> tuple[MapView, list[str]]:
    """Adjust a view until the store can show it: drop an unknown area, move the level
    to one the period's boundary version has and the area allows."""
    view = repair_compare(store, view, msgs)
    for _ in range(5):
        try:
            query_view(store, view)
            return view, msgs
        except ViewError as err:
            text = str(err)
            if "Mã địa bàn" in text:
                followed = _follow(store, view)
                if followed is not None:
                    msgs.append(followed.message)
                    view = view.with_(area=followed.code, level=followed.level or view.level)
                    continue
                msgs.append(f"{text} Hiển thị toàn quốc.")
                view = view.with_(area="")
            elif "không có trong phiên bản ranh giới" in text and view.level == "district":
                msgs.append("Sau 01/07/2025 không còn cấp huyện; chuyển sang cấp xã.")
                view = view.with_(level="commune")
            elif "Không thể hiển thị cấp" in text:
                finer = LEVELS[min(LEVELS.index(view.level) + 1, len(LEVELS) - 1)]
                msgs.append(f"{text} Chuyển sang cấp {LEVEL_LABELS_VI[finer]}.")
                view = view.with_(level=finer if finer != view.level else "commune")
            else:
                msgs.append(f"{text} Dùng khung nhìn mặc định.")
                view = MapView(year_from=view.year_to, year_to=view.year_to)
    query_view(store, view)
    return view, msgs
