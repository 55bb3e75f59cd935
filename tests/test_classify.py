"""Class breaks: schemes, no-data class, few distinct values, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from geodata.classify import NO_DATA_COLOUR, classify, colours, palette_for
from geodata.errors import ViewError


@pytest.mark.parametrize("scheme", ["quantiles", "natural_breaks", "equal_interval"])
def test_schemes_give_k_ordered_classes(scheme):
    values = np.random.default_rng(3).lognormal(1, 1, 5000)
    c = classify(values, scheme, 5, "YlGnBu")
    assert c.k == 5 and list(c.breaks) == sorted(c.breaks)
    assert c.breaks[-1] == pytest.approx(values.max())
    assert set(c.bins) == set(range(5))
    # each value is at most its class's upper break and above the previous one
    edges = np.r_[-np.inf, c.breaks]
    assert (values <= edges[c.bins + 1]).all() and (values > edges[c.bins]).all()
    assert len(set(c.colours)) == 5 and NO_DATA_COLOUR not in c.colours


def test_quantiles_split_evenly():
    c = classify(np.arange(1000.0), "quantiles", 4, "Greens")
    assert np.bincount(c.bins).tolist() == [250, 250, 250, 250]


def test_natural_breaks_are_deterministic_and_find_gaps():
    values = np.r_[np.full(400, 1.0), np.full(300, 50.0), np.full(300, 100.0)] + np.linspace(
        0, 0.5, 1000
    )
    a = classify(values, "natural_breaks", 3, "Purples")
    b = classify(values, "natural_breaks", 3, "Purples")
    assert a.breaks == b.breaks
    assert np.bincount(a.bins).tolist() == [400, 300, 300]


def test_missing_values_get_the_no_data_class():
    c = classify([1.0, np.nan, 3.0, 2.0], "quantiles", 3, "Greens")
    assert c.bins[1] == -1 and (c.bins[[0, 2, 3]] >= 0).all()
    empty = classify([np.nan, np.nan], "quantiles", 3, "Greens")
    assert (empty.bins == -1).all() and empty.k == 0


def test_few_distinct_values_are_classes_of_their_own():
    c = classify([0.0, 100.0, 100.0, 0.0, 100.0], "quantiles", 5, "Greens")
    assert c.exact and c.breaks == (0.0, 100.0)
    assert c.bins.tolist() == [0, 1, 1, 0, 1]


def test_palettes_per_metric_family():
    assert (
        palette_for("certified_share") != palette_for("model_count") != palette_for("hotspot_count")
    )
    assert len(colours("YlGnBu", 7)) == 7


def test_bad_classification_is_refused():
    with pytest.raises(ViewError, match="Cách phân lớp 'jenks' không hợp lệ"):
        classify([1, 2, 3], "jenks", 3, "Greens")
    with pytest.raises(ViewError, match="Số lớp 12 không hợp lệ"):
        classify([1, 2, 3], "quantiles", 12, "Greens")


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("k", [3, 5, 7])
def test_quantiles_and_equal_intervals_match_mapclassify(seed, k):
    import mapclassify

    values = np.random.default_rng(seed).lognormal(1, 1.2, 997).round(1)
    q = classify(values, "quantiles", k, "Greens")
    e = classify(values, "equal_interval", k, "Greens")
    assert q.breaks == pytest.approx(tuple(mapclassify.Quantiles(values, k=k).bins))
    assert e.breaks == pytest.approx(tuple(mapclassify.EqualInterval(values, k=k).bins))
