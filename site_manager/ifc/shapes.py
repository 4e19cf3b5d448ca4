"""The shared pieces of the fast geometry path: parts, rings, tolerances and caches.

:mod:`site_manager.ifc.profiles` (2D curves and profiles), :mod:`site_manager.ifc.meshes`
(polyhedral surfaces) and :mod:`site_manager.ifc.geometry` (representation items) all build
on these; none of them imports another for them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from site_manager.ifc.placement import PlacementCache

__all__ = [
    "EMPTY",
    "GRID_M",
    "MIN_HOLE_M2",
    "SEGMENTS_PER_TURN",
    "GeometryContext",
    "Part",
    "Rings",
    "Unsupported",
    "clean_footprint",
    "merge_parts",
]

#: Points per full turn when arcs and circles become polygons (area error below 0.05 %).
SEGMENTS_PER_TURN = 128
#: Grid (metres) on which footprint unions are snapped; removes slivers between faces.
GRID_M = 1e-6
#: Holes smaller than this (m²) left by imperfect face unions are dropped.
MIN_HOLE_M2 = 1e-4
EMPTY = Polygon()


class Unsupported(Exception):
    """A representation item the fast path does not read (boolean, curved B-rep, ...)."""


def clean_footprint(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the polygonal part of ``geom``, valid, without sliver holes."""
    if geom.is_empty:
        return EMPTY
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    polys: list[Polygon] = []
    for g in getattr(geom, "geoms", [geom]):
        if isinstance(g, Polygon):
            polys.append(g)
        elif hasattr(g, "geoms"):
            polys.extend(x for x in g.geoms if isinstance(x, Polygon))
    out = []
    for p in polys:
        if p.area <= 0:
            continue
        holes = [r for r in p.interiors if Polygon(r).area >= MIN_HOLE_M2]
        out.append(Polygon(p.exterior, holes) if len(holes) != len(p.interiors) else p)
    if not out:
        return EMPTY
    if len(out) == 1:
        return out[0]
    return shapely.MultiPolygon(out)


#: A profile's area as rings: a list of (outer ring N×2, [hole rings]) in profile coordinates.
Rings = list[tuple[np.ndarray, list[np.ndarray]]]


@dataclass
class Part:
    """The geometry of one representation item, or of a whole space, in world metres.

    Attributes
    ----------
    footprint : shapely geometry
        Projection onto world XY: Polygon, MultiPolygon or empty. [m]
    z_min, z_max : float
        Vertical extent; NaN when empty. [m]
    volume : float
        Enclosed volume. [m³]
    """

    footprint: BaseGeometry
    z_min: float
    z_max: float
    volume: float


def merge_parts(parts: list[Part]) -> Part:
    """Combine the parts of one space: union of footprints, overall extent, summed volume."""
    if not parts:
        return Part(EMPTY, math.nan, math.nan, 0.0)
    if len(parts) == 1:
        return parts[0]
    fp = clean_footprint(
        shapely.union_all(
            [p.footprint for p in parts if not p.footprint.is_empty], grid_size=GRID_M
        )
    )
    return Part(
        fp,
        min(p.z_min for p in parts),
        max(p.z_max for p in parts),
        sum(p.volume for p in parts),
    )


class GeometryContext:
    """Caches shared by the spaces of one file: profile rings and placements, by id.

    Parameters
    ----------
    angle_scale : float
        Radians per plane angle unit of the file. [rad]
    placements : PlacementCache, optional
        Share the caller's placement cache.
    """

    def __init__(self, angle_scale: float, placements: PlacementCache | None = None) -> None:
        self.angle_scale = angle_scale
        self.placements = placements or PlacementCache()
        self.profiles: dict[int, Rings] = {}
        self.mapping_stack: set[int] = set()
