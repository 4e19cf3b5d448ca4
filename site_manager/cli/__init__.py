"""The ``site-manager`` command line.

Each family of commands lives in its own module with an ``add_commands(subparsers)``
function; heavy libraries are imported inside the handlers, so that ``site-manager spaces``
does not pay for streamlit or OR-Tools. Exit codes: 0 on success, 2 on bad input or usage,
with one line ``error: …`` on stderr and no traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from site_manager.errors import SiteManagerError

#: Modules that contribute commands, in the order they appear in ``--help``.
COMMAND_MODULES = (
    "site_manager.cli.ifc_cmds",
    "site_manager.cli.register_cmds",
    "site_manager.cli.booking_cmds",
    "site_manager.cli.network_cmds",
    "site_manager.cli.energy_cmds",
    "site_manager.cli.layout_cmds",
    "site_manager.cli.backup_cmds",
    "site_manager.cli.user_cmds",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"error: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every command module's subcommands."""
    parser = _Parser(prog="site-manager", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a command family not written yet
            if exc.name != name:
                raise
            continue
        module.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        code = args.handler(args)
    except SiteManagerError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    except Exception as exc:  # a database error that got past the rules: one line, no values
        sa = sys.modules.get("sqlalchemy.exc")  # not imported: it cannot be one
        if sa is None or not isinstance(exc, sa.DBAPIError):
            raise
        from site_manager.register.engine import database_error

        sys.stderr.write(f"error: {database_error(exc)}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    finally:
        common = sys.modules.get("site_manager.cli._common")
        if common is not None:
            common.close_engines()
    return int(code or 0)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
