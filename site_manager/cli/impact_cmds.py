"""``site-manager report impact --site S [--public] -o impact.html|impact.pdf|impact.json``.

Reached through ``report`` (:mod:`site_manager.cli.register_cmds`); this module has no
commands of its own. ``--public`` (and any acting user of role municipality) writes the
municipality's copy under disclosure control (:func:`site_manager.disclosure.public_report`).
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


def write_impact(engine: Any, on: dt.date, args: argparse.Namespace) -> int:
    """Write the neighbourhood impact report to ``args.output`` (by its suffix)."""
    from site_manager import register
    from site_manager.assumptions import DEFAULT_OPENINGS, impact_assumptions
    from site_manager.impact import ImpactOptions, impact_report
    from site_manager.register import access

    if not args.output:
        raise ValidationError("report impact needs -o FILE ending in .html, .pdf or .json")
    out = Path(args.output)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise ValidationError(f"-o {args.output}: give a file ending in .html, .pdf or .json")
    options = ImpactOptions(on=on, openings=args.openings or DEFAULT_OPENINGS)
    if getattr(args, "public", False) or access.current().role is access.Role.MUNICIPALITY:
        from site_manager.disclosure import public_report
        from site_manager.impact.render import render_public_html, render_public_pdf

        public = public_report(engine, args.site, options=options)
        _write(out, suffix, public.to_dict(), render_public_html, render_public_pdf, public)
    else:
        from site_manager.impact.render import render_html, render_pdf

        frames = register.frames(engine, args.site)
        print_assumptions(impact_assumptions(frames))
        report = impact_report(frames, options)
        _write(out, suffix, report.to_dict(), render_html, render_pdf, report)
    print(f"wrote {out}", file=sys.stderr)
    return 0


def _write(out: Path, suffix: str, data: dict[str, Any], html: Any, pdf: Any, report: Any) -> None:
    if suffix == ".json":
        out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    elif suffix == ".html":
        out.write_text(html(report), encoding="utf-8")
    else:
        out.write_bytes(pdf(report))
