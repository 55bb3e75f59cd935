"""One write to either store: one writer at a time, one transaction, all or nothing.

- GeoPackage: the sidecar file lock and `BEGIN IMMEDIATE` (`geodata.gpkg_write`).
- PostGIS: `pg_advisory_xact_lock` on the store's key inside the transaction (every
  writer takes the same key, so writers queue, and the lock ends with the
  transaction), then `store_revision` + 1 in the same transaction, so every replica's
  caches see the write once it is committed and never before.

The SQL the write paths send is written once for both: double-quoted names and `?`
placeholders (turned into psycopg's `%s` for PostGIS).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import shapely

from geodata.errors import StoreError
from geodata.gpkg_write import LOCK_TIMEOUT_S, blob_geometry, gpkg_blob, write_transaction
from geodata.pg_store import (
    STORE_REVISION,
    engine_for,
    forget_revision,
    is_postgres,
    pg_sql,
    safe_location,
)


class Tx:
    """The caller's side of a write transaction on either store, with the few things
    the two databases spell differently: how a polygon is read and written, and how a
    table's columns are listed."""

    backend: str  # "gpkg" or "postgis"
    geom_read: str  # the select expression of the geometry column
    geom_write: str  # the placeholder expression a geometry value is written with

    def execute(self, sql: str, params: Sequence = ()):
        raise NotImplementedError

    def executemany(self, sql: str, rows: Sequence[Sequence]) -> None:
        raise NotImplementedError

    def decode(self, value):
        """A shapely geometry from what `geom_read` selected."""
        raise NotImplementedError

    def encode(self, geom):
        """The parameter `geom_write` takes for a (Multi)Polygon in EPSG:4326."""
        raise NotImplementedError

    def columns(self, table: str) -> set[str]:
        raise NotImplementedError


class _SqliteTx(Tx):
    backend = "gpkg"
    geom_read = "geom"
    geom_write = "?"

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def execute(self, sql: str, params: Sequence = ()):
        return self.conn.execute(sql, tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence]) -> None:
        self.conn.executemany(sql, rows)

    def decode(self, value):
        return blob_geometry(value)

    def encode(self, geom):
        return gpkg_blob(geom)

    def columns(self, table: str) -> set[str]:
        return {r[1] for r in self.conn.execute(f'PRAGMA table_info("{table}")')}


class _PgTx(Tx):
    backend = "postgis"
    geom_read = 'ST_AsBinary("geom")'
    geom_write = "ST_Multi(ST_GeomFromWKB(?, 4326))"

    def __init__(self, conn):
        self.conn = conn

    def execute(self, sql: str, params: Sequence = ()):
        return self.conn.exec_driver_sql(pg_sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence]) -> None:
        rows = [tuple(r) for r in rows]
        if rows:
            self.conn.exec_driver_sql(pg_sql(sql), rows)

    def decode(self, value):
        return shapely.from_wkb(bytes(value))

    def encode(self, geom):
        return shapely.to_wkb(geom, output_dimension=2)

    def columns(self, table: str) -> set[str]:
        rows = self.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND table_name = ?",
            (table,),
        ).fetchall()
        return {r[0] for r in rows}


def as_tx(conn) -> Tx:
    """A `Tx` for a raw sqlite3 connection (callers that hold one already)."""
    return conn if isinstance(conn, Tx) else _SqliteTx(conn)


def db_errors() -> tuple[type[BaseException], ...]:
    """The database errors a write path turns into a `StoreError`."""
    errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
    try:
        from sqlalchemy.exc import DBAPIError

        errors += (DBAPIError,)
    except ImportError:
        pass
    return errors


@contextmanager
def write_session(location: str | Path, timeout: float | None = None) -> Iterator[Tx]:
    """Hold the store's one writer's lock and a transaction; commit when the block ends,
    roll back on any exception (the store is then as it was).

    Raises
    ------
    StoreError
        The lock could not be had in `timeout` seconds, or the store cannot be written.
    """
    where = str(location)
    if not is_postgres(where):
        with write_transaction(where, timeout) as conn:
            yield _SqliteTx(conn)
        return
    from geodata.pg_write import LOCK_KEY

    wait = LOCK_TIMEOUT_S if timeout is None else timeout
    try:
        with engine_for(where).begin() as conn:
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(wait * 1000)}ms'")
            try:
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
            except db_errors() as err:
                raise StoreError(
                    f"Kho '{safe_location(where)}' đang được một lần nhập hoặc sao chép khác "
                    f"ghi (đã chờ {wait:.0f} giây). Chờ việc đó xong rồi chạy lại; kho không "
                    "thay đổi."
                ) from err
            yield _PgTx(conn)
            conn.exec_driver_sql(f'UPDATE "{STORE_REVISION}" SET revision = revision + 1')
    finally:
        forget_revision(where)
