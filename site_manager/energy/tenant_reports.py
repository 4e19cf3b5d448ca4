"""Reports on the per-tenant split: measured against modelled, and a tenant's statement.

Both read an :class:`~site_manager.energy.tenants.EnergySplit` (run
:func:`~site_manager.energy.tenants.split_energy` once and pass it to either).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from site_manager import tabular
from site_manager.energy.emissions import emission_factor
from site_manager.energy.rounding import largest_remainder, round_half_up
from site_manager.energy.tenants import METERED, EnergySplit
from site_manager.errors import NotFoundError, ValidationError

#: Columns of :func:`measured_vs_modelled`.
COMPARE_COLUMNS: dict[str, str] = {
    "scope": "'tenant' or 'site'",
    "id": "the tenant id, or the site id",
    "month": "YYYY-MM",
    "carrier": "electricity, or the heating carrier (gas, oil, heat) for the site's fuel",
    "measured_kwh": "the meter readings of the month [kWh]",
    "modelled_kwh": "the model's figure for the same thing [kWh]",
    "difference_kwh": "measured − modelled [kWh]",
    "difference_pct": "(measured − modelled) / modelled × 100; empty when modelled is 0 [%]",
}

#: Columns of :func:`tenant_statement`.
STATEMENT_COLUMNS: dict[str, str] = {
    "item": "what the line is for",
    "quantity_kwh": "energy [kWh]",
    "price_eur_per_kwh": "the site's tariff of the carrier [EUR/kWh]",
    "cost_eur": "[EUR]; the lines add up to the total line to the cent",
    "co2_kg": "[kg CO₂]; the lines add up to the total line",
    "source": "metered, modelled, or how the share was found",
}


def measured_vs_modelled(split: EnergySplit, site_id: str = "") -> pd.DataFrame:
    """Monthly measured against modelled, per metered tenant and for the site.

    Tenants: the electricity sub-meter against the tenant's modelled electricity (its
    machines and area by the use profile of its kind). Site: all electricity readings
    against the model's electricity of every tenant and the common parts; the site meter of
    the heating carrier against the model's fuel (5R1C heat / boiler efficiency). Months
    or tenants without a reading have no row.

    Parameters
    ----------
    split : EnergySplit
        From :func:`~site_manager.energy.tenants.split_energy`.
    site_id : str
        Written in the ``id`` of the site rows.

    Returns
    -------
    pandas.DataFrame
        :data:`COMPARE_COLUMNS`.
    """
    rows: list[dict[str, Any]] = []
    parts = split.parts
    if len(parts):
        metered = parts[parts["metered_electricity_kwh"].notna()]
        for t, mo, meas, mod in zip(metered["tenant_id"], metered["month"],
                                    metered["metered_electricity_kwh"],
                                    metered["modelled_electricity_kwh"], strict=True):  # fmt: skip
            rows.append(_row("tenant", str(t), str(mo), "electricity", float(meas), float(mod)))
    modelled = split.modelled_site.set_index("month")
    for rec in split.site.to_dict("records"):
        mo = rec["month"]
        if rec["electricity_source"] == METERED:
            rows.append(_row("site", site_id, mo, "electricity", rec["electricity_kwh"],
                             float(modelled.loc[mo, "electricity_kwh"])))  # fmt: skip
        if rec["fuel_source"] == METERED:
            rows.append(_row("site", site_id, mo, rec["heating_carrier"], rec["fuel_kwh"],
                             float(modelled.loc[mo, "fuel_kwh"])))  # fmt: skip
    return pd.DataFrame(rows, columns=list(COMPARE_COLUMNS))


def _row(scope: str, ident: str, month: str, carrier: str, meas: float, mod: float) -> dict:
    return {"scope": scope, "id": ident, "month": month, "carrier": carrier,
            "measured_kwh": meas, "modelled_kwh": mod, "difference_kwh": meas - mod,
            "difference_pct": (meas - mod) / mod * 100.0 if mod else float("nan")}  # fmt: skip


def tenant_statement(split: EnergySplit, tenant_id: str, month: str) -> pd.DataFrame:
    """A tenant's energy statement for one month: one line per part, then the total.

    The lines are its own electricity, its share of the common electricity, the heat of its
    units' spaces and its share of the common spaces' heat (as fuel at the boiler
    efficiency); cents and grams are shared out among the lines by
    :func:`~site_manager.energy.rounding.largest_remainder` so that they add up to the total
    line, which is the tenant's row of :attr:`EnergySplit.tenants`.

    Raises
    ------
    NotFoundError
        The tenant has no row in that month (no lease and no reading).
    """
    table = split.tenants
    hit = table[(table["tenant_id"] == tenant_id) & (table["month"] == month)]
    if not len(hit):
        months = sorted(set(table["month"]))
        raise NotFoundError(
            f"tenant {tenant_id!r} has no energy in {month} (no lease and no meter reading "
            f"then); the split covers {', '.join(months) if months else 'no month'}"
        )
    row = hit.iloc[0]
    parts = split.parts
    part = parts[(parts["tenant_id"] == tenant_id) & (parts["month"] == month)].iloc[0]
    cfg = split.settings
    eff = 1.0 if cfg.heating_carrier == "heat" else cfg.boiler_efficiency
    t_el = cfg.tariffs.get("electricity", float("nan"))
    t_fuel = cfg.tariffs.get(cfg.heating_carrier, float("nan"))
    ef_el, _ = emission_factor("electricity", cfg.country)
    ef_fuel, _ = emission_factor(cfg.heating_carrier, cfg.country)
    key = f"{cfg.cost_key} key, {float(part['key_share']) * 100:.2f} %"
    fuel = cfg.heating_carrier
    lines = [
        ("electricity, own", float(part["own_electricity_kwh"]), t_el, ef_el,
         str(row["electricity_source"])),
        ("electricity, share of the common parts", float(part["shared_electricity_kwh"]), t_el,
         ef_el, key),
        (f"heating, own spaces ({fuel} kWh)", float(part["own_heat_kwh"]) / eff, t_fuel,
         ef_fuel, "modelled"),
        (f"heating, share of the common spaces ({fuel} kWh)",
         float(part["shared_heat_kwh"]) / eff, t_fuel, ef_fuel, key),
    ]  # fmt: skip
    qty = np.array([q for _, q, _, _, _ in lines])
    cost = qty * np.array([p for _, _, p, _, _ in lines])
    co2 = qty * np.array([f for _, _, _, f, _ in lines])
    out = pd.DataFrame({
        "item": [n for n, *_ in lines], "quantity_kwh": np.round(qty, 3),
        "price_eur_per_kwh": [p for _, _, p, _, _ in lines],
        "cost_eur": _share(row["cost_eur"], cost, 100),
        "co2_kg": _share(row["co2_kg"], co2, 1000), "source": [s for *_, s in lines],
    })  # fmt: skip
    total = pd.DataFrame([{
        "item": "total", "quantity_kwh": float(row["electricity_kwh"] + row["fuel_kwh"]),
        "price_eur_per_kwh": float("nan"), "cost_eur": float(row["cost_eur"]),
        "co2_kg": float(row["co2_kg"]), "source": "",
    }])  # fmt: skip
    return pd.concat([out, total], ignore_index=True)[list(STATEMENT_COLUMNS)]


def _share(total: float, exact: np.ndarray, unit: int) -> list[float]:
    if not np.isfinite(total) or not np.isfinite(exact).all():
        return [float("nan")] * len(exact)
    whole = largest_remainder(round_half_up(total, unit), list(np.clip(exact, 0.0, None)))
    return [w / unit for w in whole]


def statement_header(frames: Any, split: EnergySplit, tenant_id: str, month: str) -> dict:
    """The ``about`` sheet of a statement: site, tenant, month, the split's settings and the
    sources of its tariffs and emission factors.
    """
    cfg = split.settings
    tenants = frames.tenants
    names = dict(zip(tenants["tenant_id"], tenants["name"], strict=True)) if len(tenants) else {}
    return {
        "site": frames.site["site_id"], "site name": frames.site.get("name"),
        "tenant": tenant_id, "tenant name": names.get(tenant_id, ""),
        "month": month, "cost key": cfg.cost_key,
        "boiler efficiency": cfg.boiler_efficiency, "heating carrier": cfg.heating_carrier,
        "electricity emission factor source": emission_factor("electricity", cfg.country)[1],
        "fuel emission factor source": emission_factor(cfg.heating_carrier, cfg.country)[1],
        "tariffs source": (frames.sources or {}).get("tariffs", ""),
    }  # fmt: skip


def write_statement(
    statement: pd.DataFrame, path: str | Path, *, header: dict[str, Any] | None = None
) -> Path:
    """Write a statement to ``.csv`` or ``.xlsx`` (sheet ``statement``, and ``about`` with
    ``header``: site, tenant, month, settings and sources), safe for a spreadsheet
    (:mod:`site_manager.tabular`: no text is ever a formula).

    Raises
    ------
    ValidationError
        The file name ends neither in .csv nor in .xlsx.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        tabular.write_csv(statement, p)
    elif suffix == ".xlsx":
        about = pd.DataFrame(list((header or {}).items()), columns=["field", "value"])
        tabular.write_xlsx(statement, p, sheet="statement", more={"about": about})
    else:
        raise ValidationError(f"{p.name}: give a .csv or .xlsx file name for the statement")
    return p


__all__ = [
    "COMPARE_COLUMNS",
    "STATEMENT_COLUMNS",
    "measured_vs_modelled",
    "statement_header",
    "tenant_statement",
    "write_statement",
]
