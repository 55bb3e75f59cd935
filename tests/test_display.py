"""Display geometry: coverage-preserving simplification and the compact encoding."""

from __future__ import annotations

import numpy as np
import shapely

from geodata.display import BANDS, decode_layer, display_layers, encode_layer, simplified_level

MAX_NATIONAL_COMMUNE_BYTES = 4_000_000  # the payload budget


def test_simplified_levels_stay_valid_coverages(store):
    for version, level in [("vn-2024", "commune"), ("vn-2025", "commune"), ("vn-2024", "province")]:
        shapes = simplified_level(store, version, level, BANDS["country"])
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


def test_national_commune_payload_is_within_budget(store):
    layers = display_layers(store, "vn-2024", "commune", None)
    units = encode_layer(layers.units, layers.band.quantum_deg, ("code", "name"))
    outlines = encode_layer(layers.outlines, layers.band.quantum_deg)
    assert len(layers.units) == 10040
    size = len(units.encode()) + len(outlines.encode())
    assert size < MAX_NATIONAL_COMMUNE_BYTES


def test_area_subsets_and_bounds(store):
    layers = display_layers(store, "vn-2024", "commune", {"level": "province", "code": "17"})
    assert len(layers.units) == 151
    assert set(layers.outlines["code"]) == {"17"}
    (south, west), (north, east) = layers.bounds
    assert 20 < south < north < 21.2 and 104.5 < west < east < 106.2
    national = display_layers(store, "vn-2025", "province", None)
    (south, west), (north, east) = national.bounds
    assert south < 8.0 and east > 114.0  # Trường Sa is inside the national view
