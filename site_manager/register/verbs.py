"""Verbs that change the register one record at a time: zoning, units, tenants, leases and
space attributes (the site's settings are in :mod:`site_manager.register.settings`).

Each verb is one transaction (or one savepoint when given a ``Session``), is written to the
audit trail, and either does everything or nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from site_manager.errors import NotFoundError, RegisterError, ValidationError
from site_manager.parsing import parse_date
from site_manager.register import core
from site_manager.register.engine import get_actor, transaction
from site_manager.register.schema import (
    TENANT_KINDS,
    TENANT_STAGES,
    Lease,
    Tenant,
    Unit,
    UnitSpace,
    Zoning,
)
from site_manager.zoning import Use

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
    parsed: list[tuple[str, Use]] = []
    problems = []
    for gid, use in pairs:
        try:
            parsed.append((gid, Use.parse(use, what=f"use of space {gid}")))
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
        for gid, use in parsed:
            space = spaces[gid]
            row = s.get(Zoning, space.id)
            if row is None:
                s.add(Zoning(space_pk=space.id, use=use.value))
                core.audit(
                    s,
                    site=st,
                    actor=who,
                    verb="set_zoning",
                    table="zoning",
                    record=gid,
                    action="insert",
                    after={"use": use.value},
                )
                changed += 1
            elif row.use != use.value:
                before = row.use
                row.use = use.value
                core.audit(
                    s,
                    site=st,
                    actor=who,
                    verb="set_zoning",
                    table="zoning",
                    record=gid,
                    action="update",
                    before={"use": before},
                    after={"use": use.value},
                )
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
    site: str | None = None,
    actor: str | None = None,
) -> str:
    """Define (or redefine) a rentable unit made of spaces.

    Parameters
    ----------
    bind : Engine or Session
        The register (an Engine: own transaction; a Session: a savepoint of it).
    unit_id : str
        Short stable id.
    space_global_ids : iterable of str
        GlobalIds of the spaces the unit is made of (one space of a hall split into several
        units may belong to several units).
    name, notes : str
        Free text.
    storey : str, optional
        Storey name (default: the spaces' storey when they share one).
    area_m2 : float, optional
        Lettable area when it is not the sum of the spaces' areas (part of a hall). [m²]
    site : str, optional
        Site id (default: the only site).
    actor : str, optional
        Who is making the change, for the audit trail.

    Returns
    -------
    str
        ``unit_id``.
    """
    unit_id = str(unit_id).strip()
    if not unit_id:
        raise ValidationError("a unit needs an id; give unit_id")
    gids = [str(g).strip() for g in space_global_ids if str(g).strip()]
    if not gids:
        raise ValidationError(f"unit {unit_id}: name at least one space GlobalId")
    if area_m2 is not None:
        area_m2 = core.parse_float(area_m2, what=f"unit {unit_id} area_m2", minimum=0.0)
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        _define_unit(
            s, st, unit_id, gids, name=name, storey=storey, area_m2=area_m2, notes=notes, actor=who
        )
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
) -> Unit:
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
    ).one_or_none()
    before = None
    if unit is None:
        unit = Unit(site_pk=st.id, unit_id=unit_id)
        s.add(unit)
    else:
        before = core.record_dict(unit)
    unit.name = name or unit.name or ""
    unit.storey = storey
    unit.area_m2 = area_m2
    unit.notes = notes or ""
    s.flush()
    existing = set(s.scalars(select(UnitSpace.space_pk).where(UnitSpace.unit_pk == unit.id)))
    wanted = {spaces[g].id for g in gids}
    for pk in existing - wanted:
        s.delete(s.get(UnitSpace, (unit.id, pk)))
    for pk in wanted - existing:
        s.add(UnitSpace(unit_pk=unit.id, space_pk=pk))
    after = core.record_dict(unit) | {"space_global_ids": sorted(gids)}
    core.audit(
        s,
        site=st,
        actor=actor,
        verb="define_unit",
        table="units",
        record=unit_id,
        action="insert" if before is None else "update",
        before=before,
        after=after,
    )
    return unit


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
    """Add a tenant (refused if the id exists: use :func:`import_table` to update)."""
    if kind is not None and kind not in TENANT_KINDS:
        raise ValidationError(f"tenant kind {kind!r} is not one of {', '.join(TENANT_KINDS)}")
    if stage is not None and stage not in TENANT_STAGES:
        raise ValidationError(f"tenant stage {stage!r} is not one of {', '.join(TENANT_STAGES)}")
    joined_date = None if joined in (None, "") else parse_date(joined, what="joined")
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        exists = s.scalars(
            select(Tenant.id).where(Tenant.site_pk == st.id, Tenant.tenant_id == tenant_id)
        ).first()
        if exists is not None:
            raise RegisterError(f"tenant {tenant_id} already exists in site {st.site_id}")
        tenant = Tenant(
            site_pk=st.id,
            tenant_id=tenant_id,
            name=name,
            kind=kind,
            stage=stage,
            sector=sector,
            headcount=headcount,
            contact_name=contact_name,
            contact_email=contact_email,
            contact_phone=contact_phone,
            joined=joined_date,
        )
        s.add(tenant)
        s.flush()
        core.audit(
            s,
            site=st,
            actor=who,
            verb="add_tenant",
            table="tenants",
            record=tenant_id,
            action="insert",
            after=core.record_dict(tenant),
        )
    return tenant_id


def new_lease_id() -> str:
    """A fresh lease id (random, so concurrent signers never collide)."""
    return "L-" + secrets.token_hex(4).upper()


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
    rent_eur_per_month : float
        Rent, not negative. [EUR/month]
    common_cost_share : float
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
    RegisterError
        When the unit is leased on any of those days; the message names the unit and the
        conflicting lease (by the Python check or, under a race, by the database itself).
    ValidationError, NotFoundError
        Bad dates or amounts; unknown unit or tenant.
    """
    start_d = parse_date(start, what="start")
    end_d = parse_date(end, what="end")
    if end_d < start_d:
        raise ValidationError(
            f"end {end_d.isoformat()} is before start {start_d.isoformat()}; the end is the "
            "lease's last day"
        )
    rent = core.parse_float(rent_eur_per_month, what="rent", minimum=0.0)
    share = core.parse_float(common_cost_share, what="common cost share", minimum=0.0, maximum=1.0)
    lease_id = lease_id or new_lease_id()
    who = get_actor(actor)
    try:
        with transaction(bind) as s:
            st = core.get_site(s, site)
            unit = core.get_unit(s, st, unit_id)
            tenant = core.get_tenant(s, st, tenant_id)
            clash = core.find_overlap(s, unit, start_d, end_d)
            if clash is not None:
                raise RegisterError(core.overlap_message(unit_id, *clash))
            lease = Lease(
                site_pk=st.id,
                lease_id=lease_id,
                unit_pk=unit.id,
                tenant_pk=tenant.id,
                start_date=start_d,
                end_date=end_d,
                rent_eur_per_month=rent,
                common_cost_share=share,
                space_removed=False,
                notes="",
            )
            s.add(lease)
            s.flush()
            core.audit(
                s,
                site=st,
                actor=who,
                verb="sign_lease",
                table="leases",
                record=lease_id,
                action="insert",
                after=core.record_dict(lease) | {"unit_id": unit_id, "tenant_id": tenant_id},
            )
    except RegisterError as exc:
        if isinstance(exc.__cause__, IntegrityError) and "overlap" in str(exc):
            # the database refused it: another writer took the unit between check and insert
            raise RegisterError(
                _overlap_after_race(bind, site, unit_id, start_d, end_d)
                + " (refused by the database)"
            ) from exc
        raise
    log.info("signed lease %s: unit %s to tenant %s", lease_id, unit_id, tenant_id)
    return lease_id


def _overlap_after_race(
    bind: Bind, site: str | None, unit_id: str, start: dt.date, end: dt.date
) -> str:
    with transaction(bind) as s:
        st = core.get_site(s, site)
        unit = core.get_unit(s, st, unit_id)
        clash = core.find_overlap(s, unit, start, end)
        if clash is None:  # pragma: no cover - the other lease was ended meanwhile
            return f"unit {unit_id} was leased for overlapping dates by another user"
        return core.overlap_message(unit_id, *clash)


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
    extend a lease, sign a new one that starts the day after.
    """
    on_d = parse_date(on, what="end date")
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        lease = core.get_lease(s, st, lease_id)
        if on_d < lease.start_date:
            raise ValidationError(
                f"lease {lease_id} starts on {lease.start_date.isoformat()}; end it on or after "
                "that day"
            )
        if on_d > lease.end_date:
            raise ValidationError(
                f"lease {lease_id} already ends on {lease.end_date.isoformat()}; to extend it, "
                "sign a new lease from the day after"
            )
        before = core.record_dict(lease)
        lease.end_date = on_d
        s.flush()
        core.audit(
            s,
            site=st,
            actor=who,
            verb="end_lease",
            table="leases",
            record=lease_id,
            action="update",
            before=before,
            after=core.record_dict(lease),
        )


#: Space attributes :func:`set_space_attributes` accepts, and their kind.
SPACE_ATTRIBUTES: dict[str, str] = {
    "clear_height_m": "float", "floor_load_kn_m2": "float", "board_id": "str",
    "board_capacity_kw": "float", "extraction": "bool", "daylight": "bool",
    "ground_access": "bool", "crane": "bool", "crane_capacity_t": "float",
    "loading_access": "str",
}  # fmt: skip
#: Values of a space's ``loading_access``.
LOADING_ACCESS = ("ground", "goods_lift", "none")


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
        [kN/m²], ``board_id``, ``board_capacity_kw`` [kW], ``extraction``, ``daylight``,
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
    for name, value in attributes.items():
        kind = SPACE_ATTRIBUTES[name]
        if value is None:
            values[name] = None
        elif kind == "float":
            values[name] = core.parse_float(value, what=name, minimum=0.0)
        elif kind == "bool":
            if not isinstance(value, bool):
                raise ValidationError(f"{name} {value!r} is not true or false")
            values[name] = value
        elif name == "loading_access" and str(value) not in LOADING_ACCESS:
            raise ValidationError(
                f"loading_access {value!r} is not one of {', '.join(LOADING_ACCESS)}"
            )
        else:
            values[name] = str(value)
            longest = getattr(SpaceAttributes.__table__.c[name].type, "length", None)
            if longest is not None and len(values[name]) > longest:
                raise ValidationError(f"{name} {value!r} is longer than {longest} characters")
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        space = core.get_spaces(s, st).get(global_id)
        if space is None:
            raise NotFoundError(f"space {global_id!r} is not in site {st.site_id}")
        attrs = s.get(SpaceAttributes, space.id)
        if attrs is None:
            attrs = SpaceAttributes(space_pk=space.id)
            s.add(attrs)
        before = core.record_dict(attrs)
        for name, value in values.items():
            setattr(attrs, name, value)
        if "clear_height_m" in values:
            attrs.clear_height_source = None if values["clear_height_m"] is None else "user"
        s.flush()
        core.audit(s, site=st, actor=who, verb="set_space_attributes", table="space_attributes",
                   record=global_id, action="update", before=before,
                   after=core.record_dict(attrs))  # fmt: skip
