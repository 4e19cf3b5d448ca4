"""Retrofit what-ifs: insulate the roof, walls or ground floor, replace the glazing, or put a
heat pump in place of the boiler; alone and combined; saving and simple payback.

Frames in, frames out (:func:`retrofit_options`). A measure changes what is fed to the
heating model, never the model (:mod:`site_manager.energy.iso13790`):

- ``roof``, ``walls``, ``ground_floor``, ``glazing``: every ``fabric`` row of the measure's
  ``element_kind`` (roof, wall, slab, window) gets the measure's U-value where that is
  better than the one it has (:func:`apply_measures`); glazing also gets the new g-value.
  The changed fabric goes through the same zones (:func:`site_manager.energy.site.
  zones_from_frames`) and 5R1C simulation as the site's heating (``energy site``).
- ``heat_pump``: the heating need is met by electricity at the seasonal COP of the table
  instead of gas through the boiler (seasonal efficiency: the site's ``boiler_efficiency``,
  else :data:`~site_manager.assumptions.DEFAULT_BOILER_EFFICIENCY`).

Costs come from an editable table, ``site_manager/energy/data/retrofit_measures.csv``
(``measure``, ``element_kind``, ``u_w_m2k``, ``g_value``, ``cost_eur``, ``cost_per`` m2|kW,
``scop``, ``source``, ``year``; :func:`read_measures`); pass another with ``table=``.
Quantities: the fabric area of the measure's kind (all of it, including the rows already
better than the target); for the heat pump, the sum of the simulated spaces' peak heating
powers after the other measures of the scenario (a non-coincident sum: on the safe side).

Per scenario, for the year: heating need (kWh of heat), delivered energy (gas kWh + the
heat pump's electricity kWh), money at the site's tariffs (``gas``, ``electricity``), CO₂ at
the factors of ``emission_factors.csv``; savings against the site as it is, and the simple
payback = cost / money saved per year (NaN where nothing is saved). Cooling needs are
reported by ``energy site`` but not counted here: the sample sites have no cooling plant.
"""

from __future__ import annotations

import copy
import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from site_manager.assumptions import DEFAULT_BOILER_EFFICIENCY
from site_manager.errors import ValidationError

log = logging.getLogger(__name__)

MEASURES_CSV = Path(__file__).with_name("data") / "retrofit_measures.csv"
#: The measures, in the order they are reported.
MEASURES = ("roof", "walls", "ground_floor", "glazing", "heat_pump")

#: Columns of :func:`retrofit_options`, with their units.
RETROFIT_COLUMNS: dict[str, str] = {
    "scenario": "'baseline', a measure, or 'combined'",
    "measures": "the measures applied, '+'-joined ('' for the baseline)",
    "quantity": "area insulated or glazed [m²] or heat pump capacity [kW], '+'-joined",
    "cost_eur": "investment [EUR]",
    "heating_kwh": "annual heating need of the simulated spaces [kWh heat]",
    "gas_kwh": "annual gas burnt by the boiler [kWh fuel]",
    "electricity_kwh": "annual electricity of the heat pump [kWh]",
    "energy_eur": "annual cost of that gas and electricity [EUR]",
    "co2_kg": "annual CO₂ of that gas and electricity [kg]",
    "saving_kwh": "delivered energy (gas + electricity) saved per year [kWh]",
    "saving_eur": "money saved per year [EUR]",
    "co2_saved_kg": "CO₂ saved per year [kg]",
    "payback_years": "cost / money saved per year; NaN where nothing is saved [years]",
}


def read_measures(path: str | Path | None = None) -> pd.DataFrame:
    """The measure table (module docstring), indexed by ``measure``.

    Raises
    ------
    ValidationError
        A missing column, an unknown ``cost_per``, or a number missing where its measure
        needs it (a U-value for an envelope measure, a SCOP for the heat pump).
    """
    p = Path(path) if path else MEASURES_CSV
    try:
        table = pd.read_csv(p)
    except FileNotFoundError:
        raise ValidationError(f"{p}: measure table not found") from None
    needed = ("measure", "element_kind", "u_w_m2k", "g_value", "cost_eur", "cost_per", "scop",
              "source", "year")  # fmt: skip
    for col in needed:
        if col not in table.columns:
            raise ValidationError(f"{p.name}: missing column {col!r}")
    for col in ("u_w_m2k", "g_value", "cost_eur", "scop"):
        table[col] = pd.to_numeric(table[col], errors="coerce").astype(float)
    for r in table.to_dict("records"):
        where = f"{p.name}: measure {r['measure']!r}"
        if r["cost_per"] not in ("m2", "kW"):
            raise ValidationError(f"{where}: 'cost_per' must be m2 or kW, got {r['cost_per']!r}")
        if not float(r["cost_eur"]) >= 0:
            raise ValidationError(f"{where}: 'cost_eur' must be a number ≥ 0")
        if r["measure"] == "heat_pump" and not float(r["scop"]) > 0:
            raise ValidationError(f"{where}: 'scop' must be a number > 0")
        if r["measure"] != "heat_pump" and not float(r["u_w_m2k"]) > 0:
            raise ValidationError(f"{where}: 'u_w_m2k' must be a number > 0")
    return table.set_index("measure", drop=False)


def parse_measures(text: str | Sequence[str]) -> list[str]:
    """``"roof,walls"`` (or a list) → the measures in :data:`MEASURES` order.

    Raises
    ------
    ValidationError
        An unknown measure, or none.
    """
    items = text.split(",") if isinstance(text, str) else list(text)
    names = {s.strip() for s in items if s.strip()}
    unknown = sorted(names - set(MEASURES))
    if unknown:
        raise ValidationError(
            f"--measures: unknown measure {unknown[0]!r}; use some of {', '.join(MEASURES)}"
        )
    if not names:
        raise ValidationError(f"--measures: give at least one of {', '.join(MEASURES)}")
    return [m for m in MEASURES if m in names]


def apply_measures(fabric: Any, measures: Sequence[str], table: pd.DataFrame) -> Any:
    """The fabric with the envelope measures applied (a new frame; ``fabric`` is unchanged).

    Each row of a measure's ``element_kind`` gets ``min(u_w_m2k, measure U)``; windows under
    ``glazing`` also get the measure's g-value. ``heat_pump`` changes no fabric.
    """
    out = fabric.copy()
    specs = {str(r["measure"]): r for r in table.to_dict("records")}
    for m in measures:
        spec = specs[m]
        kind = spec["element_kind"]
        if m == "heat_pump" or not isinstance(kind, str):
            continue
        hit = out["kind"] == kind
        out.loc[hit, "u_w_m2k"] = out.loc[hit, "u_w_m2k"].clip(upper=float(spec["u_w_m2k"]))
        if kind == "window" and not math.isnan(float(spec["g_value"])):
            out.loc[hit, "g_value"] = float(spec["g_value"])
    return out


def _simulate(
    frames: Any, fabric: Any, climate: pd.DataFrame, defaults: Any
) -> tuple[float, float]:
    """(annual heating need [kWh], Σ peak heating [kW]) of the site with ``fabric``."""
    from site_manager.energy.site import zones_from_frames
    from site_manager.energy.zones import simulate_zones

    changed = copy.copy(frames)
    changed.fabric = fabric
    zones = zones_from_frames(changed, climate=climate, defaults=defaults)
    if not zones:
        site = frames.site.get("site_id")
        raise ValidationError(f"site {site!r}: no indoor space with a floor area to simulate")
    result = simulate_zones(zones, climate)
    return float(result["heating_kwh"].sum()), float(result["peak_heating_kw"].sum())


def _boiler_efficiency(frames: Any) -> float:
    value = frames.site.get("boiler_efficiency")
    try:
        eta = float(value)
    except (TypeError, ValueError):
        return DEFAULT_BOILER_EFFICIENCY
    return eta if 0 < eta <= 1.2 else DEFAULT_BOILER_EFFICIENCY


def retrofit_options(
    frames: Any,
    measures: str | Sequence[str] = MEASURES,
    *,
    table: pd.DataFrame | None = None,
    defaults: Any = None,
    climate: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The site as it is, each measure alone and (for two or more) all of them combined.

    Parameters
    ----------
    frames : RegisterFrames
        The site's register (:func:`site_manager.register.frames`): fabric, spaces, zoning,
        equipment, climate, tariffs (``gas``, ``electricity``), country, ``site``'s
        ``boiler_efficiency`` if any.
    measures : str or sequence of str
        Some of :data:`MEASURES` (``"roof,walls,glazing,heat_pump"``).
    table : pandas.DataFrame, optional
        The measure table (default :func:`read_measures`).
    defaults : ZoneDefaults, optional
        The heating model's assumptions (:class:`site_manager.energy.site.ZoneDefaults`).
    climate : pandas.DataFrame, optional
        The hourly climate (default the site's, :func:`site_manager.energy.climate.
        site_climate`).

    Returns
    -------
    pandas.DataFrame
        :data:`RETROFIT_COLUMNS`, one row per scenario: ``baseline``, each measure, then
        ``combined``.

    Raises
    ------
    ValidationError
        An unknown measure, a measure missing from the table, no fabric for an envelope
        measure, no space to simulate, or a tariff missing for a carrier used.
    """
    from site_manager.energy.climate import site_climate
    from site_manager.energy.emissions import emission_factor

    chosen = parse_measures(measures)
    t = read_measures() if table is None else table
    specs = {str(r["measure"]): r for r in t.to_dict("records")}
    missing = [m for m in chosen if m not in specs]
    if missing:
        raise ValidationError(f"measure {missing[0]!r} is not in the measure table")
    site = frames.site.get("site_id")
    fabric = frames.fabric
    if (fabric is None or not len(fabric)) and any(m != "heat_pump" for m in chosen):
        raise ValidationError(
            f"site {site!r}: no building fabric is stored, so no envelope measure can be "
            f"tried; store it with `site-manager site revise MODEL.ifc --site {site}`"
        )
    climate = site_climate(frames) if climate is None else climate
    eta = _boiler_efficiency(frames)
    country = frames.site.get("country")
    co2_gas = emission_factor("gas", country)[0]
    co2_el = emission_factor("electricity", country)[0]
    tariffs = frames.tariffs

    def price(carrier: str) -> float:
        if carrier not in tariffs:
            raise ValidationError(
                f"site {site!r}: no {carrier} tariff is stored; set it with "
                f"`site-manager site set --site {site} --tariff {carrier}=EUR_PER_KWH`"
            )
        return float(tariffs[carrier])

    scenarios: list[tuple[str, list[str]]] = [("baseline", [])]
    scenarios += [(m, [m]) for m in chosen]
    if len(chosen) > 1:
        scenarios.append(("combined", chosen))
    rows = []
    for name, applied in scenarios:
        new_fabric = apply_measures(fabric, applied, t) if fabric is not None else fabric
        heat, peak_kw = _simulate(frames, new_fabric, climate, defaults)
        cost, quantities = 0.0, []
        for m in applied:
            spec = specs[m]
            if spec["cost_per"] == "kW":
                qty = peak_kw
            else:
                qty = float(fabric.loc[fabric["kind"] == spec["element_kind"], "area_m2"].sum())
            cost += qty * float(spec["cost_eur"])
            quantities.append(f"{qty:.1f} {'kW' if spec['cost_per'] == 'kW' else 'm²'}")
        if "heat_pump" in applied:
            gas, elec = 0.0, heat / float(specs["heat_pump"]["scop"])
            eur, co2 = elec * price("electricity"), elec * co2_el
        else:
            gas, elec = heat / eta, 0.0
            eur, co2 = gas * price("gas"), gas * co2_gas
        rows.append({
            "scenario": name, "measures": "+".join(applied), "quantity": " + ".join(quantities),
            "cost_eur": cost, "heating_kwh": heat, "gas_kwh": gas, "electricity_kwh": elec,
            "energy_eur": eur, "co2_kg": co2,
        })  # fmt: skip
    out = pd.DataFrame(rows)
    base = out.iloc[0]
    out["saving_kwh"] = (base.gas_kwh + base.electricity_kwh) - (out.gas_kwh + out.electricity_kwh)
    out["saving_eur"] = base.energy_eur - out["energy_eur"]
    out["co2_saved_kg"] = base.co2_kg - out["co2_kg"]
    out["payback_years"] = out["cost_eur"] / out["saving_eur"].where(out["saving_eur"] > 0)
    return out[list(RETROFIT_COLUMNS)]


__all__ = [
    "MEASURES",
    "RETROFIT_COLUMNS",
    "apply_measures",
    "parse_measures",
    "read_measures",
    "retrofit_options",
]
