"""Commands ``backup -o FILE`` and ``restore FILE``: a whole register, copied while others work."""

from __future__ import annotations

import argparse
from typing import Any

from site_manager.cli._common import resolve_db_url

_DB_HELP = ("SQLAlchemy URL of the register (default: $SITE_MANAGER_DB, else "
            "sqlite:///site_manager.sqlite in the working folder)")  # fmt: skip


def add_commands(sub: Any) -> None:
    """Register the ``backup`` and ``restore`` commands."""
    p = sub.add_parser("backup", help="copy the whole register to a file (online: others may "
                       "keep working)")  # fmt: skip
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="the backup file (SQLite database, or pg_dump archive on PostgreSQL)",
    )
    p.add_argument("--db", default=None, metavar="URL", help=_DB_HELP)
    p.set_defaults(handler=_backup)
    p = sub.add_parser("restore", help="replace the register by a backup file")
    p.add_argument("file", metavar="FILE", help="a file written by `site-manager backup`")
    p.add_argument("--force", action="store_true",
                   help="replace a register that holds sites")  # fmt: skip
    p.add_argument("--db", default=None, metavar="URL", help=_DB_HELP)
    p.set_defaults(handler=_restore)


def _backup(args: argparse.Namespace) -> int:
    from site_manager.register.backup import backup

    size = backup(resolve_db_url(args.db), args.output)
    print(f"backed up the register to {args.output} ({size:,} bytes)")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from site_manager.register.backup import restore

    revision = restore(resolve_db_url(args.db), args.file, force=args.force)
    print(f"restored the register from {args.file} (schema version {revision})")
    return 0
