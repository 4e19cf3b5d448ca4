"""Commands of the site register: sites, units, tenants, leases, equipment, zoning, reports.

``site-manager sample load NAME``, ``site ...`` (:mod:`.site_cmds`), ``space list|set``,
``unit list|define|rename|retire``, ``tenant list|add|edit|import|export``,
``lease list|sign|end|import|export``, ``equipment list|add|edit|import|export``,
``skill add``, ``applicant list|import|export|add|edit``, ``zoning set``,
``report occupancy|rent-roll|expiries|vacancies``, ``audit``. The database is ``--db URL``,
else ``$SITE_MANAGER_DB``, else an SQLite file in the working folder. Heavy libraries are
imported inside the handlers.
"""

from __future__ import annotations

import argparse
from typing import Any

from site_manager.cli._common import (
    add_delimiter_argument,
    add_site_arguments,
    open_engine,
    print_frame,
)
from site_manager.cli.site_cmds import _printable, _table
from site_manager.errors import SiteManagerError, ValidationError

_common = add_site_arguments


#: ``space set`` flags: the space attributes (``register.contracts.SPACE_ATTRIBUTES``, which
#: reads their values), metavar and help. Kept here so that building the parser does not
#: import the register.
SPACE_FLAGS = (
    ("--clear-height-m", "M", "clear height under beams [m]"),
    ("--floor-load-kn-m2", "X", "floor load capacity [kN/m²]"),
    ("--board-id", "B", "distribution board id"),
    ("--board-capacity-kw", "KW", "distribution board capacity [kW]"),
    (
        "--power-kw",
        "KW",
        "electrical power available at the space itself [kW]; the layout "
        "uses it instead of an area share of the board's capacity",
    ),
    ("--extraction", "yes|no", "fume or dust extraction available"),
    ("--daylight", "yes|no", "daylight"),
    ("--ground-access", "yes|no", "access at ground level"),
    ("--crane", "yes|no", "an overhead crane"),
    ("--crane-capacity-t", "T", "crane capacity [t]"),
    ("--loading-access", "ground|goods_lift|none", "how goods reach the space"),
)

#: ``lease sign`` options: the lease field (``register.contracts.LEASES``) each gives, its
#: metavar and help. A refusal names the option of each field it is about.
LEASE_OPTIONS = {
    "unit_id": ("--unit", "UNIT", "the unit's id"),
    "tenant_id": ("--tenant", "TENANT", "the tenant's id"),
    "start": ("--start", "YYYY-MM-DD", "first day"),
    "end": ("--end", "YYYY-MM-DD", "last day (inclusive)"),
    "rent_eur_per_month": ("--rent", "EUR_PER_MONTH", "monthly rent [EUR], 0 for a free let"),
    "common_cost_share": ("--share", "FRACTION", "share of common costs, 0-1 (default 0)"),
    "lease_id": ("--id", "ID", "lease id (default new)"),
}  # fmt: skip


def add_commands(sub: Any) -> None:
    """Register the register's command families."""
    # sample
    sample = sub.add_parser("sample", help="sample sites").add_subparsers(
        dest="sample_command", metavar="ACTION", required=True)  # fmt: skip
    p = sample.add_parser("load", help="load a sample site (model and every CSV) in one go",
                          description="Load the sample site NAME (textile_mill, "
                          "engineering_works, brewery_complex, officina_macrolotto) into the "
                          "register in one transaction: the IFC model, zoning, units, boards, "
                          "tenants, leases, equipment, skills, meters, applicants, climate, "
                          "tariffs and neighbourhood.")  # fmt: skip
    p.add_argument("name", metavar="NAME", help="sample site name or folder with a site.toml")
    _common(p, site=False)
    p.set_defaults(handler=_sample_load)

    from site_manager.cli import site_cmds

    site_cmds.add_commands(sub)

    # space
    space = sub.add_parser("space", help="spaces and the attributes the constraints use"
                           ).add_subparsers(dest="space_command", metavar="ACTION",
                                            required=True)  # fmt: skip
    p = space.add_parser("list", help="the spaces with their use and attributes")
    _table(p)
    p.set_defaults(handler=_list, what="spaces")
    p = space.add_parser("set", help="set a space's attributes (override the model's)",
                         description="Only the attributes given change.")  # fmt: skip
    p.add_argument("global_id", metavar="GID", help="the space's GlobalId")
    for flag, metavar, text in SPACE_FLAGS:
        p.add_argument(flag, metavar=metavar, help=text)
    _common(p)
    p.set_defaults(handler=_space_set)

    # unit
    unit = sub.add_parser("unit", help="rentable units").add_subparsers(
        dest="unit_command", metavar="ACTION", required=True)  # fmt: skip
    p = unit.add_parser("list", help="the units (unit_id, name, storey, area_m2, use, ...)")
    _table(p)
    p.set_defaults(handler=_list, what="units")
    p = unit.add_parser("define", help="define or redefine a unit from spaces or parts of them",
                        description="A unit takes whole spaces (--spaces), or parts of spaces: "
                        "--space GID --part WKT, once per space (the part's footprint polygon "
                        "in the site's CRS, metres; its area is the polygon's).")  # fmt: skip
    p.add_argument("unit_id", metavar="UNIT")
    p.add_argument("--spaces", default="", help="';'-separated space GlobalIds (whole)")
    p.add_argument("--space", action="append", default=[], metavar="GID",
                   help="a space the unit takes part of (with --part)")  # fmt: skip
    p.add_argument(
        "--part",
        action="append",
        default=[],
        metavar="WKT",
        help="footprint of the part of the --space before it (WKT polygon)",
    )
    p.add_argument("--name", default="")
    p.add_argument("--area", type=float, default=None, help="lettable area [m²] if not the sum")
    p.add_argument("--notes", default="")
    _common(p)
    p.set_defaults(handler=_unit_define)
    p = unit.add_parser("rename", help="give a unit a new name")
    p.add_argument("unit_id", metavar="UNIT")
    p.add_argument("--name", required=True)
    _common(p)
    p.set_defaults(handler=_unit_rename)
    p = unit.add_parser("retire", help="retire a unit (kept with its past leases, let no more)",
                        description="Refused while a lease of the unit runs on the day or "
                        "starts after it.")  # fmt: skip
    p.add_argument("unit_id", metavar="UNIT")
    p.add_argument("--on", default=None, metavar="YYYY-MM-DD",
                   help="first day it is no longer let (default today)")  # fmt: skip
    _common(p)
    p.set_defaults(handler=_unit_retire)

    # tenant, lease, equipment
    for kind, singular in (("tenants", "tenant"), ("leases", "lease"),
                           ("equipment", "equipment"), ("applicants", "applicant")):  # fmt: skip
        fam = sub.add_parser(singular, help=f"{kind}: list, import, export").add_subparsers(
            dest=f"{singular}_command", metavar="ACTION", required=True)  # fmt: skip
        p = fam.add_parser("list", help=f"the {kind}")
        _table(p)
        p.set_defaults(handler=_list, what=kind)
        p = fam.add_parser("import", help=f"import {kind} from .csv or .xlsx (all or nothing)",
                           description=f"Import {kind} from a .csv or .xlsx file with canonical "
                           "or landlord headings; rows are matched by id. A file with any bad "
                           "row is refused whole, listing every bad row.")  # fmt: skip
        p.add_argument("file", metavar="FILE")
        add_delimiter_argument(p)
        _common(p)
        p.set_defaults(handler=_import, kind=kind)
        p = fam.add_parser("export", help=f"export {kind} to .csv or .xlsx")
        p.add_argument("file", metavar="FILE")
        p.add_argument(
            "--canonical",
            action="store_true",
            help="canonical column names instead of the landlord's headings",
        )
        _common(p)
        p.set_defaults(handler=_export, kind=kind)
        if kind == "leases":
            _add_lease_commands(fam)
        elif kind in MEMBER_OPTIONS:
            _add_member_commands(fam, kind, singular)

    # skill
    skill = sub.add_parser("skill", help="what tenants can do for others").add_subparsers(
        dest="skill_command", metavar="ACTION", required=True)  # fmt: skip
    p = skill.add_parser("add", help="record a tenant's skill")
    p.add_argument("--tenant", dest="tenant_id", required=True, metavar="TENANT")
    p.add_argument("--skill", required=True)
    p.add_argument("--level", default=None, help="how well (the skills' contract's levels)")
    _common(p)
    p.set_defaults(handler=_skill_add)

    # zoning
    zoning = sub.add_parser("zoning", help="the use of spaces").add_subparsers(
        dest="zoning_command", metavar="ACTION", required=True)  # fmt: skip
    p = zoning.add_parser(
        "set",
        help="set the use of spaces: GLOBALID=USE ... or --file",
        description="Uses: private_production, shared_production, "
        "shared_service, storage, circulation, technical, outdoor.",
    )
    p.add_argument("pairs", nargs="*", metavar="GLOBALID=USE")
    p.add_argument("--file", default=None, help="a zoning.csv (space_global_id, use)")
    add_delimiter_argument(p)
    _common(p)
    p.set_defaults(handler=_zoning_set)
    p = zoning.add_parser("list", help="spaces with their use and area")
    _table(p)
    p.set_defaults(handler=_list, what="zoning")

    # report
    p = sub.add_parser("report", help="landlord figures: occupancy, rent roll, expiries, "
                       "vacancies; the neighbourhood impact report (impact -o FILE)")  # fmt: skip
    p.add_argument("figure", choices=("occupancy", "rent-roll", "expiries", "vacancies", "impact"))
    p.add_argument(
        "-o",
        "--output",
        default=None,
        metavar="FILE",
        help="impact: write impact.html, impact.pdf or impact.json",
    )
    p.add_argument(
        "--openings",
        choices=("closed", "open"),
        default=None,
        help="impact: windows and doors closed (default) or open",
    )
    p.add_argument(
        "--public",
        action="store_true",
        help="impact: the municipality's copy under disclosure control (aggregates only)",
    )
    p.add_argument("--by", choices=("storey", "use"), default=None)
    p.add_argument("--on", default=None, metavar="YYYY-MM-DD", help="as of (default today)")
    p.add_argument("--months", type=int, default=12, help="expiries window (default 12)")
    _table(p)
    p.set_defaults(handler=_report)

    # audit
    p = sub.add_parser(
        "audit",
        help="the audit trail of changes, newest first; 'audit verify' checks its hash chain",
        description="list: the audit trail of a site, newest first. verify: check that every "
        "entry of the register's trail is sealed and linked to the one before it; prints one "
        "line and exits 0 if the trail is intact, 1 at the first broken entry (2: usage error).",
    )
    p.add_argument("action", nargs="?", choices=("list", "verify"), default="list",
                   help="list (default) or verify")  # fmt: skip
    p.add_argument("--limit", type=int, default=50)
    _table(p)
    p.set_defaults(handler=_audit)


#: ``tenant add|edit`` and ``equipment add|edit`` options: field of the contract
#: (``register.contracts.TENANTS``, ``EQUIPMENT``) → option and help. The contract reads the
#: values; a refusal names the option of each field it is about.
MEMBER_OPTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "tenants": {
        "name": ("--name", "tenant's name (required to add)"),
        "kind": ("--kind", "kind of tenant"),
        "stage": ("--stage", "how far the business has come"),
        "sector": ("--sector", "what they make"),
        "headcount": ("--headcount", "people"),
        "contact_name": ("--contact-name", "contact person"),
        "contact_email": ("--contact-email", "contact e-mail"),
        "contact_phone": ("--contact-phone", "contact phone"),
        "joined": ("--joined", "day the tenant joined (YYYY-MM-DD)"),
    },
    "equipment": {
        "name": ("--name", "what the machine is"),
        "type": ("--type", "machine type, e.g. cnc_router"),
        "owner_tenant_id": ("--owner", "owning tenant's id (empty: the site's own)"),
        "space_global_id": ("--space", "GlobalId of the space it stands in"),
        "board_id": ("--board", "distribution board it is wired to"),
        "power_kw": ("--power-kw", "rated power [kW]"),
        "noise_db": ("--noise-db", "noise level [dB(A)]"),
        "weight_kg": ("--weight-kg", "weight [kg]"),
        "hazards": ("--hazards", "';'-separated hazards"),
        "shared": ("--shared", "yes|no: shared with others"),
        "share_terms": ("--share-terms", "on what terms (free text)"),
        "booking_access": ("--booking-access", "members|anyone: who may book it"),
        "open_from": ("--open-from", "bookable from HH:MM (site's local time)"),
        "open_until": ("--open-until", "bookable until HH:MM (site's local time)"),
        "max_booking_h": ("--max-booking-h", "longest booking [h]"),
        "induction_required": ("--induction-required", "yes|no: a booking needs a training"),
        "price_eur_per_h": ("--price-eur-per-h", "price of an hour's booking [EUR/h]"),
    },
    "applicants": {
        "name": ("--name", "applicant's name"),
        "kind": ("--kind", "kind of tenant"),
        "area_min_m2": ("--area-min", "smallest area it takes [m²] (required to add)"),
        "area_max_m2": ("--area-max", "largest area it takes [m²] (required to add)"),
        "min_height_m": ("--min-height", "clear height it needs [m]"),
        "min_load_kn_m2": ("--min-load", "floor load it needs [kN/m²]"),
        "power_kw": ("--power-kw", "power it needs [kW]"),
        "extraction": ("--extraction", "yes|no: needs extraction"),
        "access": ("--access", "yes|no: needs loading access"),
        "daylight": ("--daylight", "yes|no: needs daylight"),
        "noise_db": ("--noise-db", "its loudest work [dB(A)]"),
        "noise_sensitive": ("--noise-sensitive", "yes|no: needs quiet neighbours"),
        "hazard": ("--hazard", "hazard class (0: none)"),
        "rent_eur_per_m2_month": ("--rent", "rent offered [EUR/m²·month] (required to add)"),
        "provides": ("--provides", "';'-separated machine or skill types it offers"),
        "needs": ("--needs", "';'-separated machine or skill types it needs"),
        "headcount": ("--headcount", "people"),
        "contact_name": ("--contact-name", "contact person"),
        "contact_email": ("--contact-email", "contact e-mail"),
        "contact_phone": ("--contact-phone", "contact phone"),
        "applied": ("--applied", "day it applied (YYYY-MM-DD)"),
    },
}  # fmt: skip
#: The id field of each member family and its argument's name in messages.
MEMBER_IDS = {"tenants": ("tenant_id", "TENANT"), "equipment": ("equipment_id", "EQUIPMENT"),
              "applicants": ("applicant_id", "APPLICANT")}  # fmt: skip


def _add_member_commands(fam: Any, kind: str, singular: str) -> None:
    id_field, metavar = MEMBER_IDS[kind]
    for action, text in (
        ("add", f"add one {singular}"),
        ("edit", f"change some values of a {singular} (only those given)"),
    ):
        p = fam.add_parser(action, help=text)  # fmt: skip
        p.add_argument(id_field, metavar=metavar)
        for name, (flag, help_text) in MEMBER_OPTIONS[kind].items():
            p.add_argument(flag, dest=name, default=None, help=help_text)
        _common(p)
        p.set_defaults(handler=_member, family=kind, action=action)


def _add_lease_commands(fam: Any) -> None:
    p = fam.add_parser("sign", help="sign a lease (exit 2 with the reason if refused)")
    for name, (flag, metavar, text) in LEASE_OPTIONS.items():  # required: said by the contract
        p.add_argument(flag, dest=name, metavar=metavar, help=text)
    _common(p)
    p.set_defaults(handler=_lease_sign)
    p = fam.add_parser("end", help="end a lease early: DATE becomes its last day")
    p.add_argument("lease_id", metavar="LEASE_ID")
    p.add_argument("--on", required=True, metavar="YYYY-MM-DD", help="its new last day")
    _common(p)
    p.set_defaults(handler=_lease_end)


# ---------------------------------------------------------------- handlers


_engine = open_engine


def _sample_load(args: argparse.Namespace) -> int:
    from site_manager import register

    engine = _engine(args)
    site_id = register.load_sample(engine, args.name)
    f = register.frames(engine, site_id)
    print(
        f"loaded sample site {site_id}: {len(f.spaces)} spaces, {len(f.units)} units, "
        f"{len(f.tenants)} tenants, {len(f.leases)} leases, {len(f.equipment)} equipment"
    )
    return 0


def _space_set(args: argparse.Namespace) -> int:
    from site_manager import register

    attributes = {
        name: value
        for flag, _, _ in SPACE_FLAGS
        if (value := getattr(args, name := flag[2:].replace("-", "_"))) is not None
    }
    if not attributes:
        raise ValidationError("nothing to set; give " + ", ".join(
            f"{flag} {metavar}" for flag, metavar, _ in SPACE_FLAGS))  # fmt: skip
    register.set_space_attributes(_engine(args), args.global_id, site=args.site, **attributes)
    print(f"space {args.global_id}: " + ", ".join(f"{k} = {v}" for k, v in attributes.items()))
    return 0


def _list(args: argparse.Namespace) -> int:
    from site_manager import register

    engine = _engine(args)
    if args.what == "units":
        frame = register.list_units(engine, args.site)
    elif args.what == "tenants":
        frame = register.list_tenants(engine, args.site)
    elif args.what == "leases":
        frame = register.list_leases(engine, args.site)
    elif args.what == "equipment":
        frame = register.list_equipment(engine, args.site)
    elif args.what == "applicants":
        frame = register.list_applicants(engine, args.site)
    elif args.what == "spaces":
        frame = register.frames(engine, args.site).spaces.drop(columns=["footprint_wkt"])
    else:
        spaces = register.frames(engine, args.site).spaces
        frame = spaces[~spaces["removed"]][["global_id", "name", "storey", "area_m2", "use"]]
    print_frame(_printable(frame, args.format), args.format)
    return 0


def _unit_define(args: argparse.Namespace) -> int:
    from site_manager import register

    gids = [g.strip() for g in args.spaces.split(";") if g.strip()]
    if len(args.space) != len(args.part):
        raise ValidationError(f"give one --part per --space (got {len(args.space)} --space and "
                              f"{len(args.part)} --part)")  # fmt: skip
    parts = dict(zip(args.space, args.part, strict=True))
    try:
        register.define_unit(_engine(args), args.unit_id, gids, name=args.name,
                             area_m2=args.area, notes=args.notes, parts=parts,
                             site=args.site)  # fmt: skip
    except SiteManagerError as error:
        raise _naming_options(
            error,
            {
                "space_global_ids": "--spaces",
                "area_m2": "--area",
                "unit_id": "UNIT",
                "parts": "--part",
            },
        ) from None
    whole = [g for g in gids if g not in parts]
    print(f"unit {args.unit_id}: {len(whole)} space(s), {len(parts)} part(s)")
    return 0


def _unit_rename(args: argparse.Namespace) -> int:
    from site_manager import register

    try:
        register.rename_unit(_engine(args), args.unit_id, name=args.name, site=args.site)
    except SiteManagerError as error:
        raise _naming_options(error, {"name": "--name", "unit_id": "UNIT"}) from None
    print(f"unit {args.unit_id}: renamed {args.name!r}")
    return 0


def _unit_retire(args: argparse.Namespace) -> int:
    from site_manager import register

    try:
        day = register.retire_unit(_engine(args), args.unit_id, on=args.on, site=args.site)
    except SiteManagerError as error:
        raise _naming_options(error, {"on": "--on", "unit_id": "UNIT"}) from None
    print(f"unit {args.unit_id}: retired from {day.isoformat()}")
    return 0


def _member(args: argparse.Namespace) -> int:
    from site_manager import register
    from site_manager.errors import ValidationError

    options = MEMBER_OPTIONS[args.family]
    id_field, metavar = MEMBER_IDS[args.family]
    given = {name: value for name in options if (value := getattr(args, name)) is not None}
    record = getattr(args, id_field)
    engine = _engine(args)
    try:
        if args.action == "edit" and not given:
            raise ValidationError("nothing to change; give " + ", ".join(
                flag for flag, _ in options.values()))  # fmt: skip
        if args.family == "tenants" and args.action == "add":
            register.add_tenant(engine, record, site=args.site, **given)
        elif args.family == "tenants":
            register.edit_tenant(engine, record, site=args.site, **given)
        elif args.family == "applicants" and args.action == "add":
            register.add_applicant(engine, record, site=args.site, **given)
        elif args.family == "applicants":
            register.edit_applicant(engine, record, site=args.site, **given)
        elif args.action == "add":
            register.add_equipment(engine, record, site=args.site, **given)
        else:
            register.edit_equipment(engine, record, site=args.site, **given)
    except SiteManagerError as error:
        flags = {k: flag for k, (flag, _) in options.items()} | {id_field: metavar}
        raise _naming_options(error, flags) from None
    verb = "added" if args.action == "add" else "changed " + ", ".join(given)
    print(f"{args.family.rstrip('s')} {record}: {verb}")
    return 0


def _skill_add(args: argparse.Namespace) -> int:
    from site_manager import register

    try:
        skill = register.add_skill(_engine(args), args.tenant_id, args.skill, args.level,
                                   site=args.site)  # fmt: skip
    except SiteManagerError as error:
        raise _naming_options(error, {"tenant_id": "--tenant", "skill": "--skill",
                                      "level": "--level"}) from None  # fmt: skip
    print(f"tenant {args.tenant_id}: skill {skill!r}" + (f" ({args.level})" if args.level
                                                         else ""))  # fmt: skip
    return 0


def _import(args: argparse.Namespace) -> int:
    from site_manager import register

    result = register.import_table(_engine(args), args.kind, args.file, site=args.site,
                                   delimiter=args.delimiter)  # fmt: skip
    print(str(result))
    return 0


def _export(args: argparse.Namespace) -> int:
    from site_manager import register

    n = register.export_table(
        _engine(args), args.kind, args.file, site=args.site, landlord=not args.canonical
    )
    print(f"wrote {n} {args.kind} to {args.file}")
    return 0


def _naming_options(error: Exception, options: dict[str, str]) -> Exception:
    """A refusal whose problems each end with the option of their field (``(--rent)``)."""
    from site_manager.register import rules

    problems = rules.problems_of(error)
    if not problems:
        return error
    return rules.refusal(
        rules.Problem(p.field, f"{p.message} ({options[p.field]})" if p.field in options
                      else p.message, p.kind) for p in problems
    )  # fmt: skip


def _lease_sign(args: argparse.Namespace) -> int:
    from site_manager import register

    given = {name: getattr(args, name) for name in LEASE_OPTIONS}
    try:
        lease_id = register.sign_lease(_engine(args), **given, site=args.site)
    except SiteManagerError as error:
        raise _naming_options(error, {k: o[0] for k, o in LEASE_OPTIONS.items()}) from None
    print(
        f"signed lease {lease_id}: unit {args.unit_id} to tenant {args.tenant_id} from "
        f"{args.start} to {args.end}"
    )
    return 0


def _lease_end(args: argparse.Namespace) -> int:
    from site_manager import register

    try:
        register.end_lease(_engine(args), args.lease_id, on=args.on, site=args.site)
    except SiteManagerError as error:
        raise _naming_options(error, {"end": "--on"}) from None
    print(f"lease {args.lease_id} now ends on {args.on}")
    return 0


def _zoning_set(args: argparse.Namespace) -> int:
    from site_manager import register
    from site_manager.errors import ValidationError

    uses: dict[str, str] = {}
    if args.file:
        from site_manager.register import checks

        parsed = checks.parse_file("zoning", args.file, delimiter=args.delimiter)
        checks.raise_if_problems([parsed])
        uses.update({r["space_global_id"]: r["use"] for r in parsed.records})
    for pair in args.pairs:
        gid, sep, use = pair.partition("=")
        if not sep or not gid or not use:
            raise ValidationError(f"{pair!r} is not GLOBALID=USE")
        uses[gid] = use
    if not uses:
        raise ValidationError("give GLOBALID=USE pairs or --file zoning.csv")
    n = register.set_zoning(_engine(args), uses, site=args.site)
    print(f"zoning: {n} space(s) changed of {len(uses)} given")
    return 0


def _report(args: argparse.Namespace) -> int:
    from site_manager import register, tenancy

    on = tenancy.parse_day(args.on)
    if args.figure == "impact":
        from site_manager.cli.impact_cmds import write_impact

        return write_impact(_engine(args), on, args)
    f = register.frames(_engine(args), args.site)
    if args.figure == "occupancy":
        frame = tenancy.occupancy(f, on=on, by=args.by)
    elif args.figure == "rent-roll":
        frame = tenancy.rent_roll(f, on=on, by=args.by)
    elif args.figure == "expiries":
        frame = tenancy.lease_expiries(f, on=on, months=args.months, by=args.by)
    else:
        frame = tenancy.vacancies(f, on=on, by=args.by)
    if args.format == "table":
        print(f"{args.figure} of site {f.site['site_id']} on {on.isoformat()}"
              + (f" by {args.by}" if args.by else ""))  # fmt: skip
    print_frame(_printable(frame, args.format), args.format)
    return 0


def _audit(args: argparse.Namespace) -> int:
    from site_manager import register

    if args.action == "verify":
        from site_manager.register.audit_chain import describe, verify_audit

        check = verify_audit(_engine(args))
        print(describe(check))
        return 0 if check.ok else 1
    print_frame(_printable(register.get_audit(_engine(args), args.site, limit=args.limit)),
                args.format)  # fmt: skip
    return 0
