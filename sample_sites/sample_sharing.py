"""Trainings and bookings of a sample site, written after its other files.

``make_sample_sites.py`` calls :func:`write_sharing` with the site's folder once its
tenants, leases and equipment are written: nothing here draws from the site's random
stream, so the other files stay as they were. The data are dated around the day they were
made (Saturday 2026-12-05, ISO week 2026-W49), so the Bookings page (which opens on the
current week) and ``booking usage`` show something now and in the weeks after:

- the members (tenants with a lease running through all of :data:`WEEKS`) are sorted by id;
  the first four (the *crew*) are trained on the type of the site's first shared machine
  that requires an induction (the *busy* machine), the next two (the *pair*) on the second
  one's; the other members hold no training (they are refused those machines);
- a machine's day is cut into *blocks*: back-to-back bookings of its longest booking over
  its opening hours (the rest of the day a shorter last block);
- :data:`PLAN` says, week by week from 2026-W49 to 2026-W52, which days of the week (0 =
  Monday) the busy machine is booked all day (every block) or for its first block only, and
  on which days the second machine's first block is booked: W49 busy (every weekday
  morning), W50 saturated (Monday to Saturday full: 6/7 of its capacity), W51 busy (Monday
  to Wednesday full), W52 idle (one block on the Monday, Christmas week).
"""

# ruff: noqa: E501  (a data script, as make_sample_sites.py)

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

#: The Monday of the first booked week (ISO 2026-W49, the week the sample was made in).
FIRST_MONDAY = dt.date(2026, 11, 30)
#: Per week from :data:`FIRST_MONDAY`: (days the busy machine is booked all day, days it is
#: booked for its first block, days the second machine is booked for its first block).
PLAN: tuple[tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]], ...] = (
    ((), (0, 1, 2, 3, 4), (0, 2, 4)),  # 2026-W49: busy
    ((0, 1, 2, 3, 4, 5), (), (0, 1, 2, 3, 4)),  # 2026-W50: saturated
    ((0, 1, 2), (), (1, 3)),  # 2026-W51: busy
    ((), (0,), ()),  # 2026-W52: idle
)
WEEKS = len(PLAN)
PURPOSES = ("batch production", "prototype", "client order", "sample run")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def blocks(machine: dict[str, str]) -> list[tuple[dt.time, dt.time]]:
    """Back-to-back blocks of the longest booking within the opening hours, the last one
    shorter when the hours do not divide evenly.
    """
    day = FIRST_MONDAY
    opens = dt.datetime.combine(day, dt.time.fromisoformat(machine["open_from"] or "00:00"))
    closes = dt.datetime.combine(day, dt.time.fromisoformat(machine["open_until"] or "23:59"))
    step = dt.timedelta(hours=float(machine["max_booking_h"] or 4))
    out = []
    while opens < closes:
        out.append((opens.time(), min(opens + step, closes).time()))
        opens += step
    return out


def write_sharing(folder: Path) -> dict[str, int]:
    """Write ``trainings.csv`` and ``bookings.csv`` of the sample site in ``folder``.

    Returns their row counts (for the site's README).
    """
    last = FIRST_MONDAY + dt.timedelta(days=7 * WEEKS - 1)
    members = sorted({r["tenant_id"] for r in _read(folder / "leases.csv")
                      if r["start"] <= FIRST_MONDAY.isoformat() and r["end"] >= last.isoformat()})  # fmt: skip
    gated = [r for r in _read(folder / "equipment.csv") if r["shared"] == "yes"
             and r["induction_required"] == "yes" and not r["owner_tenant_id"]]  # fmt: skip
    busy, second = gated[0], gated[1]
    crew, pair = members[:4], members[4:6]
    trainings = [[t, busy["type"], "site technician", ""] for t in crew]
    trainings += [[t, second["type"], crew[0], "2029-12-31"] for t in pair]
    bookings: list[list[str]] = []

    def book(machine: dict[str, str], who: str, day: dt.date, a: dt.time, b: dt.time) -> None:
        n = len(bookings)
        bookings.append([f"B-{n + 1:04d}", machine["equipment_id"], who,
                         f"{day}T{a:%H:%M}", f"{day}T{b:%H:%M}", PURPOSES[n % len(PURPOSES)]])  # fmt: skip

    busy_blocks, second_first = blocks(busy), blocks(second)[0]
    for w, (full, morning, seconds) in enumerate(PLAN):
        monday = FIRST_MONDAY + dt.timedelta(weeks=w)
        for d in sorted({*full, *morning}):
            day = monday + dt.timedelta(days=d)
            for i, (a, b) in enumerate(busy_blocks if d in full else busy_blocks[:1]):
                book(busy, crew[(w + d + i) % len(crew)], day, a, b)
        for d in seconds:
            book(second, pair[d % len(pair)], monday + dt.timedelta(days=d), *second_first)
    _write(folder / "trainings.csv", ["tenant_id", "equipment_type", "granted_by", "valid_until"],
           trainings)  # fmt: skip
    _write(folder / "bookings.csv",
           ["booking_id", "equipment_id", "tenant_id", "start", "end", "purpose"], bookings)  # fmt: skip
    return {"trainings": len(trainings), "bookings": len(bookings)}
