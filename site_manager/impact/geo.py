"""The building in the neighbourhood map: model XY → map XY by the model's map conversion."""

from __future__ import annotations

import math
from typing import Any

import shapely
from shapely import affinity


def map_matrix(frames: Any) -> list[float]:
    """Shapely affine matrix [a, b, d, e, xoff, yoff] from model XY to the map's XY.

    The stored ``IfcMapConversion`` (x' = E + λ(cos·x − sin·y), y' = N + λ(sin·x + cos·y));
    the identity where the model gives none (:func:`site_manager.assumptions.
    impact_assumptions` says so).
    """
    conv = frames.site.get("map_conversion") or None
    if not conv:
        return [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    a = float(conv.get("x_axis_abscissa") or 1.0)
    b = float(conv.get("x_axis_ordinate") or 0.0)
    n = math.hypot(a, b) or 1.0
    c, s = a / n, b / n
    k = float(conv.get("scale") or 1.0)
    return [
        k * c,
        -k * s,
        k * s,
        k * c,
        float(conv.get("eastings") or 0.0),
        float(conv.get("northings") or 0.0),
    ]


def to_map(frames: Any, geom: Any) -> Any:
    """A shapely geometry of the model's XY in the neighbourhood map's XY."""
    return affinity.affine_transform(geom, map_matrix(frames))


def site_footprint(frames: Any) -> Any:
    """The union of the (not removed) spaces' footprints in the map's XY (empty if none)."""
    spaces = frames.spaces
    if len(spaces) and "removed" in spaces:
        spaces = spaces[~spaces["removed"].fillna(False).astype(bool)]
    geoms = [
        shapely.from_wkt(w) for w in spaces.get("footprint_wkt", []) if isinstance(w, str) and w
    ]
    if not geoms:
        return shapely.Polygon()
    return to_map(frames, shapely.union_all([g.buffer(0) for g in geoms]))
