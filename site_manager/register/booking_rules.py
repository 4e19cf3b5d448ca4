"""The rules of bookings of shared equipment and of trainings, one home each.

These are rules of :mod:`site_manager.register.rules` (same :class:`~site_manager.register.
rules.Problem`, same refusals) kept in a module of their own because that one is at the
house limit of 600 lines. A booking whose values the contract typed
(:data:`~site_manager.register.contracts.BOOKINGS`: start and end are wall-clock times of
the site) is checked by :func:`check_booking` against a :class:`BookingContext`, which
:func:`site_manager.register.bookings.booking_context` reads from the register:

- each of start and end exists in the site's time zone (not in the hour the clocks skip);
  the end is after the start (bookings are half-open, ``[start, end)``);
- the machine and the tenant exist; the machine is shared (its owner may always book it);
- who may book: ``members`` (the default) are tenants with a lease running on the day the
  booking starts; ``anyone`` is every tenant the site's register knows;
- within the opening hours of one day (local time), no longer than the longest booking;
- a machine that requires an induction is booked only by a tenant with a valid training for
  its type on the booking's day (its own site's, or a training passport: one granted at
  another site to a tenant with the same contact e-mail); the refusal names who can give
  the induction: the machine's owner and the site's tenants holding a valid training;
- no live booking of the machine overlaps (the refusal names it); the database holds this
  one too, for two writers that race (``0008_bookings``).

A context marked ``discreet`` (the booker is a user of role tenant) refuses by the same rules
but names no other tenant: an overlap is "another tenant's booking", the owner of a machine
not shared is "another tenant", and who can give an induction is "ask the site".

The owner of a machine is held only to the first, second and last rule: the terms of
sharing are for the others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from site_manager.register.rules import Problem


@dataclass(frozen=True)
class MachineTerms:
    """What booking a machine depends on (its equipment record)."""

    equipment_id: str
    type: str
    owner_tenant_id: str | None
    shared: bool
    booking_access: str | None = None
    open_from: dt.time | None = None
    open_until: dt.time | None = None
    max_booking_h: float | None = None
    induction_required: bool = False


@dataclass(frozen=True)
class HeldSlot:
    """A live booking: ``[start, end)`` as aware instants."""

    booking_id: str
    tenant_id: str
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class TrainingHeld:
    """A training of a tenant (``site_id``: where it was granted)."""

    tenant_id: str
    site_id: str
    equipment_type: str
    valid_until: dt.date | None
    granted_by: str = ""

    def valid_on(self, day: dt.date) -> bool:
        """Whether it holds on ``day``."""
        return self.valid_until is None or self.valid_until >= day


@dataclass
class BookingContext:
    """What a booking is checked against (see :func:`check_booking`).

    Attributes
    ----------
    site_id : str
    zone : ZoneInfo
        The site's time zone.
    machines : dict
        Equipment id → :class:`MachineTerms`.
    tenants : set of str
        The site's tenant ids.
    members : set of str
        Tenants with a lease running on the booking's first day.
    held : list of HeldSlot
        Live bookings of the machine that may overlap the booking.
    tenant_trainings : list of TrainingHeld
        The booking tenant's trainings: the site's, and those the passport recognises.
    type_trainings : list of TrainingHeld
        Every training of the site's tenants for the machine's type (who can induct).
    passport : str
        Why trainings of other sites are not recognised for the tenant ("" when they are).
    discreet : bool
        The booker may not learn other tenants' ids (a user of role tenant): refusals name
        only the booker's own bookings and no other tenant.
    """

    site_id: str
    zone: ZoneInfo
    machines: dict[str, MachineTerms] = field(default_factory=dict)
    tenants: set[str] = field(default_factory=set)
    members: set[str] = field(default_factory=set)
    held: list[HeldSlot] = field(default_factory=list)
    tenant_trainings: list[TrainingHeld] = field(default_factory=list)
    type_trainings: list[TrainingHeld] = field(default_factory=list)
    passport: str = ""
    discreet: bool = False


def to_instant(local: dt.datetime, zone: ZoneInfo) -> dt.datetime | None:
    """The UTC instant of wall-clock time ``local`` in ``zone`` (``None``: no such time).

    A time in the hour the clocks skip does not exist; one in the hour they repeat is the
    first of the two (``fold=0``).
    """
    utc = local.replace(tzinfo=zone).astimezone(dt.UTC)
    return utc if utc.astimezone(zone).replace(tzinfo=None) == local else None


def local_text(instant: dt.datetime, zone: ZoneInfo) -> str:
    """An instant as the site's local time with its offset (ISO 8601, minutes)."""
    return instant.astimezone(zone).isoformat(timespec="minutes")


def _hm(t: dt.time | None) -> str:
    return "24:00" if t is None else t.strftime("%H:%M")


def _within_hours(start: dt.datetime, end: dt.datetime, m: MachineTerms) -> bool:
    """Whether local ``[start, end)`` lies within the opening hours of start's day."""
    day = start.date()
    opens = dt.datetime.combine(day, m.open_from or dt.time(0))
    closes = (dt.datetime.combine(day, m.open_until) if m.open_until is not None
              else dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0)))  # fmt: skip
    return opens <= start and end <= closes


def check_booking(booking: Mapping[str, Any], ctx: BookingContext) -> list[Problem]:
    """The rules of a booking whose values the contract has typed (see the module).

    Returns
    -------
    list of Problem
        On ``start``/``end`` (a time that does not exist; end not after start; outside the
        opening hours; too long; an overlap, naming the booking), ``equipment_id`` (unknown;
        not shared) or ``tenant_id`` (unknown; not a member; no valid training, naming who
        can give the induction).
    """
    problems: list[Problem] = []
    start, end = booking.get("start"), booking.get("end")
    eid, tid = booking.get("equipment_id"), booking.get("tenant_id")
    times: dict[str, dt.datetime] = {}
    for name, local in (("start", start), ("end", end)):
        if local is not None:
            instant = to_instant(local, ctx.zone)
            if instant is None:
                problems.append(Problem(name, f"{name} {local:%Y-%m-%dT%H:%M} does not exist in "
                                        f"{ctx.zone.key} (the clocks go forward then); "
                                        "choose another time"))  # fmt: skip
            else:
                times[name] = instant
    if len(times) == 2 and times["end"] <= times["start"]:
        problems.append(Problem("end", f"end {end:%Y-%m-%dT%H:%M} is not after start "
                                f"{start:%Y-%m-%dT%H:%M}; a booking ends after it starts "
                                "(the end is not included)"))  # fmt: skip
        times.clear()
    machine = ctx.machines.get(eid) if eid else None
    if eid and machine is None:
        problems.append(Problem("equipment_id", f"unknown equipment {eid!r} in site "
                                f"{ctx.site_id}; see `site-manager equipment list`",
                                "unknown"))  # fmt: skip
    if tid and tid not in ctx.tenants:
        problems.append(Problem("tenant_id", f"unknown tenant {tid!r} in site {ctx.site_id}; "
                                "see `site-manager tenant list`", "unknown"))  # fmt: skip
    if machine is None or not tid or tid not in ctx.tenants:
        return problems
    if tid != machine.owner_tenant_id:
        problems += _share_terms(machine, tid, start, end, times, ctx)
    if len(times) == 2:
        clash = sorted((h for h in ctx.held if h.start < times["end"] and times["start"] < h.end),
                       key=lambda h: (h.start, h.booking_id))  # fmt: skip
        if clash:
            held = clash[0]
            if ctx.discreet and held.tenant_id != tid:
                held = HeldSlot("", "", held.start, held.end)  # someone else's: unnamed
            problems.append(overlap(machine.equipment_id, held, ctx.zone))
    return problems


def overlap(equipment_id: str, h: HeldSlot, zone: ZoneInfo) -> Problem:
    """The refusal of a booking that overlaps ``h`` (on ``start``), naming it (a slot with
    no booking id: "another tenant's booking").
    """
    by = (f"booking {h.booking_id} (tenant {h.tenant_id})" if h.booking_id
          else "another tenant's booking")  # fmt: skip
    return Problem("start", f"equipment {equipment_id} is already booked from "
                   f"{local_text(h.start, zone)} to {local_text(h.end, zone)} by {by}; "
                   "choose a time that does not overlap it", "conflict")  # fmt: skip


def _share_terms(
    m: MachineTerms,
    tid: str,
    start: dt.datetime | None,
    end: dt.datetime | None,
    times: dict[str, dt.datetime],
    ctx: BookingContext,
) -> list[Problem]:
    """The terms of sharing, for a tenant who is not the machine's owner."""
    eid = m.equipment_id
    if not m.shared:
        owner = ("another tenant" if ctx.discreet else f"tenant {m.owner_tenant_id}"
                 ) if m.owner_tenant_id else "the site"  # fmt: skip
        return [Problem("equipment_id", f"equipment {eid} is not shared; only its owner "
                        f"({owner}) uses it; ask the owner to share it")]  # fmt: skip
    problems: list[Problem] = []
    day = start.date() if start is not None else None
    if (m.booking_access or "members") == "members" and day and tid not in ctx.members:
        problems.append(Problem("tenant_id", f"equipment {eid} may be booked by members only; "
                                f"tenant {tid} has no lease running on {day}"))  # fmt: skip
    if len(times) == 2 and start is not None and end is not None:
        if (m.open_from or m.open_until) and not _within_hours(start, end, m):
            problems.append(Problem("start", f"equipment {eid} may be booked from "
                                    f"{_hm(m.open_from or dt.time(0))} to {_hm(m.open_until)} "
                                    f"(local time, within one day); {start:%Y-%m-%dT%H:%M} to "
                                    f"{end:%Y-%m-%dT%H:%M} lies outside"))  # fmt: skip
        hours = (times["end"] - times["start"]).total_seconds() / 3600.0
        if m.max_booking_h is not None and hours > m.max_booking_h + 1e-9:
            problems.append(Problem("end", f"the booking lasts {hours:g} h; equipment {eid} "
                                    f"may be booked for at most {m.max_booking_h:g} h at a "
                                    "time"))  # fmt: skip
    if m.induction_required and day is not None:
        trained = [t for t in ctx.tenant_trainings
                   if t.equipment_type == m.type and t.valid_on(day)]  # fmt: skip
        if not trained:
            problems.append(Problem("tenant_id", missing_training(m, tid, day, ctx)))
    return problems


def missing_training(m: MachineTerms, tid: str, day: dt.date, ctx: BookingContext) -> str:
    """Why ``tid`` may not book ``m`` on ``day`` for want of a training, and who can help
    (``ctx.discreet``: the site, naming no tenant).
    """
    passport = f" ({ctx.passport})" if ctx.passport else ""
    why = (f"tenant {tid} has no valid training for {m.type or 'this type'} on {day} "
           f"(equipment {m.equipment_id} requires an induction){passport}")  # fmt: skip
    if ctx.discreet:
        return f"{why}; ask the site to arrange an induction"
    who = [f"tenant {m.owner_tenant_id} (owner)"] if m.owner_tenant_id else []
    named = {m.owner_tenant_id, tid}
    for t in sorted(ctx.type_trainings, key=lambda t: t.tenant_id):
        if t.tenant_id not in named and t.valid_on(day):
            who.append(f"tenant {t.tenant_id} (trained)")
            named.add(t.tenant_id)
    ask = ("an induction can be given by " + ", ".join(who)) if who else (
        "no tenant of the site holds a valid training for it: ask the site")  # fmt: skip
    return f"{why}; {ask}"


def check_training(training: Mapping[str, Any], tenants: set[str], site_id: str,
                   today: dt.date) -> list[Problem]:  # fmt: skip
    """A training to grant: its tenant exists; it is valid today or later."""
    problems: list[Problem] = []
    tid, until = training.get("tenant_id"), training.get("valid_until")
    if tid and tid not in tenants:
        problems.append(Problem("tenant_id", f"unknown tenant {tid!r} in site {site_id}; see "
                                "`site-manager tenant list`", "unknown"))  # fmt: skip
    if until is not None and until < today:
        problems.append(Problem("valid_until", f"valid until {until} is before today "
                                f"({today}); a training is granted to be used"))  # fmt: skip
    return problems
