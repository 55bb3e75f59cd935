"""The import commands of `antt-map`: registries and official boundary files.

Both check first and print what they found (scope, notes, rejected rows, names that
need a decision), write the report workbook on request, and store only at the end,
in one write transaction; errors are `LoaderError`/`AnttError`, which `cli.main`
turns into one Vietnamese line.
"""

from __future__ import annotations

import sys
from pathlib import Path

from geodata.audit import current_actor
from loaders.errors import LoaderError
from loaders.sheets import display_name


def cmd_import(args) -> int:
    """`import-models` / `import-status`: check a registry, report, store the valid rows."""
    from geodata.aliases import store_aliases
    from geodata.imports import apply_import
    from geodata.store import open_store
    from loaders.alias_files import aliases_frame, read_alias_file
    from loaders.registry import KINDS, check_registry
    from loaders.registry_files import report_xlsx

    kind = args.command.removeprefix("import-")
    store = open_store(args.store)
    path = Path(args.file)
    name = display_name(path.name)  # printed and stored: a non-UTF-8 name must not break either
    try:
        data = path.read_bytes()
    except OSError as err:
        raise LoaderError(f"Không đọc được tệp '{display_name(path)}': {err.strerror}.") from err
    aliases = read_alias_file(args.aliases, store) if args.aliases else []
    check = check_registry(
        store,
        data,
        name,
        kind,
        getattr(args, "crs", None),
        province=args.province,
        district=args.district,
        aliases=aliases_frame(aliases) if aliases else None,
    )
    n_bad = check.n_rejected_rows
    print(
        f"{name}: {len(check.accepted)} dòng hợp lệ, {n_bad} dòng bị loại "
        f"(trang: {', '.join(check.sheets)})."
    )
    for note in check.notes:
        print(f"  {note}")
    if aliases:
        print(f"  Dùng {len(aliases)} cách viết đã xác nhận từ {args.aliases}.")
    for r in check.rejected.head(20).itertuples(index=False):
        print(f"  trang '{r[0]}', dòng {r[1]}, cột {r[2]}: {r[4]}" + (f" [{r[3]}]" if r[3] else ""))
    if len(check.rejected) > 20:
        print(f"  … và {len(check.rejected) - 20} lỗi khác (xem --report).")
    if check.review:
        print(
            f"  {len(check.review)} tên cần xác nhận (không khớp hoặc trùng): xem trang "
            "“Cần xác nhận” của --report, điền Mã đơn vị rồi nhập lại với --aliases."
        )
    if args.report:
        from dashboard.export.writers import write_atomic

        write_atomic(args.report, report_xlsx(check))
        print(f"Báo cáo: {args.report}")
    if args.dry_run:
        print("Chạy thử (--dry-run): không lưu gì vào kho.")
        return 0
    if args.strict and n_bad:
        print(f"Lỗi: --strict: có {n_bad} dòng bị loại nên không lưu dòng nào.", file=sys.stderr)
        return 2
    if check.accepted.empty:
        print("Lỗi: không có dòng hợp lệ nào để lưu.", file=sys.stderr)
        return 2
    if aliases:
        store_aliases(store.location, aliases, current_actor().label)
    res = apply_import(store.location, kind, check.accepted, name, check.checksum, n_bad)
    if res.unchanged:
        print(f"Tệp này đã được nhập lúc {res.previous} với cùng kết quả: kho không thay đổi.")
        return 0
    print(f"Đã lưu {res.accepted} dòng {KINDS[kind]} vào {store.label}.")
    if res.demo_removed:
        print(f"Đã xóa {res.demo_removed} dòng dữ liệu mẫu của bảng này.")
    return 0


def _check_period(v, valid_from: str | None, valid_to: str | None) -> None:
    """The file's dates, when given, must fall in the version's period. They are checked,
    not stored: a version's dates belong to the version (vn-2024 has no start date, it
    serves every year before 01/07/2025), and one file must not narrow them."""
    from datetime import date

    since, until = v.valid_from, v.valid_to
    period = (f"từ {since:%d/%m/%Y}" if since else "từ trước") + (
        f" đến {until:%d/%m/%Y}" if until else " đến nay"
    )
    for label, value in (("--valid-from", valid_from), ("--valid-to", valid_to)):
        day = date.fromisoformat(value) if value else None
        if day is None or ((since is None or since <= day) and (until is None or day <= until)):
            continue
        raise LoaderError(
            f"{label} {value} nằm ngoài thời kỳ của phiên bản {v.version} ({period}): ranh giới "
            "nhập phải cùng thời kỳ với phiên bản; chọn phiên bản khác bằng --version."
        )
    if valid_from and since is None:
        print(
            f"Ghi chú: {v.version} {period}; --valid-from {valid_from} chỉ được kiểm tra, "
            "không đổi thời kỳ của phiên bản."
        )


def cmd_import_boundaries(args) -> int:
    """`import-boundaries`: check an official boundary file, report, put it in place."""
    import hashlib
    from datetime import date

    from geodata.aliases import store_aliases
    from geodata.boundary_update import outline_summary, replace_geometries
    from geodata.schema import BOUNDARY_VERSIONS, LEVEL_LABELS_VI
    from geodata.store import open_store
    from geodata.versions import versions_from_table
    from loaders.alias_files import aliases_frame, read_alias_file
    from loaders.boundaries import check_boundaries

    store = open_store(args.store)
    path = Path(args.file)
    name = display_name(path.name)  # printed and stored: a non-UTF-8 name must not break either
    for label, value in (("--valid-from", args.valid_from), ("--valid-to", args.valid_to)):
        if value:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise LoaderError(f"{label} '{value}' không phải ngày dạng YYYY-MM-DD.") from None
    v = {x.version: x for x in versions_from_table(store.table(BOUNDARY_VERSIONS))}.get(
        args.version
    )
    if v is not None:
        _check_period(v, args.valid_from, args.valid_to)
    aliases = read_alias_file(args.aliases, store) if args.aliases else []
    check = check_boundaries(
        store,
        path,
        args.version,
        args.level,
        args.code_field,
        args.name_field,
        args.crs,
        args.layer,
        province_field=args.province_field,
        district_field=args.district_field,
        type_field=args.type_field,
        accept=[c.strip() for c in (args.accept or "").split(",") if c.strip()],
        aliases=aliases_frame(aliases) if aliases else None,
    )
    n_ok = len(check.units)
    print(
        f"{name}: {check.features} đối tượng, hệ tọa độ {check.source_crs}; "
        f"nhận ra {n_ok} đơn vị cấp {LEVEL_LABELS_VI[check.level]} của {check.version}."
    )
    print(f"Nhận biết: {check.detection}.")
    if check.refused:
        print(
            f"{len(check.refused)} đơn vị bị từ chối, không lưu (xem lý do bên dưới; "
            f"vẫn lưu bằng --accept {','.join(check.refused[:3])}…)."
        )
    for r in check.report.head(25).itertuples(index=False):
        print(f"  [{r[4]}] {r[0]}{f' ({r[1]})' if r[1] else ''}: {r[2]} → {r[3]}")
    if len(check.report) > 25:
        print(f"  … và {len(check.report) - 25} mục khác (xem --report).")
    if args.report:
        from dashboard.export.writers import write_atomic
        from loaders.registry_files import boundary_report_xlsx

        write_atomic(args.report, boundary_report_xlsx(check, name))
    unidentified = check.skipped
    if args.strict and unidentified:
        print(
            f"Lỗi: --strict: {unidentified} đối tượng không dùng được nên không lưu gì.",
            file=sys.stderr,
        )
        return 2
    if not n_ok:
        why = (
            f"{len(check.refused)} đơn vị bị từ chối khi kiểm tra hợp lý (dùng --accept MÃ nếu "
            "chắc chắn đúng)"
            if check.refused
            else "không nhận ra đơn vị nào trong tệp"
        )
        print(f"Lỗi: {why}; không lưu gì.", file=sys.stderr)
        return 2
    if aliases:
        store_aliases(store.location, aliases, current_actor().label)
    res = replace_geometries(
        store,
        check.version,
        check.level,
        check.units,
        name,
        hashlib.sha256(path.read_bytes()).hexdigest(),
        f"{name} (nhập {date.today():%d/%m/%Y})",
        rejected=unidentified,
    )
    if res.unchanged:
        print(f"Tệp này đã được nhập lúc {res.previous} với cùng kết quả: kho không thay đổi.")
        return 0
    print(
        f"Đã thay ranh giới của {res.replaced} đơn vị; còn {res.still_approximate} đơn vị xấp xỉ "
        f"trong {check.version}.{outline_summary(res)}"
    )
    return 0
