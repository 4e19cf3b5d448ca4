"""Each rule of the layout problem on a small hand-made case, with the objective by hand.

Every solution is also recomputed by the independent checker (``checker.py``).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from site_manager.layout import problem_from_dict, solve
from site_manager.layout.greedy import greedy
from site_manager.layout.objective import build_instance

from .builders import applicant, problem, unit
from .checker import check


def solved(data: dict[str, Any], **kw: Any) -> Any:
    sol = solve(problem_from_dict(data), time_limit=kw.pop("time_limit", 5.0), **kw)
    violations, value = check(data, sol.assignment)
    assert violations == []
    assert Fraction(repr(sol.objective)) == value
    return sol


def test_rent_is_rounded_half_up_not_to_even() -> None:
    # 10.5 EUR/m² × 25 m² = 262.5 -> 263 (round() would give 262); fit: (25-20)/(30-20) = 0.5,
    # 100 - 40 × 0.5 = 80; objective 263 + 80 = 343
    data = problem([unit("U1", 25)], [applicant("A", 20, 30, 10.5)])
    sol = solved(data)
    assert sol.assignment == {"A": ["U1"]}
    assert sol.objective == 343
    assert sol.status == "OPTIMAL"


def test_fit_is_rounded_half_up() -> None:
    # area 21 in [10, 90]: 40 × 11/80 = 5.5, 100 - 5.5 = 94.5 -> 95 (round() gives 94);
    # rent 1 × 21 = 21; w_fit 2: 21 + 190 = 211
    data = problem([unit("U1", 21)], [applicant("A", 10, 90, 1)], w_fit=2)
    assert solved(data).objective == 211


def test_features_offered_but_not_needed_and_a_heavy_floor_cost_fit_points() -> None:
    # area = area_min: fit 100; extraction -10, access -15, load 20 ≥ 15 with need 2 < 7.5: -10
    # -> 65; rent 8 × 50 = 400; objective 465
    u = unit("U1", 50, extraction=True, access=True, load=20.0)
    data = problem([u], [applicant("A", 50, 80, 8)])
    assert solved(data).objective == 465


def test_needed_features_cost_nothing_and_a_heavy_need_keeps_the_floor_bonus() -> None:
    # same unit, but the applicant needs extraction, access and 10 kN/m²: fit 100
    u = unit("U1", 50, extraction=True, access=True, load=20.0)
    a = applicant("A", 50, 80, 8, extraction=True, access=True, min_load=10.0)
    assert solved(problem([u], [a])).objective == 500


def test_fit_is_floored_at_zero() -> None:
    # area = area_max: 100 - 40 = 60; extraction -10, access -15, pair penalty 50 -> -15 -> 0
    units = [unit("U1", 30, extraction=True), unit("U2", 30, access=True)]
    a = applicant("A", 50, 60, 10)
    data = problem(units, [a], adjacency=[("U1", "U2")], pair_fit_penalty=50)
    sol = solved(data)
    assert sorted(sol.assignment["A"]) == ["U1", "U2"]
    assert sol.objective == 600


def test_a_two_unit_let_sums_areas_and_power_and_takes_the_lowest_height() -> None:
    # 30 + 40 = 70 m² in [60, 80]; power 20 + 20 ≥ 35; heights 5 and 3.5 ≥ 3.5.
    # rent 10 × 70 = 700; fit 100 - 40 × 0.5 - 20 (pair) = 60; objective 760
    units = [unit("U1", 30, power=20.0, height=5.0), unit("U2", 40, power=20.0, height=3.5)]
    a = applicant("A", 60, 80, 10, power=35.0, min_height=3.5)
    sol = solved(problem(units, [a], adjacency=[("U1", "U2")]))
    assert sorted(sol.assignment["A"]) == ["U1", "U2"]
    assert sol.objective == 760


def test_a_pair_needs_adjacency_and_allow_pairs() -> None:
    units = [unit("U1", 30), unit("U2", 40)]
    a = applicant("A", 60, 80, 10)
    not_adjacent = solved(problem(units, [a]))
    assert not_adjacent.assignment == {}
    assert not_adjacent.reasons["A"]["code"] == "no_fit"
    not_allowed = solved(problem(units, [a], adjacency=[("U1", "U2")], allow_pairs=False))
    assert not_allowed.assignment == {}


def test_a_pair_needs_a_feature_in_one_unit_only_and_the_lowest_height_counts() -> None:
    units = [unit("U1", 30, daylight=True), unit("U2", 40, height=2.9)]
    a = applicant("A", 60, 80, 10, daylight=True, min_height=3.0)
    sol = solved(problem(units, [a], adjacency=[("U1", "U2")]))
    assert sol.assignment == {}  # U2 is 2.9 m high, so the pair is too low
    units[1]["height"] = 3.0
    sol = solved(problem(units, [a], adjacency=[("U1", "U2")]))
    assert sorted(sol.assignment["A"]) == ["U1", "U2"]


def test_a_noisy_tenant_is_never_beside_a_noise_sensitive_one() -> None:
    # both fit both units; U1 and U2 share a wall; only one can be placed.
    units = [unit("U1", 50), unit("U2", 50)]
    loud = applicant("Loud", 50, 60, 10, noise_db=85)  # 85 = noisy_db: noisy
    quiet = applicant("Quiet", 50, 60, 9, noise_sensitive=True)
    sol = solved(problem(units, [loud, quiet], adjacency=[("U1", "U2")]))
    # Loud: 500 + 100 = 600, Quiet: 450 + 100 = 550; only one fits the rule
    assert list(sol.assignment) == ["Loud"]
    assert sol.objective == 600
    reason = sol.reasons["Quiet"]
    assert reason["code"] == "worth_less"
    whys = sorted(o["why"] for o in reason["obstacles"])
    assert whys[0].startswith("beside Loud") and "noisy beside noise-sensitive" in whys[0]
    assert whys[1].startswith("taken by Loud")


def test_just_below_noisy_db_is_not_noisy() -> None:
    units = [unit("U1", 50), unit("U2", 50)]
    loud = applicant("Loud", 50, 60, 10, noise_db=84.9)
    quiet = applicant("Quiet", 50, 60, 9, noise_sensitive=True)
    sol = solved(problem(units, [loud, quiet], adjacency=[("U1", "U2")]))
    assert sol.objective == 600 + 550


def test_two_hazardous_tenants_are_never_neighbours() -> None:
    units = [unit("U1", 50), unit("U2", 50), unit("U3", 50)]
    adj = [("U1", "U2"), ("U2", "U3")]
    apps = [applicant(f"H{i}", 50, 60, 10 - i, hazard=1) for i in range(3)]
    sol = solved(problem(units, apps, adjacency=adj))
    # at most U1 and U3: H0 (600) and H1 (550)
    assert sorted(sol.assignment) == ["H0", "H1"]
    assert sorted(sum(sol.assignment.values(), [])) == ["U1", "U3"]
    assert sol.objective == 1150
    assert sol.reasons["H2"]["code"] == "worth_less"


def test_synergy_counts_once_per_occupied_unit_and_type() -> None:
    # A (pair U1+U2) needs a laser cutter; B in U3 beside both U1 and U2 provides it, and
    # C in U4 beside U2 provides it too: synergy counts once per unit -> 2 × 100.
    units = [unit("U1", 30), unit("U2", 30), unit("U3", 40), unit("U4", 40)]
    adj = [("U1", "U2"), ("U1", "U3"), ("U2", "U3"), ("U2", "U4")]
    a = applicant("A", 60, 60, 10, needs=["laser_cutter"])
    b = applicant("B", 40, 40, 10, provides=["laser_cutter"])
    c = applicant("C", 40, 40, 10, provides=["laser_cutter"])
    data = problem(units, [a, b, c], adjacency=adj, synergy={"laser_cutter": 100})
    sol = solved(data)
    # A: 600 + (100 - 0 - 20) = 680; B, C: 400 + 100 each; synergy 2 × 100
    assert sorted(sol.assignment["A"]) == ["U1", "U2"]
    assert sol.objective == 680 + 500 + 500 + 200


def test_a_tenant_does_not_earn_synergy_from_itself() -> None:
    units = [unit("U1", 30), unit("U2", 30)]
    a = applicant("A", 60, 60, 10, needs=["kiln"], provides=["kiln"])
    data = problem(units, [a], adjacency=[("U1", "U2")], synergy={"kiln": 100})
    assert solved(data).objective == 600 + 80


def test_synergy_can_beat_fit() -> None:
    # B fits U2 (beside A's kiln, but U2 offers unneeded access: -15) and U3 (alone).
    # A in U1: 500 + 100. B in U2: 400 + (100 - 15) + 50 synergy = 535; in U3: 400 + 100 = 500
    units = [unit("U1", 50), unit("U2", 40, access=True), unit("U3", 40)]
    a = applicant("A", 50, 60, 10, provides=["kiln"])
    b = applicant("B", 40, 50, 10, needs=["kiln"])
    data = problem(units, [a, b], adjacency=[("U1", "U2")], synergy={"kiln": 50})
    sol = solved(data)
    assert sol.assignment["B"] == ["U2"]
    assert sol.objective == 600 + 535
    data["parameters"]["synergy"] = {"kiln": 10}  # now the fit wins: 600 + 500
    sol = solved(data)
    assert sol.assignment["B"] == ["U3"]
    assert sol.objective == 1100


def test_existing_tenants_hold_their_units_and_their_neighbours_obey_the_rules() -> None:
    units = [unit("U1", 50), unit("U2", 50), unit("U3", 50)]
    adj = [("U1", "U2")]
    existing = [{"id": "T1", "units": ["U2"], "noise_sensitive": True}]
    loud = applicant("Loud", 50, 60, 10, noise_db=90)
    data = problem(units, [loud], adjacency=adj, existing=existing)
    sol = solved(data)
    assert sol.assignment == {"Loud": ["U3"]}
    # with U3 gone, Loud has nowhere: taken or blocked by the existing tenant
    data["units"] = units[:2]
    sol = solved(data)
    assert sol.assignment == {}
    assert sol.reasons["Loud"]["code"] == "taken_or_blocked"
    assert "T1" in sol.reasons["Loud"]["message"]


def test_existing_tenants_provide_and_need_for_synergy() -> None:
    units = [unit("U1", 50), unit("U2", 50)]
    existing = [{"id": "T1", "units": ["U2"], "provides": ["kiln"], "needs": ["cnc_router"]}]
    a = applicant("A", 50, 60, 10, needs=["kiln"], provides=["cnc_router"])
    data = problem(
        units,
        [a],
        adjacency=[("U1", "U2")],
        existing=existing,
        synergy={"kiln": 30, "cnc_router": 70},
    )
    sol = solved(data)
    # A: 500 + 100; A earns the kiln (30), T1 earns the router (70)
    assert sol.objective == 700


def test_the_exact_solve_beats_greedy_where_greedy_grabs() -> None:
    # A pays more per m² and grabs U1 (its best let); B fits only U1. Optimum: A in U2.
    units = [unit("U1", 50), unit("U2", 45)]
    a = applicant("A", 45, 50, 12)
    b = applicant("B", 50, 55, 10)
    data = problem(units, [a, b])
    pb = problem_from_dict(data)
    g = greedy(build_instance(pb))
    assert g == {"A": ["U1"]}
    sol = solved(data)
    assert sol.assignment == {"A": ["U2"], "B": ["U1"]}
    # A in U2: 540 + 100; B in U1: 500 + 100
    assert sol.objective == 1240
    assert sol.greedy_objective == 600 + 60  # A in U1: 600 + (100 - 40)


def test_no_fit_names_the_need_that_fails_most_often() -> None:
    units = [unit("U1", 50, load=3.0), unit("U2", 50, load=3.0), unit("U3", 20, load=10.0)]
    a = applicant("A", 40, 60, 10, min_load=7.5)
    sol = solved(problem(units, [a]))
    reason = sol.reasons["A"]
    assert reason["code"] == "no_fit"
    assert reason["failing_needs"] == {"load": 2, "area_too_small": 1}
    assert "floor load too low in 2 of 3 units" in reason["message"]


@pytest.mark.parametrize("greedy_only", [True, False])
def test_every_applicant_left_out_has_a_reason(greedy_only: bool) -> None:
    units = [unit(f"U{i}", 50) for i in range(3)]
    apps = [applicant(f"A{i}", 50, 60, 10 + i) for i in range(5)]
    sol = solved(problem(units, apps), use_greedy_only=greedy_only)
    assert len(sol.assignment) == 3
    assert set(sol.reasons) == {"A0", "A1"}
    assert all(r["code"] == "worth_less" for r in sol.reasons.values())
