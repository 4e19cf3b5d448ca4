"""The tighter synergy links (``layout.model._pair_cuts``) keep the optimum.

The model is solved as it is, without the greedy fill that ``solve`` adds afterwards, and
its layout valued by the independent checker: a link that cut off the optimum would show as
a lower value than brute force, or than the model without the links.
"""

from __future__ import annotations

import time
from fractions import Fraction
from typing import Any

import pytest

from site_manager.layout import problem_from_dict
from site_manager.layout.greedy import Occupancy
from site_manager.layout.model import _build, _cpsat, _lp_bound, _Model
from site_manager.layout.objective import Instance, build_instance
from site_manager.layout.problem import problem_to_dict
from site_manager.layout.synthetic import random_problem

from .checker import check
from .test_solve import brute_force, tiny


def _model(inst: Instance, pair_cuts: bool) -> _Model:
    free_units = {u for u in range(len(inst.unit_ids)) if u not in inst.fixed}
    apps = set(range(len(inst.profiles)))
    return _build(inst, apps, free_units, Occupancy(inst), with_synergy=True, pair_cuts=pair_cuts)


def _optimum(inst: Instance, m: _Model, data: dict[str, Any]) -> Fraction:
    """The model's proven optimum as a layout, valued by the checker."""
    status, chosen, _ = _cpsat(
        m, hint=[], deadline=time.perf_counter() + 30, workers=1, seed=0, tree_only=True
    )
    assert status == "OPTIMAL"
    layout = {}
    for k in chosen:
        c = inst.candidates[m.cands[k]]
        layout[inst.problem.applicants[c.app].id] = [inst.unit_ids[u] for u in c.units]
    violations, value = check(data, layout)
    assert violations == []
    return value


@pytest.mark.parametrize("seed", [1, 2])  # the tiny problems whose models get the links
def test_the_model_with_the_tighter_links_reaches_the_brute_force_optimum(seed: int) -> None:
    data = tiny(seed)
    inst = build_instance(problem_from_dict(data))
    m = _model(inst, pair_cuts=True)
    assert len(m.links) > len(_model(inst, pair_cuts=False).links)
    assert _optimum(inst, m, data) == brute_force(data)


@pytest.mark.parametrize(("n_units", "n_apps", "seed"), [(24, 10, 0), (30, 12, 0), (30, 12, 1)])
def test_generated_problems_keep_their_optimum_and_a_valid_lp_bound(
    n_units: int, n_apps: int, seed: int
) -> None:
    pb = random_problem(n_units, n_apps, seed=seed)
    data = problem_to_dict(pb)
    inst = build_instance(pb)
    new, old = _model(inst, pair_cuts=True), _model(inst, pair_cuts=False)
    assert len(new.links) > len(old.links)
    best = _optimum(inst, new, data)
    assert best == _optimum(inst, old, data)
    # the LP relaxation of a valid model is above every layout's value, the optimum's too
    new_lp, old_lp = _lp_bound(new, 30.0), _lp_bound(old, 30.0)
    assert new_lp is not None and old_lp is not None
    assert best * 100 <= Fraction(new_lp) <= Fraction(old_lp) + Fraction(1, 1000)
