"""A tenant's own view of the register: the one read function of the tenant role.

A user of role tenant (:class:`~site_manager.register.access.Principal` with a
``tenant_id``) reads the register through :func:`own_view` only. It returns its own record,
its leases (units, areas, rents, dates), the plan of the storeys its units are on (every
space's outline and use, its own units marked, nobody else's tenant), its energy per month
and its monthly statements (the site's split computed on the whole site, its rows kept), its
bookings and trainings, its own machines, and the site's shared machines with their busy
times: another tenant's booking is a time "booked", with no booking id, tenant or purpose.
No other tenant's name, contact, id or rent is in it.

Staff (``read_register``: admin, planner, landlord) may call it for any ``tenant_id`` ("view
as tenant"); the municipality may not. The check runs in a read transaction, so a refusal
is on the audit trail.

The view is computed from the whole register, read on the caller's behalf with full read
rights inside this module (:func:`_reading_on_behalf`); only what is listed above leaves it.

Examples
--------
>>> from site_manager import register
>>> from site_manager.register.access import Principal, Role, acting_as
>>> engine = register.open_register("sqlite://")
>>> with acting_as(Principal("tess", Role.TENANT, tenant_id="T003")):  # doctest: +SKIP
...     view = own_view(engine, "textile_mill")
>>> view.leases[["lease_id", "unit_id", "rent_eur_per_month"]]  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from site_manager.errors import NotFoundError, SiteManagerError, ValidationError
from site_manager.register import access
from site_manager.register.access import AccessDenied, Principal, Role
from site_manager.register.bookings import list_bookings, list_trainings
from site_manager.register.engine import transaction
from site_manager.register.queries import frames as read_frames
from site_manager.register.schema import Site, Tenant

log = logging.getLogger(__name__)

Bind = Engine | Session

#: The site's facts in :attr:`OwnView.site`.
SITE_KEYS = ("site_id", "name", "city", "country", "currency", "time_zone")
#: Columns of :attr:`OwnView.leases`.
LEASE_COLUMNS = ["lease_id", "unit_id", "unit_name", "storey", "area_m2", "start", "end",
                 "rent_eur_per_month", "common_cost_share", "status"]  # fmt: skip
#: Columns of :attr:`OwnView.plan`.
PLAN_COLUMNS = ["global_id", "name", "long_name", "storey", "area_m2", "use",
                "footprint_wkt", "unit_id", "where"]  # fmt: skip
#: Columns of :attr:`OwnView.machines` (the shared machines, without their owner).
MACHINE_COLUMNS = ["equipment_id", "name", "type", "space_global_id", "share_terms",
                   "booking_access", "open_from", "open_until", "max_booking_h",
                   "induction_required", "price_eur_per_h", "trained"]  # fmt: skip
#: Columns of :attr:`OwnView.busy`.
BUSY_COLUMNS = ["equipment_id", "start", "end", "booking_id", "yours"]
#: ``where`` on the plan of a space of a unit it holds now (a running lease), of one it has
#: signed for later (a future lease), and of any other space (past leases' units included).
YOURS, TO_COME, OTHER = "your unit", "your unit to come", "other space"
#: ``trained`` of a shared machine.
TRAINED, NEEDS_INDUCTION, NO_INDUCTION = "yes", "induction needed", "not required"
#: The ``booking_id`` shown for another tenant's booking: none.
BOOKED = "booked"
#: Who granted a tenant's training, where that was another tenant.
ANOTHER_TENANT = "another tenant"


@dataclass(frozen=True)
class OwnView:
    """What a tenant sees of the register (:func:`own_view`).

    Attributes
    ----------
    site : dict
        :data:`SITE_KEYS` of the site.
    tenant : dict
        Its own record (the columns of ``frames.tenants``).
    leases : pandas.DataFrame
        :data:`LEASE_COLUMNS`: its leases, by start; ``area_m2`` [m²] and ``storey`` of the
        unit, ``rent_eur_per_month`` [EUR/month], ``status`` ``past``/``running``/``future``
        on the view's day.
    plan : pandas.DataFrame
        :data:`PLAN_COLUMNS`: the spaces (with an outline) of the storeys its units are on;
        ``unit_id`` and ``where`` = :data:`YOURS` for the units of its running leases,
        :data:`TO_COME` for those of leases that start later (a unit that is part of a space
        adds a row for its part), else ``None`` and :data:`OTHER`: a unit it has left is
        not its own any more. [m²]
    energy : pandas.DataFrame
        Its rows of the per-tenant split
        (:data:`~site_manager.energy.tenants.TENANT_ENERGY_COLUMNS`), one per month.
    statements : pandas.DataFrame
        ``month`` and :data:`~site_manager.energy.tenant_reports.STATEMENT_COLUMNS`: its
        statement of each month of ``energy``, the total line last.
    about : dict
        The statements' ``about`` sheet (site, tenant, cost key, sources) without the month.
    bookings : pandas.DataFrame
        Its bookings, cancelled ones too
        (:data:`~site_manager.register.bookings.BOOKING_COLUMNS`).
    trainings : pandas.DataFrame
        Its trainings (:data:`~site_manager.register.bookings.TRAINING_COLUMNS`).
    equipment : pandas.DataFrame
        Its own machines (the columns of ``frames.equipment``).
    machines : pandas.DataFrame
        :data:`MACHINE_COLUMNS`: the site's shared machines; ``trained`` says whether it
        holds a valid training at this site for a machine that requires one.
    busy : pandas.DataFrame
        :data:`BUSY_COLUMNS`: the live bookings of the shared machines; another tenant's has
        ``booking_id`` :data:`BOOKED` and ``yours`` False. Times in the site's time zone.
    notes : tuple of str
        What could not be computed (the energy split's refusal), one line each.
    """

    site: dict[str, Any]
    tenant: dict[str, Any]
    leases: pd.DataFrame
    plan: pd.DataFrame
    energy: pd.DataFrame
    statements: pd.DataFrame
    about: dict[str, Any]
    bookings: pd.DataFrame
    trainings: pd.DataFrame
    equipment: pd.DataFrame
    machines: pd.DataFrame
    busy: pd.DataFrame
    notes: tuple[str, ...] = field(default=())

    @property
    def tenant_id(self) -> str:
        """The tenant this view is of."""
        return str(self.tenant["tenant_id"])

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table of the view by its attribute's name."""
        names = ("leases", "plan", "energy", "statements", "bookings", "trainings",
                 "equipment", "machines", "busy")  # fmt: skip
        return {name: getattr(self, name) for name in names}


def viewer(actor: str | None = None, tenant_id: str | None = None) -> tuple[Principal, str]:
    """Who reads and whose view: a tenant user its own tenant, staff the ``tenant_id`` given.

    Raises
    ------
    AccessDenied
        A tenant user bound to no tenant or asking for another's; a role that may read
        neither its own view nor the register (municipality).
    ValidationError
        Staff gave no ``tenant_id``.
    """
    who = access.current(actor)
    if who.role is Role.TENANT:
        if not who.tenant_id:
            raise AccessDenied(f"user {who.name!r} (tenant) is bound to no tenant; ask an "
                               "administrator to bind it to one", actor=who.name,
                               action="read_own")  # fmt: skip
        tid = tenant_id or who.tenant_id
        access.authorize("read_own", who, tenant_id=tid)
        return who, tid
    access.authorize("read_register", who)  # staff: view as a tenant
    if not tenant_id:
        raise ValidationError("give the tenant whose own view to show (--tenant ID)")
    return who, tenant_id


@contextlib.contextmanager
def _reading_on_behalf(who: Principal) -> Iterator[None]:
    """Read the whole register for ``who``'s view (full read rights, this module only).

    Only reads run inside; what leaves :func:`own_view` is filtered to the tenant's own.
    """
    with access.acting_as(Principal(who.name, Role.ADMIN, via=who.via)):
        yield


def own_sites(bind: Bind, actor: str | None = None) -> list[str]:
    """The sites whose view the acting user may open: a tenant user's, the sites where its
    tenant id is a tenant; staff, every site. Sorted by site id.
    """
    with transaction(bind, readonly=True) as s:  # a refusal is on the audit trail
        who = access.current(actor)
        if who.role is Role.TENANT:
            viewer(who)
            q = (select(Site.site_id).join(Tenant, Tenant.site_pk == Site.id)
                 .where(Tenant.tenant_id == who.tenant_id))  # fmt: skip
        else:
            access.authorize("read_register", who)
            q = select(Site.site_id)
        return sorted(set(s.scalars(q)))


def own_view(
    bind: Bind,
    site: str | None = None,
    *,
    tenant_id: str | None = None,
    actor: str | None = None,
    months: list[str] | None = None,
    on: dt.date | None = None,
    energy: bool = True,
) -> OwnView:
    """The view of one tenant (see the module): a tenant user's own, or staff's "view as".

    Parameters
    ----------
    bind : Engine or Session
        The register.
    site : str, optional
        Site id (default: the only site).
    tenant_id : str, optional
        Whose view: a tenant user's own by default (another is refused); required of staff.
    actor : str or Principal, optional
        Who reads (default: the acting user).
    months : list of str, optional
        ``YYYY-MM`` of the energy split (default: the last twelve months with readings).
    on : datetime.date, optional
        The day leases are ``past``/``running``/``future`` on and trainings valid on
        (default today).
    energy : bool
        Compute the energy split (runs the site's heat model); ``False``: empty energy.

    Returns
    -------
    OwnView

    Raises
    ------
    AccessDenied
        As :func:`viewer` (on the audit trail).
    NotFoundError
        The tenant is not a tenant of the site.
    """
    with transaction(bind, readonly=True):  # a refusal is on the audit trail
        who, tid = viewer(actor, tenant_id)
    day = on or dt.date.today()
    with _reading_on_behalf(who):
        frames = read_frames(bind, site=site)
        site_id = str(frames.site["site_id"])
        all_bookings = list_bookings(bind, site_id, cancelled=True)
        trainings = list_trainings(bind, site_id)
    tenants = frames.tenants
    mine = tenants[tenants["tenant_id"] == tid]
    if not len(mine):
        raise NotFoundError(f"tenant {tid!r} is not a tenant of site {site_id}; ask the site "
                            "to record it")  # fmt: skip
    leases = _leases(frames, tid, day)
    notes: list[str] = []
    split_rows, statements, about = _energy(frames, tid, months, notes) if energy else (
        pd.DataFrame(), pd.DataFrame(), {})  # fmt: skip
    own_trainings = trainings[trainings["tenant_id"] == tid].reset_index(drop=True)
    if len(own_trainings):  # an induction given by another tenant names no other tenant
        others = set(frames.tenants["tenant_id"]) - {tid}
        own_trainings["granted_by"] = [
            ANOTHER_TENANT if str(g) in others else g for g in own_trainings["granted_by"]
        ]
    machines = _machines(frames.equipment, own_trainings, day)
    equipment = frames.equipment
    own_eq = (equipment[equipment["owner_tenant_id"] == tid] if len(equipment)
              else equipment).reset_index(drop=True)  # fmt: skip
    log.info("own view of tenant %s at site %s for %s", tid, site_id, who.name)
    return OwnView(
        site={k: frames.site.get(k) for k in SITE_KEYS},
        tenant={str(k): v for k, v in mine.iloc[0].items()},
        leases=leases, plan=_plan(frames, _held(leases)), energy=split_rows,
        statements=statements, about=about,
        bookings=all_bookings[all_bookings["tenant_id"] == tid].reset_index(drop=True),
        trainings=own_trainings, equipment=own_eq, machines=machines,
        busy=_busy(all_bookings, set(machines["equipment_id"]), tid), notes=tuple(notes),
    )  # fmt: skip


def _leases(frames: Any, tid: str, day: dt.date) -> pd.DataFrame:
    leases = frames.leases
    own = leases[leases["tenant_id"] == tid].sort_values(["start", "lease_id"])
    units = frames.units.set_index("unit_id") if len(frames.units) else None
    out = pd.DataFrame({c: own[c] for c in ("lease_id", "unit_id", "start", "end",
                        "rent_eur_per_month", "common_cost_share")})  # fmt: skip
    for column, source in (("unit_name", "name"), ("storey", "storey"), ("area_m2", "area_m2")):
        out[column] = own["unit_id"].map(units[source]) if units is not None else None
    out["status"] = ["past" if end < day else "future" if start > day else "running"
                     for start, end in zip(own["start"], own["end"], strict=True)]  # fmt: skip
    return out[LEASE_COLUMNS].reset_index(drop=True)


def _held(leases: pd.DataFrame) -> dict[str, str]:
    """Unit → ``where`` on the plan: :data:`YOURS` (a running lease) before :data:`TO_COME`."""
    held: dict[str, str] = {}
    for status, where in (("running", YOURS), ("future", TO_COME)):
        for unit in leases.loc[leases["status"] == status, "unit_id"]:
            held.setdefault(str(unit), where)
    return held


def _plan(frames: Any, units: dict[str, str]) -> pd.DataFrame:
    """The outlines of the storeys the ``units`` are on, the units' spaces (and parts) marked
    with their ``where`` (unit id → :data:`YOURS` or :data:`TO_COME`).
    """
    spaces = frames.spaces
    pairs = frames.unit_spaces
    pairs = pairs[pairs["unit_id"].isin(list(units))] if len(pairs) else pairs
    whole = pairs[pairs["footprint_wkt"].isna()] if len(pairs) else pairs
    unit_of = dict(zip(whole["space_global_id"], whole["unit_id"], strict=True))
    storeys = set(spaces.loc[spaces["global_id"].isin(set(pairs["space_global_id"]) if len(pairs)
                             else set()), "storey"])  # fmt: skip
    shown = spaces[spaces["storey"].isin(storeys) & spaces["footprint_wkt"].notna()]
    rows = [{"global_id": r["global_id"], "name": r["name"], "long_name": r["long_name"],
             "storey": r["storey"], "area_m2": r["area_m2"], "use": r["use"],
             "footprint_wkt": r["footprint_wkt"], "unit_id": unit_of.get(r["global_id"])}
            for r in shown.to_dict("records")]  # fmt: skip
    by_gid = shown.set_index("global_id")
    if len(pairs):
        for part in pairs[pairs["footprint_wkt"].notna()].to_dict("records"):
            gid = part["space_global_id"]
            if gid not in by_gid.index:
                continue
            space = by_gid.loc[gid]
            rows.append({"global_id": f"{gid}/{part['unit_id']}", "name": part["unit_id"],
                         "long_name": space["long_name"], "storey": space["storey"],
                         "area_m2": part["area_m2"], "use": space["use"],
                         "footprint_wkt": part["footprint_wkt"],
                         "unit_id": part["unit_id"]})  # fmt: skip
    out = pd.DataFrame(rows, columns=PLAN_COLUMNS[:-1])
    out["where"] = [OTHER if pd.isna(u) else units[str(u)] for u in out["unit_id"]]
    return out[PLAN_COLUMNS]


def _energy(
    frames: Any, tid: str, months: list[str] | None, notes: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Its rows of the site's split, its statements and their ``about`` (whole site inside)."""
    from site_manager.energy.tenant_reports import (
        STATEMENT_COLUMNS,
        statement_header,
        tenant_statement,
    )
    from site_manager.energy.tenants import TENANT_ENERGY_COLUMNS, split_energy

    empty = pd.DataFrame(columns=list(TENANT_ENERGY_COLUMNS))
    try:
        split = split_energy(frames, months)
    except SiteManagerError as error:
        notes.append(f"energy: {error}")
        return empty, pd.DataFrame(columns=["month", *STATEMENT_COLUMNS]), {}
    rows = split.tenants[split.tenants["tenant_id"] == tid].reset_index(drop=True)
    statements = [tenant_statement(split, tid, month).assign(month=month)
                  for month in rows["month"]]  # fmt: skip
    table = (pd.concat(statements, ignore_index=True) if statements
             else pd.DataFrame(columns=list(STATEMENT_COLUMNS)).assign(month=[]))  # fmt: skip
    about = statement_header(frames, split, tid, "")
    about.pop("month", None)
    return rows, table[["month", *STATEMENT_COLUMNS]], about


def _machines(equipment: pd.DataFrame, trainings: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    if not len(equipment):
        return pd.DataFrame(columns=MACHINE_COLUMNS)
    shared = equipment[equipment["shared"].fillna(False).astype(bool)].sort_values("equipment_id")
    pairs = zip(trainings["equipment_type"], trainings["valid_until"], strict=True)
    valid = {kind for kind, until in pairs if until is None or pd.isna(until) or until >= day}
    out = shared[MACHINE_COLUMNS[:-1]].copy()
    needs = out["induction_required"].fillna(False).astype(bool)
    out["trained"] = [(TRAINED if kind in valid else NEEDS_INDUCTION) if need else NO_INDUCTION
                      for kind, need in zip(out["type"], needs, strict=True)]  # fmt: skip
    return out.reset_index(drop=True)


def _busy(bookings: pd.DataFrame, machines: set[str], tid: str) -> pd.DataFrame:
    live = bookings[bookings["cancelled_at"].isna() & bookings["equipment_id"].isin(machines)]
    yours = (live["tenant_id"] == tid).to_numpy()
    return pd.DataFrame({
        "equipment_id": live["equipment_id"].to_numpy(), "start": live["start"].to_numpy(),
        "end": live["end"].to_numpy(),
        "booking_id": [b if y else BOOKED for b, y in zip(live["booking_id"], yours, strict=True)],
        "yours": yours,
    }, columns=BUSY_COLUMNS)  # fmt: skip


__all__ = [
    "BOOKED",
    "BUSY_COLUMNS",
    "LEASE_COLUMNS",
    "MACHINE_COLUMNS",
    "PLAN_COLUMNS",
    "SITE_KEYS",
    "OwnView",
    "own_sites",
    "own_view",
    "viewer",
]
