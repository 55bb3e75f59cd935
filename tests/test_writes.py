"""One writer at a time: imports, boundary imports and rebuilds on one real store.

Writers are lined up with barriers and with the lock's own "waiting" hook, never with
sleeps, so each test forces the interleaving it checks.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import threading

import pandas as pd
import pyogrio
import pytest
import shapely

from geodata import boundary_update as bu
from geodata import gpkg_write
from geodata import imports as imports_mod
from geodata.boundary_update import replace_geometries
from geodata.errors import StoreError
from geodata.gpkg_write import blob_geometry, gpkg_blob, store_lock
from geodata.imports import apply_import
from geodata.schema import EQUAL_AREA_CRS
from geodata.store import GpkgStore, write_store, write_transaction
from loaders.registry import check_registry
from tests.helpers import official_districts
from tests.registry_files import GOOD, messy_workbook

ROUNDS = 5
ALL_TABLES = (
    "admin_units",
    "boundary_versions",
    "unit_crosswalk",
    "models",
    "commune_status",
    "imports",
    "rtree_admin_units_geom",
    "gpkg_contents",
    "gpkg_ogr_contents",
)


@pytest.fixture(scope="module")
def inputs(demo_build):
    """What the writers store: Hòa Bình's districts shifted 300 m, and registry rows from
    a messy workbook (twice, under different names, for two distinct imports)."""
    store = GpkgStore.open(demo_build.path)
    d = official_districts(store).rename(columns={"MA_HUYEN": "code"})
    d["code"] = d["code"].astype(str)
    rows = check_registry(store, messy_workbook(GOOD), "ds.xlsx", "models").accepted
    other = rows.assign(model_id=rows["model_id"].astype(str) + "-b", name=rows["name"] + " (tổ 2)")
    return d[["code", "geometry"]], rows, other


def _copy(demo_build, tmp_path, name="antt.gpkg") -> GpkgStore:
    path = tmp_path / name
    shutil.copy(demo_build.path, path)
    return GpkgStore.open(path)


def _dump(path) -> dict:
    with sqlite3.connect(path) as c:
        out = {t: c.execute(f'SELECT * FROM "{t}"').fetchall() for t in ALL_TABLES}
    c.close()
    return out


def _boundaries(store, shapes, name="huyen.geojson"):
    return replace_geometries(
        store, "vn-2024", "district", shapes, name, hashlib.sha256(name.encode()).hexdigest(),
        f"{name} (nhập 01/01/2026)",
    )  # fmt: skip


def _registry(store, rows, name="ds.xlsx"):
    digest = hashlib.sha256(name.encode()).hexdigest()
    return apply_import(store.path, "models", rows, name, digest, 0)


def _assert_both_stored(path, shapes, rows):
    store = GpkgStore.open(path)
    kinds = store.table("imports")
    assert {"boundaries", "models"} <= set(kinds["kind"])
    assert set(rows["model_id"]) <= set(store.table("models")["model_id"])
    got = store.unit_shapes("vn-2024", "district").set_index("code")
    for code, geom in zip(shapes["code"], shapes.geometry, strict=True):
        assert got.at[code, "is_approximate"] == 0
        assert shapely.equals_exact(
            shapely.normalize(got.geometry[code]), shapely.normalize(geom), tolerance=1e-9
        )


def _run(*jobs):
    """Run jobs in threads released together by a barrier; re-raise the first error."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def wrap(job):
        barrier.wait()
        try:
            job()
        except BaseException as err:  # handed to the test thread
            errors.append(err)

    threads = [threading.Thread(target=wrap, args=(j,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def test_gpkg_blob_round_trips_with_its_envelope():
    poly = shapely.Polygon([(105, 20), (106, 20), (106, 21), (105, 20)])
    blob = gpkg_blob(poly)
    assert blob[:2] == b"GP" and blob[3] == 0b11
    assert gpkg_write.blob_bounds(blob) == (105.0, 106.0, 20.0, 21.0)
    assert blob_geometry(blob).equals(shapely.MultiPolygon([poly]))


def test_boundary_and_registry_imports_started_together_are_both_stored(
    demo_build, inputs, tmp_path
):
    shapes, rows, _ = inputs
    for i in range(ROUNDS):
        store = _copy(demo_build, tmp_path, f"round{i}.gpkg")
        _run(lambda s=store: _boundaries(s, shapes), lambda s=store: _registry(s, rows))
        _assert_both_stored(store.path, shapes, rows)


def test_a_registry_import_arriving_mid_boundary_import_waits_and_is_stored(
    demo_build, inputs, tmp_path, monkeypatch
):
    """The boundary import is held inside its transaction until the registry import is
    seen waiting for the lock: the old rewrite-and-rename lost the registry rows here."""
    shapes, rows, _ = inputs
    store = _copy(demo_build, tmp_path)
    holding, waiting = threading.Event(), threading.Event()
    monkeypatch.setattr(gpkg_write, "on_wait", lambda _p: waiting.set())
    write_units = bu._write_units

    def held(conn, units, changes):
        write_units(conn, units, changes)
        holding.set()
        assert waiting.wait(60), "the registry import never waited for the lock"

    monkeypatch.setattr(bu, "_write_units", held)
    _run(lambda: _boundaries(store, shapes), lambda: (holding.wait(60), _registry(store, rows)))
    _assert_both_stored(store.path, shapes, rows)


def test_two_registry_imports_together_are_both_stored(demo_build, inputs, tmp_path):
    _, rows, other = inputs
    for i in range(ROUNDS):
        store = _copy(demo_build, tmp_path, f"round{i}.gpkg")
        _run(lambda s=store: _registry(s, rows, "a.xlsx"), lambda s=store: _registry(s, other, "b.xlsx"))  # fmt: skip
        stored = GpkgStore.open(store.path)
        assert set(rows["model_id"]) | set(other["model_id"]) <= set(
            stored.table("models")["model_id"]
        )
        files = stored.table("imports")["file_name"].tolist()
        assert files.count("a.xlsx") == 1 and files.count("b.xlsx") == 1


def _small_rebuild(demo_build) -> dict:
    """The tables of a rebuilt store (provinces only, a marker import), cheap to write."""
    src = demo_build.path
    units = pyogrio.read_dataframe(src, layer="admin_units", where="level = 'province'")
    tables = {
        t: pyogrio.read_dataframe(src, layer=t, read_geometry=False, max_features=50)
        for t in ("boundary_versions", "unit_crosswalk", "models", "commune_status")
    }
    imports = pd.DataFrame([{"import_id": 1, "kind": "demo", "file_name": "(dựng lại)",
                             "checksum": "x", "imported_at": "2026-01-01T00:00:00",
                             "imported_by": "", "rows_accepted": 0, "rows_rejected": 0}])  # fmt: skip
    return {"admin_units": units, **tables, "imports": imports}


@pytest.mark.parametrize("first", ["import", "rebuild"])
def test_a_rebuild_and_an_import_never_interleave(demo_build, inputs, tmp_path, monkeypatch, first):
    """Whoever holds the lock first finishes first: an import first is then replaced by
    the rebuilt store as a whole; a rebuild first gets the import written into it."""
    _, rows, _ = inputs
    store = _copy(demo_build, tmp_path)
    layers = _small_rebuild(demo_build)
    holding, waiting = threading.Event(), threading.Event()
    monkeypatch.setattr(gpkg_write, "on_wait", lambda _p: waiting.set())
    if first == "import":
        insert = imports_mod._insert

        def held(conn, sql, values):
            insert(conn, sql, values)
            holding.set()
            assert waiting.wait(60)

        monkeypatch.setattr(imports_mod, "_insert", held)
        jobs = (lambda: _registry(store, rows), lambda: write_store(store.path, layers))
    else:
        import geodata.store as store_mod

        settle = store_mod.settle_journal

        def held(path):
            settle(path)
            holding.set()
            assert waiting.wait(60)

        monkeypatch.setattr(store_mod, "settle_journal", held)
        jobs = (lambda: write_store(store.path, layers), lambda: _registry(store, rows))

    def second():
        assert holding.wait(60)  # the first writer holds the lock
        jobs[1]()

    _run(jobs[0], second)
    after = GpkgStore.open(store.path)
    assert set(after.units("vn-2024")["level"]) == {"province"}  # the rebuilt store
    files = after.table("imports")["file_name"].tolist()
    stored = set(rows["model_id"]) <= set(after.table("models")["model_id"])
    if first == "import":
        assert files == ["(dựng lại)"] and not stored
    else:
        assert files == ["(dựng lại)", "ds.xlsx"] and stored
    assert len(pyogrio.read_dataframe(after.path, layer="admin_units")) == 63 + 34


def test_a_failure_midway_through_a_boundary_import_leaves_every_table_as_it_was(
    demo_build, inputs, tmp_path, monkeypatch
):
    shapes, _, _ = inputs
    store = _copy(demo_build, tmp_path)
    before, data = _dump(store.path), store.path.read_bytes()

    def disk_full(*_args):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(bu, "_write_version", disk_full)  # after the polygons were written
    with pytest.raises(StoreError, match=r"đĩa đầy.*giữ nguyên"):
        _boundaries(store, shapes)
    assert _dump(store.path) == before
    assert store.path.read_bytes() == data


def test_boundary_import_in_place_reads_back_and_keeps_the_rtree_right(
    demo_build, inputs, tmp_path
):
    shapes, _, _ = inputs
    store = _copy(demo_build, tmp_path)
    res = _boundaries(store, shapes)
    assert res.replaced == 10 and not res.unchanged
    got = pyogrio.read_dataframe(store.path, layer="admin_units", where="level = 'district'")
    got = got.set_index("code")
    new = shapes.set_index("code").geometry
    for code, geom in new.items():
        assert shapely.equals_exact(
            shapely.normalize(got.geometry[code]), shapely.normalize(geom), tolerance=1e-9
        )
    # areas recomputed in the equal-area projection
    want = shapes.set_crs(4326).to_crs(EQUAL_AREA_CRS).area.to_numpy() / 1e6
    assert got.loc[shapes["code"], "area_km2"].to_numpy() == pytest.approx(want, rel=1e-9)
    # the R-tree holds the new boxes: a bbox filter only around the shifted east edge
    # of each district finds it
    for code, geom in new.items():
        minx, miny, maxx, maxy = geom.bounds
        box = (maxx - 1e-4, miny, maxx, maxy)
        hit = pyogrio.read_dataframe(store.path, layer="admin_units", bbox=box,
                                     where=f"level = 'district' AND code = '{code}'")  # fmt: skip
        assert len(hit) == 1
    with sqlite3.connect(store.path) as c:
        fids = dict(c.execute("SELECT code, fid FROM admin_units WHERE level = 'district'"))
        for code, geom in new.items():
            box = c.execute(
                "SELECT minx, maxx, miny, maxy FROM rtree_admin_units_geom WHERE id = ?",
                (fids[code],),
            ).fetchone()
            minx, miny, maxx, maxy = geom.bounds
            # the R-tree keeps 32-bit floats rounded outwards: within one step (~1.5e-5°)
            assert box[0] <= minx and box[1] >= maxx and box[2] <= miny and box[3] >= maxy
            assert box == pytest.approx((minx, maxx, miny, maxy), abs=3e-5)
        assert c.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    c.close()


def test_write_transaction_commits_or_rolls_back_and_says_when_the_lock_is_busy(
    demo_build, tmp_path
):
    store = _copy(demo_build, tmp_path)
    with write_transaction(store.path) as conn:
        conn.execute(
            "UPDATE boundary_versions SET valid_to = '2025-06-29' WHERE version = 'vn-2024'"
        )
    assert GpkgStore.open(store.path).table("boundary_versions")["valid_to"].iloc[0] == "2025-06-29"
    with pytest.raises(RuntimeError), write_transaction(store.path) as conn:
        conn.execute("DELETE FROM models")
        raise RuntimeError("stop")
    assert len(GpkgStore.open(store.path).table("models")) > 0
    busy = pytest.raises(StoreError, match=r"đang được.*chạy lại")
    with store_lock(store.path), busy, write_transaction(store.path, timeout=0):
        pass
    missing = pytest.raises(StoreError, match="Không tìm thấy kho")
    with missing, write_transaction(tmp_path / "none.gpkg"):
        pass
