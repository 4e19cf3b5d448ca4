"""``site-manager network search|route``: the Invisible Factory across the register's sites.

``network search --needs TYPE_OR_SKILL`` lists the machines of a type and the tenants with
a skill at every site, with the distance from ``--from-site`` and the free hours in a
period. ``network route job.json`` routes a job file (docs/invisible-factory.md) and prints
the best chains and the steps that cannot be routed with the reason; exit code 0 when a
chain is found, 1 when none is (the reasons are printed), 2 on a bad job file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from site_manager.cli._common import (
    add_format_argument,
    add_site_arguments,
    open_engine,
    print_assumptions,
    print_frame,
)

#: Days counted by ``network search`` when ``--until`` is not given.
SEARCH_DAYS = 7


def add_commands(sub: Any) -> None:
    """Register ``network``."""
    fam = sub.add_parser("network", help="the Invisible Factory: search and route across sites")
    acts = fam.add_subparsers(dest="network_command", metavar="ACTION", required=True)
    p = acts.add_parser("search", help="machines, skills and free capacity across sites")
    p.add_argument("--needs", required=True, metavar="TYPE_OR_SKILL",
                   help="a machine type (equipment --type) or a skill")  # fmt: skip
    p.add_argument("--from-site", default=None, metavar="SITE", help="distances from this site")
    p.add_argument("--max-distance-km", type=float, default=None, metavar="D",
                   help="with --from-site: only sites within D km")  # fmt: skip
    p.add_argument("--start", default=None, metavar="YYYY-MM-DDTHH:MM",
                   help="free hours from (local time of --from-site; default today)")  # fmt: skip
    p.add_argument("--until", default=None, metavar="YYYY-MM-DDTHH:MM",
                   help=f"free hours until (default {SEARCH_DAYS} days after --start)")  # fmt: skip
    add_format_argument(p)
    add_site_arguments(p, site=False)
    p.set_defaults(handler=_search)
    p = acts.add_parser("route", help="route a job file along chains of tenants")
    p.add_argument("job", metavar="JOB.json", help="the job file (docs/invisible-factory.md)")
    p.add_argument("--top", type=int, default=3, metavar="N", help="chains shown (default 3)")
    p.add_argument("--width", type=int, default=64, metavar="W",
                   help="partial chains kept per step (the beam; default 64)")  # fmt: skip
    add_format_argument(p, choices=("table", "json"))
    add_site_arguments(p, site=False)
    p.set_defaults(handler=_route)


def _moment(text: str | None, what: str) -> dt.datetime | None:
    from site_manager.errors import ValidationError

    if text is None:
        return None
    try:
        return dt.datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        raise ValidationError(f"{what} {text!r} is not a time YYYY-MM-DDTHH:MM") from None


def _search(args: argparse.Namespace) -> int:
    from site_manager import network
    from site_manager.errors import ValidationError
    from site_manager.network.candidates import zone_of

    net = network.read_network(open_engine(args))
    sites = net.sites.set_index(net.sites["site_id"].astype(str))
    if args.from_site is not None and args.from_site not in sites.index:
        raise ValidationError(f"--from-site {args.from_site!r} is not a site of the register; "
                              "see `site-manager site list`")  # fmt: skip
    zone = zone_of(sites.at[args.from_site, "time_zone"] if args.from_site else None)
    start = _moment(args.start, "--start") or dt.datetime.combine(dt.date.today(), dt.time(0))
    end = _moment(args.until, "--until") or start + dt.timedelta(days=SEARCH_DAYS)
    if end <= start:
        raise ValidationError(f"--until {end:%Y-%m-%dT%H:%M} is not after --start "
                              f"{start:%Y-%m-%dT%H:%M}")  # fmt: skip
    frame, why = network.search(net, args.needs, start.replace(tzinfo=zone),
                                end.replace(tzinfo=zone), from_site=args.from_site,
                                max_distance_km=args.max_distance_km)  # fmt: skip
    if why:
        sys.stderr.write(f"note: {why}\n")
    print_frame(frame, args.format)
    return 0


def _route(args: argparse.Namespace) -> int:
    from site_manager import network

    job = network.load_job(args.job)
    result = network.route(network.read_network(open_engine(args)), job, top=args.top,
                           width=args.width)  # fmt: skip
    if args.format == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    else:
        print_assumptions(result.assumptions)
        chains = result.chains_frame()
        for rank, part in chains.groupby("rank", sort=True):
            first = part.iloc[0]
            print(f"chain {rank}: {first['cost_eur']:.2f} EUR, finish {first['finish']}")
            shown = part.drop(columns=["rank", "cost_eur", "finish"]).astype(object)
            print_frame(shown.where(shown.notna(), ""), "table")
            print()
        if result.unroutable:
            print("unroutable:")
            print_frame(result.unroutable_frame(), "table")
    return 0 if result.chains else 1
