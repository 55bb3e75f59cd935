"""A throwaway PostgreSQL + PostGIS cluster for the tests, on a free loopback port.

`initdb` refuses to run as root, so the cluster belongs to the `postgres` user and
lives in a folder of its own directly under /tmp (a folder inside a 0700 temporary
directory would be unreachable for that user). Set `ANTT_TEST_PG_URL` to use a server
of your own instead; with `ANTT_REQUIRE_PG=1` (CI) a missing server fails the tests
instead of skipping them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from tests.browser_support import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def pg_available() -> str | None:
    """Why no cluster can be started here (None: it can)."""
    if not (PG_BIN / "initdb").exists():
        return "PostgreSQL 15 is not installed (apt-get install postgresql postgresql-15-postgis-3)"
    if not Path("/usr/share/postgresql/15/extension/postgis.control").exists():
        return "PostGIS is not installed (apt-get install postgresql-15-postgis-3)"
    return None


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextlib.contextmanager
def cluster():
    """Yield the URL of a fresh cluster's `postgres` database; stopped and removed after."""
    folder = Path(tempfile.gettempdir()) / f"antt-pg-{uuid.uuid4().hex[:8]}"
    folder.mkdir(mode=0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = free_port()
    data = folder / "data"
    try:
        subprocess.run(
            _as_postgres(
                [str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]
            ),
            check=True,
            capture_output=True,
        )
        subprocess.run(
            _as_postgres(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off",
                    "-l",
                    str(folder / "log"),
                    "-w",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


def new_database(server_url: str, name: str | None = None) -> str:
    """A new database with PostGIS on the server; returns its URL."""
    import psycopg

    name = name or f"antt_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = server_url.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    return url


def database_from(template_url: str) -> str:
    """A new database copied from `template_url`'s (which must have no connections)."""
    import psycopg

    base, template = template_url.rsplit("/", 1)
    name = f"antt_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return f"{base}/{name}"


def drop_database(url: str) -> None:
    """Drop a test's database (its server keeps running for the next test)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
