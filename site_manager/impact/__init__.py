"""The neighbourhood impact report: what a municipality gets from a Multifactory, and what
the neighbours bear.

Every figure of the report is read through ONE function, :func:`impact_report` (frames in,
an :class:`ImpactReport` out); what a reader may see is decided there and nowhere else.
Each figure carries a :class:`Method` (method, inputs, sources) for the appendix.

Modules: :mod:`~site_manager.impact.jobs` (jobs, mix, Shannon, trips),
:mod:`~site_manager.impact.acoustics` (the formulas) and :mod:`~site_manager.impact.noise`
(the site's machines at the neighbours), :mod:`~site_manager.impact.footprint` (energy,
embodied carbon, land), :mod:`~site_manager.impact.tables` (data tables with sources).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from site_manager.assumptions import (
    ATMOSPHERIC_ALPHA_DB_PER_KM,
    DAY_HOURS,
    DEFAULT_GROUND_FACTOR,
    DEFAULT_OPENINGS,
    NIGHT_HOURS,
    ROOM_ABSORPTION,
    SHARED_NOISE_KIND,
    impact_assumptions,
)
from site_manager.errors import ValidationError
from site_manager.impact.footprint import Energy, Reuse, reuse, site_energy
from site_manager.impact.geo import site_footprint
from site_manager.impact.jobs import Jobs, Trips, jobs_and_mix, trips
from site_manager.impact.noise import Noise, noise_at_neighbours

#: The report's sections, in order (titles as printed).
SECTIONS = (
    "Jobs and activities",
    "Traffic",
    "Noise at the neighbours",
    "Energy and CO₂",
    "Reuse of the building",
    "Appendix: methods, inputs and sources",
)


@dataclass(frozen=True)
class ImpactOptions:
    """What the reader may choose: the day of the tenancy, openings, ground factor."""

    on: dt.date | None = None
    openings: str = DEFAULT_OPENINGS
    ground_factor: float = DEFAULT_GROUND_FACTOR


@dataclass(frozen=True)
class Method:
    """How one figure was found, for the appendix."""

    figure: str
    method: str
    inputs: str
    sources: tuple[str, ...] = ()


@dataclass
class ImpactReport:
    """Every figure of the neighbourhood impact report of one site."""

    site: dict[str, Any]
    options: ImpactOptions
    jobs: Jobs
    trips: Trips
    noise: Noise
    energy: Energy
    reuse: Reuse
    methods: list[Method]
    notes: list[str] = field(default_factory=list)
    neighbourhood_layers: list[str] = field(default_factory=list)
    #: For the map, in the map's XY: ``site`` (shapely), ``buildings``, ``streets`` (GeoDataFrames).
    geometry: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (numbers rounded; NaN and −inf as None)."""

        def num(x: Any, nd: int = 1) -> Any:
            if x is None:
                return None
            x = float(x)
            return round(x, nd) if math.isfinite(x) else None

        def rows(frame: Any, nd: int = 1) -> list[dict[str, Any]]:
            out = []
            for rec in frame.to_dict(orient="records"):
                out.append(
                    {
                        k: (
                            num(v, nd)
                            if isinstance(v, float)
                            else (v.item() if hasattr(v, "item") else v)
                        )
                        for k, v in rec.items()
                    }
                )
            return out

        j, t, n, e, r = self.jobs, self.trips, self.noise, self.energy, self.reuse
        return {
            "site": {k: self.site.get(k) for k in ("site_id", "name", "city", "country")},
            "on": j.on.isoformat(),
            "jobs": {
                "counted": num(j.jobs),
                "estimated_in_vacant_units": num(j.estimated_vacant_jobs),
                "tenants": len(j.tenants),
                "missing_headcounts": j.missing_headcounts,
                "by_kind": rows(j.by_kind),
                "by_sector": rows(j.by_sector),
                "by_stage": rows(j.by_stage),
                "shannon_h": num(j.shannon_h, 3),
                "evenness": num(j.evenness, 3),
                "sectors": j.sectors,
            },
            "trips": {
                "per_day": num(t.trips_per_day),
                "full_occupancy_per_day": num(t.trips_full_per_day),
                "threshold_per_day": num(t.threshold_per_day),
                "exceeds": bool(t.exceeds),
                "by_kind": rows(t.by_kind),
            },
            "noise": {
                "limit_day_dba": n.limit_day_dba,
                "limit_night_dba": n.limit_night_dba,
                "receptors": rows(n.receptors),
                "loudest": rows(n.contributors.head(5)),
                "operating_hours": rows(n.hours),
                "notes": n.notes,
            },
            "energy": e.to_dict() | {"note": e.note},
            "reuse": r.to_dict(),
            "methods": [m.__dict__ | {"sources": list(m.sources)} for m in self.methods],
            "notes": self.notes,
        }


def _limits_source(frames: Any) -> str:
    """Where the noise limits come from: the site's settings (with its cited source where the
    register holds one), else the defaults.
    """
    site = frames.site
    if site.get("noise_limit_day_dba") is None and site.get("noise_limit_night_dba") is None:
        return "WHO Guidelines for Community Noise (1999): default limits"
    cited = (frames.sources or {}).get("noise_limits")
    return f"noise limits: {cited}" if cited else "noise limits: the site's settings"


def hours_text(hours: Any) -> str:
    """The operating hours used, one kind after the other, each saying where it comes from:
    ``smart_factory 16 h by day, 6 h at night (site)``.
    """
    return "; ".join(
        f"{k} {d:g} h by day, {n:g} h at night ({src})"
        for k, d, n, src in zip(hours["kind"], hours["hours_day"], hours["hours_night"],
                                hours["source"], strict=True)
    )  # fmt: skip


def _methods(
    rep_jobs: Jobs,
    rep_trips: Trips,
    energy: Energy,
    kept: Reuse,
    opts: ImpactOptions,
    limits_source: str,
    hours: Any,
) -> list[Method]:
    from site_manager.impact import tables

    dens = tables.job_densities()
    return [
        Method(
            "Jobs",
            "Σ headcount of the tenants with a lease on the day (1 where none is "
            "given); vacant units: area / job density of their use (an estimate, kept apart)",
            f"tenants, leases and units of the register on {rep_jobs.on.isoformat()}",
            tuple(f"{u}: {s}" for u, s in zip(dens["use"], dens["source"], strict=True)),
        ),
        Method(
            "Mix of activities",
            "tenants by kind, sector and stage; Shannon index "
            "H = −Σ pᵢ ln pᵢ over the sectors (pᵢ: share of tenants), evenness H / ln k",
            "tenants.kind, tenants.sector, tenants.stage",
        ),
        Method(
            "Trips",
            "Σ jobs × (trips + visitor trips per job and day) by kind of tenant; at "
            "full occupancy the vacant units' estimated jobs are added at the '*' rate",
            f"headcounts; threshold {rep_trips.threshold_per_day:g} trips/day "
            f"({rep_trips.threshold_source})",
            tuple(rep_trips.sources),
        ),
        Method(
            "Noise",
            "equipment noise_db = Lp 1 m from the machine in its room; Lw = Lp + "
            "10 lg 2π; room Lp = Lw + 10 lg(4/A), A = α·S; façade element Lw = Lp − 6 − R + "
            "10 lg S (EN ISO 12354-4) radiating into its front half space (+3 dB); ISO "
            "9613-2: Adiv = 20 lg d + 11, Aatm = α d/1000, Agr (§7.3.2) and DΩ; day and night "
            "LAeq from each machine's hours. Barriers and reflections not modelled",
            f"equipment, spaces, fabric, neighbourhood; α room {ROOM_ABSORPTION:g}; windows and "
            f"doors {opts.openings}; G {opts.ground_factor:g}; α air "
            f"{ATMOSPHERIC_ALPHA_DB_PER_KM:g} dB/km",
            (
                "ISO 9613-2:1996 Acoustics — Attenuation of sound during propagation "
                "outdoors — Part 2: General method of calculation",
                "EN ISO 12354-4:2017 Building acoustics — Transmission of indoor sound to "
                "the outside",
                limits_source,
            ),
        ),
        Method(
            "Operating hours",
            f"each machine's sound power averaged over the day ({DAY_HOURS:g} h, 06–22) and "
            f"the night ({NIGHT_HOURS:g} h, 22–06) by the hours the machines of its tenant's "
            "kind run: Lw + 10 lg(hours / period); shared machines, and machines of no "
            f"owner or of an unlisted kind, run the hours of '{SHARED_NOISE_KIND}'",
            hours_text(hours),
            (
                "site: the site's settings (site-manager site set --noise-hours, the "
                "Neighbourhood impact page)",
                "default: site_manager.assumptions.NOISE_HOURS and DEFAULT_NOISE_HOURS "
                "(invented, plausible values)",
            ),
        ),
        Method(
            "Energy and CO₂",
            f"a year of the site: {energy.source}; per m² of floor area and per job counted",
            "meters, tariffs, fabric, climate, equipment",
            ("emission factors: site_manager/energy/data/emission_factors.csv",),
        ),
        Method(
            "Reuse",
            "embodied carbon kept = floor area × low/high kg CO₂e per m² of a new "
            "structure; land take avoided = the building's footprint; area preserved = "
            "floor area of the spaces",
            "spaces (areas and footprints)",
            tuple(kept.sources),
        ),
    ]


def impact_report(frames: Any, options: ImpactOptions | None = None) -> ImpactReport:
    """Every figure of the neighbourhood impact report (the one read function).

    Parameters
    ----------
    frames : RegisterFrames
        The site's register (:func:`site_manager.register.frames`).
    options : ImpactOptions, optional
        Day, openings (``closed``/``open``), ground factor G [0–1].
    """
    opts = options or ImpactOptions()
    if opts.openings not in ("closed", "open"):
        raise ValidationError(f"openings {opts.openings!r} is not 'closed' or 'open'")
    if not 0.0 <= opts.ground_factor <= 1.0:
        raise ValidationError(f"ground factor {opts.ground_factor:g} is not between 0 and 1")
    j = jobs_and_mix(frames, opts.on)
    t = trips(frames, j)
    n = noise_at_neighbours(frames, openings=opts.openings, ground_factor=opts.ground_factor)
    e = site_energy(frames, j.jobs)
    r = reuse(frames)
    notes = [str(a) for a in impact_assumptions(frames)]
    if j.missing_headcounts:
        notes.append(
            f"{j.missing_headcounts} tenants without a headcount are counted as one job each"
        )
    if e.note:
        notes.append(e.note)
    layers = sorted(set(frames.neighbourhood["layer"])) if len(frames.neighbourhood) else []
    geometry = {
        "site": site_footprint(frames),
        "buildings": frames.neighbourhood_gdf("buildings"),
        "streets": frames.neighbourhood_gdf("streets"),
    }
    return ImpactReport(
        frames.site,
        opts,
        j,
        t,
        n,
        e,
        r,
        _methods(j, t, e, r, opts, _limits_source(frames), n.hours),
        notes,
        layers,
        geometry,
    )


__all__ = ["SECTIONS", "ImpactOptions", "ImpactReport", "Method", "hours_text", "impact_report"]
