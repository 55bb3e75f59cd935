"""`antt-map audit` and `antt-map users`: the audit trail and the users table from the
command line (for the first administrator, before anyone can log in, and for scripts)."""

from __future__ import annotations

import argparse

from geodata.access import (
    ROLES,
    AccessError,
    check_areas,
    parse_areas,
    read_users,
    remove_user,
    save_user,
)
from geodata.audit import ACTIONS, current_actor, read_audit
from geodata.store import open_store, resolve_store


def add_parsers(sub, add_store) -> None:
    audit = sub.add_parser("audit", help="xem hoặc xuất nhật ký (ai làm gì, lúc nào)")
    add_store(audit)
    audit.add_argument("--action", choices=list(ACTIONS), help="chỉ một loại việc")
    audit.add_argument("--limit", type=int, default=50, help="số dòng mới nhất (mặc định 50)")
    audit.add_argument("--csv", help="ghi toàn bộ nhật ký (theo --action) ra tệp CSV")
    users = sub.add_parser("users", help="người dùng, vai trò và địa bàn")
    add_store(users)
    what = users.add_subparsers(dest="users_command", required=True, metavar="VIỆC")
    what.add_parser("list", help="liệt kê người dùng")
    put = what.add_parser("set", help="thêm hoặc sửa một người dùng")
    put.add_argument("user", metavar="TAI_KHOAN", help="thư điện tử dùng để đăng nhập")
    put.add_argument("--role", required=True, choices=list(ROLES),
                     help="viewer (xem), staff (nhập liệu) hoặc admin (quản trị)")  # fmt: skip
    put.add_argument("--areas", default="", help="mã địa bàn, cách nhau bằng dấu phẩy (trống: toàn quốc)")  # fmt: skip
    put.add_argument("--name", default="", help="họ tên")
    rm = what.add_parser("remove", help="xóa dòng của một người dùng")
    rm.add_argument("user", metavar="TAI_KHOAN")


COUNT_UNITS = {"import": "dòng", "boundary": "đơn vị", "export": "bản đồ", "view": "khung nhìn"}


def cmd_audit(args: argparse.Namespace) -> int:
    from dashboard.tables import to_csv_bytes

    rows = read_audit(open_store(resolve_store(args.store)))
    if args.action:
        rows = rows[rows["action"] == args.action]
    if args.csv:
        with open(args.csv, "wb") as fh:
            fh.write(to_csv_bytes(rows))
        print(f"Đã ghi {len(rows)} dòng nhật ký vào {args.csv}.")
        return 0
    if rows.empty:
        print("Nhật ký chưa có dòng nào.")
        return 0
    for r in rows.head(args.limit).itertuples(index=False):
        unit = COUNT_UNITS.get(r.action, "")
        count = (
            "" if r.count is None or r.count != r.count or not unit else f" ({int(r.count)} {unit})"
        )
        who = r.user_name or r.user_id or "?"
        print(f"{r.at}  {who} [{r.role or '-'}] {r.client or '-'}  "
              f"{ACTIONS.get(r.action, r.action)}: {r.what}{count}")  # fmt: skip
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    location = resolve_store(args.store)
    if args.users_command == "list":
        users = read_users(open_store(location))
        if users.empty:
            print("Chưa có người dùng nào trong kho (quyền lấy từ hệ thống đăng nhập).")
        for r in users.itertuples(index=False):
            print(
                f"{r.user_id}  {ROLES.get(r.role, r.role)}  {r.areas or 'toàn quốc'}  {r.name or ''}"
            )
        return 0
    if args.users_command == "remove":
        gone = remove_user(location, args.user)
        print(f"Đã xóa {args.user}." if gone else f"Không có dòng nào của {args.user}.")
        return 0
    areas = parse_areas(args.areas)
    unknown = check_areas(open_store(location), areas)
    if unknown:
        raise AccessError(f"Không có đơn vị nào mang mã {', '.join(unknown)} trên bản đồ mới nhất.")
    save_user(location, args.user, args.name, args.role, areas, current_actor().user_id)
    print(
        f"Đã lưu {args.user.strip().lower()}: {ROLES[args.role]}, {' '.join(areas) or 'toàn quốc'}."
    )
    return 0
