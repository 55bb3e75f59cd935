"""Writing to the GeoPackage store: one writer at a time, in place, in one transaction.

Every write path (registry and status imports, boundary imports, a demo rebuild over an
existing store, and any later writer) goes through `store_lock`, an OS advisory lock
(`fcntl.flock`) on a sidecar file beside the store, and writes inside `BEGIN IMMEDIATE`.
The lock is what makes a whole-file replacement (the demo rebuild) wait for a running
import, and an import wait for the rebuild; the immediate transaction makes each
import all or nothing, and readers on their own read-only connections see either the
store before or after it, never half of it.

Geometry is updated in place, so this module also writes GeoPackage geometry blobs
(OGC 12-128r18 §2.1.3: "GP", version, flags, srs_id, envelope, then WKB) and registers
on the connection the SQL functions that the R-tree triggers GDAL created call
(`ST_IsEmpty`, `ST_MinX`, `ST_MaxX`, `ST_MinY`, `ST_MaxY`). It is hand-written because
pyogrio (and GDAL's Python bindings through it) can only write whole layers, not update
features in place, and rewriting the whole file is exactly what lost concurrent imports.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import shapely

from geodata.errors import StoreError

# A boundary import of every commune takes well under a minute; a writer that waits
# longer than this is told so rather than hanging a page or a command forever.
LOCK_TIMEOUT_S = 300.0
_POLL_S = 0.05


# Called once when a writer finds the lock taken and starts waiting (tests line up
# concurrent writers on it, instead of sleeping).
def on_wait(_path: Path) -> None:
    """Nothing by default."""


def lock_path(store: str | os.PathLike) -> Path:
    """The sidecar lock file of a store: `antt.gpkg` → `antt.gpkg.lock`."""
    p = Path(store)
    return p.with_name(p.name + ".lock")


@contextmanager
def store_lock(store: str | os.PathLike, timeout: float | None = None) -> Iterator[None]:
    """Hold the store's write lock (waiting at most `timeout` seconds for it).

    Raises
    ------
    StoreError
        The lock file cannot be created, or another writer held the lock too long.
    """
    timeout = LOCK_TIMEOUT_S if timeout is None else timeout
    lp = lock_path(store)
    try:
        lp.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lp, os.O_RDWR | os.O_CREAT, 0o664)
    except OSError as err:
        raise StoreError(
            f"Không tạo được tệp khóa '{lp}' để ghi vào kho ({err.strerror}); "
            "kiểm tra quyền ghi của thư mục chứa kho."
        ) from err
    try:
        deadline = time.monotonic() + timeout
        waited = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waited:
                    waited = True
                    on_wait(Path(store))
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"Kho '{store}' đang được một lần nhập hoặc dựng lại khác ghi "
                        f"(đã chờ {timeout:.0f} giây). Chờ việc đó xong rồi chạy lại; "
                        "kho không thay đổi."
                    ) from None
                time.sleep(_POLL_S)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def write_transaction(
    store: str | os.PathLike, timeout: float | None = None
) -> Iterator[sqlite3.Connection]:
    """One write to the store: the lock held, an sqlite3 connection inside `BEGIN
    IMMEDIATE`, committed when the block ends, rolled back on any exception.

    The connection can update geometry (`gpkg_blob` writes the values; the R-tree
    triggers find their SQL functions). Raise inside the block to store nothing.

    Raises
    ------
    StoreError
        The lock could not be had, or the store could not be opened for writing.
    """
    path = Path(store)
    with store_lock(path, timeout):
        if not path.is_file():
            raise StoreError(
                f"Không tìm thấy kho dữ liệu '{path}' để ghi. "
                f"Tạo kho mẫu bằng: antt-map demo --out {path}"
            )
        try:
            conn = sqlite3.connect(path, isolation_level=None, timeout=LOCK_TIMEOUT_S)
            register_functions(conn)
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:
            raise StoreError(f"Không mở được kho '{path}' để ghi: {err}.") from err
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()


def settle_journal(store: str | os.PathLike) -> None:
    """Roll back a transaction a crashed writer left behind (a hot `-journal`), so the
    journal cannot be applied to a different file renamed into the store's place.
    Call with the lock held."""
    path = Path(store)
    if path.is_file() and Path(f"{path}-journal").exists():
        try:
            with sqlite3.connect(path, timeout=LOCK_TIMEOUT_S) as conn:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.close()
        except sqlite3.Error:
            pass  # an unreadable old store is about to be replaced anyway


# --- GeoPackage geometry blobs --------------------------------------------------------

_MAGIC = b"GP"
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def gpkg_blob(geom, srs_id: int = 4326) -> bytes:
    """A GeoPackage geometry blob (little-endian, xy envelope, standard WKB).

    Polygons are promoted to MultiPolygon, as GDAL declared the layer's column.
    """
    if isinstance(geom, shapely.Polygon):
        geom = shapely.MultiPolygon([geom])
    if geom.is_empty:
        flags = 0b0001_0001  # empty, no envelope, little-endian
        return (
            _MAGIC
            + bytes([0, flags])
            + struct.pack("<i", srs_id)
            + shapely.to_wkb(geom, byte_order=1)
        )
    minx, miny, maxx, maxy = geom.bounds
    flags = 0b0000_0011  # envelope [minx, maxx, miny, maxy], little-endian
    return (
        _MAGIC
        + bytes([0, flags])
        + struct.pack("<i4d", srs_id, minx, maxx, miny, maxy)
        + shapely.to_wkb(geom, byte_order=1, output_dimension=2)
    )


def _header(blob: bytes) -> tuple[int, bool, int, str]:
    """(flags, empty, header length, byte-order prefix) of a GeoPackage blob."""
    if len(blob) < 8 or blob[:2] != _MAGIC:
        raise ValueError("not a GeoPackage geometry blob")
    flags = blob[3]
    envelope = (flags >> 1) & 0b111
    if envelope not in _ENVELOPE_BYTES:
        raise ValueError(f"invalid envelope indicator {envelope}")
    return flags, bool(flags & 0b1_0000), 8 + _ENVELOPE_BYTES[envelope], "<" if flags & 1 else ">"


def blob_geometry(blob: bytes):
    """The shapely geometry in a GeoPackage blob."""
    _, _, n, _ = _header(blob)
    return shapely.from_wkb(blob[n:])


def blob_bounds(blob: bytes) -> tuple[float, float, float, float] | None:
    """(minx, maxx, miny, maxy) of a blob, from its envelope when it has one."""
    flags, empty, _, order = _header(blob)
    if empty:
        return None
    if (flags >> 1) & 0b111:
        return struct.unpack(f"{order}4d", blob[8:40])
    minx, miny, maxx, maxy = blob_geometry(blob).bounds
    return minx, maxx, miny, maxy


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions GDAL's R-tree triggers call, on a plain sqlite3 connection."""

    def empty(blob):
        if blob is None:
            return None
        _, is_empty, _, _ = _header(blob)
        return int(is_empty or blob_geometry(blob).is_empty)

    def bound(i):
        def f(blob):
            if blob is None:
                return None
            b = blob_bounds(blob)
            return None if b is None else b[i]

        return f

    conn.create_function("ST_IsEmpty", 1, empty, deterministic=True)
    for i, name in enumerate(("ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY")):
        conn.create_function(name, 1, bound(i), deterministic=True)


def read_units(conn, version: str, columns: tuple[str, ...]):
    """`columns` and the decoded polygon (`geometry`) of every unit of `version`, in
    stored order, read on the caller's connection (a `geodata.store_write.Tx`, or a raw
    sqlite3 one): inside a write transaction it sees that transaction's own changes, and
    no second reader is opened (which a concurrent writer's journal would refuse)."""
    import pandas as pd

    from geodata.schema import ADMIN_UNITS
    from geodata.store_write import as_tx

    tx = as_tx(conn)
    cols = ", ".join(f'"{c}"' for c in columns)
    rows = tx.execute(
        f'SELECT {cols}, {tx.geom_read} FROM "{ADMIN_UNITS}" WHERE version = ? ORDER BY fid',
        (version,),
    ).fetchall()
    units = pd.DataFrame([tuple(r)[:-1] for r in rows], columns=list(columns))
    units["geometry"] = [tx.decode(r[-1]) for r in rows]
    return units
