"""Helpers shared by the command modules: database URL resolution, table output."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

#: The SQLite file used when neither ``--db`` nor ``SITE_MANAGER_DB`` names a database.
DEFAULT_DB_FILE = "site_manager.sqlite"


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--db URL`` to a command."""
    parser.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help="SQLAlchemy URL of the register (default: $SITE_MANAGER_DB, else "
        f"sqlite:///{DEFAULT_DB_FILE} in the working folder)",
    )


def add_site_arguments(parser: argparse.ArgumentParser, *, site: bool = True) -> None:
    """Add ``--db URL`` and (unless ``site=False``) ``--site SITE`` to a command."""
    add_db_argument(parser)
    if site:
        parser.add_argument(
            "--site", metavar="SITE", default=None,
            help="site id in the register when it holds several (default: the only one)",
        )  # fmt: skip


#: Engines the running command opened; :func:`close_engines` disposes them when it ends.
OPENED: list[Any] = []


def open_engine(args: argparse.Namespace) -> Any:
    """The register named by ``args.db`` (see :func:`resolve_db_url`), opened and migrated."""
    from site_manager.register import open_register

    engine = open_register(resolve_db_url(args.db))
    OPENED.append(engine)
    return engine


def close_engines() -> None:
    """Close the connections of every engine the command opened (PostgreSQL sees a clean
    goodbye, and a command run in-process leaves no connection open behind it).
    """
    while OPENED:
        OPENED.pop().dispose()


def print_assumptions(assumptions: Any, *, out: Any = None) -> None:
    """Each default an analysis used, once, as ``note: …`` on stderr."""
    out = out or sys.stderr
    for a in assumptions:
        out.write(f"note: {a}\n")


def resolve_db_url(value: str | None) -> str:
    """``--db`` if given, else ``$SITE_MANAGER_DB``, else an SQLite file in the working folder."""
    if value:
        return value
    env = os.environ.get("SITE_MANAGER_DB")
    if env:
        return env
    return f"sqlite:///{Path.cwd() / DEFAULT_DB_FILE}"


def add_format_argument(
    parser: argparse.ArgumentParser, *, choices: tuple[str, ...] = ("table", "csv", "json")
) -> None:
    """Add ``--format`` for commands that print a table."""
    parser.add_argument("--format", choices=choices, default=choices[0], help="output format")


def add_delimiter_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--delimiter`` to a command that reads a CSV file."""
    parser.add_argument(
        "--delimiter", choices=(",", ";", "tab"), default=None,
        help="the CSV's delimiter (default: taken from the whole file; comma, semicolon "
        "as European Excel writes it, or tab)",
    )  # fmt: skip


def print_frame(frame: Any, fmt: str, *, out: Any = None) -> None:
    """Print a pandas DataFrame as an aligned table, CSV or JSON records (dates ISO).

    The table is stripped of control characters and ANSI escapes (a name cannot colour or
    move the terminal); CSV is written safe for a spreadsheet
    (:func:`site_manager.tabular.csv_text`); JSON escapes control characters itself.
    """
    from site_manager import tabular

    out = out or sys.stdout
    if fmt == "csv":
        out.write(tabular.csv_text(frame, lineterminator="\n"))
    elif fmt == "json":
        out.write(frame.to_json(orient="records", date_format="iso", force_ascii=False, indent=1))
        out.write("\n")
    else:
        if len(frame) == 0:
            out.write("(none)\n")
        else:
            shown = frame.map(lambda v: tabular.terminal_text(v) if isinstance(v, str) else v)
            shown.columns = [tabular.terminal_text(c) for c in frame.columns]
            out.write(shown.to_string(index=False))
            out.write("\n")
