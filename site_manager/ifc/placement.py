"""World matrices of IFC placements, cached, as 4×4 numpy arrays in model units.

IFC places every product by a chain of ``IfcLocalPlacement`` objects (space → storey →
building → site); mapped items add an ``IfcCartesianTransformationOperator``. These helpers
turn them into homogeneous matrices (column vectors: ``world = M @ local``). Matrices are in
the file's length unit; multiply by :func:`scale_matrix` to get metres.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

IDENTITY = np.eye(4)


def _unit(v: Any, default: tuple[float, ...]) -> np.ndarray:
    a = np.array(v if v is not None else default, dtype=float)
    if a.shape[0] == 2:
        a = np.append(a, 0.0)
    n = float(np.linalg.norm(a))
    if n < 1e-12:
        return np.array(default + (0.0,) * (3 - len(default)), dtype=float)
    return a / n


def _point(p: Any) -> np.ndarray:
    c = list(p.get_argument(0)) if p is not None else [0.0, 0.0, 0.0]
    while len(c) < 3:
        c.append(0.0)
    return np.array(c[:3], dtype=float)


def _norm(v: tuple[float, ...], default: tuple[float, float, float]) -> tuple[float, float, float]:
    x = float(v[0])
    y = float(v[1])
    z = float(v[2]) if len(v) > 2 else 0.0
    n = math.sqrt(x * x + y * y + z * z)
    if n < 1e-12:
        return default
    return x / n, y / n, z / n


def axis_placement_matrix(p: Any) -> np.ndarray:
    """Matrix of an ``IfcAxis2Placement3D``, ``IfcAxis2Placement2D`` or ``IfcAxis1Placement``.

    Parameters
    ----------
    p : ifcopenshell.entity_instance or None
        The placement; ``None`` gives the identity.

    Returns
    -------
    numpy.ndarray
        4×4 matrix from the placement's local coordinates to its parent's.

    Notes
    -----
    Attributes are read by position (``p[0]`` is ``Location`` in every schema): that is
    several times faster than by name, and placements are read for every space.
    Plain floats are used instead of numpy for the same reason.
    """
    if p is None:
        return IDENTITY.copy()
    kind = p.is_a()
    loc = p.get_argument(0)
    c = loc.get_argument(0) if loc is not None else (0.0, 0.0, 0.0)
    ox, oy = float(c[0]), float(c[1])
    oz = float(c[2]) if len(c) > 2 else 0.0
    if kind == "IfcAxis2Placement2D":
        ref = p.get_argument(1)
        xx, xy, _ = (
            _norm(ref.get_argument(0), (1.0, 0.0, 0.0)) if ref is not None else (1.0, 0.0, 0.0)
        )
        return np.array(
            [[xx, -xy, 0.0, ox], [xy, xx, 0.0, oy], [0.0, 0.0, 1.0, oz], [0.0, 0.0, 0.0, 1.0]]
        )
    axis = p.get_argument(1)
    ref = p.get_argument(2) if kind == "IfcAxis2Placement3D" else None
    zx, zy, zz = (
        _norm(axis.get_argument(0), (0.0, 0.0, 1.0)) if axis is not None else (0.0, 0.0, 1.0)
    )
    if ref is not None:
        rx, ry, rz = _norm(ref.get_argument(0), (1.0, 0.0, 0.0))
    elif abs(zz) > 0.9999999:
        rx, ry, rz = 1.0, 0.0, 0.0
    else:  # IFC's default reference direction for a tilted axis
        rx, ry, rz = (1.0, 0.0, 0.0) if abs(zx) < 0.9 else (0.0, 1.0, 0.0)
    d = rx * zx + ry * zy + rz * zz
    xx, xy, xz = rx - d * zx, ry - d * zy, rz - d * zz
    n = math.sqrt(xx * xx + xy * xy + xz * xz)
    if n < 1e-9:  # RefDirection parallel to Axis: pick any perpendicular
        rx, ry, rz = (1.0, 0.0, 0.0) if abs(zx) < 0.9 else (0.0, 1.0, 0.0)
        d = rx * zx + ry * zy + rz * zz
        xx, xy, xz = rx - d * zx, ry - d * zy, rz - d * zz
        n = math.sqrt(xx * xx + xy * xy + xz * xz)
    xx, xy, xz = xx / n, xy / n, xz / n
    yx, yy, yz = zy * xz - zz * xy, zz * xx - zx * xz, zx * xy - zy * xx
    return np.array(
        [
            [xx, yx, zx, ox],
            [xy, yy, zy, oy],
            [xz, yz, zz, oz],
            [0.0, 0.0, 0.0, 1.0],
        ]
    )


def transformation_operator_matrix(op: Any) -> np.ndarray:
    """Matrix of an ``IfcCartesianTransformationOperator`` (2D or 3D, uniform or not)."""
    if op is None:
        return IDENTITY.copy()
    is3d = op.is_a("IfcCartesianTransformationOperator3D")
    x = _unit(op.Axis1.DirectionRatios if op.Axis1 else None, (1.0, 0.0, 0.0))
    if is3d:
        z = _unit(op.Axis3.DirectionRatios if op.Axis3 else None, (0.0, 0.0, 1.0))
        x = x - float(np.dot(x, z)) * z
        x = x / np.linalg.norm(x)
        y = np.cross(z, x)
        if op.Axis2:
            y2 = _unit(op.Axis2.DirectionRatios, (0.0, 1.0, 0.0))
            if float(np.dot(y2, y)) < 0:  # a left-handed operator mirrors
                y = -y
    else:
        z = np.array([0.0, 0.0, 1.0])
        x = np.array([x[0], x[1], 0.0])
        x = x / np.linalg.norm(x)
        y = np.array([-x[1], x[0], 0.0])
        if op.Axis2:
            y2 = _unit(op.Axis2.DirectionRatios, (0.0, 1.0))
            if float(np.dot(y2, y)) < 0:
                y = -y
    s1 = float(op.Scale) if op.Scale is not None else 1.0
    s2 = s3 = s1
    if op.is_a("IfcCartesianTransformationOperator3DnonUniform") or op.is_a(
        "IfcCartesianTransformationOperator2DnonUniform"
    ):
        s2 = float(op.Scale2) if op.Scale2 is not None else s1
        if is3d:
            s3 = float(op.Scale3) if op.Scale3 is not None else s1
    m = np.eye(4)
    m[:3, 0], m[:3, 1], m[:3, 2] = x * s1, y * s2, z * s3
    m[:3, 3] = _point(op.LocalOrigin)
    return m


class PlacementCache:
    """World matrices of ``IfcLocalPlacement`` objects, each computed once.

    Spaces on a storey share the storey's chain, so caching by entity id turns the walk up
    the chain into one matrix product per space.
    """

    def __init__(self) -> None:
        self._cache: dict[int, np.ndarray] = {}
        self._axes: dict[int, np.ndarray] = {}

    def axis(self, p: Any) -> np.ndarray:
        """Cached :func:`axis_placement_matrix` (do not modify the result)."""
        if p is None:
            return IDENTITY
        key = p.id()
        hit = self._axes.get(key)
        if hit is None:
            hit = self._axes[key] = axis_placement_matrix(p)
        return hit

    def world(self, placement: Any) -> np.ndarray:
        """World matrix (model units) of an ``IfcObjectPlacement``; identity for ``None``."""
        if placement is None:
            return IDENTITY
        key = placement.id()
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        if placement.is_a("IfcLocalPlacement"):
            # [0] PlacementRelTo, [1] RelativePlacement in every schema
            local = self.axis(placement.get_argument(1))
            parent = placement.get_argument(0)
            m = self.world(parent) @ local if parent is not None else local
        else:
            # IfcGridPlacement and IFC4X3 linear placements: use ifcopenshell's own reader.
            import ifcopenshell.util.placement

            m = np.asarray(ifcopenshell.util.placement.get_local_placement(placement), float)
        self._cache[key] = m
        return m


def scale_matrix(length_unit_m: float) -> np.ndarray:
    """Matrix that turns model length units into metres."""
    s = np.eye(4)
    s[0, 0] = s[1, 1] = s[2, 2] = length_unit_m
    return s
