"""Polygon overlay that does not fail on real boundary files.

GEOS's floating-point overlay can stop with a TopologyException ("side location
conflict") on valid polygons whose edges nearly coincide, which is what official
files beside approximate or earlier polygons are full of. Shapely's snap-rounding
overlay (`grid_size`) is robust; it is used only when the exact one fails, on a grid
far below what a boundary file can mean (1e-7° ≈ 1 cm; 1 cm in metres).
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.errors import GEOSException

GRID_DEGREES = 1e-7
GRID_METRES = 0.01


def overlay(op, a, b, grid: float = GRID_DEGREES):
    """`op(a, b)` for a shapely set operation (intersection, difference, union), retried
    element by element with snap rounding on `grid` where GEOS cannot compute it exactly."""
    try:
        return op(a, b)
    except GEOSException:
        if np.ndim(a) == 0 and np.ndim(b) == 0:
            return op(shapely.make_valid(a), shapely.make_valid(b), grid_size=grid)
        a, b = np.broadcast_arrays(np.asarray(a, dtype=object), np.asarray(b, dtype=object))
        return np.array([overlay(op, x, y, grid) for x, y in zip(a, b, strict=True)], dtype=object)
