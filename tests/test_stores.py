"""The two stores behind one interface: a real GeoPackage and a real PostGIS (a
throwaway cluster, see tests/pg_support.py). Copies read back identical, both answer
every query the same, writes into PostGIS that are not supported yet say what to do."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import shapely

from geodata.errors import StoreError
from geodata.pg_store import PostgisStore, safe_location
from geodata.query import query_view
from geodata.store import GpkgStore, open_store
from geodata.store_copy import read_layers
from geodata.view import METRICS, MapView
from tests.pg_support import new_database


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
    reader._seen[0] = 0.0  # past the revision's time to live
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
        from geodata.store_copy import copy_store

        copy_store(empty, empty)
    assert safe_location("postgresql://u:secret@h:5/db") == "postgresql://u:***@h:5/db"


def test_imports_into_postgis_are_refused_with_the_way_round(pg_store, tmp_path):
    """Registry imports write a GeoPackage in place; into PostGIS they are not written
    yet: the command checks the file, stores nothing and names the two steps instead."""
    csv = tmp_path / "so.csv"
    csv.write_text(
        "Tên mô hình,Loại mô hình,Tỉnh,Huyện,Xã/Phường,Năm thành lập\n"
        "Tổ liên gia tự quản,Tổ liên gia tự quản,Hòa Bình,Đà Bắc,Xã Tú Lý,2019\n",
        encoding="utf-8",
    )
    before = len(pg_store.table("models"))
    done = _cli("import-models", str(csv), "--store", pg_store.location)
    assert done.returncode == 2, done.stdout
    assert "antt-map copy" in done.stderr and "chưa làm được" in done.stderr
    assert len(PostgisStore.open(pg_store.location).table("models")) == before
