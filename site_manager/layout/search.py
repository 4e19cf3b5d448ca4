"""The hall-by-hall search of large instances, and the helpers every phase of a solve shares.

Above ``FULL_MODEL_MAX_CANDIDATES`` lets (:mod:`site_manager.layout.solve`), :func:`_large`
runs the exact solve without synergy rows (:func:`_phase_a`), then a large-neighbourhood
search that re-optimises one or two halls (:func:`_blocks`) at a time with synergy, every
other tenant fixed, while HiGHS's LP relaxation of the full model gives the bound in a thread
beside it. :class:`_Run` holds one solve's clock and incumbent; every layout kept is checked
by :func:`~site_manager.layout.objective.evaluate` (:func:`_value`).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal

from site_manager.layout.community import check_rules
from site_manager.layout.greedy import Occupancy, fill
from site_manager.layout.model import _build, _cpsat, _lp_bound, _Model, _synergy_bound
from site_manager.layout.objective import Instance, evaluate
from site_manager.layout.problem import Problem

log = logging.getLogger(__name__)

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


def _value(problem: Problem, assignment: dict[str, list[str]]) -> Decimal:
    ev = evaluate(problem, assignment)
    broken = ev.violations + [v.message for v in check_rules(problem, assignment) if v.hard]
    if broken:  # a bug, never bad input: the model encodes every rule, hard community ones too
        raise AssertionError(f"layout engine produced an infeasible layout: {broken[:3]}")
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
