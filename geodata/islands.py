"""Real positions of Vietnam's offshore archipelagos and island districts.

Natural Earth's outline of Vietnam leaves out Hoàng Sa (Paracel) and Trường Sa
(Spratly), and the reference package puts their units on the mainland. A map shown to
officials must show them where they are, so the tessellation adds these islands to
the national domain and puts each island unit's point on its main island.
Positions are WGS 84 (lat, lon), rounded to ~1 km; shapes are small discs.
"""

from __future__ import annotations

# Archipelago -> (island name, lat, lon).
ARCHIPELAGOS: dict[str, tuple[tuple[str, float, float], ...]] = {
    "Hoàng Sa": (
        ("Phú Lâm", 16.834, 112.339),
        ("Cây", 16.979, 112.264),
        ("Linh Côn", 16.669, 112.729),
        ("Hoàng Sa", 16.532, 111.608),
        ("Hữu Nhật", 16.546, 111.581),
        ("Quang Hòa", 16.448, 111.711),
        ("Duy Mộng", 16.462, 111.739),
        ("Tri Tôn", 15.784, 111.204),
        ("Bạch Quy", 16.060, 111.770),
    ),
    "Trường Sa": (
        ("Song Tử Tây", 11.429, 114.331),
        ("Đá Nam", 11.390, 114.300),
        ("Sơn Ca", 10.377, 114.478),
        ("Ba Bình", 10.377, 114.365),
        ("Nam Yết", 10.181, 114.362),
        ("Sinh Tồn", 9.883, 114.329),
        ("Sinh Tồn Đông", 9.910, 114.560),
        ("Len Đao", 9.780, 114.370),
        ("Phan Vinh", 8.970, 113.690),
        ("Trường Sa Đông", 8.930, 112.350),
        ("Đá Tây", 8.850, 112.220),
        ("Trường Sa", 8.644, 111.917),
        ("Thuyền Chài", 8.180, 113.300),
        ("An Bang", 7.870, 112.920),
    ),
}

# Island radius for the demo shapes, metres: big enough to be seen on a national map.
ISLAND_RADIUS_M = 2500.0

# (unit name as in the reference list, without type word) -> (lat, lon) of its main island.
# Keys are matched against `short_name` of island units of both boundary versions.
ISLAND_UNIT_POINTS: dict[str, tuple[float, float]] = {
    "Hoàng Sa": (16.532, 111.608),
    "Trường Sa": (8.644, 111.917),
    "Song Tử Tây": (11.429, 114.331),
    "Sinh Tồn": (9.883, 114.329),
}

# Island units whose province must match, so a mainland namesake is never moved.
ISLAND_UNIT_PROVINCES = {
    "Hoàng Sa": "Đà Nẵng",
    "Trường Sa": "Khánh Hòa",
    "Song Tử Tây": "Khánh Hòa",
    "Sinh Tồn": "Khánh Hòa",
}
