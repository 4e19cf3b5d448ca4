"""Landlord figures: occupancy, vacancies, rent roll and lease expiries.

Pure functions over the register's frames (``site_manager.register.frames(engine)``):
they read ``units`` (``unit_id``, ``name``, ``storey``, ``use``, ``area_m2``), ``leases``
(``lease_id``, ``unit_id``, ``tenant_id``, ``start``, ``end`` inclusive,
``rent_eur_per_month``, ``common_cost_share``) and ``tenants`` (``tenant_id``, ``name``),
and return new frames. A unit is *let* on a day when one of its leases covers that day
(``start <= day <= end``). ``by="storey"`` or ``by="use"`` groups the figures; units
without a storey or use fall in the group ``"(none)"``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any, Protocol

import pandas as pd

from site_manager.errors import ValidationError
from site_manager.parsing import parse_date

#: Groupings the figures accept.
GROUPINGS = ("storey", "use")
NO_GROUP = "(none)"


class HasFrames(Protocol):
    """Anything with ``units``, ``leases`` and ``tenants`` frames (``RegisterFrames``)."""

    units: pd.DataFrame
    leases: pd.DataFrame
    tenants: pd.DataFrame


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, clipped to the month's last day.

    Examples
    --------
    >>> add_months(dt.date(2028, 2, 29), 12)
    datetime.date(2029, 2, 28)
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_day(on: dt.date | str | None) -> dt.date:
    """The day ``on`` (a date or ``YYYY-MM-DD``); today when ``None``."""
    return dt.date.today() if on is None else parse_date(on)


def _check_by(by: str | None) -> None:
    if by is not None and by not in GROUPINGS:
        raise ValidationError(f"by={by!r} is not a grouping; use one of {', '.join(GROUPINGS)}")


def _units(frames: HasFrames, day: dt.date | None = None) -> pd.DataFrame:
    """The units with their groupings; with ``day``, those that exist on it (retired ones
    left out).
    """
    units = (
        frames.units_on(day) if day is not None and hasattr(frames, "units_on") else (frames.units)
    )
    units = units[["unit_id", "name", "storey", "use", "area_m2"]].copy()
    units["area_m2"] = pd.to_numeric(units["area_m2"]).fillna(0.0).astype(float)
    for col in GROUPINGS:
        units[col] = units[col].where(units[col].notna(), NO_GROUP).astype(object)
    return units


def current_leases(frames: HasFrames, *, on: dt.date | str | None = None) -> pd.DataFrame:
    """The leases covering the day ``on`` (default today), one per let unit."""
    day = parse_day(on)
    leases = frames.leases
    if not len(leases):
        return leases.copy()
    return leases[(leases["start"] <= day) & (leases["end"] >= day)].copy()


def occupancy(
    frames: HasFrames, *, on: dt.date | str | None = None, by: str | None = None
) -> pd.DataFrame:
    """Occupancy by unit count and by area on a day.

    Parameters
    ----------
    frames : RegisterFrames
        The register's frames.
    on : date, optional
        The day (default today).
    by : {"storey", "use"}, optional
        Group the figures; ``None`` gives one row for the whole site (group ``"all"``).

    Returns
    -------
    pandas.DataFrame
        One row per group: the group column (``storey``, ``use`` or ``site``), ``units``,
        ``units_let``, ``occupancy_by_units`` [-], ``area_m2`` [m²], ``area_let_m2`` [m²],
        ``occupancy_by_area`` [-] (NaN for a group without units or area).
    """
    _check_by(by)
    units = _units(frames, parse_day(on))
    let_ids = set(current_leases(frames, on=on)["unit_id"])
    units["let"] = units["unit_id"].isin(let_ids)
    units["area_let_m2"] = units["area_m2"].where(units["let"], 0.0)
    key = by or "site"
    if by is None:
        units["site"] = "all"
    grouped = units.groupby(key, sort=True, dropna=False)
    out = pd.DataFrame(
        {
            "units": grouped["unit_id"].count(),
            "units_let": grouped["let"].sum().astype(int),
            "area_m2": grouped["area_m2"].sum(),
            "area_let_m2": grouped["area_let_m2"].sum(),
        }
    )
    if by is None and out.empty:
        out = pd.DataFrame(
            {"units": [0], "units_let": [0], "area_m2": [0.0], "area_let_m2": [0.0]},
            index=pd.Index(["all"], name="site"),
        )
    out["occupancy_by_units"] = out["units_let"] / out["units"].where(out["units"] > 0)
    out["occupancy_by_area"] = out["area_let_m2"] / out["area_m2"].where(out["area_m2"] > 0)
    out = out.reset_index()
    return out[
        [key, "units", "units_let", "occupancy_by_units", "area_m2", "area_let_m2",
         "occupancy_by_area"]
    ]  # fmt: skip


def vacancies(
    frames: HasFrames, *, on: dt.date | str | None = None, by: str | None = None
) -> pd.DataFrame:
    """The units not let on a day.

    Parameters
    ----------
    frames : RegisterFrames
        The register's frames.
    on : date, optional
        The day (default today).
    by : {"storey", "use"}, optional
        Summarise per group (``units_vacant``, ``area_vacant_m2``) instead of listing units.

    Returns
    -------
    pandas.DataFrame
        ``unit_id``, ``name``, ``storey``, ``use``, ``area_m2`` [m²], ``vacant_since``
        (the day after its last lease ended, ``None`` if never let), ``next_lease_start``
        (``None`` if no lease is signed ahead); or the per-group summary.
    """
    _check_by(by)
    day = parse_day(on)
    units = _units(frames, day)
    leases = frames.leases
    let_ids = set(current_leases(frames, on=day)["unit_id"])
    vacant = units[~units["unit_id"].isin(let_ids)].copy()
    since, nxt = [], []
    for uid in vacant["unit_id"]:
        mine = leases[leases["unit_id"] == uid] if len(leases) else leases
        past = mine[mine["end"] < day]["end"] if len(mine) else []
        ahead = mine[mine["start"] > day]["start"] if len(mine) else []
        since.append(max(past) + dt.timedelta(days=1) if len(past) else None)
        nxt.append(min(ahead) if len(ahead) else None)
    vacant["vacant_since"] = pd.Series(since, index=vacant.index, dtype=object)
    vacant["next_lease_start"] = pd.Series(nxt, index=vacant.index, dtype=object)
    vacant = vacant.reset_index(drop=True)
    if by is None:
        return vacant
    grouped = vacant.groupby(by, sort=True)
    return pd.DataFrame(
        {"units_vacant": grouped["unit_id"].count(), "area_vacant_m2": grouped["area_m2"].sum()}
    ).reset_index()


def _with_units_and_tenants(leases: pd.DataFrame, frames: HasFrames) -> pd.DataFrame:
    units = _units(frames)[["unit_id", "storey", "use", "area_m2"]]
    tenants = frames.tenants[["tenant_id", "name"]].rename(columns={"name": "tenant_name"})
    out = leases.merge(units, on="unit_id", how="left").merge(tenants, on="tenant_id", how="left")
    out["area_m2"] = out["area_m2"].fillna(0.0)
    for col in GROUPINGS:
        out[col] = out[col].where(out[col].notna(), NO_GROUP)
    return out


def rent_roll(
    frames: HasFrames, *, on: dt.date | str | None = None, by: str | None = None
) -> pd.DataFrame:
    """The leases running on a day, with their rents.

    Parameters
    ----------
    frames : RegisterFrames
        The register's frames.
    on : date, optional
        The day (default today).
    by : {"storey", "use"}, optional
        Summarise per group: ``leases``, ``area_let_m2``, ``rent_eur_per_month``,
        ``rent_eur_per_year``.

    Returns
    -------
    pandas.DataFrame
        ``lease_id``, ``unit_id``, ``tenant_id``, ``tenant_name``, ``storey``, ``use``,
        ``area_m2`` [m²], ``start``, ``end``, ``rent_eur_per_month`` [EUR/month],
        ``rent_eur_per_year`` [EUR/year], ``rent_eur_per_m2_year`` [EUR/(m²·year)],
        ``common_cost_share`` [-]; sorted by unit. Or the per-group summary.
    """
    _check_by(by)
    roll = _with_units_and_tenants(current_leases(frames, on=on), frames)
    roll["rent_eur_per_month"] = roll["rent_eur_per_month"].astype(float)
    roll["rent_eur_per_year"] = 12.0 * roll["rent_eur_per_month"]
    roll["rent_eur_per_m2_year"] = roll["rent_eur_per_year"] / roll["area_m2"].where(
        roll["area_m2"] > 0
    )
    cols = ["lease_id", "unit_id", "tenant_id", "tenant_name", "storey", "use", "area_m2",
            "start", "end", "rent_eur_per_month", "rent_eur_per_year", "rent_eur_per_m2_year",
            "common_cost_share"]  # fmt: skip
    roll = roll[cols].sort_values("unit_id").reset_index(drop=True)
    if by is None:
        return roll
    grouped = roll.groupby(by, sort=True)
    return pd.DataFrame(
        {
            "leases": grouped["lease_id"].count(),
            "area_let_m2": grouped["area_m2"].sum(),
            "rent_eur_per_month": grouped["rent_eur_per_month"].sum(),
            "rent_eur_per_year": grouped["rent_eur_per_year"].sum(),
        }
    ).reset_index()


def lease_expiries(
    frames: HasFrames,
    *,
    on: dt.date | str | None = None,
    months: int = 12,
    by: str | None = None,
) -> pd.DataFrame:
    """The leases whose last day falls in the next ``months`` months.

    A lease expires in the window when ``on <= end < on + months`` (calendar months).

    Parameters
    ----------
    frames : RegisterFrames
        The register's frames.
    on : date, optional
        The first day of the window (default today).
    months : int
        Length of the window. [months]
    by : {"storey", "use"}, optional
        Summarise per group: ``leases_expiring``, ``area_m2``, ``rent_eur_per_month``.

    Returns
    -------
    pandas.DataFrame
        ``lease_id``, ``unit_id``, ``tenant_id``, ``tenant_name``, ``storey``, ``use``,
        ``area_m2`` [m²], ``end``, ``days_to_expiry`` [d], ``rent_eur_per_month``
        [EUR/month]; sorted by ``end``. Or the per-group summary.
    """
    _check_by(by)
    day = parse_day(on)
    stop = add_months(day, months)
    leases = frames.leases
    window = leases[(leases["end"] >= day) & (leases["end"] < stop)] if len(leases) else leases
    out = _with_units_and_tenants(window.copy(), frames)
    out["days_to_expiry"] = [(e - day).days for e in out["end"]]
    out["rent_eur_per_month"] = out["rent_eur_per_month"].astype(float)
    cols = ["lease_id", "unit_id", "tenant_id", "tenant_name", "storey", "use", "area_m2",
            "end", "days_to_expiry", "rent_eur_per_month"]  # fmt: skip
    out = out[cols].sort_values(["end", "unit_id"]).reset_index(drop=True)
    if by is None:
        return out
    grouped = out.groupby(by, sort=True)
    return pd.DataFrame(
        {
            "leases_expiring": grouped["lease_id"].count(),
            "area_m2": grouped["area_m2"].sum(),
            "rent_eur_per_month": grouped["rent_eur_per_month"].sum(),
        }
    ).reset_index()


def summary(frames: HasFrames, *, on: dt.date | str | None = None) -> dict[str, Any]:
    """Headline figures on a day: occupancy by area and units, rent per month, expiries.

    Returns
    -------
    dict
        ``units``, ``units_let``, ``occupancy_by_units`` [-], ``area_m2`` [m²],
        ``area_let_m2`` [m²], ``occupancy_by_area`` [-], ``rent_eur_per_month``
        [EUR/month], ``leases_expiring_12_months``.
    """
    occ = occupancy(frames, on=on).iloc[0]
    return {
        "units": int(occ["units"]),
        "units_let": int(occ["units_let"]),
        "occupancy_by_units": float(occ["occupancy_by_units"]),
        "area_m2": float(occ["area_m2"]),
        "area_let_m2": float(occ["area_let_m2"]),
        "occupancy_by_area": float(occ["occupancy_by_area"]),
        "rent_eur_per_month": float(rent_roll(frames, on=on)["rent_eur_per_month"].sum()),
        "leases_expiring_12_months": len(lease_expiries(frames, on=on)),
    }
