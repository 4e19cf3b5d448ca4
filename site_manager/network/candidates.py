"""Who in the network can do a step: tenants with the machine or the skill it needs.

A tenant can do a step that needs a machine type if it owns a machine of that type, or if
it may book a shared machine of that type at its site for the whole job window: the
machine is shared; who may book it (``members``, the default: a lease of the tenant runs on
every day of the window; ``anyone``: every tenant of the site); and where an induction is
required, a training for the type valid until the window's last day (its own site's, or
the training passport: one granted at another site to the tenant with the same contact
e-mail, as :mod:`site_manager.register.bookings` recognises it). A machine's doer is its
owner, else the first such tenant by id. A step that needs a skill can be done by every
tenant holding it (``skills.skill``, compared without case), in the working hours of
:data:`site_manager.assumptions.DEFAULT_WORKING_HOURS`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from site_manager.assumptions import (
    DEFAULT_EUR_PER_HOUR,
    DEFAULT_TIME_ZONE,
    DEFAULT_WORKING_HOURS,
)
from site_manager.network.calendar import Interval, daily_intervals, subtract
from site_manager.network.model import Job, Network, Step, as_date, window_days


@dataclass
class Candidate:
    """A machine or a site's holders of a skill, able to do a step.

    ``tenants``: the doer of a machine (one), or every holder of the skill at the site
    (by id). ``priced_by``: ``machine``, ``job`` or ``default``. ``free``: free time in
    hours after the window's start.
    """

    kind: str
    site_id: str
    tenants: tuple[str, ...]
    equipment_id: str | None
    price_eur_per_h: float
    priced_by: str
    free: list[Interval] = field(repr=False)


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def zone_of(name: Any) -> ZoneInfo:
    """The IANA zone ``name`` (:data:`~site_manager.assumptions.DEFAULT_TIME_ZONE` if none)."""
    try:
        return ZoneInfo(_text(name) or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def _time(value: Any) -> dt.time | None:
    if isinstance(value, dt.time):
        return value
    text = _text(value)
    return dt.time.fromisoformat(text) if text else None


def _aware(value: Any, zone: ZoneInfo) -> dt.datetime:
    moment = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


class NetworkIndex:
    """The network's frames indexed for routing one job window ``[t0, t1)`` (aware)."""

    def __init__(self, network: Network, t0: dt.datetime, t1: dt.datetime) -> None:
        self.network, self.t0, self.t1 = network, t0, t1
        self.zones = {str(r.site_id): zone_of(r.time_zone) for r in network.sites.itertuples()}
        self.names = {str(r.site_id): _text(r.name) or str(r.site_id)
                      for r in network.sites.itertuples()}  # fmt: skip
        self.emails: dict[tuple[str, str], str] = {}
        self.site_tenants: dict[str, list[str]] = defaultdict(list)
        for r in network.tenants.itertuples():
            key = (str(r.site_id), str(r.tenant_id))
            self.emails[key] = _text(r.contact_email).strip().lower()
            self.site_tenants[key[0]].append(key[1])
        for ids in self.site_tenants.values():
            ids.sort()
        self.leases: dict[tuple[str, str], list[tuple[dt.date, dt.date]]] = defaultdict(list)
        for r in network.leases.itertuples():
            a, b = as_date(r.start), as_date(r.end)
            if a is not None and b is not None:
                self.leases[(str(r.site_id), str(r.tenant_id))].append((a, b))
        self.trainings: dict[tuple[str, str, str], list[dt.date | None]] = defaultdict(list)
        self.trained_by_email: dict[tuple[str, str], list[tuple[str, dt.date | None]]] = (
            defaultdict(list))  # fmt: skip
        for r in network.trainings.itertuples():
            site, tid, kind = str(r.site_id), str(r.tenant_id), _text(r.equipment_type).lower()
            until = as_date(r.valid_until)
            self.trainings[(site, tid, kind)].append(until)
            email = self.emails.get((site, tid), "")
            if email:
                self.trained_by_email[(email, kind)].append((site, until))
        self.machines: dict[str, list[Any]] = defaultdict(list)
        for r in network.equipment.itertuples():
            self.machines[_text(r.type).strip().lower()].append(r)
        self.skills: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for r in network.skills.itertuples():
            self.skills[_text(r.skill).strip().lower()][str(r.site_id)].append(str(r.tenant_id))
        self.bookings: dict[tuple[str, str], list[Interval]] = defaultdict(list)
        for r in network.bookings.itertuples():
            site = str(r.site_id)
            zone = self.zones.get(site, ZoneInfo(DEFAULT_TIME_ZONE))
            lo = (_aware(r.start, zone) - t0).total_seconds() / 3600.0
            hi = (_aware(r.end, zone) - t0).total_seconds() / 3600.0
            self.bookings[(site, str(r.equipment_id))].append((lo, hi))
        self._daily: dict[tuple[str, Any, Any], list[Interval]] = {}

    def zone(self, site: str) -> ZoneInfo:
        """The site's time zone."""
        return self.zones.get(site, ZoneInfo(DEFAULT_TIME_ZONE))

    def days(self, site: str) -> tuple[dt.date, dt.date]:
        """The window's first and last local day at ``site``."""
        z = self.zone(site)
        return window_days(self.t0.astimezone(z), self.t1.astimezone(z))

    def daily(self, site: str, opens: dt.time | None, closes: dt.time | None) -> list[Interval]:
        """Opening hours of every day of the window at ``site`` (cached)."""
        key = (site, opens, closes)
        if key not in self._daily:
            self._daily[key] = daily_intervals(self.t0, self.t1, self.zone(site), opens, closes)
        return self._daily[key]

    def machine_free(self, site: str, machine: Any) -> list[Interval]:
        """A machine's opening hours in the window minus its live bookings."""
        hours = self.daily(site, _time(machine.open_from), _time(machine.open_until))
        return subtract(hours, self.bookings.get((site, str(machine.equipment_id)), ()))

    def may_book(self, site: str, tenant: str, machine: Any) -> str:
        """Why ``tenant`` may not book the shared ``machine`` for the window ("" if it may)."""
        first, last = self.days(site)
        members = (_text(machine.booking_access) or "members") == "members"
        if members and not _covers(self.leases.get((site, tenant), []), first, last):
            return "members only (no lease running through the window)"
        if bool(machine.induction_required):
            kind = _text(machine.type).lower()
            valid = [u for u in self.trainings.get((site, tenant, kind), [])
                     if u is None or u >= last]  # fmt: skip
            email = self.emails.get((site, tenant), "")
            if not valid and email:
                valid = [u for s, u in self.trained_by_email.get((email, kind), [])
                         if s != site and (u is None or u >= last)]  # fmt: skip
            if not valid:
                return f"induction required (no valid training for {kind} until {last})"
        return ""


def _covers(leases: list[tuple[dt.date, dt.date]], first: dt.date, last: dt.date) -> bool:
    """Whether the leases together run on every day from ``first`` to ``last``."""
    day = first
    for a, b in sorted(leases):
        if a > day:
            return False
        if b >= day:
            day = b + dt.timedelta(days=1)
        if day > last:
            return True
    return day > last


def _price(job: Job, needs: str, own: Any) -> tuple[float, str]:
    value = None if own is None else float(own)
    if value is not None and not math.isnan(value):
        return value, "machine"
    rate = job.rate(needs)
    return (rate, "job") if rate is not None else (DEFAULT_EUR_PER_HOUR, "default")


def candidates(
    index: NetworkIndex,
    job: Job,
    step: Step,
    unusable: list[tuple[Any, str]] | None = None,
) -> tuple[list[Candidate], str]:
    """The candidates for ``step``, and why there are none ("" when there are some).

    ``unusable``, if given, receives (machine row, why) of each machine of the type that
    no tenant may use.
    """
    need = step.needs.lower()
    found: list[Candidate] = []
    refused: dict[str, set[str]] = defaultdict(set)
    for m in index.machines.get(need, []):
        site, owner = str(m.site_id), _text(m.owner_tenant_id)
        name = f"{site}/{m.equipment_id}"
        doer, whys = owner, set()
        if not doer:
            if not bool(m.shared):
                whys.add("not shared and owned by no tenant")
            elif not index.site_tenants.get(site):
                whys.add("no tenant at its site")
            for tid in index.site_tenants.get(site, []) if bool(m.shared) else []:
                why = index.may_book(site, tid, m)
                if not why:
                    doer = tid
                    break
                whys.add(why)
        if not doer:
            for why in whys:
                refused[why].add(name)
            if unusable is not None:
                unusable.append((m, "; ".join(sorted(whys))))
            continue
        price, by = _price(job, step.needs, m.price_eur_per_h)
        found.append(Candidate("machine", site, (doer,), str(m.equipment_id), price, by,
                               index.machine_free(site, m)))  # fmt: skip
    opens, closes = DEFAULT_WORKING_HOURS
    for site, holders in sorted(index.skills.get(need, {}).items()):
        price, by = _price(job, step.needs, None)
        found.append(Candidate("skill", site, tuple(sorted(set(holders))), None, price, by,
                               index.daily(site, opens, closes)))  # fmt: skip
    if found:
        return found, ""
    if not refused:
        return [], (f"no tenant in the network owns a machine of type {step.needs!r} or has "
                    f"the skill {step.needs!r}")  # fmt: skip
    parts = [f"{why}: {', '.join(sorted(ids))}" for why, ids in sorted(refused.items())]
    return [], (f"no tenant may use a machine of type {step.needs!r} for the whole window; "
                "machines " + "; ".join(parts))  # fmt: skip
