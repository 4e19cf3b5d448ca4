"""Layout scenarios in the register: stored, listed, read, and committed as leases.

A scenario is a layout a planner saved (the Layout lab, ``site-manager layout scenario``):
its name (unique in the site), author, time, parameters, the register revision its problem
was read at, the assignment (applicant id → unit ids), the problem itself and its figures,
as JSON. This module stores plain data; the layout side
(:mod:`site_manager.layout.scenarios`) computes the figures and the leases.

:func:`sign_scenario_leases` commits one in a single transaction: every applicant placed
becomes a tenant (:func:`~site_manager.register.verbs.add_tenant`, the tenants' contract)
and leaves the applicants, and every lease is signed by
:func:`~site_manager.register.verbs.sign_lease` (the lease rules: no overlap, no retired
unit). Before anything is written, everything the scenario relied on is checked: each unit
is a live unit of the site with the area the scenario let, vacant over the term; each
applicant is still an applicant, offering the rent the scenario priced, and no tenant has its
id; for a let of bays (a unit made at commit, see :class:`ScenarioLease`), its hall is a
live unit of the area the scenario cut, vacant over the term, and the new unit's id is free.
Any problem refuses the whole commit, naming the unit and the lease. Two commits of one
site are serialised (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: the site's row is locked), and
the database's overlap constraint is the last line against a plain ``lease sign`` racing it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from site_manager.errors import RegisterError
from site_manager.register import contracts, core, rules
from site_manager.register.audit import Audit, now, record_dict
from site_manager.register.engine import get_actor, transaction
from site_manager.register.schema import Applicant, LayoutScenario, Lease, Site
from site_manager.register.writing import new_lease_id

log = logging.getLogger(__name__)

Bind = Engine | Session

#: Columns of :func:`scenario_list`.
SCENARIO_LIST_COLUMNS = ["name", "author", "created_at", "register_revision",
                         "applicants_placed", "committed_at", "committed_by"]  # fmt: skip
#: Areas this close are the same area (the register keeps floats). [m²]
AREA_TOLERANCE_M2 = 0.005


@dataclass(frozen=True)
class ScenarioLease:
    """One lease a scenario's commit signs: a unit of an applicant's let and its rent.

    ``area_m2`` [m²] and ``rent_per_m2`` [EUR/m²·month] are what the scenario relied on
    (checked against the register at commit); ``rent_eur_per_month`` [EUR/month] the rent.

    A let of bays of a hall makes a new unit ``unit_id`` at commit: ``hall`` is the register
    unit the bays are cut from, ``hall_area_m2`` its area the scenario relied on [m²],
    ``footprint_wkt`` the bays' polygon (the part of the hall the new unit takes), ``bays``
    their ids and ``name`` the new unit's name. ``hall`` is empty for a unit of the register.
    """

    applicant_id: str
    unit_id: str
    area_m2: float
    rent_per_m2: float
    rent_eur_per_month: float
    hall: str = ""
    hall_area_m2: float = 0.0
    footprint_wkt: str = ""
    bays: tuple[str, ...] = ()
    name: str = ""


def _scenario_row(s: Session, st: Site, name: str) -> LayoutScenario:
    row = s.scalars(
        select(LayoutScenario).where(LayoutScenario.site_pk == st.id, LayoutScenario.name == name)
    ).one_or_none()
    if row is None:
        known = s.scalars(select(LayoutScenario.name).where(LayoutScenario.site_pk == st.id)
                          .order_by(LayoutScenario.name)).all()  # fmt: skip
        rules.refuse([rules.Problem("name", f"scenario {name!r} is not in site {st.site_id}; "
                                    f"known: {', '.join(known) or 'none (save one first)'}",
                                    "unknown")])  # fmt: skip
    assert row is not None
    return row


def store_scenario(
    bind: Bind,
    name: str,
    *,
    site: str | None = None,
    author: str | None = None,
    parameters: dict[str, Any] | None = None,
    revision: int | None = None,
    problem: dict[str, Any],
    assignment: dict[str, list[str]],
    figures: dict[str, Any],
) -> None:
    """Store a new scenario (refused if the site has one of that name).

    Parameters
    ----------
    bind : Engine or Session
        The register.
    name : str
        Unique in the site (at most 200 characters).
    site : str, optional
        Site id (default: the only site).
    author : str, optional
        Who saved it (default: :func:`~site_manager.register.engine.get_actor`).
    parameters, problem, assignment, figures : dict
        JSON-ready data (the layout side's).
    revision : int, optional
        The register revision the problem was read at.
    """
    who = get_actor(author)
    values, problems = rules.values_from_contract(
        contracts.LAYOUT_SCENARIOS, {"name": name, "author": who, "register_revision": revision}
    )
    rules.refuse([p for p in problems if p.field in ("name", "author", "register_revision")])
    with transaction(bind) as s:
        st = core.get_site(s, site)
        exists = s.scalars(
            select(LayoutScenario.id).where(
                LayoutScenario.site_pk == st.id, LayoutScenario.name == values["name"]
            )
        ).first()
        if exists is not None:
            rules.refuse([rules.Problem("name", f"scenario {values['name']!r} already exists in "
                                        f"site {st.site_id}; choose another name",
                                        "conflict")])  # fmt: skip
        row = LayoutScenario(
            site_pk=st.id, name=values["name"], author=values["author"], created_at=now(),
            register_revision=revision, parameters_json=json.dumps(parameters or {}),
            assignment_json=json.dumps(assignment), figures_json=json.dumps(figures),
            problem_json=json.dumps(problem),
        )  # fmt: skip
        s.add(row)
        s.flush()
        after = {k: v for k, v in record_dict(row).items() if k != "problem_json"}
        Audit(s, st, who, "save_scenario").note("layout_scenarios", row.name, "insert",
                                                after=after)  # fmt: skip


def scenario_list(bind: Bind, site: str | None = None) -> pd.DataFrame:
    """The site's scenarios, oldest first (:data:`SCENARIO_LIST_COLUMNS`)."""
    with transaction(bind, readonly=True) as s:
        st = core.get_site(s, site)
        rows = [
            {"name": r.name, "author": r.author, "created_at": r.created_at,
             "register_revision": r.register_revision,
             "applicants_placed": sum(1 for v in json.loads(r.assignment_json).values() if v),
             "committed_at": r.committed_at, "committed_by": r.committed_by}
            for r in s.scalars(select(LayoutScenario).where(LayoutScenario.site_pk == st.id)
                               .order_by(LayoutScenario.created_at, LayoutScenario.name))
        ]  # fmt: skip
    return pd.DataFrame(rows, columns=SCENARIO_LIST_COLUMNS)


def scenario_record(bind: Bind, name: str, site: str | None = None) -> dict[str, Any]:
    """One scenario: ``name``, ``author``, ``created_at``, ``register_revision``,
    ``parameters``, ``assignment``, ``figures``, ``problem`` (parsed JSON), ``committed_at``,
    ``committed_by``; refused with ``NotFoundError`` naming the known ones.
    """
    with transaction(bind, readonly=True) as s:
        r = _scenario_row(s, core.get_site(s, site), name)
        return {"name": r.name, "author": r.author, "created_at": r.created_at,
                "register_revision": r.register_revision,
                "parameters": json.loads(r.parameters_json),
                "assignment": json.loads(r.assignment_json),
                "figures": json.loads(r.figures_json), "problem": json.loads(r.problem_json),
                "committed_at": r.committed_at, "committed_by": r.committed_by}  # fmt: skip


def delete_scenario(
    bind: Bind, name: str, *, site: str | None = None, actor: str | None = None
) -> None:
    """Delete a scenario (its record stays in the audit trail)."""
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        row = _scenario_row(s, st, name)
        before = {k: v for k, v in record_dict(row).items() if k != "problem_json"}
        s.delete(row)
        Audit(s, st, who, "delete_scenario").note("layout_scenarios", name, "delete",
                                                  before=before)  # fmt: skip


def _label(lease_id: str, lease: ScenarioLease) -> str:
    return f"lease {lease_id} (unit {lease.unit_id} to applicant {lease.applicant_id})"


def _relied_on(
    s: Session, st: Site, name: str, leases: Sequence[ScenarioLease], ids: Sequence[str],
    start: dt.date, end: dt.date,
) -> list[rules.Problem]:  # fmt: skip
    """Everything the scenario relied on that is no longer so, each naming unit and lease."""
    from site_manager.register.queries import _spaces, _units

    ctx = rules.context_from_db(s, st)
    areas = dict(zip(*(_units(s, st, _spaces(s, st))[0][c] for c in ("unit_id", "area_m2")),
                     strict=True))  # fmt: skip
    apps = {a.applicant_id: a for a in s.scalars(select(Applicant).where(
        Applicant.site_pk == st.id))}  # fmt: skip
    problems: list[rules.Problem] = []
    told: set[str] = set()
    for lid, lease in zip(ids, leases, strict=True):
        head = f"scenario {name}: {_label(lid, lease)}"
        aid, uid = lease.applicant_id, lease.unit_id
        if aid not in told:
            told.add(aid)
            app = apps.get(aid)
            if app is None:
                gone = f"{head}: applicant {aid} is no longer an applicant of the site"
                problems.append(rules.Problem("applicant_id", gone, "unknown"))
            elif abs(app.rent_eur_per_m2_month - lease.rent_per_m2) > 1e-9:
                problems.append(rules.Problem("applicant_id", f"{head}: applicant {aid} now "
                                              f"offers {app.rent_eur_per_m2_month} EUR/m² a "
                                              f"month, the scenario priced {lease.rent_per_m2}; "
                                              "save the scenario again"))  # fmt: skip
            elif aid in ctx.tenants:
                problems.append(rules.Problem("applicant_id", f"{head}: a tenant {aid} exists "
                                              "already; the applicant cannot become it",
                                              "conflict"))  # fmt: skip
        if lease.hall:
            problems += _hall_relied_on(head, lease, ctx, areas, start, end, st.site_id)
            continue
        if uid not in ctx.units:
            problems.append(rules.Problem("unit_id", f"{head}: unit {uid} is not a unit of site "
                                          f"{st.site_id} (a bay of a hall must be defined as a "
                                          "unit first, `site-manager unit define`)",
                                          "unknown"))  # fmt: skip
            continue
        found = rules.check_lease({"unit_id": uid, "start": start, "end": end}, ctx)
        problems += [rules.Problem(p.field, f"{head}: {p.message}", p.kind) for p in found]
        area = areas.get(uid)
        if area is None or abs(float(area) - lease.area_m2) > AREA_TOLERANCE_M2:
            problems.append(rules.Problem("unit_id", f"{head}: unit {uid} now has {area} m², the "
                                          f"scenario let {lease.area_m2} m²; save the scenario "
                                          "again"))  # fmt: skip
    # the conflicts first: a refusal is a RegisterError when a unit is taken
    return sorted(problems, key=lambda p: p.kind != "conflict")


def _hall_relied_on(
    head: str, lease: ScenarioLease, ctx: rules.SiteContext, areas: dict[str, Any],
    start: dt.date, end: dt.date, site_id: str,
) -> list[rules.Problem]:  # fmt: skip
    """What a let of bays relies on: its hall live, vacant over the term, of the same area;
    the new unit's id free.
    """
    hall, uid = lease.hall, lease.unit_id
    if hall not in ctx.units:
        return [
            rules.Problem(
                "unit_id",
                f"{head}: unit {hall}, whose bays {', '.join(lease.bays)}"
                f" the let takes, is not a unit of site {site_id}",
                "unknown",
            )
        ]
    problems = [
        rules.Problem(
            p.field, f"{head}: bays {', '.join(lease.bays)} of unit {hall}: {p.message}", p.kind
        )
        for p in rules.check_lease({"unit_id": hall, "start": start, "end": end}, ctx)
    ]
    area = areas.get(hall)
    if area is None or abs(float(area) - lease.hall_area_m2) > AREA_TOLERANCE_M2 * (
        len(lease.bays) + 8
    ):  # the bays' areas are rounded to 0.01 m² each
        problems.append(
            rules.Problem(
                "unit_id",
                f"{head}: unit {hall} now has {area} m², the "
                f"scenario cut {lease.hall_area_m2} m² into bays; save "
                "the scenario again",
            )
        )
    if uid in ctx.units:
        problems.append(
            rules.Problem(
                "unit_id",
                f"{head}: a unit {uid} exists already; the bays cannot become it",
                "conflict",
            )
        )
    return problems  # fmt: skip


def _make_bay_units(
    s: Session, st: Site, leases: Sequence[ScenarioLease], start: dt.date, name: str, who: str
) -> None:
    """Cut each let of bays out of its hall: the hall keeps the rest (or, when nothing is
    left, is retired from today or the day after its last lease, at the latest ``start``)
    and each let becomes a unit of its part of the hall.
    """
    import shapely
    from shapely.ops import unary_union

    from site_manager.register.parts import cut_parts, remainder_parts, unit_outline
    from site_manager.register.verbs import define_unit, retire_unit

    made = [le for le in leases if le.hall]
    for hall in dict.fromkeys(le.hall for le in made):
        outline = unit_outline(s, st, hall)
        mine = [le for le in made if le.hall == hall]
        cut = unary_union([shapely.from_wkt(le.footprint_wkt) for le in mine])
        rest = remainder_parts(outline, cut)
        unit = core.get_unit(s, st, hall)
        if rest:
            define_unit(
                s,
                hall,
                [],
                name=unit.name,
                storey=unit.storey,
                notes=unit.notes,
                parts=rest,
                site=st.site_id,
                actor=who,
            )
        else:  # nothing left: retired from today, or the day after its last lease ends
            ends = s.scalars(select(Lease.end_date).where(Lease.unit_pk == unit.id)).all()
            day = max([dt.date.today(), *(e + dt.timedelta(days=1) for e in ends)])
            retire_unit(s, hall, on=min(day, start), site=st.site_id, actor=who)
        for le in mine:
            define_unit(s, le.unit_id, [], name=le.name, storey=unit.storey,
                        notes=f"bays {', '.join(le.bays)} of unit {hall}, scenario {name}",
                        parts=cut_parts(outline, shapely.from_wkt(le.footprint_wkt)),
                        site=st.site_id, actor=who)  # fmt: skip


def sign_scenario_leases(
    bind: Engine,
    name: str,
    leases: Sequence[ScenarioLease],
    *,
    start: dt.date,
    end: dt.date,
    site: str | None = None,
    actor: str | None = None,
) -> list[str]:
    """Commit scenario ``name``: its applicants become tenants and its leases are signed.

    One transaction (see the module docstring): all or nothing.

    Parameters
    ----------
    bind : Engine
        The register.
    name : str
        A scenario of the site, not yet committed.
    leases : sequence of ScenarioLease
        The leases to sign (one per unit of each let).
    start, end : datetime.date
        First and last day of every lease.
    site : str, optional
        Site id (default: the only site).
    actor : str, optional
        Who commits it, for the audit trail.

    Returns
    -------
    list of str
        The new lease ids, in the order of ``leases``.

    Raises
    ------
    RegisterError, NotFoundError, ValidationError
        Every problem at once (:func:`~site_manager.register.rules.problems_of`), each naming
        the unit and the lease; a ``RegisterError`` when a unit is taken.
    """
    from site_manager.register.verbs import add_tenant, sign_lease

    who = get_actor(actor)
    ids = [new_lease_id() for _ in leases]
    try:
        with transaction(bind) as s:
            st = core.get_site(s, site)
            # serialise commits of one site (PostgreSQL; SQLite's BEGIN IMMEDIATE does already)
            s.execute(select(Site.id).where(Site.id == st.id).with_for_update())
            row = _scenario_row(s, st, name)
            if row.committed_at is not None:
                rules.refuse([rules.Problem("name", f"scenario {name} was committed on "
                                            f"{row.committed_at:%Y-%m-%d %H:%M} by "
                                            f"{row.committed_by}", "conflict")])  # fmt: skip
            rules.refuse(_relied_on(s, st, name, leases, ids, start, end))
            trail = Audit(s, st, who, "commit_scenario")
            for aid in dict.fromkeys(lease.applicant_id for lease in leases):
                app = s.scalars(select(Applicant).where(
                    Applicant.site_pk == st.id, Applicant.applicant_id == aid)).one()  # fmt: skip
                add_tenant(s, aid, name=app.name or aid, kind=app.kind or None,
                           headcount=app.headcount, contact_name=app.contact_name,
                           contact_email=app.contact_email, contact_phone=app.contact_phone,
                           joined=start, site=st.site_id, actor=who)  # fmt: skip
                trail.note("applicants", aid, "delete", before=record_dict(app))
                s.delete(app)
            _make_bay_units(s, st, leases, start, name, who)
            for lid, lease in zip(ids, leases, strict=True):
                try:
                    sign_lease(s, unit_id=lease.unit_id, tenant_id=lease.applicant_id,
                               start=start, end=end, rent_eur_per_month=lease.rent_eur_per_month,
                               lease_id=lid, site=st.site_id, actor=who)  # fmt: skip
                except RegisterError as exc:  # another writer's lease, refused by the database
                    head = f"scenario {name}: {_label(lid, lease)}"
                    rules.refuse([rules.Problem(p.field, f"{head}: {p.message}", p.kind)
                                  for p in rules.problems_of(exc)])  # fmt: skip
                    raise
            with trail.changing(row, record=name, extra={"lease_ids": ids}):
                row.committed_at = now()
                row.committed_by = who
    except RegisterError as exc:
        if rules.problems_of(exc):
            raise
        # the database refused it (a lease signed by another writer meanwhile): name the unit
        with transaction(bind, readonly=True) as s:
            st = core.get_site(s, site)
            found = _relied_on(s, st, name, leases, ids, start, end)
        rules.refuse([rules.Problem(p.field, f"{p.message} (refused by the database)", p.kind)
                      for p in found])  # fmt: skip
        raise
    log.info("committed scenario %s: %d leases", name, len(ids))
    return ids
