"""``site-manager layout …``: solve a layout problem, build one from a register site, check one."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from site_manager.cli._common import add_site_arguments, open_engine, print_assumptions
from site_manager.errors import ValidationError


def add_commands(subparsers: Any) -> None:
    """Register the ``layout`` command family."""
    layout = subparsers.add_parser("layout", help="place applicants in units (layout engine)")
    sub = layout.add_subparsers(dest="layout_command", metavar="SUBCOMMAND")
    sub.required = True

    p = sub.add_parser("solve", help="solve a layout problem (JSON) and write the solution")
    p.add_argument("problem", metavar="PROBLEM.json")
    p.add_argument("-o", "--output", metavar="SOLUTION.json", help="write here (default: stdout)")
    p.add_argument(
        "--time-limit", type=float, default=60.0, metavar="S", help="seconds (default 60)"
    )
    p.add_argument("--greedy", action="store_true", help="the greedy baseline only")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--workers", type=int, default=2, help="CP-SAT threads (default 2)")
    p.set_defaults(handler=_solve)

    p = sub.add_parser(
        "problem",
        help="build a layout problem from a site in the register",
        description="Build a layout problem from a site in the register: its units, their "
        "space attributes, the leases running on --date and its applicants.",
    )
    add_site_arguments(p)
    p.add_argument(
        "--applicants",
        metavar="FILE",
        help="applicants CSV or Excel to place (default: the site's applicants in the register)",
    )
    p.add_argument(
        "--bay-area",
        type=float,
        default=None,
        metavar="M2",
        help="split halls larger than this into bays of their column grid [m²]",
    )
    p.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="leases running on this day fix their tenants (default: today)",
    )
    p.add_argument("-o", "--output", required=True, metavar="PROBLEM.json")
    p.set_defaults(handler=_problem)

    p = sub.add_parser("check", help="check a solution against its problem and recompute it")
    p.add_argument("problem", metavar="PROBLEM.json")
    p.add_argument("solution", metavar="SOLUTION.json")
    p.set_defaults(handler=_check)

    from site_manager.cli.rules_cmds import add_rules_commands
    from site_manager.cli.scenario_cmds import add_scenario_commands

    add_scenario_commands(sub)
    add_rules_commands(sub)


def _solve(args: argparse.Namespace) -> int:
    from site_manager.layout.problem import read_problem
    from site_manager.layout.solve import solve

    if args.time_limit <= 0:
        raise ValidationError(f"--time-limit must be positive seconds, got {args.time_limit}")
    if args.workers < 1:
        raise ValidationError(f"--workers must be at least 1, got {args.workers}")
    problem = read_problem(args.problem)
    sol = solve(
        problem,
        time_limit=args.time_limit,
        use_greedy_only=args.greedy,
        workers=args.workers,
        seed=args.seed,
    )
    text = json.dumps(sol.to_dict(), indent=1, ensure_ascii=False)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
        bound = "n/a" if sol.bound is None else f"{sol.bound:,.2f}"
        sys.stdout.write(
            f"{sol.status}: {len(sol.assignment)} of {len(problem.applicants)} applicants placed, "
            f"objective {sol.objective:,.2f} EUR/month (bound {bound}, greedy "
            f"{sol.greedy_objective:,.2f}) in {sol.seconds:.1f} s -> {args.output}\n"
        )
        for v in sol.rule_violations:
            sys.stdout.write(f"soft rule {v['rule_id']}: {v['message']}\n")
    else:
        sys.stdout.write(text + "\n")
    return 0


def _problem(args: argparse.Namespace) -> int:

    from site_manager import register
    from site_manager.assumptions import layout_assumptions
    from site_manager.layout.from_site import problem_from_register
    from site_manager.layout.problem import write_problem
    from site_manager.parsing import parse_date

    day = parse_date(args.date, what="--date") if args.date else None
    frames = register.frames(open_engine(args), args.site)
    problem = problem_from_register(
        frames, applicants=args.applicants, bay_area_m2=args.bay_area, on_date=day
    )
    notes = layout_assumptions(frames)
    if args.applicants:  # the user's table replaces the register's applicants
        notes = [a for a in notes if a.topic != "applicants"]
    print_assumptions(notes)
    write_problem(problem, args.output)
    sys.stdout.write(
        f"{len(problem.units)} units, {len(problem.adjacency)} adjacent pairs, "
        f"{len(problem.applicants)} applicants, {len(problem.existing)} existing tenants "
        f"-> {args.output}\n"
    )
    return 0


def _check(args: argparse.Namespace) -> int:
    from site_manager.cli.scenario_cmds import read_assignment
    from site_manager.layout.community import check_rules
    from site_manager.layout.objective import evaluate
    from site_manager.layout.problem import read_problem

    problem = read_problem(args.problem)
    assignment = read_assignment(args.solution)
    ev = evaluate(problem, assignment)
    community = check_rules(problem, assignment)
    for v in ev.violations:
        sys.stdout.write(f"violation: {v}\n")
    for c in community:
        what = "violation: hard" if c.hard else "warning: soft"
        sys.stdout.write(f"{what} rule {c.rule_id}: {c.message}\n")
    feasible = ev.feasible and not any(c.hard for c in community)
    sys.stdout.write(
        f"{'feasible' if feasible else 'INFEASIBLE'}: objective {float(ev.objective):,.2f} "
        f"EUR/month (lets {float(ev.lets):,.2f}, synergy {float(ev.synergy):,.2f})\n"
    )
    return 0 if feasible else 1
