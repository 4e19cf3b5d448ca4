"""Community rules: the rules file, the checker (each kind passes and fails by hand), the hard
rules in the engine (optimum by hand with and without the rule), the register and the CLI.

Every let below is 100 m² for an applicant asking 100 m² exactly, so its value is
rent × 100 + fit 100 (no extraction, access or heavy floor offered) [EUR/month].
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from site_manager.cli import main
from site_manager.errors import ValidationError
from site_manager.layout.community import check_rules, parse_rules
from site_manager.layout.problem import problem_from_dict, problem_to_dict, read_problem
from site_manager.layout.solve import solve

from .builders import applicant, problem, unit


def _rules(*tables: dict, shared_area: float = 0.0) -> dict:
    return {"shared_area": shared_area, "rules": list(tables)}


def _rule(rid: str, kind: str, hard: bool = True, **value: object) -> dict:
    return {"id": rid, "kind": kind, "strength": "hard" if hard else "soft", **value}


def _app(aid: str, rent: float, **kw: object) -> dict:
    return applicant(aid, 100, 100, rent, **kw)


def _chain(n: int) -> tuple[list[dict], list[tuple[str, str]]]:
    units = [unit(f"U{i}", 100, name=f"Bay {i}") for i in range(1, n + 1)]
    return units, [(f"U{i}", f"U{i + 1}") for i in range(1, n)]


# ------------------------------------------------------------------ hard rules in the engine
# each: (problem data, optimum without the rule, optimum with it), by hand


def _kind_case() -> tuple[dict, float, float]:
    apps = [_app("A", 10), _app("B", 9), _app("C", 5, kind="office")]  # A, B artisans
    data = problem([unit(f"U{i}", 100) for i in (1, 2, 3)], apps)
    # 40 % of 3 units = 1.2: one unit to artisans; all three placed: 1100 + 1000 + 600
    data["rules"] = _rules(_rule("art", "max_kind_share", max_pct=40, tenant_kind="artisan"))
    return data, 2700.0, 1700.0


def _area_case() -> tuple[dict, float, float]:
    # A and B ask 80-220 m²: fit on 100 m² round(100 - 40*20/140) = 94, on 200 m² 66
    apps = [applicant("A", 80, 220, 10), applicant("B", 80, 220, 5)]
    data = problem([unit("U1", 100), unit("U2", 200)], apps)
    data["rules"] = _rules(_rule("big", "max_tenant_area", max_m2=150))
    # without: A on U2 (2000 + 66) and B on U1 (500 + 94); with: A on U1 (1000 + 94) alone
    return data, 2660.0, 1094.0


def _noise_case() -> tuple[dict, float, float]:
    units, adj = _chain(3)
    apps = [_app("N", 10, noise_db=90), _app("S", 9, noise_sensitive=True), _app("Q", 1)]
    data = problem(units, apps, adjacency=adj)
    data["rules"] = _rules(_rule("quiet", "noise_distance", steps=3))
    # without: N on U1, Q on U2, S on U3 (2 steps: not neighbours) 1100 + 200 + 1000;
    # with 3 steps in a row of three N and S cannot both stay: N and Q, 1100 + 200
    return data, 2300.0, 1300.0


def _hazard_case() -> tuple[dict, float, float]:
    units, adj = _chain(3)
    apps = [_app("H1", 10, hazard=1), _app("H2", 9, hazard=2), _app("Q", 1)]
    data = problem(units, apps, adjacency=adj)
    data["rules"] = _rules(_rule("apart", "hazard_distance", steps=3))
    return data, 2300.0, 1300.0


def _shared_case() -> tuple[dict, float, float]:
    data = problem([unit("U1", 100), unit("U2", 100)], [_app("A", 10), _app("B", 9)])
    # 100 m² shared: one let gives 100 / 200 = 50 %, two 100 / 300 = 33 % < 40 %
    data["rules"] = _rules(_rule("share", "min_shared_share", min_pct=40), shared_area=100)
    return data, 2100.0, 1100.0


CASES = {"max_kind_share": _kind_case, "max_tenant_area": _area_case,
         "noise_distance": _noise_case, "hazard_distance": _hazard_case,
         "min_shared_share": _shared_case}  # fmt: skip


@pytest.mark.parametrize("kind", list(CASES))
@pytest.mark.parametrize("greedy", [False, True])
def test_a_hard_rule_changes_the_optimum_as_computed_by_hand(kind: str, greedy: bool) -> None:
    data, without, with_rule = CASES[kind]()
    p = problem_from_dict(data)
    free = dataclasses.replace(p, rules=None)
    sol0 = solve(free, time_limit=10)
    assert sol0.status == "OPTIMAL" and sol0.objective == without
    broken = check_rules(p, sol0.assignment)  # the optimum without the rule breaks it
    assert [v.rule_id for v in broken] == [data["rules"]["rules"][0]["id"]] and broken[0].hard
    sol = solve(p, time_limit=10, use_greedy_only=greedy)
    assert check_rules(p, sol.assignment) == []
    if not greedy:
        assert sol.status == "OPTIMAL" and sol.objective == with_rule
        assert sol.bound == pytest.approx(with_rule)
    left = [r for r in sol.reasons.values() if r["code"] == "community_rule"]
    assert left, sol.reasons  # someone is left out for the rule, and the reason says which
    assert all("the rule '" in r["message"] for r in left)


def test_the_reason_names_a_full_kind_rule() -> None:
    data, _, _ = _kind_case()
    data["rules"]["rules"][0]["text"] = "at most 40 % of units to artisans"
    sol = solve(problem_from_dict(data), time_limit=10)
    assert sol.assignment == {"A": ["U1"], "C": ["U2"]} or set(sol.assignment) == {"A", "C"}
    assert sol.reasons["B"] == {**sol.reasons["B"], "code": "community_rule",
                                "message": "left out: the rule 'at most 40 % of units to "
                                           "artisans' is full"}  # fmt: skip


def test_existing_tenants_count_against_a_kind_cap_and_a_full_cap_keeps_further_lets_out() -> None:
    units = [unit(f"U{i}", 100) for i in (1, 2, 3, 4)]
    existing = [{"id": "T1", "units": ["U1"], "kind": "artisan"}]
    data = problem(units, [_app("A", 10), _app("C", 2, kind="office")], existing=existing)
    data["rules"] = _rules(_rule("art", "max_kind_share", max_pct=25, tenant_kind="artisan"))
    sol = solve(problem_from_dict(data), time_limit=10)
    # 25 % of 4 units = 1 unit, which T1 holds: only C (200 + 100) may move in
    assert sol.assignment.keys() == {"C"} and sol.objective == 300.0
    # the checker: existing tenants alone at the cap are not the layout's doing
    assert check_rules(problem_from_dict(data), {"C": ["U2"]}) == []


# ------------------------------------------------------------------- the checker by hand


def _check(data: dict, assignment: dict) -> list:
    return check_rules(problem_from_dict(data), assignment)


def test_max_tenant_area_passes_at_the_limit_and_fails_above() -> None:
    data = problem([unit("U1", 150), unit("U2", 150.01)], [applicant("A", 100, 200, 5)])
    data["rules"] = _rules(_rule("big", "max_tenant_area", hard=False, max_m2=150))
    assert _check(data, {"A": ["U1"]}) == []
    (v,) = _check(data, {"A": ["U2"]})
    assert (v.rule_id, v.kind, v.hard, v.units, v.tenants) == (
        "big", "max_tenant_area", False, ("U2",), ("A",))  # fmt: skip
    assert "150.01 m²" in v.message and "allows 150 m²" in v.message


def test_min_shared_share_passes_at_the_share_and_fails_below() -> None:
    data = problem([unit("U1", 150), unit("U2", 150.5)], [_app("A", 1)])
    data["applicants"][0].update(area_min=100, area_max=200)
    # 100 m² shared: with 150 m² let 100 / 250 = 40 % exactly; with 150.5 m² 39.9 %
    data["rules"] = _rules(_rule("s", "min_shared_share", min_pct=40), shared_area=100)
    assert _check(data, {"A": ["U1"]}) == []
    (v,) = _check(data, {"A": ["U2"]})
    assert v.units == ("U2",) and v.tenants == ("A",)
    assert "39.9 %" in v.message and "asks for 40 %" in v.message


def test_max_kind_share_counts_units_of_existing_and_placed_tenants() -> None:
    units = [unit(f"U{i}", 100) for i in range(1, 6)]
    existing = [{"id": "T1", "units": ["U1"], "kind": "artist"}]
    apps = [_app("A", 5, kind="artist"), _app("B", 5, kind="artist")]
    data = problem(units, apps, adjacency=[("U2", "U3")], existing=existing)
    data["rules"] = _rules(_rule("k", "max_kind_share", max_pct=40))  # every kind: 2 of 5
    assert _check(data, {"A": ["U2"]}) == []  # T1 + A: 2 units of 5 = 40 %
    (v,) = _check(data, {"A": ["U2"], "B": ["U4"]})
    assert v.tenants == ("A", "B") and v.units == ("U2", "U4")
    assert v.message.startswith("3 of 5 units would go to artist tenants")


def test_noise_distance_message_names_both_tenants_the_steps_and_what_to_do() -> None:
    units, adj = _chain(4)
    apps = [_app("N", 5, noise_db=92, name="Metal Shop"),
            _app("S", 5, noise_sensitive=True, name="Studio Rossi")]  # fmt: skip
    data = problem(units, apps, adjacency=adj)
    data["rules"] = _rules(_rule("quiet", "noise_distance", steps=3, text="quiet studios"))
    assert _check(data, {"N": ["U1"], "S": ["U4"]}) == []  # 3 steps
    (v,) = _check(data, {"N": ["U1"], "S": ["U3"]})
    assert v.message == ("Noisy work (Metal Shop, 92 dB(A)) in U1 (Bay 1) is 2 steps from "
                         "noise-sensitive Studio Rossi in U3 (Bay 3); the hard rule 'quiet "
                         "studios' asks for 3: move one of them.")  # fmt: skip
    assert v.tenants == ("N", "S") and v.units == ("U1", "U3")


def test_noise_distance_uses_its_own_threshold_and_counts_an_existing_neighbour() -> None:
    units, adj = _chain(3)
    existing = [{"id": "T1", "units": ["U1"], "noise_db": 78}]
    data = problem(units, [_app("S", 5, noise_sensitive=True)], adjacency=adj, existing=existing)
    data["rules"] = _rules(_rule("q", "noise_distance", steps=3, noisy_db=75))
    assert _check(data, {"S": ["U3"]})[0].units == ("U1", "U3")  # 78 >= 75, 2 steps
    data["rules"]["rules"][0]["noisy_db"] = 80
    assert _check(data, {"S": ["U3"]}) == []  # 78 dB(A) is not noisy at 80


def test_hazard_distance_passes_far_enough_and_fails_nearer() -> None:
    units, adj = _chain(4)
    data = problem(units, [_app("H1", 5, hazard=1), _app("H2", 5, hazard=1)], adjacency=adj)
    data["rules"] = _rules(_rule("h", "hazard_distance", hard=False, steps=2))
    assert _check(data, {"H1": ["U1"], "H2": ["U3"]}) == []  # 2 steps
    (v,) = _check(data, {"H1": ["U1"], "H2": ["U2"]})
    assert not v.hard and "is 1 step from hazardous" in v.message


# -------------------------------------------------------------- the file and the register


BAD_FILES = [
    ("[[rule]]\nid = 'x'\nkind = 'max_area'\nstrength = 'hard'\n", "kind 'max_area'"),
    ("[[rule]]\nid = 'x'\nkind = 'hazard_distance'\nsteps = 1\nstrength = 'hard'\n",
     "rule 'x': steps = 1 must be a whole number of at least 2"),
    ("[[rule]]\nid = 'x'\nkind = 'max_tenant_area'\nmax_m2 = 10\nstrength = 'firm'\n",
     "rule 'x': strength 'firm'"),
    ("[[rule]]\nid = 'x'\nkind = 'max_tenant_area'\nmax_m2 = 10\nstrength = 'hard'\n"
     "colour = 1\n", "rule 'x': unknown key 'colour'"),
    ("[[rule]]\nid = 'x'\nkind = 'max_kind_share'\nstrength = 'soft'\n",
     "rule 'x': give max_pct as a number"),
    ("[[rule]]\nid = 'x'\nkind = 'max_tenant_area'\nmax_m2 = 10\nstrength = 'hard'\n"
     "[[rule]]\nid = 'x'\nkind = 'max_tenant_area'\nmax_m2 = 10\nstrength = 'hard'\n",
     "rule 'x': the id is used twice"),
    ("[[rule]\nid = 'x'\n", "not valid TOML"),
]  # fmt: skip

GOOD = """
[[rule]]
id = "artisans"
kind = "max_kind_share"
tenant_kind = "artisan"
max_pct = 30
strength = "hard"

[[rule]]
id = "quiet"
kind = "noise_distance"
steps = 2
strength = "soft"
"""


@pytest.mark.parametrize(("text", "words"), BAD_FILES)
def test_a_bad_rules_file_is_one_line_naming_the_file_the_rule_and_what_to_do(
    text: str, words: str
) -> None:
    with pytest.raises(ValidationError) as err:
        parse_rules(text, source="rules.toml")
    message = str(err.value)
    assert message.startswith("rules.toml: ") and words in message and "\n" not in message
    assert message.endswith("(fix the rules file and load it again)")


def test_a_good_file_reads_each_rule() -> None:
    rules = parse_rules(GOOD)
    assert [(r.id, r.kind, r.hard, r.value, r.tenant_kind) for r in rules.rules] == [
        ("artisans", "max_kind_share", True, 30.0, "artisan"),
        ("quiet", "noise_distance", False, 2.0, ""),
    ]


def test_problem_json_keeps_the_rules_and_old_files_still_read(tmp_path: Path) -> None:
    data, _, _ = _shared_case()
    p = problem_from_dict(data)
    again = problem_from_dict(json.loads(json.dumps(problem_to_dict(p))))
    assert again.rules == p.rules and again.rules is not None
    assert again.rules.shared_area == 100.0
    del data["rules"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert read_problem(path).rules is None
    assert "rules" not in problem_to_dict(read_problem(path))


def test_layout_check_reports_hard_and_soft_rules_and_fails_on_hard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, _, _ = _kind_case()
    data["rules"]["rules"].append(_rule("q", "max_tenant_area", hard=False, max_m2=50))
    (tmp_path / "p.json").write_text(json.dumps(data), encoding="utf-8")
    sol = {"assignment": {"C": ["U3"]}}
    (tmp_path / "s.json").write_text(json.dumps(sol), encoding="utf-8")
    assert main(["layout", "check", str(tmp_path / "p.json"), str(tmp_path / "s.json")]) == 0
    assert "warning: soft rule q: C is let 100.00 m²" in capsys.readouterr().out
    sol = {"assignment": {"A": ["U1"], "B": ["U2"]}}
    (tmp_path / "s.json").write_text(json.dumps(sol), encoding="utf-8")
    assert main(["layout", "check", str(tmp_path / "p.json"), str(tmp_path / "s.json")]) == 1
    out = capsys.readouterr().out
    assert "violation: hard rule art: 2 of 3 units would go to artisan tenants" in out
    assert "INFEASIBLE" in out
