"""The command line speaks Vietnamese in argparse's own words too."""

from __future__ import annotations

import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard.cli", *args], capture_output=True, text=True
    )


def test_help_is_in_vietnamese():
    out = run("--help").stdout + run("export", "--help").stdout
    for vi in ("Cách dùng: antt-map", "tùy chọn:", "hiện phần trợ giúp này rồi thoát", "lệnh:"):
        assert vi in out, vi
    for en in ("usage:", "options:", "show this help", "positional arguments"):
        assert en not in out, en


def test_usage_errors_are_in_vietnamese():
    missing = run()
    assert missing.returncode == 2 and "lỗi: thiếu đối số bắt buộc: LỆNH" in missing.stderr
    unknown = run("demo", "--bogus")
    assert "lỗi: không hiểu đối số: --bogus" in unknown.stderr
    choice = run("export", "--format", "doc")
    assert "lựa chọn không hợp lệ: 'doc' (chọn một trong: 'png', 'pdf', 'pptx')" in choice.stderr
    assert "error" not in (missing.stderr + unknown.stderr + choice.stderr)
