"""``site-manager energy …`` and ``site-manager fabric``: the energy engine's command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from site_manager import tabular
from site_manager.assumptions import DEFAULT_LATITUDE_DEG
from site_manager.cli._common import (
    add_format_argument,
    add_site_arguments,
    open_engine,
    print_assumptions,
    print_frame,
)


def add_commands(sub: Any) -> None:
    """Register ``energy simulate|zones|loads|site|glazing|pv|retrofit`` and ``fabric``."""
    energy = sub.add_parser("energy", help="heating and cooling (ISO 13790 5R1C), board loads")
    esub = energy.add_subparsers(dest="energy_command", metavar="ENERGY_COMMAND")
    esub.required = True

    sim = esub.add_parser(
        "simulate",
        help="hourly heating and cooling of the zones of a ZONES.json",
        description="Run the ISO 13790 Annex C 5R1C hourly model for every zone of ZONES.json "
        "with an hourly climate (CSV with t_out_c, ghi_w_m2; an EPW file; or a monthly "
        "climate_monthly.csv expanded to hours).",
    )
    sim.add_argument("zones", metavar="ZONES.json")
    sim.add_argument("--climate", required=True, metavar="HOURLY.csv")
    sim.add_argument("--gains", metavar="GAINS.csv", help="hourly <id>:internal_w, <id>:solar_w")
    sim.add_argument(
        "--latitude", type=float, default=DEFAULT_LATITUDE_DEG, help="for monthly climates [deg]"
    )
    sim.add_argument("--format", choices=("json", "csv"), default="json")
    sim.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")
    sim.set_defaults(handler=_simulate)

    zones = esub.add_parser(
        "zones",
        help="write ZONES.json of a site in the register or of an IFC model file",
        description="One thermal zone per space, with the fabric that bounds it: of a site in "
        "the register (--site; default the only one), or of MODEL.ifc read directly.",
    )
    zones.add_argument(
        "model", nargs="?", metavar="MODEL.ifc", help="an IFC file instead of a site"
    )
    add_site_arguments(zones)
    zones.add_argument(
        "--group",
        choices=("space", "use", "zone"),
        default="space",
        help="one zone per space (default), per zoning use, or per IfcZone",
    )
    zones.add_argument("-o", "--output", metavar="ZONES.json", help="default: stdout")
    zones.set_defaults(handler=_zones)

    loads = esub.add_parser(
        "loads",
        help="coincident electrical load of each distribution board against its capacity",
        description="Board loads of a site in the register: its equipment list against its "
        "board list (or, for a site without one, the boards its spaces name).",
    )
    add_site_arguments(loads)
    add_format_argument(loads)
    loads.set_defaults(handler=_loads)

    site = esub.add_parser(
        "site",
        help="per-space annual heating, cooling and peak loads of a site in the register",
        description="Simulate every indoor space of a site from what the register holds "
        "(spaces, fabric, zoning, equipment, climate, latitude); the defaults used where it "
        "says nothing are listed on stderr.",
    )
    add_site_arguments(site)
    site.add_argument(
        "--date", metavar="YYYY-MM-DD", default=None,
        help="the day whose tenants are named in unit_id/tenant_id (default: today)",
    )  # fmt: skip
    add_format_argument(site)
    site.set_defaults(handler=_site)

    glazing = esub.add_parser(
        "glazing",
        help="window area and glazing ratio (window / floor area) of each space of a site",
        description="Per space of a site in the register: the area of the windows bounding it "
        "(from the stored fabric) over its floor area.",
    )
    add_site_arguments(glazing)
    add_format_argument(glazing)
    glazing.set_defaults(handler=_glazing)

    from site_manager.cli.energy_whatif_cmds import add_energy_subcommands

    add_energy_subcommands(esub)  # energy pv, energy retrofit

    from site_manager.cli import energy_tenant_cmds

    energy_tenant_cmds.add_commands(esub)

    fabric = sub.add_parser(
        "fabric",
        help="external walls, windows, doors, roofs and ground slabs of an IFC model",
    )
    fabric.add_argument("model", metavar="MODEL.ifc")
    fabric.add_argument("--format", choices=("csv", "geojson"), default="csv")
    fabric.add_argument("-o", "--output", metavar="OUT")
    fabric.set_defaults(handler=_fabric)


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _results_text(frame: Any, fmt: str) -> str:
    if fmt == "json":
        records = frame.to_dict(orient="records")
        return json.dumps({"zones": records}, indent=1, ensure_ascii=False) + "\n"
    import pandas as pd

    flat = frame.drop(columns=["monthly_heating_kwh", "monthly_cooling_kwh"]).copy()
    for key in ("monthly_heating_kwh", "monthly_cooling_kwh"):
        months = pd.DataFrame(frame[key].tolist(), columns=[f"{key}_{m:02d}" for m in range(1, 13)])
        flat = pd.concat([flat, months], axis=1)
    return tabular.csv_text(flat, lineterminator="\n", float_format="%.6g")


def _simulate(args: argparse.Namespace) -> int:
    from site_manager.energy.climate import read_climate
    from site_manager.energy.zones import read_gains_csv, read_zones, simulate_zones

    zones = read_zones(args.zones)
    climate = read_climate(args.climate, latitude_deg=args.latitude)
    gains = read_gains_csv(args.gains, n_hours=len(climate)) if args.gains else None
    gains_name = Path(args.gains).name if args.gains else "GAINS.csv"
    frame = simulate_zones(zones, climate, gains=gains, gains_source=gains_name)
    _write(_results_text(frame, args.format), args.output)
    return 0


def _site_frames(args: argparse.Namespace) -> Any:
    """The register frames of ``--site`` in ``--db``."""
    from site_manager import register

    return register.frames(open_engine(args), args.site)


def _zones(args: argparse.Namespace) -> int:
    from site_manager.assumptions import energy_assumptions
    from site_manager.energy.site import zones_document
    from site_manager.errors import ValidationError

    if args.model:
        if args.site:
            raise ValidationError("give MODEL.ifc or --site SITE, not both")
        doc = zones_document(model=args.model, group=args.group)
    else:
        frames = _site_frames(args)
        print_assumptions(energy_assumptions(frames))
        doc = zones_document(frames=frames, group=args.group)
    _write(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", args.output)
    return 0


def _loads(args: argparse.Namespace) -> int:
    from site_manager.energy.loads import board_loads_for_site

    # None of the energy engine's assumptions (climate, latitude, fabric, U-values, zoning)
    # bears on board loads, so this command prints no notes.
    print_frame(board_loads_for_site(_site_frames(args)), args.format)
    return 0


def _site(args: argparse.Namespace) -> int:
    from site_manager.assumptions import energy_assumptions
    from site_manager.energy.site import space_loads

    frames = _site_frames(args)
    print_assumptions(energy_assumptions(frames))
    frame = space_loads(frames, on=args.date)
    if args.format != "json":
        frame = frame.drop(columns=["monthly_heating_kwh", "monthly_cooling_kwh"])
    print_frame(frame, args.format)
    return 0


def _glazing(args: argparse.Namespace) -> int:
    from site_manager.assumptions import glazing_assumptions
    from site_manager.glazing import glazing_ratio

    frames = _site_frames(args)
    print_assumptions(glazing_assumptions(frames))
    print_frame(glazing_ratio(frames), args.format)
    return 0


def _fabric(args: argparse.Namespace) -> int:
    from site_manager.ifc.fabric import fabric_to_text, read_fabric

    frame = read_fabric(args.model)
    _write(fabric_to_text(frame, args.format), args.output)
    return 0
