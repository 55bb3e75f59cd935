"""Bad stores and failed writes: clear errors, and never a half-written store."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geodata.errors import StoreError
from geodata.store import GpkgStore, resolve_store, write_store


def test_missing_store_says_how_to_create_it(tmp_path):
    with pytest.raises(StoreError, match=r"Không tìm thấy kho dữ liệu .*antt-map demo --out"):
        GpkgStore.open(tmp_path / "none.gpkg")


def test_corrupt_store_is_refused(tmp_path):
    bad = tmp_path / "bad.gpkg"
    bad.write_bytes(b"PK\x03\x04 this is a zip, not a GeoPackage" * 10)
    with pytest.raises(StoreError, match="không phải GeoPackage hợp lệ"):
        GpkgStore.open(bad)


def test_truncated_store_is_refused(store, tmp_path):
    cut = tmp_path / "cut.gpkg"
    cut.write_bytes(store.path.read_bytes()[:8192])
    with pytest.raises(StoreError, match=r"không đọc được như GeoPackage|thiếu bảng"):
        GpkgStore.open(cut)


def test_plain_sqlite_without_tables_is_refused(tmp_path):
    db = tmp_path / "plain.gpkg"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE x (a)")
    with pytest.raises(StoreError, match="không đọc được như GeoPackage"):
        GpkgStore.open(db)


def test_directory_is_refused(tmp_path):
    with pytest.raises(StoreError, match="là một thư mục"):
        GpkgStore.open(tmp_path)


def test_an_unknown_kind_of_store_is_refused_naming_the_two_kinds():
    from geodata.store import open_store

    with pytest.raises(StoreError, match=r"loại 'mysql' không được hỗ trợ.*GeoPackage.*PostGIS"):
        open_store("mysql://localhost/antt")


def test_an_unreachable_postgis_store_says_what_to_check():
    from geodata.store import open_store
    from tests.browser_support import free_port

    with pytest.raises(
        StoreError, match=r"Không kết nối được kho PostGIS.*chưa chạy, hoặc sai máy chủ/cổng"
    ):
        open_store(f"postgresql://antt:bi-mat@127.0.0.1:{free_port()}/antt")
    try:
        open_store(f"postgresql://antt:bi-mat@127.0.0.1:{free_port()}/antt")
    except StoreError as err:
        assert "bi-mat" not in str(err)  # a password is never shown


def test_store_setting_order(monkeypatch):
    monkeypatch.delenv("ANTT_STORE", raising=False)
    assert resolve_store(None) == "data/antt.gpkg"
    monkeypatch.setenv("ANTT_STORE", "/x/y.gpkg")
    assert resolve_store(None) == "/x/y.gpkg"
    assert resolve_store("z.gpkg") == "z.gpkg"


def _layers():
    units = gpd.GeoDataFrame({"code": ["01"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=4326)
    plain = pd.DataFrame({"a": [1]})
    return {
        "admin_units": units,
        "boundary_versions": plain,
        "unit_crosswalk": plain,
        "models": plain,
        "commune_status": plain,
        "imports": plain,
    }


def test_failed_write_leaves_existing_store_untouched(tmp_path, monkeypatch):
    target = tmp_path / "s.gpkg"
    write_store(target, _layers())
    before = hashlib.sha256(target.read_bytes()).hexdigest()

    import pyogrio

    real = pyogrio.write_dataframe
    calls = []

    def disk_fills_up(df, path, layer, **kw):  # the fourth table hits a full disk
        calls.append(layer)
        if len(calls) == 4:
            raise OSError(28, "No space left on device")
        return real(df, path, layer=layer, **kw)

    monkeypatch.setattr(pyogrio, "write_dataframe", disk_fills_up)
    with pytest.raises(StoreError, match=r"kho cũ được giữ nguyên.*No space left"):
        write_store(target, _layers())
    assert len(calls) == 4
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before
    # no temp file left; the lock file stays (removing it would let two writers lock
    # two different files)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.gpkg", "s.gpkg.lock"]


def test_write_with_missing_table_is_refused(tmp_path):
    layers = _layers()
    del layers["imports"]
    with pytest.raises(StoreError, match="Thiếu bảng imports"):
        write_store(tmp_path / "s.gpkg", layers)
    assert not (tmp_path / "s.gpkg").exists()


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_cli_reports_missing_store_without_traceback(tmp_path):
    r = _cli("query", "--store", str(tmp_path / "none.gpkg"))
    assert r.returncode == 2
    assert "Lỗi: Không tìm thấy kho dữ liệu" in r.stderr
    assert "Traceback" not in r.stderr


def test_cli_reports_bad_view_without_traceback(store):
    r = _cli("query", "--store", str(store.path), "--metric", "khong_co")
    assert r.returncode == 2 and "Chỉ tiêu 'khong_co' không tồn tại" in r.stderr
    r = _cli("query", "--store", str(store.path), "--year", "2026", "--level", "district")
    assert r.returncode == 2 and "Cấp huyện/quận không có" in r.stderr
    r = _cli("query", "--store", str(store.path), "--year", "hai nghìn")
    assert r.returncode == 2 and "năm 'hai nghìn' không hợp lệ" in r.stderr
    assert "Traceback" not in r.stderr


def test_cli_unwritable_output_leaves_nothing(tmp_path):
    locked = tmp_path / "ro"
    locked.mkdir()
    target = locked / "x.gpkg"
    # a path whose parent is a file cannot be created, even as root
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = _cli("demo", "--out", str(blocker / "x.gpkg"))
    assert r.returncode == 2, r.stderr
    assert "Lỗi: Không ghi được vào thư mục" in r.stderr
    assert "Traceback" not in r.stderr
    assert not target.exists()


def test_cli_query_prints_the_hoa_binh_figures(store):
    r = _cli("query", "--store", str(store.path), "--year", "2020", "--area", "17", "--csv")
    assert r.returncode == 0, r.stderr
    # the page's CSV: Vietnamese headers, ';' between fields, ',' before decimals
    df = pd.read_csv(__import__("io").StringIO(r.stdout), sep=";", decimal=",")
    assert df["Số mô hình"].sum() == 112 and df["Xã đạt chuẩn ANTT"].sum() == 123
    assert df["Tỷ lệ đạt chuẩn (%)"].dtype == float
    r = _cli("query", "--store", str(store.path), "--year", "2020", "--area", "17")
    assert "Tên đơn vị" in r.stdout and "Hòa Bình" in r.stdout and "112" in r.stdout
