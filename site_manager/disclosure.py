"""Disclosure control: the one read layer through which the municipality reads the register.

A user of role ``municipality`` reads aggregates only (action ``read_aggregates`` of
:data:`site_manager.register.access.PERMISSIONS`), and only through :func:`public_report`.
It reads the site's register as a trusted internal reader, computes the neighbourhood impact
report (:func:`site_manager.impact.impact_report`) and keeps of it a :class:`PublicReport`
that holds no tenant name, id, contact, rent, lease or per-tenant row, so that nothing that
renders it (page, HTML, PDF, JSON, CSV) can show one.

The rule
--------
- **Threshold**: a cell that counts 1 or 2 tenants (:data:`THRESHOLD` = 3) is not published
  (*primary suppression*): its value is ``None`` and its status :data:`PRIMARY`. The jobs
  and trips of that row count the same tenants and are suppressed with it. A zero is
  published (it is about nobody).
- **Secondary suppression**: each table (tenants by kind, sector, stage) partitions the
  tenants on the day, so each column sums to a published total (tenants, jobs, trips). A
  suppressed cell could be recovered as *total − published cells* when it is the only one
  suppressed in its column, or from the known lower bounds when every suppressed row would
  be at its minimum (each row has at least 1 tenant and 0 jobs: two suppressed rows whose
  tenants sum to 2 are 1 and 1). So, while a table has exactly one suppressed row, or its
  suppressed rows' tenants sum to no more than their number, or their jobs sum to 0, the
  next-smallest published row (fewest tenants, then fewest jobs) is suppressed as well
  (status :data:`SECONDARY`). A row suppressed this way counts 3 or more tenants, so one is
  always enough; where no published row is left, the table's rows are not shown at all
  (:data:`HIDDEN`).
- **Site totals**: with fewer than 3 tenants on the site, the tenant and job totals, every
  table and every figure derived from them (trips, energy per job, the Shannon index) are
  suppressed.
- **Derived figures**: the Shannon index is computed over the published rows with the
  suppressed rows taken as one group (whose size is *total − published* anyway); the trips
  a day (a sum of jobs × the public trip rate of each kind, which with the jobs total would
  give a second equation on the suppressed kinds' jobs) are rounded to
  :data:`TRIPS_ROUNDING` trips; the loudest machines are listed by type, without owner.

Example: tenants by sector ``textiles 5, ceramics 2, print 4`` with the total 11 published.
``ceramics`` (2) is suppressed; alone, it would be 11 − 5 − 4 = 2, so ``print`` (4, the
next-smallest) is suppressed too: ``textiles 5, ceramics –, print –, total 11``. The
suppressed pair sums to 6 and could be 1+5, 2+4, …, 5+1.

Building-level physics (noise at the neighbours, the site's energy and CO₂, the carbon and
land saved by reuse) is not about tenants and is published as computed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from site_manager.impact import ImpactOptions, ImpactReport, Method, impact_report
from site_manager.impact.footprint import Energy, Reuse
from site_manager.impact.jobs import shannon
from site_manager.register import access

log = logging.getLogger(__name__)

#: A cell counting fewer tenants than this is not published.
THRESHOLD = 3
#: Trips a day are published rounded to this many trips.
TRIPS_ROUNDING = 10.0
#: The status :func:`suppression` gives a row counting fewer than :data:`THRESHOLD` tenants.
PRIMARY = "primary"
#: The status :func:`suppression` gives a row withheld to protect a primary one.
SECONDARY = "secondary"
#: Every row of a table that no pattern of suppression protects (the rows are not shown).
HIDDEN = "hidden"
#: The mark of every suppressed cell as published: primary and secondary alike (a
#: different mark would tell which cells are small and narrow what they could be).
MARK = f"suppressed (<{THRESHOLD} tenants, or protecting such a cell)"
#: The dimensions of the published tables, in order.
DIMENSIONS = ("kind", "sector", "stage")

#: The trusted internal reader of the register (never a logged-in user).
_READER = access.Principal("site-manager disclosure control", access.Role.ADMIN, via="system")


def suppression(tenants: Sequence[int], jobs: Sequence[float]) -> list[str]:
    """The status of each row of a table whose columns sum to a published total.

    Parameters
    ----------
    tenants : sequence of int
        Tenants of each row (each ≥ 1).
    jobs : sequence of float
        Jobs of each row [jobs].

    Returns
    -------
    list of str
        ``""`` (published), :data:`PRIMARY` or :data:`SECONDARY` per row; :data:`HIDDEN` for
        every row where no pattern protects the suppressed rows (see the module docstring).

    Examples
    --------
    >>> suppression([5, 2, 4], [6.0, 2.0, 4.0])
    ['', 'primary', 'secondary']
    >>> suppression([1, 1, 1], [1.0, 1.0, 1.0])
    ['hidden', 'hidden', 'hidden']
    """
    n = len(tenants)
    status = [PRIMARY if 0 < int(t) < THRESHOLD else "" for t in tenants]
    order = sorted(range(n), key=lambda i: (int(tenants[i]), float(jobs[i]), i))
    while _exposed(status, tenants, jobs):
        left = [i for i in order if not status[i]]
        if not left:
            return [HIDDEN] * n
        status[left[0]] = SECONDARY
    return status


def _exposed(status: list[str], tenants: Sequence[int], jobs: Sequence[float]) -> bool:
    """Whether a suppressed row could be recovered from the total and the lower bounds."""
    s = [i for i, x in enumerate(status) if x]
    if not s:
        return False
    return (
        len(s) == 1
        or sum(int(tenants[i]) for i in s) <= len(s)
        or sum(float(jobs[i]) for i in s) <= 0.0
    )


def _round_trips(x: float) -> float:
    return float(round(x / TRIPS_ROUNDING) * TRIPS_ROUNDING)


@dataclass
class PublicReport:
    """The neighbourhood impact report under disclosure control (no tenant-level data).

    ``tables`` maps each of :data:`DIMENSIONS` to a frame with the dimension's column,
    ``tenants``, ``jobs`` (``kind`` also ``trips_per_job_day`` and ``trips_per_day``) and
    ``status`` (``""`` or the mark of a suppressed row); suppressed cells are ``None``.
    A figure that is ``None`` is suppressed; its reason is in ``suppressed``.
    """

    site: dict[str, Any]
    options: ImpactOptions
    on: dt.date
    tenants: int | None
    jobs: float | None
    estimated_vacant_jobs: float
    missing_headcounts: int | None
    tables: dict[str, pd.DataFrame]
    shannon_h: float | None
    evenness: float | None
    sectors: int | None
    trips_per_day: float | None
    trips_full_per_day: float | None
    threshold_per_day: float
    threshold_source: str
    exceeds: bool | None
    receptors: pd.DataFrame
    machines: pd.DataFrame
    limit_day_dba: float
    limit_night_dba: float
    noise_notes: list[str]
    energy: Energy
    reuse: Reuse
    methods: list[Method]
    notes: list[str] = field(default_factory=list)
    suppressed: dict[str, str] = field(default_factory=dict)
    neighbourhood_layers: list[str] = field(default_factory=list)
    geometry: dict[str, Any] = field(default_factory=dict)

    @property
    def noise(self) -> Any:
        """``receptors`` under the name the map drawing reads (``report.noise.receptors``)."""
        return _NoiseView(self.receptors)

    def table_rows(self) -> pd.DataFrame:
        """Every table in one frame: ``table``, ``group``, ``tenants``, ``jobs``,
        ``trips_per_day``, ``status``, each table followed by its total (the CSV download).
        """
        rows = []
        for dim, frame in self.tables.items():
            for rec in frame.to_dict(orient="records"):
                rows.append(
                    {"table": f"tenants by {dim}", "group": rec[dim], "tenants": rec["tenants"],
                     "jobs": rec["jobs"], "trips_per_day": rec.get("trips_per_day"),
                     "status": rec["status"]}
                )  # fmt: skip
            rows.append(
                {"table": f"tenants by {dim}", "group": "total", "tenants": self.tenants,
                 "jobs": self.jobs, "trips_per_day": self.trips_per_day if dim == "kind" else None,
                 "status": self.suppressed.get("tenants", "")}
            )  # fmt: skip
        cols = ["table", "group", "tenants", "jobs", "trips_per_day", "status"]
        return pd.DataFrame(rows, columns=cols).astype(object)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (numbers rounded; NaN, ±inf and suppressed cells as None)."""

        def num(x: Any, nd: int = 1) -> Any:
            if x is None or (isinstance(x, float) and not math.isfinite(x)):
                return None
            return int(x) if isinstance(x, int) else round(float(x), nd)

        def cell(v: Any) -> Any:
            v = v.item() if hasattr(v, "item") else v
            return num(v) if isinstance(v, int | float) and not isinstance(v, bool) else v

        def rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return [
                {str(k): cell(v) for k, v in rec.items()}
                for rec in frame.astype(object).to_dict(orient="records")
            ]

        e, r = self.energy, self.reuse
        return {
            "site": dict(self.site),
            "on": self.on.isoformat(),
            "disclosure_control": {
                "threshold_tenants": THRESHOLD,
                "trips_rounded_to": TRIPS_ROUNDING,
                "suppressed": dict(self.suppressed),
            },
            "jobs": {
                "counted": num(self.jobs),
                "tenants": self.tenants,
                "estimated_in_vacant_units": num(self.estimated_vacant_jobs),
                "missing_headcounts": self.missing_headcounts,
                **{f"by_{d}": rows(self.tables[d]) for d in DIMENSIONS},
                "shannon_h": num(self.shannon_h, 3),
                "evenness": num(self.evenness, 3),
                "sectors": self.sectors,
            },
            "trips": {
                "per_day": num(self.trips_per_day),
                "full_occupancy_per_day": num(self.trips_full_per_day),
                "threshold_per_day": num(self.threshold_per_day),
                "exceeds": self.exceeds,
            },
            "noise": {
                "limit_day_dba": self.limit_day_dba,
                "limit_night_dba": self.limit_night_dba,
                "receptors": rows(self.receptors),
                "loudest": rows(self.machines.head(5)),
                "notes": list(self.noise_notes),
            },
            "energy": e.to_dict(),
            "reuse": r.to_dict(),
            "methods": [m.__dict__ | {"sources": list(m.sources)} for m in self.methods],
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class _NoiseView:
    receptors: pd.DataFrame


def _table(by: pd.DataFrame, dim: str, site_small: bool) -> pd.DataFrame:
    """One published table of ``by`` (``dim``, ``tenants``, ``jobs`` [, trips]) with status."""
    value_cols = [c for c in ("tenants", "jobs", "trips_per_day") if c in by.columns]
    extra = ["trips_per_job_day"] if "trips_per_job_day" in by.columns else []
    cols = [dim, *value_cols[:2], *extra, *value_cols[2:], "status"]
    tenants = [int(x) for x in by["tenants"]]
    jobs = [float(x) for x in by["jobs"]]
    status = [HIDDEN] * len(by) if site_small else suppression(tenants, jobs)
    out = by.assign(status=status).astype({c: object for c in value_cols})
    out = out[out["status"] != HIDDEN]
    out.loc[out["status"] != "", "status"] = MARK
    for c in value_cols:
        out.loc[out["status"] != "", c] = None
    order = out["tenants"].map(lambda v: -1 if v is None else v)
    return (
        out.assign(_o=order)
        .sort_values(["_o", dim], ascending=[False, True])[cols]
        .reset_index(drop=True)
    )


def _grouped_shannon(table: pd.DataFrame, total: int) -> tuple[float, float | None, int]:
    """Shannon index over the published rows, the suppressed rows as one group."""
    published = [int(v) for v in table["tenants"] if v is not None]
    rest = total - sum(published)
    return shannon([*published, *([rest] if rest > 0 else [])])


def _machines(report: ImpactReport, equipment: pd.DataFrame | None) -> pd.DataFrame:
    """The loudest machines by type, without name, id, owner or room."""
    c = report.noise.contributors
    types: dict[Any, Any] = {}
    if equipment is not None and len(equipment) and "type" in equipment:
        types = dict(zip(equipment["equipment_id"], equipment["type"], strict=True))
    return pd.DataFrame(
        {
            "machine": [str(types.get(i) or "machine") for i in c.get("equipment_id", [])],
            "noise_db": list(c.get("noise_db", [])),
            "hours_day": list(c.get("hours_day", [])),
            "hours_night": list(c.get("hours_night", [])),
            "level_day_dba": list(c.get("level_day_dba", [])),
            "level_night_dba": list(c.get("level_night_dba", [])),
        }
    )


def _kind_table(report: ImpactReport) -> pd.DataFrame:
    by = report.jobs.by_kind
    t = report.trips.by_kind.set_index("kind")
    rate = dict(t["trips_per_job_day"].items())
    per_day = dict(t["trips_per_day"].items())
    return by.assign(
        trips_per_job_day=pd.Series([rate.get(k) for k in by["kind"]], dtype=float),
        trips_per_day=pd.Series([per_day.get(k) for k in by["kind"]], dtype=float),
    )


def public_view(report: ImpactReport, equipment: pd.DataFrame | None = None) -> PublicReport:
    """The :class:`PublicReport` of a full report (frames level; see the module docstring).

    Parameters
    ----------
    report : ImpactReport
        The full report (:func:`site_manager.impact.impact_report`).
    equipment : pandas.DataFrame, optional
        The register's equipment (``equipment_id``, ``type``): the loudest machines are
        named by type.
    """
    j, t = report.jobs, report.trips
    n = len(j.tenants)
    small = 0 < n < THRESHOLD
    suppressed: dict[str, str] = {}
    if small:
        for key in ("tenants", "jobs", "trips", "shannon", "energy_per_job"):
            suppressed[key] = f"suppressed (<{THRESHOLD} tenants on the site)"
    tables = {
        "kind": _table(_kind_table(report), "kind", small),
        "sector": _table(j.by_sector, "sector", small),
        "stage": _table(j.by_stage, "stage", small),
    }
    for dim, frame in tables.items():
        if len(frame) < len(getattr(j, f"by_{dim}")):
            suppressed.setdefault(f"by_{dim}", "rows hidden: no pattern of suppressed cells "
                                  "protects them")  # fmt: skip
    m = j.missing_headcounts
    missing = m if m == 0 or m >= THRESHOLD else None
    if missing is None:
        suppressed["missing_headcounts"] = MARK
    h: float | None = None
    ev: float | None = None
    if not small and any(x == "" for x in tables["sector"]["status"]):
        h, ev, _ = _grouped_shannon(tables["sector"], n)
    elif not small and n:
        suppressed["shannon"] = f"every sector counts fewer than {THRESHOLD} tenants"
    # the sectors' labels are shown (unless hidden), so their number is no secret
    k = len(tables["sector"]) if not small and len(tables["sector"]) == len(j.by_sector) else None
    now = None if small else _round_trips(t.trips_per_day)
    extra = _round_trips(t.trips_full_per_day - t.trips_per_day)
    full = None if now is None else now + extra
    energy = dataclasses.replace(report.energy, jobs=0.0 if small else report.energy.jobs, note="")
    said = {report.energy.note, f"{m} tenants without a headcount are counted as one job each"}
    notes = [x for x in report.notes if x not in said]
    if report.energy.note:
        notes.append("the per-tenant energy split could not run; the energy engine's "
                     "modelled site results are used")  # fmt: skip
    if missing:
        notes.append(f"{missing} tenants without a headcount are counted as one job each")
    disclosure = Method(
        "Disclosure control",
        f"cells counting fewer than {THRESHOLD} tenants are suppressed, with secondary "
        "suppression so that none can be recovered from a published total; the Shannon "
        "index counts the suppressed sectors as one group; trips are rounded to "
        f"{TRIPS_ROUNDING:g} a day",
        "the full report's figures (site_manager.disclosure)",
    )
    return PublicReport(
        site={k_: report.site.get(k_) for k_ in ("site_id", "name", "city", "country")},
        options=report.options, on=j.on, tenants=None if small else n,
        jobs=None if small else j.jobs, estimated_vacant_jobs=j.estimated_vacant_jobs,
        missing_headcounts=None if small else missing, tables=tables,
        shannon_h=h, evenness=ev, sectors=k, trips_per_day=now, trips_full_per_day=full,
        threshold_per_day=t.threshold_per_day, threshold_source=t.threshold_source,
        exceeds=None if full is None else full > t.threshold_per_day,
        receptors=report.noise.receptors.copy(), machines=_machines(report, equipment),
        limit_day_dba=report.noise.limit_day_dba, limit_night_dba=report.noise.limit_night_dba,
        noise_notes=list(report.noise.notes), energy=energy, reuse=report.reuse,
        methods=[*report.methods, disclosure], notes=notes, suppressed=suppressed,
        neighbourhood_layers=list(report.neighbourhood_layers), geometry=dict(report.geometry),
    )  # fmt: skip


def public_report(
    bind: Any,
    site: str | None = None,
    *,
    actor: str | None = None,
    options: ImpactOptions | None = None,
) -> PublicReport:
    """The neighbourhood impact report under disclosure control: the municipality's read.

    Parameters
    ----------
    bind : Engine or Session
        The register.
    site : str, optional
        Site id (default: the only site).
    actor : str or Principal, optional
        Who reads (default: the acting user); any role may (``read_aggregates``).
    options : ImpactOptions, optional
        Day, openings, ground factor.

    Raises
    ------
    AccessDenied
        Nobody is logged in where a login is required.
    """
    from site_manager.register import queries

    who = access.authorize("read_aggregates", actor)
    log.debug("public impact report of site %s for %s", site, who.name)
    frames = queries.frames(bind, site, actor=_READER)
    return public_view(impact_report(frames, options), frames.equipment)


__all__ = [
    "DIMENSIONS",
    "HIDDEN",
    "MARK",
    "PRIMARY",
    "SECONDARY",
    "THRESHOLD",
    "TRIPS_ROUNDING",
    "PublicReport",
    "public_report",
    "public_view",
    "suppression",
]
