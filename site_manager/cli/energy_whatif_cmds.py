"""``site-manager energy pv`` and ``energy retrofit``: roof PV and retrofit what-ifs of a site.

Added to the ``energy`` family by :func:`site_manager.cli.energy_cmds.add_commands`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from site_manager.cli._common import (
    add_format_argument,
    add_site_arguments,
    open_engine,
    print_assumptions,
    print_frame,
)


def add_energy_subcommands(esub: Any) -> None:
    """Register ``energy pv`` and ``energy retrofit`` on the ``energy`` subparsers."""
    pv = esub.add_parser(
        "pv",
        help="roof PV: panels that fit on each roof face, AC yield, self-consumption, savings",
        description="Every roof face of a site in the register with pvlib on the site's stored "
        "climate: pitched faces carry panels flush, flat ones south-facing rows spaced for no "
        "shading at noon on the winter solstice. The PVGIS default system (crystalline "
        "silicon, 14 %% system losses, 1 kWp per 5.5 m² of panel).",
    )
    add_site_arguments(pv)
    pv.add_argument(
        "--flat-tilt-deg", type=float, default=15.0, metavar="DEG",
        help="tilt of the rows on flat roofs (default 15)",
    )  # fmt: skip
    pv.add_argument(
        "--summary", action="store_true",
        help="print the site's totals (kWp, yield, self-consumption, EUR and CO2 saved) "
        "instead of one row per face",
    )  # fmt: skip
    add_format_argument(pv)
    pv.set_defaults(handler=_pv)

    retrofit = esub.add_parser(
        "retrofit",
        help="retrofit what-ifs: insulation, glazing, heat pump; saving and simple payback",
        description="The site as it is, each measure alone and all of them combined, through "
        "the same 5R1C heating model as `energy site`; costs from the package's editable "
        "measure table (or --table FILE.csv).",
    )
    add_site_arguments(retrofit)
    retrofit.add_argument(
        "--measures", default="roof,walls,ground_floor,glazing,heat_pump", metavar="LIST",
        help="comma-separated: roof, walls, ground_floor, glazing, heat_pump (default: all)",
    )  # fmt: skip
    retrofit.add_argument("--table", metavar="MEASURES.csv", help="another measure table")
    add_format_argument(retrofit)
    retrofit.set_defaults(handler=_retrofit)


def _frames(args: argparse.Namespace) -> Any:
    from site_manager import register

    return register.frames(open_engine(args), args.site)


def _pv(args: argparse.Namespace) -> int:
    import pandas as pd

    from site_manager.assumptions import energy_assumptions
    from site_manager.energy.pv import PVOptions, pv_faces, pv_site

    frames = _frames(args)
    notes = energy_assumptions(frames)
    if not args.summary:  # the faces do not depend on the zoning; the site's load does
        notes = [a for a in notes if a.topic != "zoning"]
    print_assumptions(notes)
    options = PVOptions(flat_tilt_deg=args.flat_tilt_deg)
    if args.summary:
        print_frame(pd.DataFrame([pv_site(frames, options).summary]), args.format)
        return 0
    faces = pv_faces(frames, options)
    if not len(faces):
        sys.stderr.write("note: the site's stored fabric has no roof\n")
    if args.format != "json":
        faces = faces.drop(columns=["monthly_kwh"])
    print_frame(faces, args.format)
    return 0


def _retrofit(args: argparse.Namespace) -> int:
    from site_manager.assumptions import energy_assumptions
    from site_manager.energy.retrofit import parse_measures, read_measures, retrofit_options

    measures = parse_measures(args.measures)
    table = read_measures(args.table) if args.table else None
    frames = _frames(args)
    print_assumptions(energy_assumptions(frames))
    print_frame(retrofit_options(frames, measures, table=table), args.format)
    return 0
