"""``site-manager user add|list|disable|passwd|demo``: the users who log in to the dashboard.

The CLI acts as the OS user with full rights (``site_manager.register.access``); these
commands are the administrator's. A password is read from standard input when it is not a
terminal (its first line), else asked twice without echo. ``user demo`` makes one demo
account per role on a register without users and prints their passwords once.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from site_manager.cli._common import (
    add_db_argument,
    add_format_argument,
    open_engine,
    print_frame,
)
from site_manager.errors import ValidationError
from site_manager.register.access import Role

_ROLES = ", ".join(r.value for r in Role)


def add_commands(sub: Any) -> None:
    """Register the ``user`` family."""
    fam = sub.add_parser("user", help="users of the dashboard: add, list, disable, passwd, demo")
    cmds = fam.add_subparsers(dest="user_command", metavar="ACTION")
    cmds.required = True
    p = cmds.add_parser("add", help="add a user (password from stdin, or asked twice)")
    p.add_argument("name", metavar="NAME", help="the user name typed at login")
    p.add_argument("--role", required=True, metavar="ROLE", help=f"what the user may do: {_ROLES}")
    p.add_argument("--tenant", metavar="ID", default=None,
                   help="role tenant: the tenant id it acts for")  # fmt: skip
    p.add_argument("--site", metavar="SITE", default=None,
                   help="role tenant: the tenant's site id (default: the only site)")  # fmt: skip
    p.add_argument("--email", metavar="E", default=None,
                   help="e-mail (unique); OpenID Connect logins are matched by it")  # fmt: skip
    p.add_argument("--no-password", action="store_true",
                   help="no password: the user logs in only through OpenID Connect "
                   "(give --email)")  # fmt: skip
    add_db_argument(p)
    p.set_defaults(handler=_add)
    p = cmds.add_parser("list", help="list the users (never their passwords)")
    add_format_argument(p)
    add_db_argument(p)
    p.set_defaults(handler=_list)
    p = cmds.add_parser("disable", help="disable a user: it can no longer log in")
    p.add_argument("name", metavar="NAME")
    add_db_argument(p)
    p.set_defaults(handler=_disable)
    p = cmds.add_parser("passwd", help="set a user's password (from stdin, or asked twice)")
    p.add_argument("name", metavar="NAME")
    add_db_argument(p)
    p.set_defaults(handler=_passwd)
    p = cmds.add_parser("demo", help="on a register without users: one demo account per "
                        "role, passwords printed once")  # fmt: skip
    p.add_argument("--load-samples", action="store_true",
                   help="first load every sample site into a register that holds no site "
                   "(what the dashboard's first start does; `make run` uses it)")  # fmt: skip
    add_db_argument(p)
    p.set_defaults(handler=_demo)


def read_password(stdin: Any = None) -> str:
    """The password: the first line of standard input when it is not a terminal, else typed
    twice without echo (the two must match).
    """
    stream = stdin or sys.stdin
    if not stream.isatty():
        line = stream.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise ValidationError("no password on standard input; give it as its first line")
        return password
    first = getpass.getpass("password: ")
    if first != getpass.getpass("password again: "):
        raise ValidationError("the two passwords differ; nothing changed")
    return first


def _add(args: argparse.Namespace) -> int:
    from site_manager.register.users import add_user

    if args.no_password and not args.email:
        raise ValidationError("a user without a password needs --email (OpenID Connect)")
    engine = open_engine(args)
    password = None if args.no_password else read_password()
    name = add_user(engine, args.name, role=args.role, password=password,
                    tenant_id=args.tenant, site=args.site, email=args.email)  # fmt: skip
    tenant = f" for tenant {args.tenant}" if args.tenant else ""
    print(f"added user {name} ({args.role}{tenant})")
    return 0


def _list(args: argparse.Namespace) -> int:
    from site_manager.register.users import list_users

    print_frame(list_users(open_engine(args)), args.format)
    return 0


def _disable(args: argparse.Namespace) -> int:
    from site_manager.register.users import disable_user

    disable_user(open_engine(args), args.name)
    print(f"disabled user {args.name}")
    return 0


def _passwd(args: argparse.Namespace) -> int:
    from site_manager.register.users import set_password

    engine = open_engine(args)
    set_password(engine, args.name, read_password())
    print(f"changed the password of user {args.name}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from site_manager.register.samples import load_samples_if_empty
    from site_manager.register.users import ensure_demo_accounts

    engine = open_engine(args)
    if args.load_samples:
        loaded = load_samples_if_empty(engine)
        if loaded:
            print(f"loaded the sample sites: {', '.join(loaded)}")
    made = ensure_demo_accounts(engine)
    if not made:
        print("the register has users already: no demo account made "
              "(see `site-manager user list`)")  # fmt: skip
        return 0
    print("demo accounts (shown once; change them with `site-manager user passwd NAME`):")
    for name, password in made.items():
        print(f"  {name:<20} {password}")
    if "demo-tenant" not in made:
        print("  (no demo tenant: the register holds no tenant yet; add one with "
              "`site-manager user add NAME --role tenant --tenant ID`)")  # fmt: skip
    return 0
