"""Space geometry read directly with numpy and shapely: footprint, vertical extent, volume.

The fast path understands the representation items that space geometry is made of in
practice: extruded area solids (any profile built from polylines, indexed poly curves,
circles, arcs and composite curves, with voids; any extrusion direction), mapped items,
faceted B-reps, surface models and polygonal / triangulated face sets. Anything else raises
:class:`Unsupported`, and the caller falls back to ifcopenshell's geometry engine
(:func:`part_from_engine`). The 2D half (curves and profiles) lives in
:mod:`site_manager.ifc.profiles`.

Every result is a :class:`Part` in world coordinates and metres: the footprint is the
projection of the solid onto the world XY plane (for a sideways extrusion, the projection of
the swept solid, not of its profile), ``z_min``/``z_max`` its vertical extent, ``volume``
its enclosed volume (orientation-independent, so inward-facing surface models work).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from site_manager.ifc.placement import (
    CyclicReference,
    PlacementCache,
    transformation_operator_matrix,
)
from site_manager.ifc.profiles import (
    EMPTY,
    GRID_M,
    MIN_HOLE_M2,
    SEGMENTS_PER_TURN,
    Rings,
    Unsupported,
    clean_footprint,
    curve_points,
    profile_rings,
    rings_geometry,
    transform_rings,
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


# --------------------------------------------------------------------------------- solids


def _cross(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Row-wise cross product; np.cross is slow on the small arrays of one face."""
    out = np.empty_like(p)
    out[:, 0] = p[:, 1] * q[:, 2] - p[:, 2] * q[:, 1]
    out[:, 1] = p[:, 2] * q[:, 0] - p[:, 0] * q[:, 2]
    out[:, 2] = p[:, 0] * q[:, 1] - p[:, 1] * q[:, 0]
    return out


def _faces_part(loops_per_face: list[list[np.ndarray]]) -> Part:
    """Footprint, extent and volume of a polyhedral surface given as planar faces.

    Each face is a list of loops (N×3 world points): the first is the outer boundary, the
    others are holes. See :func:`faces_part_flat`.
    """
    loops = [lp for face in loops_per_face for lp in face]
    face_of_loop = np.array([i for i, face in enumerate(loops_per_face) for _ in face])
    is_outer = np.array([j == 0 for face in loops_per_face for j in range(len(face))])
    sizes = np.array([len(lp) for lp in loops])
    return faces_part_flat(np.vstack(loops), sizes, face_of_loop, is_outer)


def faces_part_flat(
    pts: np.ndarray, sizes: np.ndarray, face_of_loop: np.ndarray, is_outer: np.ndarray
) -> Part:
    """Footprint, extent and volume of planar faces given as flat arrays (vectorised).

    Parameters
    ----------
    pts : numpy.ndarray
        P×3 world points of every loop, one loop after the other. [m]
    sizes : numpy.ndarray
        Number of points of each loop.
    face_of_loop : numpy.ndarray
        The face each loop bounds (non-decreasing, outer loop first in each face).
    is_outer : numpy.ndarray
        Whether each loop is its face's outer boundary.

    Notes
    -----
    Orientation is fixed first: where neighbouring faces run a shared edge the same way
    (Revit 2011 writes such shells), faces are flipped to agree (:func:`_consistent_flips`).
    The volume then follows from the divergence theorem, as an absolute value (inward
    shells are common). The footprint is the union of the projections of the upward faces
    for a closed, consistent shell (they cover its projection exactly once), else of every
    non-vertical face.
    """
    if len(pts) <= SMALL_MESH_POINTS and bool(is_outer.all()) and bool((sizes >= 3).all()):
        return _small_faces_part(pts, sizes.tolist())
    keep = sizes >= 3
    if not keep.all():
        mask = np.repeat(keep, sizes)
        pts, sizes = pts[mask], sizes[keep]
        face_of_loop, is_outer = face_of_loop[keep], is_outer[keep]
        if len(sizes):  # renumber faces 0..n-1 and keep an outer loop first in each
            face_of_loop = np.unique(face_of_loop, return_inverse=True)[1].ravel()
    if len(sizes) == 0:
        raise Unsupported("a surface without faces")
    z_min, z_max = float(pts[:, 2].min()), float(pts[:, 2].max())
    ref = pts.mean(axis=0)
    p = pts - ref
    n_pts = len(p)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    nxt = np.arange(1, n_pts + 1)
    nxt[starts + sizes - 1] = starts
    normals = np.add.reduceat(_cross(p, p[nxt]), starts, axis=0)  # 2 × vector area per loop
    # vertex ids (matched to 1 µm) and edges, for orientation and closedness; plain
    # Python is faster than numpy's unique for the few hundred points of a space
    ids: dict[tuple[float, ...], int] = {}
    vid_list = [ids.setdefault(tuple(k), len(ids)) for k in np.round(pts, 6).tolist()]
    nxt_list = nxt.tolist()
    loop_of_pt = np.repeat(np.arange(len(sizes)), sizes)
    face_of_pt = face_of_loop[loop_of_pt].tolist()
    edges = [
        (vid_list[i], vid_list[j], face_of_pt[i])
        for i, j in enumerate(nxt_list)
        if vid_list[i] != vid_list[j]
    ]
    n_faces = int(face_of_loop.max()) + 1
    directed = {(a, b) for a, b, _ in edges}
    consistent = len(directed) == len(edges)
    undirected = Counter((a, b) if a < b else (b, a) for a, b, _ in edges)
    closed = all(c == 2 for c in undirected.values())
    face_sign = np.ones(n_faces)
    if not consistent:
        face_sign[_consistent_flips(edges, n_faces)] = -1.0
    normals = normals * face_sign[face_of_loop][:, None]
    # holes must run against their face's outer loop
    outer_idx = np.flatnonzero(is_outer)
    outer_of_face = np.full(n_faces, -1)
    outer_of_face[face_of_loop[outer_idx]] = outer_idx
    own_outer = normals[outer_of_face[face_of_loop]]
    same_way = (~is_outer) & ((normals * own_outer).sum(axis=1) > 0)
    normals[same_way] *= -1.0
    six_v = float((p[starts] * normals).sum())
    # footprint
    face_n = normals[outer_idx]
    norm = np.linalg.norm(face_n, axis=1)
    tilted = np.abs(face_n[:, 2]) > 1e-6 * np.maximum(norm, 1e-300)
    if closed:
        tilted &= face_n[:, 2] * (1.0 if six_v >= 0 else -1.0) > 0
    chosen_faces = face_of_loop[outer_idx][tilted]
    if len(chosen_faces) == 0:
        return Part(EMPTY, z_min, z_max, abs(six_v) / 6.0)
    chosen_mask = np.zeros(n_faces, dtype=bool)
    chosen_mask[chosen_faces] = True
    chosen = chosen_mask[face_of_loop]
    has_holes = np.bincount(face_of_loop, minlength=n_faces) > 1
    xy = pts[:, :2]
    polys: list[BaseGeometry] = []
    simple = chosen & ~has_holes[face_of_loop]
    if simple.any():
        sel = np.repeat(simple, sizes)
        ring_ids = np.repeat(np.arange(int(simple.sum())), sizes[simple])
        rings = shapely.linearrings(xy[sel], indices=ring_ids)
        polys.extend(shapely.polygons(rings).tolist())
    holed = chosen & has_holes[face_of_loop]
    for f_id in sorted(set(face_of_loop[holed].tolist())):
        idx = np.flatnonzero(face_of_loop == f_id)
        rings_xy = [xy[starts[i] : starts[i] + sizes[i]] for i in idx]
        polys.append(Polygon(rings_xy[0], rings_xy[1:]))
    arr = np.array(polys, dtype=object)
    bad = ~shapely.is_valid(arr)
    if bad.any():
        arr[bad] = shapely.make_valid(arr[bad])
    if len(arr) == 1 and not bad[0]:
        fp = clean_footprint(arr[0])
    else:
        fp = clean_footprint(shapely.union_all(arr, grid_size=GRID_M))
    return Part(fp, z_min, z_max, abs(six_v) / 6.0)


#: Meshes up to this many points without holes in faces take the pure-Python path: numpy's
#: per-call overhead dominates on a box of six faces.
SMALL_MESH_POINTS = 256


def _small_faces_part(pts: np.ndarray, sizes: list[int]) -> Part:
    """:func:`faces_part_flat` for a small mesh of hole-free faces, in plain Python.

    Same results (tested against the vectorised path), several times faster on the boxes
    and prisms that most spaces are.
    """
    z_min, z_max = float(pts[:, 2].min()), float(pts[:, 2].max())
    rx, ry, rz = (float(c) for c in pts.mean(axis=0))
    plist = pts.tolist()
    ids: dict[tuple[float, ...], int] = {}
    vid = [ids.setdefault((round(x, 6), round(y, 6), round(z, 6)), len(ids)) for x, y, z in plist]
    normals: list[tuple[float, float, float]] = []
    dots: list[float] = []
    edges: list[tuple[int, int, int]] = []
    start = 0
    for f, n in enumerate(sizes):
        nx = ny = nz = 0.0
        x0, y0, z0 = plist[start]
        x0, y0, z0 = x0 - rx, y0 - ry, z0 - rz
        px, py, pz = x0, y0, z0
        for k in range(n):
            i = start + k
            j = start + (k + 1) % n
            if k + 1 < n:
                qx, qy, qz = plist[j]
                qx, qy, qz = qx - rx, qy - ry, qz - rz
            else:
                qx, qy, qz = x0, y0, z0
            nx += py * qz - pz * qy
            ny += pz * qx - px * qz
            nz += px * qy - py * qx
            px, py, pz = qx, qy, qz
            if vid[i] != vid[j]:
                edges.append((vid[i], vid[j], f))
        normals.append((nx, ny, nz))
        dots.append(x0 * nx + y0 * ny + z0 * nz)
        start += n
    n_faces = len(sizes)
    directed = {(a, b) for a, b, _ in edges}
    consistent = len(directed) == len(edges)
    undirected = Counter((a, b) if a < b else (b, a) for a, b, _ in edges)
    closed = all(c == 2 for c in undirected.values())
    sign = [1.0] * n_faces
    if not consistent:
        sign = [-1.0 if fl else 1.0 for fl in _consistent_flips(edges, n_faces).tolist()]
    six_v = sum(sg * d for sg, d in zip(sign, dots, strict=True))
    up = 1.0 if six_v >= 0 else -1.0
    coords: list[list[float]] = []
    ring_ids: list[int] = []
    start = 0
    n_rings = 0
    for f, n in enumerate(sizes):
        nx, ny, nz = normals[f]
        nz *= sign[f]
        length = math.sqrt(nx * nx + ny * ny + nz * nz)
        if abs(nz) > 1e-6 * max(length, 1e-300) and (not closed or nz * up > 0):
            coords.extend(p[:2] for p in plist[start : start + n])
            ring_ids.extend([n_rings] * n)
            n_rings += 1
        start += n
    if not n_rings:
        return Part(EMPTY, z_min, z_max, abs(six_v) / 6.0)
    arr: Any = shapely.polygons(shapely.linearrings(coords, indices=ring_ids))
    bad: Any = ~shapely.is_valid(arr)
    if bad.any():
        arr[bad] = shapely.make_valid(arr[bad])
    if n_rings == 1 and not bad[0]:
        fp = clean_footprint(arr[0])
    else:
        fp = clean_footprint(shapely.union_all(arr, grid_size=GRID_M))
    return Part(fp, z_min, z_max, abs(six_v) / 6.0)


def _consistent_flips(edges: list[tuple[int, int, int]], n_faces: int) -> np.ndarray:
    """Which faces to reverse so that neighbouring faces traverse shared edges oppositely.

    Exporters write shells whose faces point in and out at random (Revit 2011 surface
    models); the divergence theorem needs one orientation throughout. Faces are walked
    breadth-first over shared edges ``(vertex, vertex, face)``.
    """
    directed: dict[tuple[int, int], list[int]] = {}
    face_edges: list[list[tuple[int, int]]] = [[] for _ in range(n_faces)]
    for a, b, fc in edges:
        directed.setdefault((a, b), []).append(fc)
        face_edges[fc].append((a, b))
    flips: list[bool | None] = [None] * n_faces
    for start in range(n_faces):
        if flips[start] is not None:
            continue
        flips[start] = False
        queue = [start]
        while queue:
            i = queue.pop()
            fi = flips[i]
            for a, b in face_edges[i]:
                for j in directed.get((a, b), ()):  # same direction: opposite flip
                    if j != i and flips[j] is None:
                        flips[j] = not fi
                        queue.append(j)
                for j in directed.get((b, a), ()):  # opposite direction: same flip
                    if flips[j] is None:
                        flips[j] = fi
                        queue.append(j)
    return np.array([bool(x) for x in flips], dtype=bool)


def triangles_part(verts: np.ndarray, tris: np.ndarray) -> Part:
    """Footprint, extent and volume of a triangle mesh (world metres), vectorised.

    Parameters
    ----------
    verts : numpy.ndarray
        V×3 vertex coordinates. [m]
    tris : numpy.ndarray
        T×3 vertex indices.
    """
    if len(tris) == 0:
        return Part(EMPTY, math.nan, math.nan, 0.0)
    ref = verts.mean(axis=0)
    v = verts - ref
    a, b, c = v[tris[:, 0]], v[tris[:, 1]], v[tris[:, 2]]
    cross = np.cross(b - a, c - a)
    volume = abs(float(np.einsum("ij,ij->", a, np.cross(b, c)))) / 6.0
    norm = np.linalg.norm(cross, axis=1)
    keep = np.abs(cross[:, 2]) > 1e-6 * np.maximum(norm, 1e-300)
    t = np.stack([a[keep], b[keep], c[keep]], axis=1)[:, :, :2] + ref[:2]
    polys = shapely.polygons(t)
    fp = clean_footprint(shapely.union_all(polys, grid_size=GRID_M)) if len(polys) else EMPTY
    used = verts[np.unique(tris)]
    return Part(fp, float(used[:, 2].min()), float(used[:, 2].max()), volume)


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
    part = _faces_part(faces)
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
    return _faces_part(faces)


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


def part_from_engine(shape_geometry: Any) -> Part:
    """A :class:`Part` from an ifcopenshell geometry-engine shape in world coordinates."""
    verts = np.asarray(shape_geometry.verts, dtype=float).reshape(-1, 3)
    tris = np.asarray(shape_geometry.faces, dtype=int).reshape(-1, 3)
    return triangles_part(verts, tris)
