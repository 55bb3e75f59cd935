"""Spellings of unit names that a user confirmed in an import's review step.

A name the matcher could not resolve (or found ambiguous) is shown with candidates;
the unit the user picks is saved here, keyed by boundary version, level, the parent
unit it was looked for in and the spelling as written, so the next import of the same
file matches without asking again. The table is created on first use, so stores built
before it existed keep working.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from geodata.errors import StoreError
from geodata.names import alias_key

NAME_ALIASES = "name_aliases"
ALIAS_COLUMNS = ("version", "level", "parent_code", "alias", "alias_key", "code", "confirmed_by",
                 "confirmed_at")  # fmt: skip


@dataclass(frozen=True)
class NameAlias:
    """`alias` (as written) in `parent_code` ("" = anywhere) means unit `code` of `level`."""

    version: str
    level: str
    parent_code: str
    alias: str
    code: str


def read_aliases(store) -> pd.DataFrame:
    """Every confirmed spelling of the store (an empty table when there is none yet)."""
    if not store.has_table(NAME_ALIASES):
        return pd.DataFrame(columns=list(ALIAS_COLUMNS))
    return store.table(NAME_ALIASES)


_CREATE = f"""
CREATE TABLE IF NOT EXISTS "{NAME_ALIASES}" (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  version TEXT NOT NULL, level TEXT NOT NULL, parent_code TEXT NOT NULL, alias TEXT NOT NULL,
  alias_key TEXT NOT NULL, code TEXT NOT NULL, confirmed_by TEXT, confirmed_at TEXT,
  UNIQUE (version, level, parent_code, alias_key)
)"""


def create_table(conn: sqlite3.Connection) -> None:
    """The aliases table, registered in `gpkg_contents` as an attribute table, so QGIS
    and GDAL list it like the store's other tables."""
    conn.execute(_CREATE)
    conn.execute(
        "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, last_change) "
        "VALUES (?, 'attributes', ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
        (NAME_ALIASES, NAME_ALIASES),
    )


def save_aliases(conn: sqlite3.Connection, aliases: list[NameAlias], user: str) -> int:
    """Insert or replace `aliases` inside the caller's write transaction; returns how many."""
    create_table(conn)
    now = datetime.now().isoformat(timespec="seconds")
    rows = [
        (a.version, a.level, a.parent_code or "", a.alias, alias_key(a.alias), a.code, user, now)
        for a in aliases
    ]
    # the same decision again keeps its first record (who, when); a changed one replaces it
    conn.executemany(
        f'INSERT INTO "{NAME_ALIASES}" (version, level, parent_code, alias, '
        "alias_key, code, confirmed_by, confirmed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (version, level, parent_code, alias_key) DO UPDATE SET "
        "alias = excluded.alias, code = excluded.code, confirmed_by = excluded.confirmed_by, "
        "confirmed_at = excluded.confirmed_at WHERE code <> excluded.code",
        rows,
    )
    return len(rows)


def store_aliases(path: str | Path, aliases: list[NameAlias], user: str) -> int:
    """Save confirmed spellings into the store at `path` in one write transaction.

    Raises
    ------
    StoreError
        The store could not be written; it is left unchanged.
    """
    from geodata.gpkg_write import write_transaction

    try:
        with write_transaction(path) as conn:
            return save_aliases(conn, aliases, user)
    except sqlite3.Error as err:
        raise StoreError(f"Không lưu được cách viết đã xác nhận vào kho '{path}': {err}.") from err
