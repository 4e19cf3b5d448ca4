"""Two processes signing leases on the same units at once never double-book a unit.

Done-when of the register issue: 1,000 random attempts on both backends (``-m slow``); the
default run makes 200. Every refusal must carry a reason that names the unit and a lease
that really overlaps the attempt; the leases stored must be pairwise disjoint per unit.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from site_manager import register

SIGNER = Path(__file__).with_name("_signer.py")
UNITS = ["U1", "U2", "U3", "U4"]
TENANTS = ["T1", "T2", "T3"]
REASON = re.compile(
    r"^unit (U\d) is already leased from (\d{4}-\d\d-\d\d) to (\d{4}-\d\d-\d\d) by lease "
    r"(L-[0-9A-F]+) \(tenant (T\d)\); choose dates that do not overlap it"
    r"( \(refused by the database\))?$"
)


def _run(db_url: str, small_model, attempts: int, tmp_dir: Path) -> dict:
    engine = register.open_register(db_url)
    register.create_site(engine, small_model, site_id="small", name="Small Works")
    for uid, gid in zip(UNITS, ["SP-G01", "SP-G02", "SP-G03", "SP-101"], strict=True):
        register.define_unit(engine, uid, [gid])
    for tid in TENANTS:
        register.add_tenant(engine, tid, name=f"Tenant {tid}")
    go = Path(tmp_dir) / "go"
    env = os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(SIGNER),
                db_url,
                str(attempts // 2),
                str(seed),
                str(go),
                ",".join(UNITS),
                ",".join(TENANTS),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )  # fmt: skip
        for seed in (1, 2)
    ]
    for p in procs:  # wait until both are connected, then let them go together
        assert p.stdout is not None
        assert p.stdout.readline().strip() == "ready", p.stderr.read() if p.stderr else ""
    go.touch()
    outputs = [p.communicate(timeout=600) for p in procs]
    for p, (_, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err[-2000:]
    records = [json.loads(line) for out, _ in outputs for line in out.splitlines()]
    leases = register.list_leases(engine)
    engine.dispose()
    return {"records": records, "leases": leases}


def _check(result: dict, attempts: int) -> dict:
    records, leases = result["records"], result["leases"]
    assert len(records) == attempts
    signed = [r for r in records if r["ok"]]
    refused = [r for r in records if not r["ok"]]
    # the two processes really ran at the same time
    spans = {
        seed: (
            min(r["t0"] for r in records if r["seed"] == seed),
            max(r["t1"] for r in records if r["seed"] == seed),
        )
        for seed in (1, 2)
    }
    assert spans[1][0] < spans[2][1] and spans[2][0] < spans[1][1]
    # every signed lease is stored, and nothing else is
    assert sorted(r["lease_id"] for r in signed) == sorted(leases["lease_id"])
    # no two stored leases of a unit share a day (checked here, not by the database)
    for uid, group in leases.groupby("unit_id"):
        spans_u = sorted(zip(group["start"], group["end"], strict=True))
        for (s1, e1), (s2, e2) in zip(spans_u, spans_u[1:], strict=False):
            assert e1 < s2, f"unit {uid}: {s1}..{e1} overlaps {s2}..{e2}"
    # every refusal names the unit and a stored lease that really overlaps the attempt
    stored = {row.lease_id: row for row in leases.itertuples()}
    by_db = 0
    for r in refused:
        assert r["error"] == "RegisterError", r
        m = REASON.match(r["message"])
        assert m, r["message"]
        unit, start, end, lease_id, tenant, db = m.groups()
        assert unit == r["unit"]
        other = stored[lease_id]
        assert (other.unit_id, other.tenant_id) == (unit, tenant)
        assert (other.start.isoformat(), other.end.isoformat()) == (start, end)
        a0, a1 = dt.date.fromisoformat(r["start"]), dt.date.fromisoformat(r["end"])
        assert other.start <= a1 and a0 <= other.end
        by_db += bool(db)
    assert signed and refused
    return {
        "signed": len(signed),
        "refused": len(refused),
        "refused_by_database": by_db,
        "seconds": max(r["t1"] for r in records) - min(r["t0"] for r in records),
    }


def _report(db_url: str, figures: dict, attempts: int) -> None:
    backend = db_url.split(":", 1)[0]
    sys.stderr.write(
        f"\nconcurrency {backend}: {attempts} attempts in 2 processes, {figures['signed']} "
        f"signed, {figures['refused']} refused ({figures['refused_by_database']} by the "
        f"database), no overlap, {figures['seconds']:.1f} s "
        f"({attempts / figures['seconds']:.0f} attempts/s)\n"
    )


def test_two_processes_signing_200_random_leases_never_double_book_a_unit(
    db_url: str, small_model, tmp_path: Path
) -> None:
    figures = _check(_run(db_url, small_model, 200, tmp_path), 200)
    _report(db_url, figures, 200)


@pytest.mark.slow
def test_two_processes_signing_1000_random_leases_never_double_book_a_unit(
    db_url: str, small_model, tmp_path: Path
) -> None:
    figures = _check(_run(db_url, small_model, 1000, tmp_path), 1000)
    _report(db_url, figures, 1000)
