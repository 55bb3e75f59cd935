"""Who did what: an append-only `audit` table, in the store, on both backends.

A change and its audit row are written in the same transaction (`append` takes the
write session's transaction), so the record cannot say an import happened that was
rolled back, nor miss one that was stored. Events that change nothing in the store
(a login, an export) are written in a write session of their own (`record`).

The acting person is an `Actor` held in a context variable: the page sets the logged-in
user at the top of each run (Streamlit runs each session's script in its own thread, so
sessions do not see each other's); on the command line it is the operating-system user.
Nothing here updates or deletes an audit row.
"""

from __future__ import annotations

import contextvars
import getpass
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from geodata.store_write import Tx, create_attribute_table, write_session

AUDIT = "audit"
AUDIT_COLUMNS = ("at", "user_id", "user_name", "role", "client", "action", "what", "count")
ACTIONS = {
    "login": "đăng nhập",
    "logout": "đăng xuất",
    "import": "nhập số liệu",
    "boundary": "thay ranh giới",
    "export": "xuất bản đồ",
    "users": "đổi người dùng",
    "view": "khung nhìn đã lưu",
}


@dataclass(frozen=True)
class Actor:
    """The person a write or an export is recorded under."""

    user_id: str
    name: str = ""
    role: str = ""
    client: str = ""

    @property
    def label(self) -> str:
        """What an export footer or an import record names the person by."""
        return self.name or self.user_id


def _os_actor() -> Actor:
    try:
        user = getpass.getuser()
    except Exception:  # no user name in this environment (a container without passwd)
        user = ""
    return Actor(user, user, "dòng lệnh", "")


_ACTOR: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("antt_actor", default=None)


def current_actor() -> Actor:
    """The logged-in user on the page, else the operating-system user."""
    return _ACTOR.get() or _os_actor()


def set_actor(actor: Actor | None) -> None:
    """Set (or clear) the acting person for this thread's work."""
    _ACTOR.set(actor)


def create_table(tx: Tx) -> None:
    """The audit table, created on first use (stores built before it keep working)."""
    create_attribute_table(
        tx,
        AUDIT,
        "at TEXT NOT NULL, user_id TEXT, user_name TEXT, role TEXT, client TEXT, "
        "action TEXT NOT NULL, what TEXT, count INTEGER",
    )


def append(tx: Tx, action: str, what: str, count: int | None = None) -> None:
    """One audit row inside the caller's transaction (committed with the change)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    create_table(tx)
    who = current_actor()
    tx.execute(
        f'INSERT INTO "{AUDIT}" ({", ".join(AUDIT_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        (
            datetime.now(UTC).isoformat(timespec="seconds"),
            who.user_id,
            who.name,
            who.role,
            who.client,
            action,
            what,
            None if count is None else int(count),
        ),
    )


def record(location: str, action: str, what: str, count: int | None = None) -> None:
    """An event that changes nothing else (login, logout, export), in its own write."""
    with write_session(location) as tx:
        append(tx, action, what, count)


def read_audit(store, limit: int | None = None) -> pd.DataFrame:
    """The audit rows, newest first (an empty table when nothing was recorded yet)."""
    if not store.has_table(AUDIT):
        return pd.DataFrame(columns=list(AUDIT_COLUMNS))
    rows = store.table(AUDIT, columns=("fid", *AUDIT_COLUMNS))
    rows = rows.iloc[::-1].reset_index(drop=True)
    return rows.head(limit) if limit else rows
