"""Two processes booking the same machines at once never double-book one (issue 19).

Done-when: 1,000 random attempts on both backends (``-m slow``); the default run makes 200.
The bookings stored are pairwise disjoint per machine (checked by a query here, not by the
database); every refusal names a stored booking that really overlaps the attempt, or the
missing training of an untrained tenant on the machine that requires one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from site_manager import register
from site_manager.register.booking_schema import EquipmentBooking
from site_manager.register.schema import Equipment, Tenant

BOOKER = Path(__file__).with_name("_booker.py")
MACHINES = ["KILN", "PRESS"]
TENANTS = ["T1", "T2", "T3"]  # T3 holds no training for the kiln
ZONE = ZoneInfo("Europe/Berlin")
OVERLAP = re.compile(
    r"equipment (\w+) is already booked from (\S+) to (\S+) by booking (B-[0-9A-F]+) "
    r"\(tenant (T\d)\); choose a time that does not overlap it( \(refused by the database\))?"
)


def _run(db_url: str, small_model, attempts: int, tmp_dir: Path) -> dict:
    engine = register.open_register(db_url)
    register.create_site(engine, small_model, site_id="small", name="Small Works")
    register.set_site_settings(engine, time_zone="Europe/Berlin")
    for tid in TENANTS:
        register.add_tenant(engine, tid, name=f"Tenant {tid}")
    register.add_equipment(engine, "KILN", type="kiln", shared=True, booking_access="anyone",
                           induction_required=True)  # fmt: skip
    register.add_equipment(engine, "PRESS", type="press", shared=True, booking_access="anyone")
    for tid in ("T1", "T2"):
        register.grant_training(engine, tenant_id=tid, equipment_type="kiln")
    go = tmp_dir / "go"
    env = os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    procs = [subprocess.Popen([sys.executable, str(BOOKER), db_url, str(attempts // 2),
                               str(seed), str(go), ",".join(MACHINES), ",".join(TENANTS)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env) for seed in (1, 2)]  # fmt: skip
    for p in procs:
        assert p.stdout is not None
        assert p.stdout.readline().strip() == "ready", p.stderr.read() if p.stderr else ""
    go.touch()
    outputs = [p.communicate(timeout=900) for p in procs]
    for p, (_, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err[-2000:]
    records = [json.loads(line) for out, _ in outputs for line in out.splitlines()]
    with register.transaction(engine, readonly=True) as s:  # the stored bookings, by query
        stored = {bid: (eid, a, b, tid) for bid, eid, a, b, tid in s.execute(
            select(EquipmentBooking.booking_id, Equipment.equipment_id,
                   EquipmentBooking.start_at, EquipmentBooking.end_at, Tenant.tenant_id)
            .join(Equipment, Equipment.id == EquipmentBooking.equipment_pk)
            .join(Tenant, Tenant.id == EquipmentBooking.tenant_pk)
            .where(EquipmentBooking.cancelled_at.is_(None)))}  # fmt: skip
    engine.dispose()
    return {"records": records, "stored": stored}


def _instant(local: str) -> dt.datetime:
    return dt.datetime.fromisoformat(local).replace(tzinfo=ZONE).astimezone(dt.UTC)


def _check(result: dict, attempts: int) -> dict:
    records, stored = result["records"], result["stored"]
    assert len(records) == attempts
    made = [r for r in records if r["ok"]]
    refused = [r for r in records if not r["ok"]]
    assert sorted(r["booking_id"] for r in made) == sorted(stored)
    for machine in MACHINES:  # no two stored bookings of a machine overlap
        spans = sorted((a, b) for eid, a, b, _ in stored.values() if eid == machine)
        for (a1, b1), (a2, b2) in zip(spans, spans[1:], strict=False):
            assert b1 <= a2, f"{machine}: {a1}..{b1} overlaps {a2}..{b2}"
    by_db = untrained = 0
    for r in refused:
        a0, a1 = _instant(r["start"]), _instant(r["end"])
        named = OVERLAP.findall(r["message"])
        training = f"tenant {r['tenant']} has no valid training for kiln" in r["message"]
        assert named or training, r["message"]
        if training:  # only the untrained tenant on the machine that requires it
            assert (r["machine"], r["tenant"]) == ("KILN", "T3"), r
            untrained += 1
        for machine, start, end, bid, tenant, db in named:
            eid, s0, s1, holder = stored[bid]
            assert machine == eid == r["machine"] and tenant == holder
            assert (dt.datetime.fromisoformat(start), dt.datetime.fromisoformat(end)) == (s0, s1)
            assert s0 < a1 and a0 < s1, (r, bid)
            by_db += bool(db)
    assert made and refused
    # the untrained tenant is always refused the kiln
    assert not [r for r in made if (r["machine"], r["tenant"]) == ("KILN", "T3")]
    t0 = {seed: min(r["t0"] for r in records if r["seed"] == seed) for seed in (1, 2)}
    t1 = {seed: max(r["t1"] for r in records if r["seed"] == seed) for seed in (1, 2)}
    assert t0[1] < t1[2] and t0[2] < t1[1]  # they really raced
    return {"made": len(made), "refused": len(refused), "by_database": by_db,
            "untrained": untrained,
            "seconds": max(r["t1"] for r in records) - min(r["t0"] for r in records)}  # fmt: skip


def _report(db_url: str, figures: dict, attempts: int) -> None:
    sys.stderr.write(
        f"\nbooking race {db_url.split(':', 1)[0]}: {attempts} attempts in 2 processes, "
        f"{figures['made']} booked, {figures['refused']} refused ({figures['untrained']} "
        f"untrained, {figures['by_database']} by the database), no overlap, "
        f"{figures['seconds']:.1f} s\n"
    )


def test_two_processes_making_200_random_bookings_never_double_book(
    db_url: str, small_model, tmp_path: Path
) -> None:
    _report(db_url, _check(_run(db_url, small_model, 200, tmp_path), 200), 200)


@pytest.mark.slow
def test_two_processes_making_1000_random_bookings_never_double_book(
    db_url: str, small_model, tmp_path: Path
) -> None:
    _report(db_url, _check(_run(db_url, small_model, 1000, tmp_path), 1000), 1000)
