"""What the dashboard's Energy page shows, as frames: the energy analyses of one site put
together for a landlord.

Frames in, frames out; no streamlit here, so the benchmark (``benchmarks/energy_speed.py``)
and the tests run exactly what the page runs. The page calls the library in this order:

1. :func:`~site_manager.energy.site.space_loads` (the 5R1C model of every space, once per
   register revision); :func:`heat_by_space` turns its monthly heating into the table the
   per-tenant split takes (``heat=``), so the model runs once, not twice;
2. :func:`space_intensity` and :func:`monthly_demand` of those loads (the plan and the
   monthly chart);
3. :func:`~site_manager.energy.loads.board_loads_for_site`;
4. :func:`~site_manager.energy.tenants.split_energy` for the chosen months, summed over
   them by :func:`tenant_period`, and
   :func:`~site_manager.energy.tenant_reports.measured_vs_modelled`;
5. :func:`~site_manager.energy.pv.pv_site` at the chosen flat-roof tilt;
6. retrofits (:func:`~site_manager.energy.retrofit.retrofit_options`) only on request.

:func:`energy_page` runs 1–5 (what a first visit of the page computes).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from site_manager.errors import ValidationError

#: Label of the row that holds the site's totals in :func:`tenant_period`.
SITE_TOTAL = "site total"

#: Columns of :func:`space_intensity`.
INTENSITY_COLUMNS: dict[str, str] = {
    "global_id": "the space's IFC GlobalId",
    "floor_area_m2": "conditioned floor area [m²]",
    "heating_kwh": "annual heating need [kWh]",
    "cooling_kwh": "annual cooling need [kWh]",
    "heating_kwh_m2a": "annual heating need per m² of floor [kWh/m²·a]",
    "cooling_kwh_m2a": "annual cooling need per m² of floor [kWh/m²·a]",
}

#: Columns of :func:`tenant_period`.
PERIOD_COLUMNS: dict[str, str] = {
    "tenant_id": f"the tenant ('(vacant)': the landlord; {SITE_TOTAL!r}: the site's total)",
    "tenant": "the tenant's name",
    "months": "months of the period with a row for the tenant",
    "electricity_kwh": "[kWh]",
    "heat_kwh": "[kWh]",
    "fuel_kwh": "[kWh]",
    "cost_eur": "[EUR]",
    "co2_kg": "[kg CO₂]",
    "electricity_source": "metered, modelled, or 'metered n of m months'",
    "heat_source": "modelled (the meter, where there is one, gives the site's total)",
}


def heat_by_space(loads: pd.DataFrame | None) -> pd.DataFrame:
    """The monthly heating need of each space, from :func:`space_loads`' result.

    The table :func:`~site_manager.energy.tenants.monthly_heat_by_space` computes (same
    zones, climate and model), without running the model a second time.

    Returns
    -------
    pandas.DataFrame
        Index: space GlobalId; columns 1–12: heating need [kWh].
    """
    if loads is None or not len(loads):
        return pd.DataFrame(columns=list(range(1, 13)), dtype=float)
    table = np.array([list(m) for m in loads["monthly_heating_kwh"]], dtype=float)
    return pd.DataFrame(table, index=list(loads["space_global_id"]), columns=list(range(1, 13)))


def space_intensity(loads: pd.DataFrame) -> pd.DataFrame:
    """Heating and cooling need of each simulated space per m² of floor. [kWh/m²·a]

    Returns
    -------
    pandas.DataFrame
        :data:`INTENSITY_COLUMNS`; a space of no floor area has NaN intensities.
    """
    area = pd.to_numeric(loads["floor_area_m2"], errors="coerce").astype(float)
    per = area.where(area > 0)
    out = pd.DataFrame({
        "global_id": loads["space_global_id"].astype(str),
        "floor_area_m2": area,
        "heating_kwh": loads["heating_kwh"].astype(float),
        "cooling_kwh": loads["cooling_kwh"].astype(float),
    })  # fmt: skip
    out["heating_kwh_m2a"] = out["heating_kwh"] / per
    out["cooling_kwh_m2a"] = out["cooling_kwh"] / per
    return out[list(INTENSITY_COLUMNS)].reset_index(drop=True)


def monthly_demand(loads: pd.DataFrame | None) -> pd.DataFrame:
    """The site's heating and cooling need per month of the typical year.

    Returns
    -------
    pandas.DataFrame
        ``month`` (1–12), ``month_name`` (Jan…Dec), ``heating_kwh``, ``cooling_kwh`` [kWh].
    """
    heat = np.zeros(12)
    cool = np.zeros(12)
    if loads is not None and len(loads):
        heat = np.array([list(m) for m in loads["monthly_heating_kwh"]], dtype=float).sum(axis=0)
        cool = np.array([list(m) for m in loads["monthly_cooling_kwh"]], dtype=float).sum(axis=0)
    return pd.DataFrame({
        "month": range(1, 13), "month_name": [calendar.month_abbr[m] for m in range(1, 13)],
        "heating_kwh": heat, "cooling_kwh": cool,
    })  # fmt: skip


def periods(frames: Any, today: dt.date | None = None) -> list[str]:
    """The periods the page offers for the split: ``"last12"`` (the last twelve months
    with meter readings, the CLI's default), then each year (``YYYY``) and month
    (``YYYY-MM``), latest first, of the years with readings and this year.
    """
    today = today or dt.date.today()
    years = {today.year}
    meters = frames.meters
    if len(meters):
        years |= {int(str(m)[:4]) for m in meters["month"]}
    months = [f"{y}-{m:02d}" for y in sorted(years) for m in range(1, 13)]
    return ["last12", *[str(y) for y in sorted(years, reverse=True)], *months[::-1]]


def months_of(period: str, frames: Any) -> list[str]:
    """The months (``YYYY-MM``) of a period of :func:`periods`."""
    from site_manager.energy.tenants import default_months, months_between

    if period == "last12":
        return default_months(frames)
    if len(period) == 4:
        return months_between(year=period)
    return months_between(month=period)


def _source(values: pd.Series) -> str:
    return _source_text(int((values == "metered").sum()), len(values))


def _source_text(metered: int, months: int) -> str:
    if metered == months:
        return "metered"
    if metered == 0:
        return "modelled"
    return f"metered {metered} of {months} months"


def _sources(values: pd.Series, groups: pd.Series) -> list[str]:
    """:func:`_source` of each group of ``values`` (groups in order of first appearance)."""
    counts = (values == "metered").groupby(groups, sort=False).agg(["sum", "size"])
    return [_source_text(int(m), int(n)) for m, n in zip(counts["sum"], counts["size"],
                                                          strict=True)]  # fmt: skip


def tenant_period(split: Any, tenants: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each tenant's energy, cost and CO₂ summed over the split's months, and the site total.

    Parameters
    ----------
    split : EnergySplit
        From :func:`~site_manager.energy.tenants.split_energy`.
    tenants : pandas.DataFrame, optional
        The register's tenants (``tenant_id``, ``name``) for the names.

    Returns
    -------
    pandas.DataFrame
        :data:`PERIOD_COLUMNS`, one row per tenant (largest cost first), then the row
        :data:`SITE_TOTAL` with the sums of ``split.site`` (what the rows add up to; kWh and
        kg to 3 decimals, EUR to the cent).
    """
    rows = split.tenants
    names = (
        dict(zip(tenants["tenant_id"], tenants["name"], strict=True))
        if tenants is not None and len(tenants)
        else {}
    )
    numbers = ["electricity_kwh", "heat_kwh", "fuel_kwh", "cost_eur", "co2_kg"]
    if not len(rows):
        return pd.DataFrame(columns=list(PERIOD_COLUMNS))
    grouped = rows.groupby("tenant_id", sort=False)
    out = grouped[numbers].sum(min_count=1).reset_index()
    out["months"] = grouped["month"].count().to_numpy()
    out["electricity_source"] = _sources(rows["electricity_source"], rows["tenant_id"])
    out["heat_source"] = _sources(rows["heat_source"], rows["tenant_id"])
    out["tenant"] = [names.get(t, "landlord (vacant units)" if t == "(vacant)" else "")
                     for t in out["tenant_id"]]  # fmt: skip
    out = out.sort_values("cost_eur", ascending=False, na_position="last")
    site = split.site
    total: dict[str, Any] = {c: float(site[c].sum(min_count=1)) for c in numbers}
    total.update(tenant_id=SITE_TOTAL, tenant="", months=len(site),
                 electricity_source=_source(site["electricity_source"]),
                 heat_source=_source(site["fuel_source"]))  # fmt: skip
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)[list(PERIOD_COLUMNS)]
    for col, digits in (("electricity_kwh", 3), ("heat_kwh", 3), ("fuel_kwh", 3),
                        ("cost_eur", 2), ("co2_kg", 3)):  # fmt: skip
        out[col] = out[col].astype(float).round(digits)
    return out


def pv_monthly(pv: Any) -> pd.DataFrame:
    """Roof PV per month: yield, the part the site uses in the hour it is made, the export.

    Parameters
    ----------
    pv : PVResult
        From :func:`~site_manager.energy.pv.pv_site` (its 8,760 hourly arrays).

    Returns
    -------
    pandas.DataFrame
        ``month`` (1–12), ``month_name``, ``yield_kwh``, ``self_consumed_kwh``,
        ``exported_kwh`` [kWh].
    """
    hourly = np.asarray(pv.hourly_kwh, dtype=float)
    load = np.asarray(pv.load_kwh, dtype=float)
    if len(hourly) != 8760:
        hourly = np.zeros(8760)
    if len(load) != 8760:
        load = np.zeros(8760)
    month = pd.date_range("2001-01-01", periods=8760, freq="h").month.to_numpy()
    used = np.minimum(hourly, load)
    out = pd.DataFrame({"month": range(1, 13),
                        "month_name": [calendar.month_abbr[m] for m in range(1, 13)]})  # fmt: skip
    out["yield_kwh"] = np.bincount(month, weights=hourly, minlength=13)[1:]
    out["self_consumed_kwh"] = np.bincount(month, weights=used, minlength=13)[1:]
    out["exported_kwh"] = out["yield_kwh"] - out["self_consumed_kwh"]
    return out


@dataclass(frozen=True)
class EnergyPage:
    """Everything a first visit of the Energy page computes (:func:`energy_page`)."""

    loads: pd.DataFrame | None
    loads_problem: str
    intensity: pd.DataFrame
    monthly: pd.DataFrame
    boards: pd.DataFrame
    split: Any
    period: pd.DataFrame
    compare: pd.DataFrame
    pv: Any


def site_loads(frames: Any) -> tuple[pd.DataFrame | None, str]:
    """:func:`~site_manager.energy.site.space_loads`, or ``(None, why)`` for a site with no
    space to simulate.
    """
    from site_manager.energy.site import space_loads

    try:
        return space_loads(frames), ""
    except ValidationError as error:
        return None, str(error)


def energy_page(
    frames: Any, months: Sequence[str] | None = None, *, flat_tilt_deg: float = 15.0
) -> EnergyPage:
    """The library calls of a first visit of the Energy page, in the module docstring's order.

    Parameters
    ----------
    frames : RegisterFrames
        The site's register.
    months : sequence of str, optional
        The split's months (default: the last twelve with readings).
    flat_tilt_deg : float
        Tilt of the PV rows on flat roofs. [°]
    """
    from site_manager.energy.loads import board_loads_for_site
    from site_manager.energy.pv import PVOptions, pv_site
    from site_manager.energy.tenant_reports import measured_vs_modelled
    from site_manager.energy.tenants import split_energy

    loads, problem = site_loads(frames)
    empty = pd.DataFrame(columns=list(INTENSITY_COLUMNS))
    split = split_energy(frames, months, heat=heat_by_space(loads))
    return EnergyPage(
        loads=loads,
        loads_problem=problem,
        intensity=space_intensity(loads) if loads is not None else empty,
        monthly=monthly_demand(loads),
        boards=board_loads_for_site(frames),
        split=split,
        period=tenant_period(split, frames.tenants),
        compare=measured_vs_modelled(split, str(frames.site.get("site_id", ""))),
        pv=pv_site(frames, PVOptions(flat_tilt_deg=flat_tilt_deg)),
    )


__all__ = [
    "INTENSITY_COLUMNS",
    "PERIOD_COLUMNS",
    "SITE_TOTAL",
    "EnergyPage",
    "energy_page",
    "heat_by_space",
    "monthly_demand",
    "months_of",
    "periods",
    "pv_monthly",
    "site_loads",
    "space_intensity",
    "tenant_period",
]
