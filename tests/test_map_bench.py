"""The map bench's quick mode runs here, so the script cannot rot (no timing asserted:
the targets live in bench/map_bench.py and the README's table is its full run)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import map_bench

pytestmark = pytest.mark.browser


def test_map_bench_quick_mode_measures_every_row(demo_build, capsys):
    r = map_bench.main(["--quick", "--store", str(demo_build.path)])
    out = capsys.readouterr().out
    for row in (
        "websocket bytes per filter change",
        "geometry bytes on a second page load",
        "first map after restart, detailed",
        "PNG export on the detailed coverage",
        "2 simultaneous sessions (1 Chromium + 1 replayed)",
        "2 Chromium pages at once",
        "memory retained per closed session",
        "vs explore()",
        "requests to other hosts",
    ):
        assert row in out, row
    assert r["geometry_first_mb"] > 0 and r["geometry_second_load_mb"] == 0
    assert 0 < r["ws_change_mb"] < r["explore_ws_change_mb"]
    assert set(r["sessions"]) == {1, 2} and r["external"] == []
    # the replayed session got the map's data from the server, as the browser did
    assert all(s["data_worst_s"] > 0 for s in r["sessions"].values())
    assert r["chromium"]["n"] == 2
