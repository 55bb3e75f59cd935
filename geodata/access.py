"""Who may see and change what: roles, areas, and the checks the server makes.

Three roles: a viewer (xem) sees maps and exports them; data staff (nhập liệu) also
import registry rows inside their areas; an administrator (quản trị) also replaces
boundaries and edits users. Each person has one or more areas, codes of the newest
boundary version (the map staff work on today); access to an area covers every unit
inside it, as in DHIS2. An older period is shown on its own units: a unit of it is
inside the area when every commune it had went (through the crosswalk) into the area.
No areas means the whole country.

Where a person's role and areas come from: a row of the `users` table, which an
administrator edits on the admin page, wins over the identity provider's claims
(`roles` and `areas`), so an administrator's change takes effect at that person's next
run even where the provider cannot be changed. Without either, a logged-in person has
no access and is told whom to ask.

The checks are made here, on the server, before any query (`authorize_view`) and on
every import (`split_in_scope`); the page only hides what these refuse anyway.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pandas as pd

from geodata.errors import AnttError
from geodata.schema import BOUNDARY_VERSIONS, UNIT_CROSSWALK
from geodata.store_write import Tx, create_attribute_table, write_session
from geodata.versions import version_for_period, versions_from_table

USERS = "users"
USER_COLUMNS = ("user_id", "name", "role", "areas", "updated_by", "updated_at")
ROLES = {"viewer": "xem", "staff": "nhập liệu", "admin": "quản trị"}
_ROLE_WORDS = {
    "viewer": "viewer", "xem": "viewer",
    "staff": "staff", "nhap_lieu": "staff", "nhập liệu": "staff", "nhap-lieu": "staff",
    "admin": "admin", "quan_tri": "admin", "quản trị": "admin", "quan-tri": "admin",
}  # fmt: skip
_RANK = {"viewer": 1, "staff": 2, "admin": 3}


class AccessError(AnttError):
    """A person asked for something their role or areas do not allow."""


@dataclass(frozen=True)
class Access:
    """What one person may do: a role and the area codes it covers (() = the country)."""

    user_id: str
    name: str
    role: str  # a key of ROLES
    areas: tuple[str, ...] = ()
    source: str = ""  # "users" (the table) or "claims" (the provider)

    @property
    def national(self) -> bool:
        return not self.areas

    def may(self, role: str) -> bool:
        """Whether this person has `role` or a higher one."""
        return _RANK.get(self.role, 0) >= _RANK[role]

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)


def parse_role(value) -> str | None:
    """A role from what a provider or a person wrote ('xem', 'quan_tri', 'admin', …)."""
    values = value if isinstance(value, (list, tuple)) else [value]
    found = [_ROLE_WORDS.get(str(v).strip().lower()) for v in values if v is not None]
    found = [f for f in found if f]
    return max(found, key=_RANK.__getitem__) if found else None


def parse_areas(value) -> tuple[str, ...]:
    """Area codes from a claim or a cell: a list, or codes separated by commas or spaces."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ()
    items = value if isinstance(value, (list, tuple)) else str(value).replace(",", " ").split()
    return tuple(sorted({str(v).strip() for v in items if str(v).strip()}))


def read_users(store) -> pd.DataFrame:
    """The users table (empty when no administrator has written it yet)."""
    if not store.has_table(USERS):
        return pd.DataFrame(columns=list(USER_COLUMNS))
    return store.table(USERS, columns=USER_COLUMNS)


def resolve_access(store, user_id: str, name: str = "", claims: dict | None = None):
    """The access of a logged-in person, or None when nothing grants them any."""
    key = user_id.strip().lower()
    users = read_users(store)
    row = users[users["user_id"].str.lower() == key]
    if len(row):
        r = row.iloc[0]
        role = parse_role(r["role"])
        if role:
            return Access(
                key, name or str(r["name"] or key), role, parse_areas(r["areas"]), "users"
            )
    claims = claims or {}
    role = parse_role(claims.get("roles") or claims.get("role"))
    if role:
        return Access(key, name or key, role, parse_areas(claims.get("areas")), "claims")
    return None


def check_areas(store, areas: tuple[str, ...]) -> list[str]:
    """The codes among `areas` that are no unit of the newest version (to refuse)."""
    units = store.units(newest_version(store))
    return [a for a in areas if a not in set(units["code"])]


def newest_version(store) -> str:
    return versions_from_table(store.table(BOUNDARY_VERSIONS))[-1].version


def allowed_codes(store, version: str, areas: tuple[str, ...]) -> set[str]:
    """Every unit code of `version` (any level) that lies wholly inside `areas`."""
    newest = newest_version(store)
    cur = store.units(newest)
    communes = cur[cur["level"] == "commune"]
    inside: set[str] = set()
    for code in areas:
        hit = cur[cur["code"] == code]
        if hit.empty:
            continue
        area = hit.iloc[0]
        if area["level"] == "province":
            inside |= set(communes.loc[communes["province_code"] == code, "code"])
        elif area["level"] == "district":
            inside |= set(communes.loc[communes["parent_code"] == code, "code"])
        else:
            inside.add(code)
    units = store.units(version)
    own = units[units["level"] == "commune"]
    if version != newest:
        cw = store.table(UNIT_CROSSWALK)
        forward = cw[(cw["from_version"] == version) & (cw["to_version"] == newest)]
        if len(forward):
            ok = forward.assign(i=forward["to_code"].isin(inside)).groupby("from_code")["i"].all()
        else:
            back = cw[(cw["to_version"] == version) & (cw["from_version"] == newest)]
            ok = back.assign(i=back["from_code"].isin(inside)).groupby("to_code")["i"].all()
        inside = set(ok[ok].index)
    allowed = set(own.loc[own["code"].isin(inside), "code"])
    # a district or province is inside when all of its communes are
    for col in ("parent_code", "province_code"):
        whole = own.assign(i=own["code"].isin(inside)).groupby(col)["i"].all()
        allowed |= set(whole[whole].index)
    return allowed


def area_names(store, areas: tuple[str, ...]) -> str:
    """The areas as a person reads them: 'Tỉnh Phú Thọ (mã 25)'."""
    if not areas:
        return "toàn quốc"
    units = store.units(newest_version(store)).drop_duplicates("code").set_index("code")
    return ", ".join(
        f"{units.loc[a, 'name']} (mã {a})" if a in units.index else f"mã {a}" for a in areas
    )


@dataclass(frozen=True)
class Authorized:
    view: object  # the MapView to show
    message: str  # why it differs from the one asked for ("" when it does not)


def authorize_view(store, view, access: Access | None) -> Authorized:
    """The view a person may see: the one asked for, or the first of their areas
    (compare the views: a view without an area is brought in without a message).

    Made before any query, so the map, the ranking, the trend and every export follow
    from an area inside the person's scope whatever the URL or a click asked for.
    `access` None is single-machine mode (no login): everything.
    """
    if access is None or access.national:
        return Authorized(view, "")
    versions = versions_from_table(store.table(BOUNDARY_VERSIONS))
    version = version_for_period(versions, view.year_to).version
    allowed = allowed_codes(store, version, access.areas)
    if view.area and view.area in allowed:
        return Authorized(view, "")
    units = store.units(version)
    mine = units[units["code"].isin(allowed)]
    if mine.empty:
        raise AccessError(
            f"Tài khoản {access.user_id} được xem {area_names(store, access.areas)}, nhưng "
            f"không đơn vị nào của kỳ {view.year_to} nằm trọn trong đó. Chọn năm khác."
        )
    order = {"province": 0, "district": 1, "commune": 2}
    top = mine.assign(o=mine["level"].map(order)).sort_values(["o", "code"]).iloc[0]
    asked = f"đơn vị mã {view.area}"
    level = view.level
    if order.get(level, 0) <= order[top["level"]]:  # show the area's inside, not one blob
        level = "commune" if top["level"] != "province" else "district"
        if level == "district" and not units["level"].eq("district").any():
            level = "commune"
    # the page opened without an area (the first load, a bookmark of the country) shows
    # the person's own area without a word; an area asked for by name is answered
    message = (
        f"Tài khoản của bạn chỉ được xem {area_names(store, access.areas)}; {asked} nằm "
        f"ngoài phạm vi đó. Bản đồ hiện {top['name']}."
        if view.area
        else ""
    )
    return Authorized(replace(view, area=str(top["code"]), level=level), message)


def split_in_scope(store, rows: pd.DataFrame, access: Access | None, code_col: str,
                   version_col: str = "version") -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """Rows inside the person's areas, and those outside (to reject with the reason)."""
    if access is None or access.national or rows.empty:
        return rows, rows.iloc[0:0]
    keep = pd.Series(False, index=rows.index)
    for version, idx in rows.groupby(version_col).groups.items():
        allowed = allowed_codes(store, str(version), access.areas)
        keep[idx] = rows.loc[idx, code_col].astype(str).isin(allowed)
    return rows[keep], rows[~keep]


def save_user(location: str, user_id: str, name: str, role: str, areas: tuple[str, ...],
              by: str) -> None:  # fmt: skip
    """Add or change a person (an administrator's act; audited in the same write)."""
    from geodata import audit

    key = user_id.strip().lower()
    if not key:
        raise AccessError("Thiếu tên đăng nhập (thư điện tử) của người dùng.")
    if role not in ROLES:
        raise AccessError(
            f"Vai trò '{role}' không có; chọn một trong: {', '.join(ROLES.values())}."
        )
    with write_session(location) as tx:
        _create(tx)
        tx.execute(f'DELETE FROM "{USERS}" WHERE lower(user_id) = ?', (key,))
        tx.execute(
            f'INSERT INTO "{USERS}" ({", ".join(USER_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)',
            (key, name, role, " ".join(areas), by,
             datetime.now(UTC).isoformat(timespec="seconds")),
        )  # fmt: skip
        what = f"{key}: {ROLES[role]}, " + (" ".join(areas) or "toàn quốc")
        audit.append(tx, "users", what, 1)


def remove_user(location: str, user_id: str) -> bool:
    """Remove a person's row (their provider's claims, if any, apply again)."""
    from geodata import audit

    key = user_id.strip().lower()
    with write_session(location) as tx:
        _create(tx)
        n = tx.execute(f'SELECT COUNT(*) FROM "{USERS}" WHERE lower(user_id) = ?', (key,))
        found = int(n.fetchone()[0])
        tx.execute(f'DELETE FROM "{USERS}" WHERE lower(user_id) = ?', (key,))
        if found:
            audit.append(tx, "users", f"{key}: xóa", 1)
    return bool(found)


def _create(tx: Tx) -> None:
    create_attribute_table(
        tx,
        USERS,
        "user_id TEXT NOT NULL, name TEXT, role TEXT NOT NULL, areas TEXT, "
        "updated_by TEXT, updated_at TEXT",
    )
