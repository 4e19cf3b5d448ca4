"""Units made of parts of spaces (a bay of a hall): what the register knows about them.

A unit–space link (``unit_spaces``) may carry the footprint of the part of the space the unit
takes (WKT in the site's CRS, metres) and its area [m²]; a link without one takes the whole
space. The rules are :func:`~site_manager.register.rules.check_unit_parts`;
:func:`check_parts` feeds them from the register, and :func:`remainder_parts` gives what is
left of a unit when parts are cut out of it (a hall when some of its bays are let).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from site_manager.register import core, rules
from site_manager.register.schema import Site, Space, Unit, UnitSpace

#: A remainder smaller than this is nothing left. [m²]
MIN_PART_M2 = 0.5


def held_parts(s: Session, st: Site, gids: Any) -> dict[str, dict[str, str | None]]:
    """Space GlobalId → {live unit using it → its part's WKT, ``None`` for the whole space}."""
    rows = s.execute(
        select(Space.global_id, Unit.unit_id, UnitSpace.footprint_wkt)
        .join(UnitSpace, UnitSpace.space_pk == Space.id)
        .join(Unit, Unit.id == UnitSpace.unit_pk)
        .where(Space.site_pk == st.id, Space.global_id.in_(list(gids)), Unit.retired.is_(None))
    )
    out: dict[str, dict[str, str | None]] = {}
    for gid, uid, wkt in rows:
        out.setdefault(gid, {})[uid] = wkt
    return out


def check_parts(s: Session, st: Site, unit_id: str, parts: Mapping[str, str]) -> list[Any]:
    """The problems of unit ``unit_id`` made of ``parts`` (GlobalId → WKT) in the register."""
    spaces = core.get_spaces(s, st)
    footprints = {g: spaces[g].footprint_wkt for g in parts if g in spaces}
    return rules.check_unit_parts(unit_id, parts, footprints, held_parts(s, st, parts))


def unit_outline(s: Session, st: Site, unit_id: str) -> dict[str, Any]:
    """Space GlobalId → the footprint (shapely) unit ``unit_id`` has of it: its part, or the
    whole space's footprint (spaces without one are left out).
    """
    rows = s.execute(
        select(Space.global_id, Space.footprint_wkt, UnitSpace.footprint_wkt)
        .join(UnitSpace, UnitSpace.space_pk == Space.id)
        .join(Unit, Unit.id == UnitSpace.unit_pk)
        .where(Unit.site_pk == st.id, Unit.unit_id == unit_id)
    )
    return {gid: rules.part_polygon(part or whole) for gid, whole, part in rows
            if part or whole}  # fmt: skip


def polygonal(geom: Any) -> Any:
    """The polygons of ``geom`` of at least :data:`MIN_PART_M2` (lines and slivers a cut
    leaves dropped): a Polygon, a MultiPolygon, or ``None`` when nothing is left.
    """
    from shapely.geometry import MultiPolygon, Polygon

    pieces = [g for g in getattr(geom, "geoms", [geom])
              if isinstance(g, Polygon) and g.area >= MIN_PART_M2]  # fmt: skip
    if not pieces:
        return None
    return pieces[0] if len(pieces) == 1 else MultiPolygon(pieces)


def remainder_parts(outline: Mapping[str, Any], cut: Any) -> dict[str, str]:
    """What is left of a unit's ``outline`` (GlobalId → shapely) once ``cut`` is taken out:
    GlobalId → WKT of the rest of each space (spaces with nothing left are left out).
    """
    rests = {gid: polygonal(shape.difference(cut)) for gid, shape in outline.items()}
    return {gid: rest.wkt for gid, rest in rests.items() if rest is not None}


def cut_parts(outline: Mapping[str, Any], cut: Any) -> dict[str, str]:
    """The parts of a unit's ``outline`` (GlobalId → shapely) that ``cut`` covers:
    GlobalId → WKT of each space's piece (spaces it misses are left out).
    """
    pieces = {gid: polygonal(shape.intersection(cut)) for gid, shape in outline.items()}
    return {gid: piece.wkt for gid, piece in pieces.items() if piece is not None}
