"""``site-manager booking`` and ``training`` on the textile mill (Europe/Rome: +01:00 in
December), as the issue's done-when states them: the booking id and exit 0, or one
``error:`` line naming the conflicting booking or the missing training and exit 2.

The mill's shared CNC router E001 (``cnc_router``) is bookable by members 08:00-20:00, for
at most 4 h, with an induction, at 10 EUR/h (``sample_sites/make_sample_sites.py``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from site_manager.cli import main

ROOT = Path(__file__).resolve().parents[2]
DAY = "2026-12-07"


@pytest.fixture
def db(tmp_path: Path) -> str:
    if not (ROOT / "sample_sites" / "textile_mill" / "site.toml").is_file():
        pytest.skip("sample site textile_mill not generated yet")
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    assert main(["sample", "load", "textile_mill", "--db", url]) == 0
    return url


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
    code, out, err = _make(capsys, db, "T002", "09:00", "11:00")
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and err.startswith("error: ")
    assert "tenant T002 has no valid training for cnc_router on 2026-12-07" in err
    assert "(--tenant)" in err
    code, out, _ = _run(capsys, "training", "grant", "--tenant", "T002", "--type",
                        "cnc_router", "--by", "workshop", "--db", db)  # fmt: skip
    assert code == 0 and "T002:cnc_router" in out
    code, out, err = _make(capsys, db, "T002", "09:00", "11:00")
    assert code == 0 and err == ""
    booking_id = out.strip()
    assert re.fullmatch(r"B-[0-9A-F]{8}", booking_id)
    # T003 is untrained too, but trained now is T002: the refusal names both problems
    code, out, err = _make(capsys, db, "T003", "10:30", "12:00")
    assert code == 2 and len(err.splitlines()) == 1
    assert f"by booking {booking_id} (tenant T002)" in err
    assert "an induction can be given by tenant T002 (trained)" in err
    code, out, _ = _run(capsys, "booking", "list", "--format", "csv", "--db", db)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["booking_id"] for r in rows] == [booking_id]
    assert (rows[0]["start"], rows[0]["end"]) == (f"{DAY}T09:00+01:00", f"{DAY}T11:00+01:00")
    assert {"booking_id", "equipment_id", "tenant_id", "start", "end"} <= set(rows[0])
    assert float(rows[0]["price_eur"]) == pytest.approx(2 * 10.0)  # 2 h at 10 EUR/h
    code, out, _ = _run(capsys, "booking", "cancel", booking_id, "--db", db)
    assert code == 0
    code, out, _ = _run(capsys, "booking", "list", "--format", "json", "--db", db)
    assert json.loads(out) == []
    code, out, _ = _run(capsys, "booking", "list", "--cancelled", "--format", "json", "--db", db)
    assert [r["booking_id"] for r in json.loads(out)] == [booking_id]


def test_outside_hours_and_too_long_name_their_options(db: str, capsys) -> None:
    _run(capsys, "training", "grant", "--tenant", "T002", "--type", "cnc_router", "--db", db)
    code, _, err = _make(capsys, db, "T002", "07:00", "12:00")
    assert code == 2 and len(err.splitlines()) == 1
    assert "08:00 to 20:00" in err and "(--start)" in err
    assert "lasts 5 h" in err and "at most 4 h" in err and "(--end)" in err


def test_training_list_and_an_unknown_site(db: str, capsys) -> None:
    _run(capsys, "training", "grant", "--tenant", "T002", "--type", "cnc_router",
         "--valid-until", "2030-01-31", "--db", db)  # fmt: skip
    code, out, _ = _run(capsys, "training", "list", "--format", "json", "--db", db)
    listed = json.loads(out)
    assert [(r["tenant_id"], r["equipment_type"]) for r in listed] == [("T002", "cnc_router")]
    assert listed[0]["valid_until"].startswith("2030-01-31")
    code, _, err = _run(capsys, "booking", "list", "--site", "nowhere", "--db", db)
    assert code == 2 and "nowhere" in err


def test_booking_usage_counts_the_booked_hours_of_the_week(db: str, capsys) -> None:
    _run(capsys, "training", "grant", "--tenant", "T002", "--type", "cnc_router", "--db", db)
    assert _make(capsys, db, "T002", "09:00", "12:00")[0] == 0
    code, out, _ = _run(capsys, "booking", "usage", "--format", "json", "--db", db)
    rows = {r["equipment_id"]: r for r in json.loads(out)}
    # 3 h in week 2026-W50 of 7 x 12 h (08:00-20:00)
    assert rows["E001"]["week"] == "2026-W50"
    assert (rows["E001"]["booked_h"], rows["E001"]["capacity_h"]) == (3.0, 84.0)
    assert rows["E001"]["status"] == "idle"
