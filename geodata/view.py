"""The view spec: one immutable value that says what a map shows.

The sidebar builds it, the URL round-trips it, the map and the exports render it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from geodata.errors import ViewError
from geodata.schema import LEVELS

MetricKind = Literal["models", "status"]

# how two periods are shown: one map of the view's period, the two periods side by side
# on one legend, or one map of the change between them
COMPARE_MODES = {
    "": "Một kỳ",
    "side": "Hai kỳ cạnh nhau",
    "change": "Bản đồ thay đổi",
}


@dataclass(frozen=True)
class Metric:
    key: str
    label: str  # Vietnamese, for titles and legends
    unit: str  # shown after numbers
    kind: MetricKind
    is_share: bool = False


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric("model_count", "Số mô hình tự quản về ANTT", "mô hình", "models"),
        Metric("model_units", "Số đơn vị mô hình", "đơn vị", "models"),
        Metric("model_density", "Mật độ mô hình", "mô hình/100 km²", "models"),
        Metric("models_per_commune", "Số mô hình bình quân mỗi xã", "mô hình/xã", "models"),
        Metric("certified_count", "Số xã đạt chuẩn an ninh trật tự", "xã", "status"),
        Metric("certified_share", "Tỷ lệ xã đạt chuẩn an ninh trật tự", "%", "status", True),
        Metric("hotspot_count", "Số xã trọng điểm, phức tạp về ANTT", "xã", "status"),
        Metric("transitioned_count", "Số xã trọng điểm đã chuyển hóa", "xã", "status"),
        Metric("transitioned_share", "Tỷ lệ xã trọng điểm đã chuyển hóa", "%", "status", True),
    )
}


@dataclass(frozen=True)
class MapView:
    """What a map shows.

    Parameters
    ----------
    metric : key of `METRICS`.
    level : display level, "province", "district" or "commune".
    year_from, year_to : the period, whole years, inclusive. Status metrics show the
        state at the end of `year_to`; model metrics count models active at any time
        in the period.
    model_types : model types to count; empty means all (model metrics only).
    area : code of the province, district or commune to show ("" = whole country),
        in the boundary version of the period.
    scheme, k : classification of the choropleth (see `geodata.classify.SCHEMES`).
    compare : "" (one period), "side" (the base period beside this one, one legend) or
        "change" (this period minus the base period), see `COMPARE_MODES`.
    base_from, base_to : the period compared with (None: the period of the same length
        just before this one).
    labels : unit names written on the web map (when few units are shown).
    """

    metric: str = "model_count"
    level: str = "province"
    year_from: int = 2026
    year_to: int = 2026
    model_types: tuple[str, ...] = field(default=())
    area: str = ""
    scheme: str = "quantiles"
    k: int = 5
    compare: str = ""
    base_from: int | None = None
    base_to: int | None = None
    labels: bool = False

    def __post_init__(self) -> None:
        if self.metric not in METRICS:
            raise ViewError(
                f"Chỉ tiêu '{self.metric}' không tồn tại; chọn một trong: {', '.join(METRICS)}."
            )
        if self.level not in LEVELS:
            raise ViewError(
                f"Cấp hiển thị '{self.level}' không hợp lệ; chọn một trong: {', '.join(LEVELS)}."
            )
        for name in ("year_from", "year_to"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise ViewError(f"Năm '{value}' không hợp lệ: cần một số nguyên, ví dụ 2020.")
        if self.year_from > self.year_to:
            raise ViewError(
                f"Khoảng thời gian {self.year_from}–{self.year_to} không hợp lệ: năm đầu lớn hơn năm cuối."
            )
        from geodata.classify import SCHEMES

        if self.scheme not in SCHEMES:
            raise ViewError(
                f"Cách phân lớp '{self.scheme}' không hợp lệ; chọn một trong: {', '.join(SCHEMES)}."
            )
        if not isinstance(self.k, int) or not 2 <= self.k <= 9:
            raise ViewError(f"Số lớp '{self.k}' không hợp lệ: cần từ 2 đến 9.")
        if self.compare not in COMPARE_MODES:
            raise ViewError(
                f"Cách so sánh '{self.compare}' không hợp lệ; chọn một trong: "
                f"{', '.join(m for m in COMPARE_MODES if m)} (hoặc để trống)."
            )
        for name in ("base_from", "base_to"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise ViewError(f"Năm so sánh '{value}' không hợp lệ: cần một số nguyên.")
        if (self.base_from is None) != (self.base_to is None):
            raise ViewError("Kỳ so sánh cần cả năm đầu và năm cuối.")
        if self.base_from is not None and self.base_from > self.base_to:
            raise ViewError(
                f"Kỳ so sánh {self.base_from}–{self.base_to} không hợp lệ: năm đầu lớn hơn năm cuối."
            )
        object.__setattr__(self, "model_types", tuple(sorted(set(self.model_types))))
        object.__setattr__(self, "area", str(self.area or "").strip())

    @property
    def metric_info(self) -> Metric:
        return METRICS[self.metric]

    def with_(self, **changes) -> MapView:
        return replace(self, **changes)

    @property
    def period_label(self) -> str:
        return period_label(self.year_from, self.year_to)

    def single(self) -> MapView:
        """The view's own period alone: what the query computes (presentation fields
        dropped, so every way of showing a period shares one cached result)."""
        if not (self.compare or self.base_from is not None or self.labels):
            return self
        return replace(self, compare="", base_from=None, base_to=None, labels=False)

    @property
    def base_period(self) -> tuple[int, int]:
        """The period compared with: as given, else the same length just before."""
        if self.base_from is not None and self.base_to is not None:
            return self.base_from, self.base_to
        n = self.year_to - self.year_from + 1
        return self.year_from - n, self.year_to - n

    def base_view(self) -> MapView:
        """The compared period as a view of its own (same metric, area, level, classes)."""
        y0, y1 = self.base_period
        return self.single().with_(year_from=y0, year_to=y1)


def period_label(year_from: int, year_to: int) -> str:
    """'năm 2020' or '2018–2020'."""
    if year_from == year_to:
        return f"năm {year_to}"
    return f"{year_from}–{year_to}"
