"""``site-manager layout rules …``: load a site's community rules file and show the rules.

Added to the ``layout`` family by :mod:`site_manager.cli.layout_cmds`; the library is
:mod:`site_manager.layout.community`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from site_manager.cli._common import (
    add_format_argument,
    add_site_arguments,
    open_engine,
    print_frame,
)

#: Columns of ``layout rules show``.
SHOW_COLUMNS = ["id", "kind", "strength", "value", "tenant_kind", "noisy_db", "rule"]


def add_rules_commands(layout_sub: Any) -> None:
    """Add ``layout rules load|show`` under ``layout``."""
    rules = layout_sub.add_parser("rules", help="the site's community rules (TOML file)")
    sub = rules.add_subparsers(dest="rules_command", metavar="SUBCOMMAND")
    sub.required = True

    p = sub.add_parser(
        "load",
        help="check a rules file (TOML) and store it for the site",
        description="Check a community rules file and store it in the register for the site, "
        "replacing its rules (audited). Each rule is a [[rule]] table with id, kind, strength "
        "(hard or soft) and the kind's value; see docs/layout.md.",
    )
    p.add_argument("file", metavar="FILE.toml")
    add_site_arguments(p)
    add_format_argument(p)
    p.set_defaults(handler=_load)

    p = sub.add_parser("show", help="the site's stored community rules")
    add_site_arguments(p)
    add_format_argument(p)
    p.set_defaults(handler=_show)


def _frame(rules: Any) -> Any:
    import pandas as pd

    from site_manager.layout.community import label

    rows = [{"id": r.id, "kind": r.kind, "strength": "hard" if r.hard else "soft",
             "value": r.value, "tenant_kind": r.tenant_kind, "noisy_db": r.noisy_db,
             "rule": label(r)} for r in rules.rules]  # fmt: skip
    return pd.DataFrame(rows, columns=SHOW_COLUMNS)


def _load(args: argparse.Namespace) -> int:
    from pathlib import Path

    from site_manager.layout.community import load_rules

    rules = load_rules(open_engine(args), args.site, Path(args.file))
    if args.format == "table":
        hard = sum(1 for r in rules.rules if r.hard)
        sys.stdout.write(f"loaded {len(rules.rules)} rules ({hard} hard, "
                         f"{len(rules.rules) - hard} soft) from {args.file}\n")  # fmt: skip
    print_frame(_frame(rules), args.format)
    return 0


def _show(args: argparse.Namespace) -> int:
    from site_manager.layout.community import get_rules

    print_frame(_frame(get_rules(open_engine(args), args.site)), args.format)
    return 0
