"""The classes a view is drawn in: value ranges, or categories where a range would lie.

A commune is certified or not, transitioned or not: its "share" is 0 % or 100 %, and a
continuous ramp with a "0,0 % – 100,0 %" legend suggests grades that do not exist. At
commune level the share metrics are drawn as categories with their own words.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from geodata.classify import Classes, classify, palette_for, shared_classes

# colour-blind safe pairs that also differ in lightness (a projector washes out hue)
CERTIFIED = (("Đạt chuẩn", "#1b7837"), ("Chưa đạt chuẩn", "#e08214"))
TRANSITIONED = (
    ("Đã chuyển hóa", "#542788"),
    ("Còn trọng điểm", "#e08214"),
    ("Không phải trọng điểm", "#b2abd2"),
)


def commune_categories(result) -> Classes | None:
    """Categories of a share metric at commune level, or None for any other view.

    Classes are ordered as the legend lists them; a commune without status is no data.
    """
    view = result.view
    if view.level != "commune" or view.metric not in ("certified_share", "transitioned_share"):
        return None
    r = result.rows
    bins = np.full(len(r), -1, dtype=int)
    if view.metric == "certified_share":
        c = r["certified_count"].to_numpy(dtype=float)
        bins[c > 0] = 0
        bins[c == 0] = 1
        cats = CERTIFIED
    else:
        h = r["hotspot_count"].to_numpy(dtype=float)
        t = r["transitioned_count"].to_numpy(dtype=float)
        bins[(h > 0) & (t > 0)] = 0
        bins[(h > 0) & (t == 0)] = 1
        bins[h == 0] = 2
        cats = TRANSITIONED
    return Classes(
        "categories",
        float("nan"),
        True,
        tuple(float(i) for i in range(len(cats))),
        bins,
        tuple(c for _, c in cats),
        tuple(w for w, _ in cats),
        "Không có số liệu trạng thái",
    )


def view_classes(result) -> Classes:
    """The classes of one period's result, as the page and every export draw them."""
    cats = commune_categories(result)
    if cats is not None:
        return cats
    v = result.view
    return _density_words(
        result, classify(result.rows["value"], v.scheme, v.k, palette_for(v.metric))
    )


def _density_words(result, classes: Classes) -> Classes:
    """A density map says why some units are blank: approximate cells too small to
    carry a density are drawn as no data, and the legend names them."""
    rows = result.rows
    if (
        result.view.metric == "model_density"
        and "density_too_small" in rows
        and rows["density_too_small"].any()
    ):
        from geodata.query import MIN_APPROX_DENSITY_AREA_KM2

        return replace(
            classes,
            no_data_label=f"Không có số liệu, hoặc ranh giới xấp xỉ dưới {MIN_APPROX_DENSITY_AREA_KM2:g} km²",
        )
    return classes


def paired_classes(earlier, later) -> tuple[Classes, Classes]:
    """Classes of two periods on the same units and one legend."""
    a, b = commune_categories(earlier), commune_categories(later)
    if a is not None and b is not None:
        return a, b
    v = later.view
    a, b = shared_classes(
        earlier.rows["value"], later.rows["value"], v.scheme, v.k, palette_for(v.metric)
    )
    return _density_words(earlier, a), _density_words(later, b)
