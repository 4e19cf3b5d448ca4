"""Emission factors per energy carrier and country, with the source and year of each figure.

The table is ``site_manager/energy/data/emission_factors.csv``: ``carrier`` (electricity,
gas, ...), ``country`` (ISO 3166 alpha-2; ``*`` for any; ``EU`` for the EU average),
``kg_co2_per_kwh`` (per kWh delivered; gas per kWh of fuel, net calorific value),
``source``, ``year``. Used by :mod:`site_manager.energy.pv` and
:mod:`site_manager.energy.retrofit`.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import pandas as pd

from site_manager.errors import ValidationError

EMISSION_FACTORS_CSV = Path(__file__).with_name("data") / "emission_factors.csv"


def read_emission_factors(path: str | Path | None = None) -> pd.DataFrame:
    """The emission-factor table: ``carrier``, ``country`` (``*``: any), ``kg_co2_per_kwh``,
    ``source``, ``year``.

    Raises
    ------
    ValidationError
        A missing column or a factor that is not a number ≥ 0.
    """
    if path is None:
        return _default_table().copy()
    return _read(Path(path))


@lru_cache(maxsize=1)
def _default_table() -> pd.DataFrame:
    return _read(EMISSION_FACTORS_CSV)


def _read(p: Path) -> pd.DataFrame:
    table = pd.read_csv(p, dtype={"country": str})
    for col in ("carrier", "country", "kg_co2_per_kwh", "source", "year"):
        if col not in table.columns:
            raise ValidationError(f"{p.name}: missing column {col!r}")
    factor = pd.to_numeric(table["kg_co2_per_kwh"], errors="coerce")
    if factor.isna().any() or (factor < 0).any():
        raise ValidationError(f"{p.name}: column 'kg_co2_per_kwh' needs a number ≥ 0 in every row")
    return table.assign(kg_co2_per_kwh=factor.astype(float))


def emission_factor(
    carrier: str, country: str | None, table: pd.DataFrame | None = None
) -> tuple[float, str]:
    """(kg CO₂ per kWh, "source (year)") of a carrier in a country.

    The country's row, else the ``*`` row (any country), else the ``EU`` row (the source
    then says which country it stands in for); ``(NaN, reason)`` where there is none.
    """
    t = read_emission_factors() if table is None else table
    rows = t[t["carrier"] == carrier]
    for key in (str(country or "").upper(), "*", "EU"):
        hit = rows[rows["country"].astype(str).str.upper() == key]
        if len(hit):
            r = hit.iloc[0]
            note = "" if key == str(country or "").upper() else f" (used for {country or '?'})"
            return float(r.kg_co2_per_kwh), f"{r.source} ({r.year}){note}"
    return math.nan, f"no {carrier} emission factor for {country or 'an unknown country'}"


__all__ = ["EMISSION_FACTORS_CSV", "emission_factor", "read_emission_factors"]
