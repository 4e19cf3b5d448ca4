"""``site-manager booking make|cancel|list|usage`` and ``training grant|list``.

Times are the site's local wall-clock time (``YYYY-MM-DDTHH:MM``, the site's ``time_zone``);
lists show them in ISO 8601 with their offset. A refusal is one ``error:`` line naming the
conflicting booking or the missing training (and the option it is about), exit code 2.
"""

from __future__ import annotations

import argparse
from typing import Any

from site_manager.cli._common import (
    add_format_argument,
    add_site_arguments,
    open_engine,
    print_frame,
)
from site_manager.errors import SiteManagerError

#: ``booking make`` options: the booking field (``register.contracts.BOOKINGS``) each gives,
#: its metavar and help. A refusal names the option of each field it is about.
BOOKING_OPTIONS = {
    "equipment_id": ("--equipment", "ID", "the machine's equipment id"),
    "tenant_id": ("--tenant", "ID", "the tenant booking it"),
    "start": ("--start", "YYYY-MM-DDTHH:MM", "first moment (site's local time)"),
    "end": ("--end", "YYYY-MM-DDTHH:MM", "end, not included (site's local time)"),
    "purpose": ("--purpose", "TEXT", "what for"),
    "booking_id": ("--id", "ID", "booking id (default new)"),
}  # fmt: skip
TRAINING_OPTIONS = {
    "tenant_id": ("--tenant", "ID", "the tenant trained"),
    "equipment_type": ("--type", "TYPE", "machine type, as equipment --type (e.g. kiln)"),
    "granted_by": ("--by", "NAME", "who gave the induction (default: you)"),
    "valid_until": ("--valid-until", "DATE", "last day it is valid, YYYY-MM-DD (default: no end)"),
}  # fmt: skip


def add_commands(sub: Any) -> None:
    """Register ``booking`` and ``training``."""
    fam = sub.add_parser("booking", help="bookings of shared equipment").add_subparsers(
        dest="booking_command", metavar="ACTION", required=True)  # fmt: skip
    p = fam.add_parser("make", help="book a shared machine; prints the booking id")
    for dest, (flag, metavar, text) in BOOKING_OPTIONS.items():
        required = dest in ("equipment_id", "tenant_id", "start", "end")
        p.add_argument(flag, dest=dest, metavar=metavar, required=required, help=text,
                       default=None if dest != "purpose" else "")  # fmt: skip
    add_site_arguments(p)
    p.set_defaults(handler=_make)
    p = fam.add_parser("cancel", help="cancel a booking (kept, marked cancelled)")
    p.add_argument("booking_id", metavar="ID", help="the booking id")
    add_site_arguments(p)
    p.set_defaults(handler=_cancel)
    p = fam.add_parser("list", help="the live bookings, by start")
    p.add_argument("--equipment", default=None, metavar="ID", help="one machine's only")
    p.add_argument("--cancelled", action="store_true", help="also the cancelled ones")
    add_format_argument(p)
    add_site_arguments(p)
    p.set_defaults(handler=_list)
    p = fam.add_parser("usage", help="utilisation per shared machine and ISO week")
    p.add_argument(
        "--saturated-above",
        type=float,
        default=None,
        metavar="U",
        help="utilisation above which a machine is saturated (default 0.8)",
    )
    p.add_argument(
        "--idle-below",
        type=float,
        default=None,
        metavar="U",
        help="utilisation below which a machine is idle (default 0.1)",
    )
    add_format_argument(p)
    add_site_arguments(p)
    p.set_defaults(handler=_usage)

    fam = sub.add_parser("training", help="trainings (inductions) on machine types")
    acts = fam.add_subparsers(dest="training_command", metavar="ACTION", required=True)
    p = acts.add_parser("grant", help="record a tenant's induction on a machine type")
    for dest, (flag, metavar, text) in TRAINING_OPTIONS.items():
        p.add_argument(flag, dest=dest, metavar=metavar, help=text,
                       required=dest in ("tenant_id", "equipment_type"),
                       default="" if dest == "granted_by" else None)  # fmt: skip
    add_site_arguments(p)
    p.set_defaults(handler=_grant)
    p = acts.add_parser("list", help="the site's trainings")
    add_format_argument(p)
    add_site_arguments(p)
    p.set_defaults(handler=_training_list)


def _options(error: SiteManagerError, options: dict[str, tuple[str, str, str]]) -> Exception:
    from site_manager.cli.register_cmds import _naming_options

    return _naming_options(error, {k: o[0] for k, o in options.items()})


def _make(args: argparse.Namespace) -> int:
    from site_manager import register

    given = {name: getattr(args, name) for name in BOOKING_OPTIONS}
    try:
        booking_id = register.make_booking(open_engine(args), **given, site=args.site)
    except SiteManagerError as error:
        raise _options(error, BOOKING_OPTIONS) from None
    print(booking_id)
    return 0


def _cancel(args: argparse.Namespace) -> int:
    from site_manager import register

    register.cancel_booking(open_engine(args), args.booking_id, site=args.site)
    print(f"cancelled booking {args.booking_id}")
    return 0


def _iso(frame: Any, columns: tuple[str, ...]) -> Any:
    """``frame`` with its times as ISO 8601 text with the offset (minutes)."""
    out = frame.copy()
    for col in columns:
        out[col] = [None if t is None or t != t else t.isoformat(timespec="minutes")
                    for t in out[col]]  # fmt: skip
    return out


def _list(args: argparse.Namespace) -> int:
    from site_manager import register

    frame = register.list_bookings(open_engine(args), args.site, cancelled=args.cancelled,
                                   equipment_id=args.equipment)  # fmt: skip
    columns = ["booking_id", "equipment_id", "tenant_id", "start", "end", "purpose", "hours",
               "price_eur"] + (["cancelled_at"] if args.cancelled else [])  # fmt: skip
    print_frame(_iso(frame[columns], ("start", "end", "cancelled_at")[: 2 + args.cancelled]),
                args.format)  # fmt: skip
    return 0


def _grant(args: argparse.Namespace) -> int:
    from site_manager import register

    given = {name: getattr(args, name) for name in TRAINING_OPTIONS}
    try:
        record = register.grant_training(open_engine(args), **given, site=args.site)
    except SiteManagerError as error:
        raise _options(error, TRAINING_OPTIONS) from None
    print(f"granted training {record}")
    return 0


def _training_list(args: argparse.Namespace) -> int:
    from site_manager import register

    frame = register.list_trainings(open_engine(args), args.site)
    print_frame(_iso(frame, ("granted_at",)), args.format)
    return 0


def _usage(args: argparse.Namespace) -> int:
    from site_manager import register, sharing

    engine = open_engine(args)
    limits = {k: v for k, v in (("saturated_above", args.saturated_above),
                                ("idle_below", args.idle_below)) if v is not None}  # fmt: skip
    frame = sharing.utilisation(register.list_bookings(engine, args.site),
                                register.list_equipment(engine, args.site), **limits)  # fmt: skip
    print_frame(frame, args.format)
    return 0
