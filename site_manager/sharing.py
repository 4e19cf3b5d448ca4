"""Use and capacity of shared machines: utilisation per machine and ISO week from bookings.

Frames in, frames out: ``bookings`` as :func:`site_manager.register.list_bookings` gives
them (``equipment_id``, ``start``, ``end`` aware in the site's time zone), ``equipment`` as
``register.list_equipment`` (``equipment_id``, ``type``, ``shared``, ``open_from``,
``open_until``). A machine's capacity in a week is its opening hours × 7 days (24 h a day
when it gives none); its booked hours are the bookings' hours within the opening hours,
counted on the local wall clock (a booking across a change of the clocks counts its
wall-clock hours).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

#: Utilisation above which a machine is saturated in a week. [-]
SATURATED_ABOVE = 0.8
#: Utilisation below which a machine is idle in a week. [-]
IDLE_BELOW = 0.1
USAGE_COLUMNS = ["equipment_id", "type", "week", "booked_h", "capacity_h", "utilisation",
                 "status"]  # fmt: skip


def _hours(t: Any) -> float:
    return 0.0 if t is None or t != t else t.hour + t.minute / 60 + t.second / 3600


def _open_hours(row: Any) -> tuple[float, float]:
    """A machine's opening hours as hours after midnight (0, 24 when none)."""
    start = _hours(row.get("open_from"))
    end = _hours(row.get("open_until")) if row.get("open_until") not in (None,) else 24.0
    return start, (24.0 if end == 0.0 else end)


def utilisation(
    bookings: pd.DataFrame,
    equipment: pd.DataFrame,
    *,
    saturated_above: float = SATURATED_ABOVE,
    idle_below: float = IDLE_BELOW,
) -> pd.DataFrame:
    """Booked hours over capacity per shared machine and ISO week (``YYYY-Www``).

    Every shared machine gets a row for every week any booking falls in; ``status`` is
    ``saturated`` above ``saturated_above``, ``idle`` below ``idle_below``, else ``""``.
    Returns :data:`USAGE_COLUMNS` (``booked_h``, ``capacity_h`` [h], ``utilisation`` [-]).
    """
    machines = {r["equipment_id"]: r for r in equipment.to_dict("records") if r.get("shared")}
    booked: dict[tuple[str, str], float] = {}
    weeks: set[str] = set()
    for b in bookings.to_dict("records"):
        m = machines.get(b["equipment_id"])
        if m is None:
            continue
        lo, hi = _open_hours(m)
        start, end = b["start"].replace(tzinfo=None), b["end"].replace(tzinfo=None)
        day = start.date()
        while dt.datetime.combine(day, dt.time(0)) < end:
            midnight = dt.datetime.combine(day, dt.time(0))
            a = max(start, midnight + dt.timedelta(hours=lo))
            z = min(end, midnight + dt.timedelta(hours=hi))
            iso = day.isocalendar()
            week = f"{iso.year}-W{iso.week:02d}"
            weeks.add(week)
            if z > a:
                key = (b["equipment_id"], week)
                booked[key] = booked.get(key, 0.0) + (z - a).total_seconds() / 3600
            day += dt.timedelta(days=1)
    rows = []
    for eid, m in sorted(machines.items()):
        lo, hi = _open_hours(m)
        capacity = 7 * (hi - lo)
        for week in sorted(weeks):
            h = booked.get((eid, week), 0.0)
            u = h / capacity if capacity > 0 else float("nan")
            status = "saturated" if u > saturated_above else "idle" if u < idle_below else ""
            rows.append([eid, m.get("type", ""), week, h, capacity, u, status])
    return pd.DataFrame(rows, columns=USAGE_COLUMNS)
