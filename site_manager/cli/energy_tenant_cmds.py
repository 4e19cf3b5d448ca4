"""``site-manager energy tenants|statement``: each tenant's energy, cost and CO₂ per month."""

from __future__ import annotations

import argparse
from typing import Any

from site_manager.cli._common import (
    add_format_argument,
    add_site_arguments,
    open_engine,
    print_assumptions,
    print_frame,
)


def add_commands(esub: Any) -> None:
    """Register ``energy tenants`` and ``energy statement`` under ``energy``."""
    p = esub.add_parser(
        "tenants",
        help="each tenant's electricity, heat, fuel, cost and CO2 per month",
        description="One row per tenant and month: electricity from its sub-meter (else "
        "modelled from its machines and area), heat from the 5R1C model of its units' "
        "spaces as fuel at the boiler efficiency, and its share of the shared parts by the "
        "site's cost key. The rows add up to the site's month exactly (kWh, EUR to the "
        "cent, kg CO2). --compare prints measured against modelled instead.",
    )
    _period(p)
    p.add_argument(
        "--compare",
        action="store_true",
        help="measured against modelled per metered tenant and for the site",
    )
    p.add_argument(
        "--totals",
        action="store_true",
        help="print the site's monthly totals (what the rows add up to)",
    )
    add_site_arguments(p)
    add_format_argument(p)
    p.set_defaults(handler=_tenants)

    p = esub.add_parser(
        "statement",
        help="a tenant's energy statement for a month, as CSV or Excel",
        description="The lines of a tenant's month (own electricity, share of the common "
        "electricity, heating of its spaces and its share of the common spaces) and their "
        "total, written to FILE.csv or FILE.xlsx.",
    )
    p.add_argument("--tenant", required=True, metavar="ID", help="tenant id")
    p.add_argument("--month", required=True, metavar="YYYY-MM")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="FILE.csv or .xlsx")
    add_site_arguments(p)
    p.set_defaults(handler=_statement)


def _period(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument("--month", metavar="YYYY-MM", help="one month")
    group.add_argument("--year", metavar="YYYY",
                       help="twelve months (default: the last twelve months with meter "
                       "readings, else this year)")  # fmt: skip


def _frames_and_split(
    args: argparse.Namespace, months: list[str] | None, tenant: str | None = None
) -> Any:
    from site_manager import register
    from site_manager.assumptions import energy_assumptions, tenant_energy_assumptions
    from site_manager.energy.tenants import split_energy
    from site_manager.errors import NotFoundError

    frames = register.frames(open_engine(args), args.site)
    if tenant is not None and tenant not in set(frames.tenants["tenant_id"]):
        raise NotFoundError(f"tenant {tenant!r} is not in site {frames.site['site_id']!r}; "
                            "see `site-manager tenant list`")  # fmt: skip
    notes = {a.topic: a for a in energy_assumptions(frames) + tenant_energy_assumptions(frames)}
    print_assumptions(list(notes.values()))
    return frames, split_energy(frames, months)


def _tenants(args: argparse.Namespace) -> int:
    from site_manager.energy.tenant_reports import measured_vs_modelled
    from site_manager.energy.tenants import months_between

    months = None
    if args.month is not None or args.year is not None:
        months = months_between(month=args.month, year=args.year)
    frames, split = _frames_and_split(args, months)
    if args.compare:
        print_frame(measured_vs_modelled(split, str(frames.site["site_id"])), args.format)
    elif args.totals:
        print_frame(split.site, args.format)
    else:
        print_frame(split.tenants, args.format)
    return 0


def _statement(args: argparse.Namespace) -> int:
    from site_manager.energy.tenant_reports import (
        statement_header,
        tenant_statement,
        write_statement,
    )
    from site_manager.energy.tenants import months_between

    months = months_between(month=args.month)
    frames, split = _frames_and_split(args, months, args.tenant)
    statement = tenant_statement(split, args.tenant, args.month)
    header = statement_header(frames, split, args.tenant, args.month)
    path = write_statement(statement, args.output, header=header)
    currency = frames.site.get("currency") or "EUR"
    total = statement["cost_eur"].iloc[-1]
    print(f"statement written: {path} ({len(statement) - 1} lines, total {total:.2f} {currency})")
    return 0
