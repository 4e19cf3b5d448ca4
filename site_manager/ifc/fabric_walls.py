"""What comes out of an external wall's area: party walls and doors without an opening.

Part of :mod:`site_manager.ifc.fabric` (its docstring has the rules, under *Party walls*
and *Area*); split out to keep that module near the house size. Works on the fabric's
``_Element`` records in place: ``area_m2``, ``party_m2``, ``opening_m2``, ``face_u`` and
``exposed_face`` (the outer face left, for sharing the wall out to its spaces).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np

from site_manager.ifc.fabric_orientation import _Element, _extent, _Mesh

#: Two external walls whose outer faces lie within this of each other, facing each other,
#: form a party wall where the faces overlap. [m]
PARTY_GAP_M = 0.05
#: A door or window without an opening belongs to the wall whose thickness holds its centre
#: to within this beyond either face. [m]
HOST_GAP_M = 0.1


def _outer_face(el: _Element) -> tuple[float, Any]:
    """A wall's outer face: its offset along the outward normal [m] and its polygon in the
    plane, u along ``el.face_u`` (the normal turned 90° anticlockwise) and z up [m].
    """
    import shapely

    assert el.normal is not None
    n = el.normal[:2] / np.linalg.norm(el.normal[:2])
    u_axis = np.array([-n[1], n[0]])
    el.face_u = u_axis
    m = el.mesh
    offset = float((m.verts[:, :2] @ n).max())
    facing = (m.normals[:, :2] @ n > 0.99) & (np.abs(m.centroids[:, :2] @ n - offset) < 0.02)
    tris = m.triangles[facing]
    uz = np.stack([tris[:, :, :2] @ u_axis, tris[:, :, 2]], axis=2)
    polys = [shapely.Polygon(t) for t in uz]
    face = shapely.union_all([p for p in polys if p.area > 1e-9])
    return offset, face


def _wall_faces(el: _Element) -> tuple[np.ndarray, list[Any]]:
    """A wall's two main faces in its plane: the u axis (``face_u``, unit XY) and the outer
    (what is left of it beside a party wall) and inner face polygons, u and z in [m].
    """
    import shapely

    offset, outer = _outer_face(el)
    assert el.normal is not None and el.face_u is not None
    if el.exposed_face is not None:
        outer = el.exposed_face
    n = el.normal[:2] / np.linalg.norm(el.normal[:2])
    m = el.mesh
    inner_at = float((m.verts[:, :2] @ n).min())
    facing = (m.normals[:, :2] @ n < -0.99) & (np.abs(m.centroids[:, :2] @ n - inner_at) < 0.02)
    tris = m.triangles[facing]
    uz = np.stack([tris[:, :, :2] @ el.face_u, tris[:, :, 2]], axis=2)
    inner = shapely.union_all([p for p in (shapely.Polygon(t) for t in uz) if p.area > 1e-9])
    return el.face_u, [outer, inner]


def _doors_in_walls(
    openings: list[tuple[_Element, _Element | None]],
    walls: list[_Element],
    unfilled: dict[int, list[Any]],
    mesh_of: Callable[[Any], _Mesh | None],
) -> None:
    """Take from each external wall's ``area_m2`` the doors and windows it holds without an
    opening cut for them, so that no area counts both as wall and as door or window. [m²]

    A window or door that fills an opening of its wall (``IfcRelFillsElement`` to an
    ``IfcOpeningElement`` that ``IfcRelVoidsElement`` voids the wall) is already missing
    from the wall's geometry, which the geometry engine cuts: nothing is taken. One without
    such a relation (the sample models' doors) is placed in the wall whose plane holds it:
    parallel to it (normals within about 25°), its centre within the wall's thickness
    (plus ``HOST_GAP_M``), and covering some of the wall's faces. The part of its
    rectangle (its extent along the wall and in height) that the two faces still cover,
    their mean as for the wall's own area, is taken out, so a door over an existing
    window's hole loses only what is still wall
    (``test_a_door_over_a_window_hole_takes_only_what_is_still_wall``). Where the
    wall has an opening that nothing fills under it, that opening is its hole and nothing is
    taken. ``opening_m2`` notes what was taken; ``exposed_face`` keeps the outer face
    without the door, to share the wall out to its spaces (:func:`_exposed_in_front`).
    """
    import shapely

    # each wall's in-plane unit normal and the extent of its thickness along it, once
    cands: list[tuple[_Element, np.ndarray, float, float]] = []
    for w in walls:
        if w.normal is None or np.linalg.norm(w.normal[:2]) == 0:
            continue
        n_w = w.normal[:2] / np.linalg.norm(w.normal[:2])
        lo, hi = _extent(w.mesh, np.array([n_w[0], n_w[1], 0.0]))
        cands.append((w, n_w, lo, hi))
    faces: dict[int, tuple[np.ndarray, list[Any]]] = {}
    for el, host in openings:
        if host is not None or el.normal is None or abs(float(el.normal[2])) > 0.5:
            continue  # fills an opening (cut already), or not in a vertical wall
        n_o = el.normal[:2] / np.linalg.norm(el.normal[:2])
        centre = el.mesh.verts.mean(axis=0)
        z0, z1 = el.mesh.z_min, el.mesh.z_max
        best: tuple[float, _Element | None, Any] = (0.0, None, None)
        for w, n_w, lo, hi in cands:
            if abs(float(n_o @ n_w)) < 0.9 or z0 >= w.mesh.z_max or w.mesh.z_min >= z1:
                continue
            depth = float(centre[:2] @ n_w)
            if not (lo - HOST_GAP_M <= depth <= hi + HOST_GAP_M):
                continue
            if w.entity.id() not in faces:
                faces[w.entity.id()] = _wall_faces(w)
            u_axis, polys = faces[w.entity.id()]
            u = el.mesh.verts[:, :2] @ u_axis
            rect = shapely.box(float(u.min()), z0, float(u.max()), z1)
            covered = float(np.mean([rect.intersection(p).area for p in polys]))
            if covered <= 0.01:
                continue
            holes = []
            for op in unfilled.get(w.entity.id(), []):
                m = mesh_of(op)
                if m is not None:
                    ou = m.verts[:, :2] @ u_axis
                    holes.append(shapely.box(float(ou.min()), m.z_min, float(ou.max()), m.z_max))
            if any(rect.intersection(h).area > 0.01 for h in holes):
                continue  # an opening without a filling is there: its hole is this one
            if covered > best[0]:
                best = (covered, w, rect)
        taken, wall, rect = best
        if wall is None:
            continue
        taken = min(taken, float(el.area_m2), float(wall.area_m2))
        wall.area_m2 = float(wall.area_m2) - taken
        wall.opening_m2 += taken
        # share the wall out by what is left of its outer face in front of each space, so
        # the door's area comes off the space it opens into (as for a party wall)
        u_axis, polys = faces[wall.entity.id()]
        polys[0] = polys[0].difference(rect)
        wall.exposed_face = polys[0]


def _party_walls(walls: list[_Element]) -> list[_Element]:
    """Take the party walls out of the external walls; return the walls left with no area.

    Where the outer faces of two external walls touch (their planes within
    :data:`PARTY_GAP_M`, facing each other), the overlap of the two faces separates two
    spaces of the model, not a space from the outside: it is taken out of both walls'
    ``area_m2`` and noted in ``party_m2``. ``exposed_face`` keeps what is left of the outer
    face for sharing the wall out to its spaces.
    """
    import shapely
    from shapely import affinity

    ok: list[_Element] = []
    unit: list[np.ndarray] = []
    for el in walls:
        if el.normal is not None and np.linalg.norm(el.normal[:2]) > 0:
            ok.append(el)
            unit.append(el.normal[:2] / np.linalg.norm(el.normal[:2]))
    if len(ok) < 2:
        return []
    normals = np.array(unit)
    offsets = np.array(
        [(el.mesh.verts[:, :2] @ n).max() for el, n in zip(ok, normals, strict=True)]
    )
    faces: dict[int, Any] = {}
    party: dict[int, list[Any]] = defaultdict(list)
    for i in range(len(ok)):
        # facing each other (opposite normals) with their outer planes together
        cand = np.flatnonzero(
            (normals[i + 1 :] @ normals[i] < -0.99)
            & (np.abs(offsets[i + 1 :] + offsets[i]) <= PARTY_GAP_M)
        )
        for j in (int(k) + i + 1 for k in cand):
            a, b = ok[i], ok[j]
            if a.mesh.z_min >= b.mesh.z_max or b.mesh.z_min >= a.mesh.z_max:
                continue
            for k in (i, j):
                if k not in faces:
                    faces[k] = _outer_face(ok[k])[1]
            # b's face in a's plane coordinates: its u axis points the other way
            overlap = faces[i].intersection(affinity.scale(faces[j], -1.0, 1.0, origin=(0, 0)))
            if overlap.area > 0.01:
                party[i].append(overlap)
                party[j].append(affinity.scale(overlap, -1.0, 1.0, origin=(0, 0)))
    gone = []
    for i, pieces in party.items():
        a = ok[i]
        face_a = faces[i]
        cut = shapely.union_all(pieces)
        a.party_m2 = min(float(cut.area), float(a.area_m2))
        a.area_m2 = float(a.area_m2) - a.party_m2
        a.exposed_face = face_a.difference(cut)
        if a.area_m2 < 0.01:
            gone.append(a)
    return gone
