"""Hourly climate for the energy model: an hourly CSV, an EPW file, or a monthly table.

Every reader returns a DataFrame of 8,760 rows (a non-leap year from 1 January 00:00) with
``t_out_c`` (outdoor air temperature [°C]) and ``ghi_w_m2`` (global horizontal irradiance,
the mean of the hour [W/m²]).

Monthly table to hours (:func:`hourly_from_monthly`), the stated method:

- Temperature: each day of a month has the month's mean temperature plus a daily cosine
  of half-range ``daily_amplitude_k`` (default 3 K), lowest at 03:00 and highest at 15:00
  solar time, so the monthly mean is kept exactly.
- Irradiance: each day gets the month's irradiation divided by its number of days; within
  the day it is shared out in proportion to the cosine of the solar zenith angle at the
  middle of each hour (Cooper's declination, the hour angle of local solar time, at
  ``latitude_deg``), zero while the sun is below the horizon. The monthly sum is kept
  exactly. This is a clear-sky shape: every day of a month is the same average day.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from site_manager.assumptions import DEFAULT_LATITUDE_DEG, latitude_of
from site_manager.errors import ValidationError

log = logging.getLogger(__name__)

HOURS_PER_YEAR = 8760
DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
#: Columns of an hourly climate frame.
CLIMATE_COLUMNS = {
    "t_out_c": "outdoor air temperature [°C]",
    "ghi_w_m2": "global horizontal irradiance, mean of the hour [W/m²]",
}


def _check_hourly(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    missing = [c for c in CLIMATE_COLUMNS if c not in frame.columns]
    if missing:
        raise ValidationError(
            f"{source}: missing column {missing[0]!r}; an hourly climate file needs "
            "'t_out_c' and 'ghi_w_m2'"
        )
    if len(frame) != HOURS_PER_YEAR:
        raise ValidationError(
            f"{source}: has {len(frame)} rows; expected {HOURS_PER_YEAR} (one per hour of a "
            "non-leap year)"
        )
    out = pd.DataFrame(index=pd.RangeIndex(HOURS_PER_YEAR))
    for col in CLIMATE_COLUMNS:
        values = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            row = int(bad[0])
            raise ValidationError(
                f"{source}: row {row + 2} column {col!r} is not a number "
                f"({frame[col].iloc[row]!r}); fill every hour"
            )
        out[col] = values
    if (out["ghi_w_m2"] < 0).any():
        row = int(np.flatnonzero(out["ghi_w_m2"].to_numpy() < 0)[0])
        raise ValidationError(f"{source}: row {row + 2} column 'ghi_w_m2' is negative")
    if ((out["t_out_c"] < -90) | (out["t_out_c"] > 70)).any():
        row = int(np.flatnonzero(((out["t_out_c"] < -90) | (out["t_out_c"] > 70)).to_numpy())[0])
        raise ValidationError(
            f"{source}: row {row + 2} column 't_out_c' is {out['t_out_c'].iloc[row]:g} °C, "
            "outside −90…70; is it in °C?"
        )
    return out


def read_hourly_csv(path: str | Path) -> pd.DataFrame:
    """Read an hourly climate CSV with 8,760 rows of ``t_out_c`` and ``ghi_w_m2``.

    Raises
    ------
    ValidationError
        Missing file or column, wrong row count, or a cell that is not a number.
    """
    p = Path(path)
    try:
        frame = pd.read_csv(p)
    except FileNotFoundError:
        raise ValidationError(f"{p}: climate file not found") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValidationError(f"{p}: not a readable CSV ({exc})") from None
    return _check_hourly(frame, p.name)


def read_epw(path: str | Path) -> pd.DataFrame:
    """Read an EnergyPlus weather (EPW) file with pvlib; 29 February is dropped if present.

    Raises
    ------
    ValidationError
        The file is missing or pvlib cannot parse it.
    """
    from pvlib.iotools import read_epw as pvlib_read_epw

    p = Path(path)
    if not p.is_file():
        raise ValidationError(f"{p}: EPW file not found")
    try:
        data, _meta = pvlib_read_epw(str(p))
    except Exception as exc:  # pvlib raises many kinds on a malformed file
        raise ValidationError(
            f"{p}: not a readable EPW file ({type(exc).__name__}: {exc})"
        ) from None
    frame = pd.DataFrame(
        {"t_out_c": data["temp_air"].to_numpy(), "ghi_w_m2": data["ghi"].to_numpy()}
    )
    if len(frame) == HOURS_PER_YEAR + 24:
        leap = (data.index.month == 2) & (data.index.day == 29)
        frame = frame.loc[~np.asarray(leap)].reset_index(drop=True)
    return _check_hourly(frame, p.name)


def read_monthly_csv(path: str | Path) -> pd.DataFrame:
    """Read a ``climate_monthly.csv`` (``month``, ``t_out_c``, ``ghi_kwh_m2``), 12 rows.

    Raises
    ------
    ValidationError
        Missing columns or months, or cells that are not numbers.
    """
    p = Path(path)
    try:
        frame = pd.read_csv(p)
    except FileNotFoundError:
        raise ValidationError(f"{p}: monthly climate file not found") from None
    for col in ("month", "t_out_c", "ghi_kwh_m2"):
        if col not in frame.columns:
            raise ValidationError(f"{p.name}: missing column {col!r}")
        if pd.to_numeric(frame[col], errors="coerce").isna().any():
            raise ValidationError(f"{p.name}: column {col!r} has a cell that is not a number")
    months = sorted(pd.to_numeric(frame["month"]).astype(int).tolist())
    if months != list(range(1, 13)):
        raise ValidationError(f"{p.name}: needs one row for each month 1–12, got {months}")
    if (pd.to_numeric(frame["ghi_kwh_m2"]) < 0).any():
        raise ValidationError(f"{p.name}: column 'ghi_kwh_m2' has a negative value")
    return frame.sort_values("month").reset_index(drop=True)


def hourly_from_monthly(
    monthly: pd.DataFrame,
    *,
    latitude_deg: float = DEFAULT_LATITUDE_DEG,
    daily_amplitude_k: float = 3.0,
) -> pd.DataFrame:
    """Expand 12 monthly values to 8,760 hours by the method in the module docstring.

    Parameters
    ----------
    monthly : pandas.DataFrame
        12 rows sorted by month with ``t_out_c`` [°C] and ``ghi_kwh_m2`` [kWh/m² in the month].
    latitude_deg : float
        Latitude used for the daily course of the sun. [°]
    daily_amplitude_k : float
        Half the daily temperature range. [K]

    Returns
    -------
    pandas.DataFrame
        8,760 rows of ``t_out_c`` and ``ghi_w_m2``; monthly means and sums equal the input.
    """
    t_month = monthly["t_out_c"].to_numpy(dtype=float)
    h_month = monthly["ghi_kwh_m2"].to_numpy(dtype=float)
    days = np.repeat(np.arange(12), DAYS_IN_MONTH)  # month of each day
    doy = np.arange(1, 366)
    hour = np.arange(24) + 0.5  # middle of each hour, solar time
    # Temperature: cosine with its minimum at 03:00 and maximum at 15:00.
    daily = -daily_amplitude_k * np.cos(2 * np.pi * (hour - 3.0) / 24.0)
    daily -= daily.mean()
    t_out = (t_month[days][:, None] + daily[None, :]).ravel()
    # Irradiance: cos(zenith) shape per day, scaled to the month's daily irradiation.
    decl = np.deg2rad(23.45) * np.sin(2 * np.pi * (284 + doy) / 365.0)  # Cooper (1969)
    lat = np.deg2rad(latitude_deg)
    omega = np.deg2rad(15.0 * (hour - 12.0))
    cosz = (
        np.sin(lat) * np.sin(decl)[:, None]
        + np.cos(lat) * np.cos(decl)[:, None] * np.cos(omega)[None, :]
    )
    shape = np.clip(cosz, 0.0, None)
    total = shape.sum(axis=1, keepdims=True)
    daily_wh = (h_month / np.asarray(DAYS_IN_MONTH))[days] * 1000.0  # Wh/m² per day
    with np.errstate(invalid="ignore", divide="ignore"):
        ghi = np.where(total > 0, shape / total, 0.0) * daily_wh[:, None]
    return pd.DataFrame({"t_out_c": t_out, "ghi_w_m2": ghi.ravel()})


def read_climate(path: str | Path, **monthly_options: float) -> pd.DataFrame:
    """Read any climate file by its form: ``.epw``; a CSV with ``ghi_kwh_m2`` (monthly,
    expanded by :func:`hourly_from_monthly`); else an hourly CSV.
    """
    p = Path(path)
    if p.suffix.lower() == ".epw":
        return read_epw(p)
    try:
        head = pd.read_csv(p, nrows=1)
    except FileNotFoundError:
        raise ValidationError(f"{p}: climate file not found") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValidationError(f"{p}: not a readable CSV ({exc})") from None
    if "ghi_kwh_m2" in head.columns:
        return hourly_from_monthly(read_monthly_csv(p), **monthly_options)
    return read_hourly_csv(p)


def site_climate(frames: Any) -> pd.DataFrame:
    """The hourly climate a site is simulated with, from what the register holds.

    The stored hourly year (``frames.climate_hourly``, 8,760 rows) as it is; else the
    stored monthly table expanded to hours at the site's latitude
    (:func:`hourly_from_monthly`); else a neutral
    central-European year (the ``climate`` assumption of
    :func:`site_manager.assumptions.energy_assumptions`).

    Parameters
    ----------
    frames : RegisterFrames
        The site's register (:func:`site_manager.register.frames`).

    Returns
    -------
    pandas.DataFrame
        8,760 rows of ``t_out_c`` [°C] and ``ghi_w_m2`` [W/m²].

    Raises
    ------
    ValidationError
        A stored hourly climate that is not one value per hour of a non-leap year, or a
        monthly one without twelve months.
    """
    site = frames.site.get("site_id", "SITE")
    lat = latitude_of(frames)
    hourly = frames.climate_hourly
    if hourly is not None and len(hourly):
        return _check_hourly(hourly, f"site {site!r}: the stored hourly climate")
    monthly = frames.climate_monthly
    if monthly is not None and len(monthly):
        months = sorted(int(m) for m in monthly["month"])
        if months != list(range(1, 13)):
            raise ValidationError(
                f"site {site!r}: the stored monthly climate has months {months}, not 1–12; "
                f"store a full one with `site-manager site climate FILE --site {site}`"
            )
        return hourly_from_monthly(monthly.sort_values("month"), latitude_deg=lat)
    return flat_climate(latitude_deg=lat)


def flat_climate(*, latitude_deg: float = DEFAULT_LATITUDE_DEG) -> pd.DataFrame:
    """A neutral central-European climate for a site or model that comes without one."""
    monthly = pd.DataFrame(
        {
            "month": range(1, 13),
            "t_out_c": [1.0, 2.0, 5.0, 9.0, 13.0, 16.0, 18.0, 18.0, 15.0, 10.0, 6.0, 2.0],
            "ghi_kwh_m2": [20, 35, 70, 110, 140, 150, 150, 125, 85, 50, 25, 15],
        }
    )
    return hourly_from_monthly(monthly, latitude_deg=latitude_deg)


def daily_diffuse_fraction(
    daily_ghi_wh_m2: npt.ArrayLike, latitude_deg: float
) -> npt.NDArray[np.float64]:
    """Diffuse share of each day of a year of average days: Erbs et al. (1982), monthly form.

    ``K_T = H / H_0`` (H_0: the day's extraterrestrial irradiation on the horizontal, with
    Cooper's declination and a solar constant of 1367 W/m²);
    ``H_d/H = 1.391 − 3.560 K_T + 4.189 K_T² − 2.137 K_T³`` where the sunset hour angle
    ω_s ≤ 81.4°, else ``1.311 − 3.022 K_T + 3.427 K_T² − 1.821 K_T³`` (Duffie & Beckman,
    *Solar Engineering of Thermal Processes*, eq. 2.12.1), K_T clipped to 0.3–0.8.

    Parameters
    ----------
    daily_ghi_wh_m2 : array_like (365,)
        Global horizontal irradiation of each day. [Wh/m²]
    latitude_deg : float
        [°]

    Returns
    -------
    numpy.ndarray (365,)
        H_d / H of each day. [–]
    """
    h = np.asarray(daily_ghi_wh_m2, dtype=float)
    n = np.arange(1, h.shape[0] + 1)
    phi = np.radians(latitude_deg)
    decl = np.radians(23.45) * np.sin(2 * np.pi * (284 + n) / 365.0)
    ws = np.arccos(np.clip(-np.tan(phi) * np.tan(decl), -1.0, 1.0))
    g_on = 1367.0 * (1 + 0.033 * np.cos(2 * np.pi * n / 365.0))
    h0 = (
        (24.0 / np.pi)
        * g_on
        * (np.cos(phi) * np.cos(decl) * np.sin(ws) + ws * np.sin(phi) * np.sin(decl))
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        kt = np.clip(np.where(h0 > 0, h / h0, 0.3), 0.3, 0.8)
    low = 1.391 - 3.560 * kt + 4.189 * kt**2 - 2.137 * kt**3
    high = 1.311 - 3.022 * kt + 3.427 * kt**2 - 1.821 * kt**3
    return np.asarray(np.clip(np.where(np.degrees(ws) <= 81.4, low, high), 0.0, 1.0))


def average_day_split(
    ghi: pd.Series, zenith: pd.Series, latitude_deg: float
) -> tuple[pd.Series, pd.Series]:
    """DNI and DHI of a year of average days (a monthly table expanded to hours).

    Erbs' hourly correlation applied to an average day, whose every hour has the month's
    middling clearness, puts far too much of the light in the diffuse part (about 0.78 of
    the year at Gent against some 0.5 measured); the monthly form of the same authors'
    correlation (:func:`daily_diffuse_fraction`) is meant for such days. Each hour of a day
    gets the day's diffuse share; the beam is the rest over cos(zenith) (zenith < 87°).
    """
    daily = ghi.to_numpy().reshape(-1, 24).sum(axis=1)
    share = np.repeat(daily_diffuse_fraction(daily, latitude_deg), 24)
    dhi = ghi * share
    cosz = np.cos(np.radians(zenith.to_numpy()))
    beam = (ghi - dhi).to_numpy()
    dni = np.where((zenith.to_numpy() < 87.0) & (cosz > 0), beam / np.maximum(cosz, 1e-6), 0.0)
    dhi = dhi.where(zenith < 87.0, ghi)  # the last glimmer at sunrise and sunset: diffuse
    return pd.Series(dni, index=ghi.index), dhi
