"""Profiles and curves of IFC swept solids, as 2D rings in their own coordinates.

The 2D half of the fast geometry path (:mod:`site_manager.ifc.geometry`): bounded curves
(polylines, indexed poly curves with arcs, composite curves, trimmed circles and ellipses)
become point arrays, profile definitions (rectangles, circles, ellipses, arbitrary closed
profiles with voids, derived and composite profiles) become rings, and rings become valid
shapely polygons. Arcs and circles get ``SEGMENTS_PER_TURN`` points per full turn.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from site_manager.ifc.placement import axis_placement_matrix, transformation_operator_matrix
from site_manager.ifc.shapes import (
    SEGMENTS_PER_TURN,
    GeometryContext,
    Rings,
    Unsupported,
    clean_footprint,
)

# --------------------------------------------------------------------------------- curves


def _arc(center: np.ndarray, r1: float, r2: float, a0: float, a1: float) -> np.ndarray:
    """Points of an elliptic arc (axes along x, y) from angle a0 to a1, both included."""
    n = max(2, math.ceil(abs(a1 - a0) / (2 * math.pi) * SEGMENTS_PER_TURN))
    t = np.linspace(a0, a1, n + 1)
    return np.column_stack([center[0] + r1 * np.cos(t), center[1] + r2 * np.sin(t)])


def _arc_through(p1: np.ndarray, p2: np.ndarray, p3: np.ndarray) -> np.ndarray:
    """Points of the circular arc from p1 through p2 to p3 (2D)."""
    ax, ay = p1
    bx, by = p2
    cx, cy = p3
    d = 2 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by))
    if abs(d) < 1e-12:  # collinear: a straight segment
        return np.array([p1, p3])
    ux = (
        (ax**2 + ay**2) * (by - cy) + (bx**2 + by**2) * (cy - ay) + (cx**2 + cy**2) * (ay - by)
    ) / d
    uy = (
        (ax**2 + ay**2) * (cx - bx) + (bx**2 + by**2) * (ax - cx) + (cx**2 + cy**2) * (bx - ax)
    ) / d
    c = np.array([ux, uy])
    r = float(np.hypot(ax - ux, ay - uy))
    a1 = math.atan2(ay - uy, ax - ux)
    a2 = math.atan2(by - uy, bx - ux)
    a3 = math.atan2(cy - uy, cx - ux)
    # counter-clockwise if p2 lies on the ccw sweep from p1 to p3
    ccw = d > 0
    if ccw:
        while a3 <= a1:
            a3 += 2 * math.pi
    else:
        while a3 >= a1:
            a3 -= 2 * math.pi
    del a2
    return _arc(c, r, r, a1, a3)


def _coords2(p: Any) -> np.ndarray:
    c = p.get_argument(0)
    return np.array([float(c[0]), float(c[1])])


def _conic_frame(basis: Any) -> tuple[np.ndarray, float, float, float, float]:
    """Centre, x-axis angle and radii of an IfcCircle / IfcEllipse (2D)."""
    m = axis_placement_matrix(basis.Position)
    centre = m[:2, 3].copy()
    rot = math.atan2(m[1, 0], m[0, 0])
    # a 3D placement whose z axis points down mirrors the conic in XY
    sense = 1.0 if m[2, 2] >= 0 else -1.0
    if basis.is_a("IfcCircle"):
        r1 = r2 = float(basis.Radius)
    else:
        r1, r2 = float(basis.SemiAxis1), float(basis.SemiAxis2)
    return centre, rot, r1, r2, sense


def _conic_points(basis: Any, a0: float, a1: float) -> np.ndarray:
    centre, rot, r1, r2, sense = _conic_frame(basis)
    local = _arc(np.zeros(2), r1, r2 * sense, a0, a1)
    c, s = math.cos(rot), math.sin(rot)
    return np.column_stack(
        [
            centre[0] + c * local[:, 0] - s * local[:, 1],
            centre[1] + s * local[:, 0] + c * local[:, 1],
        ]
    )


def _conic_param_of_point(basis: Any, p: np.ndarray) -> float:
    centre, rot, r1, r2, sense = _conic_frame(basis)
    d = p - centre
    c, s = math.cos(rot), math.sin(rot)
    lx, ly = c * d[0] + s * d[1], -s * d[0] + c * d[1]
    return math.atan2(ly / (r2 * sense), lx / r1)


def _trim(trims: Any, want_point: bool) -> Any:
    point = param = None
    for t in trims or ():
        if t.is_a("IfcCartesianPoint"):
            point = _coords2(t)
        else:
            param = float(t.wrappedValue)
    return (point if point is not None else None, param) if want_point else (point, param)


def _trimmed_curve_points(curve: Any, angle_scale: float) -> np.ndarray:
    basis = curve.BasisCurve
    p1, t1 = _trim(curve.Trim1, True)
    p2, t2 = _trim(curve.Trim2, True)
    prefer_points = curve.MasterRepresentation != "PARAMETER"
    sense = bool(curve.SenseAgreement)
    if basis.is_a("IfcLine"):
        if p1 is None or p2 is None or (not prefer_points and t1 is not None and t2 is not None):
            if t1 is None or t2 is None:
                raise Unsupported("IfcTrimmedCurve on IfcLine without trims")
            origin = _coords2(basis.Pnt)
            v = basis.Dir
            d = np.array([float(x) for x in v.Orientation.DirectionRatios[:2]])
            d = d / np.linalg.norm(d) * float(v.Magnitude)
            p1, p2 = origin + t1 * d, origin + t2 * d
        return np.array([p1, p2])
    if basis.is_a("IfcCircle") or basis.is_a("IfcEllipse"):
        use_points = (
            p1 is not None and p2 is not None and (prefer_points or t1 is None or t2 is None)
        )
        if use_points:
            a0 = _conic_param_of_point(basis, p1)
            a1 = _conic_param_of_point(basis, p2)
        elif t1 is not None and t2 is not None:
            a0, a1 = t1 * angle_scale, t2 * angle_scale
        else:
            raise Unsupported("IfcTrimmedCurve on a conic without usable trims")
        if sense:
            while a1 <= a0:
                a1 += 2 * math.pi
        else:
            while a1 >= a0:
                a1 -= 2 * math.pi
        pts = _conic_points(basis, a0, a1)
        if use_points:  # hit the trim points exactly so that segments join
            pts[0], pts[-1] = p1, p2
        return pts
    if basis.is_a("IfcPolyline") and p1 is not None and p2 is not None:
        pts = curve_points(basis, angle_scale)
        i = int(np.argmin(np.linalg.norm(pts - p1, axis=1)))
        j = int(np.argmin(np.linalg.norm(pts - p2, axis=1)))
        seg = pts[i : j + 1] if i <= j else pts[j : i + 1][::-1]
        return seg if sense else seg[::-1]
    raise Unsupported(f"IfcTrimmedCurve on {basis.is_a()}")


def curve_points(curve: Any, angle_scale: float = 1.0) -> np.ndarray:
    """2D points (N×2, model units) along a bounded curve of a profile.

    Parameters
    ----------
    curve : ifcopenshell.entity_instance
        ``IfcPolyline``, ``IfcIndexedPolyCurve``, ``IfcCompositeCurve``, ``IfcTrimmedCurve``,
        ``IfcCircle`` or ``IfcEllipse``.
    angle_scale : float
        Radians per plane angle unit, for parameter trims. [rad]

    Raises
    ------
    Unsupported
        For any other curve (B-spline, offset curve, ...).
    """
    kind = curve.is_a()
    if kind == "IfcPolyline":
        raw = [p.get_argument(0) for p in curve.get_argument(0)]  # [0] Points, [0] Coordinates
        if all(len(c) == len(raw[0]) for c in raw):
            return np.array(raw, dtype=float)[:, :2]
        return np.array([c[:2] for c in raw], dtype=float)
    if kind == "IfcIndexedPolyCurve":
        coords = np.array(curve.Points.CoordList, dtype=float)[:, :2]
        if not curve.Segments:
            return coords
        chunks: list[np.ndarray] = []
        for seg in curve.Segments:
            idx = [int(i) - 1 for i in seg.wrappedValue]
            if seg.is_a("IfcArcIndex"):
                chunk = _arc_through(coords[idx[0]], coords[idx[1]], coords[idx[2]])
            else:
                chunk = coords[idx]
            chunks.append(chunk if not chunks else chunk[1:])
        return np.vstack(chunks)
    if kind in ("IfcCompositeCurve", "IfcCompositeCurveOnSurface"):
        parts: list[np.ndarray] = []
        for seg in curve.Segments:
            pts = curve_points(seg.ParentCurve, angle_scale)
            if not getattr(seg, "SameSense", True):
                pts = pts[::-1]
            if parts and float(np.abs(parts[-1][-1] - pts[0]).max()) < 1e-9:
                pts = pts[1:]
            parts.append(pts)
        return np.vstack(parts)
    if kind == "IfcTrimmedCurve":
        return _trimmed_curve_points(curve, angle_scale)
    if kind in ("IfcCircle", "IfcEllipse"):
        return _conic_points(curve, 0.0, 2 * math.pi)
    raise Unsupported(f"curve {kind}")


# ------------------------------------------------------------------------------ profiles


_UNIT_CIRCLE = np.column_stack(
    [
        np.cos(np.linspace(0.0, 2 * math.pi, SEGMENTS_PER_TURN + 1)[:-1]),
        np.sin(np.linspace(0.0, 2 * math.pi, SEGMENTS_PER_TURN + 1)[:-1]),
    ]
)


def _circle_ring(r: float) -> np.ndarray:
    return _UNIT_CIRCLE * r


def _box_ring(x: float, y: float) -> np.ndarray:
    return np.array([[-x, -y], [x, -y], [x, y], [-x, y]])


def transform_rings(rings: Rings, m: np.ndarray) -> Rings:
    """Apply the XY part of a matrix (4×4 or 3×3) to every ring."""
    a = m[:2, :2]
    t = m[:2, -1]
    return [(o @ a.T + t, [h @ a.T + t for h in hs]) for o, hs in rings]


_NO_POSITION = {
    "IfcDerivedProfileDef",
    "IfcCompositeProfileDef",
    "IfcArbitraryClosedProfileDef",
    "IfcArbitraryProfileDefWithVoids",
}


def profile_rings(profile: Any, ctx: GeometryContext) -> Rings:
    """The area of a profile definition as rings in its own 2D coordinates (cached).

    Parameters
    ----------
    profile : ifcopenshell.entity_instance
        An ``IfcProfileDef``: rectangle (plain, rounded, hollow), circle (plain, hollow),
        ellipse, arbitrary closed with or without voids, derived or composite.
    ctx : GeometryContext
        Caches and the plane angle unit of the file.

    Raises
    ------
    Unsupported
        For open profiles and structural shapes (I, L, T, ... sections).
    """
    key = profile.id()
    hit = ctx.profiles.get(key)
    if hit is not None:
        return hit
    kind = profile.is_a()
    if profile.get_argument(0) != "AREA":  # [0] ProfileType
        raise Unsupported(f"{kind} of type {profile.get_argument(0)}")
    rings: Rings
    if kind == "IfcRectangleProfileDef":  # [3] XDim, [4] YDim
        rings = [
            (_box_ring(float(profile.get_argument(3)) / 2, float(profile.get_argument(4)) / 2), [])
        ]
    elif kind == "IfcRoundedRectangleProfileDef":
        x, y = float(profile.XDim) / 2, float(profile.YDim) / 2
        r = float(profile.RoundingRadius or 0.0)
        g = shapely.box(-x + r, -y + r, x - r, y - r).buffer(r, quad_segs=SEGMENTS_PER_TURN // 4)
        rings = [(np.asarray(g.exterior.coords)[:-1], [])]
    elif kind == "IfcRectangleHollowProfileDef":
        x, y, t = float(profile.XDim) / 2, float(profile.YDim) / 2, float(profile.WallThickness)
        rings = [(_box_ring(x, y), [_box_ring(x - t, y - t)])]
    elif kind in ("IfcCircleProfileDef", "IfcCircleHollowProfileDef"):
        r = float(profile.Radius)
        holes = []
        if kind == "IfcCircleHollowProfileDef":
            holes.append(_circle_ring(r - float(profile.WallThickness)))
        rings = [(_circle_ring(r), holes)]
    elif kind == "IfcEllipseProfileDef":
        e = _arc(np.zeros(2), float(profile.SemiAxis1), float(profile.SemiAxis2), 0, 2 * math.pi)
        rings = [(e[:-1], [])]
    elif kind in ("IfcArbitraryClosedProfileDef", "IfcArbitraryProfileDefWithVoids"):
        outer = curve_points(profile.get_argument(2), ctx.angle_scale)  # [2] OuterCurve
        holes = []
        if kind == "IfcArbitraryProfileDefWithVoids":
            holes = [curve_points(c, ctx.angle_scale) for c in profile.get_argument(3) or ()]
        rings = [(outer, holes)]
    elif kind == "IfcDerivedProfileDef":
        parent = profile_rings(profile.ParentProfile, ctx)
        rings = transform_rings(parent, transformation_operator_matrix(profile.Operator))
    elif kind == "IfcCompositeProfileDef":
        rings = [r for p in profile.Profiles for r in profile_rings(p, ctx)]
    else:
        raise Unsupported(f"profile {kind}")
    for outer, holes in rings:
        if len(outer) < 3 or any(len(h) < 3 for h in holes):
            raise Unsupported(f"{kind} #{key}: a ring with fewer than three points")
    if kind not in (
        "IfcDerivedProfileDef",
        "IfcCompositeProfileDef",
        "IfcArbitraryClosedProfileDef",
        "IfcArbitraryProfileDefWithVoids",
    ):
        position = profile.get_argument(2)  # [2] Position of parameterized profiles
        if position is not None:
            rings = transform_rings(rings, ctx.placements.axis(position))
    ctx.profiles[key] = rings
    return rings


def rings_geometry(rings: Rings) -> BaseGeometry:
    """A valid shapely (Multi)Polygon of rings; holes are cut, overlapping parts merged."""
    polys: list[BaseGeometry] = []
    for outer, holes in rings:
        poly: Any = shapely.polygons(outer, holes=holes or None)
        if not poly.is_valid:
            shell = shapely.make_valid(Polygon(outer))
            for h in holes:
                shell = shell.difference(shapely.make_valid(Polygon(h)))
            poly = clean_footprint(shell)
        polys.append(poly)
    geom = polys[0] if len(polys) == 1 else shapely.union_all(polys)
    if geom.is_empty or geom.area <= 0:
        raise Unsupported("a profile without area")
    return geom
