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
  :func:`~site_manager.ifc.fabric_walls._doors_in_walls`), so no area counts as both wall
  and door.
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
from pathlib import Path
from typing import Any

import numpy as np

from site_manager import tabular
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
from site_manager.ifc.fabric_spaces import EDGE_TOLERANCE_M, assign_spaces
from site_manager.ifc.fabric_uvalues import (
    _COMMON_PSETS,
    BRICK_WALL_BY_THICKNESS,
    BRICK_WALL_SOURCE,
    ERA_DEFAULTS,
    SURFACE_RESISTANCE,
    U_RANGE,
    EraDefault,
    _conductivities,
    brick_wall_u,
    element_glazing,
    element_u_value,
)
from site_manager.ifc.fabric_walls import (
    HOST_GAP_M,
    PARTY_GAP_M,
    _doors_in_walls,
    _party_walls,
)
from site_manager.ifc.properties import by_type, flatten_psets, relations_from_ifc, storey_name_of
from site_manager.ifc.units import unit_scales_from_ifc

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


#: Floor slabs whose top is within this of the lowest space floor are ground slabs. [m]
GROUND_TOLERANCE_M = 0.3
#: The frame's float columns.
_FLOAT_COLUMNS = (
    "area_m2",
    "azimuth_deg",
    "tilt_deg",
    "u_w_m2k",
    "g_value",
    "frame_fraction",
    "party_area_m2",
)


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


class _Fabric:
    """An opened file and what the steps of :func:`fabric_from_ifc` share.

    Its units, relations and materials, the spaces as probing geometry, true north, and the
    elements' meshes (read once each by ifcopenshell's engine, in world metres) and
    flattened property sets. ``failed`` names the elements whose geometry the engine could
    not read, in the order met.
    """

    def __init__(self, f: Any, model: Any) -> None:
        import ifcopenshell.geom

        self.f = f
        self.scales = unit_scales_from_ifc(f)
        self.rel = relations_from_ifc(f)
        self.spaces = _Spaces(model.spaces, _outdoor_space_ids(f, model.spaces))
        self.north = _true_north(f)
        self.conductivity = _conductivities(f)
        self.geom: Any = ifcopenshell.geom
        self.settings = ifcopenshell.geom.settings()
        self.settings.set("use-world-coords", True)
        self.failed: list[str] = []
        self._meshes: dict[int, _Mesh | None] = {}
        self._psets: dict[int, dict[str, Any]] = {}

    def psets_of(self, entity: Any) -> dict[str, Any]:
        """The element's property and quantity sets, flattened (cached)."""
        return flatten_psets(self.rel.definitions.get(entity.id(), []), self.scales, self._psets)

    def mesh_of(self, entity: Any) -> _Mesh | None:
        """The element's triangulated geometry, or ``None`` (noted in ``failed``)."""
        if entity.id() in self._meshes:
            return self._meshes[entity.id()]
        if entity.Representation is None:
            return None
        try:
            shape: Any = self.geom.create_shape(self.settings, entity)
        except Exception as exc:
            log.debug("no geometry for %s: %r", entity, exc)
            self.failed.append(f"{entity.is_a()} {entity.GlobalId}")
            self._meshes[entity.id()] = None
            return None
        mesh = _mesh_from_shape(shape.geometry)
        self._meshes[entity.id()] = mesh
        return mesh

    def element(self, entity: Any, kind: str, mesh: _Mesh, psets: dict[str, Any]) -> _Element:
        """A fabric element of ``kind`` in the storey that contains it."""
        return _Element(entity, kind, mesh, storey_name_of(entity, self.rel), psets)


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
    fx = _Fabric(f, model)
    walls = _external_walls(fx)
    roofs = _roof_cover(fx)
    filler_host, unfilled = _hosts(f)
    openings = _external_openings(fx, walls, filler_host, roofs)
    _doors_in_walls(openings, list(walls.values()), unfilled, fx.mesh_of)
    elements = [*walls.values(), *(el for el, _ in openings), *_roofs_and_slabs(fx)]
    assign_spaces(f, elements, fx.spaces)
    if fx.failed:
        getattr(model, "warnings", []).append(
            f"fabric: {len(fx.failed)} element(s) without readable geometry were left out: "
            + ", ".join(fx.failed[:10])
            + (f" and {len(fx.failed) - 10} more" if len(fx.failed) > 10 else "")
        )
    return _frame([_row(el, fx) for el in elements])


def _external_walls(fx: _Fabric) -> dict[int, _Element]:
    """The external walls by entity id, with their face area, axis, thickness and side.

    Walls flagged ``IsExternal`` where the model flags any; else walls with a space on one
    side only (:func:`~site_manager.ifc.fabric_orientation._outward`). Party walls (two
    external walls face to face) lose the shared part, and go where nothing is left.
    """
    walls = by_type(fx.f, "IfcWall")  # includes IfcWallStandardCase
    wall_psets = {w.id(): fx.psets_of(w) for w in walls}
    trust_flag = any(_flag(p, "wall", "IsExternal") is True for p in wall_psets.values())
    out: dict[int, _Element] = {}
    for w in walls:
        psets = wall_psets[w.id()]
        if trust_flag and _flag(psets, "wall", "IsExternal") is not True:
            continue
        mesh = fx.mesh_of(w)
        if mesh is None:
            continue
        el = fx.element(w, "wall", mesh, psets)
        axis, face_area = _main_axis(mesh)
        if axis is None:
            continue
        el.axis = axis
        el.area_m2 = face_area / 2.0
        lo, hi = _along(mesh, axis)
        el.thickness_m = hi - lo
        el.footprint = _footprint(mesh)
        side = _outward(el, fx.spaces)  # also sets the outward normal
        if trust_flag:
            el.external_source = "pset"
        elif side == "one":
            el.external_source = "geometry"
        else:
            continue
        out[w.id()] = el
    for el in _party_walls(list(out.values())):
        del out[el.entity.id()]
    return out


def _roof_cover(fx: _Fabric) -> _RoofCover:
    """What covers the building: the meshes of the roofs and roof slabs, for probing."""
    candidates = by_type(fx.f, "IfcRoof") + by_type(fx.f, "IfcSlab")
    meshes = (
        fx.mesh_of(e) for e in candidates if e.is_a("IfcRoof") or _predefined(e).upper() == "ROOF"
    )
    return _RoofCover([m for m in meshes if m is not None])


def _hosts(f: Any) -> tuple[dict[int, Any], dict[int, list[Any]]]:
    """Window/door id → the wall whose opening it fills; wall id → its unfilled openings.

    An opening that voids a wall but holds no window or door is a hole in the wall.
    """
    opening_host: dict[int, Any] = {}
    for r in by_type(f, "IfcRelVoidsElement"):
        opening_host[r.RelatedOpeningElement.id()] = r.RelatingBuildingElement
    filler_host: dict[int, Any] = {}
    for r in by_type(f, "IfcRelFillsElement"):
        host = opening_host.get(r.RelatingOpeningElement.id())
        if host is not None:
            filler_host[r.RelatedBuildingElement.id()] = host
    filled = {r.RelatingOpeningElement.id() for r in by_type(f, "IfcRelFillsElement")}
    unfilled: dict[int, list[Any]] = defaultdict(list)
    for r in by_type(f, "IfcRelVoidsElement"):
        if r.RelatedOpeningElement.id() not in filled:
            unfilled[r.RelatingBuildingElement.id()].append(r.RelatedOpeningElement)
    return filler_host, unfilled


def _external_openings(
    fx: _Fabric,
    walls: dict[int, _Element],
    filler_host: dict[int, Any],
    roofs: _RoofCover,
) -> list[tuple[_Element, _Element | None]]:
    """The external windows, then doors, each with its host wall (or ``None``).

    External where flagged ``IsExternal`` (if the model flags any of that class), else where
    hosted by an external wall, else where the geometry puts a space on one side only. Each
    gets its plane and outward side (:func:`~site_manager.ifc.fabric_orientation.
    _orient_opening`) and its area: ``OverallWidth × OverallHeight`` where both are given,
    else the extent of its geometry in its plane.
    """
    openings: list[tuple[_Element, _Element | None]] = []
    for cls, kind in (("IfcWindow", "window"), ("IfcDoor", "door")):
        items = by_type(fx.f, cls)
        item_psets = {e.id(): fx.psets_of(e) for e in items}
        trust = any(_flag(p, kind, "IsExternal") is True for p in item_psets.values())
        for e in items:
            psets = item_psets[e.id()]
            flag = _flag(psets, kind, "IsExternal")
            host = filler_host.get(e.id())
            host_el = walls.get(host.id()) if host is not None else None
            if trust and flag is True:
                source = "pset"
            elif trust and flag is False:
                continue
            elif host_el is not None:
                source = "host"
            else:
                source = ""
            mesh = fx.mesh_of(e)
            if mesh is None:
                continue
            el = fx.element(e, kind, mesh, psets)
            el.footprint = _footprint(mesh)
            opening_side = _orient_opening(el, host_el, fx.spaces, roofs)
            if opening_side is None:
                continue
            if not source:
                if opening_side != "one":
                    continue
                source = "geometry"
            el.external_source = source
            w_, h_ = getattr(e, "OverallWidth", None), getattr(e, "OverallHeight", None)
            if w_ and h_ and float(w_) > 0 and float(h_) > 0:
                el.area_m2 = float(w_) * float(h_) * fx.scales.length**2
            else:
                assert el.normal is not None
                ax_u, ax_v = _in_plane_axes(el.normal)
                (u0, u1), (v0, v1) = _extent(mesh, ax_u), _extent(mesh, ax_v)
                el.area_m2 = (u1 - u0) * (v1 - v0)
            openings.append((el, host_el))
    return openings


def _roofs_and_slabs(fx: _Fabric) -> list[_Element]:
    """Roof slabs and ground slabs, then the roofs not split into roof slabs.

    Ground slabs: ``BASESLAB`` slabs, and floor slabs whose top is within
    :data:`GROUND_TOLERANCE_M` of the lowest space floor.
    """
    spaces = fx.spaces
    out: list[_Element] = []
    roof_slab_parents: set[int] = set()
    lowest = np.nanmin(spaces.z0) if spaces.z0 and not np.all(np.isnan(spaces.z0)) else math.nan
    for s in by_type(fx.f, "IfcSlab"):
        ptype = _predefined(s).upper()
        if ptype == "ROOF":
            parent = fx.rel.parent.get(s.id())
            if parent is not None and parent.is_a("IfcRoof"):
                roof_slab_parents.add(parent.id())
            kind = "roof"
        elif ptype == "BASESLAB":
            kind = "slab"
        elif ptype in ("FLOOR", "", "NOTDEFINED") and not math.isnan(lowest):
            kind = "slab?"
        else:
            continue
        mesh = fx.mesh_of(s)
        if mesh is None:
            continue
        if kind == "slab?":
            if not (abs(mesh.z_max - lowest) <= GROUND_TOLERANCE_M):
                continue
            kind = "slab"
        el = fx.element(s, kind, mesh, fx.psets_of(s))
        el.external_source = "type"
        _horizontal(el, up=(kind == "roof"))
        out.append(el)
    for r in by_type(fx.f, "IfcRoof"):
        if r.id() in roof_slab_parents:
            continue
        mesh = fx.mesh_of(r)
        if mesh is None:
            continue
        el = fx.element(r, "roof", mesh, fx.psets_of(r))
        el.external_source = "type"
        _horizontal(el, up=True)
        out.append(el)
    return out


def _orientation(el: _Element, north: Any) -> tuple[float, float]:
    """Azimuth of the outward normal [°, clockwise from true north] and tilt [°].

    Walls are vertical; anything within 2° of facing up has no azimuth (NaN).
    """
    if el.kind == "wall":
        az = _azimuth(el.normal, north) if el.normal is not None else math.nan
        return az, 90.0
    tilt = el.tilt
    az = _azimuth(el.normal, north) if el.normal is not None and tilt > 2.0 else math.nan
    return az, float(tilt)


def _row(el: _Element, fx: _Fabric) -> dict[str, Any]:
    """One row of the fabric frame (:data:`FABRIC_COLUMNS`)."""
    e = el.entity
    u, u_source = element_u_value(el, fx.scales, fx.conductivity)
    g, ff = element_glazing(el)
    az, tilt = _orientation(el, fx.north)
    return {
        "global_id": e.GlobalId,
        "ifc_class": e.is_a(),
        "kind": el.kind,
        "name": str(e.Name or ""),
        "storey": el.storey,
        "area_m2": float(el.area_m2),
        "azimuth_deg": az,
        "tilt_deg": tilt,
        "u_w_m2k": u,
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


def _frame(rows: list[dict[str, Any]]) -> Any:
    """The rows as a GeoDataFrame with :data:`FABRIC_COLUMNS`, numbers as floats."""
    import geopandas as gpd

    frame = gpd.GeoDataFrame(rows, columns=list(FABRIC_COLUMNS), geometry="geometry", crs=None)
    for col in _FLOAT_COLUMNS:
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
    return tabular.csv_text(out, lineterminator="\n", float_format="%.6g")
