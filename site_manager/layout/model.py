"""The exact layout model as rows of 0/1 variables, and its two back ends: CP-SAT and HiGHS.

One representation, two solvers: :func:`_build` turns the free applicants and units of an
:class:`~site_manager.layout.objective.Instance` into a :class:`_Model` (one boolean per
feasible candidate let, rows *sum <= 1*, synergy links *y <= sum*; the rows are described in
:mod:`site_manager.layout.solve`); :func:`_cpsat` solves it with CP-SAT, racing two tree
searches on small models (``TREE_RACE``); :func:`_lp_bound` solves HiGHS's LP relaxation for
the bound of large instances. Values are integer cents of EUR/month.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from site_manager.layout.greedy import Occupancy
from site_manager.layout.objective import Instance

#: The small model's two racers, one thread each: CP-SAT presolve off, then on (both at
#: linearization level 2). Measured on six differently ordered models of the hard 50 x 20
#: seeds 2 and 7 (quiet 2-core machine): the race proved them in 4.0-11.0 s (median 5.5)
#: against 4.6-14.7 s (median 12) for the first racer alone; the two presolve settings are
#: slow on different models. On the ten benchmark seeds in their one order: within 0.5 s.
TREE_RACE = (False, True)


@dataclass
class _Model:
    cands: list[int]  # candidate index per x variable
    obj: list[int]  # cents per variable (x first, then y)
    rows: list[list[int]] = field(default_factory=list)  # sum(vars) <= 1
    links: list[tuple[int, list[int]]] = field(default_factory=list)  # y <= sum(vars)
    #: synergy indicators: (y, unit, lets on the unit that need the type); unit -1 for a
    #: tenant held fixed next to the free units
    needs: list[tuple[int, int, list[int]]] = field(default_factory=list)
    #: caps of the hard community rules: (x positions, weights, limit), sum <= limit
    caps: list[tuple[list[int], list[int], int]] = field(default_factory=list)

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
    pair_cuts: bool = True,
) -> _Model:
    """The model over free applicants and units; everything else is fixed as in ``occ``.

    ``pair_cuts`` adds the tighter synergy links of :func:`_pair_cuts` (redundant for whole
    layouts: the optimum is the same without them, the proof slower).
    """
    outside = {u: p for u, p in occ.holder.items() if u not in free_units}
    hard = inst.hard
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
            if ok and hard is not None and hard.near_clash(prof, c.units, outside):
                ok = False
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
    if hard is not None:
        _hard_rows(inst, m, free_apps, free_units, occ, by_unit, cand_units, cand_app)
    if not with_synergy or not syn:
        return m
    cuts: list[tuple[int, list[int]]] = []
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
                if pair_cuts:
                    cuts += _pair_cuts(y, u, needers, providers, inst.nb[u], cand_units)
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
    m.links += cuts
    return m


def _pair_cuts(
    y: int,
    u: int,
    needers: list[int],
    providers: list[int],
    nb: frozenset[int],
    cand_units: list[tuple[int, ...]],
) -> list[tuple[int, list[int]]]:
    """Tighter synergy links of one indicator: for each neighbour v of u that a needing
    two-unit let also covers, *y <= needers not covering v + providers not touching v*.

    Valid: the earning needer either leaves v free (first sum), or covers v, and then its
    provider, on other units, touches another neighbour of u (second sum). The plain links
    let the LP pair a two-unit let on (u, v) with a provider on v; these rows do not: on
    the 50 x 20 problems of seeds 2 and 7 they close a third to 40 % of the LP bound's gap
    to the optimum (seed 2: 22,197 -> 21,922 EUR/month, optimum 21,545) without a new
    variable (``docs/layout.md``, ``benchmarks/layout_lab.py``).
    """
    touching: dict[int, set[int]] = {}
    for k in providers:
        for v in cand_units[k]:
            if v in nb:
                touching.setdefault(v, set()).add(k)
    out = []
    for v in sorted(touching):
        free_v = [k for k in needers if v not in cand_units[k]]
        if len(free_v) == len(needers):
            continue  # no needer covers v: implied by y <= needers
        others = {k for w, ks in touching.items() if w != v for k in ks} - touching[v]
        out.append((y, sorted(set(free_v) | others)))
    return out


def _hard_rows(
    inst: Instance,
    m: _Model,
    free_apps: set[int],
    free_units: set[int],
    occ: Occupancy,
    by_unit: dict[int, list[int]],
    cand_units: list[tuple[int, ...]],
    cand_app: list[int],
) -> None:
    """The hard community rules' rows (:mod:`site_manager.layout.hard_rules`): for units
    fewer than a distance rule's steps apart, clashing lets on the two <= 1; the caps.
    """
    hard, profs = inst.hard, inst.profiles
    for rule, near in hard.near:
        for u in sorted(free_units):
            for v in sorted(near[u]):
                if v not in free_units or (rule.kind == "hazard_distance" and v < u):
                    continue
                on_u = [k for k in by_unit[u] if v not in cand_units[k]]
                on_v = [k for k in by_unit[v] if u not in cand_units[k]]
                if rule.kind == "hazard_distance":
                    a = [k for k in on_u if profs[cand_app[k]].hazardous]
                    b = [k for k in on_v if profs[cand_app[k]].hazardous]
                else:  # the noisy on u, the sensitive on v (the other way round from v)
                    db = rule.noisy_db if rule.noisy_db is not None else hard.noisy_db
                    a = [k for k in on_u if profs[cand_app[k]].noise_db >= db]
                    b = [k for k in on_v if profs[cand_app[k]].sensitive]
                if a and b:
                    m.rows.append(a + b)
    fixed_lets = {a: us for a, us in occ.placed.items() if a not in free_apps}
    for cap in hard.caps:
        ks = [k for k in range(m.n_x) if cap.counts(profs[cand_app[k]])]
        if not ks:
            continue
        outside = sum(cap.weight(inst, us) for a, us in fixed_lets.items()
                      if cap.counts(profs[a]))  # fmt: skip
        weights = [cap.weight(inst, cand_units[k]) for k in ks]
        m.caps.append((ks, weights, max(0, cap.limit - outside)))


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
    for ks, weights, limit in m.caps:
        model.add(cp_model.LinearExpr.weighted_sum([xs[k] for k in ks], weights) <= limit)
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
    for ks, weights, limit in m.caps:
        index += ks
        value += [float(w) for w in weights]
        starts.append(len(index))
        upper.append(float(limit))
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
