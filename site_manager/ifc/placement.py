"""World matrices of IFC placements, cached, as 4×4 numpy arrays in model units.

IFC places every product by a chain of ``IfcLocalPlacement`` objects (space → storey →
building → site); mapped items add an ``IfcCartesianTransformationOperator``. These helpers
turn them into homogeneous matrices (column vectors: ``world = M @ local``). Matrices are in
the file's length unit; multiply by :func:`scale_matrix` to get metres.
"""

from __future__ import annotations

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
    c = list(p.Coordinates) if p is not None else [0.0, 0.0, 0.0]
    while len(c) < 3:
        c.append(0.0)
    return np.array(c[:3], dtype=float)


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
    """
    if p is None:
        return IDENTITY.copy()
    m = np.eye(4)
    if p.is_a("IfcAxis2Placement2D"):
        x = _unit(p.RefDirection.DirectionRatios if p.RefDirection else None, (1.0, 0.0))
        z = np.array([0.0, 0.0, 1.0])
    else:
        z = _unit(p.Axis.DirectionRatios if getattr(p, "Axis", None) else None, (0.0, 0.0, 1.0))
        ref = getattr(p, "RefDirection", None)
        r = _unit(ref.DirectionRatios if ref else None, (1.0, 0.0, 0.0))
        x = r - float(np.dot(r, z)) * z
        if np.linalg.norm(x) < 1e-9:  # RefDirection parallel to Axis: pick any perpendicular
            x = np.array([1.0, 0.0, 0.0]) if abs(z[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
            x = x - float(np.dot(x, z)) * z
        x = x / np.linalg.norm(x)
    y = np.cross(z, x)
    m[:3, 0], m[:3, 1], m[:3, 2], m[:3, 3] = x, y, z, _point(p.Location)
    return m


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

    def world(self, placement: Any) -> np.ndarray:
        """World matrix (model units) of an ``IfcObjectPlacement``; identity for ``None``."""
        if placement is None:
            return IDENTITY
        key = placement.id()
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        if placement.is_a("IfcLocalPlacement"):
            local = axis_placement_matrix(placement.RelativePlacement)
            parent = placement.PlacementRelTo
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
