"""The rules a change of the register must keep, one home each.

A rule is a ``check_*`` function that returns the :class:`Problem` s it finds, each naming
the field (the contract's column) it is about; it raises nothing. Every way into the register
calls the same checks: the verbs (:func:`~site_manager.register.verbs.sign_lease`,
:func:`~site_manager.register.verbs.end_lease`), the bulk imports and the sample loader
(:mod:`site_manager.register.checks`), and so the dashboard's forms, which call the verbs.
A verb refuses with :func:`refuse`: one error carrying every problem.

The values themselves (types, ranges, lengths, allowed values) are the contract's
(:mod:`site_manager.register.contracts`); the rules here span several fields or records:

- a lease ends on or after its start; its unit and tenant exist; no other lease holds its
  unit on any of its days (the message names the conflicting lease);
- a lease is ended on a day within it;
- a retired unit is not let on or after the day it was retired, nor redefined;
- a unit's spaces exist, are not removed from the model and are not in another live unit
  (unless the unit gives its own lettable area: part of a hall split into several units);
- a unit made of parts of spaces: each part a polygon within its space, overlapping no
  other live unit's part of it, in no space another live unit takes whole;
- a unit with a lease running on, or starting after, the day it would be retired is not
  retired;
- an applicant's largest area is at least its smallest;
- equipment, zoning, units, skills and meters name existing tenants and spaces;
- bookings of shared equipment and trainings: :mod:`site_manager.register.booking_rules`
  (a module of its own for the length of this one).

The database keeps the same lease rules as CHECKs, foreign keys and an overlap constraint:
the last line, for two writers that race (``docs/register.md``).

Examples
--------
>>> import datetime as dt
>>> ctx = SiteContext("mill", units={"U1"}, tenants={"T1"})
>>> check_lease({"unit_id": "U1", "tenant_id": "T1", "start": dt.date(2026, 2, 1),
...              "end": dt.date(2026, 1, 31)}, ctx)
[Problem(field='end', message="end 2026-01-31 is before start 2026-02-01; the end is the lease's last day", kind='invalid')]
"""  # noqa: E501

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from site_manager.errors import NotFoundError, RegisterError, SiteManagerError, ValidationError
from site_manager.register import contracts
from site_manager.register.schema import Lease, Site, Space, Tenant, Unit, UnitSpace
from site_manager.register.values import parse_record, parse_value, text_problem


@dataclass(frozen=True)
class Problem:
    """What a rule found: the field it is about, and what to do.

    ``kind`` is ``invalid`` (a value or a combination of values is wrong), ``unknown`` (a
    referenced record does not exist) or ``conflict`` (another record is in the way).
    """

    field: str
    message: str
    kind: str = "invalid"


#: The error each kind of problem is refused with.
REFUSALS: dict[str, type[SiteManagerError]] = {
    "invalid": ValidationError, "unknown": NotFoundError, "conflict": RegisterError,
}  # fmt: skip


def refusal(problems: Iterable[Problem]) -> SiteManagerError:
    """One error carrying every problem (at least one).

    The error is that of the first problem's kind (:data:`REFUSALS`), so ``except
    ValidationError``, ``NotFoundError`` and ``RegisterError`` keep their meaning; its
    message is the problems' messages joined by ``; ``, and it carries them for a front end
    to place each by its field (:func:`problems_of`).
    """
    found = list(problems)
    error = REFUSALS[found[0].kind]("; ".join(p.message for p in found))
    error.problems = found  # type: ignore[attr-defined]
    return error


def refuse(problems: Iterable[Problem]) -> None:
    """Raise :func:`refusal` of ``problems`` when there are any."""
    found = list(problems)
    if found:
        raise refusal(found)


def problems_of(error: BaseException) -> list[Problem]:
    """The problems a refusal carries (none for an error that did not come from a rule)."""
    return list(getattr(error, "problems", None) or [])


def record_label(table: contracts.Table, values: Mapping[str, Any]) -> str:
    """How a refusal names the record: ``tenant T-9``; just ``tenant`` when its id is
    missing or itself refused (a message never repeats a bad value).
    """
    word = table.record or table.name
    key = values.get(table.id_column) if table.id_column else None
    text = str(key).strip() if key is not None else ""
    if not text or text_problem(text, max_length=table.column(str(table.id_column)).max_length):
        return word
    return f"{word} {text}"


def values_from_contract(
    table: contracts.Table, values: Mapping[str, Any], *, record: str | None = None
) -> tuple[dict[str, Any], list[Problem]]:
    """``values`` typed and checked by the contract of ``table``; the problems name fields.

    Each message starts with the record and the field: ``tenant T-9 name: 10,240 characters;
    at most 200 allowed`` (``record`` overrides :func:`record_label`). Lengths and allowed
    characters are checked here, before the database, the same on SQLite and PostgreSQL.
    """
    label = record_label(table, values) if record is None else record
    typed, bad = parse_record(table, values, record=label)
    return typed, [Problem(name, message) for name, message in bad.items()]


# ---------------------------------------------------------------- what the rules check against


@dataclass(frozen=True)
class Booking:
    """Days a unit is held: by a stored lease, or by a row of a file being imported."""

    start: dt.date
    end: dt.date
    label: str


@dataclass
class SiteContext:
    """What references and overlaps are checked against.

    Attributes
    ----------
    site_id : str
        For messages.
    spaces, units, tenants : set of str
        GlobalIds, unit ids and tenant ids of the site.
    tenant_names : dict
        A tenant's name → its id, for names that are unique (imports take either).
    bookings : dict
        Unit id → lease id (or row) → :class:`Booking`.
    removed : set of str
        GlobalIds of spaces removed from the model.
    retired : dict
        Unit id → the day it was retired, for retired units.
    unit_spaces : dict
        Unit id → GlobalIds of its spaces.
    """

    site_id: str
    spaces: set[str] = field(default_factory=set)
    units: set[str] = field(default_factory=set)
    tenants: set[str] = field(default_factory=set)
    tenant_names: dict[str, str] = field(default_factory=dict)
    bookings: dict[str, dict[str, Booking]] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    retired: dict[str, dt.date] = field(default_factory=dict)
    unit_spaces: dict[str, set[str]] = field(default_factory=dict)

    def book(self, unit_id: str, key: str, booking: Booking) -> None:
        """Hold ``unit_id`` for a booking (a row of a file, once it passed)."""
        self.bookings.setdefault(unit_id, {})[key] = booking

    def release(self, lease_ids: Iterable[str]) -> None:
        """Forget stored leases that are being replaced (an import updating them)."""
        gone = set(lease_ids)
        for held in self.bookings.values():
            for lid in gone & set(held):
                del held[lid]


class Calendar:
    """The bookings of one unit, which never overlap each other, sorted by start.

    Sorted by start they are sorted by end too, so whether new days clash with one of them
    is one bisection (:meth:`clash`), and an import checks n leases in O(n log n) instead of
    comparing each with every booking of its unit.
    """

    def __init__(self, bookings: Iterable[Booking] = ()) -> None:
        self._held = sorted(bookings, key=lambda b: (b.start, b.label))
        self._ends = [b.end for b in self._held]

    def clash(self, start: dt.date, end: dt.date) -> Booking | None:
        """The earliest booking that shares a day with ``[start, end]``, if any."""
        i = bisect.bisect_left(self._ends, start)  # the first booking ending on or after start
        if i < len(self._held) and self._held[i].start <= end:
            return self._held[i]
        return None

    def add(self, booking: Booking) -> None:
        """Hold the unit for ``booking`` (which clashes with none of the calendar's)."""
        i = bisect.bisect_left(self._ends, booking.end)
        self._held.insert(i, booking)
        self._ends.insert(i, booking.end)


def lease_label(lease_id: str, tenant_id: str) -> str:
    """How a stored lease is named in a refusal."""
    return f"lease {lease_id} (tenant {tenant_id})"


def context_from_db(s: Session, site: Site) -> SiteContext:
    """The references and leases of ``site`` as they are in the register."""
    tenants = {t.tenant_id: t.name for t in s.scalars(select(Tenant).where(Tenant.site_pk ==
                                                                          site.id))}  # fmt: skip
    names: dict[str, str] = {}
    for tid, name in tenants.items():
        names[name] = tid if name not in names else ""  # "" marks a name two tenants share
    spaces = s.execute(select(Space.global_id, Space.removed).where(Space.site_pk == site.id))
    units = s.execute(select(Unit.unit_id, Unit.retired).where(Unit.site_pk == site.id)).all()
    ctx = SiteContext(
        site_id=site.site_id,
        spaces=set(),
        units={uid for uid, _ in units},
        tenants=set(tenants),
        tenant_names={n: t for n, t in names.items() if t},
        retired={uid: day for uid, day in units if day is not None},
    )
    for gid, removed in spaces:
        ctx.spaces.add(gid)
        if removed:
            ctx.removed.add(gid)
    members = s.execute(
        select(Unit.unit_id, Space.global_id)
        .join(UnitSpace, UnitSpace.unit_pk == Unit.id)
        .join(Space, Space.id == UnitSpace.space_pk)
        .where(Unit.site_pk == site.id)
    )
    for uid, gid in members:
        ctx.unit_spaces.setdefault(uid, set()).add(gid)
    rows = s.execute(
        select(Lease.lease_id, Lease.start_date, Lease.end_date, Unit.unit_id, Tenant.tenant_id)
        .join(Unit, Unit.id == Lease.unit_pk)
        .join(Tenant, Tenant.id == Lease.tenant_pk)
        .where(Lease.site_pk == site.id)
    )
    for lid, start, end, uid, tid in rows:
        ctx.book(uid, lid, Booking(start, end, lease_label(lid, tid)))
    return ctx


# ---------------------------------------------------------------- leases


def check_lease(
    lease: Mapping[str, Any],
    ctx: SiteContext,
    calendars: dict[str, Calendar] | None = None,
) -> list[Problem]:
    """The rules of a lease whose values the contract has typed.

    A field missing from ``lease`` (refused by the contract already) is not checked again,
    nor are the rules that need it. Overlaps are checked against ``calendars`` (unit id →
    :class:`Calendar`; a bulk import's, kept by the caller) when given, else against
    ``ctx.bookings``.

    Returns
    -------
    list of Problem
        ``end`` before ``start``; unknown ``unit_id`` or ``tenant_id``; an overlap with a
        booking of the unit (named on ``start``).
    """
    problems: list[Problem] = []
    start: dt.date | None = lease.get("start")
    end: dt.date | None = lease.get("end")
    unit_id, tenant_id = lease.get("unit_id"), lease.get("tenant_id")
    if start is not None and end is not None and end < start:
        problems.append(Problem("end", f"end {end} is before start {start}; the end is the "
                                "lease's last day"))  # fmt: skip
        start = end = None
    if unit_id and unit_id not in ctx.units:
        problems.append(Problem("unit_id", f"unknown unit {unit_id!r} in site {ctx.site_id}; "
                                "see `site-manager unit list`", "unknown"))  # fmt: skip
    if tenant_id and tenant_id not in ctx.tenants:
        problems.append(Problem("tenant_id", f"unknown tenant {tenant_id!r} in site "
                                f"{ctx.site_id}; add or import the tenant first, see "
                                "`site-manager tenant list`", "unknown"))  # fmt: skip
    retired = ctx.retired.get(unit_id or "")
    if retired is not None and (end is None or end >= retired):
        problems.append(Problem("unit_id", f"unit {unit_id} was retired on {retired}; it "
                                "cannot be let from that day, choose a live unit"))  # fmt: skip
    if start is not None and end is not None and unit_id in ctx.units:
        if calendars is None:
            held = ctx.bookings.get(unit_id, {}).values()
            problems += check_no_overlap(unit_id, start, end, held)
        else:
            clash = calendars.setdefault(unit_id, Calendar()).clash(start, end)
            problems += [] if clash is None else [_overlap(unit_id, clash)]
    return problems


def check_no_overlap(
    unit_id: str, start: dt.date, end: dt.date, bookings: Iterable[Booking]
) -> list[Problem]:
    """The earliest booking of the unit that shares a day with ``[start, end]``, if any.

    Both ends are days of the lease: one lease may start the day after another ends.
    """
    clashes = sorted((b for b in bookings if b.start <= end and start <= b.end),
                     key=lambda b: (b.start, b.label))  # fmt: skip
    return [_overlap(unit_id, clashes[0])] if clashes else []


def _overlap(unit_id: str, b: Booking) -> Problem:
    return Problem("start", f"unit {unit_id} is already leased from {b.start} to {b.end} by "
                   f"{b.label}; choose dates that do not overlap it", "conflict")  # fmt: skip


def check_lease_end(lease_id: str, start: dt.date, end: dt.date, on: Any) -> list[Problem]:
    """Ending lease ``lease_id`` early: ``on`` (its new last day) must fall within it.

    ``on`` may be text; a bad date is a problem too. To extend a lease, sign a new one.
    """
    try:
        day = parse_value(contracts.LEASES.column("end"), on, what="end")
    except ValidationError as exc:
        return [Problem("end", str(exc))]
    if day < start:
        return [Problem("end", f"lease {lease_id} starts on {start}; end it on or after that "
                        "day")]  # fmt: skip
    if day > end:
        return [Problem("end", f"lease {lease_id} already ends on {end}; to extend it, sign a "
                        "new lease from the day after")]  # fmt: skip
    return []


# ---------------------------------------------------------------- units


def check_unit(
    unit_id: str,
    gids: Iterable[str],
    ctx: SiteContext,
    *,
    own_area: bool = False,
    parts: Iterable[str] = (),
) -> list[Problem]:
    """The rules of defining (or redefining) unit ``unit_id`` from spaces ``gids``.

    Parameters
    ----------
    unit_id : str
        The unit (new or existing).
    gids : iterable of str
        GlobalIds of its spaces.
    ctx : SiteContext
        The site as it is.
    own_area : bool
        Whether the unit gives its own lettable area (part of a hall): its spaces may then
        be in other live units too.
    parts : iterable of str
        GlobalIds of the spaces the unit takes only part of: checked by
        :func:`check_unit_parts` instead of "in another live unit".

    Returns
    -------
    list of Problem
        A retired unit (on ``unit_id``); no space, unknown or removed spaces, spaces in
        another live unit (on ``space_global_ids``).
    """
    problems: list[Problem] = []
    wanted = [g for g in gids if g]
    if unit_id in ctx.retired:
        problems.append(Problem("unit_id", f"unit {unit_id} was retired on "
                                f"{ctx.retired[unit_id]}; define a new unit instead",
                                "conflict"))  # fmt: skip
    if not wanted:
        problems.append(Problem("space_global_ids", f"unit {unit_id}: choose at least one "
                                "space"))  # fmt: skip
        return problems
    unknown = [g for g in wanted if g not in ctx.spaces]
    if unknown:
        problems.append(Problem("space_global_ids", f"unknown spaces {', '.join(unknown)} in "
                                f"site {ctx.site_id}; use GlobalIds of the model's spaces",
                                "unknown"))  # fmt: skip
    removed = [g for g in wanted if g in ctx.removed]
    if removed:
        problems.append(Problem("space_global_ids", f"spaces {', '.join(removed)} were removed "
                                "from the model; choose spaces that exist"))  # fmt: skip
    if not own_area:
        partial = set(parts)
        taken = {g: other for other, held in sorted(ctx.unit_spaces.items())
                 if other != unit_id and other not in ctx.retired
                 for g in wanted if g in held and g not in partial}  # fmt: skip
        if taken:
            problems.append(Problem("space_global_ids", "spaces already in another live unit: "
                                    + ", ".join(f"{g} (unit {u})" for g, u in taken.items())
                                    + "; choose other spaces, or give the unit its own area "
                                    "(part of a hall)", "conflict"))  # fmt: skip
    return problems


#: A part of a space may stick out of the space's footprint, or into another part, by this
#: much (drawing tolerance). [m]
PART_TOLERANCE_M = 0.05


def part_polygon(wkt: Any) -> Any:
    """A part's footprint (shapely) from WKT; ``ValueError`` naming what is wrong."""
    import shapely
    from shapely.geometry import MultiPolygon, Polygon

    try:
        geom = shapely.from_wkt(str(wkt))
    except Exception as exc:  # shapely raises its own GEOSException
        raise ValueError(f"not a WKT polygon ({str(exc).splitlines()[0]})") from None
    if not isinstance(geom, Polygon | MultiPolygon) or geom.is_empty:
        raise ValueError(f"not a polygon but {geom.geom_type}")
    if not geom.is_valid:
        raise ValueError(f"an invalid polygon ({shapely.is_valid_reason(geom)})")
    if not geom.area > 0:
        raise ValueError("a polygon without area")
    return geom


def check_unit_parts(
    unit_id: str,
    parts: Mapping[str, Any],
    footprints: Mapping[str, Any],
    others: Mapping[str, Mapping[str, Any]],
) -> list[Problem]:
    """The rules of unit ``unit_id`` made of parts of spaces (on the field ``parts``).

    Parameters
    ----------
    unit_id : str
        The unit.
    parts : mapping
        Space GlobalId → the part's footprint, WKT in the site's CRS. [m]
    footprints : mapping
        Space GlobalId → the space's footprint WKT (``None`` or absent: the register has none).
    others : mapping
        Space GlobalId → {another live unit using it → its part's WKT, ``None`` for the whole
        space}.

    Returns
    -------
    list of Problem
        A part that is no polygon; a space without a footprint; a part that is not within
        its space (:data:`PART_TOLERANCE_M`); a part overlapping another unit's part of the
        space by more than the tolerance; a space another live unit takes whole.
    """
    problems: list[Problem] = []
    for gid, wkt in parts.items():
        head = f"unit {unit_id}: the part of space {gid}"
        try:
            part = part_polygon(wkt)
        except ValueError as exc:
            problems.append(
                Problem(
                    "parts",
                    f"{head} is {exc}; give a polygon in the site's "
                    "CRS [m], e.g. POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))",
                )
            )
            continue  # fmt: skip
        space = footprints.get(gid)
        if space is None:
            problems.append(Problem("parts", f"{head}: the space has no footprint in the "
                                    "register, so no part of it can be placed"))  # fmt: skip
            continue
        outline = part_polygon(space)
        if not outline.buffer(PART_TOLERANCE_M).contains(part):
            out = part.difference(outline).area
            problems.append(Problem("parts", f"{head} is not within the space: {out:.2f} m² "
                                    "lie outside its footprint; draw it inside"))  # fmt: skip
        for other, held in sorted(others.get(gid, {}).items()):
            if other == unit_id:
                continue
            if held is None:
                problems.append(Problem("parts", f"{head}: unit {other} takes the whole space; "
                                        f"redefine {other} as a part of it first, or retire "
                                        "it", "conflict"))  # fmt: skip
                continue
            theirs = part_polygon(held)
            if part.intersection(theirs.buffer(-PART_TOLERANCE_M)).area > 0:
                overlap = part.intersection(theirs).area
                problems.append(Problem("parts", f"{head} overlaps unit {other}'s part of it by "
                                        f"{overlap:.2f} m²; parts of a space must not overlap",
                                        "conflict"))  # fmt: skip
    return problems


def check_retire(unit_id: str, on: dt.date, ctx: SiteContext) -> list[Problem]:
    """Retiring unit ``unit_id`` from day ``on``: no lease of it runs on or after ``on``.

    Returns
    -------
    list of Problem
        An unknown or already retired unit (on ``unit_id``); the earliest lease running on
        ``on`` or starting after it, named (on ``on``).
    """
    if unit_id not in ctx.units:
        return [Problem("unit_id", f"unknown unit {unit_id!r} in site {ctx.site_id}; see "
                        "`site-manager unit list`", "unknown")]  # fmt: skip
    if unit_id in ctx.retired:
        return [Problem("unit_id", f"unit {unit_id} is already retired (on "
                        f"{ctx.retired[unit_id]})", "conflict")]  # fmt: skip
    held = sorted((b for b in ctx.bookings.get(unit_id, {}).values() if b.end >= on),
                  key=lambda b: (b.start, b.label))  # fmt: skip
    if held:
        b = held[0]
        state = "runs" if b.start <= on else "starts"
        return [Problem("on", f"unit {unit_id} has {b.label}, which {state} from {b.start} to "
                        f"{b.end}; end the lease first or retire the unit after "
                        f"{b.end}", "conflict")]  # fmt: skip
    return []


# ---------------------------------------------------------------- other records


def check_applicant(applicant: Mapping[str, Any]) -> list[Problem]:
    """An applicant's largest area is at least its smallest."""
    lo, hi = applicant.get("area_min_m2"), applicant.get("area_max_m2")
    if lo is not None and hi is not None and hi < lo:
        return [Problem("area_max_m2", f"{hi:g} is below the minimum area {lo:g}; give "
                        "area_max_m2 >= area_min_m2")]  # fmt: skip
    return []


def check_references(table: str, record: Mapping[str, Any], ctx: SiteContext) -> list[Problem]:
    """Tenants and spaces named by a record of ``table`` exist (leases: :func:`check_lease`)."""
    problems = []
    tenant_field = {"skills": "tenant_id", "meters": "tenant_id",
                    "equipment": "owner_tenant_id"}.get(table)  # fmt: skip
    tid = record.get(tenant_field) if tenant_field else None
    if tid and tid not in ctx.tenants:
        hint = "leave empty for the site's own" if table == "equipment" else (
            "import the tenant first or fix the id")  # fmt: skip
        problems.append(Problem(tenant_field or "", f"unknown tenant {tid!r}; {hint}", "unknown"))
    if table in ("equipment", "zoning"):
        gid = record.get("space_global_id")
        if (gid or table == "zoning") and gid not in ctx.spaces:
            problems.append(Problem("space_global_id", f"unknown space {gid!r}; use a GlobalId "
                                    "of the model", "unknown"))  # fmt: skip
    if table == "units":
        ids = str(record.get("space_global_ids") or "").split(";")
        bad = [g for g in ids if g and g not in ctx.spaces]
        if bad:
            problems.append(Problem("space_global_ids", f"unknown spaces {', '.join(bad)}; use "
                                    "GlobalIds of the model", "unknown"))  # fmt: skip
    return problems
