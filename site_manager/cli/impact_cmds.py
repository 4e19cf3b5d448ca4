"""``site-manager report impact --site S -o impact.html|impact.pdf|impact.json``.

Reached through ``report`` (:mod:`site_manager.cli.register_cmds`); this module has no
commands of its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from site_manager.cli._common import print_assumptions
from site_manager.errors import ValidationError

FORMATS = (".html", ".pdf", ".json")


def add_commands(sub: Any) -> None:
    """No commands of its own (``report impact`` lives with ``report``)."""


def write_impact(frames: Any, on: dt.date, args: argparse.Namespace) -> int:
    """Write the neighbourhood impact report to ``args.output`` (by its suffix)."""
    from site_manager.assumptions import DEFAULT_OPENINGS, impact_assumptions
    from site_manager.impact import ImpactOptions, impact_report

    if not args.output:
        raise ValidationError("report impact needs -o FILE ending in .html, .pdf or .json")
    out = Path(args.output)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise ValidationError(f"-o {args.output}: give a file ending in .html, .pdf or .json")
    print_assumptions(impact_assumptions(frames))
    report = impact_report(frames, ImpactOptions(on=on, openings=args.openings or DEFAULT_OPENINGS))
    if suffix == ".json":
        out.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        from site_manager.impact.render import render_html, render_pdf

        if suffix == ".html":
            out.write_text(render_html(report), encoding="utf-8")
        else:
            out.write_bytes(render_pdf(report))
    print(f"wrote {out}", file=sys.stderr)
    return 0
