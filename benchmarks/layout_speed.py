"""Layout engine speed and quality on seeded, realistic problems, against greedy in the same run.

Per size and seed: time to the first feasible layout (the greedy one; the empty layout is
always feasible, so "time to beat greedy" tells more), objective, proven bound, gap, gain over
greedy. Targets (issue 7): 50 × 20 proven optimal within 5 s; 500 × 200 with a 60 s limit
beats greedy by ≥ 6 % on every seed; 1,000 × 400 beats greedy within 120 s.

    .venv/bin/python benchmarks/layout_speed.py                 # the full run (~10 min)
    .venv/bin/python benchmarks/layout_speed.py --quick         # 50 × 20 and 200 × 80 only
    .venv/bin/python benchmarks/layout_speed.py --sizes 50x20 --seed-list 0,1,2
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from site_manager.layout.objective import build_instance  # noqa: E402
from site_manager.layout.solve import solve  # noqa: E402
from site_manager.layout.synthetic import random_problem  # noqa: E402

SIZES = [(50, 20, 5.0), (500, 200, 60.0), (1000, 400, 120.0)]
QUICK = [(50, 20, 5.0), (200, 80, 20.0)]


def _size(text: str) -> tuple[int, int, float]:
    dims, _, limit = text.partition(":")
    n_units, n_apps = (int(x) for x in dims.lower().split("x"))
    default = 5.0 if n_units <= 50 else 60.0 if n_units <= 500 else 120.0
    return n_units, n_apps, float(limit) if limit else default


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--sizes",
        help="comma-separated UNITSxAPPLICANTS[:LIMIT_S], e.g. 50x20 or 500x200:60 "
        "(the limit defaults to the table's: 5 s up to 50 units, 60 s, 120 s)",
    )
    parser.add_argument("--seed-list", help="comma-separated seeds (instead of 0..--seeds-1)")
    args = parser.parse_args()
    sizes = QUICK if args.quick else SIZES
    if args.sizes:
        sizes = [_size(text) for text in args.sizes.split(",")]
    seeds = (
        [int(s) for s in args.seed_list.split(",")] if args.seed_list else list(range(args.seeds))
    )
    print(f"layout_speed: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    head = (
        f"{'units':>5} {'apps':>4} {'seed':>4} {'cands':>6} {'limit':>5} {'first':>6} "
        f"{'beat_g':>6} {'secs':>6} {'status':>8} {'greedy':>10} {'objective':>10} "
        f"{'bound':>10} {'gap%':>5} {'gain%':>6} {'placed':>7} {'lns_it':>6}"
    )
    print(head, flush=True)
    summary = []
    for n_units, n_apps, limit in sizes:
        gains, gaps, proven = [], [], []
        for seed in seeds:
            problem = random_problem(n_units, n_apps, seed=seed)
            cands = len(build_instance(problem).candidates)
            t0 = time.perf_counter()
            sol = solve(
                problem, time_limit=limit, workers=args.workers, seed=seed, with_reasons=False
            )
            wall = time.perf_counter() - t0
            first = sol.history[0][0]
            beat = next((t for t, v in sol.history if v > sol.greedy_objective), None)
            gain = (sol.objective - sol.greedy_objective) / sol.greedy_objective * 100
            gap = None if sol.bound is None else (sol.bound - sol.objective) / sol.bound * 100
            gains.append(gain)
            if gap is not None:
                gaps.append(gap)
            proven.append(sol.status == "OPTIMAL" and wall <= 5.0)
            print(
                f"{n_units:>5} {n_apps:>4} {seed:>4} {cands:>6} {limit:>5.0f} {first:>6.2f} "
                f"{'-' if beat is None else f'{beat:.1f}':>6} {wall:>6.1f} {sol.status:>8} "
                f"{sol.greedy_objective:>10.0f} {sol.objective:>10.0f} "
                f"{'-' if sol.bound is None else f'{sol.bound:.0f}':>10} "
                f"{'-' if gap is None else f'{gap:.1f}':>5} {gain:>6.2f} "
                f"{len(sol.assignment):>3}/{n_apps:<3} {sol.stats.get('lns_iterations', 0):>6}",
                flush=True,
            )
        summary.append((n_units, n_apps, limit, gains, gaps, proven))
    print()
    print("summary (gain = objective over greedy in the same run; gap = to the proven bound)")
    for n_units, n_apps, limit, gains, gaps, proven in summary:
        gap_text = f"mean gap {statistics.mean(gaps):.1f} %" if gaps else "no bound"
        print(
            f"  {n_units} x {n_apps} ({limit:.0f} s): gain min {min(gains):.2f} % mean "
            f"{statistics.mean(gains):.2f} %; {gap_text}; proven optimal within 5 s on "
            f"{sum(proven)}/{len(proven)} seeds"
        )


if __name__ == "__main__":
    main()
