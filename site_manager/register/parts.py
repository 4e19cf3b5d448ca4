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


def cut_unit(
    bind: Any,
    unit_id: str,
    new_unit_id: str,
    cut_wkt: str,
    *,
    name: str = "",
    on: Any = None,
    site: str | None = None,
    actor: str | None = None,
) -> str:
    """Cut a new unit out of a unit (bays of a hall unit): in one audited transaction the
    new unit ``new_unit_id`` is made of the parts of ``unit_id``'s spaces that ``cut_wkt``
    covers, and ``unit_id`` keeps the rest (or, when nothing is left, is retired from ``on``).

    Refused whole, with the register's problems (:class:`~site_manager.errors.
    ValidationError`), when ``unit_id`` is unknown or retired, has a lease (or booking)
    running on or after ``on`` (default today: a let unit's area is not changed under its
    lease), or the new unit breaks a rule of :func:`~site_manager.register.verbs.
    define_unit` (its id taken, its part outside the unit).

    Parameters
    ----------
    bind : Engine or Session
        The register.
    unit_id : str
        The unit to cut (e.g. a hall unit).
    new_unit_id, name : str
        The new unit's id and name.
    cut_wkt : str
        The polygon to cut out, WKT in the site's CRS. [m]
    on : date or str, optional
        The day from which the unit is cut (default today).
    site : str, optional
        Site id (default: the only site).
    actor : str, optional
        Who makes the change, for the audit trail.

    Returns
    -------
    str
        ``new_unit_id``.
    """
    import datetime as dt

    import shapely

    from site_manager.parsing import parse_date
    from site_manager.register.engine import transaction
    from site_manager.register.verbs import define_unit, retire_unit

    day = dt.date.today() if on is None else parse_date(on)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        ctx = rules.context_from_db(s, st)
        problems = [p for p in rules.check_retire(unit_id, day, ctx) if p.field != "on"]
        held = sorted((b for b in ctx.bookings.get(unit_id, {}).values() if b.end >= day),
                      key=lambda b: (b.start, b.label))  # fmt: skip
        if not problems and held:
            b = held[0]
            problems.append(rules.Problem("unit_id", f"unit {unit_id} has {b.label} from "
                                          f"{b.start} to {b.end}: its area cannot change under "
                                          f"it; cut unit {new_unit_id} out of it after {b.end}",
                                          "conflict"))  # fmt: skip
        if not problems and new_unit_id in ctx.units:
            problems.append(rules.Problem("unit_id", f"a unit {new_unit_id} exists already; "
                                          "give the new unit another id", "conflict"))  # fmt: skip
        rules.refuse(problems)
        try:
            cut = shapely.from_wkt(cut_wkt)
        except shapely.errors.GEOSException:
            rules.refuse([rules.Problem("parts", f"unit {new_unit_id}: the part is no "
                                        "polygon in WKT")])  # fmt: skip
        outline = unit_outline(s, st, unit_id)
        mine = cut_parts(outline, cut)
        if not mine:
            rules.refuse([rules.Problem("parts", f"unit {new_unit_id}: the part lies outside "
                                        f"unit {unit_id}; choose bays of its spaces")])  # fmt: skip
        unit = core.get_unit(s, st, unit_id)
        rest = remainder_parts(outline, cut)
        if rest:
            define_unit(s, unit_id, [], name=unit.name, storey=unit.storey, notes=unit.notes,
                        parts=rest, site=st.site_id, actor=actor)  # fmt: skip
        else:
            retire_unit(s, unit_id, on=day, site=st.site_id, actor=actor)
        define_unit(s, new_unit_id, [], name=name, storey=unit.storey, parts=mine,
                    notes=f"cut out of unit {unit_id}", site=st.site_id, actor=actor)  # fmt: skip
    return new_unit_id
