"""Layout scenarios: save a layout with its figures, compare several, commit one as leases.

A **scenario** is a layout (applicant id → unit ids) of a layout problem, saved in the
register under a name unique in the site (:mod:`site_manager.register.scenarios` stores it),
with the planner's parameters, the register revision the problem was read at, the problem
itself and the figures below, computed once when it is saved:

- ``rent_eur_per_month``: the rent of its lets, each the applicant's offered rent per m² ×
  the let's area rounded half up to whole EUR (:func:`~site_manager.layout.objective.
  let_rent`) [EUR/month];
- ``occupancy_by_area_pct``: area of the problem's units held by existing tenants or by its
  lets over the area of all the problem's units [%];
- ``applicants_placed`` and ``applicants``: applicants with a let, and all of the problem's;
- ``synergy_eur_per_month``: the synergy term of the layout, existing tenants included
  (:func:`~site_manager.layout.objective.evaluate`) [EUR/month]; ``objective_eur_per_month``
  its whole objective;
- ``rule_warnings``: the layout's rule violations, physical (a let that does not fit, a noisy
  tenant beside a noise-sensitive one, two hazardous neighbours) and of the site's
  community rules, hard and soft (:func:`~site_manager.layout.community.check_rules`);
- ``jobs``: the headcounts the placed applicants gave in the register; ``jobs_unknown`` the
  placed applicants that gave none (counted as 0 in ``jobs``).

The change in heating demand is **not** a figure: the energy model
(:mod:`site_manager.energy`) heats a unit the same whether it is let or vacant, so a layout
does not change it.

:func:`commit_scenario` signs the scenario's leases in one transaction
(:func:`site_manager.register.scenarios.sign_scenario_leases`): from ``start`` (default the
first of next month) for ``years`` years, one lease per unit of each let; a let's rent is
split over its units, each unit's rent rounded half up and the last unit taking what makes
the let's rent. The bays of one hall in a let become one unit of that part of the hall,
made in the same transaction (:func:`bay_units`; the hall keeps the rest,
:func:`site_manager.register.scenarios.sign_scenario_leases`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from site_manager.errors import ValidationError
from site_manager.layout.objective import evaluate, exact, let_rent, round_half_up
from site_manager.layout.problem import Problem, problem_from_dict, problem_to_dict
from site_manager.register import scenarios as store

log = logging.getLogger(__name__)

#: The figures of a scenario (:func:`scenario_figures`) and their units.
FIGURES: dict[str, str] = {
    "rent_eur_per_month": "rent of its lets [EUR/month]",
    "occupancy_by_area_pct": "let or held area over the area of the problem's units [%]",
    "applicants_placed": "applicants with a let [-]",
    "applicants": "applicants of the problem [-]",
    "synergy_eur_per_month": "synergy of the layout [EUR/month]",
    "objective_eur_per_month": "the layout's objective, lets and synergy [EUR/month]",
    "rule_warnings": "violations of physical and community rules [-]",
    "jobs": "headcounts of the placed applicants [-]",
    "jobs_unknown": "placed applicants without a headcount [-]",
}
#: Columns of :func:`compare_scenarios`.
COMPARE_COLUMNS = ["name", "author", "created_at", *FIGURES, "committed_at"]


@dataclass(frozen=True)
class Scenario:
    """A stored scenario (see the module docstring)."""

    name: str
    author: str
    created_at: dt.datetime
    register_revision: int | None
    parameters: dict[str, Any]
    assignment: dict[str, list[str]]
    figures: dict[str, Any]
    problem: Problem
    committed_at: dt.datetime | None = None
    committed_by: str | None = None


def _clean_assignment(problem: Problem, assignment: Mapping[str, Sequence[str]]) -> dict:
    """The assignment as plain data, refused if it names an applicant or unit not in the
    problem.
    """
    if not isinstance(assignment, Mapping):
        raise ValidationError("an assignment maps applicant ids to lists of unit ids")
    apps = {a.id for a in problem.applicants}
    units = {u.id for u in problem.units}
    out: dict[str, list[str]] = {}
    bad = []
    for aid, uids in assignment.items():
        if isinstance(uids, str) or not all(isinstance(u, str) for u in uids):
            bad.append(f"applicant {aid}: give a list of unit ids")
            continue
        if aid not in apps:
            bad.append(f"applicant {aid!r} is not in the problem")
        bad += [f"applicant {aid}: unit {u!r} is not in the problem" for u in uids
                if u not in units]  # fmt: skip
        if uids:
            out[str(aid)] = [str(u) for u in uids]
    if bad:
        raise ValidationError("; ".join(bad))
    return out


def _community_violations(problem: Problem, assignment: Mapping[str, Sequence[str]]) -> int:
    rules = getattr(problem, "rules", None)
    if not rules:
        return 0
    from site_manager.layout.community import check_rules

    return len(check_rules(problem, assignment, rules))


def scenario_figures(
    problem: Problem,
    assignment: Mapping[str, Sequence[str]],
    *,
    headcounts: Mapping[str, int | None] | None = None,
) -> dict[str, Any]:
    """The figures of a layout (:data:`FIGURES`, see the module docstring).

    Parameters
    ----------
    problem : Problem
        The layout problem.
    assignment : mapping
        Applicant id → unit ids.
    headcounts : mapping, optional
        Applicant id → people working there (``None`` or absent: unknown).
    """
    assignment = _clean_assignment(problem, assignment)
    ev = evaluate(problem, assignment)
    units = {u.id: u for u in problem.units}
    apps = {a.id: a for a in problem.applicants}
    total = sum(exact(u.area) for u in problem.units)
    held = {uid for e in problem.existing for uid in e.units}
    held |= {uid for uids in assignment.values() for uid in uids}
    let_area = sum(exact(units[u].area) for u in held if u in units)
    rent = sum(let_rent(apps[a], [units[u] for u in uids]) for a, uids in assignment.items())
    counts = headcounts or {}
    known = [counts.get(a) for a in assignment]
    return {
        "rent_eur_per_month": int(rent),
        "occupancy_by_area_pct": round(float(let_area / total * 100), 2) if total else 0.0,
        "applicants_placed": len(assignment),
        "applicants": len(problem.applicants),
        "synergy_eur_per_month": float(ev.synergy),
        "objective_eur_per_month": float(ev.objective),
        "rule_warnings": len(ev.violations) + _community_violations(problem, assignment),
        "jobs": int(sum(int(h) for h in known if h is not None)),
        "jobs_unknown": sum(1 for h in known if h is None),
    }


def _headcounts(engine: Engine, site: str | None) -> dict[str, int | None]:
    from site_manager import register

    apps = register.list_applicants(engine, site)
    out: dict[str, int | None] = {}
    for aid, h in zip(apps["applicant_id"], apps["headcount"], strict=True):
        out[str(aid)] = None if h is None or h != h else int(h)
    return out


def save_scenario(
    engine: Engine,
    site: str | None,
    name: str,
    problem: Problem,
    assignment: Mapping[str, Sequence[str]],
    *,
    author: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    revision: int | None = None,
) -> dict[str, Any]:
    """Save a layout of ``problem`` as scenario ``name`` of the site, with its figures.

    Parameters
    ----------
    engine : Engine
        The register.
    site : str or None
        Site id (``None``: the only site).
    name : str
        Unique in the site.
    problem : Problem
        The problem the layout is of (stored with it).
    assignment : mapping
        Applicant id → unit ids; every id must be in ``problem``.
    author : str, optional
        Who saves it (default: the acting user, :func:`site_manager.register.access.current`).
    parameters : mapping, optional
        The planner's parameters (time limit, storeys in play, ...), JSON-ready.
    revision : int, optional
        The register revision the problem was read at (``frames.revision``; default the
        register's revision now).

    Returns
    -------
    dict
        The figures stored (:data:`FIGURES`).
    """
    from site_manager import register

    clean = _clean_assignment(problem, assignment)
    figures = scenario_figures(problem, clean, headcounts=_headcounts(engine, site))
    store.store_scenario(
        engine, name, site=site, author=author, parameters=dict(parameters or {}),
        revision=register.get_revision(engine) if revision is None else revision,
        problem=problem_to_dict(problem), assignment=clean, figures=figures,
    )  # fmt: skip
    log.info("saved scenario %s: %d applicants placed", name, len(clean))
    return figures


def list_scenarios(engine: Engine, site: str | None = None) -> pd.DataFrame:
    """The site's scenarios: ``name``, ``author``, ``created_at``, ``register_revision``,
    ``applicants_placed``, ``committed_at``, ``committed_by``.
    """
    return store.scenario_list(engine, site)


def get_scenario(engine: Engine, site: str | None, name: str) -> Scenario:
    """Scenario ``name`` of the site (``NotFoundError`` naming the known ones)."""
    rec = store.scenario_record(engine, name, site)
    rec["problem"] = problem_from_dict(rec["problem"], source=f"scenario {name}")
    return Scenario(**rec)


def compare_scenarios(engine: Engine, site: str | None, names: Sequence[str]) -> pd.DataFrame:
    """One row per scenario, in the order given: :data:`COMPARE_COLUMNS`."""
    if not names:
        raise ValidationError("name at least one scenario to compare")
    rows = []
    for name in names:
        sc = store.scenario_record(engine, name, site)
        rows.append({"name": sc["name"], "author": sc["author"], "created_at": sc["created_at"],
                     **{k: sc["figures"].get(k) for k in FIGURES},
                     "committed_at": sc["committed_at"]})  # fmt: skip
    return pd.DataFrame(rows, columns=COMPARE_COLUMNS)


def first_of_next_month(today: dt.date | None = None) -> dt.date:
    """The first day of the month after ``today`` (default: today)."""
    day = today or dt.date.today()
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def term_end(start: dt.date, years: int) -> dt.date:
    """The last day of a term of ``years`` years from ``start`` (2027-01-01, 3 → 2029-12-31)."""
    if years < 1:
        raise ValidationError(f"a term lasts at least one year, got {years}")
    year = start.year + years
    try:
        same_day = start.replace(year=year)
    except ValueError:  # 29 February into a year without it
        same_day = dt.date(year, 3, 1)
    return same_day - dt.timedelta(days=1)


def scenario_leases(
    problem: Problem, assignment: Mapping[str, Sequence[str]], *, taken: Sequence[str] = ()
) -> list[store.ScenarioLease]:
    """The leases a layout signs: one per unit of each let, in the order of the assignment.

    The bays of one hall in a let (see :func:`bay_units`) are one unit made at commit. A
    let's rent is :func:`~site_manager.layout.objective.let_rent`; each unit but the last
    gets its own area's rent rounded half up, the last the rest, so the leases add up to the
    let's rent. [EUR/month] ``taken``: unit ids in use (a made unit gets another).
    """
    units = {u.id: u for u in problem.units}
    apps = {a.id: a for a in problem.applicants}
    used = set(taken)
    out = []
    for aid, uids in assignment.items():
        app = apps[aid]
        lu = [units[u] for u in uids]
        total = let_rent(app, lu)
        groups = bay_units(problem, lu, used)
        parts = [round_half_up(exact(app.rent_per_m2) * sum(exact(u.area) for u in g["units"]))
                 for g in groups[:-1]]  # fmt: skip
        parts.append(total - sum(parts))
        out += [store.ScenarioLease(aid, g["unit_id"], float(sum(exact(u.area) for u in
                                                                 g["units"])),
                                    app.rent_per_m2, float(rent), **g["made"])
                for g, rent in zip(groups, parts, strict=True)]  # fmt: skip
    return out


def bay_units(problem: Problem, let: Sequence[Any], used: set[str]) -> list[dict[str, Any]]:
    """The units a let's leases are on: a unit of the register as it is, and the bays of one
    hall (units with a ``footprint_wkt`` cut from register unit ``hall``) joined into one
    unit made at commit, with id ``<hall>-B<k>`` (``<hall>-B<k>+<j>`` for two bays; ``-2``,
    ``-3``... appended while ``used`` has it) and name ``<hall's name> bay(s) <k>+<j>``.

    Returns dicts: ``unit_id``, ``units`` (the problem's units), ``made`` (the
    :class:`~site_manager.register.scenarios.ScenarioLease` fields of a made unit, or ``{}``).
    """
    from shapely import from_wkt
    from shapely.ops import unary_union

    groups: dict[str, list[Any]] = {}
    for u in let:
        is_bay = bool(getattr(u, "footprint_wkt", "")) and u.hall and u.hall != u.id
        groups.setdefault(f"bay:{u.hall}" if is_bay else u.id, []).append(u)
    out = []
    for key, members in groups.items():
        if not key.startswith("bay:"):
            out.append({"unit_id": members[0].id, "units": members, "made": {}})
            continue
        hall = key[4:]
        nums = [u.id.rpartition("/b")[2] for u in members]
        uid = stem = f"{hall}-B{'+'.join(nums)}"
        n = 1
        while uid in used:
            n += 1
            uid = f"{stem}-{n}"
        used.add(uid)
        hall_name = members[0].name.rpartition(" bay ")[0] or hall
        made = {
            "hall": hall,
            "hall_area_m2": float(sum(exact(u.area) for u in problem.units if u.hall == hall)),
            "footprint_wkt": unary_union([from_wkt(u.footprint_wkt) for u in members]).wkt,
            "bays": tuple(u.id for u in members),
            "name": f"{hall_name} bay{'s' if len(nums) > 1 else ''} {'+'.join(nums)}",
        }
        out.append({"unit_id": uid, "units": members, "made": made})
    return out


def commit_scenario(
    engine: Engine,
    site: str | None,
    name: str,
    *,
    start: dt.date | None = None,
    years: int = 3,
    actor: str | None = None,
) -> pd.DataFrame:
    """Sign every lease of scenario ``name`` in one transaction (see the module docstring).

    Parameters
    ----------
    engine : Engine
        The register.
    site : str or None
        Site id (``None``: the only site).
    name : str
        A scenario of the site not yet committed.
    start : datetime.date, optional
        First day of the leases (default: the first of next month).
    years : int
        Term of the leases. [years]
    actor : str, optional
        Who commits it, for the audit trail.

    Returns
    -------
    DataFrame
        The leases signed: ``lease_id``, ``unit_id``, ``tenant_id``, ``start``, ``end``,
        ``area_m2``, ``rent_eur_per_month``.

    Raises
    ------
    RegisterError, NotFoundError, ValidationError
        Refused whole, each problem naming the unit and the lease: a unit no longer vacant
        over the term, retired, gone or of another area; an applicant gone, offering another
        rent, or whose id a tenant has; the scenario committed already.
    """
    day0 = start or first_of_next_month()
    end = term_end(day0, years)
    from site_manager import register

    sc = get_scenario(engine, site, name)
    taken = register.list_units(engine, site)["unit_id"].astype(str).tolist()
    leases = scenario_leases(sc.problem, sc.assignment, taken=taken)
    if not leases:
        raise ValidationError(f"scenario {name} places no applicant; nothing to commit")
    ids = store.sign_scenario_leases(engine, name, leases, start=day0, end=end, site=site,
                                     actor=actor)  # fmt: skip
    return pd.DataFrame(
        [
            {
                "lease_id": lid,
                "unit_id": le.unit_id,
                "tenant_id": le.applicant_id,
                "start": day0,
                "end": end,
                "area_m2": le.area_m2,
                "rent_eur_per_month": le.rent_eur_per_month,
            }
            for lid, le in zip(ids, leases, strict=True)
        ]  # fmt: skip
    )
