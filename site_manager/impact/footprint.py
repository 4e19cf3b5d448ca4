"""Energy and CO₂ of the site per year, and what reusing the building saves.

- **Energy**: the site totals of :func:`site_manager.energy.tenants.split_energy` over its
  twelve months (metered where readings exist, else modelled) where it can run; where it
  cannot (a site without tariffs, for instance), the energy engine's own site results:
  electricity = the hourly internal gains of the zones (:func:`site_manager.energy.pv.
  site_load_kwh`) summed over the typical year, fuel = the heating need of every space
  (:func:`site_manager.energy.tenants.monthly_heat_by_space`) / the boiler efficiency, and
  CO₂ by the emission factors of carrier and country. Per m² of the spaces' floor area and
  per job counted.
- **Reuse**: embodied carbon kept = floor area × the low and high embodied carbon of a new
  structure (:func:`site_manager.impact.tables.embodied_carbon`, with sources); land take
  avoided = the building's footprint (a new building of the same footprint on a greenfield);
  building area preserved = the spaces' floor area.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from site_manager.errors import SiteManagerError
from site_manager.impact import tables
from site_manager.impact.geo import site_footprint

log = logging.getLogger(__name__)


def floor_area_m2(frames: Any) -> float:
    """Σ floor area of the spaces not removed. [m²]"""
    sp = frames.spaces
    if not len(sp):
        return 0.0
    sp = sp[~sp["removed"].fillna(False).astype(bool)]
    return float(pd.to_numeric(sp["area_m2"], errors="coerce").fillna(0.0).sum())


@dataclass
class Energy:
    """The site's energy and CO₂ in a year. ``source`` says how it was found."""

    electricity_kwh: float
    fuel_kwh: float
    co2_kg: float
    floor_area_m2: float
    jobs: float
    source: str
    months: list[str]
    note: str = ""

    @property
    def total_kwh(self) -> float:
        """Electricity and fuel. [kWh]"""
        return self.electricity_kwh + self.fuel_kwh

    @property
    def kwh_per_m2(self) -> float | None:
        """Per m² of floor area. [kWh/m²]"""
        return self.total_kwh / self.floor_area_m2 if self.floor_area_m2 > 0 else None

    @property
    def co2_kg_per_m2(self) -> float | None:
        """[kg CO₂/m²]"""
        return self.co2_kg / self.floor_area_m2 if self.floor_area_m2 > 0 else None

    @property
    def kwh_per_job(self) -> float | None:
        """Per job counted. [kWh/job]"""
        return self.total_kwh / self.jobs if self.jobs > 0 else None

    @property
    def co2_kg_per_job(self) -> float | None:
        """[kg CO₂/job]"""
        return self.co2_kg / self.jobs if self.jobs > 0 else None

    def to_dict(self) -> dict[str, Any]:
        """The report's JSON of the site's energy (rounded; unknown as None)."""
        return {
            "electricity_kwh": json_number(self.electricity_kwh, 0),
            "fuel_kwh": json_number(self.fuel_kwh, 0),
            "co2_kg": json_number(self.co2_kg, 0),
            "kwh_per_m2": json_number(self.kwh_per_m2),
            "co2_kg_per_m2": json_number(self.co2_kg_per_m2, 2),
            "kwh_per_job": json_number(self.kwh_per_job),
            "co2_kg_per_job": json_number(self.co2_kg_per_job),
            "source": self.source,
        }


def json_number(x: Any, nd: int = 1) -> Any:
    """A number for JSON: ``x`` rounded to ``nd`` decimals, an int kept whole, NaN, ±inf and
    None as None.
    """
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return None
    return int(x) if isinstance(x, int) and not isinstance(x, bool) else round(float(x), nd)


def _engine_results(frames: Any) -> tuple[float, float, float]:
    from site_manager.assumptions import DEFAULT_BOILER_EFFICIENCY, DEFAULT_HEATING_CARRIER
    from site_manager.energy.emissions import emission_factor
    from site_manager.energy.pv import site_load_kwh
    from site_manager.energy.tenants import monthly_heat_by_space

    el = float(site_load_kwh(frames).sum())
    heat = monthly_heat_by_space(frames)
    eff = frames.site.get("boiler_efficiency") or DEFAULT_BOILER_EFFICIENCY
    fuel = float(heat.to_numpy().sum()) / float(eff) if len(heat) else 0.0
    country = str(frames.site.get("country") or "")
    ef_el, _ = emission_factor("electricity", country)
    ef_fuel, _ = emission_factor(DEFAULT_HEATING_CARRIER, country)
    return el, fuel, el * ef_el + fuel * ef_fuel


def site_energy(frames: Any, jobs: float, split: Any = None) -> Energy:
    """Energy and CO₂ of the site per year (see the module docstring)."""
    area = floor_area_m2(frames)
    note = ""
    if split is None:
        from site_manager.energy.tenants import split_energy

        try:
            split = split_energy(frames)
        except (SiteManagerError, ValueError, KeyError) as exc:
            note = (
                f"the per-tenant energy split could not run ({exc}); the energy engine's "
                "modelled site results are used"
            )
            log.info("site %s: %s", frames.site.get("site_id"), note)
    if split is not None and len(split.site):
        s = split.site
        srcs = sorted(set(s["electricity_source"]) | set(s["fuel_source"]))
        return Energy(
            float(s["electricity_kwh"].sum()),
            float(s["fuel_kwh"].sum()),
            float(s["co2_kg"].sum()),
            area,
            jobs,
            "energy per tenant (" + ", ".join(srcs) + ")",
            list(s["month"]),
            note,
        )
    el, fuel, co2 = _engine_results(frames)
    return Energy(el, fuel, co2, area, jobs, "energy engine (modelled typical year)", [], note)


@dataclass
class Reuse:
    """What reusing the building instead of building new keeps."""

    floor_area_m2: float
    footprint_m2: float
    carbon_low_kg: float
    carbon_high_kg: float
    low_kg_per_m2: float
    high_kg_per_m2: float
    sources: list[str]

    def to_dict(self) -> dict[str, Any]:
        """The report's JSON of what reuse keeps."""
        return {
            "floor_area_m2": json_number(self.floor_area_m2),
            "footprint_m2": json_number(self.footprint_m2),
            "embodied_carbon_kept_kg": [json_number(self.carbon_low_kg, 0),
                                        json_number(self.carbon_high_kg, 0)],
        }  # fmt: skip


def reuse(frames: Any) -> Reuse:
    """Embodied carbon kept (a range), land take avoided and floor area preserved."""
    area = floor_area_m2(frames)
    table = tables.embodied_carbon()
    low = float(tables.row_for(table, "bound", "low")["kg_co2e_per_m2"])
    high = float(tables.row_for(table, "bound", "high")["kg_co2e_per_m2"])
    fp = site_footprint(frames)
    footprint = float(fp.area) if not fp.is_empty else 0.0
    if frames.outlines is not None and len(frames.outlines) and footprint == 0.0:
        import shapely

        footprint = float(shapely.union_all(list(frames.outlines.geometry)).convex_hull.area)
    return Reuse(
        area,
        footprint,
        area * low,
        area * high,
        low,
        high,
        [f"{b}: {s}" for b, s in zip(table["bound"], table["source"], strict=True)],
    )
