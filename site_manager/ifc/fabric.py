"""The building fabric from IFC: external walls, windows, doors, roofs and ground slabs.

:func:`fabric_from_ifc` runs inside the importer's child process (``read_model(path,
fabric=True)`` puts its frame in ``model.extra["fabric"]``) and returns one row per element
(:data:`FABRIC_COLUMNS`). How each column is found:

- **Which elements.** Walls whose ``Pset_WallCommon.IsExternal`` is true; where a model sets
  that flag on none of its walls, walls with a space on one side and none on the other
  (probed 0.4 m beyond each face at five points along the wall). Windows and doors whose
  ``IsExternal`` is true, else those hosted (``IfcRelFillsElement`` / ``IfcRelVoidsElement``)
  by an external wall. Roofs: ``IfcSlab`` of type ``ROOF`` and ``IfcRoof`` elements that are
  not split into such slabs. Ground slabs: ``IfcSlab`` of type ``BASESLAB``, and floor slabs
  whose top lies within 0.3 m of the lowest space floor.
- **Area.** From the element's triangulated geometry in world metres (ifcopenshell's
  engine, openings cut): walls the mean of their two main faces, roofs the upward-facing
  surface, slabs the downward-facing one; windows and doors ``OverallWidth ×
  OverallHeight`` where both are given, else the extent of their geometry in the wall plane.
- **Orientation.** ``azimuth_deg`` of the outward normal, clockwise from true north (the
  model context's ``TrueNorth``; +Y where there is none); ``tilt_deg`` from horizontal
  facing up (0) through vertical (90) to facing down (180); NaN azimuth for flat roofs and
  slabs (and horizontal skylights). Walls are vertical; outward is the side without an
  interior space; where neither probe finds one (or both do), the side away from the centre
  of the interior spaces. Courtyards and yards are outside: spaces that are ``EXTERNAL``
  (IFC4 ``PredefinedType``, IFC2X3 ``InteriorOrExteriorSpace``) or whose
  ``Pset_SpaceCommon.IsExternal`` is true are never "interior" (nor bounded by a wall that
  also bounds a room). Windows and doors take their plane from their own geometry (the
  principal direction of their area-weighted face normals), so north lights and sloped
  rooflights get their own azimuth and tilt; the outward side is their host wall's, else
  the upper side of a sloped one, else the side without an interior space, else the side
  not under a roof, else away from the centre (:func:`_orient_opening`). Where a window's
  own geometry gives no clear plane, its host wall's normal is used.
  ``Pset_MultifactoryGlazing.Azimuth``/``Tilt`` (the sample models only) are never read:
  the tests compare the geometry with them.
- **Spaces bounded.** From ``IfcRelSpaceBoundary`` where the model has physical boundaries
  between the element and spaces we know whose heights overlap the element (``sane``);
  else geometrically: walls, windows and doors bound the spaces of their height whose
  footprint edge runs within 0.3 m of them (shared by length of edge); roofs bound the
  topmost spaces under them and ground slabs the lowest spaces above them (shared by
  overlapping footprint area). ``space_areas_m2`` shares the element's area out.
- **U-value.** ``ThermalTransmittance`` of the element's ``Pset_*Common``; else its material
  layers where every layer has a thickness and a thermal conductivity (U = 1/(R_si + Σ d/λ +
  R_se) with the surface resistances of EN ISO 6946 Table 7); else :data:`ERA_DEFAULTS`,
  values for an uninsulated pre-1919 solid-brick industrial building, each naming its source.
  ``u_source`` says which.
"""

from __future__ import annotations

import json
import logging
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry

from site_manager.ifc.properties import Relations, flatten_psets, relations_from_ifc
from site_manager.ifc.units import UnitScales, unit_scales_from_ifc

log = logging.getLogger(__name__)

#: Columns of the fabric frame (one row per element), with their unit.
FABRIC_COLUMNS: dict[str, str] = {
    "global_id": "IFC GlobalId of the element",
    "ifc_class": "IfcWall, IfcWindow, IfcDoor, IfcSlab, IfcRoof, ...",
    "kind": "wall, window, door, roof or slab (the ZONES.json element kinds)",
    "name": "the element's Name",
    "storey": "name of the storey that contains it ('' if none)",
    "area_m2": "area of the element's face [m²]",
    "azimuth_deg": "outward normal, clockwise from true north; NaN if horizontal [°]",
    "tilt_deg": "0 facing up, 90 vertical, 180 facing down [°]",
    "u_w_m2k": "thermal transmittance [W/m²K]",
    "u_source": "'pset', 'materials' or 'default: <source>'",
    "g_value": "total solar energy transmittance of glazing (windows; NaN otherwise) [0–1]",
    "frame_fraction": "frame share of the window area (windows; NaN otherwise) [0–1]",
    "external_source": "why it counts as external: 'pset', 'host', 'geometry' or 'type'",
    "space_global_ids": "GlobalIds of the spaces it bounds (list of str)",
    "space_areas_m2": "the element's area shared out to those spaces (list of float) [m²]",
    "boundary_source": "'IfcRelSpaceBoundary', 'geometry' or 'none'",
    "z_min_m": "lowest world elevation of the element [m]",
    "z_max_m": "highest world elevation of the element [m]",
    "geometry": "the element's footprint in world XY (shapely) [m]",
}


@dataclass(frozen=True)
class EraDefault:
    """A default U-value (and glazing data) for elements that carry none."""

    u_w_m2k: float
    source: str
    g_value: float = math.nan
    frame_fraction: float = math.nan


#: Defaults for an uninsulated pre-1919 solid-brick factory (the typical Multifactory host).
#: The values are the as-built figures of the UK RdSAP 2012 tables for age band A (before
#: 1900) and SAP 2012 Table 6b/6c for single glazing; they are defaults to be replaced by
#: surveyed values, and ``u_source`` names them on every row that uses them.
ERA_DEFAULTS: dict[str, EraDefault] = {
    "wall": EraDefault(2.1, "RdSAP 9.9x Table S6, solid brick as built, age bands A-D"),
    "roof": EraDefault(2.3, "RdSAP 2012 Table S9, roof without insulation"),
    "slab": EraDefault(1.2, "TABULA/EPISCOPE DE typology, uninsulated floor on ground pre-1918"),
    "window": EraDefault(
        4.8, "RdSAP 2012 Table S14 / SAP 2012 Table 6b-6c, single glazing, wood frame", 0.85, 0.3
    ),
    "door": EraDefault(3.0, "RdSAP 2012 Table S14, door"),
}

#: Uninsulated solid brick walls by thickness, RdSAP 10 (2025) section 5.7 Table 13:
#: (upper bound of the thickness [m], U [W/m²K]); used for walls whose thickness the
#: geometry gives, instead of the flat ``ERA_DEFAULTS["wall"]``.
BRICK_WALL_BY_THICKNESS: tuple[tuple[float, float], ...] = (
    (0.200, 2.5),
    (0.280, 1.7),
    (0.420, 1.4),
    (math.inf, 1.1),
)
BRICK_WALL_SOURCE = "RdSAP 10 section 5.7 Table 13, uninsulated solid brick"


def brick_wall_u(thickness_m: float) -> float:
    """Default U-value of an uninsulated solid brick wall of this thickness. [W/m²K]"""
    for upper, u in BRICK_WALL_BY_THICKNESS:
        if thickness_m <= upper:
            return u
    return BRICK_WALL_BY_THICKNESS[-1][1]


#: Surface resistances of EN ISO 6946 Table 7 by kind: (R_si, R_se). [m²K/W]
SURFACE_RESISTANCE: dict[str, tuple[float, float]] = {
    "wall": (0.13, 0.04),
    "roof": (0.10, 0.04),
    "slab": (0.17, 0.04),
    "window": (0.13, 0.04),
    "door": (0.13, 0.04),
}

#: Distance beyond a wall face at which spaces are probed. [m]
PROBE_M = 0.4
#: How far from an element a space's footprint edge may run and still be bounded by it. [m]
EDGE_TOLERANCE_M = 0.3
#: Floor slabs whose top is within this of the lowest space floor are ground slabs. [m]
GROUND_TOLERANCE_M = 0.3
#: U-values outside this range in a property set are ignored as errors. [W/m²K]
U_RANGE = (0.05, 10.0)

_COMMON_PSETS = {
    "wall": "Pset_WallCommon",
    "window": "Pset_WindowCommon",
    "door": "Pset_DoorCommon",
    "roof": "Pset_RoofCommon",
    "slab": "Pset_SlabCommon",
}


@dataclass
class _Mesh:
    """An element's triangles in world metres: normals, areas, centroids."""

    verts: np.ndarray
    normals: np.ndarray
    areas: np.ndarray
    centroids: np.ndarray
    up_triangles: np.ndarray = field(default_factory=lambda: np.zeros((0, 3, 3)))

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
    for ctx in f.by_type("IfcGeometricRepresentationContext"):
        if ctx.is_a("IfcGeometricRepresentationSubContext"):
            continue
        tn = getattr(ctx, "TrueNorth", None)
        if tn is not None and getattr(ctx, "CoordinateSpaceDimension", 3) == 3:
            r = [float(x) for x in tn.DirectionRatios[:2]]
            n = math.hypot(*r)
            if n > 0:
                return np.array(r) / n
    return np.array([0.0, 1.0])


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


def _psets_of(entity: Any, rel: Relations, scales: UnitScales, cache: dict) -> dict[str, Any]:
    return flatten_psets(rel.definitions.get(entity.id(), []), scales, cache)


def _flag(psets: dict[str, Any], kind: str, name: str) -> Any:
    value = psets.get(f"{_COMMON_PSETS[kind]}.{name}")
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.upper() in ("TRUE", "FALSE", ".T.", ".F."):
        return value.upper() in ("TRUE", ".T.")
    return None


def _u_from_pset(psets: dict[str, Any], kind: str) -> float | None:
    keys = [f"{_COMMON_PSETS[kind]}.ThermalTransmittance"]
    keys += [k for k in psets if k.endswith("Common.ThermalTransmittance") and k not in keys]
    for key in keys:
        v = psets.get(key)
        if isinstance(v, int | float) and not isinstance(v, bool):
            u = float(v)
            if U_RANGE[0] <= u <= U_RANGE[1]:
                return u
    return None


def _conductivities(f: Any) -> dict[int, float]:
    """Thermal conductivity by IfcMaterial id (IFC2X3 properties and IFC4 psets). [W/mK]"""
    out: dict[int, float] = {}
    try:
        for p in f.by_type("IfcThermalMaterialProperties"):  # IFC2X3
            if p.ThermalConductivity is not None and p.Material is not None:
                out[p.Material.id()] = float(p.ThermalConductivity)
    except RuntimeError:
        pass
    try:
        for p in f.by_type("IfcMaterialProperties"):  # IFC4: Pset_MaterialThermal
            if getattr(p, "Name", None) != "Pset_MaterialThermal":
                continue
            mat = getattr(p, "Material", None)
            for prop in getattr(p, "Properties", None) or ():
                value = prop.NominalValue if prop.Name == "ThermalConductivity" else None
                if value is not None and mat is not None:
                    out[mat.id()] = float(value.wrappedValue)
    except RuntimeError:
        pass
    return out


def _u_from_materials(
    entity: Any, kind: str, scales: UnitScales, conductivity: dict[int, float]
) -> float | None:
    import ifcopenshell.util.element

    try:
        mat = ifcopenshell.util.element.get_material(entity, should_skip_usage=True)
    except Exception:
        return None
    if mat is None or not mat.is_a("IfcMaterialLayerSet"):
        return None
    r_si, r_se = SURFACE_RESISTANCE[kind]
    total = r_si + r_se
    layers = list(mat.MaterialLayers or ())
    if not layers:
        return None
    for layer in layers:
        d = float(layer.LayerThickness or 0.0) * scales.length
        m = layer.Material
        lam = conductivity.get(m.id()) if m is not None else None
        if d <= 0 or lam is None or lam <= 0:
            return None
        total += d / lam
    return 1.0 / total


def _storey_of(entity: Any, rel: Relations) -> str:
    cur = rel.parent.get(entity.id())
    for _ in range(64):
        if cur is None:
            return ""
        if cur.is_a("IfcBuildingStorey"):
            return str(cur.Name or "")
        cur = rel.parent.get(cur.id())
    return ""


def _by_type(f: Any, name: str) -> list[Any]:
    try:
        return list(f.by_type(name))
    except RuntimeError:
        return []


def _predefined(entity: Any) -> str:
    value = getattr(entity, "PredefinedType", None)
    if value in (None, "NOTDEFINED", "USERDEFINED"):
        import ifcopenshell.util.element

        t = ifcopenshell.util.element.get_type(entity)
        tv = getattr(t, "PredefinedType", None) if t is not None else None
        return str(tv or value or "")
    return str(value)


def fabric_from_ifc(f: Any, model: Any) -> Any:
    """The external fabric of an opened IFC file as a GeoDataFrame (:data:`FABRIC_COLUMNS`).

    Parameters
    ----------
    f : ifcopenshell.file
        The opened model.
    model : BuildingModel
        Its building model (the spaces frame gives footprints and heights).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per external wall, window, door, roof and ground slab; elements whose
        geometry cannot be read are left out with a warning in ``model.warnings``.
    """
    import geopandas as gpd
    import ifcopenshell.geom

    scales = unit_scales_from_ifc(f)
    rel = relations_from_ifc(f)
    cache: dict[int, dict[str, Any]] = {}
    spaces = _Spaces(model.spaces, _outdoor_space_ids(f, model.spaces))
    north = _true_north(f)
    conductivity = _conductivities(f)
    settings = ifcopenshell.geom.settings()
    settings.set("use-world-coords", True)
    warnings: list[str] = getattr(model, "warnings", [])
    failed: list[str] = []
    meshes: dict[int, _Mesh | None] = {}

    def mesh_of(entity: Any) -> _Mesh | None:
        if entity.id() in meshes:
            return meshes[entity.id()]
        if entity.Representation is None:
            return None
        try:
            shape = ifcopenshell.geom.create_shape(settings, entity)
        except Exception as exc:
            log.debug("no geometry for %s: %r", entity, exc)
            failed.append(f"{entity.is_a()} {entity.GlobalId}")
            meshes[entity.id()] = None
            return None
        mesh = _mesh_from_shape(shape.geometry)  # type: ignore[union-attr]
        meshes[entity.id()] = mesh
        return mesh

    # hosts: window/door -> wall through the opening
    opening_host: dict[int, Any] = {}
    for r in _by_type(f, "IfcRelVoidsElement"):
        opening_host[r.RelatedOpeningElement.id()] = r.RelatingBuildingElement
    filler_host: dict[int, Any] = {}
    for r in _by_type(f, "IfcRelFillsElement"):
        host = opening_host.get(r.RelatingOpeningElement.id())
        if host is not None:
            filler_host[r.RelatedBuildingElement.id()] = host

    elements: list[_Element] = []
    walls = _by_type(f, "IfcWall")  # includes IfcWallStandardCase
    wall_psets = {w.id(): _psets_of(w, rel, scales, cache) for w in walls}
    trust_wall_flag = any(_flag(p, "wall", "IsExternal") is True for p in wall_psets.values())
    wall_elements: dict[int, _Element] = {}
    for w in walls:
        psets = wall_psets[w.id()]
        flag = _flag(psets, "wall", "IsExternal")
        if trust_wall_flag and flag is not True:
            continue
        mesh = mesh_of(w)
        if mesh is None:
            continue
        el = _Element(w, "wall", mesh, _storey_of(w, rel), psets)
        axis, face_area = _main_axis(mesh)
        if axis is None:
            continue
        el.axis = axis
        el.area_m2 = face_area / 2.0
        lo, hi = _along(mesh, axis)
        el.thickness_m = hi - lo
        el.footprint = _footprint(mesh)
        side = _outward(el, spaces)
        if trust_wall_flag:
            el.external_source = "pset"
        elif side == "one":
            el.external_source = "geometry"
        else:
            continue
        elements.append(el)
        wall_elements[w.id()] = el

    roof_meshes = [
        m
        for m in (
            mesh_of(e)
            for e in _by_type(f, "IfcRoof") + _by_type(f, "IfcSlab")
            if e.is_a("IfcRoof") or _predefined(e).upper() == "ROOF"
        )
        if m is not None
    ]
    roofs = _RoofCover(roof_meshes)
    for cls, kind in (("IfcWindow", "window"), ("IfcDoor", "door")):
        items = _by_type(f, cls)
        item_psets = {e.id(): _psets_of(e, rel, scales, cache) for e in items}
        trust = any(_flag(p, kind, "IsExternal") is True for p in item_psets.values())
        for e in items:
            psets = item_psets[e.id()]
            flag = _flag(psets, kind, "IsExternal")
            host = filler_host.get(e.id())
            host_el = wall_elements.get(host.id()) if host is not None else None
            if trust and flag is True:
                source = "pset"
            elif trust and flag is False:
                continue
            elif host_el is not None:
                source = "host"
            else:
                source = ""
            mesh = mesh_of(e)
            if mesh is None:
                continue
            el = _Element(e, kind, mesh, _storey_of(e, rel), psets)
            el.footprint = _footprint(mesh)
            opening_side = _orient_opening(el, host_el, spaces, roofs)
            if opening_side is None:
                continue
            if not source:
                if opening_side != "one":
                    continue
                source = "geometry"
            el.external_source = source
            w_, h_ = getattr(e, "OverallWidth", None), getattr(e, "OverallHeight", None)
            if w_ and h_ and float(w_) > 0 and float(h_) > 0:
                el.area_m2 = float(w_) * float(h_) * scales.length**2
            else:
                assert el.normal is not None
                ax_u, ax_v = _in_plane_axes(el.normal)
                (u0, u1), (v0, v1) = _extent(mesh, ax_u), _extent(mesh, ax_v)
                el.area_m2 = (u1 - u0) * (v1 - v0)
            elements.append(el)

    # roofs and ground slabs
    slabs = _by_type(f, "IfcSlab")
    roof_slab_parents: set[int] = set()
    lowest = np.nanmin(spaces.z0) if spaces.z0 and not np.all(np.isnan(spaces.z0)) else math.nan
    for s in slabs:
        ptype = _predefined(s).upper()
        if ptype == "ROOF":
            parent = rel.parent.get(s.id())
            if parent is not None and parent.is_a("IfcRoof"):
                roof_slab_parents.add(parent.id())
            kind = "roof"
        elif ptype == "BASESLAB":
            kind = "slab"
        elif ptype in ("FLOOR", "", "NOTDEFINED") and not math.isnan(lowest):
            kind = "slab?"
        else:
            continue
        mesh = mesh_of(s)
        if mesh is None:
            continue
        if kind == "slab?":
            if not (abs(mesh.z_max - lowest) <= GROUND_TOLERANCE_M):
                continue
            kind = "slab"
        el = _Element(s, kind, mesh, _storey_of(s, rel), _psets_of(s, rel, scales, cache))
        el.external_source = "type"
        _horizontal(el, up=(kind == "roof"))
        elements.append(el)
    for r in _by_type(f, "IfcRoof"):
        if r.id() in roof_slab_parents:
            continue
        mesh = mesh_of(r)
        if mesh is None:
            continue
        el = _Element(r, "roof", mesh, _storey_of(r, rel), _psets_of(r, rel, scales, cache))
        el.external_source = "type"
        _horizontal(el, up=True)
        elements.append(el)

    _assign_spaces(f, elements, spaces)
    if failed:
        warnings.append(
            f"fabric: {len(failed)} element(s) without readable geometry were left out: "
            + ", ".join(failed[:10])
            + (f" and {len(failed) - 10} more" if len(failed) > 10 else "")
        )

    rows = []
    for el in elements:
        e = el.entity
        u = _u_from_pset(el.psets, el.kind)
        u_source = "pset"
        if u is None:
            u = _u_from_materials(e, el.kind, scales, conductivity)
            u_source = "materials"
        default = ERA_DEFAULTS[el.kind]
        if u is None and el.kind == "wall" and el.thickness_m > 0.05:
            u = brick_wall_u(el.thickness_m)
            u_source = f"default: {BRICK_WALL_SOURCE}, {el.thickness_m * 1000:.0f} mm"
        if u is None:
            u, u_source = default.u_w_m2k, f"default: {default.source}"
        g = ff = math.nan
        if el.kind == "window":
            g_raw = el.psets.get("Pset_DoorWindowGlazingType.SolarHeatGainTransmittance")
            g = (
                float(g_raw)
                if isinstance(g_raw, int | float) and 0 < g_raw <= 1
                else default.g_value
            )
            glaz = el.psets.get("Pset_WindowCommon.GlazingAreaFraction")
            ff = (
                1.0 - float(glaz)
                if isinstance(glaz, int | float) and 0 < glaz <= 1
                else default.frame_fraction
            )
        if el.kind == "wall":
            tilt = 90.0
            az = _azimuth(el.normal, north) if el.normal is not None else math.nan
        elif el.kind in ("window", "door"):
            tilt = el.tilt
            az = _azimuth(el.normal, north) if el.normal is not None and tilt > 2.0 else math.nan
        else:
            tilt = el.tilt
            az = _azimuth(el.normal, north) if el.normal is not None and tilt > 2.0 else math.nan
        rows.append(
            {
                "global_id": e.GlobalId,
                "ifc_class": e.is_a(),
                "kind": el.kind,
                "name": str(e.Name or ""),
                "storey": el.storey,
                "area_m2": float(el.area_m2),
                "azimuth_deg": az,
                "tilt_deg": float(tilt),
                "u_w_m2k": float(u),
                "u_source": u_source,
                "g_value": g,
                "frame_fraction": ff,
                "external_source": el.external_source,
                "space_global_ids": list(el.spaces),
                "space_areas_m2": [float(el.area_m2) * s for s in el.shares],
                "boundary_source": el.boundary_source,
                "z_min_m": el.mesh.z_min,
                "z_max_m": el.mesh.z_max,
                "geometry": el.footprint,
            }
        )
    frame = gpd.GeoDataFrame(rows, columns=list(FABRIC_COLUMNS), geometry="geometry", crs=None)
    for col in ("area_m2", "azimuth_deg", "tilt_deg", "u_w_m2k", "g_value", "frame_fraction"):
        frame[col] = frame[col].astype(float)
    return frame


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


def _horizontal(el: _Element, *, up: bool) -> None:
    """Area, mean normal, tilt and footprint of a roof (upward faces) or slab (downward)."""
    m = el.mesh
    mask = m.normals[:, 2] > 0.1 if up else m.normals[:, 2] < -0.1
    if not mask.any():
        el.area_m2, el.tilt, el.normal = 0.0, (0.0 if up else 180.0), None
        el.footprint = _footprint(m)
        return
    area = float(m.areas[mask].sum())
    mean = (m.normals[mask] * m.areas[mask, None]).sum(axis=0)
    mean = mean / np.linalg.norm(mean)
    el.area_m2 = area
    el.normal = mean
    el.tilt = float(np.degrees(np.arccos(np.clip(mean[2], -1.0, 1.0))))
    el.footprint = _footprint(m)


def _boundary_spaces(f: Any, spaces: _Spaces) -> dict[int, set[str]]:
    """Element id → GlobalIds of the known spaces it has a physical boundary with."""
    known = set(spaces.ids)
    out: dict[int, set[str]] = defaultdict(set)
    for b in _by_type(f, "IfcRelSpaceBoundary"):
        space = b.RelatingSpace
        element = b.RelatedBuildingElement
        if space is None or element is None or not space.is_a("IfcSpace"):
            continue
        if str(b.PhysicalOrVirtualBoundary or "").upper() == "VIRTUAL":
            continue
        if space.GlobalId in known:
            out[element.id()].add(space.GlobalId)
    return out


def _assign_spaces(f: Any, elements: list[_Element], spaces: _Spaces) -> None:
    if not spaces.ids:
        return
    boundaries = _boundary_spaces(f, spaces)
    index = {sid: i for i, sid in enumerate(spaces.ids)}
    for el in elements:
        among = spaces.at_height(el.mesh.z_min, el.mesh.z_max, el.storey)
        if el.kind == "roof":
            weights = _topmost(el, spaces, up=True)
        elif el.kind == "slab":
            weights = _topmost(el, spaces, up=False)
        else:
            weights = _edge_weights(el, spaces, among)
            if not weights and el.kind in ("window", "door"):
                weights = _space_inside(el, spaces)
        if any(not spaces.outdoor[i] for i in weights):
            # a wall between a room and a courtyard bounds the room only
            weights = {i: w for i, w in weights.items() if not spaces.outdoor[i]}
        from_rel = boundaries.get(el.entity.id(), set())
        if from_rel:
            # sane: every bounded space shares some height with the element (within 1 m)
            sane = all(
                math.isnan(spaces.z0[index[s]])
                or (
                    spaces.z0[index[s]] - 1.0 <= el.mesh.z_max
                    and spaces.z1[index[s]] + 1.0 >= el.mesh.z_min
                )
                for s in from_rel
            )
            if sane:
                ids = sorted(from_rel)
                w = [weights.get(index[s], 0.0) for s in ids]
                total = sum(w)
                el.spaces = ids
                el.shares = [x / total for x in w] if total > 0 else [1.0 / len(ids)] * len(ids)
                el.boundary_source = "IfcRelSpaceBoundary"
                continue
        total = sum(weights.values())
        if total > 0:
            order = sorted(weights, key=lambda i: spaces.ids[i])
            el.spaces = [spaces.ids[i] for i in order]
            el.shares = [weights[i] / total for i in order]
            el.boundary_source = "geometry"


def _edge_weights(el: _Element, spaces: _Spaces, among: Iterable[int]) -> dict[int, float]:
    """Length of each space's footprint edge within reach of a wall, window or door. [m]"""
    zone = el.footprint.buffer(EDGE_TOLERANCE_M)
    out: dict[int, float] = {}
    for i in among:
        length = float(spaces.geoms[i].boundary.intersection(zone).length)
        if length > 0.05:
            out[i] = length
    if el.kind in ("window", "door") and el.normal is not None:
        # A window or door opens into the space on its inner side: probe inwards, up to
        # 2 m, as it may sit anywhere in the depth of a thick masonry wall.
        centre = np.asarray(el.footprint.centroid.coords[0])
        candidates = spaces.indoor(among)
        for step in (PROBE_M, 2 * PROBE_M, 3 * PROBE_M, 5 * PROBE_M):
            inner = centre - el.normal[:2] * (el.thickness_m / 2.0 + step)
            inside = spaces.containing(inner, candidates)
            if inside:
                return {inside[0]: 1.0}
    return out


def _space_inside(el: _Element, spaces: _Spaces) -> dict[int, float]:
    """The topmost interior space below a window on its inner side (a rooflight, a north
    light above the spaces' heights): {space index: 1.0}, or empty.
    """
    if el.normal is None or el.footprint.is_empty:
        return {}
    centre = np.asarray(el.footprint.centroid.coords[0])
    inner = centre - el.normal[:2] * (el.thickness_m / 2.0 + PROBE_M)
    below = [
        i
        for i in spaces.indoor(spaces.containing(inner, list(range(len(spaces.ids)))))
        if math.isnan(spaces.z0[i]) or spaces.z0[i] <= el.mesh.z_max
    ]
    if not below:
        return {}
    top = max(below, key=lambda i: -math.inf if math.isnan(spaces.z0[i]) else spaces.z0[i])
    return {top: 1.0}


def _topmost(el: _Element, spaces: _Spaces, *, up: bool) -> dict[int, float]:
    """Overlap area of the roof (slab) footprint with the topmost (lowest) spaces. [m²]"""
    fp = el.footprint
    if fp.is_empty or spaces.tree is None:
        return {}
    cand = {}
    for i in spaces.tree.query(fp):
        i = int(i)
        ov = float(spaces.geoms[i].intersection(fp).area)
        if ov <= max(0.05, 0.01 * spaces.geoms[i].area):
            continue
        z0, z1 = spaces.z0[i], spaces.z1[i]
        if not math.isnan(z0):
            if up and z0 > el.mesh.z_max + 0.5:
                continue  # above the roof
            if not up and z1 < el.mesh.z_min - 0.5:
                continue  # below the slab
        cand[i] = ov
    out = {}
    for i, ov in cand.items():
        shadowed = False
        for j in cand:
            if j == i or math.isnan(spaces.z0[i]) or math.isnan(spaces.z0[j]):
                continue
            further = spaces.z0[j] > spaces.z0[i] + 0.5 if up else spaces.z0[j] < spaces.z0[i] - 0.5
            if further and spaces.geoms[i].intersection(spaces.geoms[j]).area >= 0.5 * ov:
                shadowed = True
                break
        if not shadowed:
            out[i] = ov
    return out


def read_fabric(path: str | Path, **read_options: Any) -> Any:
    """Read a model's fabric through the importer's safe path (``read_model(fabric=True)``).

    Returns
    -------
    geopandas.GeoDataFrame
        :data:`FABRIC_COLUMNS`.
    """
    from site_manager.ifc import read_model

    model = read_model(path, fabric=True, **read_options)
    return model.extra["fabric"]


def fabric_to_text(frame: Any, fmt: str) -> str:
    """The fabric frame as CSV (lists ``;``-joined, geometry as WKT) or GeoJSON."""
    out = frame.copy()
    if fmt == "geojson":
        out["space_global_ids"] = out["space_global_ids"].map(json.dumps)
        out["space_areas_m2"] = out["space_areas_m2"].map(
            lambda v: json.dumps([round(x, 4) for x in v])
        )
        return str(out.to_json(na="null", drop_id=True)) + "\n"
    import pandas as pd

    out = pd.DataFrame(out)
    out["geometry"] = [g.wkt if g is not None else "" for g in frame.geometry]
    out["space_global_ids"] = out["space_global_ids"].map(";".join)
    out["space_areas_m2"] = out["space_areas_m2"].map(lambda v: ";".join(f"{x:.4f}" for x in v))
    return str(out.to_csv(index=False, lineterminator="\n", float_format="%.6g"))
