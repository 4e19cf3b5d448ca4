"""``site-manager booking`` and ``training`` on the textile mill (Europe/Rome: +01:00 in
December), as the issue's done-when states them: the booking id and exit 0, or one
``error:`` line naming the conflicting booking or the missing training and exit 2.

The mill's shared CNC router E001 (``cnc_router``) is bookable by members 08:00-20:00, for
at most 4 h, with an induction, at 10 EUR/h (``sample_sites/make_sample_sites.py``). The
sample's own trainings and bookings (``trainings.csv``, ``bookings.csv``) are read here:
the tests book on a day the sample leaves E001 free, as members it has not trained.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest

from site_manager.cli import main

ROOT = Path(__file__).resolve().parents[2]
MILL = ROOT / "sample_sites" / "textile_mill"


def _rows(name: str) -> list[dict[str, str]]:
    path = MILL / name
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _free_day() -> dt.date:
    """The first day from 2026-12-07 on which the sample books nothing on E001."""
    booked = {r["start"][:10] for r in _rows("bookings.csv") if r["equipment_id"] == "E001"}
    day = dt.date(2026, 12, 7)
    while day.isoformat() in booked:
        day += dt.timedelta(days=1)
    return day


DAY = _free_day().isoformat()
#: Members on DAY (a lease running) the sample has not trained on cnc_router, by id.
TRAINED = sorted({r["tenant_id"] for r in _rows("trainings.csv")
                  if r["equipment_type"] == "cnc_router"})  # fmt: skip
UNTRAINED = sorted({r["tenant_id"] for r in _rows("leases.csv")
                    if r["start"] <= DAY <= r["end"]} - set(TRAINED))  # fmt: skip
FIRST, SECOND = UNTRAINED[:2] if len(UNTRAINED) >= 2 else ("", "")


@pytest.fixture
def db(tmp_path: Path) -> str:
    if not (MILL / "site.toml").is_file():
        pytest.skip("sample site textile_mill not generated yet")
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    assert main(["sample", "load", "textile_mill", "--db", url]) == 0
    return url


def _week(start: str) -> tuple[int, int]:
    return dt.date.fromisoformat(start[:10]).isocalendar()[:2]


def _hours(row: dict[str, str]) -> float:
    start, end = (dt.datetime.fromisoformat(row[k]) for k in ("start", "end"))
    return (end - start).total_seconds() / 3600


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _make(capsys, db: str, tenant: str, start: str, end: str) -> tuple[int, str, str]:
    return _run(capsys, "booking", "make", "--equipment", "E001", "--tenant", tenant,
                "--start", f"{DAY}T{start}", "--end", f"{DAY}T{end}", "--db", db)  # fmt: skip


def test_untrained_refused_trained_booked_overlap_refused_naming_the_booking(
    db: str, capsys
) -> None:
    sample_ids = sorted(r["booking_id"] for r in _rows("bookings.csv"))
    code, out, err = _make(capsys, db, FIRST, "09:00", "11:00")
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and err.startswith("error: ")
    assert f"tenant {FIRST} has no valid training for cnc_router on {DAY}" in err
    assert "(--tenant)" in err
    code, out, _ = _run(capsys, "training", "grant", "--tenant", FIRST, "--type",
                        "cnc_router", "--by", "workshop", "--db", db)  # fmt: skip
    assert code == 0 and f"{FIRST}:cnc_router" in out
    code, out, err = _make(capsys, db, FIRST, "09:00", "11:00")
    assert code == 0 and err == ""
    booking_id = out.strip()
    assert re.fullmatch(r"B-[0-9A-F]{8}", booking_id)
    # SECOND is untrained too, and FIRST holds the time now: the refusal names both problems
    code, out, err = _make(capsys, db, SECOND, "10:30", "12:00")
    assert code == 2 and len(err.splitlines()) == 1
    assert f"by booking {booking_id} (tenant {FIRST})" in err
    helpers = ", ".join(f"tenant {t} (trained)" for t in sorted([*TRAINED, FIRST]))
    assert f"an induction can be given by {helpers}" in err
    code, out, _ = _run(capsys, "booking", "list", "--format", "csv", "--db", db)
    rows = {r["booking_id"]: r for r in csv.DictReader(io.StringIO(out))}
    assert sorted(rows) == sorted([*sample_ids, booking_id])
    mine = rows[booking_id]
    assert (mine["start"], mine["end"]) == (f"{DAY}T09:00+01:00", f"{DAY}T11:00+01:00")
    assert {"booking_id", "equipment_id", "tenant_id", "start", "end"} <= set(mine)
    assert float(mine["price_eur"]) == pytest.approx(2 * 10.0)  # 2 h at 10 EUR/h
    code, out, _ = _run(capsys, "booking", "cancel", booking_id, "--db", db)
    assert code == 0
    code, out, _ = _run(capsys, "booking", "list", "--format", "json", "--db", db)
    assert sorted(r["booking_id"] for r in json.loads(out)) == sample_ids
    code, out, _ = _run(capsys, "booking", "list", "--cancelled", "--format", "json", "--db", db)
    listed = json.loads(out)
    assert sorted(r["booking_id"] for r in listed) == sorted([*sample_ids, booking_id])
    assert [r["booking_id"] for r in listed if r["cancelled_at"]] == [booking_id]


def test_outside_hours_and_too_long_name_their_options(db: str, capsys) -> None:
    _run(capsys, "training", "grant", "--tenant", FIRST, "--type", "cnc_router", "--db", db)
    code, _, err = _make(capsys, db, FIRST, "07:00", "12:00")
    assert code == 2 and len(err.splitlines()) == 1
    assert "08:00 to 20:00" in err and "(--start)" in err
    assert "lasts 5 h" in err and "at most 4 h" in err and "(--end)" in err


def test_training_list_and_an_unknown_site(db: str, capsys) -> None:
    _run(capsys, "training", "grant", "--tenant", FIRST, "--type", "cnc_router",
         "--valid-until", "2030-01-31", "--db", db)  # fmt: skip
    code, out, _ = _run(capsys, "training", "list", "--format", "json", "--db", db)
    listed = {(r["tenant_id"], r["equipment_type"]): r for r in json.loads(out)}
    sample = {(r["tenant_id"], r["equipment_type"]) for r in _rows("trainings.csv")}
    assert set(listed) == sample | {(FIRST, "cnc_router")}
    assert listed[FIRST, "cnc_router"]["valid_until"].startswith("2030-01-31")
    code, _, err = _run(capsys, "booking", "list", "--site", "nowhere", "--db", db)
    assert code == 2 and "nowhere" in err


def test_booking_usage_counts_the_booked_hours_of_the_week(db: str, capsys) -> None:
    _run(capsys, "training", "grant", "--tenant", FIRST, "--type", "cnc_router", "--db", db)
    assert _make(capsys, db, FIRST, "09:00", "12:00")[0] == 0
    code, out, _ = _run(capsys, "booking", "usage", "--format", "json", "--db", db)
    iso = dt.date.fromisoformat(DAY).isocalendar()
    week = f"{iso.year}-W{iso.week:02d}"
    rows = {(r["equipment_id"], r["week"]): r for r in json.loads(out)}
    # the sample's hours on E001 in DAY's week and these 3 h, of 7 x 12 h (08:00-20:00)
    sample_h = sum(_hours(r) for r in _rows("bookings.csv") if r["equipment_id"] == "E001"
                   and _week(r["start"]) == iso[:2])  # fmt: skip
    row = rows["E001", week]
    assert (row["booked_h"], row["capacity_h"]) == (sample_h + 3.0, 84.0)
    share = (sample_h + 3.0) / 84.0
    assert row["status"] == ("saturated" if share > 0.8 else "idle" if share < 0.1 else "")
