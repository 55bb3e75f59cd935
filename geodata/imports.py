"""Store validated registry rows: one transaction per import.

An import is all-or-nothing on either store: with the store's write lock held (one
writer at a time, see `geodata.store_write`), demo rows removed, rows upserted by
their key, the `imports` record written, then COMMIT; any error (or a crash, or a full
disk) rolls everything back and the store is exactly as it was. Upserting by key and recognising an import already made (same file *and* same
rows: see `result_checksum`) makes a re-import change nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from geodata import audit
from geodata.audit import current_actor
from geodata.errors import StoreError
from geodata.schema import COMMUNE_STATUS, IMPORTS, MODEL_COLUMNS, MODELS, STATUS_COLUMNS
from geodata.store_write import Tx, db_errors, write_session

# table, key columns, stored columns
TABLES = {
    "models": (MODELS, ("model_id",), MODEL_COLUMNS),
    "status": (COMMUNE_STATUS, ("version", "code", "year"), STATUS_COLUMNS),
}


@dataclass(frozen=True)
class ImportResult:
    kind: str
    file_name: str
    accepted: int
    rejected: int
    demo_removed: int
    unchanged: bool  # the same file was imported before: nothing was written
    previous: str | None = None  # when it was imported before


def _value(v):
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
        return None
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return v


def apply_import(
    location: str | Path,
    kind: str,
    rows: pd.DataFrame,
    file_name: str,
    checksum: str,
    rejected: int,
) -> ImportResult:
    """Write `rows` (validated, in the table's columns) into the store at `location`
    (a GeoPackage path or a PostGIS URL).

    Raises
    ------
    StoreError
        The store could not be written; it is left unchanged.
    """
    table, key, columns = TABLES[kind]
    checksum = result_checksum(checksum, rows[list(columns)])
    try:
        with write_session(location) as conn:
            prev = conn.execute(
                f'SELECT imported_at FROM "{IMPORTS}" WHERE checksum = ? AND kind = ? '
                "ORDER BY fid DESC",
                (checksum, kind),
            ).fetchone()
            if prev is not None:
                raise _Unchanged(prev[0])
            demo = conn.execute(f'DELETE FROM "{table}" WHERE is_demo = 1').rowcount
            # rows are replaced by key: without an index each delete scans the table, and a
            # second import of 300,000 rows into as many would take hours
            cols = ", ".join(f'"{k}"' for k in key)
            conn.execute(f'CREATE INDEX IF NOT EXISTS "{table}_key" ON "{table}" ({cols})')
            where = " AND ".join(f'"{k}" = ?' for k in key)
            values = [
                tuple(_value(v) for v in r) for r in rows[list(columns)].itertuples(index=False)
            ]
            idx = [columns.index(k) for k in key]
            conn.executemany(
                f'DELETE FROM "{table}" WHERE {where}', [tuple(v[i] for i in idx) for v in values]
            )
            marks = ", ".join("?" for _ in columns)
            names = ", ".join(f'"{c}"' for c in columns)
            _insert(conn, f'INSERT INTO "{table}" ({names}) VALUES ({marks})', values)
            record_import(conn, kind, file_name, checksum, len(rows), rejected)
    except _Unchanged as same:
        return ImportResult(kind, file_name, len(rows), rejected, 0, True, same.previous)
    except db_errors() as err:
        why = "đĩa đầy" if "full" in str(err).lower() else str(err).splitlines()[0]
        raise StoreError(
            f"Nhập '{file_name}' thất bại ({why}); kho dữ liệu được giữ nguyên."
        ) from err
    return ImportResult(kind, file_name, len(rows), rejected, demo, False)


def result_checksum(file_checksum: str, rows: pd.DataFrame) -> str:
    """The checksum an import is recorded under: the file's sha256, "/", a hash of the
    rows it gave.

    The same file read with other options (`--province`, `--aliases`) gives other rows;
    keying on the bytes alone made such a re-import report "unchanged" and store nothing.
    """
    h = hashlib.sha256(",".join(map(str, rows.columns)).encode())
    h.update(pd.util.hash_pandas_object(rows.astype(str), index=False).to_numpy().tobytes())
    return f"{file_checksum}/{h.hexdigest()[:16]}"  # the file's own hash stays readable


class _Unchanged(Exception):
    """The file was imported before: roll back (nothing was written) and say when."""

    def __init__(self, previous: str) -> None:
        super().__init__(previous)
        self.previous = previous


def record_import(
    conn: Tx,
    kind: str,
    file_name: str,
    checksum: str,
    accepted: int,
    rejected: int,
) -> int:
    """Write the `imports` record of a write, inside its transaction; returns its id."""
    next_id = conn.execute(f'SELECT COALESCE(MAX(import_id), 0) + 1 FROM "{IMPORTS}"').fetchone()[0]
    conn.execute(
        f'INSERT INTO "{IMPORTS}" (import_id, kind, file_name, checksum, imported_at, '
        "imported_by, rows_accepted, rows_rejected) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            next_id,
            kind,
            file_name,
            checksum,
            datetime.now().isoformat(timespec="seconds"),
            current_actor().label,
            int(accepted),
            int(rejected),
        ),
    )
    # the audit row commits or rolls back with the import it records
    audit.append(conn, "boundary" if kind == "boundaries" else "import",
                 f"{kind}: {file_name}", int(accepted))  # fmt: skip
    return int(next_id)


def _insert(conn: Tx, sql: str, values: list[tuple]) -> None:
    conn.executemany(sql, values)
