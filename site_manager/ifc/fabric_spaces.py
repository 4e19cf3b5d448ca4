"""Which spaces each fabric element bounds, and how its area is shared out among them.

A step of :func:`site_manager.ifc.fabric.fabric_from_ifc` (the module docstring there says
how): from ``IfcRelSpaceBoundary`` where the model has sane physical boundaries, else from
the geometry (footprint edges near walls, windows and doors; the topmost spaces under a roof
and the lowest above a ground slab).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import numpy as np

from site_manager.ifc.fabric_orientation import PROBE_M, _Element, _Spaces
from site_manager.ifc.properties import by_type

#: How far from an element a space's footprint edge may run and still be bounded by it. [m]
EDGE_TOLERANCE_M = 0.3


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


def assign_spaces(f: Any, elements: list[_Element], spaces: _Spaces) -> None:
    """Set each element's ``spaces``, ``shares`` and ``boundary_source``, in place."""
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
