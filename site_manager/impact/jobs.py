"""Jobs, the mix of tenants, and the trips they make (frames in, frames out).

- **Jobs** are the headcounts of the tenants holding a lease on the day (a tenant without a
  headcount counts one person, and is said so). A unit vacant on the day is given an
  *estimate* of the jobs it could hold: its area / the density of its use
  (:func:`site_manager.impact.tables.job_densities`, with sources); estimates are kept
  apart from the counted jobs.
- **Mix**: tenants by kind, sector and stage, and the **Shannon index** of the sectors,
  H = −Σ pᵢ ln pᵢ with pᵢ the share of the tenants in sector i, and its **evenness**
  J = H / ln k (k sectors; undefined for k < 2).
- **Trips** a day: Σ headcount × (trips per job + visitor trips per job) of the tenant's
  kind (:func:`site_manager.impact.tables.trip_rates`), now and at full occupancy (adding
  the estimated jobs of vacant units at the ``*`` rate), against the transport-assessment
  threshold (a site setting, default
  :data:`~site_manager.assumptions.DEFAULT_TRIPS_THRESHOLD_PER_DAY`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from site_manager.assumptions import DEFAULT_TRIPS_THRESHOLD_PER_DAY
from site_manager.impact import tables


def _on(on: dt.date | None) -> dt.date:
    return on or dt.date.today()


def active_leases(frames: Any, on: dt.date) -> pd.DataFrame:
    """The leases running on ``on`` (start ≤ on ≤ end)."""
    leases = frames.leases
    if not len(leases):
        return leases
    start = pd.to_datetime(leases["start"]).dt.date
    end = pd.to_datetime(leases["end"]).dt.date
    return leases[(start <= on) & (end >= on)]


def _label(value: Any) -> str:
    """A category's label; ``"(none)"`` where none is given (None, NaN or empty)."""
    return value if isinstance(value, str) and value else "(none)"


def current_tenants(frames: Any, on: dt.date) -> pd.DataFrame:
    """Tenants with a lease on ``on``: ``tenant_id``, ``name``, ``kind``, ``sector``, ``stage``,
    ``jobs`` (headcount; 1 where none is given) and ``headcount_given`` (bool).
    """
    ids = set(active_leases(frames, on)["tenant_id"]) if len(frames.leases) else set()
    t = frames.tenants
    t = t[t["tenant_id"].isin(ids)] if len(t) else t
    out = pd.DataFrame(
        {
            "tenant_id": list(t.get("tenant_id", [])),
            "name": list(t.get("name", [])),
            "kind": [_label(k) for k in t.get("kind", [])],
            "sector": [_label(s) for s in t.get("sector", [])],
            "stage": [_label(s) for s in t.get("stage", [])],
        }
    )
    heads = pd.to_numeric(pd.Series(list(t.get("headcount", [])), dtype=object), errors="coerce")
    out["headcount_given"] = heads.notna().to_numpy()
    out["jobs"] = heads.fillna(1.0).astype(float).to_numpy()
    return out


def vacant_units(frames: Any, on: dt.date) -> pd.DataFrame:
    """Units existing and not let on ``on``: ``unit_id``, ``use``, ``area_m2``,
    ``m2_per_job``, ``estimated_jobs``, ``source``.
    """
    units = frames.units_on(on) if hasattr(frames, "units_on") else frames.units
    let = set(active_leases(frames, on)["unit_id"]) if len(frames.leases) else set()
    dens = tables.job_densities()
    rows = []
    for uid, use, area in zip(
        units.get("unit_id", []), units.get("use", []), units.get("area_m2", []), strict=True
    ):
        if uid in let:
            continue
        row = tables.row_for(dens, "use", use or "*")
        per = float(row["m2_per_job"])
        area = float(area) if area is not None and not pd.isna(area) else 0.0
        rows.append(
            {
                "unit_id": uid,
                "use": use,
                "area_m2": area,
                "m2_per_job": per,
                "estimated_jobs": area / per if per > 0 else 0.0,
                "source": row["source"],
            }
        )
    cols = ["unit_id", "use", "area_m2", "m2_per_job", "estimated_jobs", "source"]
    return pd.DataFrame(rows, columns=cols)


def shannon(counts: Any) -> tuple[float, float | None, int]:
    """Shannon index H = −Σ pᵢ ln pᵢ [nats], evenness H / ln k (None for k < 2), and k.

    >>> h, j, k = shannon([1, 1]); round(h, 4), j, k
    (0.6931, 1.0, 2)
    """
    c = [float(x) for x in counts if float(x) > 0]
    total = sum(c)
    if not c:
        return 0.0, None, 0
    h = -sum(x / total * math.log(x / total) for x in c)
    k = len(c)
    return h, (h / math.log(k) if k > 1 else None), k


@dataclass
class Jobs:
    """Jobs and the mix of tenants on a day."""

    on: dt.date
    tenants: pd.DataFrame
    vacant: pd.DataFrame
    jobs: float
    estimated_vacant_jobs: float
    missing_headcounts: int
    by_kind: pd.DataFrame
    by_sector: pd.DataFrame
    by_stage: pd.DataFrame
    shannon_h: float
    evenness: float | None
    sectors: int


def _by(tenants: pd.DataFrame, column: str) -> pd.DataFrame:
    if not len(tenants):
        return pd.DataFrame({column: [], "tenants": [], "jobs": []})
    g = tenants.groupby(column).agg(tenants=("tenant_id", "count"), jobs=("jobs", "sum"))
    return g.reset_index().sort_values(
        ["tenants", column], ascending=[False, True], ignore_index=True
    )


def jobs_and_mix(frames: Any, on: dt.date | None = None) -> Jobs:
    """Jobs counted and estimated, tenants by kind, sector and stage, Shannon of sectors."""
    day = _on(on)
    tenants = current_tenants(frames, day)
    vacant = vacant_units(frames, day)
    by_sector = _by(tenants, "sector")
    h, j, k = shannon(by_sector["tenants"]) if len(by_sector) else (0.0, None, 0)
    return Jobs(
        day,
        tenants,
        vacant,
        float(tenants["jobs"].sum()),
        float(vacant["estimated_jobs"].sum()),
        int((~tenants["headcount_given"]).sum()),
        _by(tenants, "kind"),
        by_sector,
        _by(tenants, "stage"),
        h,
        j,
        k,
    )


@dataclass
class Trips:
    """Trips a day by kind of tenant, now and at full occupancy, against the threshold."""

    by_kind: pd.DataFrame
    trips_per_day: float
    trips_full_per_day: float
    threshold_per_day: float
    threshold_source: str
    exceeds: bool
    sources: list[str] = field(default_factory=list)


def trips(frames: Any, jobs: Jobs) -> Trips:
    """Person trips a day from the headcounts and the trip rates of each kind of tenant."""
    rates = tables.trip_rates()
    rows, used = [], set()
    for kind, sub in jobs.tenants.groupby("kind") if len(jobs.tenants) else []:
        r = tables.row_for(rates, "kind", kind)
        used.add(str(r["kind"]))
        per = float(r["trips_per_job_day"]) + float(r["visitor_trips_per_job_day"])
        n = float(sub["jobs"].sum())
        rows.append({"kind": kind, "jobs": n, "trips_per_job_day": per, "trips_per_day": n * per})
    frame = pd.DataFrame(rows, columns=["kind", "jobs", "trips_per_job_day", "trips_per_day"])
    now = float(frame["trips_per_day"].sum())
    star = tables.row_for(rates, "kind", "*")
    extra = jobs.estimated_vacant_jobs * (
        float(star["trips_per_job_day"]) + float(star["visitor_trips_per_job_day"])
    )
    if jobs.estimated_vacant_jobs:
        used.add("*")
    given = frames.site.get("trips_threshold_per_day")
    threshold = float(given) if given is not None else DEFAULT_TRIPS_THRESHOLD_PER_DAY
    src = "site setting" if given is not None else "default (site_manager.assumptions)"
    sources = [
        f"{k}: {s}" for k, s in zip(rates["kind"], rates["source"], strict=True) if k in used
    ]
    return Trips(frame, now, now + extra, threshold, src, now + extra > threshold, sources)
