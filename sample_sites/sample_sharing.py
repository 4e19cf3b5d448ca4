"""Trainings and bookings of a sample site, written after its other files.

``make_sample_sites.py`` calls :func:`write_sharing` with the site's folder once its
tenants, leases and equipment are written: nothing here draws from the site's random
stream, so the other files stay as they were. What it writes makes capacity matter:

- the members (tenants with a lease running all of :data:`WEEK` and the week after) are
  sorted by id; the first four are trained on the type of the site's first shared machine
  that requires an induction (the *busy* machine), the next two on the second one's; the
  other members hold no training (they are refused those machines);
- in :data:`WEEK` (2027-W02) the busy machine is booked Monday to Saturday in back-to-back
  blocks of its longest booking over its opening hours (saturated: 6 of 7 days full), the
  second machine each weekday morning for its longest booking; in the week after, the busy
  machine once (idle).
"""

# ruff: noqa: E501  (a data script, as make_sample_sites.py)

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

#: The Monday of the sample's booked week (ISO week 2027-W02).
WEEK = dt.date(2027, 1, 11)
PURPOSES = ("batch production", "prototype", "client order", "sample run")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def _blocks(machine: dict[str, str]) -> list[tuple[dt.time, dt.time]]:
    """Back-to-back blocks of the longest booking within the opening hours."""
    opens = dt.datetime.combine(WEEK, dt.time.fromisoformat(machine["open_from"] or "00:00"))
    closes = dt.datetime.combine(WEEK, dt.time.fromisoformat(machine["open_until"] or "23:59"))
    step = dt.timedelta(hours=float(machine["max_booking_h"] or 4))
    out = []
    while opens + step <= closes:
        out.append((opens.time(), (opens + step).time()))
        opens += step
    return out


def write_sharing(folder: Path) -> dict[str, int]:
    """Write ``trainings.csv`` and ``bookings.csv`` of the sample site in ``folder``.

    Returns their row counts (for the site's README).
    """
    last = WEEK + dt.timedelta(days=13)
    members = sorted({r["tenant_id"] for r in _read(folder / "leases.csv")
                      if r["start"] <= WEEK.isoformat() and r["end"] >= last.isoformat()})  # fmt: skip
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

    blocks = _blocks(busy)
    for d in range(6):
        day = WEEK + dt.timedelta(days=d)
        for i, (a, b) in enumerate(blocks):
            book(busy, crew[(d + i) % len(crew)], day, a, b)
    first = _blocks(second)[0]
    for d in range(5):
        book(second, pair[d % len(pair)], WEEK + dt.timedelta(days=d), *first)
    book(busy, crew[0], WEEK + dt.timedelta(days=7), *blocks[0])
    _write(folder / "trainings.csv", ["tenant_id", "equipment_type", "granted_by", "valid_until"],
           trainings)  # fmt: skip
    _write(folder / "bookings.csv",
           ["booking_id", "equipment_id", "tenant_id", "start", "end", "purpose"], bookings)  # fmt: skip
    return {"trainings": len(trainings), "bookings": len(bookings)}
