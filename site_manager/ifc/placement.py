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


class CyclicReference(ValueError):
    """A placement or mapped item that refers back to itself.

    ifcopenshell's geometry engine crashes or never returns on these, so callers must not
    hand such a product to it.
    """


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
    """Matrix of an ``IfcCartesianTransformationOperator`` (2D or 3D, uniform or not).

    Attributes by position, the same in every schema: ``[0]`` Axis1, ``[1]`` Axis2,
    ``[2]`` LocalOrigin, ``[3]`` Scale, then ``[4]`` Axis3 (3D) and Scale2/Scale3.
    """
    if op is None:
        return IDENTITY.copy()
    kind = op.is_a()
    is3d = kind.startswith("IfcCartesianTransformationOperator3D")
    a1, a2 = op.get_argument(0), op.get_argument(1)
    x = _norm(a1.get_argument(0), (1.0, 0.0, 0.0)) if a1 is not None else (1.0, 0.0, 0.0)
    if is3d:
        a3 = op.get_argument(4)
        z = _norm(a3.get_argument(0), (0.0, 0.0, 1.0)) if a3 is not None else (0.0, 0.0, 1.0)
    else:
        z = (0.0, 0.0, 1.0)
        x = _norm((x[0], x[1], 0.0), (1.0, 0.0, 0.0))
    d = x[0] * z[0] + x[1] * z[1] + x[2] * z[2]
    x = _norm((x[0] - d * z[0], x[1] - d * z[1], x[2] - d * z[2]), (1.0, 0.0, 0.0))
    y = (z[1] * x[2] - z[2] * x[1], z[2] * x[0] - z[0] * x[2], z[0] * x[1] - z[1] * x[0])
    if a2 is not None:  # a left-handed operator mirrors
        y2 = a2.get_argument(0)
        dot = sum(float(c) * yc for c, yc in zip(y2, y, strict=False))
        if dot < 0:
            y = (-y[0], -y[1], -y[2])
    scale = op.get_argument(3)
    s1 = float(scale) if scale is not None else 1.0
    s2 = s3 = s1
    if kind.endswith("nonUniform"):
        sc2 = op.get_argument(5 if is3d else 4)
        s2 = float(sc2) if sc2 is not None else s1
        if is3d:
            sc3 = op.get_argument(6)
            s3 = float(sc3) if sc3 is not None else s1
    origin = op.get_argument(2)
    o = list(origin.get_argument(0)) if origin is not None else [0.0, 0.0, 0.0]
    o = [float(c) for c in o] + [0.0] * (3 - len(o))
    return np.array(
        [
            [x[0] * s1, y[0] * s2, z[0] * s3, o[0]],
            [x[1] * s1, y[1] * s2, z[1] * s3, o[1]],
            [x[2] * s1, y[2] * s2, z[2] * s3, o[2]],
            [0.0, 0.0, 0.0, 1.0],
        ]
    )


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
        """World matrix (model units) of an ``IfcObjectPlacement``; identity for ``None``.

        Raises
        ------
        CyclicReference
            If the chain of ``PlacementRelTo`` comes back to a placement already in it.
        """
        if placement is None:
            return IDENTITY
        # walk up to the first cached (or root) placement, then multiply back down
        chain: list[Any] = []
        seen: set[int] = set()
        cur = placement
        base = IDENTITY
        while cur is not None:
            key = cur.id()
            hit = self._cache.get(key)
            if hit is not None:
                base = hit
                break
            if key in seen:
                raise CyclicReference(f"placement #{key} is placed relative to itself")
            seen.add(key)
            chain.append(cur)
            # [0] PlacementRelTo of IfcLocalPlacement (and of IfcObjectPlacement in IFC4X3)
            cur = cur.get_argument(0) if cur.is_a("IfcLocalPlacement") else None
        for pl in reversed(chain):
            if pl.is_a("IfcLocalPlacement"):
                base = base @ self.axis(pl.get_argument(1))  # [1] RelativePlacement
            else:
                # IfcGridPlacement and IFC4X3 linear placements: ifcopenshell's own reader.
                import ifcopenshell.util.placement

                base = np.asarray(ifcopenshell.util.placement.get_local_placement(pl), float)
            self._cache[pl.id()] = base
        return base


def scale_matrix(length_unit_m: float) -> np.ndarray:
    """Matrix that turns model length units into metres."""
    s = np.eye(4)
    s[0, 0] = s[1, 1] = s[2, 2] = length_unit_m
    return s
