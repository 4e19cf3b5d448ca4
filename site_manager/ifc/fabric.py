"""The building fabric from IFC: external walls, windows, doors, roofs and ground slabs.

:func:`fabric_from_ifc` runs inside the importer's child process (``read_model(path,
fabric=True)`` puts its frame in ``model.fabric``) and returns one row per element
(:data:`FABRIC_COLUMNS`). How each column is found:

- **Which elements.** Walls whose ``Pset_WallCommon.IsExternal`` is true; where a model sets
  that flag on none of its walls, walls with a space on one side and none on the other
  (probed 0.4 m beyond each face at five points along the wall). Windows and doors whose
  ``IsExternal`` is true, else those hosted (``IfcRelFillsElement`` / ``IfcRelVoidsElement``)
  by an external wall. Roofs: ``IfcSlab`` of type ``ROOF`` and ``IfcRoof`` elements that are
  not split into such slabs. Ground slabs: ``IfcSlab`` of type ``BASESLAB``, and floor slabs
  whose top lies within 0.3 m of the lowest space floor.
- **Party walls.** Where the outer faces of two external walls touch (planes within
  :data:`PARTY_GAP_M`, facing each other: a building and an annex built against it, each
  with its own ``IsExternal`` wall), the overlap of the two faces lies between two spaces of
  the model, not between a space and the outside air. It is taken out of both walls'
  ``area_m2`` (and noted in ``party_area_m2``); a wall left with no area is not listed. The
  energy zones heat every indoor space and are not coupled to each other (ISO 13790's one
  zone per space), so such a wall is adiabatic there, as EN ISO 13789 has it between
  spaces at the same temperature. A wall to an unheated neighbour would need a
  temperature adjustment factor b instead; the model cannot tell which spaces are unheated.
- **Area.** From the element's triangulated geometry in world metres (ifcopenshell's
  engine, openings cut): walls the mean of their two main faces less any party wall and
  less the windows and doors they hold without an opening of their own, roofs the
  upward-facing surface, slabs the downward-facing one; windows and doors
  ``OverallWidth × OverallHeight`` where both are given, else the extent of their geometry
  in the wall plane.
- **Doors and windows in walls.** A window or door that fills an opening of its wall
  (``IfcRelFillsElement``/``IfcRelVoidsElement``) is already cut out of the wall's geometry.
  One without such an opening (the sample models' doors) is placed in the wall whose
  thickness holds it (within :data:`HOST_GAP_M`), parallel to it, and the part of its
  rectangle still covered by the wall's faces is taken out of the wall's ``area_m2`` (see
  :func:`_doors_in_walls`), so no area counts as both wall and door.
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
  not under a roof, else away from the centre. Where a window's own geometry gives no clear
  plane, its host wall's normal is used (code: :mod:`site_manager.ifc.fabric_orientation`,
  :func:`_outward` for walls, :func:`_orient_opening` for windows and doors).
  ``Pset_MultifactoryGlazing.Azimuth``/``Tilt`` (the sample models only) are never read:
  the tests compare the geometry with them.
- **Spaces bounded.** From ``IfcRelSpaceBoundary`` where the model has physical boundaries
  between the element and spaces we know whose heights overlap the element (``sane``);
  else geometrically: walls, windows and doors bound the spaces of their height whose
  footprint edge runs within 0.3 m of them (shared by length of edge; a wall with a party
  part by the area of its remaining outer face in front of each space); roofs bound the
  topmost spaces under them and ground slabs the lowest spaces above them (shared by
  overlapping footprint area). ``space_areas_m2`` shares the element's area out.
- **U-value.** ``ThermalTransmittance`` of the element's ``Pset_*Common``; else its material
  layers where every layer has a thickness and a thermal conductivity (U = 1/(R_si + Σ d/λ +
  R_se) with the surface resistances of EN ISO 6946 Table 7); else, for walls whose
  thickness the geometry gives, :func:`brick_wall_u` (RdSAP 10 uninsulated solid brick by
  thickness); else :data:`ERA_DEFAULTS`, values for an uninsulated pre-1919 solid-brick
  industrial building, each naming its source. ``u_source`` says which. The code and the
  tables are in :mod:`site_manager.ifc.fabric_uvalues`.
"""

from __future__ import annotations

import json
import logging
import math
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from site_manager.ifc.fabric_orientation import (
    HOST_AGREEMENT_DEG,
    PROBE_M,
    SLOPED_DEG,
    _along,
    _azimuth,
    _Element,
    _extent,
    _footprint,
    _in_plane_axes,
    _main_axis,
    _Mesh,
    _mesh_from_shape,
    _orient_opening,
    _outdoor_space_ids,
    _outward,
    _RoofCover,
    _Spaces,
    _true_north,
)
from site_manager.ifc.fabric_uvalues import (
    _COMMON_PSETS,
    BRICK_WALL_BY_THICKNESS,
    BRICK_WALL_SOURCE,
    ERA_DEFAULTS,
    SURFACE_RESISTANCE,
    U_RANGE,
    EraDefault,
    _conductivities,
    _u_from_materials,
    _u_from_pset,
    brick_wall_u,
)
from site_manager.ifc.fabric_walls import (
    HOST_GAP_M,
    PARTY_GAP_M,
    _doors_in_walls,
    _party_walls,
)
from site_manager.ifc.properties import (
    Relations,
    by_type,
    flatten_psets,
    relations_from_ifc,
    storey_name_of,
)
from site_manager.ifc.units import UnitScales, unit_scales_from_ifc

__all__ = [
    "BRICK_WALL_BY_THICKNESS",
    "BRICK_WALL_SOURCE",
    "EDGE_TOLERANCE_M",
    "ERA_DEFAULTS",
    "FABRIC_COLUMNS",
    "GROUND_TOLERANCE_M",
    "PARTY_GAP_M",
    "HOST_GAP_M",
    "HOST_AGREEMENT_DEG",
    "PROBE_M",
    "SLOPED_DEG",
    "SURFACE_RESISTANCE",
    "U_RANGE",
    "EraDefault",
    "brick_wall_u",
    "fabric_from_ifc",
    "fabric_to_text",
    "read_fabric",
]

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
    "party_area_m2": "area of a wall's outer face against another external wall of the "
    "model (a party wall), left out of area_m2 [m²]",
    "boundary_source": "'IfcRelSpaceBoundary', 'geometry' or 'none'",
    "z_min_m": "lowest world elevation of the element [m]",
    "z_max_m": "highest world elevation of the element [m]",
    "geometry": "the element's footprint in world XY (shapely) [m]",
}


#: How far from an element a space's footprint edge may run and still be bounded by it. [m]
EDGE_TOLERANCE_M = 0.3
#: Floor slabs whose top is within this of the lowest space floor are ground slabs. [m]
GROUND_TOLERANCE_M = 0.3


def _psets_of(entity: Any, rel: Relations, scales: UnitScales, cache: dict) -> dict[str, Any]:
    return flatten_psets(rel.definitions.get(entity.id(), []), scales, cache)


def _flag(psets: dict[str, Any], kind: str, name: str) -> Any:
    value = psets.get(f"{_COMMON_PSETS[kind]}.{name}")
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.upper() in ("TRUE", "FALSE", ".T.", ".F."):
        return value.upper() in ("TRUE", ".T.")
    return None


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
    for r in by_type(f, "IfcRelVoidsElement"):
        opening_host[r.RelatedOpeningElement.id()] = r.RelatingBuildingElement
    filler_host: dict[int, Any] = {}
    for r in by_type(f, "IfcRelFillsElement"):
        host = opening_host.get(r.RelatingOpeningElement.id())
        if host is not None:
            filler_host[r.RelatedBuildingElement.id()] = host

    elements: list[_Element] = []
    walls = by_type(f, "IfcWall")  # includes IfcWallStandardCase
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
        el = _Element(w, "wall", mesh, storey_name_of(w, rel), psets)
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
    for el in _party_walls(list(wall_elements.values())):
        elements.remove(el)
        del wall_elements[el.entity.id()]

    roof_meshes = [
        m
        for m in (
            mesh_of(e)
            for e in by_type(f, "IfcRoof") + by_type(f, "IfcSlab")
            if e.is_a("IfcRoof") or _predefined(e).upper() == "ROOF"
        )
        if m is not None
    ]
    roofs = _RoofCover(roof_meshes)
    openings: list[tuple[_Element, _Element | None]] = []
    # openings that void a wall but hold no window or door: their holes are in the wall
    filled = {r.RelatingOpeningElement.id() for r in by_type(f, "IfcRelFillsElement")}
    unfilled: dict[int, list[Any]] = defaultdict(list)
    for r in by_type(f, "IfcRelVoidsElement"):
        if r.RelatedOpeningElement.id() not in filled:
            unfilled[r.RelatingBuildingElement.id()].append(r.RelatedOpeningElement)
    for cls, kind in (("IfcWindow", "window"), ("IfcDoor", "door")):
        items = by_type(f, cls)
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
            el = _Element(e, kind, mesh, storey_name_of(e, rel), psets)
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
            openings.append((el, host_el))
    _doors_in_walls(openings, list(wall_elements.values()), unfilled, mesh_of)

    # roofs and ground slabs
    slabs = by_type(f, "IfcSlab")
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
        el = _Element(s, kind, mesh, storey_name_of(s, rel), _psets_of(s, rel, scales, cache))
        el.external_source = "type"
        _horizontal(el, up=(kind == "roof"))
        elements.append(el)
    for r in by_type(f, "IfcRoof"):
        if r.id() in roof_slab_parents:
            continue
        mesh = mesh_of(r)
        if mesh is None:
            continue
        el = _Element(r, "roof", mesh, storey_name_of(r, rel), _psets_of(r, rel, scales, cache))
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
                "party_area_m2": float(el.party_m2),
                "boundary_source": el.boundary_source,
                "z_min_m": el.mesh.z_min,
                "z_max_m": el.mesh.z_max,
                "geometry": el.footprint,
            }
        )
    frame = gpd.GeoDataFrame(rows, columns=list(FABRIC_COLUMNS), geometry="geometry", crs=None)
    for col in (
        "area_m2",
        "azimuth_deg",
        "tilt_deg",
        "u_w_m2k",
        "g_value",
        "frame_fraction",
        "party_area_m2",
    ):
        frame[col] = frame[col].astype(float)
    return frame


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
    for b in by_type(f, "IfcRelSpaceBoundary"):
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
        edge = spaces.geoms[i].boundary.intersection(zone)
        length = float(edge.length)
        if length > 0.05:
            out[i] = length
    if el.exposed_face is not None and el.face_u is not None:
        # a party wall: share out only what is left of the outer face, by the part of it
        # in front of each space's edge (along the wall) and within its height
        out = {i: _exposed_in_front(el, spaces, i, zone) for i in out}
        out = {i: a for i, a in out.items() if a > 0.01}
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


def _exposed_in_front(el: _Element, spaces: _Spaces, i: int, zone: Any) -> float:
    """Area of a party wall's remaining outer face in front of space ``i``'s edge. [m²]"""
    import shapely

    assert el.exposed_face is not None and el.face_u is not None
    edge = spaces.geoms[i].boundary.intersection(zone)
    z0 = el.mesh.z_min if math.isnan(spaces.z0[i]) else spaces.z0[i]
    z1 = el.mesh.z_max if math.isnan(spaces.z1[i]) else spaces.z1[i]
    boxes = []
    for part in getattr(edge, "geoms", [edge]):
        coords = np.asarray(part.coords)
        if len(coords) < 2:
            continue
        u = coords[:, :2] @ el.face_u
        boxes.append(shapely.box(float(u.min()), z0, float(u.max()), z1))
    if not boxes:
        return 0.0
    return float(el.exposed_face.intersection(shapely.union_all(boxes)).area)


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
    return model.fabric


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
