"""``site-manager layout scenario …``: save, list, show, compare and commit layout scenarios.

Added to the ``layout`` family by :mod:`site_manager.cli.layout_cmds`; the library is
:mod:`site_manager.layout.scenarios`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from site_manager.cli._common import (
    add_format_argument,
    add_site_arguments,
    open_engine,
    print_frame,
)
from site_manager.errors import ValidationError


def add_scenario_commands(layout_sub: Any) -> None:
    """Add ``layout scenario save|list|show|compare|commit`` under ``layout``."""
    scen = layout_sub.add_parser("scenario", help="saved layouts: save, compare, commit")
    sub = scen.add_subparsers(dest="scenario_command", metavar="SUBCOMMAND")
    sub.required = True

    p = sub.add_parser("save", help="save a solution of a problem as a named scenario")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--problem", required=True, metavar="P.json", help="the layout problem")
    p.add_argument("--solution", required=True, metavar="S.json",
                   help="a solution JSON (`layout solve` writes it)")  # fmt: skip
    _common(p)
    p.set_defaults(handler=_save)

    p = sub.add_parser("list", help="the site's scenarios")
    _common(p)
    p.set_defaults(handler=_list)

    p = sub.add_parser("show", help="one scenario: its figures and its lets")
    p.add_argument("name", metavar="NAME")
    _common(p)
    p.set_defaults(handler=_show)

    p = sub.add_parser("compare", help="scenarios side by side, one row each")
    p.add_argument("names", metavar="NAME", nargs="+")
    _common(p)
    p.set_defaults(handler=_compare)

    p = sub.add_parser(
        "commit",
        help="sign every lease of a scenario in one transaction",
        description="Sign every lease of the scenario: each placed applicant becomes a tenant; "
        "rent = offered rent per m² × the let's area. Refused whole if anything the scenario "
        "relied on changed.",
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument("--start", metavar="YYYY-MM-DD", help="first day (default: 1st of next month)")
    p.add_argument("--years", type=int, default=3, metavar="N", help="term in years (default 3)")
    _common(p)
    p.set_defaults(handler=_commit)


def _common(p: argparse.ArgumentParser) -> None:
    add_site_arguments(p)
    add_format_argument(p)


def read_assignment(path: str | Path) -> dict[str, list[str]]:
    """The ``assignment`` of a solution JSON file (applicant id → unit ids), checked."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        assignment = data["assignment"]
    except UnicodeDecodeError:
        raise ValidationError(
            f"{p}: not a text file; give the solution JSON that `layout solve` writes"
        ) from None
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ValidationError(
            f"{p}: not a solution JSON with an 'assignment' object ({exc})"
        ) from exc
    if not isinstance(assignment, dict) or not all(
        isinstance(v, list) and all(isinstance(u, str) for u in v) for v in assignment.values()
    ):
        raise ValidationError(f"{p}: 'assignment' must map applicant ids to lists of unit ids")
    return assignment


def _save(args: argparse.Namespace) -> int:
    from site_manager.layout.problem import read_problem
    from site_manager.layout.scenarios import save_scenario

    problem = read_problem(args.problem)
    assignment = read_assignment(args.solution)
    figures = save_scenario(open_engine(args), args.site, args.name, problem, assignment,
                            parameters={"problem_file": str(args.problem),
                                        "solution_file": str(args.solution)})  # fmt: skip
    if args.format == "table":
        sys.stdout.write(f"saved scenario {args.name}: {figures['applicants_placed']} of "
                         f"{figures['applicants']} applicants placed, rent "
                         f"{figures['rent_eur_per_month']:,} EUR/month\n")  # fmt: skip
    else:
        import pandas as pd

        print_frame(pd.DataFrame([{"name": args.name, **figures}]), args.format)
    return 0


def _list(args: argparse.Namespace) -> int:
    from site_manager.layout.scenarios import list_scenarios

    print_frame(list_scenarios(open_engine(args), args.site), args.format)
    return 0


def _lets(sc: Any) -> Any:
    import pandas as pd

    from site_manager.layout.scenarios import scenario_leases

    rows = [{"applicant_id": le.applicant_id, "unit_id": le.unit_id, "area_m2": le.area_m2,
             "rent_per_m2": le.rent_per_m2, "rent_eur_per_month": le.rent_eur_per_month}
            for le in scenario_leases(sc.problem, sc.assignment)]  # fmt: skip
    cols = ["applicant_id", "unit_id", "area_m2", "rent_per_m2", "rent_eur_per_month"]
    return pd.DataFrame(rows, columns=cols)


def _show(args: argparse.Namespace) -> int:
    from site_manager.layout.scenarios import get_scenario

    sc = get_scenario(open_engine(args), args.site, args.name)
    lets = _lets(sc)
    if args.format == "json":
        doc = {"name": sc.name, "author": sc.author, "created_at": sc.created_at.isoformat(),
               "register_revision": sc.register_revision, "parameters": sc.parameters,
               "figures": sc.figures, "assignment": sc.assignment,
               "committed_at": None if sc.committed_at is None else sc.committed_at.isoformat(),
               "committed_by": sc.committed_by}  # fmt: skip
        sys.stdout.write(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
        return 0
    if args.format == "table":
        done = ""
        if sc.committed_at is not None:
            done = f", committed {sc.committed_at:%Y-%m-%d} by {sc.committed_by}"
        sys.stdout.write(f"scenario {sc.name} by {sc.author}, {sc.created_at:%Y-%m-%d %H:%M} "
                         f"(register revision {sc.register_revision}){done}\n")  # fmt: skip
        for key, value in sc.figures.items():
            sys.stdout.write(f"  {key}: {value}\n")
    print_frame(lets, args.format)
    return 0


def _compare(args: argparse.Namespace) -> int:
    from site_manager.layout.scenarios import compare_scenarios

    print_frame(compare_scenarios(open_engine(args), args.site, args.names), args.format)
    return 0


def _commit(args: argparse.Namespace) -> int:
    from site_manager.layout.scenarios import commit_scenario
    from site_manager.parsing import parse_date

    start = parse_date(args.start, what="--start") if args.start else None
    if args.years < 1:
        raise ValidationError(f"--years must be at least 1, got {args.years}")
    signed = commit_scenario(open_engine(args), args.site, args.name, start=start,
                             years=args.years)  # fmt: skip
    if args.format == "table":
        sys.stdout.write(f"committed scenario {args.name}: {len(signed)} leases signed\n")
    print_frame(signed, args.format)
    return 0
