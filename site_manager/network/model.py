"""The network (every site, placed by its location) and a job to route through it.

:class:`Network` holds frames of all sites at once (each row names its ``site_id``), as
:func:`site_manager.network.read.read_network` reads them from the register or a test or
benchmark builds them. :class:`Job` is the job file, checked by :func:`parse_job`.

The job file (JSON)::

    {"origin_site": "textile_mill",
     "window": {"start": "2027-03-01T08:00", "end": "2027-03-12T18:00"},
     "max_distance_km": 300, "transport_eur_per_km": 1.2,
     "eur_per_hour": {"design": 60},
     "steps": [{"id": "design", "needs": "cad_design", "hours": 6},
               {"id": "cut", "needs": "cnc_router", "hours": 4},
               {"id": "weld", "needs": "welding", "hours": 3, "after": ["cut"]}]}

- ``window`` start and end are local wall-clock times of the origin site (its
  ``time_zone``), ``YYYY-MM-DDTHH:MM``; every step runs within ``[start, end)``.
- a step without ``after`` follows the step before it in the list (the first starts with
  the window); ``"after": []`` lets it start with the window; ``after`` names earlier or
  later steps' ids (any order without a cycle).
- ``eur_per_hour``: a number (every step) or a map from a step's ``needs`` to a price
  [EUR/h], used where the machine has no price of its own (and for every skill);
  otherwise :data:`site_manager.assumptions.DEFAULT_EUR_PER_HOUR`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from site_manager.errors import ValidationError
from site_manager.parsing import parse_date

#: Mean Earth radius (IUGG). [km]
EARTH_RADIUS_KM = 6371.0088

#: Columns of each frame of a :class:`Network`.
NETWORK_COLUMNS: dict[str, list[str]] = {
    "sites": ["site_id", "name", "latitude_deg", "longitude_deg", "time_zone"],
    "tenants": ["site_id", "tenant_id", "name", "contact_email"],
    "leases": ["site_id", "tenant_id", "start", "end"],
    "equipment": ["site_id", "equipment_id", "name", "type", "owner_tenant_id", "shared",
                  "booking_access", "open_from", "open_until", "max_booking_h",
                  "induction_required", "price_eur_per_h"],
    "skills": ["site_id", "tenant_id", "skill", "level"],
    "trainings": ["site_id", "tenant_id", "equipment_type", "valid_until"],
    "bookings": ["site_id", "equipment_id", "start", "end"],
}  # fmt: skip


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points (haversine, :data:`EARTH_RADIUS_KM`). [km]"""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass
class Network:
    """Every site of the register and what routing reads of it (:data:`NETWORK_COLUMNS`).

    ``leases`` ``start``/``end`` are dates (``end`` the last day); ``trainings``
    ``valid_until`` a date or None (no end); ``bookings`` ``start``/``end`` aware datetimes
    (live bookings only); ``equipment`` ``open_from``/``open_until`` ``datetime.time`` or
    None (from / until midnight).
    """

    sites: pd.DataFrame
    tenants: pd.DataFrame = field(default_factory=lambda: _empty("tenants"))
    leases: pd.DataFrame = field(default_factory=lambda: _empty("leases"))
    equipment: pd.DataFrame = field(default_factory=lambda: _empty("equipment"))
    skills: pd.DataFrame = field(default_factory=lambda: _empty("skills"))
    trainings: pd.DataFrame = field(default_factory=lambda: _empty("trainings"))
    bookings: pd.DataFrame = field(default_factory=lambda: _empty("bookings"))

    def distance_km(self, a: str, b: str) -> float:
        """Great-circle distance between sites ``a`` and ``b`` (inf: a location unknown)."""
        if a == b:
            return 0.0
        loc = self.locations()
        pa, pb = loc.get(a), loc.get(b)
        if pa is None or pb is None:
            return math.inf
        return haversine_km(pa[0], pa[1], pb[0], pb[1])

    def locations(self) -> dict[str, tuple[float, float]]:
        """Site id → (latitude, longitude) [°] of the sites whose location is known."""
        cached = self.__dict__.get("_locations")
        if cached is None:
            cached = {}
            for r in self.sites.itertuples(index=False):
                lat, lon = _number(r.latitude_deg), _number(r.longitude_deg)
                if lat is not None and lon is not None:
                    cached[str(r.site_id)] = (lat, lon)
            self.__dict__["_locations"] = cached
        return cached


def _empty(name: str) -> pd.DataFrame:
    return pd.DataFrame(columns=NETWORK_COLUMNS[name])


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


@dataclass(frozen=True)
class Step:
    """One step of a job: ``needs`` a machine type or a skill for ``hours`` [h]."""

    id: str
    needs: str
    hours: float
    after: tuple[str, ...]


@dataclass(frozen=True)
class Job:
    """A job to route (see the module for the file)."""

    steps: tuple[Step, ...]
    start: dt.datetime
    end: dt.datetime
    origin_site: str
    max_distance_km: float
    transport_eur_per_km: float = 0.0
    eur_per_hour: Mapping[str, float] = field(default_factory=dict)
    #: Speed of the goods between sites (default :data:`~site_manager.assumptions.
    #: DEFAULT_TRANSPORT_KM_PER_H`). [km/h]
    transport_km_per_h: float | None = None
    eur_per_hour_all: float | None = None

    def rate(self, needs: str) -> float | None:
        """The job's price of an hour of ``needs`` (None: it gives none). [EUR/h]"""
        return self.eur_per_hour.get(needs, self.eur_per_hour_all)


def _bad(message: str) -> ValidationError:
    return ValidationError(f"job file: {message}")


def _positive(value: Any, what: str, *, zero: bool = False) -> float:
    number = _number(value) if not isinstance(value, bool) else None
    if number is None or math.isinf(number) or number < 0 or (number == 0 and not zero):
        kind = "a number ≥ 0" if zero else "a number > 0"
        raise _bad(f"{what} is {value!r}; give {kind}")
    return number


def _local(value: Any, what: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise _bad(f"{what} is {value!r}; give a local time YYYY-MM-DDTHH:MM") from None
    if moment.tzinfo is not None:
        raise _bad(f"{what} {value!r} has an offset; give the origin site's local time "
                   "YYYY-MM-DDTHH:MM")  # fmt: skip
    return moment


def parse_job(data: Any) -> Job:
    """A :class:`Job` from the job file's JSON (a dict); refused with a one-line reason.

    Raises
    ------
    ValidationError
        A missing or malformed field, a duplicate step id, ``after`` naming an unknown
        step or making a cycle, a window that ends before it starts.
    """
    if not isinstance(data, Mapping):
        raise _bad("give a JSON object with steps, window, origin_site, max_distance_km")
    for key in ("steps", "window", "origin_site", "max_distance_km"):
        if key not in data:
            raise _bad(f"{key!r} is missing")
    window = data["window"]
    if not isinstance(window, Mapping) or "start" not in window or "end" not in window:
        raise _bad("'window' needs 'start' and 'end' (local times YYYY-MM-DDTHH:MM)")
    start, end = _local(window["start"], "window start"), _local(window["end"], "window end")
    if end <= start:
        raise _bad(f"window end {window['end']} is not after its start {window['start']}")
    raw = data["steps"]
    if not isinstance(raw, list) or not raw:
        raise _bad("'steps' must be a non-empty list")
    steps: list[Step] = []
    for i, s in enumerate(raw):
        if not isinstance(s, Mapping) or not s.get("id") or not s.get("needs"):
            raise _bad(f"step {i + 1} needs an 'id' and 'needs' (a machine type or skill)")
        sid = str(s["id"])
        if any(p.id == sid for p in steps):
            raise _bad(f"step id {sid!r} is used twice")
        after = s.get("after")
        if after is None:
            pred: tuple[str, ...] = (steps[-1].id,) if steps else ()
        elif isinstance(after, list):
            pred = tuple(str(a) for a in after)
        else:
            raise _bad(f"step {sid!r}: 'after' must be a list of step ids")
        hours = _positive(s.get("hours"), f"step {sid!r} hours")
        steps.append(Step(sid, str(s["needs"]).strip(), hours, pred))
    ids = {s.id for s in steps}
    for s in steps:
        unknown = [a for a in s.after if a not in ids or a == s.id]
        if unknown:
            raise _bad(f"step {s.id!r}: 'after' names {unknown[0]!r}, which is not another "
                       "step")  # fmt: skip
    rates = data.get("eur_per_hour")
    per_need: dict[str, float] = {}
    all_rate: float | None = None
    if isinstance(rates, Mapping):
        per_need = {str(k): _positive(v, f"eur_per_hour[{k!r}]", zero=True)
                    for k, v in rates.items()}  # fmt: skip
    elif rates is not None:
        all_rate = _positive(rates, "eur_per_hour", zero=True)
    job = Job(steps=tuple(steps), start=start, end=end, origin_site=str(data["origin_site"]),
              max_distance_km=_positive(data["max_distance_km"], "max_distance_km", zero=True),
              transport_eur_per_km=_positive(data.get("transport_eur_per_km", 0.0),
                                             "transport_eur_per_km", zero=True),
              eur_per_hour=per_need, eur_per_hour_all=all_rate,
              transport_km_per_h=None if data.get("transport_km_per_h") is None else _positive(
                  data["transport_km_per_h"], "transport_km_per_h"))  # fmt: skip
    topological_order(job)
    return job


def load_job(path: str | Path) -> Job:
    """:func:`parse_job` of a JSON file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationError(f"job file {path} does not exist") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(f"job file {path} is not JSON: {exc}") from None
    return parse_job(data)


def topological_order(job: Job) -> list[Step]:
    """The steps, each after those it comes ``after`` (the file's order otherwise)."""
    done: set[str] = set()
    order: list[Step] = []
    left = list(job.steps)
    while left:
        ready = [s for s in left if all(a in done for a in s.after)]
        if not ready:
            raise _bad("the steps' 'after' make a cycle: " + ", ".join(s.id for s in left))
        step = ready[0]
        order.append(step)
        done.add(step.id)
        left.remove(step)
    return order


def window_days(start: dt.datetime, end: dt.datetime) -> tuple[dt.date, dt.date]:
    """The first and last local day of ``[start, end)`` (aware datetimes in one zone)."""
    last = end - dt.timedelta(microseconds=1)
    return start.date(), last.date()


def as_date(value: Any) -> dt.date | None:
    """A date from a date, datetime, text or None/NaN (None)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(value)
    except (ValueError, TypeError, ValidationError):
        return None
