"""The Layout lab's logic: the problem in play, the background run, manual edits, tables.

The hand-made problem is a row of four 100 m² units U1–U2–U3–U4 (each beside the next);
U1–U2 are hall H1, U3–U4 hall H2, U4 alone on storey OG. Existing tenant T1 holds U4, is
hazardous and provides a kiln. Applicants: A is noisy (90 dB) and pays 10 EUR/m², B is
noise-sensitive, needs a kiln and pays 8, C is hazardous and pays 5 (all take 80–120 m²), D
needs 150–300 m². Synergy for a kiln is 50 EUR/month. Every expected value below is worked
out by hand from those numbers (rent × area, fit = 100 − 40 × (100 − 80) / (120 − 80) = 80)
or by enumerating every layout.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

import pytest

from site_manager.errors import ValidationError
from site_manager.layout import evaluate, lab, lab_plan, problem_from_dict, problem_from_register
from site_manager.layout.problem import Problem


def _problem(**params: Any) -> Problem:
    unit = {"area": 100, "height": 4, "load": 10, "power": 50}
    return problem_from_dict({
        "units": [{"id": f"U{i}", "storey": "EG" if i < 4 else "OG",
                   "hall": "H1" if i < 3 else "H2", **unit}
                  for i in range(1, 5)],
        "adjacency": [["U1", "U2"], ["U2", "U3"], ["U3", "U4"]],
        "applicants": [
            {"id": "A", "area_min": 80, "area_max": 120, "rent_per_m2": 10, "noise_db": 90},
            {"id": "B", "area_min": 80, "area_max": 120, "rent_per_m2": 8,
             "noise_sensitive": True, "needs": ["kiln"]},
            {"id": "C", "area_min": 80, "area_max": 120, "rent_per_m2": 5, "hazard": 1},
            {"id": "D", "area_min": 150, "area_max": 300, "rent_per_m2": 20},
        ],
        "existing": [{"id": "T1", "units": ["U4"], "hazard": 2, "provides": ["kiln"]}],
        "parameters": {"allow_pairs": False, "synergy": {"kiln": 50}, **params},
    })  # fmt: skip


def test_restrict_keeps_the_units_of_the_storeys_in_play_and_the_chosen_applicants() -> None:
    p = lab.restrict(_problem(), storeys=["EG"], applicants=["A", "C"])
    assert [u.id for u in p.units] == ["U1", "U2", "U3"]
    assert p.adjacency == (("U1", "U2"), ("U2", "U3"))
    assert [a.id for a in p.applicants] == ["A", "C"]
    assert p.existing == ()  # T1's only unit is on OG
    hall = lab.restrict(_problem(), halls=["H2"])
    assert [u.id for u in hall.units] == ["U3", "U4"]
    assert [e.units for e in hall.existing] == [("U4",)]
    assert lab.vacant_units(_problem()) == ["U1", "U2", "U3"]


def test_the_lets_table_gives_rent_fit_and_synergy_worked_out_by_hand() -> None:
    p = _problem()
    table = lab.lets_table(p, {"A": ["U1"], "B": ["U3"]}).set_index("applicant_id")
    assert list(table.index) == ["A", "B"]
    assert table.loc["A", ["rent_eur_per_month", "fit", "synergy_eur_per_month"]].tolist() == [
        1000.0, 80.0, 0.0]  # fmt: skip
    # B in U3 is beside T1 in U4, who provides the kiln B needs
    assert table.loc["B", ["rent_eur_per_month", "fit", "synergy_eur_per_month"]].tolist() == [
        800.0, 80.0, 50.0]  # fmt: skip
    assert table["value_eur_per_month"].tolist() == [1080.0, 930.0]
    # the objective of evaluate() is the sum of the lets' values by another path
    assert float(evaluate(p, {"A": ["U1"], "B": ["U3"]}).objective) == 1080.0 + 930.0
    figures = lab.key_figures(p, {"A": ["U1"], "B": ["U3"]})
    assert figures == {"applicants_placed": 2.0, "area_let_m2": 200.0,
                       "rent_eur_per_month": 1800.0, "synergy_eur_per_month": 50.0,
                       "objective_eur_per_month": 2010.0, "rules_broken": 0.0}  # fmt: skip


def test_a_move_beside_a_noisy_tenant_names_the_noise_rule_and_the_neighbour() -> None:
    p = _problem()
    layout = lab.move({"A": ["U1"], "B": ["U3"]}, "B", ["U2"])
    assert layout == {"A": ["U1"], "B": ["U2"]}
    found = lab.breaches(p, layout, "B")
    assert [(b.rule, b.unit, b.neighbour) for b in found] == [("noise", "U2", "A")]
    assert "A in U1" in found[0].message and "noise" in found[0].message
    # evaluate() agrees that the layout breaks exactly one rule
    assert len(evaluate(p, layout).violations) == 1
    # A's own view names B
    assert [(b.rule, b.neighbour) for b in lab.breaches(p, layout, "A")] == [("noise", "B")]


def test_a_move_beside_an_existing_hazardous_tenant_names_it() -> None:
    found = lab.breaches(_problem(), {"C": ["U3"]}, "C")
    assert [(b.rule, b.unit, b.neighbour) for b in found] == [("hazard", "U3", "T1")]
    assert "two hazardous tenants" in found[0].message


def test_taken_units_lets_that_do_not_fit_and_bad_pairs_are_breaches() -> None:
    p = _problem()
    taken = lab.breaches(p, lab.move({"A": ["U1"]}, "C", ["U1"]), "C")
    assert [(b.rule, b.neighbour) for b in taken] == [("taken", "A")]
    assert [(b.rule, b.unit) for b in lab.breaches(p, {"A": ["U4"]})] == [("taken", "U4")]
    too_small = lab.breaches(p, {"D": ["U2"]}, "D")
    assert [b.rule for b in too_small] == ["fit"] and "area too small" in too_small[0].message
    pair = lab.breaches(p, {"A": ["U1", "U2"]}, "A")
    assert [b.rule for b in pair] == ["let"] and "two-unit lets are off" in pair[0].message
    apart = lab.breaches(_problem(allow_pairs=True), {"A": ["U1", "U3"]}, "A")
    assert "not adjacent" in apart[0].message
    assert lab.breaches(p, {"A": ["U1"], "B": ["U3"]}) == []
    assert lab.remove({"A": ["U1"], "B": ["U3"]}, "A") == {"B": ["U3"]}
    with pytest.raises(ValidationError):
        lab.move({}, "A", [])


def test_every_applicant_left_out_has_one_reason() -> None:
    p = _problem()
    table = lab.left_out_table(p, {"A": ["U1"], "B": ["U3"]})
    assert sorted(table["applicant_id"]) == ["C", "D"]
    assert table.set_index("applicant_id").loc["D", "code"] == "no_fit"  # 150 m² > any unit
    assert table["reason"].str.len().min() > 10


def _brute_force_optimum(p: Problem) -> float:
    """The best objective over every layout that breaks no rule (each applicant: a unit or
    none), by enumeration."""
    choices = [None, *(u.id for u in p.units)]
    best = 0.0
    for pick in itertools.product(choices, repeat=len(p.applicants)):
        layout = {a.id: [u] for a, u in zip(p.applicants, pick, strict=True) if u}
        ev = evaluate(p, layout)
        if ev.feasible:
            best = max(best, float(ev.objective))
    return best


def test_the_background_run_finds_and_proves_the_optimum_found_by_enumeration() -> None:
    p = _problem()
    run = lab.LabRun(p, time_limit=5)
    progress = run.wait(30)
    assert progress.done and progress.error is None
    assert progress.proven and progress.gap == 0.0
    assert progress.objective == _brute_force_optimum(p) == progress.bound
    assert set(progress.best.reasons) == {a.id for a in p.applicants} - set(
        progress.best.assignment)  # fmt: skip
    with pytest.raises(ValidationError):
        lab.LabRun(p, time_limit=0)


def test_progress_reports_the_gap_between_best_and_bound() -> None:
    sol = lab.Progress("quick", 1.0, None, 100.0, False)
    assert sol.gap is None and sol.objective is None and not sol.done
    from site_manager.layout.solve import Solution

    best = Solution({}, 80.0, 100.0, "FEASIBLE", 1.0, 70.0, "cp-sat")
    assert lab.Progress("done", 2.0, best, 100.0, False).gap == pytest.approx(0.2)


def test_compare_figures_puts_two_layouts_side_by_side() -> None:
    p = _problem()
    a, b = lab.key_figures(p, {"A": ["U1"]}), lab.key_figures(p, {"B": ["U3"]})
    table = lab.compare_figures({"optimum": a, "greedy": b}).set_index("figure")
    assert table.loc["rent_eur_per_month"].tolist() == [1000.0, 800.0]
    assert table.loc["synergy_eur_per_month"].tolist() == [0.0, 50.0]


@pytest.mark.slow
def test_a_50_by_20_problem_shows_a_layout_with_its_bound_within_5_s() -> None:
    from site_manager.layout.synthetic import random_problem

    p = random_problem(50, 20, seed=2)
    run = lab.LabRun(p, time_limit=10)
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 5.5:
        progress = run.progress()
        if progress.bound is not None:
            break
        time.sleep(0.05)
    assert progress.best is not None and progress.bound is not None, progress
    assert progress.bound >= progress.objective - 1e-6
    assert progress.elapsed_s <= 5.5
    final = run.wait(30)
    assert final.done and final.bound is not None and final.objective >= progress.objective


def test_the_plan_has_a_footprint_of_each_unit_and_bay_with_the_units_area(
    sample_register: Any, tmp_path: Path
) -> None:
    from site_manager import register

    loaded = sample_register("engineering_works")
    engine = register.open_register(loaded.url)
    try:
        frames = register.frames(engine)
    finally:
        engine.dispose()
    for bay in (None, 150.0):
        p = problem_from_register(frames, bay_area_m2=bay)
        shapes = lab_plan.unit_footprints(frames, p, bay_area_m2=bay)
        assert set(shapes) == {u.id for u in p.units}
        for u in p.units:  # the register's area against the polygon's
            assert shapes[u.id].area == pytest.approx(u.area, rel=0.06), u.id
    layout = {p.applicants[0].id: [lab.vacant_units(p)[0]]}
    frame = lab_plan.plan_frame(shapes, p, layout)
    row = frame.set_index("global_id").loc[lab.vacant_units(p)[0]]
    assert (row["tenant"], row["occupant"]) == (p.applicants[0].id, p.applicants[0].id)
    held = {u for e in p.existing for u in e.units}
    assert set(frame.loc[frame["occupant"] == lab_plan.EXISTING, "global_id"]) == held
