"""Class breaks for choropleths (mapclassify) and colour-blind-safe palettes."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from geodata.errors import ViewError

SCHEMES = {
    "quantiles": "Phân vị (số đơn vị đều nhau)",
    "natural_breaks": "Ngắt tự nhiên (Jenks)",
    "equal_interval": "Khoảng đều",
}
NO_DATA_COLOUR = "#d9d9d9"
MAP_BACKGROUND = "#eef3f7"  # the web map's sea/background (and the insets' sea in exports)
# the palest class is taken this far into a ramp: from 0.22, the lowest class of
# "Purples" was 8 ΔE from the map's background, invisible on a projector; from here
# every class is at least 20 ΔE from the background, white paper and the no-data grey
RAMP_START = 0.4

# Single-hue sequential ColorBrewer ramps are readable with every common colour-vision
# deficiency; each metric family gets its own hue so maps are not confused in a deck.
PALETTES = {
    "models": "YlGnBu",
    "certified": "Greens",
    "hotspots": "Purples",
}


@dataclass(frozen=True)
class Classes:
    """Upper bounds of each class (`breaks`), the lower bound of the first (`low`), the
    class of every value (-1 = no data) and one colour per class."""

    scheme: str
    low: float
    exact: bool  # each class is one distinct value (few distinct values, e.g. 0/100 %)
    breaks: tuple[float, ...]
    bins: np.ndarray
    colours: tuple[str, ...]
    # words for each class where they are not value ranges (categories, change maps)
    labels: tuple[str, ...] = ()
    no_data_label: str = "Không có số liệu"
    # the smallest value in each class: a legend row starts there, so a class above a
    # class of zeros reads "0,34 – 2,22", not "0,00 – 2,22" beside "0,00"
    lows: tuple[float, ...] = ()

    @property
    def k(self) -> int:
        return len(self.breaks)

    def split(self, n: int) -> tuple[Classes, Classes]:
        """The classes of the first `n` values and of the rest (shared breaks)."""
        return replace(self, bins=self.bins[:n]), replace(self, bins=self.bins[n:])


def palette_for(metric: str) -> str:
    if metric.startswith("certified"):
        return PALETTES["certified"]
    if metric.startswith(("hotspot", "transitioned")):
        return PALETTES["hotspots"]
    return PALETTES["models"]


def colours(palette: str, k: int) -> tuple[str, ...]:
    """k colours sampled from a matplotlib colormap, skipping its palest end so the
    lowest class still stands out from the no-data grey and the white background."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps[palette]
    return tuple(to_hex(cmap(x)) for x in np.linspace(RAMP_START, 0.95, k))


# Fisher-Jenks is O(k·n²) in pure Python (mapclassify without numba takes ~100 s for
# 10,000 communes); on a rank-spaced sample of this size it takes ~0.1 s, is exact for
# fewer units, and is deterministic, unlike k-means "natural breaks".
JENKS_SAMPLE = 300


def quantile_breaks(data: np.ndarray, k: int) -> np.ndarray:
    """mapclassify's `Quantiles` upper bounds (linear percentiles, ties collapsed),
    without importing it: mapclassify pulls in scipy.stats, ~1.4 s of a cold export."""
    w = 100.0 / k
    p = np.minimum(np.arange(w, 100 + w, w)[:k], 100.0)
    return np.unique(np.percentile(data, p))


def equal_interval_breaks(data: np.ndarray, k: int) -> np.ndarray:
    """mapclassify's `EqualInterval` upper bounds (the last one is the maximum)."""
    lo, hi = float(data.min()), float(data.max())
    width = (hi - lo) / k
    cuts = np.arange(lo + width, hi + width, width)[:k]
    cuts[-1] = hi
    return np.unique(cuts)


def _breaks(data: np.ndarray, scheme: str, k: int) -> tuple[float, ...]:
    import warnings

    if scheme == "quantiles":
        return tuple(float(b) for b in quantile_breaks(data, k))
    if scheme == "equal_interval":
        return tuple(float(b) for b in equal_interval_breaks(data, k))
    import mapclassify

    full = np.sort(data)
    sample = full
    if len(full) > JENKS_SAMPLE:
        idx = np.unique(np.linspace(0, len(full) - 1, JENKS_SAMPLE).round().astype(int))
        sample = full[idx]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Numba not installed"
        result = mapclassify.FisherJenks(sample, k=min(k, len(np.unique(sample))))
    breaks = np.unique(result.bins)
    # A break found on the sample sits at a sampled value; the unsampled values
    # between it and the next sampled one may belong to either class, so put the
    # break at the widest gap among them.
    for i, b in enumerate(breaks[:-1]):
        above = sample[sample > b]
        if len(above):
            seg = full[(full >= b) & (full <= above[0])]
            breaks[i] = seg[int(np.argmax(np.diff(seg)))]
    return tuple(float(b) for b in np.unique(breaks))


def classify(values, scheme: str, k: int, palette: str) -> Classes:
    """Classify values (NaN = no data) into at most `k` classes.

    Fewer classes are used when there are fewer distinct values than `k`.
    """
    if scheme not in SCHEMES:
        raise ViewError(
            f"Cách phân lớp '{scheme}' không hợp lệ; chọn một trong: {', '.join(SCHEMES)}."
        )
    if not 2 <= k <= 9:
        raise ViewError(f"Số lớp {k} không hợp lệ: cần từ 2 đến 9.")
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    bins = np.full(len(v), -1, dtype=int)
    if not ok.any():
        return Classes(scheme, float("nan"), False, (), bins, ())
    data = v[ok]
    distinct = np.unique(data)
    k_eff = min(k, len(distinct))
    exact = len(distinct) <= k
    breaks = tuple(float(x) for x in distinct) if exact else _breaks(data, scheme, k_eff)
    edges = np.asarray(breaks)
    bins[ok] = np.minimum(np.searchsorted(edges, data, side="left"), len(edges) - 1)
    lows = tuple(
        float(data[bins[ok] == i].min()) if (bins[ok] == i).any() else float(edges[i])
        for i in range(len(edges))
    )
    return Classes(
        scheme, float(data.min()), exact, breaks, bins, colours(palette, len(breaks)), lows=lows
    )


def shared_classes(a, b, scheme: str, k: int, palette: str) -> tuple[Classes, Classes]:
    """Classes of two periods on one legend: breaks computed over both, so a colour
    means the same number on either map."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return classify(np.concatenate([a, b]), scheme, k, palette).split(len(a))


# Change maps: a diverging ramp (brown = fewer, teal = more; ColorBrewer BrBG is
# colour-blind safe) with "no change" a class of its own in the middle.
CHANGE_PALETTE = "BrBG"
NO_CHANGE_COLOUR = "#fbf3c4"  # 26 ΔE from the map background and from the no-data grey


def classify_change(values, k: int, fmt) -> Classes:
    """Classes of a change (later minus earlier) around zero: up to `(k - 1) // 2`
    classes each for decreases and increases, with the same magnitude breaks on both
    sides (so the legend is symmetric), and exactly zero as "Không đổi".

    `fmt(x)` writes a magnitude for the legend ("3", "2,5 điểm %").
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    bins = np.full(len(v), -1, dtype=int)
    mags = np.abs(v[ok])
    nonzero = np.unique(mags[mags > 1e-9])
    side = max(1, min((k - 1) // 2, len(nonzero)))
    if len(nonzero) == 0:
        edges = np.array([0.0])
        side = 0
    elif len(nonzero) <= side:
        edges = nonzero
    else:
        # breaks at data values (whole numbers stay whole for counts)
        edges = np.unique(
            np.percentile(
                mags[mags > 1e-9], np.linspace(100 / side, 100, side), method="inverted_cdf"
            )
        )
        side = len(edges)
    # class order: strongest decrease … no change … strongest increase
    n = 2 * side + 1
    cmap = colormaps[CHANGE_PALETTE]
    tones = np.linspace(0.05, 0.3, side) if side else np.array([])
    colours_ = [to_hex(cmap(x)) for x in tones]
    colours_ += [NO_CHANGE_COLOUR]
    colours_ += [to_hex(cmap(1 - x)) for x in tones[::-1]]
    lows = [0.0, *edges[:-1]] if side else []
    ranges = []
    for i in range(side):
        lo, hi = lows[i], edges[i]
        a = nonzero[nonzero > lo][0] if i else nonzero[0]
        ranges.append(fmt(hi) if a >= hi else f"{fmt(a)} – {fmt(hi)}")
    labels = [f"Giảm {r}" for r in ranges[::-1]] + ["Không đổi"] + [f"Tăng {r}" for r in ranges]
    if ok.any():
        x = v[ok]
        cls = np.full(len(x), side)
        if side:
            mag_cls = np.minimum(np.searchsorted(edges, np.abs(x), side="left"), side - 1)
            cls = np.where(
                x > 1e-9, side + 1 + mag_cls, np.where(x < -1e-9, side - 1 - mag_cls, side)
            )
        bins[ok] = cls
    breaks = (
        tuple(float(b) for b in [*(-edges[::-1]).tolist(), 0.0, *edges.tolist()])
        if side
        else (0.0,)
    )
    return Classes(
        "change",
        float(-edges[-1]) if side else 0.0,
        False,
        breaks[:n],
        bins,
        tuple(colours_),
        tuple(labels),
    )
