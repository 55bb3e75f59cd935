"""The report and animation bench's quick mode runs here, so the script cannot rot (no
timing asserted)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import present_bench


def test_present_bench_quick_mode_writes_a_report_and_animations(demo_build, capsys):
    assert present_bench.main(["--quick", "--store", str(demo_build.path)]) == 0
    out = capsys.readouterr().out
    assert "antt-map report, 6 saved views (whole command, median of 1)" in out
    assert "  pdf " in out and "  province gif " in out and "  province mp4 " in out
