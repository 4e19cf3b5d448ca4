"""Verbs that change the register one record at a time: zoning, units, tenants, leases and
space attributes (the site's settings are in :mod:`site_manager.register.settings`).

Each verb is one transaction (or one savepoint when given a ``Session``), is written to the
audit trail, and either does everything or nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from site_manager.errors import NotFoundError, RegisterError, ValidationError
from site_manager.register import contracts, core, rules
from site_manager.register.audit import Audit
from site_manager.register.engine import get_actor, transaction
from site_manager.register.parts import check_parts
from site_manager.register.schema import Lease, Tenant, Unit, UnitSpace, Zoning
from site_manager.register.values import parse_value
from site_manager.register.writing import new_lease_id

log = logging.getLogger(__name__)

Bind = Engine | Session


def set_zoning(
    bind: Bind,
    uses: Mapping[str, str] | pd.DataFrame,
    *,
    site: str | None = None,
    actor: str | None = None,
) -> int:
    """Assign a use to spaces.

    Parameters
    ----------
    bind : Engine or Session
        The register.
    uses : mapping or DataFrame
        Space GlobalId → use (a :class:`~site_manager.zoning.Use` value), or a frame with
        columns ``space_global_id`` and ``use``.
    site : str, optional
        Site id (default: the only site).
    actor : str, optional
        Who is making the change, for the audit trail.

    Returns
    -------
    int
        Number of spaces whose use changed.
    """
    if isinstance(uses, pd.DataFrame):
        pairs = list(zip(uses["space_global_id"].astype(str), uses["use"], strict=True))
    else:
        pairs = list(uses.items())
    parsed: list[tuple[str, str]] = []
    problems = []
    column = contracts.ZONING.column("use")
    for gid, use in pairs:
        try:
            parsed.append((gid, parse_value(column, use, what=f"use of space {gid}")))
        except ValidationError as exc:
            problems.append(str(exc))
    if problems:
        raise ValidationError(f"{len(problems)} bad uses: " + "; ".join(problems))
    who = get_actor(actor)
    changed = 0
    with transaction(bind) as s:
        st = core.get_site(s, site)
        spaces = core.get_spaces(s, st)
        unknown = [gid for gid, _ in parsed if gid not in spaces]
        if unknown:
            raise NotFoundError(
                f"{len(unknown)} unknown spaces in site {st.site_id}: {', '.join(unknown[:10])}"
                "; use the GlobalIds of `site-manager spaces MODEL`"
            )
        trail = Audit(s, st, who, "set_zoning")
        for gid, use in parsed:
            space = spaces[gid]
            row = s.get(Zoning, space.id)
            if row is None:
                s.add(Zoning(space_pk=space.id, use=use))
                trail.note("zoning", gid, "insert", after={"use": use})
                changed += 1
            elif row.use != use:
                trail.note("zoning", gid, "update", before={"use": row.use}, after={"use": use})
                row.use = use
                changed += 1
    return changed


def define_unit(
    bind: Bind,
    unit_id: str,
    space_global_ids: Iterable[str],
    *,
    name: str = "",
    storey: str | None = None,
    area_m2: float | None = None,
    notes: str = "",
    parts: Mapping[str, str] | None = None,
    site: str | None = None,
    actor: str | None = None,
) -> str:
    """Define (or redefine) a rentable unit made of spaces, or of parts of spaces.

    Parameters
    ----------
    bind : Engine or Session
        The register (an Engine: own transaction; a Session: a savepoint of it).
    unit_id : str
        Short stable id.
    space_global_ids : iterable of str
        GlobalIds of the spaces the unit is made of: existing, not removed, and in no other
        live unit unless ``area_m2`` is given (one space of a hall split into several units
        may then belong to several units); see
        :func:`~site_manager.register.rules.check_unit`.
    name, notes : str
        Free text.
    storey : str, optional
        Storey name (default: the spaces' storey when they share one).
    area_m2 : float, optional
        Lettable area when it is not the sum of the spaces' areas (part of a hall). [m²]
    parts : mapping, optional
        Space GlobalId → the footprint of the part of that space the unit takes (a WKT
        polygon in the site's CRS [m], e.g. a bay of a hall); the space need not be in
        ``space_global_ids``. Each part is stored with its area (the polygon's) [m²] and
        checked by :func:`~site_manager.register.rules.check_unit_parts` (within its space,
        overlapping no other unit's part of it, in no space another unit takes whole); the
        unit's area is then the sum of its parts' and whole spaces' areas.
    site : str, optional
        Site id (default: the only site).
    actor : str, optional
        Who is making the change, for the audit trail.

    Returns
    -------
    str
        ``unit_id``.

    Raises
    ------
    ValidationError, NotFoundError, RegisterError
        Every problem of :func:`~site_manager.register.rules.check_unit` at once
        (:func:`~site_manager.register.rules.problems_of` gives each with its field).
    """
    unit_id = str(unit_id).strip()
    if not unit_id:
        raise ValidationError("a unit needs an id; give unit_id")
    gids = [str(g).strip() for g in space_global_ids if str(g).strip()]
    part_wkt = {str(g).strip(): str(w).strip() for g, w in (parts or {}).items()}
    gids += [g for g in part_wkt if g not in gids]
    values, problems = rules.values_from_contract(contracts.UNITS, {
        "unit_id": unit_id, "name": name, "storey": storey, "area_m2": area_m2,
        "notes": notes, "space_global_ids": ";".join(gids)})  # fmt: skip
    if not gids:  # check_unit says "choose at least one space"
        problems = [p for p in problems if p.field != "space_global_ids"]
    name, notes = values.get("name") or "", values.get("notes") or ""
    storey, area_m2 = values.get("storey"), values.get("area_m2")
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        ctx = rules.context_from_db(s, st)
        problems += rules.check_unit(unit_id, gids, ctx, own_area=area_m2 is not None,
                                     parts=part_wkt)  # fmt: skip
        if part_wkt and not any(p.field == "space_global_ids" for p in problems):
            problems += check_parts(s, st, unit_id, part_wkt)
        rules.refuse(problems)
        _define_unit(
            s, st, unit_id, gids, name=name, storey=storey, area_m2=area_m2, notes=notes,
            actor=who, parts=part_wkt,
        )  # fmt: skip
    return unit_id


def _define_unit(
    s: Session,
    st: Any,
    unit_id: str,
    gids: list[str],
    *,
    name: str,
    storey: str | None,
    area_m2: float | None,
    notes: str,
    actor: str,
    parts: Mapping[str, str] | None = None,
) -> Unit:
    parts = parts or {}
    spaces = core.get_spaces(s, st)
    unknown = [g for g in gids if g not in spaces]
    if unknown:
        raise NotFoundError(
            f"unit {unit_id}: unknown spaces {', '.join(unknown)} in site {st.site_id}; "
            "use GlobalIds of the model's spaces"
        )
    if storey is None:
        storeys = {spaces[g].storey_pk for g in gids}
        if len(storeys) == 1:
            from site_manager.register.schema import Storey

            pk = storeys.pop()
            storey_row = s.get(Storey, pk) if pk is not None else None
            storey = storey_row.name if storey_row is not None else None
    unit = s.scalars(
        select(Unit).where(Unit.site_pk == st.id, Unit.unit_id == unit_id)
    ).one_or_none() or Unit(site_pk=st.id, unit_id=unit_id)
    trail = Audit(s, st, actor, "define_unit")
    extra: dict[str, Any] = {"space_global_ids": sorted(gids)}
    if parts:
        extra["parts"] = dict(sorted(parts.items()))
    with trail.changing(unit, record=unit_id, extra=extra):
        unit.name = name or unit.name or ""
        unit.storey = storey
        unit.area_m2 = area_m2
        unit.notes = notes or ""
        s.add(unit)
        s.flush()
        existing = set(s.scalars(select(UnitSpace.space_pk).where(UnitSpace.unit_pk == unit.id)))
        wanted = {spaces[g].id for g in gids}
        for pk in existing - wanted:
            s.delete(s.get(UnitSpace, (unit.id, pk)))
        for pk in wanted - existing:
            s.add(UnitSpace(unit_pk=unit.id, space_pk=pk))
        s.flush()
        for gid in gids:
            link = s.get(UnitSpace, (unit.id, spaces[gid].id))
            assert link is not None
            wkt = parts.get(gid)
            link.footprint_wkt = rules.part_polygon(wkt).wkt if wkt else None
            link.area_m2 = float(rules.part_polygon(wkt).area) if wkt else None
    return unit


def rename_unit(
    bind: Bind, unit_id: str, *, name: str, site: str | None = None, actor: str | None = None
) -> None:
    """Give unit ``unit_id`` a new name (free text, the units' contract's ``name``)."""
    values, problems = rules.values_from_contract(contracts.UNITS, {"unit_id": unit_id,
                                                                     "name": name})  # fmt: skip
    rules.refuse([p for p in problems if p.field in ("unit_id", "name")])
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        unit = core.get_unit(s, st, unit_id)
        with Audit(s, st, who, "rename_unit").changing(unit, record=unit_id):
            unit.name = values["name"]


def retire_unit(
    bind: Bind,
    unit_id: str,
    *,
    on: dt.date | str | None = None,
    site: str | None = None,
    actor: str | None = None,
) -> dt.date:
    """Retire unit ``unit_id`` from day ``on`` (default today): it is kept, never deleted.

    A retired unit keeps its past leases and is let no more
    (:func:`~site_manager.register.rules.check_lease`); its spaces may go into new units.

    Parameters
    ----------
    bind : Engine or Session
        The register.
    unit_id : str
        A live unit of the site.
    on : date or str, optional
        The first day the unit is no longer let (``YYYY-MM-DD``; default today).
    site : str, optional
        Site id (default: the only site).
    actor : str, optional
        Who is making the change, for the audit trail.

    Returns
    -------
    datetime.date
        The day it is retired from.

    Raises
    ------
    ValidationError, NotFoundError, RegisterError
        A bad day (on ``on``); the problems of
        :func:`~site_manager.register.rules.check_retire`: an unknown or retired unit, a
        lease of the unit running on ``on`` or starting after it.
    """
    try:
        day: dt.date = parse_value(contracts.UNITS.column("retired"),
                                   dt.date.today() if on is None else on, what="on")  # fmt: skip
    except ValidationError as exc:
        raise rules.refusal([rules.Problem("on", str(exc))]) from None
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        rules.refuse(rules.check_retire(unit_id, day, rules.context_from_db(s, st)))
        unit = core.get_unit(s, st, unit_id)
        with Audit(s, st, who, "retire_unit").changing(unit, record=unit_id):
            unit.retired = day
    log.info("retired unit %s from %s", unit_id, day)
    return day


def unit_context(bind: Bind, site: str | None = None) -> rules.SiteContext:
    """The site as the unit and lease rules see it.

    Its spaces, removed spaces, units' spaces, retired units and bookings, for a form that
    offers only what the rules allow.
    """
    with transaction(bind, readonly=True) as s:
        return rules.context_from_db(s, core.get_site(s, site))


def add_tenant(
    bind: Bind,
    tenant_id: str,
    *,
    name: str,
    kind: str | None = None,
    stage: str | None = None,
    sector: str = "",
    headcount: int | None = None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    joined: dt.date | str | None = None,
    site: str | None = None,
    actor: str | None = None,
) -> str:
    """Add a tenant (refused if the id exists: use :func:`import_table` to update).

    The values are those of the tenants' contract (:data:`~site_manager.register.contracts.
    TENANTS`); a refusal names every bad one.
    """
    given = {"tenant_id": tenant_id, "name": name, "kind": kind, "stage": stage,
             "sector": sector, "headcount": headcount, "contact_name": contact_name,
             "contact_email": contact_email, "contact_phone": contact_phone,
             "joined": joined}  # fmt: skip
    values, problems = rules.values_from_contract(contracts.TENANTS, given)
    rules.refuse(problems)
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        exists = s.scalars(
            select(Tenant.id).where(Tenant.site_pk == st.id, Tenant.tenant_id == tenant_id)
        ).first()
        if exists is not None:
            raise RegisterError(f"tenant {tenant_id} already exists in site {st.site_id}")
        Audit(s, st, who, "add_tenant").added(Tenant(site_pk=st.id, **values), record=tenant_id)
    return tenant_id


def sign_lease(
    bind: Bind,
    *,
    unit_id: str,
    tenant_id: str,
    start: dt.date | str,
    end: dt.date | str,
    rent_eur_per_month: float | str,
    common_cost_share: float | str = 0.0,
    lease_id: str | None = None,
    site: str | None = None,
    actor: str | None = None,
) -> str:
    """Sign a lease of a unit to a tenant from ``start`` to ``end`` (both days included).

    Parameters
    ----------
    bind : Engine or Session
        The register (an Engine: own transaction; a Session: a savepoint of it).
    unit_id, tenant_id : str
        Existing unit and tenant of the site.
    start, end : date or str
        First and last day (``YYYY-MM-DD``); ``end`` on or after ``start``.
    rent_eur_per_month : float or str
        Rent, not negative (0: a free let). [EUR/month]
    common_cost_share : float or str
        Share of the site's common costs, 0 to 1. [-]
    lease_id : str, optional
        Id of the new lease (default: a fresh random one).
    site : str, optional
        Site id (default: the only site).
    actor : str, optional
        Who is making the change, for the audit trail.

    Returns
    -------
    str
        The lease id.

    Raises
    ------
    ValidationError, NotFoundError, RegisterError
        The values by the lease contract and the lease rules
        (:func:`~site_manager.register.rules.check_lease`), every problem at once; the
        error's class is that of the first (a bad value; an unknown unit or tenant; the unit
        leased on one of those days, naming the conflicting lease, found by the check or,
        under a race, by the database), and :func:`~site_manager.register.rules.problems_of`
        gives each problem with its field.
    """
    given = {"lease_id": lease_id, "unit_id": unit_id, "tenant_id": tenant_id, "start": start,
             "end": end, "rent_eur_per_month": rent_eur_per_month,
             "common_cost_share": common_cost_share}  # fmt: skip
    values, problems = rules.values_from_contract(contracts.LEASES, given)
    lease_id = values.get("lease_id") or new_lease_id()
    who = get_actor(actor)
    try:
        with transaction(bind) as s:
            st = core.get_site(s, site)
            problems += rules.check_lease(values, rules.context_from_db(s, st))
            rules.refuse(problems)
            unit, tenant = core.get_unit(s, st, unit_id), core.get_tenant(s, st, tenant_id)
            lease = Lease(site_pk=st.id, lease_id=lease_id, unit_pk=unit.id, tenant_pk=tenant.id,
                          start_date=values["start"], end_date=values["end"],
                          rent_eur_per_month=values["rent_eur_per_month"],
                          common_cost_share=values["common_cost_share"], space_removed=False,
                          notes="")  # fmt: skip
            Audit(s, st, who, "sign_lease").added(lease, record=lease_id, extra={
                "unit_id": unit_id, "tenant_id": tenant_id})  # fmt: skip
    except RegisterError as exc:
        if isinstance(exc.__cause__, IntegrityError) and "overlap" in str(exc):
            # the database refused it: another writer took the unit between check and insert
            raise rules.refusal(_overlap_after_race(bind, site, values)) from exc
        raise
    log.info("signed lease %s: unit %s to tenant %s", lease_id, unit_id, tenant_id)
    return lease_id


def _overlap_after_race(
    bind: Bind, site: str | None, values: dict[str, Any]
) -> list[rules.Problem]:
    with transaction(bind) as s:
        found = rules.check_lease(values, rules.context_from_db(s, core.get_site(s, site)))
    problems = [p for p in found if p.kind == "conflict"]
    if not problems:  # pragma: no cover - the other lease was ended meanwhile
        return [rules.Problem("start", f"unit {values['unit_id']} was leased for overlapping "
                              "dates by another user", "conflict")]  # fmt: skip
    return [
        rules.Problem(p.field, f"{p.message} (refused by the database)", p.kind) for p in problems
    ]


def end_lease(
    bind: Bind,
    lease_id: str,
    *,
    on: dt.date | str,
    site: str | None = None,
    actor: str | None = None,
) -> None:
    """End a lease early: ``on`` becomes its last day.

    ``on`` must fall within the lease (on or after its start, on or before its end); to
    extend a lease, sign a new one that starts the day after
    (:func:`~site_manager.register.rules.check_lease_end`).
    """
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        lease = core.get_lease(s, st, lease_id)
        rules.refuse(rules.check_lease_end(lease_id, lease.start_date, lease.end_date, on))
        with Audit(s, st, who, "end_lease").changing(lease, record=lease_id):
            lease.end_date = parse_value(contracts.LEASES.column("end"), on)


#: Space attributes :func:`set_space_attributes` accepts, and their type (their contract is
#: :data:`~site_manager.register.contracts.SPACE_ATTRIBUTES`).
SPACE_ATTRIBUTES: dict[str, str] = {c.name: c.type for c in contracts.SPACE_ATTRIBUTES.columns}
#: Values of a space's ``loading_access``.
LOADING_ACCESS = contracts.SPACE_ATTRIBUTES.column("loading_access").choices


def set_space_attributes(
    bind: Bind,
    global_id: str,
    *,
    site: str | None = None,
    actor: str | None = None,
    **attributes: Any,
) -> None:
    """Override the constraint attributes of a space (those read from the model's psets).

    Parameters
    ----------
    bind : Engine or Session
        The register.
    global_id : str
        The space's GlobalId.
    site : str, optional
        Site id (default: the only site).
    actor : str, optional
        Who is making the change, for the audit trail.
    **attributes
        Any of :data:`SPACE_ATTRIBUTES`: ``clear_height_m`` [m], ``floor_load_kn_m2``
        [kN/m²], ``board_id``, ``board_capacity_kw`` [kW], ``power_kw`` (the power available
        at the space itself) [kW], ``extraction``, ``daylight``,
        ``ground_access``, ``crane`` (bool), ``crane_capacity_t`` [t], ``loading_access``
        (``ground``, ``goods_lift``, ``none``); ``None`` clears a value.
    """
    from site_manager.register.schema import SpaceAttributes

    unknown = sorted(set(attributes) - set(SPACE_ATTRIBUTES))
    if unknown:
        raise ValidationError(
            f"unknown space attributes {', '.join(unknown)}; use {', '.join(SPACE_ATTRIBUTES)}"
        )
    values: dict[str, Any] = {}
    problems = []
    for name, value in attributes.items():
        try:
            values[name] = None if value is None else parse_value(
                contracts.SPACE_ATTRIBUTES.column(name), value, what=name)  # fmt: skip
        except ValidationError as exc:
            problems.append(rules.Problem(name, str(exc)))
    rules.refuse(problems)
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        space = core.get_spaces(s, st).get(global_id)
        if space is None:
            raise NotFoundError(f"space {global_id!r} is not in site {st.site_id}")
        attrs = s.get(SpaceAttributes, space.id) or SpaceAttributes(space_pk=space.id)
        with Audit(s, st, who, "set_space_attributes").changing(attrs, record=global_id):
            for name, value in values.items():
                setattr(attrs, name, value)
            if "clear_height_m" in values:
                attrs.clear_height_source = None if values["clear_height_m"] is None else "user"
