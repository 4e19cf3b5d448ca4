"""Bookings of shared equipment and trainings: the verbs and the queries.

Each verb is one transaction (or a savepoint of a given ``Session``), checked by the rules
of :mod:`site_manager.register.booking_rules` and written to the audit trail. Times are
given and shown as the site's local wall-clock time (``sites.time_zone``, else
:data:`site_manager.assumptions.DEFAULT_TIME_ZONE`) and stored as UTC instants.

Who may: a user of role tenant books, and cancels, for its own tenant only (checked in the
verb's transaction, so a refusal is on the audit trail), and its refusals name no other
tenant (:attr:`~site_manager.register.booking_rules.BookingContext.discreet`).

Training passport: a training granted at one site of the register is recognised at the
others for the tenant with the same contact e-mail (compared without case and surrounding
spaces). A tenant without a contact e-mail is matched at no other site: only its own site's
trainings count, and a refusal says so.

Examples
--------
>>> from site_manager import register
>>> engine = register.open_register("sqlite://")
>>> list_bookings(engine)  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from site_manager.assumptions import DEFAULT_TIME_ZONE
from site_manager.errors import RegisterError, ValidationError
from site_manager.register import access, contracts, core, rules
from site_manager.register.audit import Audit, now
from site_manager.register.booking_rules import (
    BookingContext,
    HeldSlot,
    MachineTerms,
    TrainingHeld,
    check_booking,
    check_training,
    to_instant,
)
from site_manager.register.booking_schema import EquipmentBooking, Training
from site_manager.register.engine import get_actor, transaction
from site_manager.register.schema import Equipment, Lease, Site, Tenant

log = logging.getLogger(__name__)

Bind = Engine | Session

#: Columns of :func:`list_bookings`.
BOOKING_COLUMNS = ["booking_id", "equipment_id", "tenant_id", "start", "end", "purpose",
                   "hours", "price_eur", "cancelled_at"]  # fmt: skip
#: Columns of :func:`list_trainings`.
TRAINING_COLUMNS = ["tenant_id", "equipment_type", "granted_by", "granted_at", "valid_until"]


def new_booking_id() -> str:
    """A fresh booking id (random, so concurrent bookers never collide)."""
    return "B-" + secrets.token_hex(4).upper()


def site_zone(site: Site) -> ZoneInfo:
    """The site's time zone (:data:`~site_manager.assumptions.DEFAULT_TIME_ZONE` if none)."""
    name = site.time_zone or DEFAULT_TIME_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"site {site.site_id} has time zone {name!r}, which is not an IANA time zone; "
            "set one such as Europe/Berlin"
        ) from None


def _terms(eq: Equipment, owner: str | None) -> MachineTerms:
    return MachineTerms(eq.equipment_id, eq.type or "", owner, bool(eq.shared),
                        eq.booking_access, eq.open_from, eq.open_until, eq.max_booking_h,
                        bool(eq.induction_required))  # fmt: skip


def _email(text: str | None) -> str:
    return (text or "").strip().lower()


def booking_context(s: Session, st: Site, booking: dict[str, Any]) -> BookingContext:
    """What :func:`~site_manager.register.booking_rules.check_booking` checks ``booking``
    (typed by the contract; missing values are not looked up) against, read from ``s``.
    """
    zone = site_zone(st)
    ctx = BookingContext(st.site_id, zone)
    ctx.tenants = set(s.scalars(select(Tenant.tenant_id).where(Tenant.site_pk == st.id)))
    owner = aliased(Tenant)
    eid, tid = booking.get("equipment_id"), booking.get("tenant_id")
    query = (select(Equipment, owner.tenant_id)
             .outerjoin(owner, owner.id == Equipment.owner_tenant_pk)
             .where(Equipment.site_pk == st.id, Equipment.equipment_id == eid))  # fmt: skip
    row = s.execute(query).first() if eid else None
    if row is None:
        return ctx
    eq, owner_id = row
    machine = ctx.machines[eq.equipment_id] = _terms(eq, owner_id)
    start, end = booking.get("start"), booking.get("end")
    if start is not None:
        day = start.date()
        ctx.members = set(s.scalars(select(Tenant.tenant_id).join(Lease, Lease.tenant_pk ==
                          Tenant.id).where(Lease.site_pk == st.id, Lease.start_date <= day,
                                           Lease.end_date >= day)))  # fmt: skip
    t0 = to_instant(start, zone) if start is not None else None
    t1 = to_instant(end, zone) if end is not None else None
    if t0 is not None and t1 is not None:
        ctx.held = [HeldSlot(bid, who, a, b) for bid, who, a, b in s.execute(
            select(EquipmentBooking.booking_id, Tenant.tenant_id, EquipmentBooking.start_at,
                   EquipmentBooking.end_at).join(Tenant, Tenant.id == EquipmentBooking.tenant_pk)
            .where(EquipmentBooking.equipment_pk == eq.id,
                   EquipmentBooking.cancelled_at.is_(None),
                   EquipmentBooking.start_at < t1, EquipmentBooking.end_at > t0))]  # fmt: skip
    if machine.induction_required:
        ctx.type_trainings = _trainings(
            s, Training.site_pk == st.id, Training.equipment_type == machine.type
        )
        if tid in ctx.tenants:
            ctx.tenant_trainings, ctx.passport = _passport(s, st, str(tid))
    return ctx


def _trainings(s: Session, *where: Any) -> list[TrainingHeld]:
    rows = s.execute(select(Tenant.tenant_id, Site.site_id, Training.equipment_type,
                            Training.valid_until, Training.granted_by)
                     .join(Tenant, Tenant.id == Training.tenant_pk)
                     .join(Site, Site.id == Training.site_pk).where(*where))  # fmt: skip
    return [TrainingHeld(*r) for r in rows]


def _passport(s: Session, st: Site, tenant_id: str) -> tuple[list[TrainingHeld], str]:
    """The tenant's trainings at its site and, by contact e-mail, at the other sites."""
    tenant = core.get_tenant(s, st, tenant_id)
    own = _trainings(s, Training.tenant_pk == tenant.id)
    email = _email(tenant.contact_email)
    if not email:
        others = s.scalar(select(func.count(Site.id)).where(Site.id != st.id)) or 0
        note = (f"tenant {tenant_id} has no contact e-mail, so trainings granted at the "
                "network's other sites cannot be recognised") if others else ""  # fmt: skip
        return own, note
    away = _trainings(
        s, Training.site_pk != st.id, func.lower(func.trim(Tenant.contact_email)) == email
    )
    return own + away, ""


def make_booking(
    bind: Bind,
    *,
    equipment_id: str,
    tenant_id: str,
    start: Any,
    end: Any,
    purpose: str = "",
    booking_id: str | None = None,
    site: str | None = None,
    actor: str | None = None,
) -> str:
    """Book machine ``equipment_id`` for tenant ``tenant_id`` from ``start`` until ``end``.

    Parameters
    ----------
    bind : Engine or Session
        The register.
    equipment_id, tenant_id : str
        The machine and who books it.
    start, end : datetime or str
        Wall-clock times of the site (naive ``datetime`` or ``YYYY-MM-DDTHH:MM``); the
        booking holds ``[start, end)``.
    purpose : str
        What for (free text, one line).
    booking_id : str, optional
        Default: a fresh random id.
    site : str, optional
        Site id (default: the only site).
    actor : str, optional
        Who books, for the audit trail (default: the acting user).

    Returns
    -------
    str
        The booking id.

    Raises
    ------
    AccessDenied
        The acting user may not book, or (role tenant) books for another tenant.
    ValidationError, NotFoundError, RegisterError
        The contract's and :func:`~site_manager.register.booking_rules.check_booking`'s
        problems at once; an overlap names the conflicting booking (found by the check or,
        when another writer got there first, by the database), a missing training names
        the type and who can give the induction.
    """
    given = {"booking_id": booking_id, "equipment_id": equipment_id, "tenant_id": tenant_id,
             "start": start, "end": end, "purpose": purpose}  # fmt: skip
    values, problems = rules.values_from_contract(contracts.BOOKINGS, given)
    bid = values.get("booking_id") or new_booking_id()
    who = get_actor(actor)
    try:
        with transaction(bind) as s:
            access.authorize("make_booking", who, tenant_id=tenant_id)  # refusal: audited
            st = core.get_site(s, site)
            ctx = booking_context(s, st, values)
            ctx.discreet = who.role is access.Role.TENANT
            problems += check_booking(values, ctx)
            rules.refuse(problems)
            eq = s.scalars(select(Equipment).where(Equipment.site_pk == st.id,
                           Equipment.equipment_id == equipment_id)).one()  # fmt: skip
            tenant = core.get_tenant(s, st, tenant_id)
            row = EquipmentBooking(
                site_pk=st.id, booking_id=bid, equipment_pk=eq.id, tenant_pk=tenant.id,
                start_at=to_instant(values["start"], ctx.zone),
                end_at=to_instant(values["end"], ctx.zone), purpose=values["purpose"],
                created_at=now(), created_by=who, cancelled_at=None, cancelled_by=None)  # fmt: skip
            Audit(s, st, who, "make_booking").added(row, record=bid, extra={
                "equipment_id": equipment_id, "tenant_id": tenant_id})  # fmt: skip
    except RegisterError as exc:
        if isinstance(exc.__cause__, IntegrityError) and "overlaps another booking" in str(exc):
            discreet = who.role is access.Role.TENANT
            raise rules.refusal(_overlap_after_race(bind, site, values, discreet)) from exc
        raise
    log.info("booked %s: equipment %s for tenant %s", bid, equipment_id, tenant_id)
    return bid


def _overlap_after_race(
    bind: Bind, site: str | None, values: dict, discreet: bool = False
) -> list[rules.Problem]:
    with transaction(bind, readonly=True) as s:
        st = core.get_site(s, site)
        ctx = booking_context(s, st, values)
        ctx.discreet = discreet
        found = check_booking(values, ctx)
    problems = [p for p in found if p.kind == "conflict"]
    if not problems:  # pragma: no cover - the other booking was cancelled meanwhile
        return [
            rules.Problem(
                "start",
                f"equipment {values['equipment_id']} was booked for an "
                "overlapping time by another user; try again",
                "conflict",
            )
        ]
    return [rules.Problem(p.field, f"{p.message} (refused by the database)", p.kind)
            for p in problems]  # fmt: skip


def _get_booking(s: Session, st: Site, booking_id: str) -> EquipmentBooking:
    row = s.scalars(select(EquipmentBooking).where(
        EquipmentBooking.site_pk == st.id,
        EquipmentBooking.booking_id == booking_id)).first()  # fmt: skip
    if row is None:
        rules.refuse([rules.Problem("booking_id", f"booking {booking_id!r} does not exist in "
                                    f"site {st.site_id}; see `site-manager booking list`",
                                    "unknown")])  # fmt: skip
    assert row is not None
    return row


def cancel_booking(
    bind: Bind, booking_id: str, *, site: str | None = None, actor: str | None = None
) -> None:
    """Cancel a booking: kept, with who cancelled it when; its time is free again.

    A user of role tenant cancels only its own tenant's bookings
    (:class:`~site_manager.register.access.AccessDenied` otherwise, on the audit trail).
    """
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        row = _get_booking(s, st, booking_id)
        owner = s.scalar(select(Tenant.tenant_id).where(Tenant.id == row.tenant_pk))
        access.authorize("cancel_booking", who, tenant_id=owner)  # before saying anything more
        if row.cancelled_at is not None:
            rules.refuse([rules.Problem("booking_id", f"booking {booking_id} was cancelled "
                                        f"already ({row.cancelled_at:%Y-%m-%d %H:%M} UTC)",
                                        "conflict")])  # fmt: skip
        with Audit(s, st, who, "cancel_booking").changing(row, record=booking_id):
            row.cancelled_at, row.cancelled_by = now(), who


def list_bookings(
    bind: Bind, site: str | None = None, *, cancelled: bool = False,
    equipment_id: str | None = None,
) -> pd.DataFrame:  # fmt: skip
    """The bookings (:data:`BOOKING_COLUMNS`), by start: live ones, or also ``cancelled``.

    ``start``, ``end`` and ``cancelled_at`` are aware datetimes in the site's time zone;
    ``hours`` [h] is the booked time, ``price_eur`` [EUR] at the machine's price per hour
    (``None`` where it has none).
    """
    with transaction(bind, readonly=True) as s:
        access.authorize("read_register")  # every tenant's: staff only
        st = core.get_site(s, site)
        zone = site_zone(st)
        q = (select(EquipmentBooking, Equipment.equipment_id, Equipment.price_eur_per_h,
                    Tenant.tenant_id)
             .join(Equipment, Equipment.id == EquipmentBooking.equipment_pk)
             .join(Tenant, Tenant.id == EquipmentBooking.tenant_pk)
             .where(EquipmentBooking.site_pk == st.id)
             .order_by(EquipmentBooking.start_at, EquipmentBooking.booking_id))  # fmt: skip
        if not cancelled:
            q = q.where(EquipmentBooking.cancelled_at.is_(None))
        if equipment_id is not None:
            q = q.where(Equipment.equipment_id == equipment_id)
        rows = []
        for b, eid, price, tid in s.execute(q):
            hours = (b.end_at - b.start_at).total_seconds() / 3600.0
            gone = b.cancelled_at
            rows.append({"booking_id": b.booking_id, "equipment_id": eid, "tenant_id": tid,
                         "start": b.start_at.astimezone(zone), "end": b.end_at.astimezone(zone),
                         "purpose": b.purpose, "hours": hours,
                         "price_eur": None if price is None else hours * price,
                         "cancelled_at": _local(gone, zone)})  # fmt: skip
    return pd.DataFrame(rows, columns=BOOKING_COLUMNS).astype({"start": object, "end": object})


def _local(instant: dt.datetime | None, zone: ZoneInfo) -> dt.datetime | None:
    """A stored instant (naive on SQLite: UTC) in ``zone``."""
    if instant is None:
        return None
    return (instant if instant.tzinfo else instant.replace(tzinfo=dt.UTC)).astimezone(zone)


def grant_training(
    bind: Bind,
    *,
    tenant_id: str,
    equipment_type: str,
    granted_by: str = "",
    valid_until: Any = None,
    site: str | None = None,
    actor: str | None = None,
    today: dt.date | None = None,
) -> str:
    """Record that ``tenant_id`` was inducted on machines of ``equipment_type``.

    ``valid_until`` is the last day it holds (``None``: no end); it may not be before
    ``today`` (default: today's date). Returns ``tenant:type``.
    """
    given = {"tenant_id": tenant_id, "equipment_type": equipment_type,
             "granted_by": granted_by, "valid_until": valid_until}  # fmt: skip
    values, problems = rules.values_from_contract(contracts.TRAININGS, given)
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        tenants = set(s.scalars(select(Tenant.tenant_id).where(Tenant.site_pk == st.id)))
        problems += check_training(values, tenants, st.site_id, today or dt.date.today())
        rules.refuse(problems)
        tenant = core.get_tenant(s, st, tenant_id)
        record = f"{tenant_id}:{values['equipment_type']}"
        Audit(s, st, who, "grant_training").added(Training(
            site_pk=st.id, tenant_pk=tenant.id, equipment_type=values["equipment_type"],
            granted_by=values["granted_by"] or who, granted_at=now(),
            valid_until=values["valid_until"]), record=record)  # fmt: skip
    return record


def list_trainings(bind: Bind, site: str | None = None) -> pd.DataFrame:
    """The site's trainings (:data:`TRAINING_COLUMNS`), by tenant and type; ``granted_at``
    in the site's time zone.
    """
    with transaction(bind, readonly=True) as s:
        access.authorize("read_register")  # every tenant's: staff only
        st = core.get_site(s, site)
        zone = site_zone(st)
        rows = s.execute(select(Tenant.tenant_id, Training.equipment_type, Training.granted_by,
                                Training.granted_at, Training.valid_until)
                         .join(Tenant, Tenant.id == Training.tenant_pk)
                         .where(Training.site_pk == st.id)
                         .order_by(Tenant.tenant_id, Training.equipment_type,
                                   Training.granted_at)).all()  # fmt: skip
    return pd.DataFrame([(t, k, by, _local(at, zone), until) for t, k, by, at, until in rows],
                        columns=TRAINING_COLUMNS).astype({"granted_at": object})  # fmt: skip
