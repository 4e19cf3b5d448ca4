"""The exact layout model (CP-SAT), its LP bound (HiGHS) and the hall-by-hall search.

The model has one boolean per feasible candidate let (applicant, unit or adjacent pair of
units); lets that do not fit, or that break a rule with an existing tenant, are filtered out
before the model is built. Rows:

- at most one let per applicant and at most one tenant per unit;
- per adjacent unit pair (u, v): *noisy lets on u + noise-sensitive lets on v <= 1* (both
  ways) and *hazardous lets on u + hazardous lets on v <= 1*, leaving out lets covering both
  units (one tenant): one clique row instead of one row per pair of lets;
- synergy: one indicator per (occupied unit, needed type) that is not already earned from an
  existing tenant next door, with two rows: indicator <= lets on u that need the type,
  indicator <= lets of another tenant next door that provide it, and per neighbour v that a
  needing two-unit let covers, indicator <= needing lets on u leaving v free + providing
  lets next to u not touching v (tighter for the LP, see ``model._pair_cuts``). Synergy
  earned from an existing tenant next door is folded into the let's value (it is linear).

Values are integer cents of EUR/month (exact when ``w_fit`` and ``synergy`` have at most two
decimals). Measured on this model (see ``docs/layout.md``): CP-SAT with presolve off and
``linearization_level=2`` proves small instances at once, while default presolve leaves a weak
bound; above a few thousand candidates the full model stalls, so large instances get greedy,
then the exact solve without the synergy rows, then a large-neighbourhood search that
re-optimises one or two halls at a time with synergy, every other tenant fixed. The bound of
large instances is HiGHS's LP relaxation of the full model, solved in a thread beside the
search.

This module holds the entry point, :func:`solve`, and its result, :class:`Solution`. The model
and its two back ends (CP-SAT, with the race of two tree searches, and HiGHS) live in
:mod:`site_manager.layout.model`; the search of large instances in
:mod:`site_manager.layout.search`. Their tuning constants are importable from here too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from site_manager.errors import ValidationError
from site_manager.layout.community import check_rules
from site_manager.layout.greedy import Occupancy, greedy
from site_manager.layout.model import TREE_RACE, _build, _cpsat
from site_manager.layout.objective import build_instance, evaluate
from site_manager.layout.problem import Problem
from site_manager.layout.search import (
    HALLS_PER_MOVE,
    MAX_BLOCK_UNITS,
    MOVE_TIME_LIMIT,
    PHASE_A_MAX_CANDIDATES,
    _apply,
    _hint_positions,
    _large,
    _Run,
    _value,
)

#: Above this many candidate lets the full model is not tried; the search takes over.
FULL_MODEL_MAX_CANDIDATES = 4000
#: Up to this many candidate lets the full model runs branch-and-cut without neighbourhood
#: search, one worker per racer (``TREE_RACE``). Measured at 50 x 20 (287-355 lets, quiet
#: 2-core machine), one worker: the optimum proven in 0.8 / 0.07 / 4-10 s (seeds 0 / 1 / 2,
#: by CP-SAT random seed) against 2.7 / 0.2 / over 20 s with the default two-worker
#: portfolio, which spends the time in LNS.
TREE_ONLY_MAX_CANDIDATES = 1000


@dataclass
class Solution:
    """A layout and how it was found.

    Attributes
    ----------
    assignment : dict
        Applicant id -> unit ids of its let (applicants left out are absent).
    objective : float
        Value of the layout. [EUR/month]
    bound : float | None
        Proven upper bound on the objective, when the solver has one. [EUR/month]
    status : str
        ``OPTIMAL`` (proven), ``FEASIBLE`` (time limit) or ``GREEDY`` (the baseline only).
    seconds : float
        Wall-clock time of the solve. [s]
    greedy_objective : float
        Value of the greedy layout. [EUR/month]
    method : str
        ``greedy``, ``cp-sat`` or ``lns`` (greedy, exact without synergy, halls).
    history : list of (seconds, objective)
        Each improvement of the incumbent, the greedy layout first.
    reasons : dict
        Applicant id -> why it is left out (see :mod:`site_manager.layout.reasons`).
    """

    assignment: dict[str, list[str]]
    objective: float
    bound: float | None
    status: str
    seconds: float
    greedy_objective: float
    method: str
    history: list[tuple[float, float]] = field(default_factory=list)
    reasons: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: counts for benchmarks: ``candidates``, ``lns_iterations``
    stats: dict[str, int] = field(default_factory=dict)
    #: the community rules the layout breaks (soft ones: the engine keeps the hard ones),
    #: :meth:`site_manager.layout.community.Violation.to_dict` each
    rule_violations: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The solution JSON (see ``docs/layout.md``)."""
        gap = None
        if self.bound is not None and self.bound > 0:
            gap = max(0.0, (self.bound - self.objective) / self.bound)
        return {
            "assignment": self.assignment,
            "objective": round(self.objective, 2),
            "bound": None if self.bound is None else round(self.bound, 2),
            "gap": None if gap is None else round(gap, 6),
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "greedy_objective": round(self.greedy_objective, 2),
            "method": self.method,
            "reasons": self.reasons,
            "rule_violations": self.rule_violations,
        }


def solve(
    problem: Problem,
    *,
    time_limit: float = 60.0,
    use_greedy_only: bool = False,
    workers: int = 2,
    seed: int = 0,
    full_model_max_candidates: int = FULL_MODEL_MAX_CANDIDATES,
    with_reasons: bool = True,
) -> Solution:
    """Find a layout of the applicants in the units (maximising the objective).

    Parameters
    ----------
    problem : Problem
        A validated problem (:func:`site_manager.layout.problem.read_problem`).
    time_limit : float
        Wall-clock limit of the whole solve. [s]
    use_greedy_only : bool
        Return the greedy baseline only.
    workers : int
        CP-SAT worker threads (2 measured best on the 2-core machine); a full model of at
        most ``TREE_ONLY_MAX_CANDIDATES`` lets races two single-worker tree searches when
        ``workers >= 2`` (``TREE_RACE``), else runs one, without neighbourhood search.
    seed : int
        Random seed of CP-SAT and of the neighbourhood choice.
    full_model_max_candidates : int
        Above this many candidate lets, solve by neighbourhood search instead of one model.
    with_reasons : bool
        Explain every applicant left out.

    Returns
    -------
    Solution
    """
    if time_limit <= 0:
        raise ValidationError(f"time limit must be positive seconds, got {time_limit!r}")
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    inst = build_instance(problem)
    const = evaluate(problem, {}).objective  # synergy among existing tenants only
    g_assign = greedy(inst)
    g_value = _value(problem, g_assign)
    run = _Run(inst, problem, t0, deadline, workers, seed, g_assign, g_value)
    run.history.append((time.perf_counter() - t0, float(g_value)))
    status, method, bound = "GREEDY", "greedy", None
    stats = {"candidates": len(inst.candidates), "lns_iterations": 0}

    if not use_greedy_only and not inst.candidates:
        status, bound = "OPTIMAL", float(g_value)  # nothing fits: the empty layout
    elif not use_greedy_only:
        occ = Occupancy(inst, g_assign)
        if len(inst.candidates) <= full_model_max_candidates:
            free_units = run.free_units
            m = _build(inst, run.all_apps, free_units, occ, with_synergy=True)
            name, chosen, cp_bound = _cpsat(
                m,
                hint=_hint_positions(inst, m, occ),
                deadline=deadline,
                workers=workers,
                seed=seed,
                tree_only=len(inst.candidates) <= TREE_ONLY_MAX_CANDIDATES,
            )
            method = "cp-sat"
            if cp_bound is not None:
                run.offer(_apply(inst, m, chosen, occ, free_units).assignment())
                bound = cp_bound / 100 + float(const)
                status = "OPTIMAL" if name == "OPTIMAL" else "FEASIBLE"
                if status == "OPTIMAL":
                    bound = max(float(run.best_value), bound)
        else:
            method = "lns"
            status = "FEASIBLE"
            bound = _large(run, occ, const, stats)
    seconds = time.perf_counter() - t0
    sol = Solution(
        assignment=run.best,
        objective=float(run.best_value),
        bound=bound,
        status=status,
        seconds=seconds,
        greedy_objective=float(g_value),
        method=method,
        history=run.history,
        stats=stats,
    )
    sol.rule_violations = [v.to_dict() for v in check_rules(problem, run.best)]
    if with_reasons:
        from site_manager.layout.reasons import explain

        sol.reasons = explain(inst, run.best)
    return sol


__all__ = [
    "FULL_MODEL_MAX_CANDIDATES",
    "HALLS_PER_MOVE",
    "MAX_BLOCK_UNITS",
    "MOVE_TIME_LIMIT",
    "PHASE_A_MAX_CANDIDATES",
    "TREE_ONLY_MAX_CANDIDATES",
    "TREE_RACE",
    "Solution",
    "_build",
    "build_instance",
    "solve",
]
