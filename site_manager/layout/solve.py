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
  indicator <= lets of another tenant next door that provide it. Synergy earned from an
  existing tenant next door is folded into the let's value (it is linear).

Values are integer cents of EUR/month (exact when ``w_fit`` and ``synergy`` have at most two
decimals). Measured on this model (see ``docs/layout.md``): CP-SAT with presolve off and
``linearization_level=2`` proves small instances at once, while default presolve leaves a weak
bound; above a few thousand candidates the full model stalls, so large instances get greedy,
then the exact solve without the synergy rows, then a large-neighbourhood search that
re-optimises one or two halls at a time with synergy, every other tenant fixed. The bound of
large instances is HiGHS's LP relaxation of the full model, solved in a thread beside the
search.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from site_manager.errors import ValidationError
from site_manager.layout.greedy import Occupancy, fill, greedy
from site_manager.layout.objective import Instance, build_instance, evaluate
from site_manager.layout.problem import Problem

log = logging.getLogger(__name__)

#: Above this many candidate lets the full model is not tried; the search takes over.
FULL_MODEL_MAX_CANDIDATES = 4000
#: Up to this many candidate lets the full model runs branch-and-cut without neighbourhood
#: search, one worker per racer (``TREE_RACE``). Measured at 50 x 20 (287-355 lets, quiet
#: 2-core machine), one worker: the optimum proven in 0.8 / 0.07 / 4-10 s (seeds 0 / 1 / 2,
#: by CP-SAT random seed) against 2.7 / 0.2 / over 20 s with the default two-worker
#: portfolio, which spends the time in LNS.
TREE_ONLY_MAX_CANDIDATES = 1000
#: The small model's two racers, one thread each: CP-SAT presolve off, then on (both at
#: linearization level 2). Measured on six differently ordered models of the hard 50 x 20
#: seeds 2 and 7 (quiet 2-core machine): the race proved them in 4.0-11.0 s (median 5.5)
#: against 4.6-14.7 s (median 12) for the first racer alone; the two presolve settings are
#: slow on different models. On the ten benchmark seeds in their one order: within 0.5 s.
TREE_RACE = (False, True)
#: Above this many candidate lets the exact solve without synergy is skipped and the search
#: starts from greedy. Measured on the shared 2-core machine (load 10-17): at 500 x 200
#: (27k lets) exact-first gained +2.9 to +7.7 % over greedy in 60 s, search-only +4.1 % on
#: the worst seed (+2.9 % exact-first); at 1,000 x 400 the exact solve found nothing in 120 s.
PHASE_A_MAX_CANDIDATES = 10000
#: How many halls (blocks) one move of the search re-optimises together, drawn uniformly.
HALLS_PER_MOVE = (1, 2)
#: Longest one move of the neighbourhood search may take. [s] The search needs better
#: layouts, not proofs: measured at 500 x 200 (60 s, seeds 0 / 1 / 2), a 1 s cap made
#: 946 / 915 / 352 moves and gained +10.7 / +13.2 / +7.0 % over greedy, against about
#: 840 / 976 / 186-245 moves and +10.4 / +13.0 / +6.0-6.4 % with 3 s (0.5 s: seed 2 +7.0 %).
MOVE_TIME_LIMIT = 1.0
#: Units per neighbourhood block when a hall is too big to re-optimise at once.
MAX_BLOCK_UNITS = 60


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
        }


# --------------------------------------------------------------------------------------------
# the model as rows of 0/1 variables (one representation, two solvers)


@dataclass
class _Model:
    cands: list[int]  # candidate index per x variable
    obj: list[int]  # cents per variable (x first, then y)
    rows: list[list[int]] = field(default_factory=list)  # sum(vars) <= 1
    links: list[tuple[int, list[int]]] = field(default_factory=list)  # y <= sum(vars)
    #: synergy indicators: (y, unit, lets on the unit that need the type); unit -1 for a
    #: tenant held fixed next to the free units
    needs: list[tuple[int, int, list[int]]] = field(default_factory=list)

    @property
    def n_x(self) -> int:
        return len(self.cands)


def _build(
    inst: Instance,
    free_apps: set[int],
    free_units: set[int],
    occ: Occupancy,
    *,
    with_synergy: bool,
) -> _Model:
    """The model over free applicants and units; everything else is fixed as in ``occ``."""
    outside = {u: p for u, p in occ.holder.items() if u not in free_units}
    syn = inst.synergy_cents
    profs = inst.profiles
    cands: list[int] = []
    obj: list[int] = []
    seen: set[int] = set()
    for u in sorted(free_units):
        for ci in inst.by_unit[u]:
            if ci in seen:
                continue
            seen.add(ci)
            c = inst.candidates[ci]
            if c.app not in free_apps or any(x not in free_units for x in c.units):
                continue
            prof = profs[c.app]
            ok, bonus = True, 0
            for x in c.units:
                for v in inst.nb[x]:
                    if v in c.units or v not in outside:
                        continue
                    if prof.clashes(outside[v]):
                        ok = False
                        break
                if not ok:
                    break
                for t in prof.needs:
                    if t in syn and any(
                        v not in c.units and v in outside and t in outside[v].provides
                        for v in inst.nb[x]
                    ):
                        bonus += syn[t]
            if ok:
                cands.append(ci)
                obj.append(c.cents + bonus)
    m = _Model(cands=cands, obj=obj)
    by_app: dict[int, list[int]] = {}
    by_unit: dict[int, list[int]] = {u: [] for u in free_units}
    for k, ci in enumerate(cands):
        c = inst.candidates[ci]
        by_app.setdefault(c.app, []).append(k)
        for u in c.units:
            by_unit[u].append(k)
    m.rows += [ks for ks in by_app.values() if len(ks) > 1]
    m.rows += [ks for ks in by_unit.values() if len(ks) > 1]
    cand_units = [inst.candidates[ci].units for ci in cands]
    cand_app = [inst.candidates[ci].app for ci in cands]
    for u in sorted(free_units):
        for v in inst.nb[u]:
            if v not in free_units:
                continue
            on_u = [k for k in by_unit[u] if v not in cand_units[k]]
            on_v = [k for k in by_unit[v] if u not in cand_units[k]]
            noisy_u = [k for k in on_u if profs[cand_app[k]].noisy]
            sens_v = [k for k in on_v if profs[cand_app[k]].sensitive]
            if noisy_u and sens_v:
                m.rows.append(noisy_u + sens_v)
            if u < v:
                haz_u = [k for k in on_u if profs[cand_app[k]].hazardous]
                haz_v = [k for k in on_v if profs[cand_app[k]].hazardous]
                if haz_u and haz_v:
                    m.rows.append(haz_u + haz_v)
    if not with_synergy or not syn:
        return m
    for u in sorted(free_units):
        needed: dict[str, list[int]] = {}
        for k in by_unit[u]:
            for t in sorted(profs[cand_app[k]].needs):  # the model's order: reproducible
                if t in syn:
                    needed.setdefault(t, []).append(k)
        for t, needers in needed.items():
            if any(v in outside and t in outside[v].provides for v in inst.nb[u]):
                continue  # folded into the let's value
            providers = [
                k
                for v in inst.nb[u]
                if v in free_units
                for k in by_unit[v]
                if u not in cand_units[k] and t in profs[cand_app[k]].provides
            ]
            if providers:
                y = len(m.obj)
                m.obj.append(syn[t])
                m.links.append((y, needers))
                m.links.append((y, sorted(set(providers))))
                m.needs.append((y, u, needers))
    # tenants held fixed next to the free units: their needs met by a free provider
    border = {v for u in free_units for v in inst.nb[u] if v in outside}
    for w in sorted(border):
        h = outside[w]
        for t in sorted(h.needs):
            if t not in syn:
                continue
            if any(
                v in outside and outside[v].key != h.key and t in outside[v].provides
                for v in inst.nb[w]
            ):
                continue  # already earned, constant
            providers = [
                k
                for v in inst.nb[w]
                if v in free_units
                for k in by_unit[v]
                if t in profs[cand_app[k]].provides
            ]
            if providers:
                y = len(m.obj)
                m.obj.append(syn[t])
                m.links.append((y, sorted(set(providers))))
                m.needs.append((y, -1, []))
    return m


def _synergy_bound(m: _Model) -> int:
    """An upper bound on the synergy indicators' total, in cents: per unit, the most any one
    let on it could earn (a unit has one tenant), plus every fixed tenant's possible gains.
    """
    per_let: dict[tuple[int, int], int] = {}
    total = 0
    for y, u, needers in m.needs:
        if u < 0:
            total += m.obj[y]
            continue
        for k in needers:
            per_let[(u, k)] = per_let.get((u, k), 0) + m.obj[y]
    best: dict[int, int] = {}
    for (u, _), v in per_let.items():
        best[u] = max(best.get(u, 0), v)
    return total + sum(best.values())


def _cpsat(
    m: _Model,
    *,
    hint: Iterable[int],
    deadline: float,
    workers: int,
    seed: int,
    linearization: int = 2,
    tree_only: bool = False,
) -> tuple[str, list[int], float | None]:
    """Solve a model with CP-SAT: status, chosen x positions, bound in cents.

    ``tree_only`` runs branch-and-cut without neighbourhood search: it proves small models
    sooner (see ``TREE_ONLY_MAX_CANDIDATES``). With ``workers >= 2`` it races two
    single-worker solves in two threads, one with CP-SAT's presolve and one without, and
    stops the other when one proves the optimum (see ``TREE_RACE``).
    """
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    xs = [model.new_bool_var("") for _ in range(len(m.obj))]
    for row in m.rows:
        model.add_at_most_one([xs[k] for k in row])
    for y, ks in m.links:
        model.add(cp_model.LinearExpr.sum([xs[k] for k in ks]) >= xs[y])
    model.maximize(cp_model.LinearExpr.weighted_sum(xs, m.obj))
    hinted = set(hint)
    for k in range(m.n_x):
        model.add_hint(xs[k], k in hinted)

    def make_solver(presolve: bool, num_workers: int) -> Any:
        solver = cp_model.CpSolver()
        p = solver.parameters
        # the limit counts from here: building the model above takes seconds on big instances
        p.max_time_in_seconds = max(0.05, deadline - time.perf_counter())
        p.num_workers = num_workers
        p.random_seed = seed
        if tree_only:
            # the proof is the slow part of small models: the LNS workers took time from it
            p.use_lns = False
        # measured: default presolve (at linearization level 1) rewrites the synergy rows
        # into a form the LP ignores; at level 2 it is one of the two racers below
        p.cp_model_presolve = presolve
        # level 2 proves small models with synergy at once; on the big model without synergy
        # its LP did not finish in 6 s where level 1 gave a bound within 2.4 % (200 x 80)
        p.linearization_level = linearization
        return solver

    if tree_only and workers >= 2:
        solvers = [make_solver(presolve, 1) for presolve in TREE_RACE]
        statuses: list[Any] = [None] * len(solvers)
        lock = threading.Lock()

        def run(i: int) -> None:
            status = solvers[i].solve(model)
            with lock:
                statuses[i] = status
                if status == cp_model.OPTIMAL:
                    for j, other in enumerate(solvers):
                        if j != i and statuses[j] is None:
                            other.stop_search()

        threads = [
            threading.Thread(target=run, args=(i,), name=f"layout-cp-sat-{i}", daemon=True)
            for i in range(len(solvers))
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        found = [i for i, st in enumerate(statuses) if st in (cp_model.OPTIMAL, cp_model.FEASIBLE)]
        if not found:
            return solvers[0].status_name(statuses[0]), sorted(hinted), None
        proven = [i for i in found if statuses[i] == cp_model.OPTIMAL]
        best = proven[0] if proven else max(found, key=lambda i: solvers[i].objective_value)
        solver = solvers[best]
        # every finished solve's bound is proven: the lowest is the tightest
        bound = min(solvers[i].best_objective_bound for i in found)
        name = "OPTIMAL" if proven else "FEASIBLE"
        chosen = [k for k in range(m.n_x) if solver.boolean_value(xs[k])]
        return name, chosen, bound

    solver = make_solver(False, 1 if tree_only else workers)
    status = solver.solve(model)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return name, sorted(hinted), None
    chosen = [k for k in range(m.n_x) if solver.boolean_value(xs[k])]
    return name, chosen, solver.best_objective_bound


def _lp_bound(m: _Model, time_limit: float) -> float | None:
    """HiGHS's LP relaxation of the model, in cents, or None if it did not finish."""
    import highspy
    import numpy as np

    n = len(m.obj)
    starts, index, value = [0], [], []
    upper = []
    for row in m.rows:
        index += row
        value += [1.0] * len(row)
        starts.append(len(index))
        upper.append(1.0)
    for y, ks in m.links:
        index += [y, *ks]
        value += [1.0] + [-1.0] * len(ks)
        starts.append(len(index))
        upper.append(0.0)
    # the plain core class: highspy.Highs prints a banner to stdout when constructed
    h = getattr(highspy._core, "_Highs", highspy.Highs)()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", max(0.1, time_limit))
    # measured at 500 x 200: interior point 14 s, dual simplex > 60 s (on a loaded machine)
    h.setOptionValue("solver", "ipm")
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(upper)
    lp.col_cost_ = np.asarray(m.obj, dtype=float)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.ones(n)
    lp.row_lower_ = np.full(len(upper), -highspy.kHighsInf)
    lp.row_upper_ = np.asarray(upper, dtype=float)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.asarray(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.asarray(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.asarray(value, dtype=float)
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = len(upper)
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    obj = float(h.getInfo().objective_function_value)
    return obj + 1e-6 * abs(obj) + 1e-6


# --------------------------------------------------------------------------------------------
# the search


def _value(problem: Problem, assignment: dict[str, list[str]]) -> Decimal:
    ev = evaluate(problem, assignment)
    if ev.violations:  # a bug, never bad input: the model encodes every rule
        raise AssertionError(f"layout engine produced an infeasible layout: {ev.violations[:3]}")
    return ev.objective


def _hint_positions(inst: Instance, m: _Model, occ: Occupancy) -> list[int]:
    pos = {(inst.candidates[ci].app, inst.candidates[ci].units): k for k, ci in enumerate(m.cands)}
    return [pos[(a, us)] for a, us in occ.placed.items() if (a, us) in pos]


def _apply(
    inst: Instance, m: _Model, chosen: list[int], occ: Occupancy, free_units: set[int]
) -> Occupancy:
    out = Occupancy(inst)
    for a, us in occ.placed.items():
        if not any(u in free_units for u in us):
            out.place(a, us)
    for k in chosen:
        c = inst.candidates[m.cands[k]]
        out.place(c.app, c.units)
    return fill(inst, out)


def _blocks(inst: Instance) -> list[list[int]]:
    """Neighbourhoods for the search: halls, big halls cut into blocks of adjacent units."""
    out = []
    for uids in inst.problem.halls().values():
        units = [inst.index[u] for u in uids if inst.index[u] not in inst.fixed]
        if not units:
            continue
        if len(units) <= MAX_BLOCK_UNITS:
            out.append(units)
            continue
        todo, members = set(units), set(units)
        while todo:  # breadth-first blocks keep each block connected where possible
            start = min(todo)
            block: list[int] = []
            queue = [start]
            todo.discard(start)
            while queue and len(block) < MAX_BLOCK_UNITS:
                x = queue.pop(0)
                block.append(x)
                for y in sorted(inst.nb[x]):
                    if y in todo and y in members:
                        todo.discard(y)
                        queue.append(y)
            todo |= set(queue)
            out.append(block)
    return out


@dataclass
class _Run:
    """One solve's inputs, clock and incumbent, shared by its phases."""

    inst: Instance
    problem: Problem
    t0: float  # perf_counter at the start [s]
    deadline: float  # perf_counter at the limit [s]
    workers: int
    seed: int
    best: dict[str, list[str]]
    best_value: Decimal
    history: list[tuple[float, float]] = field(default_factory=list)

    @property
    def all_apps(self) -> set[int]:
        return set(range(len(self.problem.applicants)))

    @property
    def free_units(self) -> set[int]:
        return {u for u in range(len(self.inst.unit_ids)) if u not in self.inst.fixed}

    def offer(self, assignment: dict[str, list[str]], value: Decimal | None = None) -> bool:
        """Keep a layout if it beats the incumbent (valued here unless given); True if kept."""
        v = _value(self.problem, assignment) if value is None else value
        if v <= self.best_value:
            return False
        self.best, self.best_value = assignment, v
        self.history.append((time.perf_counter() - self.t0, float(v)))
        return True


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
    if with_reasons:
        from site_manager.layout.reasons import explain

        sol.reasons = explain(inst, run.best)
    return sol


def _large(run: _Run, occ: Occupancy, const: Decimal, stats: dict[str, int]) -> float | None:
    """Exact solve without synergy, then hall-by-hall search with it; the bound last.

    Improves ``run``'s incumbent in place and returns the bound [EUR/month].
    """
    inst, problem, t0, deadline, workers, seed = (
        run.inst, run.problem, run.t0, run.deadline, run.workers, run.seed
    )  # fmt: skip
    all_apps, free_units = run.all_apps, run.free_units
    # the bound: HiGHS's LP relaxation of the full model, in a thread beside the search
    # (HiGHS releases the GIL; measured: the search keeps about two thirds of its speed)
    full = _build(inst, all_apps, free_units, Occupancy(inst), with_synergy=True)
    lp_result: list[float | None] = []
    lp_thread = threading.Thread(
        target=lambda: lp_result.append(_lp_bound(full, deadline - time.perf_counter())),
        name="layout-lp-bound",
        daemon=True,
    )
    lp_thread.start()
    log.info("full model built at %.1f s: %d variables", time.perf_counter() - t0, len(full.obj))
    # 1. the exact solve without the synergy rows
    # a weak bound that costs nothing: every applicant on its best let, every unit earning
    # the most synergy any let on it could (a unit has one tenant)
    best_let: dict[int, int] = {}
    for k, ci in enumerate(full.cands):
        a = inst.candidates[ci].app
        best_let[a] = max(best_let.get(a, 0), full.obj[k])
    fallback = (sum(best_let.values()) + _synergy_bound(full)) / 100 + float(const)
    if len(inst.candidates) > PHASE_A_MAX_CANDIDATES:
        cur, cur_value = Occupancy(inst, run.best), run.best_value
    else:
        cur, cur_value, lets_bound = _phase_a(run, occ)
        if lets_bound is not None:
            # the lets (and synergy from existing tenants) cannot beat the model without
            # synergy rows; the synergy indicators cannot beat their per-unit maximum
            fallback = min(fallback, (lets_bound + _synergy_bound(full)) / 100 + float(const))
    # 2. large-neighbourhood search, one or two halls at a time, with synergy
    blocks = _blocks(inst)
    rng = random.Random(seed)
    it = 0
    while blocks and time.perf_counter() < deadline - 0.2:
        it += 1
        k = min(len(blocks), rng.choice(HALLS_PER_MOVE))
        chosen_blocks = rng.sample(range(len(blocks)), k=k)
        units = {u for b in chosen_blocks for u in blocks[b]}
        apps = {a for a in all_apps if a not in cur.placed or set(cur.placed[a]) <= units}
        # a pair let straddling the block edge stays where it is
        units -= {u for a, us in cur.placed.items() if a not in apps for u in us}
        log.debug("iteration %d starts at %.2f s", it + 1, time.perf_counter() - t0)
        m = _build(inst, apps, units, cur, with_synergy=True)
        if not m.cands:
            continue
        _, ch, _ = _cpsat(
            m,
            hint=_hint_positions(inst, m, cur),
            deadline=min(deadline, time.perf_counter() + MOVE_TIME_LIMIT),
            workers=workers,
            seed=seed + it,
        )
        log.debug("iteration %d: %d lets, solved at %.2f s", it, m.n_x, time.perf_counter() - t0)
        nxt = _apply(inst, m, ch, cur, units)
        v = _value(problem, nxt.assignment())
        if v >= cur_value:
            cur, cur_value = nxt, v
            run.offer(nxt.assignment(), v)
    log.info("neighbourhood search: %d iterations over %d blocks", it, len(blocks))
    stats["lns_iterations"] = it
    # HiGHS stops at its own time limit (the deadline); waiting a little past it keeps a
    # running solver thread from outliving the call (and the interpreter)
    lp_thread.join(timeout=max(0.0, deadline - time.perf_counter()) + 30.0)
    if lp_thread.is_alive():
        log.warning("the LP bound did not stop at its time limit; no bound reported")
    lp = lp_result[0] if lp_result else None
    bounds = [b for b in (fallback, None if lp is None else lp / 100 + float(const)) if b]
    bound = max(float(run.best_value), min(bounds)) if bounds else None
    log.info("bounds: LP %s, without synergy + synergy maximum %s", lp, fallback)
    return bound


def _phase_a(run: _Run, occ: Occupancy) -> tuple[Occupancy, Decimal, float | None]:
    """The exact solve without synergy rows, from greedy, in 30 % of the time.

    Returns the layout the search starts from, its value, and the solve's bound in cents.
    """
    inst, t0 = run.inst, run.t0
    free_units = run.free_units
    m0 = _build(inst, run.all_apps, free_units, occ, with_synergy=False)
    log.info("model without synergy built at %.1f s", time.perf_counter() - t0)
    _, chosen, bound_cents = _cpsat(
        m0,
        hint=_hint_positions(inst, m0, occ),
        deadline=min(time.perf_counter() + 0.3 * (run.deadline - t0), run.deadline),
        workers=run.workers,
        seed=run.seed,
        linearization=1,
    )
    cur = _apply(inst, m0, chosen, occ, free_units)
    cur_value = _value(run.problem, cur.assignment())
    log.info("applied at %.1f s", time.perf_counter() - t0)
    if not run.offer(cur.assignment(), cur_value):
        cur, cur_value = Occupancy(inst, run.best), run.best_value  # start from the better
    return cur, cur_value, bound_cents


__all__ = ["Solution", "solve", "build_instance"]
