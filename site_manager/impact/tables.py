"""The impact report's data tables (CSV files shipped in ``site_manager/impact/data``).

Each table has a ``source`` column per row; the report's appendix quotes them. A row ``*``
is the fallback for a key the table does not list.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

DATA = Path(__file__).with_name("data")


@cache
def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype={"source": str}, keep_default_na=False)


def trip_rates() -> pd.DataFrame:
    """``kind``, ``trips_per_job_day``, ``visitor_trips_per_job_day``, ``source``.

    Rates are person trips per job and day, both ways. [trips/job/day]
    """
    return _read("trip_rates.csv").copy()


def job_densities() -> pd.DataFrame:
    """``use``, ``m2_per_job`` (0: the use has no jobs of its own) [m²/job], ``source``."""
    return _read("job_densities.csv").copy()


def embodied_carbon() -> pd.DataFrame:
    """``bound`` (low, high), ``kg_co2e_per_m2`` [kg CO₂e/m² of floor area], ``source``."""
    return _read("embodied_carbon.csv").copy()


def row_for(table: pd.DataFrame, key_column: str, key: object) -> pd.Series:
    """The row of ``key`` in ``table``, else its ``*`` row."""
    hit = table[table[key_column] == key]
    if not len(hit):
        hit = table[table[key_column] == "*"]
    return hit.iloc[0]
