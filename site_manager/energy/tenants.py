"""Energy, cost and CO₂ of each tenant, per month, split so that it adds up to the site's.

For each month (``YYYY-MM``) the site's energy is made of parts, each metered where a
meter reading of that month exists and modelled otherwise:

- **A tenant's own electricity**: its electricity sub-meter (a reading with its
  ``tenant_id``), else modelled: (rated power of its own machines × the ``machine_load`` of
  its kind + let area × :data:`~site_manager.assumptions.BASE_ELECTRICITY_W_M2`) × the
  ``hours_per_week`` of its kind (:data:`~site_manager.assumptions.USE_PROFILES`) × days
  of the month / 7; machines count for the share of the month the tenant held a lease.
- **Common electricity** (shared workshops' machines, services, circulation): the sum of
  the electricity readings that name no tenant (the landlord's meters), else modelled as
  above from the shared machines (``equipment.shared`` or no owner) and the area of the
  spaces in no unit, with :data:`~site_manager.assumptions.DEFAULT_USE_PROFILE`.
- **Heat**: the 5R1C model's heating need of each space in that calendar month of the
  typical year (:func:`monthly_heat_by_space`); a unit's heat goes to its tenants by the
  days of the month each held a lease, the rest of the month to :data:`VACANT` (the
  landlord); a unit made of part of a space (a bay of a hall) takes the space's heat × its
  part's share of the space's area (:func:`unit_shares`); spaces, and the rest of spaces,
  in no unit are common. Fuel = heat / boiler efficiency (a site
  setting, default :data:`~site_manager.assumptions.DEFAULT_BOILER_EFFICIENCY`); bought
  heat (carrier ``heat``) has no boiler: fuel = heat. Where a site-level meter of the
  heating carrier has a reading for the month, the metered fuel is shared out in
  proportion to the modelled heat of every part (the model gives the shares, the meter
  the total).

The common parts are split by the site's cost key (:data:`~site_manager.assumptions.
COST_KEYS`): ``area`` (let area × days let; a vacant unit's area is the landlord's),
``headcount`` or ``equal`` (× days let), or ``metered`` (in proportion to each tenant's own
use of the same carrier). Cost = kWh × the site's tariff of the carrier; CO₂ = kWh × the
emission factor of the carrier and the site's country (:mod:`site_manager.energy.emissions`).

Conservation: each month's site totals (kWh of electricity, heat and fuel to the Wh,
EUR to the cent, kg CO₂ to the gram) are rounded once and shared out in whole units by
:func:`largest_remainder`, so the tenants' rows add up to them exactly.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from site_manager.assumptions import (
    BASE_ELECTRICITY_W_M2,
    COST_KEYS,
    DEFAULT_BOILER_EFFICIENCY,
    DEFAULT_COST_KEY,
    DEFAULT_HEATING_CARRIER,
    DEFAULT_USE_PROFILE,
    HEATING_CARRIERS,
    USE_PROFILES,
)
from site_manager.energy.emissions import emission_factor
from site_manager.energy.rounding import rounded_split
from site_manager.errors import ValidationError
from site_manager.parsing import parse_bool, parse_date

log = logging.getLogger(__name__)

#: The row of the landlord: vacant units' heat and, by area, their share of the common parts.
VACANT = "(vacant)"
METERED, MODELLED = "metered", "modelled"

#: Columns of :func:`tenant_energy` (one row per tenant and month).
TENANT_ENERGY_COLUMNS: dict[str, str] = {
    "tenant_id": f"the tenant ({VACANT!r}: the landlord, for vacant units)",
    "month": "the month, YYYY-MM",
    "electricity_kwh": "own electricity + share of the common parts [kWh]",
    "heat_kwh": "heat of its units' spaces + share of the common spaces [kWh]",
    "fuel_kwh": "the fuel that heat takes: heat / boiler efficiency [kWh]",
    "cost_eur": "electricity and fuel at the site's tariffs [EUR]",
    "co2_kg": "electricity and fuel × emission factor of carrier and country [kg CO₂]",
    "electricity_source": "'metered' (own sub-meter) or 'modelled' (machines and area)",
    "heat_source": "'modelled' (its share comes from the 5R1C model)",
}
#: Columns of :attr:`EnergySplit.site` (one row per month).
SITE_ENERGY_COLUMNS: dict[str, str] = {
    "month": "the month, YYYY-MM",
    "electricity_kwh": "the site's electricity [kWh]",
    "heat_kwh": "the site's heat [kWh]",
    "fuel_kwh": "the site's fuel (or bought heat) [kWh]",
    "cost_eur": "[EUR]",
    "co2_kg": "[kg CO₂]",
    "electricity_source": "'metered' where every part has a reading, else 'modelled'",
    "fuel_source": "'metered' (site meter of the heating carrier) or 'modelled'",
    "heating_carrier": "gas, oil or heat",
}


def months_between(month: str | None = None, year: int | str | None = None) -> list[str]:
    """``[month]`` or the twelve months of ``year``, as ``YYYY-MM``.

    Raises
    ------
    ValidationError
        Neither or both given, or not a month / year.
    """
    if (month is None) == (year is None):
        raise ValidationError("give a month (YYYY-MM) or a year (YYYY)")
    if month is not None:
        try:
            dt.date(int(str(month)[:4]), int(str(month)[5:7]), 1)
        except ValueError:
            raise ValidationError(f"month {month!r} is not YYYY-MM") from None
        if len(str(month)) != 7 or str(month)[4] != "-":
            raise ValidationError(f"month {month!r} is not YYYY-MM")
        return [str(month)]
    try:
        y = int(str(year))
    except ValueError:
        raise ValidationError(f"year {year!r} is not YYYY") from None
    if not 1900 <= y <= 2200:
        raise ValidationError(f"year {year!r} is not YYYY")
    return [f"{y}-{m:02d}" for m in range(1, 13)]


def default_months(frames: Any) -> list[str]:
    """The last twelve months that have meter readings; without readings, this year's."""
    meters = frames.meters
    if len(meters):
        return sorted({str(m) for m in meters["month"].tolist()})[-12:]
    return months_between(year=dt.date.today().year)


def monthly_heat_by_space(frames: Any) -> pd.DataFrame:
    """Heating need of each simulated space in each calendar month of the typical year.

    Returns
    -------
    pandas.DataFrame
        Index: space GlobalId; columns 1–12: heating need [kWh]. Empty when the site has
        no indoor space with a floor area.
    """
    from site_manager.energy.climate import site_climate
    from site_manager.energy.site import zones_from_frames
    from site_manager.energy.zones import simulate_zones

    climate = site_climate(frames)
    zones = zones_from_frames(frames, climate=climate)
    if not zones:
        return pd.DataFrame(columns=list(range(1, 13)), dtype=float)
    result = simulate_zones(zones, climate)
    table = np.array([list(m) for m in result["monthly_heating_kwh"]], dtype=float)
    return pd.DataFrame(table, index=list(result["zone_id"]), columns=list(range(1, 13)))


@dataclass(frozen=True)
class Settings:
    """A site's settings for the split, with the defaults applied."""

    boiler_efficiency: float
    cost_key: str
    heating_carrier: str
    tariffs: dict[str, float]
    country: str


def site_settings(frames: Any) -> Settings:
    """Boiler efficiency, cost key, heating carrier, tariffs and country of a site.

    The heating carrier is that of the site's (tenant-less) meters of gas, oil or heat,
    else :data:`~site_manager.assumptions.DEFAULT_HEATING_CARRIER`.
    """
    info = frames.site
    eff = info.get("boiler_efficiency")
    key = info.get("cost_key") or DEFAULT_COST_KEY
    if key not in COST_KEYS:
        raise ValidationError(f"site {info.get('site_id')!r}: cost key {key!r} is not one of "
                              f"{', '.join(COST_KEYS)}")  # fmt: skip
    carrier = DEFAULT_HEATING_CARRIER
    meters = frames.meters
    if len(meters):
        site_meters = meters[meters["tenant_id"].isna() & meters["carrier"].isin(HEATING_CARRIERS)]
        if len(site_meters):
            carrier = str(site_meters["carrier"].iloc[0])
    return Settings(
        boiler_efficiency=float(eff) if eff is not None else DEFAULT_BOILER_EFFICIENCY,
        cost_key=str(key), heating_carrier=carrier, tariffs=dict(frames.tariffs or {}),
        country=str(info.get("country") or ""),
    )  # fmt: skip


@dataclass(frozen=True)
class EnergySplit:
    """What :func:`split_energy` returns.

    Attributes
    ----------
    tenants : pandas.DataFrame
        :data:`TENANT_ENERGY_COLUMNS`, rounded (kWh to the Wh, EUR to the cent, kg to g).
    site : pandas.DataFrame
        :data:`SITE_ENERGY_COLUMNS`: the totals the tenants' rows add up to.
    parts : pandas.DataFrame
        Unrounded parts of each tenant row: ``tenant_id``, ``month``, ``own_electricity_kwh``,
        ``shared_electricity_kwh``, ``own_heat_kwh``, ``shared_heat_kwh``, ``key_share``
        (its share of the common parts [–]), ``modelled_electricity_kwh`` (own, by the
        model, metered or not), ``metered_electricity_kwh`` (own sub-meter; NaN if none).
    modelled_site : pandas.DataFrame
        ``month``, ``electricity_kwh``, ``fuel_kwh``: the site by the model alone.
    settings : Settings
    """

    tenants: pd.DataFrame
    site: pd.DataFrame
    parts: pd.DataFrame
    modelled_site: pd.DataFrame
    settings: Settings


def _lease_spans(leases: pd.DataFrame) -> list[tuple[str, str, Any, Any]]:
    """``(unit_id, tenant_id, first day or None, last day or None)`` of each lease."""
    spans = []
    columns = (leases[c].tolist() for c in ("unit_id", "tenant_id", "start", "end"))
    for u, t, s, e in zip(*columns, strict=True):
        spans.append((str(u), str(t), parse_date(s),
                      parse_date(e) if e is not None and str(e) else None))  # fmt: skip
    return spans


def _occupancy(
    spans: list[tuple[str, str, Any, Any]], first: dt.date, last: dt.date
) -> pd.DataFrame:
    """``unit_id``, ``tenant_id``, ``share`` (of the month's days let) for a month of the
    leases' :func:`_lease_spans`.
    """
    days = (last - first).days + 1
    rows = []
    for u, t, start, end in spans:
        lo = max(first, start) if start else first
        hi = min(last, end) if end else last
        if hi >= lo:
            rows.append((u, t, ((hi - lo).days + 1) / days))
    occ = pd.DataFrame(rows, columns=["unit_id", "tenant_id", "share"])
    if len(occ):  # overlapping leases of one unit: never more than the whole month
        total = occ.groupby("unit_id")["share"].transform("sum")
        occ["share"] = occ["share"] / total.clip(lower=1.0)
    return occ


def _profile(kind: Any) -> Any:
    return USE_PROFILES.get(str(kind), DEFAULT_USE_PROFILE)


class _SiteFacts:
    """What :func:`_month_split` needs of a site that is the same in every month, worked
    out once per :func:`split_energy` (leases, tenants, machines, the meters' months) or
    once per set of live units (their shares of the spaces).
    """

    def __init__(self, frames: Any, heat: pd.DataFrame) -> None:
        self.frames = frames
        self.spans = _lease_spans(frames.leases)
        self.kinds, self.heads = _tenant_facts(frames.tenants)
        # machines: the tenant's own; shared or ownerless ones are common
        eq = frames.equipment
        power = pd.to_numeric(eq["power_kw"], errors="coerce").fillna(0.0) if len(eq) else None
        self.own_kw: dict[str, float] = {}
        self.shared_kw = 0.0
        if power is not None:
            for owner, shared, kw in zip(eq["owner_tenant_id"].tolist(), eq["shared"].tolist(),
                                         power.tolist(), strict=True):  # fmt: skip
                if shared is not None and parse_bool(shared) or not owner or pd.isna(owner):
                    self.shared_kw += float(kw)
                else:
                    self.own_kw[str(owner)] = self.own_kw.get(str(owner), 0.0) + float(kw)
        meters = frames.meters
        self.meter_months = meters["month"].astype(str) if len(meters) else None
        self.heated = set(heat.index.tolist()) if len(heat) else set()
        self._shares: dict[tuple[str, ...], tuple[dict[str, dict[str, float]], float]] = {}

    def shares(self, unit_area: dict[str, float]) -> tuple[dict[str, dict[str, float]], float]:
        """:func:`unit_shares` of the live units, and the floor area in no unit. [m²]"""
        key = tuple(unit_area)
        if key not in self._shares:
            space_units = unit_shares(self.frames.unit_spaces, unit_area)
            spaces = self.frames.spaces
            common_area = sum(
                float(a or 0.0) * max(0.0, 1.0 - sum(space_units.get(str(g), {}).values()))
                for g, a in zip(spaces["global_id"].tolist(), spaces["area_m2"].tolist(),
                                strict=True)
                if str(g) in self.heated
            )  # fmt: skip
            self._shares[key] = (space_units, common_area)
        return self._shares[key]


def _plain_dict(values: pd.Series) -> dict[str, float]:
    """``{str(key): float(value)}`` of a Series (``tolist``: iterating Arrow strings is slow)."""
    return {str(k): float(v) for k, v in zip(values.index.tolist(), values.tolist(), strict=True)}


def _month_split(
    frames: Any, month: str, heat: pd.DataFrame, cfg: Settings, facts: _SiteFacts | None = None
) -> dict[str, Any]:
    """The unrounded parts of one month (see the module docstring)."""
    facts = facts or _SiteFacts(frames, heat)
    y, m = int(month[:4]), int(month[5:7])
    first, last = dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])
    weeks = calendar.monthrange(y, m)[1] / 7.0
    live = frames.units_on(first) if len(frames.units) else frames.units
    unit_area = {str(u): float(a or 0.0) for u, a in zip(live["unit_id"].tolist(),
                                                         live["area_m2"].tolist(),
                                                         strict=True)}  # fmt: skip
    occ = _occupancy(facts.spans, first, last)
    occ = occ[np.fromiter((u in unit_area for u in occ["unit_id"].tolist()), dtype=bool,
                          count=len(occ))]  # fmt: skip
    space_units, common_area = facts.shares(unit_area)
    month_heat = heat[m] if len(heat) else pd.Series(dtype=float)
    unit_heat: dict[str, float] = {}
    common_heat = 0.0
    for gid, kwh in zip(month_heat.index.tolist(), month_heat.tolist(), strict=True):
        held = space_units.get(str(gid), {})
        for unit, share in held.items():
            unit_heat[unit] = unit_heat.get(unit, 0.0) + float(kwh) * share
        common_heat += float(kwh) * max(0.0, 1.0 - sum(held.values()))
    kinds, heads = facts.kinds, facts.heads
    presence: dict[str, float] = (
        _plain_dict(occ.groupby("tenant_id")["share"].max()) if len(occ) else {}
    )  # fmt: skip
    let_area: dict[str, float] = {}
    own_heat: dict[str, float] = {}
    for u, t, share in zip(occ["unit_id"].tolist(), occ["tenant_id"].tolist(),
                           occ["share"].tolist(), strict=True):  # fmt: skip
        let_area[t] = let_area.get(t, 0.0) + unit_area[u] * share
        own_heat[t] = own_heat.get(t, 0.0) + unit_heat.get(u, 0.0) * share
    let_share = occ.groupby("unit_id")["share"].sum().to_dict() if len(occ) else {}
    vacant_area = sum(a * (1 - let_share.get(u, 0.0)) for u, a in unit_area.items())
    vacant_heat = sum(h * (1 - let_share.get(u, 0.0)) for u, h in unit_heat.items())
    own_kw, shared_kw = facts.own_kw, facts.shared_kw
    meters = frames.meters
    readings = meters[facts.meter_months == month] if facts.meter_months is not None else meters
    elec = readings[readings["carrier"] == "electricity"] if len(readings) else readings
    metered_own: dict[str, float] = (
        _plain_dict(elec[elec["tenant_id"].notna()].groupby("tenant_id")["reading_kwh"].sum())
        if len(elec) else {}
    )  # fmt: skip
    common_meter = elec[elec["tenant_id"].isna()]["reading_kwh"] if len(elec) else []
    ids = sorted(set(presence) | set(metered_own))
    rows = []
    for t in ids:
        prof = _profile(kinds.get(t))
        modelled = ((own_kw.get(t, 0.0) * prof.machine_load * presence.get(t, 0.0)
                     + let_area.get(t, 0.0) * BASE_ELECTRICITY_W_M2 / 1000.0)
                    * prof.hours_per_week * weeks)  # fmt: skip
        metered = metered_own.get(t)
        rows.append({"tenant_id": t, "presence": presence.get(t, 0.0),
                     "let_area_m2": let_area.get(t, 0.0),
                     "headcount": heads.get(t, 1.0),
                     "modelled_electricity_kwh": modelled,
                     "metered_electricity_kwh": float("nan") if metered is None else float(metered),
                     "own_electricity_kwh": modelled if metered is None else float(metered),
                     "electricity_source": MODELLED if metered is None else METERED,
                     "own_heat_kwh": own_heat.get(t, 0.0)})  # fmt: skip
    shared_prof = DEFAULT_USE_PROFILE
    common_modelled = ((shared_kw * shared_prof.machine_load
                        + common_area * BASE_ELECTRICITY_W_M2 / 1000.0)
                       * shared_prof.hours_per_week * weeks)  # fmt: skip
    common_elec = float(np.sum(common_meter)) if len(common_meter) else common_modelled
    rows.append({"tenant_id": VACANT, "presence": 0.0, "let_area_m2": vacant_area,
                 "headcount": 0.0, "modelled_electricity_kwh": 0.0,
                 "metered_electricity_kwh": float("nan"), "own_electricity_kwh": 0.0,
                 "electricity_source": MODELLED, "own_heat_kwh": vacant_heat})  # fmt: skip
    return {"rows": pd.DataFrame(rows), "common_electricity_kwh": common_elec,
            "common_electricity_modelled_kwh": common_modelled,
            "common_electricity_metered": bool(len(common_meter)),
            "common_heat_kwh": common_heat, "readings": readings}  # fmt: skip


def unit_shares(pairs: pd.DataFrame, units: Any) -> dict[str, dict[str, float]]:
    """Space GlobalId → {unit → the share of the space it takes} for the units in ``units``.

    A unit made of part of a space takes that part's share of the space's area
    (``unit_spaces.share``), a whole space 1; where the shares of one space add up to more
    than 1 (an unknown space area counts 1) they are scaled down to 1. The rest of a space
    held in part is in no unit (common). [-]
    """
    shares = pairs["share"] if "share" in pairs else pd.Series(1.0, index=pairs.index)
    out: dict[str, dict[str, float]] = {}
    for u, g, sh in zip(pairs["unit_id"].tolist(), pairs["space_global_id"].tolist(),
                        shares.tolist(), strict=True):  # fmt: skip
        if str(u) in units:
            out.setdefault(str(g), {})[str(u)] = 1.0 if sh is None or sh != sh else float(sh)
    for held in out.values():
        total = sum(held.values())
        if total > 1.0:
            for u in held:
                held[u] /= total
    return out


def _tenant_facts(tenants: pd.DataFrame) -> tuple[dict[str, Any], dict[str, float]]:
    """Tenant id → kind, and tenant id → headcount (1 where unknown or not positive).

    Looked up once per month, not once per tenant (a site of a thousand tenants).
    """
    if not len(tenants):
        return {}, {}
    ids = tenants["tenant_id"].astype(str)
    kinds = (
        dict(zip(ids.tolist(), tenants["kind"].tolist(), strict=True)) if "kind" in tenants else {}
    )
    heads: dict[str, float] = {}
    if "headcount" in tenants:
        values = pd.to_numeric(tenants["headcount"], errors="coerce")
        heads = {t: float(v) if pd.notna(v) and v > 0 else 1.0
                 for t, v in zip(ids.tolist(), values.tolist(), strict=True)}  # fmt: skip
    return kinds, heads


def key_weights(rows: pd.DataFrame, key: str, carrier_own: pd.Series) -> np.ndarray:
    """Each row's weight in the split of a common part by ``key``.

    ``area``: let area × days let (the vacant row: the vacant area); ``headcount``:
    headcount × days let; ``equal``: days let; ``metered``: ``carrier_own`` (the row's own
    use of the carrier being split). Where every weight is zero the tenants share equally
    by days let; with no tenant at all the landlord (:data:`VACANT`) bears it.
    """
    is_vacant = (rows["tenant_id"] == VACANT).to_numpy()
    if key == "area":
        w = rows["let_area_m2"].to_numpy(dtype=float)
    elif key == "headcount":
        w = (rows["headcount"] * rows["presence"]).to_numpy(dtype=float)
    elif key == "equal":
        w = rows["presence"].to_numpy(dtype=float)
    elif key == "metered":
        w = carrier_own.to_numpy(dtype=float)
    else:
        raise ValidationError(f"cost key {key!r} is not one of {', '.join(COST_KEYS)}")
    w = np.where(w > 0, w, 0.0)
    if w.sum() <= 0:
        w = np.where(is_vacant, 0.0, rows["presence"].to_numpy(dtype=float))
    if w.sum() <= 0:
        w = is_vacant.astype(float)
    return np.asarray(w / w.sum())


def split_energy(
    frames: Any, months: Sequence[str] | None = None, *, heat: pd.DataFrame | None = None
) -> EnergySplit:
    """Energy, cost and CO₂ of each tenant for each month (the module docstring's rules).

    Parameters
    ----------
    frames : RegisterFrames
        The site's register (:func:`site_manager.register.frames`).
    months : sequence of str, optional
        ``YYYY-MM``; default :func:`default_months`.
    heat : pandas.DataFrame, optional
        :func:`monthly_heat_by_space`, if already at hand (it runs the 5R1C model).

    Returns
    -------
    EnergySplit
        ``tenants`` has one row per tenant with a lease or a reading in the month, and a
        :data:`VACANT` row where vacant units have heat or a share of the common parts.
    """
    cfg = site_settings(frames)
    months = list(months) if months is not None else default_months(frames)
    for mo in months:
        months_between(month=mo)
    heat = monthly_heat_by_space(frames) if heat is None else heat
    eff = 1.0 if cfg.heating_carrier == "heat" else cfg.boiler_efficiency
    if not 0 < eff <= 1.5:
        raise ValidationError(f"site {frames.site.get('site_id')!r}: boiler efficiency {eff:g} "
                              "is outside 0–1.5")  # fmt: skip
    t_el, t_fuel = (cfg.tariffs.get("electricity", float("nan")),
                    cfg.tariffs.get(cfg.heating_carrier, float("nan")))  # fmt: skip
    ef_el, _ = emission_factor("electricity", cfg.country)
    ef_fuel, _ = emission_factor(cfg.heating_carrier, cfg.country)
    out, site_rows, parts, modelled_rows = [], [], [], []
    facts = _SiteFacts(frames, heat) if months else None
    for mo in months:
        ms = _month_split(frames, mo, heat, cfg, facts)
        rows = ms["rows"]
        fuel_meter = ms["readings"]
        if len(fuel_meter):
            fuel_meter = fuel_meter[fuel_meter["tenant_id"].isna()
                                    & (fuel_meter["carrier"] == cfg.heating_carrier)]  # fmt: skip
        share_el = key_weights(rows, cfg.cost_key, rows["own_electricity_kwh"])
        share_heat = key_weights(rows, cfg.cost_key, rows["own_heat_kwh"])
        rows["shared_electricity_kwh"] = share_el * ms["common_electricity_kwh"]
        rows["shared_heat_kwh"] = share_heat * ms["common_heat_kwh"]
        heat_model = rows["own_heat_kwh"] + rows["shared_heat_kwh"]
        fuel_model_total = float(heat_model.sum()) / eff
        if len(fuel_meter):
            fuel_total = float(pd.to_numeric(fuel_meter["reading_kwh"]).sum())
            fuel_source = METERED
            scale = fuel_total / fuel_model_total if fuel_model_total > 0 else 0.0
        else:
            fuel_total, fuel_source, scale = fuel_model_total, MODELLED, 1.0
        rows["heat_kwh_exact"] = heat_model * scale
        if scale == 0.0 and fuel_total > 0:  # metered fuel the model has no heat for
            rows["heat_kwh_exact"] = share_heat * fuel_total * eff
        rows["electricity_kwh_exact"] = rows["own_electricity_kwh"] + rows["shared_electricity_kwh"]
        rows["fuel_kwh_exact"] = rows["heat_kwh_exact"] / eff
        rows["cost_exact"] = rows["electricity_kwh_exact"] * t_el + rows["fuel_kwh_exact"] * t_fuel
        rows["co2_exact"] = rows["electricity_kwh_exact"] * ef_el + rows["fuel_kwh_exact"] * ef_fuel
        keep = ~((rows["tenant_id"] == VACANT) & (rows["electricity_kwh_exact"].abs() < 1e-12)
                 & (rows["heat_kwh_exact"].abs() < 1e-12))  # fmt: skip
        rows = rows[keep].reset_index(drop=True)
        # skipna=False: without a tariff (or a factor) the cost (CO₂) is unknown, not 0
        totals = {c: float(rows[f"{c}_exact"].sum(skipna=False)) for c in
                  ("electricity_kwh", "heat_kwh", "fuel_kwh", "cost", "co2")}  # fmt: skip
        table = pd.DataFrame({"tenant_id": rows["tenant_id"], "month": mo})
        for col, exact, unit in (("electricity_kwh", "electricity_kwh", 1000),
                                 ("heat_kwh", "heat_kwh", 1000), ("fuel_kwh", "fuel_kwh", 1000),
                                 ("cost_eur", "cost", 100), ("co2_kg", "co2", 1000)):  # fmt: skip
            table[col] = rounded_split(totals[exact], rows[f"{exact}_exact"], unit)
        table["electricity_source"] = rows["electricity_source"]
        table["heat_source"] = MODELLED
        out.append(table)
        el_metered = (
            ms["common_electricity_metered"]
            and (rows.loc[rows["tenant_id"] != VACANT, "electricity_source"] == METERED).all()
        )
        site_rows.append({"month": mo, **{c: float(table[c].sum(skipna=False)) for c in
                          ("electricity_kwh", "heat_kwh", "fuel_kwh", "cost_eur", "co2_kg")},
                          "electricity_source": METERED if el_metered else MODELLED,
                          "fuel_source": fuel_source,
                          "heating_carrier": cfg.heating_carrier})  # fmt: skip
        part = rows[["tenant_id", "own_electricity_kwh", "shared_electricity_kwh",
                     "own_heat_kwh", "shared_heat_kwh", "modelled_electricity_kwh",
                     "metered_electricity_kwh"]].copy()  # fmt: skip
        part["own_heat_kwh"] *= scale
        part["shared_heat_kwh"] = rows["heat_kwh_exact"] - part["own_heat_kwh"]
        part.insert(1, "month", mo)
        part["key_share"] = share_el[keep.to_numpy()]
        parts.append(part)
        modelled_rows.append({"month": mo, "electricity_kwh": float(
            ms["rows"]["modelled_electricity_kwh"].sum() + ms["common_electricity_modelled_kwh"]),
            "fuel_kwh": fuel_model_total})  # fmt: skip
    tenants = (pd.concat(out, ignore_index=True) if out
               else pd.DataFrame(columns=list(TENANT_ENERGY_COLUMNS)))  # fmt: skip
    return EnergySplit(
        tenants=tenants[list(TENANT_ENERGY_COLUMNS)],
        site=pd.DataFrame(site_rows, columns=list(SITE_ENERGY_COLUMNS)),
        parts=pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(),
        modelled_site=pd.DataFrame(modelled_rows, columns=["month", "electricity_kwh",
                                                           "fuel_kwh"]),
        settings=cfg,
    )  # fmt: skip


def tenant_energy(
    frames: Any, months: Sequence[str] | None = None, *, heat: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per tenant and month, :data:`TENANT_ENERGY_COLUMNS` (see :func:`split_energy`)."""
    return split_energy(frames, months, heat=heat).tenants


__all__ = [
    "METERED",
    "MODELLED",
    "SITE_ENERGY_COLUMNS",
    "TENANT_ENERGY_COLUMNS",
    "VACANT",
    "EnergySplit",
    "Settings",
    "default_months",
    "key_weights",
    "monthly_heat_by_space",
    "months_between",
    "site_settings",
    "split_energy",
    "tenant_energy",
]
