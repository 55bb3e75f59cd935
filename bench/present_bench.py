"""The report pack and the years in motion, timed as a user runs them: whole
`antt-map` commands in a fresh process, median of 3 (1 with --quick).

Prints:
- `antt-map report` of 6 saved views (a copy of the store with 6 views saved: national
  and provincial maps, a change map, a comparison, the national commune map), PPTX,
  PDF and DOCX, seconds and file size;
- `antt-map animate` of 10 years (2016–2025), national province level and national
  commune level, GIF and MP4, seconds and file size.
Targets (issue #16): report ≤ 15 s each format; animation ≤ 20 s (province) and
≤ 60 s (commune); every animation file ≤ 10 MB at 1280 × 720.

    python bench/present_bench.py [--store data/antt.gpkg] [--quick]

`--quick` (one run, province animation and PDF report only) is what the test suite runs
so the script cannot rot; no timing is asserted there.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VIEWS = (
    ("Mô hình 2026 — toàn quốc", ["--year", "2026"]),
    ("Đạt chuẩn Phú Thọ 2026", ["--year", "2026", "--metric", "certified_share", "--area", "25",
                                "--level", "commune"]),
    ("Hòa Bình: thay đổi 2019–2020", ["--year", "2020", "--vs", "2019", "--compare", "change",
                                      "--metric", "certified_share", "--area", "17", "--level", "commune"]),
    ("Xã trọng điểm 2024 theo huyện", ["--year", "2024", "--metric", "hotspot_count", "--level", "district"]),
    ("Đạt chuẩn 2020 và 2026", ["--year", "2026", "--vs", "2020", "--compare", "side",
                                "--metric", "certified_share"]),
    ("Xã đạt chuẩn toàn quốc 2024", ["--year", "2024", "--metric", "certified_share", "--level", "commune"]),
)  # fmt: skip
TARGET_REPORT_S = 15.0
TARGET_ANIMATE_S = {"province": 20.0, "commune": 60.0}
TARGET_MB = 10.0


def antt(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "dashboard.cli", *args], check=True, capture_output=True)


def timed(args: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        antt(*args)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", default="data/antt.gpkg")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    if not Path(args.store).exists():
        print(f"no store at {args.store}: run `antt-map demo --out {args.store}` first")
        return 2
    repeat = 1 if args.quick else 3
    over = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = str(folder / "antt.gpkg")
        shutil.copy(args.store, store)
        from geodata.saved_views import delete_view, list_views
        from geodata.store import open_store

        for saved in list_views(open_store(store)):  # only the bench's six in the pack
            delete_view(store, saved)
        for name, view in VIEWS:
            antt("views", "--store", store, "save", name, *view)
        print(f"antt-map report, {len(VIEWS)} saved views (whole command, median of {repeat}):")
        for fmt in ("pdf",) if args.quick else ("pptx", "pdf", "docx"):
            out = folder / f"bao-cao.{fmt}"
            s = timed(["report", "--store", store, "--out", str(out)], repeat)
            ok = s <= TARGET_REPORT_S
            over += [] if ok else [f"report {fmt}"]
            print(f"  {fmt:5} {s:5.1f} s  {out.stat().st_size / 1e6:5.2f} MB  "
                  f"(target ≤ {TARGET_REPORT_S:.0f} s: {'OK' if ok else 'OVER TARGET'})")  # fmt: skip
        print(f"antt-map animate, 10 years 2016–2025 (whole command, median of {repeat}):")
        for level in ("province",) if args.quick else ("province", "commune"):
            for fmt in ("gif", "mp4"):
                out = folder / f"{level}.{fmt}"
                s = timed(["animate", "--store", store, "--from", "2016", "--to", "2025",
                           "--metric", "certified_share", "--level", level, "--out", str(out)],
                          repeat)  # fmt: skip
                mb = out.stat().st_size / 1e6
                ok = s <= TARGET_ANIMATE_S[level] and mb <= TARGET_MB
                over += [] if ok else [f"animate {level} {fmt}"]
                print(f"  {level:8} {fmt:4} {s:5.1f} s  {mb:5.2f} MB  (target ≤ "
                      f"{TARGET_ANIMATE_S[level]:.0f} s, ≤ {TARGET_MB:.0f} MB: {'OK' if ok else 'OVER TARGET'})")  # fmt: skip
    print("all targets met" if not over else f"over target: {', '.join(over)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
