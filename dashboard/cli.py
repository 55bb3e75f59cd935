"""`antt-map`: build the demo store, query views and start the dashboard.

Library errors become one Vietnamese line on stderr and exit code 2; nothing a user
can cause ends in a traceback (pass --debug to see one).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd

from dashboard.cli_access import add_parsers as add_access_parsers
from dashboard.cli_access import cmd_audit, cmd_users
from dashboard.cli_import import cmd_import, cmd_import_boundaries
from dashboard.cli_present import add_parsers as add_present_parsers
from dashboard.cli_present import cmd_animate, cmd_report, cmd_views
from dashboard.cli_words import use_vietnamese
from geodata.errors import AnttError
from geodata.store import resolve_store
from geodata.view import METRICS
from loaders.errors import LoaderError
from loaders.sheets import display_name, safe_frame

APP = Path(__file__).with_name("app.py")
SERVER = Path(__file__).with_name("server.py")  # st.App: the pages plus the geometry route
LOOPBACK = "127.0.0.1"
LOOPBACKS = (LOOPBACK, "localhost", "::1")
WILDCARDS = ("0.0.0.0", "::")  # every interface, when the person asks for it
OPEN_WARNING = (
    "CẢNH BÁO (--no-auth): bảng điều khiển sẽ lắng nghe trên {address}, không chỉ trên máy "
    "này, và KHÔNG có đăng nhập: bất kỳ ai truy cập được địa chỉ này đều xem được mọi số "
    "liệu, mở được trang “Nhập dữ liệu” và thay số liệu, ranh giới trong kho. Chỉ làm vậy "
    "trong mạng nội bộ tin cậy hoặc sau một máy chủ có kiểm soát truy cập; cấu hình đăng "
    "nhập (mục [auth], xem README) hoặc bỏ --address để chỉ phục vụ 127.0.0.1."
)
NEEDS_LOGIN = (
    "Không mở bảng điều khiển ra mạng ({address}) khi chưa cấu hình đăng nhập: thiếu "
    "{missing}. Ghi mục [auth] (redirect_uri, cookie_secret, client_id, client_secret, "
    "server_metadata_url) vào tệp secrets.toml và chỉ tệp đó bằng --secrets (xem README, "
    "mục “Logins, roles and the audit trail”); hoặc bỏ --address để chỉ phục vụ máy này. Chỉ khi biết mình làm gì: "
    "--no-auth."
)


def _add_store(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--store",
        help="kho dữ liệu: đường dẫn GeoPackage (mặc định: $ANTT_STORE, nếu không có thì data/antt.gpkg)",
    )


def _add_view(p: argparse.ArgumentParser) -> None:
    p.add_argument("--metric", default="model_count", help=f"chỉ tiêu: {', '.join(METRICS)}")
    p.add_argument("--level", help="cấp hiển thị: province, district, commune (mặc định: province)")
    p.add_argument("--year", type=_year, help="một năm (thay cho --from/--to)")
    p.add_argument("--from", dest="year_from", type=_year, help="năm đầu kỳ")
    p.add_argument("--to", dest="year_to", type=_year, help="năm cuối kỳ")
    p.add_argument(
        "--types", default="", help="loại mô hình, cách nhau bởi dấu ';' (mặc định: tất cả)"
    )
    p.add_argument("--area", default="", help="mã tỉnh/huyện/xã (mặc định: toàn quốc)")


def _add_full_view(p: argparse.ArgumentParser) -> None:
    """A view with its classes and comparison (export, saved views)."""
    _add_view(p)
    p.add_argument(
        "--scheme",
        default="quantiles",
        help="cách phân lớp: quantiles, natural_breaks, equal_interval",
    )
    p.add_argument("--k", type=int, default=5, help="số lớp, 2–9 (mặc định 5)")
    p.add_argument(
        "--compare",
        choices=("side", "change"),
        help="so sánh với kỳ --vs: side = hai bản đồ cạnh nhau chung chú giải, "
        "change = bản đồ thay đổi (tăng/giảm)",
    )
    p.add_argument(
        "--vs",
        type=_year,
        help="năm so sánh (mặc định: kỳ liền trước cùng độ dài); --vs-from/--vs-to cho một khoảng",
    )
    p.add_argument("--vs-from", dest="vs_from", type=_year, help="năm đầu kỳ so sánh")
    p.add_argument("--vs-to", dest="vs_to", type=_year, help="năm cuối kỳ so sánh")


def _year(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"năm '{text}' không hợp lệ: cần một số, ví dụ 2020"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    use_vietnamese()  # argparse's own words: "Cách dùng:", "tùy chọn", errors
    parser = argparse.ArgumentParser(
        prog="antt-map", description="Bản đồ mô hình tự quản về an ninh trật tự."
    )
    parser.add_argument("--debug", action="store_true", help="hiện traceback đầy đủ khi có lỗi")
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH", title="lệnh")

    demo = sub.add_parser("demo", help="dựng kho GeoPackage mẫu (ranh giới xấp xỉ + dữ liệu mẫu)")
    demo.add_argument("--out", help="tệp .gpkg cần tạo (mặc định: như --store)")
    _add_store(demo)
    demo.add_argument("--report", help="ghi danh sách các sửa chữa ranh giới ra tệp CSV")

    query = sub.add_parser("query", help="tính một khung nhìn và in bảng số liệu")
    _add_store(query)
    _add_view(query)
    query.add_argument("--csv", action="store_true", help="in dạng CSV")

    export = sub.add_parser(
        "export",
        help="xuất bản đồ tĩnh PNG / PDF (A4 ngang) / PowerPoint (16:9) của một khung nhìn",
        description="Xuất bản đồ của một khung nhìn ra tệp; với --each: một tệp cho mỗi tỉnh "
        "(hoặc mỗi huyện của tỉnh --area) vào thư mục --out.",
    )
    _add_store(export)
    _add_full_view(export)
    export.add_argument(
        "--format",
        choices=("png", "pdf", "pptx"),
        help="mặc định: theo đuôi tệp --out, nếu không có thì png",
    )
    export.add_argument(
        "--out",
        help="tệp cần ghi (hoặc thư mục, với --each); mặc định: tên theo khung nhìn, trong thư mục hiện tại",
    )
    export.add_argument(
        "--each",
        choices=("province", "district"),
        help="xuất hàng loạt: mỗi tỉnh một tệp (toàn quốc) hoặc mỗi huyện của tỉnh --area một tệp",
    )
    export.add_argument(
        "--atlas",
        action="store_true",
        help="với --each: một tệp PDF nhiều trang (mục lục, mỗi trang một địa bàn) thay cho thư mục",
    )

    for kind, what in (("models", "sổ theo dõi mô hình"), ("status", "danh sách trạng thái xã")):
        imp = sub.add_parser(
            f"import-{kind}",
            help=f"nhập {what} từ tệp .xlsx hoặc .csv (kiểm tra từng dòng, báo các dòng bị loại)",
        )
        imp.add_argument("file", help="tệp .xlsx hoặc .csv")
        _add_store(imp)
        imp.add_argument(
            "--strict", action="store_true", help="không lưu gì nếu có bất kỳ dòng nào bị loại"
        )
        imp.add_argument("--report", help="ghi danh sách dòng bị loại ra tệp .xlsx")
        imp.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không lưu vào kho")
        imp.add_argument(
            "--province",
            default="",
            help="tỉnh của cả tệp, khi các dòng không ghi tỉnh (mặc định: đọc từ dòng tiêu đề "
            "“CÔNG AN TỈNH …” nếu có)",
        )
        imp.add_argument(
            "--district",
            default="",
            help="huyện của cả tệp (cùng --province); xã ngoài huyện bị loại",
        )
        imp.add_argument(
            "--aliases",
            help="tệp .xlsx/.csv các cách viết đã xác nhận (trang “Cần xác nhận” của báo cáo, "
            "điền cột Mã đơn vị); được lưu vào kho cùng lần nhập",
        )
        if kind == "models":
            imp.add_argument(
                "--crs",
                help="hệ tọa độ của cột X/Y, ví dụ EPSG:3405 (VN-2000 / UTM 48N) hoặc EPSG:9210 (VN-2000 / TM-3 105°45′)",
            )

    bnd = sub.add_parser(
        "import-boundaries",
        help="nhập ranh giới chính thức (Shapefile/.zip, GeoPackage, GeoJSON) thay ranh giới xấp xỉ",
    )
    bnd.add_argument("file", help="tệp .shp, .zip, .gpkg hoặc .geojson")
    _add_store(bnd)
    bnd.add_argument(
        "--version", required=True, help="phiên bản ranh giới, ví dụ vn-2024 hoặc vn-2025"
    )
    bnd.add_argument(
        "--valid-from",
        help="ngày bắt đầu hiệu lực của tệp (YYYY-MM-DD), để kiểm tra tệp cùng thời kỳ với "
        "phiên bản; phiên bản giữ ngày hiệu lực của nó",
    )
    bnd.add_argument("--valid-to", help="ngày hết hiệu lực của tệp (YYYY-MM-DD), kiểm tra như trên")
    bnd.add_argument(
        "--level", choices=("province", "district", "commune"), help="mặc định: tự nhận"
    )
    bnd.add_argument(
        "--code-field", help="cột chứa mã đơn vị hành chính (nếu không: khớp theo tên)"
    )
    bnd.add_argument("--name-field", help="cột chứa tên đơn vị (mặc định: tự nhận theo giá trị)")
    bnd.add_argument(
        "--province-field", help="cột chứa tên tỉnh của mỗi đơn vị (mặc định: tự nhận)"
    )
    bnd.add_argument("--district-field", help="cột chứa tên huyện của mỗi xã (mặc định: tự nhận)")
    bnd.add_argument(
        "--type-field",
        help="cột loại đơn vị (Huyện/Thị xã/Thành phố, District/Town/City) để phân biệt đơn vị trùng tên",
    )
    bnd.add_argument(
        "--accept",
        help="mã đơn vị (cách nhau bởi dấu phẩy) vẫn lưu dù bị từ chối khi kiểm tra hợp lý",
    )
    bnd.add_argument(
        "--aliases",
        help="tệp .xlsx/.csv các cách viết đã xác nhận (trang “Cần xác nhận” của --report, "
        "điền cột Mã đơn vị); được lưu vào kho cùng lần nhập",
    )
    bnd.add_argument("--crs", help="hệ tọa độ khi tệp không khai báo, ví dụ EPSG:3405")
    bnd.add_argument("--layer", help="lớp cần đọc (GeoPackage nhiều lớp)")
    bnd.add_argument(
        "--strict", action="store_true", help="không lưu nếu có đối tượng không nhận ra"
    )
    bnd.add_argument("--report", help="ghi báo cáo kiểm tra ra tệp .xlsx")

    template = sub.add_parser("template", help="ghi tệp Excel mẫu để nhập dữ liệu")
    template.add_argument("--out", default="mau-nhap-du-lieu.xlsx", help="tệp .xlsx cần ghi")

    add_access_parsers(sub, _add_store)
    add_present_parsers(sub, _add_store, _add_full_view)
    copy = sub.add_parser(
        "copy",
        help="chép toàn bộ một kho sang kho khác (GeoPackage ↔ PostGIS)",
        description="Chép mọi bảng của kho NGUỒN sang kho ĐÍCH (tệp .gpkg hoặc "
        "postgresql://người_dùng@máy:cổng/csdl); kho đích được thay thế trọn vẹn trong một bước.",
    )
    copy.add_argument("source", metavar="NGUON", help="kho nguồn: tệp .gpkg hoặc postgresql://…")
    copy.add_argument("target", metavar="DICH", help="kho đích: tệp .gpkg hoặc postgresql://…")

    upgrade = sub.add_parser(
        "upgrade",
        help="nâng cấp tại chỗ một kho do phiên bản cũ của ứng dụng tạo",
        description="Thêm vào kho những gì phiên bản này cần (mỗi bước một lần, ghi vào "
        "schema_version); kho đã ở phiên bản mới nhất thì không bị ghi gì.",
    )
    _add_store(upgrade)

    serve = sub.add_parser("serve", help="mở bảng điều khiển (dựng kho mẫu nếu chưa có)")
    _add_store(serve)
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--headless", action="store_true", help="không tự mở trình duyệt")
    serve.add_argument(
        "--address",
        default=LOOPBACK,
        help="địa chỉ lắng nghe (mặc định 127.0.0.1: chỉ máy này); ví dụ 0.0.0.0 để mở ra mạng "
        "— cần cấu hình đăng nhập (--secrets) hoặc --no-auth",
    )
    serve.add_argument(
        "--secrets",
        help="tệp secrets.toml có mục [auth] để đăng nhập (mặc định: $ANTT_SECRETS, "
        "hoặc .streamlit/secrets.toml của thư mục hiện tại)",
    )
    serve.add_argument(
        "--no-auth",
        action="store_true",
        help="cho phép mở ra mạng mà không đăng nhập (không an toàn; cảnh báo khi chạy)",
    )
    return parser


def _cmd_demo(args) -> int:
    from geodata.build import build_demo_store
    from geodata.pg_store import check_connection, is_postgres, safe_location

    out = args.out or resolve_store(args.store)
    if is_postgres(str(out)):
        check_connection(str(out))  # a wrong URL or user is said now, not after the build
    report = build_demo_store(out, progress=lambda m: print(m, file=sys.stderr, flush=True))
    print(f"Đã tạo kho {safe_location(str(report.path))} trong {report.seconds:.1f} giây.")
    for r in report.counts.itertuples():
        print(f"  {r.version:8} {r.level:9} {r.units:6} đơn vị")
    print(f"  {report.models} mô hình mẫu, {report.status_rows} dòng trạng thái xã.")
    rep = report.repairs
    print(f"Sửa chữa khi dựng ranh giới: {len(rep)} trường hợp")
    for (version, text), g in rep.groupby(["version", "repair"]):
        examples = ", ".join(g["name"].head(3))
        print(f"  {version}: {len(g):4} × {text} (ví dụ: {examples})")
    if args.report:
        safe_frame(rep).to_csv(args.report, index=False, encoding="utf-8-sig")
        print(f"Danh sách đầy đủ: {args.report}")
    return 0


def view_from_args(args):
    from geodata.view import MapView

    year_to = args.year or args.year_to
    year_from = args.year or args.year_from or year_to
    if year_to is None:
        from geodata.query import data_years
        from geodata.store import open_store

        year_to = data_years(open_store(args.store))[1]
        year_from = year_from or year_to
    types = tuple(t.strip() for t in args.types.split(";") if t.strip())
    extra = {"scheme": args.scheme, "k": args.k} if hasattr(args, "scheme") else {}
    level = args.level or ("commune" if getattr(args, "each", None) else "province")
    compare = getattr(args, "compare", None) or ""
    if compare:
        b1 = getattr(args, "vs", None) or getattr(args, "vs_to", None)
        b0 = getattr(args, "vs", None) or getattr(args, "vs_from", None) or b1
        extra |= {"compare": compare, "base_from": b0, "base_to": b1}
    return MapView(args.metric, level, year_from, year_to, types, args.area, **extra)


def _cmd_query(args) -> int:
    """One row per unit, as the page's ranking: Vietnamese headers, communes named with
    their district and province; `--csv` as the page's CSV (Excel set to Vietnamese)."""
    from dashboard.format import fmt_decimal, fmt_int
    from dashboard.tables import ranking, to_csv_bytes
    from geodata.query import query_view
    from geodata.store import open_store

    store = open_store(args.store)
    result = query_view(store, view_from_args(args))
    table = ranking(result, store.units(result.version.version))
    if args.csv:
        sys.stdout.buffer.write(to_csv_bytes(table))
        sys.stdout.flush()
        return 0
    print(
        f"{result.view.metric_info.label} — {result.area_name} — {result.view.period_label} "
        f"({result.version.version})"
    )
    shown = table.copy()
    for col in shown.columns:
        values = shown[col]
        if pd.api.types.is_numeric_dtype(values):
            whole = (values.dropna() % 1 == 0).all()
            shown[col] = values.map(lambda v, w=whole: fmt_int(v) if w else fmt_decimal(v, 2))
    print(shown.to_string(index=False))
    for note in result.notes:
        print(f"Ghi chú: {note}")
    return 0


def _cmd_export(args) -> int:
    from dashboard.export.batch import batch_jobs, export_batch
    from dashboard.export.snapshot import build_snapshot, file_stem
    from dashboard.export.writers import check_writable, format_for, write_export
    from geodata.store import open_store

    store = open_store(args.store)
    view = view_from_args(args)
    stem = file_stem(view)
    if args.atlas:
        return _export_atlas(store, view, args)
    if args.each:
        from tqdm import tqdm

        fmt = args.format or "png"
        out = Path(args.out or f"{stem}_{args.each}")
        jobs = batch_jobs(store, view, args.each, fmt)
        with tqdm(total=len(jobs), unit="tệp", desc="Xuất bản đồ", file=sys.stderr) as bar:

            def step(job, path):
                bar.set_postfix_str(job.name, refresh=False)
                bar.update()

            written = export_batch(store, view, args.each, out, fmt, on_file=step, jobs=jobs)
        print(f"Đã ghi {len(written)} tệp {fmt.upper()} vào thư mục {out}")
        return 0
    out = Path(args.out or f"{stem}.{args.format or 'png'}")
    fmt = format_for(out, args.format)
    check_writable(out)  # before the slow part: say so now, not after rendering
    path = write_export(build_snapshot(store, view), out, fmt)
    print(f"Đã ghi {path} ({path.stat().st_size / 1024:.0f} KB)")
    return 0


def _export_atlas(store, view, args) -> int:
    from dashboard.cli_present import progress_bar
    from dashboard.export.atlas import atlas_pdf
    from dashboard.export.render import ExportError
    from dashboard.export.writers import check_writable, write_atomic

    if not args.each:
        raise ExportError("--atlas đi cùng --each province hoặc --each district --area <mã tỉnh>.")
    out = Path(args.out or f"tap-ban-do_{args.each}_{view.area or 'toan-quoc'}.pdf")
    if out.suffix.lower() != ".pdf" or (args.format and args.format != "pdf"):
        raise ExportError(
            f"Tập bản đồ là một tệp PDF: đặt --out có đuôi .pdf (không phải '{out.name}')."
        )
    check_writable(out)
    with progress_bar("Tập bản đồ", "bước") as step:
        path = write_atomic(out, atlas_pdf(store, view, args.each, progress=step))
    print(f"Đã ghi {path} ({path.stat().st_size / 1024:.0f} KB)")
    return 0


def _cmd_template(args) -> int:
    from dashboard.export.writers import write_atomic
    from loaders.registry_files import template_bytes

    path = write_atomic(args.out, template_bytes())
    print(f"Đã ghi tệp mẫu {path}")
    return 0


def serve_argv(args, app: Path = SERVER) -> list[str]:
    """The Streamlit command line `serve` becomes (settings of .streamlit/config.toml
    repeated, so any working directory behaves the same)."""
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.address",
        args.address,
        "--server.port",
        str(args.port),
        "--server.enableStaticServing",
        "true",
        "--server.enableWebsocketCompression",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.showErrorDetails",
        "none",
        # a server does not reload its modules when files change under it (a half-edited
        # checkout or an upgrade in place would mix old and new code in one process)
        "--server.fileWatcherType",
        "none",
        # Streamlit runs a full garbage collection after every script run; with the
        # shared caches that is the largest share of a session's server time (a profile:
        # a third). Python's own collector still runs; the bench's retained memory
        # per closed session (50 in a row) is the check that nothing builds up.
        "--runner.postScriptGC",
        "false",
    ]
    if args.headless:
        cmd += ["--server.headless", "true"]
    if args.address in WILDCARDS:
        # Streamlit's welcome lines would ask checkip.amazonaws.com for this machine's
        # public address (a request to the internet at every start): serve says it instead
        cmd += ["--logger.hideWelcomeMessage", "true"]
    secrets = getattr(args, "secrets_path", None)
    if secrets:
        cmd += ["--secrets.files", str(secrets)]
    return cmd


def _cmd_serve(args) -> int:
    from dashboard.auth_config import file_problems, secrets_file
    from geodata.build import build_demo_store
    from geodata.pg_store import is_postgres
    from geodata.store import open_store

    secrets = secrets_file(getattr(args, "secrets", None))
    missing = file_problems(secrets)
    if getattr(args, "secrets", None) and missing:  # a file named but not usable
        raise AnttError(f"Tệp đăng nhập {secrets} chưa dùng được: thiếu {', '.join(missing)}.")
    if args.address not in LOOPBACKS and missing:
        if not getattr(args, "no_auth", False):
            raise AnttError(NEEDS_LOGIN.format(address=args.address, missing=", ".join(missing)))
        bar = "!" * 78
        print(f"{bar}\n{OPEN_WARNING.format(address=args.address)}\n{bar}", file=sys.stderr)
    args.secrets_path = None if missing else secrets
    location = resolve_store(args.store)
    if is_postgres(location):
        open_store(location)  # a server that cannot be reached is said now, not on the page
        store = location
    else:
        store = Path(location).resolve()
        if not store.exists():
            print(
                f"Chưa có kho dữ liệu {store}: dựng kho mẫu lần đầu…", file=sys.stderr, flush=True
            )
            build_demo_store(store, progress=lambda m: print(m, file=sys.stderr, flush=True))
    from geodata.migrations import pending, upgrade

    if pending(open_store(str(store))):  # an older store is brought up to date first
        for step in upgrade(str(store), reference_data()):
            print(f"Đã nâng cấp kho: {step}", file=sys.stderr, flush=True)
    env = {**os.environ, "ANTT_STORE": str(store)}
    from dashboard.assets import ensure_static_assets

    ensure_static_assets()
    cmd = serve_argv(args)
    if args.address in WILDCARDS:
        import socket

        print(f"Bảng điều khiển nghe trên mọi địa chỉ của máy này, cổng {args.port}: "
              f"http://{socket.gethostname()}:{args.port}", flush=True)  # fmt: skip
    # become Streamlit rather than wait for it: a stop signal (systemd, kill) then
    # reaches the server itself instead of leaving it running without its parent
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(APP.parent)
    os.execve(sys.executable, cmd, env)


def _cmd_upgrade(args) -> int:
    from geodata.migrations import pending, upgrade
    from geodata.store import open_store, resolve_store

    location = resolve_store(args.store)
    store = open_store(location)
    if not pending(store):
        print(f"Kho {store.label} đã ở phiên bản mới nhất; không cần nâng cấp.")
        return 0
    for step in upgrade(location, reference_data()):
        print(f"Đã nâng cấp kho {store.label}: {step}")
    return 0


def reference_data() -> dict:
    """What the upgrade steps take from the reference packages (loaders → geodata)."""
    from geodata.build import official_areas
    from loaders.reference import read_reference_lists

    return {"official_areas": official_areas(read_reference_lists().current)}


def _cmd_copy(args) -> int:
    from geodata.pg_store import check_connection, is_postgres, safe_location
    from geodata.store_copy import copy_store

    if is_postgres(args.target):
        check_connection(args.target)
    counts = copy_store(args.source, args.target)
    print(f"Đã chép kho {safe_location(args.source)} sang {safe_location(args.target)}:")
    for name, n in counts.items():
        print(f"  {name:16} {n:8} dòng")
    return 0


COMMANDS = {
    "upgrade": _cmd_upgrade,
    "copy": _cmd_copy,
    "audit": cmd_audit,
    "users": cmd_users,
    "views": cmd_views,
    "report": cmd_report,
    "animate": cmd_animate,
    "demo": _cmd_demo,
    "query": _cmd_query,
    "export": _cmd_export,
    "import-models": cmd_import,
    "import-status": cmd_import,
    "import-boundaries": cmd_import_boundaries,
    "template": _cmd_template,
    "serve": _cmd_serve,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (AnttError, LoaderError) as err:
        if args.debug:
            raise
        print(f"Lỗi: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `antt-map query | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as err:  # a bug or an input we did not foresee: still one line
        if args.debug:
            raise
        print(
            f"Lỗi ngoài dự kiến: {display_name(str(err)) or type(err).__name__}. "
            "Chạy lại với --debug để xem chi tiết và báo cho người phát triển.",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":
    sys.exit(main())
