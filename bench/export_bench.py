"""Export performance on the national commune view (vn-2024: 10,040 units), in one run.

Prints:
- `antt-map export` as a user runs it (a fresh process: imports, store, query, drawing,
  file), PNG, PDF and PPTX, median of 3 runs each;
- the same inside a running process (the page's download buttons): building the
  snapshot, then drawing and encoding each format;
- for scale, GeoDataFrame.plot() of the same units with a quantile legend saved as a
  PNG of the same size (no title, insets, scale bar or north arrow), and the ratio.
Target (README): PNG <= 5 s.

    python bench/export_bench.py [--store data/antt.gpkg] [--quick]

`--quick` (one run of each) is what the test suite runs so the script cannot rot.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VIEW_ARGS = ["--metric", "model_count", "--level", "commune", "--year", "2024"]
TARGET_PNG_S = 5.0


REPEAT = [3]  # runs per figure; 1 with --quick


def median_time(fn, repeat=None):
    times = []
    for _ in range(repeat or REPEAT[0]):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def cli_seconds(store: str, fmt: str, folder: Path) -> float:
    out = folder / f"vn.{fmt}"

    def run():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "dashboard.cli",
                "export",
                "--store",
                store,
                *VIEW_ARGS,
                "--out",
                str(out),
            ],
            check=True,
            capture_output=True,
        )

    return median_time(run)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", default="data/antt.gpkg")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    REPEAT[0] = 1 if args.quick else 3
    if not Path(args.store).exists():
        print(f"no store at {args.store}: run `antt-map demo --out {args.store}` first")
        return 2

    from dashboard.export.render import A4_LANDSCAPE
    from dashboard.export.snapshot import build_snapshot
    from dashboard.export.writers import PNG_DPI, export_bytes
    from geodata.store import GpkgStore
    from geodata.view import MapView

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"antt-map export, national commune view (fresh process, median of {REPEAT[0]}):")
        cli = {fmt: cli_seconds(args.store, fmt, folder) for fmt in ("png", "pdf", "pptx")}
        for fmt, s in cli.items():
            print(f"  {fmt:5} {s:5.2f} s")

    store = GpkgStore.open(args.store)
    view = MapView("model_count", "commune", 2024, 2024)
    build_snapshot(store, view)  # warm the geometry cache, as a running page has
    snap_s = median_time(lambda: build_snapshot(store, view))
    snap = build_snapshot(store, view)
    print(f"in a running process: snapshot {snap_s:.2f} s, then")
    sizes = {}
    for fmt in ("png", "pdf", "pptx"):
        s = median_time(lambda f=fmt: export_bytes(snap, f))
        sizes[fmt] = len(export_bytes(snap, fmt))
        print(f"  {fmt:5} {s:5.2f} s  {sizes[fmt] / 1e6:5.2f} MB")

    # for scale: geopandas' own plot of the same units, full geometry, quantile legend
    import warnings

    from matplotlib.figure import Figure

    shapes = store.unit_shapes("vn-2024", "commune")
    values = snap.result.rows.set_index("code")["value"]
    shapes["value"] = shapes["code"].map(values)

    def geopandas_png():
        fig = Figure(figsize=(A4_LANDSCAPE.width, A4_LANDSCAPE.height))
        ax = fig.add_subplot()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            shapes.plot(
                column="value",
                scheme="quantiles",
                k=5,
                cmap="YlGnBu",
                legend=True,
                ax=ax,
                missing_kwds={"color": "lightgrey"},
            )
        fig.savefig(io.BytesIO(), format="png", dpi=PNG_DPI)

    gp = median_time(geopandas_png)
    ours_png = median_time(lambda: export_bytes(snap, "png"))
    print(
        f"GeoDataFrame.plot() + savefig, same units and size: {gp:.2f} s "
        f"({gp / ours_png:.1f}x our PNG drawing)"
    )
    verdict = "OK" if cli["png"] <= TARGET_PNG_S else "OVER TARGET"
    print(
        f"PNG target <= {TARGET_PNG_S:.0f} s: {cli['png']:.2f} s from the command line ({verdict})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
