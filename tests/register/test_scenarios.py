"""Layout scenarios: saved with figures worked out by hand, compared, committed as leases.

The site is the small workshop (units U1 200 m², U2 100 m², U3 150 m², U4 96 m²; U1 shares
walls with U2 and U3); three applicants are imported into the register and the problem is
written by hand with the same areas.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from site_manager import register
from site_manager.errors import NotFoundError, RegisterError, ValidationError
from site_manager.layout.problem import problem_from_dict
from site_manager.layout.scenarios import (
    commit_scenario,
    compare_scenarios,
    first_of_next_month,
    get_scenario,
    list_scenarios,
    save_scenario,
    scenario_figures,
    scenario_leases,
    term_end,
)
from site_manager.register import access

COMMITTER = Path(__file__).with_name("_scenario_committer.py")
AREAS = {"U1": 200.0, "U2": 100.0, "U3": 150.0, "U4": 96.0}
SPACES = {"U1": "SP-G01", "U2": "SP-G02", "U3": "SP-G03", "U4": "SP-101"}
APPLICANTS_CSV = (
    "applicant_id,name,area_min_m2,area_max_m2,rent_eur_per_m2_month,provides,needs,headcount\n"
    "A1,Laser Lab,150,250,10,laser,,4\n"
    "A2,Print Shop,80,120,7.5,,laser,\n"
    "A3,Weavers,140,160,6.25,,,2\n"
    "A4,Bikes,90,110,5,,,1\n"
)


def _problem() -> object:
    unit = {"height": 4.0, "load": 5.0, "power": 10.0}
    return problem_from_dict({
        "units": [{"id": u, "area": a, **unit} for u, a in AREAS.items()],
        "adjacency": [["U1", "U2"], ["U1", "U3"]],
        "applicants": [
            {"id": "A1", "area_min": 150, "area_max": 250, "rent_per_m2": 10.0,
             "provides": ["laser"]},
            {"id": "A2", "area_min": 80, "area_max": 120, "rent_per_m2": 7.5, "needs": ["laser"]},
            {"id": "A3", "area_min": 140, "area_max": 160, "rent_per_m2": 6.25},
            {"id": "A4", "area_min": 90, "area_max": 110, "rent_per_m2": 5.0},
        ],
        "parameters": {"synergy": {"laser": 40}},
    })  # fmt: skip


@pytest.fixture
def site(db_url: str, small_model, tmp_path: Path):
    engine = register.open_register(db_url)
    register.create_site(engine, small_model, site_id="small", name="Small Works")
    for uid, gid in SPACES.items():
        register.define_unit(engine, uid, [gid])
    csv = tmp_path / "applicants.csv"
    csv.write_text(APPLICANTS_CSV, encoding="utf-8")
    register.import_table(engine, "applicants", csv)
    yield engine
    engine.dispose()


def test_the_small_site_has_the_areas_the_problem_uses(site) -> None:
    units = register.list_units(site).set_index("unit_id")["area_m2"].to_dict()
    assert units == AREAS


def test_figures_of_a_layout_are_the_sums_worked_out_by_hand() -> None:
    problem = _problem()
    f = scenario_figures(problem, {"A1": ["U1"], "A2": ["U2"]}, headcounts={"A1": 4, "A2": None})
    # rent 10 × 200 + 7.5 × 100; A2 needs a laser and A1 next door has one: 40
    assert f["rent_eur_per_month"] == 2000 + 750
    assert f["occupancy_by_area_pct"] == pytest.approx(round(300 / 546 * 100, 2))
    assert (f["applicants_placed"], f["applicants"]) == (2, 4)
    assert f["synergy_eur_per_month"] == 40.0
    assert (f["jobs"], f["jobs_unknown"], f["rule_warnings"]) == (4, 1, 0)
    # 6.25 × 150 = 937.5 rounds half up to 938; U2 is not beside U3: no synergy
    g = scenario_figures(problem, {"A3": ["U3"], "A2": ["U2"]})
    assert g["rent_eur_per_month"] == 938 + 750
    assert g["synergy_eur_per_month"] == 0.0
    assert g["occupancy_by_area_pct"] == pytest.approx(round(250 / 546 * 100, 2))


def test_a_layout_that_breaks_a_rule_counts_a_warning() -> None:
    # A4 wants 90-110 m²: U1 (200 m²) does not fit it
    assert scenario_figures(_problem(), {"A4": ["U1"]})["rule_warnings"] == 1


def test_an_assignment_naming_what_is_not_in_the_problem_is_refused() -> None:
    with pytest.raises(ValidationError, match="unit 'U9' is not in the problem"):
        scenario_figures(_problem(), {"A1": ["U9"]})
    with pytest.raises(ValidationError, match="applicant 'A9' is not in the problem"):
        scenario_figures(_problem(), {"A9": ["U1"]})


def test_a_two_unit_lets_leases_add_up_to_the_lets_rounded_rent() -> None:
    problem = problem_from_dict({
        "units": [{"id": u, "area": 10.5, "height": 3, "load": 5, "power": 5} for u in "XY"],
        "adjacency": [["X", "Y"]],
        "applicants": [{"id": "A", "area_min": 20, "area_max": 22, "rent_per_m2": 1.0}],
    })  # fmt: skip
    leases = scenario_leases(problem, {"A": ["X", "Y"]})
    # 1.0 × 21 m² = 21 EUR; rounding each half (10.5 → 11) would make 22
    assert [le.rent_eur_per_month for le in leases] == [11.0, 10.0]


def test_the_default_term_is_three_years_from_the_first_of_next_month() -> None:
    assert first_of_next_month(dt.date(2026, 12, 5)) == dt.date(2027, 1, 1)
    assert first_of_next_month(dt.date(2027, 1, 31)) == dt.date(2027, 2, 1)
    assert term_end(dt.date(2027, 1, 1), 3) == dt.date(2029, 12, 31)
    assert term_end(dt.date(2028, 2, 29), 1) == dt.date(2029, 2, 28)
    with pytest.raises(ValidationError):
        term_end(dt.date(2027, 1, 1), 0)


def test_saved_scenarios_are_listed_read_back_and_compared(site) -> None:
    problem = _problem()
    save_scenario(site, None, "laser pair", problem, {"A1": ["U1"], "A2": ["U2"]},
                  author="ana", parameters={"time_limit": 5})  # fmt: skip
    save_scenario(site, "small", "weavers", problem, {"A3": ["U3"], "A2": ["U2"]}, author="ben")
    listed = list_scenarios(site)
    assert list(listed["name"]) == ["laser pair", "weavers"]
    assert list(listed["applicants_placed"]) == [2, 2]
    sc = get_scenario(site, None, "laser pair")
    assert (sc.author, sc.parameters, sc.assignment) == (
        "ana", {"time_limit": 5}, {"A1": ["U1"], "A2": ["U2"]})  # fmt: skip
    assert sc.problem == problem
    assert sc.figures["jobs"] == 4  # A1's headcount from the register; A2 gave none
    table = compare_scenarios(site, None, ["weavers", "laser pair"])
    assert list(table["name"]) == ["weavers", "laser pair"]
    assert list(table["rent_eur_per_month"]) == [938 + 750, 2000 + 750]
    assert list(table["synergy_eur_per_month"]) == [0.0, 40.0]
    assert list(table["jobs"]) == [2, 4]


def test_a_name_is_saved_once_and_an_unknown_one_is_named(site) -> None:
    save_scenario(site, None, "one", _problem(), {"A1": ["U1"]})
    with pytest.raises(RegisterError, match="scenario 'one' already exists"):
        save_scenario(site, None, "one", _problem(), {"A3": ["U3"]})
    with pytest.raises(NotFoundError, match="scenario 'two' is not in site small; known: one"):
        get_scenario(site, None, "two")


def test_commit_signs_every_lease_turns_applicants_into_tenants_and_is_audited(site) -> None:
    save_scenario(site, None, "s", _problem(), {"A1": ["U1"], "A3": ["U3"]}, author="ana")
    revision = register.get_revision(site)
    signed = commit_scenario(site, None, "s", start=dt.date(2027, 3, 1), years=2, actor="ana")
    leases = register.list_leases(site).set_index("lease_id")
    assert sorted(leases.index) == sorted(signed["lease_id"])
    by_unit = leases.set_index("unit_id")
    assert by_unit.loc["U1", "tenant_id"] == "A1" and by_unit.loc["U3", "tenant_id"] == "A3"
    assert by_unit.loc["U1", "rent_eur_per_month"] == 10 * 200
    assert by_unit.loc["U3", "rent_eur_per_month"] == 938  # 937.5 half up
    assert set(by_unit["start"]) == {dt.date(2027, 3, 1)}
    assert set(by_unit["end"]) == {dt.date(2029, 2, 28)}
    tenants = register.list_tenants(site).set_index("tenant_id")
    assert tenants.loc["A1", "name"] == "Laser Lab" and tenants.loc["A1", "headcount"] == 4
    assert tenants.loc["A3", "joined"] == dt.date(2027, 3, 1)
    assert sorted(register.list_applicants(site)["applicant_id"]) == ["A2", "A4"]
    assert register.get_revision(site) == revision + 1  # one transaction
    audit = register.get_audit(site)
    assert set(audit.loc[audit["table"] == "leases", "record"]) == set(signed["lease_id"])
    assert set(audit.loc[audit["table"] == "tenants", "record"]) == {"A1", "A3"}
    assert list(list_scenarios(site)["committed_by"]) == ["ana"]
    with pytest.raises(RegisterError, match="scenario s was committed on"):
        commit_scenario(site, None, "s", start=dt.date(2027, 3, 1))


def _nothing_written(engine, leases_before: int) -> None:
    assert len(register.list_leases(engine)) == leases_before
    assert register.list_tenants(engine).empty
    assert len(register.list_applicants(engine)) == 4


def test_commit_is_refused_whole_naming_the_unit_and_the_lease_when_a_unit_was_let(site) -> None:
    save_scenario(site, None, "s", _problem(), {"A1": ["U1"], "A2": ["U2"]})
    register.add_tenant(site, "T9", name="Someone")
    other = register.sign_lease(site, unit_id="U2", tenant_id="T9", start="2028-01-01",
                                end="2028-12-31", rent_eur_per_month=100)  # fmt: skip
    with pytest.raises(RegisterError) as err:
        commit_scenario(site, None, "s", start=dt.date(2027, 6, 1))
    message = str(err.value)
    assert "(unit U2 to applicant A2)" in message and f"by lease {other}" in message
    assert "U1" not in message  # U1 is free: only the unit in the way is named
    assert len(register.list_leases(site)) == 1
    assert register.list_tenants(site)["tenant_id"].tolist() == ["T9"]
    assert len(register.list_applicants(site)) == 4
    # after that lease's term the same scenario commits
    commit_scenario(site, None, "s", start=dt.date(2029, 1, 1), years=1)


def test_commit_is_refused_when_a_unit_was_retired_or_an_applicant_is_gone(site) -> None:
    save_scenario(site, None, "first", _problem(), {"A1": ["U1"]})
    save_scenario(site, None, "again", _problem(), {"A1": ["U4"], "A4": ["U2"]})
    save_scenario(site, None, "retired", _problem(), {"A3": ["U4"]})
    register.retire_unit(site, "U4", on="2027-06-01")
    with pytest.raises(ValidationError, match="unit U4 was retired on 2027-06-01"):
        commit_scenario(site, None, "retired", start=dt.date(2027, 1, 1))
    _nothing_written(site, 0)
    commit_scenario(site, None, "first", start=dt.date(2027, 1, 1))
    with pytest.raises(NotFoundError, match="applicant A1 is no longer an applicant"):
        commit_scenario(site, None, "again", start=dt.date(2026, 1, 1), years=1)
    assert sorted(register.list_applicants(site)["applicant_id"]) == ["A2", "A3", "A4"]


def test_commit_is_refused_when_a_units_area_changed(site) -> None:
    save_scenario(site, None, "s", _problem(), {"A4": ["U2"]})
    register.define_unit(site, "U2", ["SP-G02"], area_m2=90.0)
    with pytest.raises(ValidationError, match="unit U2 now has 90.0 m², the scenario let 100.0"):
        commit_scenario(site, None, "s")
    _nothing_written(site, 0)


def test_two_processes_committing_conflicting_scenarios_one_wins_the_other_names_the_unit(
    site, db_url: str, tmp_path: Path
) -> None:
    problem = _problem()
    save_scenario(site, None, "left", problem, {"A1": ["U1"], "A2": ["U2"]})
    save_scenario(site, None, "right", problem, {"A3": ["U3"], "A4": ["U2"]})
    go = tmp_path / "go"
    env = os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    procs = [subprocess.Popen([sys.executable, str(COMMITTER), db_url, name, str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for name in ("left", "right")]  # fmt: skip
    for p in procs:
        assert p.stdout is not None
        assert p.stdout.readline().strip() == "ready", p.stderr.read() if p.stderr else ""
    go.touch()
    outputs = [p.communicate(timeout=300) for p in procs]
    for p, (_, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err[-2000:]
    lines = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    results = {r["name"]: r for r in lines}
    winners = [r for r in results.values() if r["ok"]]
    losers = [r for r in results.values() if not r["ok"]]
    assert len(winners) == 1 and len(losers) == 1, results
    win, lose = winners[0], losers[0]
    assert lose["error"] == "RegisterError"
    other = "A4" if lose["name"] == "right" else "A2"
    assert f"(unit U2 to applicant {other})" in lose["message"]
    assert "unit U2 is already leased" in lose["message"]
    leases = register.list_leases(site)
    assert sorted(leases["lease_id"]) == win["leases"]  # nothing of the loser's is stored
    placed = {"left": {"A1", "A2"}, "right": {"A3", "A4"}}
    assert set(register.list_tenants(site)["tenant_id"]) == placed[win["name"]]
    assert set(register.list_applicants(site)["applicant_id"]) == placed[lose["name"]]


def test_the_scenario_commands_save_list_compare_show_and_commit(
    site, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from site_manager.cli import main
    from site_manager.layout.problem import write_problem

    if not db_url.startswith("sqlite"):  # the commands leave their engine to the process' end
        pytest.skip("the command-line test runs on SQLite (as tests/register/test_cli.py)")
    pfile, sfile = tmp_path / "p.json", tmp_path / "s.json"
    write_problem(_problem(), pfile)
    sfile.write_text(json.dumps({"assignment": {"A1": ["U1"], "A3": ["U3"]}}), encoding="utf-8")
    db = ["--db", db_url, "--site", "small"]
    assert main(["layout", "scenario", "save", "one", "--problem", str(pfile),
                 "--solution", str(sfile), *db]) == 0  # fmt: skip
    assert "saved scenario one: 2 of 4 applicants placed, rent 2,938 EUR/month" in (
        capsys.readouterr().out
    )
    assert main(["layout", "scenario", "compare", "one", *db, "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["name"], row["rent_eur_per_month"], row["jobs"]) == ("one", 2000 + 938, 4 + 2)
    assert main(["layout", "scenario", "list", *db, "--format", "csv"]) == 0
    # the CLI acts as the OS user: the author is who ran the command
    author = access.os_user()
    assert capsys.readouterr().out.splitlines()[1].startswith(f"one,{author},")
    assert main(["layout", "scenario", "show", "one", *db, "--format", "csv"]) == 0
    lets = capsys.readouterr().out.splitlines()
    assert lets[0] == "applicant_id,unit_id,area_m2,rent_per_m2,rent_eur_per_month"
    assert lets[1:] == ["A1,U1,200.0,10.0,2000.0", "A3,U3,150.0,6.25,938.0"]
    assert main(["layout", "scenario", "commit", "one", "--start", "2027-02-01", *db]) == 0
    assert "committed scenario one: 2 leases signed" in capsys.readouterr().out
    assert main(["layout", "scenario", "commit", "one", *db]) == 2
    assert "error: scenario one was committed on" in capsys.readouterr().err
    assert main(["layout", "scenario", "show", "nope", *db]) == 2
    assert "scenario 'nope' is not in site small; known: one" in capsys.readouterr().err
