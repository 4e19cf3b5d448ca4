"""Geometry and orientation of the fabric elements: meshes, probes and outward sides.

The records and geometric helpers :func:`site_manager.ifc.fabric.fabric_from_ifc` works
with: an element's triangulated mesh (:class:`_Mesh`), the spaces as shapely footprints
with vertical extents for probing (:class:`_Spaces`, courtyards and yards marked outdoor by
:func:`_outdoor_space_ids`), the roof surfaces (:class:`_RoofCover`), the main axis and
plane of walls and openings, azimuth from true north and tilt. :func:`_outward` sets a
wall's outward normal and :func:`_orient_opening` a window's or door's, by the rules in the
"Orientation" part of :mod:`site_manager.ifc.fabric`'s docstring.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry

#: Distance beyond a wall face at which spaces are probed. [m]
PROBE_M = 0.4


@dataclass
class _Mesh:
    """An element's triangles in world metres: normals, areas, centroids."""

    verts: np.ndarray
    normals: np.ndarray
    areas: np.ndarray
    centroids: np.ndarray
    up_triangles: np.ndarray = field(default_factory=lambda: np.zeros((0, 3, 3)))
    triangles: np.ndarray = field(default_factory=lambda: np.zeros((0, 3, 3)))

    @property
    def z_min(self) -> float:
        return float(self.verts[:, 2].min())

    @property
    def z_max(self) -> float:
        return float(self.verts[:, 2].max())


def _mesh_from_shape(geometry: Any) -> _Mesh | None:
    verts = np.asarray(geometry.verts, dtype=float).reshape(-1, 3)
    tris = np.asarray(geometry.faces, dtype=int).reshape(-1, 3)
    if len(tris) == 0:
        return None
    a, b, c = verts[tris[:, 0]], verts[tris[:, 1]], verts[tris[:, 2]]
    cross = np.cross(b - a, c - a)
    norm = np.linalg.norm(cross, axis=1)
    keep = norm > 1e-12
    if not keep.any():
        return None
    normals = cross[keep] / norm[keep, None]
    up = normals[:, 2] > 0.1
    return _Mesh(
        verts=verts,
        normals=normals,
        areas=0.5 * norm[keep],
        centroids=((a + b + c) / 3.0)[keep],
        up_triangles=np.stack([a[keep][up], b[keep][up], c[keep][up]], axis=1),
        triangles=np.stack([a[keep], b[keep], c[keep]], axis=1),
    )


@dataclass
class _Element:
    entity: Any
    kind: str
    mesh: _Mesh
    storey: str
    psets: dict[str, Any]
    area_m2: float = math.nan
    normal: np.ndarray | None = None  # outward, unit, world XYZ
    axis: np.ndarray | None = None  # horizontal main axis of a wall face (unit XY)
    thickness_m: float = 0.0
    footprint: BaseGeometry = field(default_factory=Polygon)
    external_source: str = ""
    spaces: list[str] = field(default_factory=list)
    shares: list[float] = field(default_factory=list)
    boundary_source: str = "none"
    tilt: float = 90.0
    # a wall's outer face in its own plane (u along ``face_u``, z up) with the party-wall
    # parts taken out, and the area taken out [m²] (see fabric_walls._party_walls)
    party_m2: float = 0.0
    face_u: np.ndarray | None = None
    exposed_face: BaseGeometry | None = None
    # area of doors and windows without an opening of their own taken out of a wall [m²]
    # (see fabric_walls._doors_in_walls)
    opening_m2: float = 0.0


class _Spaces:
    """The spaces frame as shapely geometries with vertical extents, for probing."""

    def __init__(self, spaces: Any, outdoor: frozenset[str] | set[str] = frozenset()) -> None:
        self.ids: list[str] = []
        self.geoms: list[BaseGeometry] = []
        self.z0: list[float] = []
        self.z1: list[float] = []
        self.storey: list[str] = []
        self.outdoor: list[bool] = []  # courtyards, yards: outside, not interior
        self.centre = np.zeros(2)
        if spaces is None or len(spaces) == 0:
            self.tree = None
            return
        for row in spaces.itertuples(index=False):
            geom = row.geometry
            if geom is None or geom.is_empty:
                continue
            z0 = float(row.z_min_m) if row.z_min_m == row.z_min_m else math.nan
            h = float(row.height_m) if row.height_m == row.height_m else math.nan
            self.ids.append(str(row.global_id))
            self.geoms.append(geom)
            self.z0.append(z0)
            self.z1.append(z0 + h if not math.isnan(h) else math.nan)
            self.storey.append(str(row.storey))
            self.outdoor.append(str(row.global_id) in outdoor)
        self.tree = shapely.STRtree(self.geoms) if self.geoms else None
        inner = [g for g, o in zip(self.geoms, self.outdoor, strict=True) if not o] or self.geoms
        self.centre = (
            np.asarray(shapely.union_all(inner).centroid.coords[0]) if inner else np.zeros(2)
        )

    def indoor(self, among: Iterable[int]) -> list[int]:
        """The interior spaces among ``among`` (outdoor spaces left out)."""
        return [i for i in among if not self.outdoor[i]]

    def at_height(self, z0: float, z1: float, storey: str) -> list[int]:
        """Spaces whose vertical extent overlaps [z0, z1] (by 0.3 m or a third of it)."""
        need = min(0.3, max(0.0, (z1 - z0) / 3.0))
        out = []
        for i in range(len(self.ids)):
            a, b = self.z0[i], self.z1[i]
            if math.isnan(a) or math.isnan(b):
                if storey and self.storey[i] == storey:
                    out.append(i)
                continue
            if min(b, z1) - max(a, z0) >= need:
                out.append(i)
        return out

    def containing(self, xy: np.ndarray, among: list[int]) -> list[int]:
        p = Point(float(xy[0]), float(xy[1]))
        return [i for i in among if self.geoms[i].covers(p)]


def _true_north(f: Any) -> np.ndarray:
    """Model XY direction of true north (unit), from the 3D model context; +Y if none."""
    from site_manager.ifc.model_info import true_north_xy

    north = true_north_xy(f)
    return np.array([0.0, 1.0]) if north is None else np.array(north)


def _azimuth(normal_xy: np.ndarray, north: np.ndarray) -> float:
    east = np.array([north[1], -north[0]])
    n = np.asarray(normal_xy[:2], dtype=float)
    if np.hypot(*n) < 1e-9:
        return math.nan
    return float(np.degrees(np.arctan2(n @ east, n @ north)) % 360.0)


def _main_axis(mesh: _Mesh) -> tuple[np.ndarray | None, float]:
    """The dominant horizontal face normal (unit XY, up to sign) and the area facing it."""
    vertical = np.abs(mesh.normals[:, 2]) < 0.3
    if not vertical.any():
        return None, 0.0
    n = mesh.normals[vertical, :2]
    n = n / np.linalg.norm(n, axis=1, keepdims=True)
    ang = np.degrees(np.arctan2(n[:, 1], n[:, 0])) % 180.0
    bins = np.round(ang / 5.0).astype(int) % 36
    weights = np.bincount(bins, weights=mesh.areas[vertical], minlength=36)
    best = int(np.argmax(weights))
    sel = bins == best
    # area-weighted mean direction of the chosen bin, signs folded onto one half-plane
    ref = np.array([math.cos(math.radians(best * 5.0)), math.sin(math.radians(best * 5.0))])
    signs = np.sign(n[sel] @ ref)
    d = (n[sel] * (signs * mesh.areas[vertical][sel])[:, None]).sum(axis=0)
    d = d / np.linalg.norm(d)
    facing = np.abs(mesh.normals[:, :2] @ d) > 0.9
    facing &= np.abs(mesh.normals[:, 2]) < 0.3
    return d, float(mesh.areas[facing].sum())


def _plane_normal(mesh: _Mesh) -> np.ndarray | None:
    """Unit normal (sign arbitrary) of the plane of a thin element such as a window.

    The principal direction of the area-weighted face normals (the eigenvector of
    Σ a·n·nᵀ with the largest eigenvalue): the faces of a pane or a frame that lie in the
    opening plane carry far more area than its edges, whatever the slope of that plane.
    """
    m = (mesh.normals * mesh.areas[:, None]).T @ mesh.normals
    values, vectors = np.linalg.eigh(m)
    if values[-1] <= 0 or values[-1] < 1.5 * values[-2]:
        return None  # no dominant plane (a cube-like lump): not a thin element
    n = vectors[:, -1]
    return n / np.linalg.norm(n)


def _in_plane_axes(n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two unit axes in the plane of normal ``n``: horizontal ``u`` and ``v`` = n × u."""
    u = np.cross([0.0, 0.0, 1.0], n)
    if np.linalg.norm(u) < 1e-6:  # a horizontal plane
        u = np.array([1.0, 0.0, 0.0])
    u = u / np.linalg.norm(u)
    return u, np.cross(n, u)


def _extent(mesh: _Mesh, axis: np.ndarray) -> tuple[float, float]:
    s = mesh.verts @ axis
    return float(s.min()), float(s.max())


def _tilt(normal: np.ndarray) -> float:
    """Tilt of a surface with this outward normal: 0 facing up, 90 vertical. [°]"""
    z = float(normal[2])
    if abs(z) < 1e-6:
        return 90.0
    return float(np.degrees(np.arccos(np.clip(z, -1.0, 1.0))))


class _RoofCover:
    """The upward-facing triangles of the roofs: is a point under a roof?"""

    def __init__(self, meshes: list[_Mesh]) -> None:
        tris = [m.up_triangles for m in meshes]
        self.tris = np.concatenate(tris) if tris else np.zeros((0, 3, 3))

    def covered(self, point: np.ndarray) -> bool:
        """True if some roof surface lies above ``point`` (world XYZ) [m]."""
        if len(self.tris) == 0:
            return False
        a, b, c = self.tris[:, 0], self.tris[:, 1], self.tris[:, 2]
        v0, v1 = (b - a)[:, :2], (c - a)[:, :2]
        v2 = point[:2] - a[:, :2]
        den = v0[:, 0] * v1[:, 1] - v1[:, 0] * v0[:, 1]
        ok = np.abs(den) > 1e-12
        den = np.where(ok, den, 1.0)
        beta = (v2[:, 0] * v1[:, 1] - v1[:, 0] * v2[:, 1]) / den
        gamma = (v0[:, 0] * v2[:, 1] - v2[:, 0] * v0[:, 1]) / den
        inside = ok & (beta >= -1e-9) & (gamma >= -1e-9) & (beta + gamma <= 1 + 1e-9)
        z = a[:, 2] + beta * (b - a)[:, 2] + gamma * (c - a)[:, 2]
        return bool((inside & (z > point[2])).any())


def _along(mesh: _Mesh, axis: np.ndarray) -> tuple[float, float]:
    s = mesh.verts[:, :2] @ axis
    return float(s.min()), float(s.max())


def _footprint(mesh: _Mesh) -> BaseGeometry:
    hull = shapely.convex_hull(shapely.MultiPoint(mesh.verts[:, :2]))
    return hull


def _outdoor_space_ids(f: Any, frame: Any) -> set[str]:
    """GlobalIds of the spaces that are outdoors: courtyards, yards, terraces.

    A space is outdoors where its ``PredefinedType`` (IFC4) or ``InteriorOrExteriorSpace``
    (IFC2X3) is ``EXTERNAL``, or its ``Pset_SpaceCommon.IsExternal`` is true.
    """
    out: set[str] = set()
    if frame is None or len(frame) == 0:
        return out
    psets = frame["psets"] if "psets" in frame.columns else [None] * len(frame)
    for gid, ps in zip(frame["global_id"], psets, strict=True):
        flag = ps.get("Pset_SpaceCommon.IsExternal") if isinstance(ps, dict) else None
        if flag is True or (isinstance(flag, str) and flag.upper() in ("TRUE", ".T.")):
            out.add(str(gid))
            continue
        try:
            e = f.by_guid(str(gid))
        except RuntimeError:
            continue
        for attr in ("PredefinedType", "InteriorOrExteriorSpace"):
            if str(getattr(e, attr, None) or "").upper() == "EXTERNAL":
                out.add(str(gid))
    return out


#: A window whose own plane normal is further than this from its host wall's normal is
#: taken to lie in the wall's plane (its geometry is not a thin panel). [°]
HOST_AGREEMENT_DEG = 30.0
#: A window whose normal rises more than this above the horizontal is a sloped
#: rooflight: outward is the upward side. [°]
SLOPED_DEG = 1.0


def _orient_opening(
    el: _Element, host_el: _Element | None, spaces: _Spaces, roofs: _RoofCover
) -> str | None:
    """Set the outward normal, tilt, axis and thickness of a window or door.

    The plane comes from the element's own geometry (:func:`_plane_normal`). Its outward
    side is, in this order: the side its host wall faces (where it fills an opening of an
    external wall); the upper side (a sloped rooflight); the side without an interior
    space within ``PROBE_M`` (outdoor spaces are outside); the side not under a roof (a
    north light in a saw-tooth roof); the side away from the centre of the interior spaces.
    ``Pset_MultifactoryGlazing.Azimuth``/``Tilt`` are not used (only the sample models have
    them; the tests check the geometry against them).

    Returns ``"given"`` (by the host), ``"one"`` (one side is outside), ``"both"``, ``"none"``
    (as :func:`_outward`), or None where the element has no usable geometry.
    """
    mesh = el.mesh
    n = _plane_normal(mesh)
    host_n = host_el.normal if host_el is not None else None
    if host_el is not None and host_n is not None:
        if n is None or abs(float(n @ host_n)) < math.cos(math.radians(HOST_AGREEMENT_DEG)):
            n = np.asarray(host_n, dtype=float)
        elif float(n @ host_n) < 0:
            n = -n
        el.normal, el.tilt = n, _tilt(n)
        el.axis, el.thickness_m = host_el.axis, host_el.thickness_m
        return "given"
    if n is None:
        axis, _ = _main_axis(mesh)
        if axis is None:
            return None
        n = np.array([axis[0], axis[1], 0.0])
    lo, hi = _extent(mesh, n)
    el.thickness_m = max(hi - lo, 0.05)
    h = float(np.hypot(n[0], n[1]))
    el.axis = n[:2] / h if h > 1e-6 else None
    u, _ = _in_plane_axes(n)
    u0, u1 = _extent(mesh, u)
    centre = (mesh.verts.min(axis=0) + mesh.verts.max(axis=0)) / 2.0
    cu = float(centre @ u)
    among = spaces.indoor(spaces.at_height(mesh.z_min, mesh.z_max, el.storey))
    reach = el.thickness_m / 2.0 + PROBE_M
    plus = minus = False
    roof_plus = roof_minus = 0
    for frac in (0.1, 0.3, 0.5, 0.7, 0.9):
        base = centre + u * (u0 + frac * (u1 - u0) - cu)
        p_plus, p_minus = base + n * reach, base - n * reach
        plus |= bool(spaces.containing(p_plus, among))
        minus |= bool(spaces.containing(p_minus, among))
        roof_plus += roofs.covered(p_plus)
        roof_minus += roofs.covered(p_minus)
    side = "one" if plus != minus else ("both" if plus else "none")
    if abs(float(n[2])) > math.sin(math.radians(SLOPED_DEG)):
        sign = 1.0 if n[2] > 0 else -1.0
        side = "one" if side == "none" else side  # a rooflight, above the rooms
    elif plus != minus:
        sign = -1.0 if plus else 1.0
    elif roof_plus != roof_minus:
        sign = -1.0 if roof_plus > roof_minus else 1.0
        side = "one" if side == "none" else side
    else:
        sign = 1.0 if float((centre[:2] - spaces.centre) @ n[:2]) >= 0 else -1.0
    n = sign * n
    el.normal, el.tilt = n, _tilt(n)
    return side


def _outward(el: _Element, spaces: _Spaces) -> str:
    """Set ``el.normal`` to the outward horizontal normal; say how many sides have a space.

    Returns ``"one"`` (a space on exactly one side), ``"both"``, or ``"none"``. Only
    interior spaces count: a courtyard or yard (see :func:`_outdoor_space_ids`) is outside.
    """
    assert el.axis is not None
    d = el.axis
    e = np.array([-d[1], d[0]])
    lo, hi = _along(el.mesh, e)
    mid_d = float(np.mean(_along(el.mesh, d)))
    among = spaces.indoor(spaces.at_height(el.mesh.z_min, el.mesh.z_max, el.storey))
    plus = minus = False
    reach = el.thickness_m / 2.0 + PROBE_M
    for frac in (0.1, 0.3, 0.5, 0.7, 0.9):
        base = e * (lo + frac * (hi - lo)) + d * mid_d
        if spaces.containing(base + d * reach, among):
            plus = True
        if spaces.containing(base - d * reach, among):
            minus = True
    if plus and not minus:
        sign = -1.0
    elif minus and not plus:
        sign = 1.0
    else:
        centre = e * (lo + hi) / 2.0 + d * mid_d
        sign = 1.0 if float((centre - spaces.centre) @ d) >= 0 else -1.0
    el.normal = np.array([sign * d[0], sign * d[1], 0.0])
    return "one" if plus != minus else ("both" if plus else "none")
