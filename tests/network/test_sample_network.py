"""The documented sample job (``docs/examples/job_two_sites.json``) routed by ``network route``
on a register holding the textile mill and the Officina Macrolotto, 2.8 km apart in Prato.

Every expected value comes from the samples' CSV files and the job file, read here with the
csv module: who alone holds the skill or owns the machine a step needs, the shared welding
set's bookings (full Monday to Saturday in the job's week, so the weld waits for Sunday),
the prices; and the distance between the sites by the spherical law of cosines (the router
uses the haversine formula).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_manager import register
from site_manager.assumptions import DEFAULT_TRANSPORT_KM_PER_H
from site_manager.cli import main

ROOT = Path(__file__).resolve().parents[2]
JOB_FILE = ROOT / "docs" / "examples" / "job_two_sites.json"
JOB = json.loads(JOB_FILE.read_text(encoding="utf-8"))
MILL, SHED = "textile_mill", "officina_macrolotto"
R_KM = 6371.0088


def _rows(site: str, name: str) -> list[dict[str, str]]:
    with (ROOT / "sample_sites" / site / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, float]]:
    """The register of the two Prato samples, and the distance between them [km]."""
    url = f"sqlite:///{tmp_path_factory.mktemp('prato') / 'r.sqlite'}"
    engine = register.open_register(url)
    for name in (MILL, SHED):
        register.load_sample(engine, name)
    (la1, lo1), (la2, lo2) = (
        (math.radians(s["latitude_deg"]), math.radians(s["longitude_deg"]))
        for s in (register.frames(engine, n).site for n in (MILL, SHED))
    )
    engine.dispose()
    cos_c = math.sin(la1) * math.sin(la2) + math.cos(la1) * math.cos(la2) * math.cos(lo2 - lo1)
    yield url, R_KM * math.acos(cos_c)


def _route(capsys, url: str, job: dict, tmp_path: Path) -> tuple[int, dict]:
    path = tmp_path / "job.json"
    path.write_text(json.dumps(job), encoding="utf-8")
    code = main(["network", "route", str(path), "--format", "json", "--db", url])
    return code, json.loads(capsys.readouterr().out)


def test_the_sample_job_needs_both_prato_sites_and_is_routed_across_them(db, tmp_path, capsys):
    url, km = db
    assert 2.5 < km < 3.2 and km < JOB["max_distance_km"]
    code, out = _route(capsys, url, JOB, tmp_path)
    assert code == 0 and out["unroutable"] == []
    best = out["chains"][0]
    steps = {s["step"]: s for s in best["steps"]}

    # who alone can do each step, read from the samples' files
    def holders(site: str, skill: str) -> list[str]:
        return [r["tenant_id"] for r in _rows(site, "skills") if r["skill"] == skill]

    machines = {(s, r["equipment_id"]): r for s in (MILL, SHED) for r in _rows(s, "equipment")}
    [laser] = [k for k, r in machines.items() if r["type"] == "fiber_laser_cutter"]
    [booth] = [k for k, r in machines.items() if r["type"] == "powder_coating_booth"]
    welders = [k for k, r in machines.items() if r["type"] == "welding_set"]
    trained = {(s, r["tenant_id"]) for s in (MILL, SHED) for r in _rows(s, "trainings")
               if r["equipment_type"] == "welding_set"}  # fmt: skip
    # the mill's welding set needs an induction nobody at the mill holds: the shed's it is
    assert [s for s, _ in welders] == [MILL, SHED] and {s for s, _ in trained} == {SHED}
    weld_set = welders[1]
    assert (holders(MILL, "product design"), holders(SHED, "product design")) == ([], ["T004"])
    assert (holders(MILL, "upholstery"), holders(SHED, "upholstery")) == (["T021"], [])
    expected = {
        "design": (SHED, "T004", None),
        "cut": (SHED, machines[laser]["owner_tenant_id"], laser[1]),
        "weld": (SHED, min(t for s, t in trained if s == SHED), weld_set[1]),
        "coat": (SHED, machines[booth]["owner_tenant_id"], booth[1]),
        "upholster": (MILL, "T021", None),
    }
    assert {k: (s["site"], s["tenant"], s["equipment"]) for k, s in steps.items()} == expected
    assert laser[0] == booth[0] == SHED

    # the times: the welding set is booked all its opening hours Monday to Saturday
    monday = dt.date.fromisoformat(JOB["window"]["start"][:10])
    weld = machines[weld_set]
    day_h = int(weld["open_until"][:2]) - int(weld["open_from"][:2])
    booked: dict[dt.date, float] = {}
    for r in _rows(SHED, "bookings"):
        if r["equipment_id"] == weld_set[1]:
            a, b = dt.datetime.fromisoformat(r["start"]), dt.datetime.fromisoformat(r["end"])
            booked[a.date()] = booked.get(a.date(), 0.0) + (b - a).total_seconds() / 3600
    sunday = monday + dt.timedelta(days=6)
    assert all(booked.get(monday + dt.timedelta(days=d)) == day_h for d in range(6))
    assert sunday not in booked
    travel = dt.timedelta(minutes=round(km / DEFAULT_TRANSPORT_KM_PER_H * 60))
    opens = dt.datetime.combine(sunday, dt.time.fromisoformat(weld["open_from"]))
    mon = dt.datetime.combine(monday, dt.time(8))
    h = dt.timedelta(hours=1)
    times = {
        "design": (mon, mon + 4 * h),  # 4 h from the window's start
        "cut": (mon + 4 * h, mon + 7 * h),  # the laser (no opening hours) right after
        "weld": (opens, opens + 3 * h),  # the first free 3 h of the welding set: Sunday
        "coat": (opens + 3 * h, opens + 5 * h),  # the booth (no opening hours) right after
        "upholster": (opens + 5 * h + travel, opens + 9 * h + travel),  # 2.8 km on the road
    }
    got = {k: tuple(dt.datetime.fromisoformat(s[x]).replace(tzinfo=None) for x in ("start", "end"))
           for k, s in steps.items()}  # fmt: skip
    assert got == times
    assert {s["start"][-6:] for s in steps.values()} == {"+01:00"}  # Rome, in winter
    assert best["finish"] == steps["upholster"]["end"]
    assert {k: s["hours"] for k, s in steps.items()} == {s["id"]: s["hours"] for s in JOB["steps"]}

    # the cost: hours x the machine's price or the job's, and 1.5 EUR/km for the one hop
    price = JOB["eur_per_hour"]
    labour = (4 * price["product design"] + 3 * price["fiber_laser_cutter"]
              + 3 * float(weld["price_eur_per_h"]) + 2 * float(machines[booth]["price_eur_per_h"])
              + 4 * price["upholstery"])  # fmt: skip
    assert steps["upholster"]["hop_km"] == pytest.approx(km, abs=0.05)
    assert sum(s["hop_km"] for s in steps.values()) == pytest.approx(km, abs=0.05)
    assert best["distance_km"] == pytest.approx(km, abs=0.05)
    assert best["transport_eur"] == pytest.approx(JOB["transport_eur_per_km"] * km, abs=0.01)
    assert best["cost_eur"] == pytest.approx(labour + JOB["transport_eur_per_km"] * km, abs=0.01)


def test_below_the_distance_between_the_sites_the_upholstery_is_unroutable(db, tmp_path, capsys):
    url, km = db
    limit = math.floor(km)  # 2 km: the mill lies beyond it
    code, out = _route(capsys, url, {**JOB, "max_distance_km": limit}, tmp_path)
    assert code == 1 and out["chains"] == []
    [why] = out["unroutable"]
    assert (why["step"], why["needs"]) == ("upholster", "upholstery")
    assert f"beyond max_distance_km {limit} km" in why["reason"]
    assert f"the nearest at {km:.0f} km" in why["reason"]
