"""Free time of machines and people as intervals of hours after the job window's start.

Times inside routing are floats: hours after the window's start (an aware instant), so
sites in different time zones share one axis. A machine's free time is its opening hours
(local time of its site, every day; none given: all day) minus its live bookings; a
person's is :data:`site_manager.assumptions.DEFAULT_WORKING_HOURS` every day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

Interval = tuple[float, float]


def _hours_after(t0: dt.datetime, moment: dt.datetime) -> float:
    return (moment - t0).total_seconds() / 3600.0


def daily_intervals(
    t0: dt.datetime,
    t1: dt.datetime,
    zone: ZoneInfo,
    opens: dt.time | None,
    closes: dt.time | None,
) -> list[Interval]:
    """Each local day's ``[opens, closes)`` in ``zone`` within ``[t0, t1)``.

    ``opens`` None is midnight; ``closes`` None is the next midnight (so both None is
    all day, merged into one interval). In hours after ``t0``; sorted, disjoint.
    """
    horizon = _hours_after(t0, t1)
    first = t0.astimezone(zone).date() - dt.timedelta(days=1)
    last = t1.astimezone(zone).date()
    out: list[Interval] = []
    day = first
    while day <= last:
        a = dt.datetime.combine(day, opens or dt.time(0), tzinfo=zone)
        if closes is not None:
            b = dt.datetime.combine(day, closes, tzinfo=zone)
        else:
            b = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
        lo, hi = max(0.0, _hours_after(t0, a)), min(horizon, _hours_after(t0, b))
        if hi > lo:
            if out and lo <= out[-1][1] + 1e-9:
                out[-1] = (out[-1][0], max(out[-1][1], hi))
            else:
                out.append((lo, hi))
        day += dt.timedelta(days=1)
    return out


def subtract(free: Sequence[Interval], busy: Iterable[Interval]) -> list[Interval]:
    """``free`` without ``busy`` (both in hours; ``free`` sorted and disjoint)."""
    cuts = sorted(b for b in busy if b[1] > b[0])
    if not cuts:
        return list(free)
    out: list[Interval] = []
    for a, b in free:
        lo = a
        for c, d in cuts:
            if d <= lo or c >= b:
                continue
            if c > lo:
                out.append((lo, c))
            lo = max(lo, d)
            if lo >= b:
                break
        if lo < b:
            out.append((lo, b))
    return out


def schedule(free: Sequence[Interval], ready: float, hours: float) -> list[Interval] | None:
    """The earliest pieces of ``free`` after ``ready`` that add up to ``hours``.

    The work fills free time from ``ready`` on, pausing where the machine or person is
    not free (closed, booked): this finishes as early as any schedule can. None when the
    free time before the horizon is too short. [h]
    """
    need = hours
    pieces: list[Interval] = []
    for a, b in free:
        if b <= ready:
            continue
        lo = max(a, ready)
        take = min(b - lo, need)
        if take <= 0:
            continue
        pieces.append((lo, lo + take))
        need -= take
        if need <= 1e-9:
            return pieces
    return None


def total_hours(free: Sequence[Interval]) -> float:
    """The length of ``free``. [h]"""
    return sum(b - a for a, b in free)
