"""Every sample's trainings and bookings load through the booking verbs, and the use of its
machines per week, summed here by hand from ``bookings.csv`` and ``equipment.csv``, is what
``booking usage`` reports: a machine saturated in the weeks after the day the sample was
made (2026-12-05), idle in a later one.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

import pytest

from site_manager import register
from site_manager.cli import main
from site_manager.register import contracts
from site_manager.sharing import IDLE_BELOW, SATURATED_ABOVE

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted(p.parent.name for p in (ROOT / "sample_sites").glob("*/site.toml"))
#: The day the sample's bookings were made around (a Saturday, ISO week 2026-W49).
MADE = dt.date(2026, 12, 5)


def _rows(site: str, name: str) -> list[dict[str, str]]:
    with (ROOT / "sample_sites" / site / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _week(day: dt.date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def _by_hand(site: str) -> dict[tuple[str, str], tuple[float, float]]:
    """(machine, ISO week) -> (booked hours, 7 x opening hours) from the sample's files; the
    sample books within one day and within the opening hours."""
    machines = {r["equipment_id"]: r for r in _rows(site, "equipment.csv")}
    out: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in _rows(site, "bookings.csv"):
        start, end = (dt.datetime.fromisoformat(r[k]) for k in ("start", "end"))
        m = machines[r["equipment_id"]]
        opens, closes = (dt.time.fromisoformat(m[k]) for k in ("open_from", "open_until"))
        assert start.date() == end.date() and opens <= start.time() and end.time() <= closes
        hours = closes.hour + closes.minute / 60 - opens.hour - opens.minute / 60
        cell = out[r["equipment_id"], _week(start.date())]
        cell[0] += (end - start).total_seconds() / 3600
        cell[1] = 7 * hours
    return {k: (v[0], v[1]) for k, v in out.items()}


@pytest.mark.parametrize("site", SAMPLES)
def test_the_sample_files_have_the_headings_of_their_contracts(site: str) -> None:
    for name, table in (("trainings.csv", contracts.TRAININGS),
                        ("bookings.csv", contracts.BOOKINGS)):  # fmt: skip
        path = ROOT / "sample_sites" / site / name
        assert path.read_text(encoding="utf-8").splitlines()[0].split(",") == table.names


@pytest.mark.parametrize("site", SAMPLES)
def test_a_machine_is_saturated_in_the_coming_weeks_and_idle_in_a_later_one(site: str) -> None:
    use = _by_hand(site)
    coming = {_week(MADE + dt.timedelta(weeks=k)) for k in range(4)}
    saturated = {k for k, (h, cap) in use.items() if h / cap > SATURATED_ABOVE}
    assert {w for _, w in saturated} & coming, use
    # the saturated machine has a later week with bookings but idle
    eid, week = min(saturated)
    assert any(e == eid and w > week and 0 < h / cap < IDLE_BELOW
               for (e, w), (h, cap) in use.items()), use  # fmt: skip
    # and the sample has bookings in the week it was made (the page opens on it)
    assert any(w == _week(MADE) for _, w in use)


@pytest.mark.parametrize("site", SAMPLES)
def test_sample_load_stores_the_files_and_booking_usage_reports_the_hand_sums(
    site: str, tmp_path: Path, capsys
) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    assert main(["sample", "load", site, "--db", url]) == 0
    engine = register.open_register(url)
    stored = register.list_bookings(engine, site)
    files = _rows(site, "bookings.csv")
    assert sorted(stored["booking_id"]) == sorted(r["booking_id"] for r in files)
    got = {(r["tenant_id"], r["equipment_type"], r["granted_by"])
           for r in register.list_trainings(engine, site).to_dict("records")}  # fmt: skip
    assert got == {(r["tenant_id"], r["equipment_type"], r["granted_by"])
                   for r in _rows(site, "trainings.csv")}  # fmt: skip
    engine.dispose()
    capsys.readouterr()
    assert main(["booking", "usage", "--format", "json", "--db", url, "--site", site]) == 0
    usage = {(r["equipment_id"], r["week"]): r for r in json.loads(capsys.readouterr().out)}
    for key, (hours, capacity) in _by_hand(site).items():
        assert (usage[key]["booked_h"], usage[key]["capacity_h"]) == pytest.approx(
            (hours, capacity)
        ), key
    assert sum(r["booked_h"] for r in usage.values()) == pytest.approx(
        sum(h for h, _ in _by_hand(site).values())
    )
