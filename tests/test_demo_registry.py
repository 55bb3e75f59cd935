"""The demo registry: deterministic, marked as demo, internally consistent."""

from __future__ import annotations

import pandas as pd
import pandas.testing as pdt

from geodata.build import build_demo_store
from geodata.store import GpkgStore
from tests.helpers import active_models


def test_every_demo_row_is_marked(store):
    assert (store.table("models")["is_demo"] == 1).all()
    assert (store.table("commune_status")["is_demo"] == 1).all()


def test_status_flags_are_consistent(store):
    s = store.table("commune_status")
    assert set(s["year"]) == set(range(2014, 2027))
    assert ((s["transitioned"] == 1) <= (s["hotspot"] == 1)).all(), "transitioned implies hotspot"
    assert not ((s["certified"] == 1) & (s["hotspot"] == 1) & (s["transitioned"] == 0)).any()
    # hotspot and transitioned are cumulative: once set, they stay set
    old = s[s.version == "vn-2024"].sort_values(["code", "year"])
    for flag in ("hotspot", "transitioned"):
        assert (old.groupby("code")[flag].diff().fillna(0) >= 0).all()


def test_models_reference_existing_communes_of_their_version(store):
    m = store.table("models")
    for version, group in m.groupby("version"):
        codes = set(store.units(version, "commune")["code"])
        assert set(group["commune_code"]) <= codes
    assert set(m.loc[m.start_year >= 2025, "version"]) == {"vn-2025"}
    assert set(m.loc[m.start_year < 2025, "version"]) == {"vn-2024"}
    assert m["recognition"].isin(["national", "provincial", "district", "none"]).all()
    assert (m["end_year"].isna() | (m["end_year"] >= m["start_year"])).all()


def test_model_points_lie_inside_their_commune(store):
    import geopandas as gpd

    m = store.table("models").dropna(subset=["lon", "lat"]).sample(300, random_state=1)
    pts = gpd.GeoDataFrame(m, geometry=gpd.points_from_xy(m.lon, m.lat), crs=4326)
    for version in ("vn-2024", "vn-2025"):
        shapes = store.unit_shapes(version, "commune").set_index("code")
        part = pts[pts.version == version]
        inside = [
            shapes.geometry[c].covers(p)
            for c, p in zip(part.commune_code, part.geometry, strict=True)
        ]
        assert all(inside)


def test_figures_grow_over_time(store):
    s = store.table("commune_status")
    cert = s[s.version == "vn-2024"].groupby("year")["certified"].mean()
    assert cert[2024] > cert[2019] > cert[2014]
    active = [len(active_models(store, y, y)) for y in (2014, 2019, 2024)]
    assert active[0] < active[1] < active[2]


def test_rebuild_is_deterministic(demo_build, tmp_path):
    again = build_demo_store(tmp_path / "again.gpkg")
    a, b = GpkgStore.open(demo_build.path), GpkgStore.open(again.path)
    for table in ("models", "commune_status", "unit_crosswalk", "boundary_versions"):
        pdt.assert_frame_equal(a.table(table), b.table(table))
    for version in ("vn-2024", "vn-2025"):
        pdt.assert_frame_equal(a.units(version), b.units(version))
    sa = a.unit_shapes("vn-2025", "commune")
    sb = b.unit_shapes("vn-2025", "commune")
    assert sa.geometry.geom_equals_exact(sb.geometry, tolerance=0).all()
    assert isinstance(a.table("imports"), pd.DataFrame)
