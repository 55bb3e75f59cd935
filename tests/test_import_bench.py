"""The import bench's quick mode runs here, so the script cannot rot (no timing asserted)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import import_bench


def test_import_bench_quick_mode_stores_every_valid_row(demo_build, capsys):
    r = import_bench.main(["--quick", "--store", str(demo_build.path)])
    assert r["rows"] == 1_500
    assert r["accepted"] == r["expected_valid"] == r["stored"]
    assert r["rejected"] == r["rows"] - r["expected_valid"] > 0
    assert "rows/s" in capsys.readouterr().out
