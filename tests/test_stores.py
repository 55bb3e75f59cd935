"""The two stores behind one interface: a real GeoPackage and a real PostGIS (a
throwaway cluster, see tests/pg_support.py). Copies read back identical, both answer
every query the same, writes into PostGIS that are not supported yet say what to do."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading

import numpy as np
import pandas as pd
import pytest
import shapely

from geodata.boundary_update import replace_geometries
from geodata.errors import StoreError
from geodata.imports import apply_import
from geodata.pg_store import PostgisStore, forget_revision, safe_location
from geodata.query import query_view
from geodata.store import GpkgStore, open_store
from geodata.store_copy import copy_store, read_layers
from geodata.view import METRICS, MapView
from loaders.registry import check_registry
from tests.helpers import official_districts
from tests.pg_support import free_port, new_database
from tests.registry_files import GOOD, messy_workbook

ROUNDS = 5


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard.cli", *args], capture_output=True, text=True, timeout=300
    )


def _same_layers(a: dict, b: dict) -> None:
    assert set(a) == set(b)
    for name in a:
        left, right = a[name].reset_index(drop=True), b[name].reset_index(drop=True)
        assert list(left.columns) == list(right.columns), name
        assert len(left) == len(right), name
        for col in left.columns:
            x, y = left[col], right[col]
            if col == "geometry":
                assert shapely.equals_exact(x.to_numpy(), y.to_numpy(), tolerance=0).all(), name
            elif col == "body":
                assert [bytes(v) for v in x] == [bytes(v) for v in y], name
            elif pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
                assert np.allclose(x.astype(float), y.astype(float), equal_nan=True), (name, col)
            else:
                xs = x.astype(object).where(x.notna(), None).tolist()
                ys = y.astype(object).where(y.notna(), None).tolist()
                assert xs == ys, (name, col)


def test_copy_reads_back_identical_both_ways(store, pg_server, tmp_path):
    """GeoPackage → PostGIS → GeoPackage: every table, row, value and geometry."""
    url = new_database(pg_server)
    done = _cli("copy", store.location, url)
    assert done.returncode == 0, done.stderr
    assert "admin_units" in done.stdout and "14154" in done.stdout
    back = tmp_path / "back.gpkg"
    done = _cli("copy", url, str(back))
    assert done.returncode == 0, done.stderr
    original = read_layers(store)
    _same_layers(original, read_layers(PostgisStore.open(url)))
    _same_layers(original, read_layers(GpkgStore.open(back)))


@pytest.mark.parametrize(
    "view",
    [
        MapView("model_count", "province", 2020, 2020),
        MapView("certified_share", "district", 2020, 2020, (), "17"),
        MapView("model_density", "commune", 2026, 2026),
        MapView("transitioned_share", "commune", 2018, 2024, (), "95"),
        MapView("model_units", "province", 2024, 2026),
    ],
)
def test_both_stores_answer_every_view_the_same(store, pg_store, view):
    a, b = query_view(store, view), query_view(pg_store, view)
    assert a.version == b.version and a.area_name == b.area_name and a.notes == b.notes
    pd.testing.assert_frame_equal(a.rows, b.rows, check_dtype=False)
    for metric in METRICS:
        x = query_view(store, view.with_(metric=metric)).totals()
        y = query_view(pg_store, view.with_(metric=metric)).totals()
        assert x == pytest.approx(y, nan_ok=True)


def test_open_store_picks_the_backend(store, pg_store):
    assert isinstance(open_store(store.location), GpkgStore)
    assert isinstance(open_store(pg_store.location), PostgisStore)
    assert pg_store.revision >= 1


def test_a_rewrite_bumps_the_revision_another_process_sees(store, pg_server):
    url = new_database(pg_server)
    assert _cli("copy", store.location, url).returncode == 0
    reader = PostgisStore.open(url)
    before = reader.revision
    assert _cli("copy", store.location, url).returncode == 0  # another process writes
    forget_revision(url)  # as when the revision's time to live has passed
    assert reader.revision == before + 1


def test_postgis_errors_say_what_to_do(pg_server, store, tmp_path):
    url = pg_server.rsplit("/", 1)[0] + "/khong_co"
    with pytest.raises(StoreError, match="Không kết nối được kho PostGIS"):
        PostgisStore.open(url)
    done = _cli("copy", store.location, url)
    assert done.returncode == 2 and "createdb" in done.stderr and "Traceback" not in done.stderr
    empty = new_database(pg_server)
    with pytest.raises(StoreError, match="chưa có bảng"):
        open_store(empty)
    with pytest.raises(StoreError, match="Kho nguồn và kho đích là một"):
        copy_store(empty, empty)
    assert safe_location("postgresql://u:secret@h:5/db") == "postgresql://u:***@h:5/db"
    # a server that is not there is said before the demo is built (no "Dựng ranh giới…")
    nowhere = f"postgresql://antt@127.0.0.1:{free_port()}/antt"
    done = _cli("demo", "--out", nowhere)
    assert done.returncode == 2 and "chưa chạy, hoặc sai máy chủ/cổng" in done.stderr
    assert "Dựng ranh giới" not in done.stderr


def _rows(store, suffix: str) -> pd.DataFrame:
    rows = check_registry(store, messy_workbook(GOOD), "ds.xlsx", "models").accepted
    return rows.assign(model_id=rows["model_id"].astype(str) + suffix, name=rows["name"] + suffix)


def _import(location: str, rows: pd.DataFrame, name: str):
    digest = hashlib.sha256(name.encode()).hexdigest()
    return apply_import(location, "models", rows, name, digest, 0)


def test_two_imports_at_the_same_moment_are_both_stored_on_postgis(pg_server, store):
    """Writers queue on the store's advisory lock: released together, many times, two
    different imports are both committed, each with its `imports` record."""
    url = new_database(pg_server)
    copy_store(store.location, url)
    pg = PostgisStore.open(url)
    for round_ in range(ROUNDS):
        a, b = _rows(pg, f"-{round_}a"), _rows(pg, f"-{round_}b")
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def job(rows, name, barrier=barrier, errors=errors):
            barrier.wait()
            try:
                _import(url, rows, name)
            except BaseException as err:  # handed to the test thread
                errors.append(err)

        threads = [
            threading.Thread(target=job, args=(a, f"a{round_}.xlsx")),
            threading.Thread(target=job, args=(b, f"b{round_}.xlsx")),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        forget_revision(url)
        stored = set(PostgisStore.open(url).table("models")["model_id"])
        assert set(a["model_id"]) <= stored and set(b["model_id"]) <= stored
    names = PostgisStore.open(url).table("imports")["file_name"].tolist()
    assert all(f"{k}{r}.xlsx" in names for r in range(ROUNDS) for k in "ab")


def test_registry_import_into_postgis_from_the_command_line(pg_server, store, tmp_path):
    url = new_database(pg_server)
    copy_store(store.location, url)
    before = PostgisStore.open(url).revision
    path = tmp_path / "ds.xlsx"
    path.write_bytes(messy_workbook(GOOD))
    done = _cli("import-models", str(path), "--store", url)
    assert done.returncode == 0, done.stderr
    forget_revision(url)
    pg = PostgisStore.open(url)
    assert pg.revision == before + 1
    models = pg.table("models")
    assert (models["is_demo"] == 0).any() and not (models["is_demo"] == 1).any()
    again = _cli("import-models", str(path), "--store", url)
    assert again.returncode == 0 and "cùng kết quả" in again.stdout
    assert len(PostgisStore.open(url).table("models")) == len(models)


def test_a_boundary_import_and_a_registry_import_at_once_are_both_stored_on_postgis(
    pg_server, store
):
    """The boundary import updates polygons in place in the same transaction as its
    display documents; a registry import released at the same moment is kept too."""
    url = new_database(pg_server)
    copy_store(store.location, url)
    pg = PostgisStore.open(url)
    shapes = official_districts(pg).rename(columns={"MA_HUYEN": "code"})
    shapes["code"] = shapes["code"].astype(str)
    shapes = shapes[["code", "geometry"]]
    rows = _rows(pg, "-ranh-gioi")
    doc = (
        'SELECT hash FROM "display_shapes" WHERE version = ? AND level = ? AND band = ? '
        "AND area = ?"
    )
    key = ("vn-2024", "district", "country", "")
    before = pg.fetch_one(doc, key)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def boundaries():
        barrier.wait()
        try:
            replace_geometries(
                pg, "vn-2024", "district", shapes, "huyen.geojson",
                hashlib.sha256(b"huyen").hexdigest(), "huyen.geojson (nhập 01/12/2026)",
            )  # fmt: skip
        except BaseException as err:
            errors.append(err)

    def registry():
        barrier.wait()
        try:
            _import(url, rows, "ds.xlsx")
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=boundaries), threading.Thread(target=registry)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    forget_revision(url)
    after = PostgisStore.open(url)
    assert {"boundaries", "models"} <= set(after.table("imports")["kind"])
    assert set(rows["model_id"]) <= set(after.table("models")["model_id"])
    got = after.unit_shapes("vn-2024", "district").set_index("code")
    for code, geom in zip(shapes["code"], shapes.geometry, strict=True):
        assert got.at[code, "is_approximate"] == 0
        assert shapely.equals_exact(
            shapely.normalize(got.geometry[code]), shapely.normalize(geom), tolerance=1e-9
        )
    # the display documents were prepared anew in the same transaction
    assert after.fetch_one(doc, key) != before


def test_an_older_store_is_upgraded_in_place_once(store, pg_server, tmp_path):
    """A store built before `official_areas` existed gets it (from the reference list)
    and its step in `schema_version`; an up-to-date store is not written at all."""
    import shutil
    import sqlite3

    from geodata.migrations import LATEST
    from geodata.pg_store import SCHEMA, engine_for

    assert SCHEMA == LATEST  # a store written whole is at the latest layout
    old = tmp_path / "cu.gpkg"
    shutil.copy(store.location, old)
    with sqlite3.connect(old) as conn:
        conn.execute('DROP TABLE "official_areas"')
        conn.execute('DROP TABLE IF EXISTS "schema_version"')  # as built before both existed
        conn.execute(
            "DELETE FROM gpkg_contents WHERE table_name IN ('official_areas', 'schema_version')"
        )
    conn.close()
    done = _cli("upgrade", "--store", str(old))
    assert done.returncode == 0, done.stderr
    assert "official_areas" in done.stdout
    upgraded = GpkgStore.open(old)
    assert len(upgraded.table("official_areas")) == len(store.table("official_areas"))
    assert upgraded.fetch_one('SELECT MAX(version) FROM "schema_version"')[0] == LATEST
    stamp = old.stat().st_mtime_ns
    again = _cli("upgrade", "--store", str(old))
    assert again.returncode == 0 and "mới nhất" in again.stdout
    assert old.stat().st_mtime_ns == stamp
    # the same on PostGIS
    url = new_database(pg_server)
    copy_store(store.location, url)
    assert "mới nhất" in _cli("upgrade", "--store", url).stdout
    with engine_for(url).begin() as conn:
        conn.exec_driver_sql('DROP TABLE "official_areas"')
        conn.exec_driver_sql('DELETE FROM "schema_version"')
    done = _cli("upgrade", "--store", url)
    assert done.returncode == 0 and "official_areas" in done.stdout, done.stderr
    forget_revision(url)
    assert len(PostgisStore.open(url).table("official_areas")) == len(store.table("official_areas"))
