"""The Layout lab's speed: the sample sites proven optimal, and a manual move at 200 units.

1. Each sample site (``register.sample_names()``, loaded into a temporary register with
   ``register.load_sample``): its applicants into its vacant units, the problem built as the
   Layout lab builds it by default (``problem_from_register``, bays of 150 m², two-unit lets,
   planned for the first of next month), solved with the lab's engine
   (``site_manager.layout.solve``); the time to the proof is printed with the objective
   against the greedy layout's (the ratio). Goal (issue 15): proven optimal, the best layout
   on screen within 5 s.
2. A synthetic site of 200 units and 80 applicants (``layout.synthetic.random_problem``):
   starting from the greedy layout, one applicant is moved by hand into another unit, and
   the server work of the page's re-run after the move is timed: the rule re-check
   (``lab.breaches`` of the edited let and of the whole layout), the lets table and the
   applicants left out, the key figures (this layout and greedy), and the plan figure of the
   moved unit's storey redrawn (``lab_plan.plan_frame`` + ``figures.floor_plan_figure`` +
   the JSON ``st.plotly_chart`` sends). The synthetic units have no footprint: each hall is
   drawn as a row of square rooms of the unit's area. Goal: ≤ 0.3 s; the ratio to the goal is
   printed, wall-clock and CPU (on a shared, busy machine the wall time includes waiting for a
   core, the CPU time is what an unloaded server spends); the plan of all 200 units on one
   storey (the worst case) is printed too.
3. The 50 × 20 proofs (``random_problem(50, 20, seed)``, seeds 0–9 by default): each solved
   with ``solve(time_limit=10)`` on all the machine's cores, the time to the proof printed
   beside the same solve of the model without the tighter synergy links of
   ``layout.model._pair_cuts`` (the baseline, measured in the same run, seed by seed), with
   the ratio; both optima must be equal. Goal (issue 15): proven within 10 s on every seed.
   The load average is printed before and after: other work on the cores slows both.

Usage: ``python benchmarks/layout_lab.py [--repeat 5] [--units 200] [--applicants 80]
[--sites engineering_works,...] [--proof-seeds 0,1,...] [--skip sites,move,proofs]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import importlib
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from typing import Any

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import plotly.io  # noqa: E402
from shapely import box  # noqa: E402

from site_manager import figures, register  # noqa: E402
from site_manager.layout import lab, problem_from_register, solve  # noqa: E402
from site_manager.layout.lab_plan import OCCUPANT_COLOURS, plan_frame  # noqa: E402
from site_manager.layout.model import _build  # noqa: E402
from site_manager.layout.scenarios import first_of_next_month  # noqa: E402
from site_manager.layout.synthetic import random_problem  # noqa: E402

PROOF_GOAL_S = 5.0
MOVE_GOAL_S = 0.3
PROOF_50X20_GOAL_S = 10.0
BAY_AREA_M2 = 150.0


def sample_sites(names: list[str], on: dt.date) -> None:
    print(f"Sample sites: applicants into vacant units, planned for {on}, bays of {BAY_AREA_M2} m²")
    print(f"{'site':<22} {'units':>5} {'vacant':>6} {'apps':>4} {'status':>8} {'secs':>6} "
          f"{'greedy':>9} {'optimum':>9} {'ratio':>6}  goal")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            engine = register.open_register(f"sqlite:///{folder}/{name}.sqlite")
            site = register.load_sample(engine, name)
            problem = problem_from_register(register.frames(engine, site), on_date=on,
                                            bay_area_m2=BAY_AREA_M2)  # fmt: skip
            engine.dispose()
            t0 = time.perf_counter()
            sol = solve(problem, time_limit=60)
            secs = time.perf_counter() - t0
            ratio = sol.objective / sol.greedy_objective if sol.greedy_objective else float("nan")
            ok = "within" if sol.status == "OPTIMAL" and secs <= PROOF_GOAL_S else "OVER"
            print(f"{name:<22} {len(problem.units):>5} {len(lab.vacant_units(problem)):>6} "
                  f"{len(problem.applicants):>4} {sol.status:>8} {secs:6.2f} "
                  f"{sol.greedy_objective:9.0f} {sol.objective:9.0f} {ratio:6.3f}  "
                  f"{ok} ({PROOF_GOAL_S} s, proven)", flush=True)  # fmt: skip


def footprints(problem: Any) -> dict[str, Any]:
    """Each hall a row of square rooms of the units' areas, halls stacked per storey."""
    out: dict[str, Any] = {}
    rows: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for u in problem.units:
        rows[u.storey][u.hall].append(u)
    for halls in rows.values():
        y = 0.0
        for units in halls.values():
            x, depth = 0.0, 0.0
            for u in units:
                side = u.area**0.5
                out[u.id] = box(x, y, x + side, y + side)
                x, depth = x + side, max(depth, side)
            y += depth + 4.0
    return out


def after_move(problem: Any, layout: dict, greedy: dict, who: str, plans: dict, storey: Any):
    """The page's server work after a manual move (see the module docstring)."""
    lab.breaches(problem, layout, who)
    lab.breaches(problem, layout)
    lab.lets_table(problem, layout)
    lab.left_out_table(problem, layout)
    lab.compare_figures({"this layout": lab.key_figures(problem, layout),
                         "greedy": lab.key_figures(problem, greedy)})  # fmt: skip
    frame = plan_frame(plans, problem, layout, storey=storey)
    fig = figures.floor_plan_figure(frame, color_by="occupant", palette=OCCUPANT_COLOURS,
                                    title=f"{storey}: edited layout")  # fmt: skip
    return len(frame), len(plotly.io.to_json(fig, validate=False))


def manual_move(n_units: int, n_apps: int, repeat: int) -> None:
    problem = random_problem(n_units, n_apps, seed=0)
    greedy = dict(solve(problem, use_greedy_only=True, with_reasons=False).assignment)
    held = {u for us in greedy.values() for u in us}
    who = sorted(greedy)[0]
    target = next(u for u in problem.units if u.id not in held)
    layout = lab.move(greedy, who, [target.id])
    plans = footprints(problem)
    print(f"\nManual move at {len(problem.units)} units, {len(problem.applicants)} applicants "
          f"({len(greedy)} placed by greedy): {who} to {target.id}")  # fmt: skip
    after_move(problem, layout, greedy, who, plans, target.storey)  # warm up
    for label, storey in ((f"storey {target.storey}", target.storey), ("all units", None)):
        runs = []
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            drawn, size = after_move(problem, layout, greedy, who, plans, storey)
            runs.append((time.perf_counter() - wall, time.process_time() - cpu))
        w = statistics.median(r[0] for r in runs)
        c = statistics.median(r[1] for r in runs)
        verdict = "within" if min(w, c) <= MOVE_GOAL_S else "OVER"
        print(f"  plan of {label:<12} {drawn:>4} units drawn: {w:6.3f} s wall, {c:6.3f} s CPU, "
              f"{size / 1e6:.2f} MB JSON; ratio to the {MOVE_GOAL_S} s goal "
              f"{min(w, c) / MOVE_GOAL_S:.2f} ({verdict})", flush=True)  # fmt: skip


def _timed_solve(
    problem: Any, seed: int, workers: int, pair_cuts: bool
) -> tuple[Any, float, float]:
    """``solve`` as the lab runs it (without the tighter links for the baseline): the
    solution, wall-clock and CPU seconds (CPU: the process's threads, what an unloaded
    machine would spend).
    """
    module = importlib.import_module("site_manager.layout.solve")
    plain = module._build
    module._build = functools.partial(_build, pair_cuts=pair_cuts)
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        sol = solve(problem, time_limit=PROOF_50X20_GOAL_S, workers=workers, seed=seed,
                    with_reasons=False)  # fmt: skip
        return sol, time.perf_counter() - wall, time.process_time() - cpu
    finally:
        module._build = plain


def proofs_50x20(seeds: list[int]) -> None:
    workers = os.cpu_count() or 1
    print(
        f"\n50 x 20 proofs, limit {PROOF_50X20_GOAL_S:.0f} s, {workers} workers, load average "
        f"{os.getloadavg()[0]:.1f}; baseline = the model without the tighter synergy links "
        f"(layout.model._pair_cuts), solved just before, seed by seed"
    )
    print(f"{'seed':>4} {'lets':>5} | {'base s':>7} {'cpu s':>6} {'status':>8} | {'new s':>7} "
          f"{'cpu s':>6} {'status':>8} {'best':>7} {'bound':>7} | {'ratio':>5}  goal")  # fmt: skip
    proven, totals = 0, [0.0, 0.0, 0.0, 0.0]
    for seed in seeds:
        problem = random_problem(50, 20, seed=seed)
        base, base_s, base_cpu = _timed_solve(problem, seed, workers, pair_cuts=False)
        new, new_s, new_cpu = _timed_solve(problem, seed, workers, pair_cuts=True)
        if base.status == new.status == "OPTIMAL" and base.objective != new.objective:
            raise SystemExit(f"seed {seed}: optimum {new.objective} against {base.objective}")
        ok = new.status == "OPTIMAL" and new_s <= PROOF_50X20_GOAL_S
        proven += ok
        for i, v in enumerate((base_s, base_cpu, new_s, new_cpu)):
            totals[i] += v
        bound = "-" if new.bound is None else f"{new.bound:.0f}"
        print(f"{seed:>4} {new.stats['candidates']:>5} | {base_s:7.2f} {base_cpu:6.2f} "
              f"{base.status:>8} | {new_s:7.2f} {new_cpu:6.2f} {new.status:>8} "
              f"{new.objective:7.0f} {bound:>7} | {new_s / base_s:5.2f}  "
              f"{'within' if ok else 'OVER'}", flush=True)  # fmt: skip
    print(f"  proven within {PROOF_50X20_GOAL_S:.0f} s on {proven}/{len(seeds)} seeds; all seeds: "
          f"{totals[2]:.1f} s against {totals[0]:.1f} s (ratio {totals[2] / totals[0]:.2f}), CPU "
          f"{totals[3]:.1f} s against {totals[1]:.1f} s (ratio {totals[3] / totals[1]:.2f}); "
          f"load average now {os.getloadavg()[0]:.1f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--applicants", type=int, default=80)
    parser.add_argument("--sites", help="comma-separated sample names (default: all)")
    parser.add_argument("--proof-seeds", default="0,1,2,3,4,5,6,7,8,9",
                        help="seeds of the 50 x 20 proofs")  # fmt: skip
    parser.add_argument("--skip", default="", help="parts to leave out: sites, move, proofs")
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    print(f"layout_lab: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    if "sites" not in skip:
        names = args.sites.split(",") if args.sites else list(register.sample_names())
        sample_sites(names, first_of_next_month())
    if "move" not in skip:
        manual_move(args.units, args.applicants, args.repeat)
    if "proofs" not in skip:
        proofs_50x20([int(s) for s in args.proof_seeds.split(",")])


if __name__ == "__main__":
    main()
