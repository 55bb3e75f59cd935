"""Display geometry: coverage-preserving simplification and the compact encoding."""

from __future__ import annotations

import sqlite3

import numpy as np
import shapely

from geodata.display import BANDS, decode_layer, encode_layer, simplify_coverage
from geodata.display_docs import DISPLAY_SHAPES, display_layers, doc_frame, read_doc

MAX_NATIONAL_COMMUNE_GZIP = 600_000  # bytes the browser fetches once, then caches


def test_simplified_levels_stay_valid_coverages(store):
    for version, level in [("vn-2024", "commune"), ("vn-2025", "commune"), ("vn-2024", "province")]:
        shapes = simplify_coverage(store.unit_shapes(version, level), BANDS["country"].tolerance_m)
        geoms = shapes.geometry.to_numpy()
        assert not shapely.is_empty(geoms).any()
        assert shapely.coverage_is_valid(geoms)


def test_encoding_round_trips_within_one_quantum(store):
    shapes = store.unit_shapes("vn-2024", "commune").head(200)
    q = 1e-4
    decoded = decode_layer(encode_layer(shapes, q, ("code", "name")))
    assert [d[0][0] for d in decoded] == shapes["code"].tolist()
    assert [d[0][1] for d in decoded] == shapes["name"].tolist()
    for (_, polys), geom in zip(decoded, shapes.geometry, strict=True):
        first = np.asarray(shapely.get_parts(geom)[0].exterior.coords)
        assert np.abs(polys[0][0][0] - first[0]).max() <= q / 2 + 1e-12
        rebuilt = shapely.MultiPolygon([shapely.Polygon(p[0], p[1:]) for p in polys])
        # moving every vertex by at most half a quantum changes the area by at most
        # about perimeter × quantum
        assert abs(rebuilt.area - geom.area) <= geom.length * q


def test_display_documents_are_prepared_in_the_store(store):
    """Built with the store: every level nationally, and each province on its own."""
    with sqlite3.connect(store.path) as conn:
        rows = conn.execute(
            f'SELECT version, level, band, count(*) FROM "{DISPLAY_SHAPES}" '
            "GROUP BY version, level, band"
        ).fetchall()
    got = {(v, lv, b): n for v, lv, b, n in rows}
    assert got[("vn-2024", "commune", "country")] == 1
    assert got[("vn-2024", "commune", "province")] == 63
    assert got[("vn-2025", "commune", "province")] == 34
    assert ("vn-2025", "district", "country") not in got  # no districts after the reform
    national = read_doc(store, "vn-2024", "commune", "country", "")
    assert len(national.codes) == 10040 and len(national.body) < MAX_NATIONAL_COMMUNE_GZIP
    assert national.path == f"/geo/vn-2024/commune/country/vn/{national.hash}.json"
    # the province band holds only that province's units, simplified on their own
    hb = read_doc(store, "vn-2024", "commune", "province", "17")
    communes = store.units("vn-2024", "commune")
    assert set(hb.codes) == set(communes.loc[communes.province_code == "17", "code"])
    frame = doc_frame(hb)
    assert frame["code"].tolist() == list(hb.codes) and frame.geometry.is_valid.mean() > 0.99


def test_area_subsets_and_bounds(store):
    layers = display_layers(store, "vn-2024", "commune", {"level": "province", "code": "17"})
    assert len(layers.units) == 151
    assert set(layers.outlines["code"]) == {"17"}
    (south, west), (north, east) = layers.bounds
    assert 20 < south < north < 21.2 and 104.5 < west < east < 106.2
    national = display_layers(store, "vn-2025", "province", None)
    (south, west), (north, east) = national.bounds
    assert south < 8.0 and east > 114.0  # Trường Sa is inside the national view
