"""`antt-map views` and `antt-map report`: saved views and the report pack from the
command line (the same store rows and the same files as the page's buttons)."""

from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from pathlib import Path

from dashboard.export.report_formats import DEFAULT_TITLE, REPORT_FORMATS


def add_parsers(sub, add_store, add_full_view) -> None:
    views = sub.add_parser("views", help="các khung nhìn đã lưu (cho trình chiếu và báo cáo)")
    add_store(views)
    what = views.add_subparsers(dest="views_command", required=True, metavar="VIỆC")
    what.add_parser("list", help="liệt kê theo thứ tự trình chiếu, kèm mã")
    save = what.add_parser("save", help="lưu một khung nhìn (các tùy chọn như lệnh export)")
    save.add_argument("name", metavar="TEN", help="tên khung nhìn")
    add_full_view(save)
    rm = what.add_parser("remove", help="xóa một khung nhìn")
    rm.add_argument("ref", metavar="MA_HOAC_TEN")

    report = sub.add_parser(
        "report",
        help="gộp các khung nhìn đã lưu thành một tệp: PowerPoint, PDF nhiều trang hoặc Word",
    )
    add_store(report)
    report.add_argument(
        "--views", nargs="*", default=None, metavar="MA_HOAC_TEN",
        help="mã hoặc tên các khung nhìn, theo thứ tự (mặc định: tất cả, theo thứ tự đã lưu)",
    )  # fmt: skip
    report.add_argument("--format", choices=list(REPORT_FORMATS), help="mặc định: theo đuôi --out")
    report.add_argument("--out", required=True, help="tệp cần ghi (.pptx, .pdf hoặc .docx)")
    report.add_argument("--title", default=DEFAULT_TITLE, help="tiêu đề trang bìa")

    animate = sub.add_parser(
        "animate",
        help="ảnh động GIF hoặc video MP4: bản đồ từng năm của kỳ --from/--to, chung một chú giải",
    )
    add_store(animate)
    add_full_view(animate)
    animate.add_argument("--format", choices=("gif", "mp4"), help="mặc định: theo đuôi --out")
    animate.add_argument("--out", required=True, help="tệp cần ghi (.gif hoặc .mp4)")


@contextmanager
def progress_bar(desc: str, unit: str, total: int = 1):
    """A tqdm bar on stderr driven by the `(done, total, what)` callbacks of the report,
    animation and atlas writers (their totals are known only once they start)."""
    from tqdm import tqdm

    with tqdm(total=total, unit=unit, desc=desc, file=sys.stderr) as bar:

        def step(done: int, total: int, what: str) -> None:
            bar.total = total
            bar.set_postfix_str(what, refresh=False)
            bar.n = done
            bar.refresh()

        yield step


def cmd_views(args: argparse.Namespace) -> int:
    from geodata.audit import current_actor
    from geodata.saved_views import delete_view, find_view, list_views, save_view
    from geodata.store import open_store, resolve_store

    location = resolve_store(args.store)
    store = open_store(location)
    if args.views_command == "list":
        views = list_views(store)
        if not views:
            print("Chưa có khung nhìn nào được lưu.")
        for i, v in enumerate(views, 1):
            print(f"{i:2}. {v.view_id}  {v.name}  ({v.author_name or v.author_id})")
        return 0
    if args.views_command == "remove":
        saved = find_view(store, args.ref)
        delete_view(location, saved)
        print(f"Đã xóa khung nhìn “{saved.name}”.")
        return 0
    from dashboard.cli import view_from_args
    from geodata.query import query_view

    view = view_from_args(args)
    result = query_view(store, view.single() if view.compare else view)  # says what is wrong
    saved = save_view(location, args.name, view, result.version.version, current_actor())
    print(
        f"Đã lưu “{saved.name}”, mã {saved.view_id} (địa chỉ trên trang: ?saved={saved.view_id})."
    )
    return 0


def _report_format(out: Path, fmt: str | None) -> str:
    from dashboard.export.render import ExportError

    ext = out.suffix.lower().lstrip(".")
    if fmt is None:
        if ext not in REPORT_FORMATS:
            raise ExportError(
                f"Không biết định dạng của tệp '{out}': dùng đuôi .pptx, .pdf hoặc .docx, "
                "hoặc chỉ rõ --format."
            )
        return ext
    if ext and ext != fmt and ext in REPORT_FORMATS:
        raise ExportError(
            f"Tệp '{out}' có đuôi .{ext} nhưng định dạng là {fmt}: sửa một trong hai."
        )
    return fmt


def cmd_report(args: argparse.Namespace) -> int:

    from dashboard.export.report import report_bytes, report_parts
    from dashboard.export.writers import check_writable, write_atomic
    from geodata.audit import current_actor, record
    from geodata.saved_views import find_view, list_views
    from geodata.store import open_store, resolve_store

    location = resolve_store(args.store)
    store = open_store(location)
    out = Path(args.out)
    fmt = _report_format(out, args.format)
    check_writable(out)  # before the slow part
    saved = list_views(store) if args.views is None else [find_view(store, r) for r in args.views]
    by = current_actor().label
    with progress_bar("Tính các khung nhìn", "bản đồ", len(saved)) as step:
        parts = report_parts(store, saved, by=by, progress=step)
    print(f"Đang ghi {REPORT_FORMATS[fmt]}…", file=sys.stderr, flush=True)
    path = write_atomic(out, report_bytes(parts, fmt, args.title, by))
    record(location, "export", f"báo cáo {fmt}: {len(parts)} khung nhìn → {out.name}", len(parts))
    print(f"Đã ghi {path} ({len(parts)} bản đồ, {path.stat().st_size / 1024:.0f} KB)")
    return 0


def cmd_animate(args: argparse.Namespace) -> int:

    from dashboard.cli import view_from_args
    from dashboard.export.animate import ANIMATION_FORMATS, animation_bytes
    from dashboard.export.render import ExportError
    from dashboard.export.writers import check_writable, write_atomic
    from geodata.audit import current_actor, record
    from geodata.store import open_store, resolve_store

    out = Path(args.out)
    ext = out.suffix.lower().lstrip(".")
    fmt = args.format or ext
    if fmt not in ANIMATION_FORMATS or (ext in ANIMATION_FORMATS and ext != fmt):
        raise ExportError(
            f"Tệp '{out}': dùng đuôi .gif hoặc .mp4; --format gif|mp4, nếu có, phải khớp với đuôi tệp."
        )
    check_writable(out)
    location = resolve_store(args.store)
    store = open_store(location)
    view = view_from_args(args)
    with progress_bar("Ảnh động", "bước") as step:
        data = animation_bytes(store, view, fmt, current_actor().label, step)
    path = write_atomic(out, data)
    record(location, "export", f"{fmt}: các năm {view.year_from}–{view.year_to} → {out.name}", 1)
    print(f"Đã ghi {path} ({path.stat().st_size / 1024:.0f} KB)")
    return 0
