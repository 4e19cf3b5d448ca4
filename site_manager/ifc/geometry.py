"""Space geometry read directly with numpy and shapely: footprint, vertical extent, volume.

The fast path understands the representation items that space geometry is made of in
practice: extruded area solids (any profile built from polylines, indexed poly curves,
circles, arcs and composite curves, with voids; any extrusion direction), mapped items,
faceted B-reps, surface models and polygonal / triangulated face sets. Anything else raises
:class:`Unsupported`, and the caller falls back to ifcopenshell's geometry engine
(:func:`part_from_engine`). The 2D half (curves and profiles) lives in
:mod:`site_manager.ifc.profiles`, the polyhedral surfaces and triangle meshes in
:mod:`site_manager.ifc.meshes`, and what they share (:class:`Part`, the tolerances, the
caches of :class:`GeometryContext`) in :mod:`site_manager.ifc.shapes`.

Every result is a :class:`Part` in world coordinates and metres: the footprint is the
projection of the solid onto the world XY plane (for a sideways extrusion, the projection of
the swept solid, not of its profile), ``z_min``/``z_max`` its vertical extent, ``volume``
its enclosed volume (orientation-independent, so inward-facing surface models work).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from site_manager.ifc.meshes import (
    faces_part,
    faces_part_flat,
    part_from_engine,
    triangles_part,
)
from site_manager.ifc.placement import CyclicReference, transformation_operator_matrix
from site_manager.ifc.profiles import (
    curve_points,
    profile_rings,
    rings_geometry,
    transform_rings,
)
from site_manager.ifc.shapes import (
    EMPTY,
    GRID_M,
    MIN_HOLE_M2,
    SEGMENTS_PER_TURN,
    GeometryContext,
    Part,
    Unsupported,
    clean_footprint,
    merge_parts,
)

__all__ = [
    "EMPTY",
    "GRID_M",
    "MIN_HOLE_M2",
    "SEGMENTS_PER_TURN",
    "GeometryContext",
    "Part",
    "Unsupported",
    "clean_footprint",
    "curve_points",
    "faces_part_flat",
    "has_reference_cycle",
    "item_parts",
    "merge_parts",
    "part_from_engine",
    "profile_rings",
    "rings_geometry",
    "triangles_part",
]


def _apply(m: np.ndarray, pts: np.ndarray) -> np.ndarray:
    return pts @ m[:3, :3].T + m[:3, 3]


def _extrusion_part(item: Any, m: np.ndarray, ctx: GeometryContext) -> Part:
    # [0] SweptArea, [1] Position, [2] ExtrudedDirection, [3] Depth in every schema
    pos = item.get_argument(1)
    p = m @ ctx.placements.axis(pos) if pos is not None else m
    rings = profile_rings(item.get_argument(0), ctx)
    dr = item.get_argument(2).get_argument(0)
    d = np.array([float(dr[0]), float(dr[1]), float(dr[2]) if len(dr) > 2 else 0.0])
    d_len = float(np.linalg.norm(d))
    depth = float(item.get_argument(3))
    if not d_len > 1e-12 or not math.isfinite(depth) or depth <= 0:
        raise Unsupported("an extrusion without direction or depth")
    d = d / d_len * depth
    lin = p[:3, :3]
    wd = lin @ d
    horizontal_profile = abs(lin[2, 0]) < 1e-9 and abs(lin[2, 1]) < 1e-9
    tol = 1e-9 * abs(wd[2]) + 1e-12
    if horizontal_profile and abs(wd[0]) < tol and abs(wd[1]) < tol:
        fp = rings_geometry(transform_rings(rings, p))
        z0 = float(p[2, 3])
        z1 = z0 + float(wd[2])
        return Part(fp, min(z0, z1), max(z0, z1), float(fp.area) * abs(float(wd[2])))
    # General (tilted or sideways) sweep: project every face of the prism.
    area2d = rings_geometry(rings)
    volume = float(area2d.area) * abs(float(d[2])) * abs(float(np.linalg.det(lin)))
    faces: list[list[np.ndarray]] = []
    for poly in getattr(area2d, "geoms", [area2d]):
        rs = [np.asarray(poly.exterior.coords)[:-1]] + [
            np.asarray(r.coords)[:-1] for r in poly.interiors
        ]
        bottom = [np.column_stack([r, np.zeros(len(r))]) for r in rs]
        top = [b + d for b in bottom]
        faces.append([_apply(p, b) for b in bottom])
        faces.append([_apply(p, t[::-1]) for t in top])
        for b, t in zip(bottom, top, strict=True):
            nb = np.roll(b, -1, axis=0)
            nt = np.roll(t, -1, axis=0)
            for i in range(len(b)):
                faces.append([_apply(p, np.array([b[i], nb[i], nt[i], t[i]]))])
    part = faces_part(faces)
    part.volume = volume
    return part


def _read_faces(faces: Any, out: _FlatFaces) -> None:
    """Append IfcFace entities (poly loops only) to ``out``, reading attributes by position."""
    for fc in faces:
        bounds = fc.get_argument(0)  # [0] Bounds
        if len(bounds) > 1:
            bounds = sorted(bounds, key=lambda b: 0 if b.is_a("IfcFaceOuterBound") else 1)
        first = True
        for bnd in bounds:
            loop = bnd.get_argument(0)  # [0] Bound, [1] Orientation
            if loop.is_a() != "IfcPolyLoop":
                raise Unsupported(f"face loop {loop.is_a()}")
            coords = [p.get_argument(0) for p in loop.get_argument(0)]  # [0] Polygon
            if not bnd.get_argument(1):
                coords.reverse()
            out.add(coords, first)
            first = False
        out.face += 1


class _FlatFaces:
    """Loops of many faces gathered into flat lists, to be transformed in one go."""

    def __init__(self) -> None:
        self.coords: list[Any] = []
        self.sizes: list[int] = []
        self.face_of_loop: list[int] = []
        self.is_outer: list[bool] = []
        self.face = 0

    def add(self, coords: list[Any], outer: bool) -> None:
        self.coords.extend(coords)
        self.sizes.append(len(coords))
        self.face_of_loop.append(self.face)
        self.is_outer.append(outer)

    def part(self, m: np.ndarray) -> Part:
        if not self.sizes:
            raise Unsupported("a shell without faces")
        try:
            pts = np.array(self.coords, dtype=float)
        except ValueError:  # mixed 2D and 3D points
            pts = np.array([tuple(c) + (0.0,) * (3 - len(c)) for c in self.coords], dtype=float)
        if pts.shape[1] == 2:
            pts = np.column_stack([pts, np.zeros(len(pts))])
        return faces_part_flat(
            _apply(m, pts),
            np.array(self.sizes),
            np.array(self.face_of_loop),
            np.array(self.is_outer, dtype=bool),
        )


def _brep_part(item: Any, m: np.ndarray) -> Part:
    kind = item.is_a()
    shells: list[Any]
    void_shells: list[Any] = []
    if kind in ("IfcFacetedBrep", "IfcFacetedBrepWithVoids"):
        shells = [item.get_argument(0)]  # [0] Outer
        if kind == "IfcFacetedBrepWithVoids":
            void_shells = list(item.get_argument(1) or ())  # [1] Voids
    elif kind in ("IfcShellBasedSurfaceModel", "IfcFaceBasedSurfaceModel"):
        shells = list(item.get_argument(0))  # [0] SbsmBoundary / FbsmFaces
    else:
        raise Unsupported(kind)
    flat = _FlatFaces()
    for shell in shells:
        _read_faces(shell.get_argument(0), flat)  # [0] CfsFaces of every shell type
    part = flat.part(m)
    for vs in void_shells:
        vflat = _FlatFaces()
        _read_faces(vs.get_argument(0), vflat)
        part.volume -= vflat.part(m).volume
    return part


def _face_set_part(item: Any, m: np.ndarray) -> Part:
    coords = np.array(item.Coordinates.CoordList, dtype=float)
    pn = getattr(item, "PnIndex", None)
    if pn:
        coords = coords[np.array(pn, dtype=int) - 1]
    world = _apply(m, coords)
    if item.is_a("IfcTriangulatedFaceSet"):
        tris = np.array(item.CoordIndex, dtype=int) - 1
        return triangles_part(world, tris)
    faces = []
    for face in item.Faces:
        loops = [world[np.array(face.CoordIndex, dtype=int) - 1]]
        for inner in getattr(face, "InnerCoordIndices", None) or ():
            loops.append(world[np.array(inner, dtype=int) - 1])
        faces.append(loops)
    return faces_part(faces)


def item_parts(item: Any, m: np.ndarray, ctx: GeometryContext) -> list[Part]:
    """Parts of one representation item placed by world matrix ``m`` (metres).

    Raises
    ------
    Unsupported
        For items the fast path does not read; the caller uses the engine instead.
    CyclicReference
        For a mapped item that maps itself (the engine must not see it either).
    """
    kind = item.is_a()
    if kind == "IfcExtrudedAreaSolid":
        return [_extrusion_part(item, m, ctx)]
    if kind == "IfcMappedItem":
        src = item.MappingSource
        key = src.id()
        if key in ctx.mapping_stack:
            raise CyclicReference(f"mapped representation #{key} maps itself")
        mm = (
            m
            @ transformation_operator_matrix(item.MappingTarget)
            @ ctx.placements.axis(src.MappingOrigin)
        )
        out: list[Part] = []
        ctx.mapping_stack.add(key)
        try:
            for sub in src.MappedRepresentation.Items:
                out.extend(item_parts(sub, mm, ctx))
        finally:
            ctx.mapping_stack.discard(key)
        return out
    if kind in (
        "IfcFacetedBrep",
        "IfcFacetedBrepWithVoids",
        "IfcShellBasedSurfaceModel",
        "IfcFaceBasedSurfaceModel",
    ):
        return [_brep_part(item, m)]
    if kind in ("IfcPolygonalFaceSet", "IfcTriangulatedFaceSet"):
        return [_face_set_part(item, m)]
    raise Unsupported(kind)


def has_reference_cycle(root: Any, limit: int = 200_000) -> bool:
    """Whether the entities reachable from ``root`` refer back to one on the current path.

    ifcopenshell's geometry engine crashes (SIGSEGV) or never returns on such graphs (a
    mapped item that maps itself, a composite curve inside itself), so nothing cyclic may be
    handed to it. An iterative depth-first walk; graphs beyond ``limit`` entities count as
    cyclic (no space needs that many).
    """
    import ifcopenshell

    def refs(e: Any) -> list[Any]:
        out: list[Any] = []
        stack = [e.get_argument(i) for i in range(len(e))]
        while stack:
            v = stack.pop()
            if isinstance(v, ifcopenshell.entity_instance):
                if v.id():
                    out.append(v)
            elif isinstance(v, tuple | list):
                stack.extend(v)
        return out

    on_path: set[int] = set()
    done: set[int] = set()
    work: list[tuple[Any, list[Any] | None]] = [(root, None)]
    while work:
        node, children = work[-1]
        key = node.id()
        if children is None:
            if key in done:
                work.pop()
                continue
            on_path.add(key)
            children = refs(node)
            work[-1] = (node, children)
            if len(done) + len(on_path) > limit:
                return True
        if children:
            child = children.pop()
            ck = child.id()
            if ck in on_path:
                return True
            if ck not in done:
                work.append((child, None))
        else:
            on_path.discard(key)
            done.add(key)
            work.pop()
    return False
