"""The export bench's quick mode runs here, so the script cannot rot (no timing asserted)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import export_bench


def test_export_bench_quick_mode_draws_every_format(demo_build, capsys):
    assert export_bench.main(["--quick", "--store", str(demo_build.path)]) == 0
    out = capsys.readouterr().out
    assert "fresh process, median of 1" in out
    for fmt in ("png", "pdf", "pptx"):
        assert f"  {fmt:5}" in out
