"""The shared server's bench (PostGIS, two replicas, nginx) in its quick mode, so the
script cannot rot; no timing is asserted (the README's figures are its full run)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import proxy_bench

pytestmark = pytest.mark.browser


def test_proxy_bench_quick_mode_measures_every_row(demo_build, pg_server, capsys):
    r = proxy_bench.main(["--quick", "--store", str(demo_build.path)])
    out = capsys.readouterr().out
    for row in (
        "first map through nginx",
        "2 sessions at once through nginx (1 Chromium + 1 replayed)",
        "upload of a registry workbook",
        "PNG download of the map",
        "requests to other hosts",
    ):
        assert row in out, row
    assert all(s["errors"] == 0 for s in r["sessions"].values())
    assert r["external"] == []
    assert r["download_mb"] > 0.1
