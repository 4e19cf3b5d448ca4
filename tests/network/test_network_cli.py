"""``site-manager network search|route`` on a hand-made register and on the docs' example."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_manager import network, register
from site_manager.cli import main

from .conftest import KM_PER_DEG, MONDAY

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(engine, add_site, tmp_path: Path) -> str:
    """A at 0°, B at 1° (111 km), C at 10° (1,112 km); a welder at B and C, design at A."""
    add_site("A", 0.0, ["TA"])
    add_site("B", 1.0, ["TB"])
    add_site("C", 10.0, ["TC"])
    register.add_skill(engine, "TA", "design", site="A")
    for site, price in (("B", 25), ("C", 5)):
        register.add_equipment(engine, "W1", site=site, type="welder",
                               owner_tenant_id=f"T{site}", open_from="08:00",
                               open_until="18:00", price_eur_per_h=price)  # fmt: skip
    register.make_booking(engine, equipment_id="W1", tenant_id="TB", site="B",
                          start=f"{MONDAY}T08:00", end=f"{MONDAY}T10:00")  # fmt: skip
    return str(engine.url)


def _job_file(tmp_path: Path, **kw) -> str:
    job = {"origin_site": "A", "window": {"start": f"{MONDAY}T08:00", "end": "2027-03-03T18:00"},
           "max_distance_km": 200, "transport_eur_per_km": 2.0,
           "steps": [{"id": "design", "needs": "design", "hours": 2},
                     {"id": "weld", "needs": "welder", "hours": 3}], **kw}  # fmt: skip
    path = tmp_path / "job.json"
    path.write_text(json.dumps(job), encoding="utf-8")
    return str(path)


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_route_json_prints_the_chain_with_steps_cost_and_finish(db, tmp_path, capsys) -> None:
    # the goods travel one degree (A to B) in one hour
    job = _job_file(tmp_path, transport_km_per_h=KM_PER_DEG)
    code, out, err = _run(capsys, "network", "route", job, "--format", "json", "--db", db)
    assert code == 0
    data = json.loads(out)
    assert data["unroutable"] == []
    [chain] = data["chains"]
    assert [(s["step"], s["tenant"], s["site"], s["start"], s["end"]) for s in chain["steps"]] == [
        ("design", "TA", "A", f"{MONDAY}T08:00+00:00", f"{MONDAY}T10:00+00:00"),
        ("weld", "TB", "B", f"{MONDAY}T11:00+00:00", f"{MONDAY}T14:00+00:00"),
    ]  # the design ends at 10:00 (the booking held the welder until then), an hour on the road
    assert chain["cost_eur"] == pytest.approx(2 * 45 + 3 * 25 + 2.0 * KM_PER_DEG, abs=0.01)
    assert chain["finish"] == f"{MONDAY}T14:00+00:00"


def test_route_table_with_an_unroutable_step_exits_1_with_the_reason(db, tmp_path, capsys) -> None:
    code, out, _ = _run(capsys, "network", "route", _job_file(tmp_path, max_distance_km=50),
                        "--db", db)  # fmt: skip
    assert code == 1
    assert "unroutable:" in out and "weld" in out and "beyond max_distance_km 50 km" in out


def test_a_bad_job_file_is_one_error_line_and_exit_2(db, tmp_path, capsys) -> None:
    code, out, err = _run(capsys, "network", "route", _job_file(tmp_path, origin_site="Z"),
                          "--db", db)  # fmt: skip
    assert (code, out) == (2, "")
    assert err.startswith("error: job file: origin_site 'Z'") and len(err.splitlines()) == 1


def test_search_lists_machines_within_reach_with_their_free_hours(db, engine, capsys) -> None:
    register.add_equipment(engine, "W0", site="A", type="welder", shared=False)  # nobody's
    code, out, _ = _run(capsys, "network", "search", "--needs", "welder", "--from-site", "A",
                        "--max-distance-km", "200", "--start", f"{MONDAY}T00:00", "--until",
                        "2027-03-03T00:00", "--format", "json", "--db", db)  # fmt: skip
    assert code == 0
    own, row = json.loads(out)  # by distance; C is 1,112 km away
    assert (own["site_id"], own["equipment_id"], own["tenants"], own["distance_km"]) == (
        "A", "W0", "", 0.0)  # fmt: skip
    assert own["note"] == "no tenant may use it: not shared and owned by no tenant"
    assert own["free_h"] == pytest.approx(48.0)  # no opening hours: all day, two days
    assert (row["site_id"], row["kind"], row["equipment_id"], row["tenants"], row["note"]) == (
        "B", "machine", "W1", "TB", "")  # fmt: skip
    assert row["distance_km"] == pytest.approx(KM_PER_DEG, abs=0.05)
    assert row["free_h"] == pytest.approx(2 * 10 - 2)  # two days 08-18, less the booking
    assert row["price_eur_per_h"] == 25
    code, out, _ = _run(capsys, "network", "search", "--needs", "welder", "--format", "json",
                        "--db", db)  # fmt: skip
    assert sorted(r["site_id"] for r in json.loads(out)) == ["A", "B", "C"]


def test_the_documented_example_job_routes_through_the_textile_mill(tmp_path, capsys) -> None:
    if not (ROOT / "sample_sites" / "textile_mill" / "site.toml").is_file():
        pytest.skip("sample site textile_mill not generated yet")
    url = f"sqlite:///{tmp_path / 'mill.sqlite'}"
    assert main(["sample", "load", "textile_mill", "--db", url]) == 0
    capsys.readouterr()
    job_path = ROOT / "docs" / "examples" / "job.json"
    code, out, _ = _run(capsys, "network", "route", str(job_path), "--format", "json",
                        "--db", url)  # fmt: skip
    assert code == 0
    data = json.loads(out)
    job = network.load_job(job_path)
    assert data["unroutable"] == [] and len(data["chains"]) == 3
    for chain in data["chains"]:
        assert [s["step"] for s in chain["steps"]] == [s.id for s in job.steps]
        assert {s["site"] for s in chain["steps"]} == {"textile_mill"}
        hours = {s.id: s.hours for s in job.steps}
        labour = sum(hours[s["step"]] * s["price_eur_per_h"] for s in chain["steps"])
        assert chain["cost_eur"] == pytest.approx(labour, abs=0.01)  # no hop: one site
    costs = [(c["cost_eur"], c["finish"]) for c in data["chains"]]
    assert costs == sorted(costs)
