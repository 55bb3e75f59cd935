"""Run an `antt-map` command as its own process and read its own peak memory.

`getrusage(RUSAGE_CHILDREN).ru_maxrss` would not do: a child starts with its parent's
resident pages (fork) and keeps that high-water mark across exec, so a bench holding a
gigabyte would report a gigabyte for any command. VmHWM of /proc/self/status belongs to
the process's own address space, so it starts afresh at exec.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_CODE = (
    "import sys\n"
    "from dashboard.cli import main\n"
    "try:\n"
    "    rc = main(sys.argv[1:])\n"
    "finally:\n"
    "    hwm = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]\n"
    "    print('VMHWM', hwm, file=sys.stderr)\n"
    "sys.exit(rc)\n"
)


def run_cli(args: list[str]) -> tuple[subprocess.CompletedProcess, float, float]:
    """`antt-map ARGS`: the finished process, its wall seconds and its peak memory (MiB)."""
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _CODE, *args], capture_output=True, text=True, cwd=ROOT
    )
    took = time.perf_counter() - t
    kb = int(proc.stderr.rsplit("VMHWM", 1)[1].split()[0]) if "VMHWM" in proc.stderr else 0
    proc.stderr = proc.stderr.rsplit("VMHWM", 1)[0]
    return proc, took, kb / 1024
