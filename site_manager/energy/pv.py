"""Roof photovoltaics: what each roof face of a site could carry and yield, on the site's weather.

Frames in, frames out: :func:`pv_faces` and :func:`pv_site` read a site's register
(:func:`site_manager.register.frames`) and nothing else.

The system is the PVGIS default unless the caller says otherwise (:class:`PVOptions`):
crystalline silicon, 14 % system losses, 1 kWp per 5.5 m² of panel.

Geometry
--------
Every ``roof`` row of ``frames.fabric`` is a face: its ``area_m2``, ``tilt_deg`` and
``azimuth_deg`` (outward normal, clockwise from true north). One element stored in several
rows gets the face ids ``<GlobalId>-1``, ``<GlobalId>-2``, ...; otherwise the face id is the
GlobalId.

- A pitched face (tilt ≥ ``flat_below_deg``, default 5°) carries panels flush, at the face's
  tilt and azimuth, over its whole area (no edge set-back, no obstruction is known).
- A flat face carries rows facing due south (azimuth 180°) at ``flat_tilt_deg`` (default
  15°), spaced so that a row does not shade the next at solar noon on the winter solstice.
  A row of panel width ``L`` at tilt ``β`` rises ``L·sin β`` and covers ``L·cos β`` of roof;
  with the sun at noon elevation ``α = 90° − |φ| − 23.44°`` its top edge casts a shadow
  ``L·sin β / tan α`` long, so the row pitch is ``d = L·(cos β + sin β / tan α)`` and the
  ground cover ratio (panel over roof area) is ``GCR = L / d = 1 / (cos β + sin β / tan α)``
  (:func:`ground_cover_ratio`). Panel area = roof area · GCR. (At 51° N and 15°: α = 15.5°,
  GCR = 0.53.)

kWp = panel area / ``m2_per_kwp``.

Yield (hourly, :func:`plane_ac_kwh`)
------------------------------------
1. Solar position: ``pvlib.solarposition.get_solarposition`` at the middle of each hour.
   Hour stamps: a stored hourly climate (an EPW year: hour ``i`` is ``i:00–i+1:00`` local
   standard time) is placed in the site's standard time (its time zone's UTC offset in
   January; without a time zone, longitude / 15 rounded) at the site's longitude; a
   monthly table expanded to hours (:func:`site_manager.energy.climate.site_climate`, which
   builds its days in solar time) is placed in solar time (UTC at longitude 0), as the
   heating model does.
2. Decomposition of GHI into DNI and DHI: Erbs et al. (1982), ``pvlib.irradiance.erbs``,
   hour by hour for a stored hourly year; for a monthly table's average days, the monthly
   form of the same correlation, one diffuse share per day
   (:func:`~site_manager.energy.climate.average_day_split` says why).
3. Transposition to the panel plane: Hay & Davies (1980), ``get_total_irradiance(...,
   model="haydavies")`` with the extraterrestrial DNI (Spencer); ground albedo 0.2. (Perez
   was tried: on a monthly table's average days, whose every hour has the clear-sky shape,
   its circumsolar brightening gives about 5 % more on a 30° plane at Gent than Hay-Davies,
   whose ratio of plane to horizontal, 1.15, is the usual one for Belgium.)
4. Reflection at the glass: Martin & Ruiz incidence-angle modifier (``a_r = 0.16``) on the
   beam, its diffuse form on sky and ground diffuse.
5. Cell temperature: Faiman (``pvlib.temperature.faiman``, u0 = 25, u1 = 6.84 — pvlib's
   defaults) at 1 m/s wind (the register holds no wind).
6. DC: PVWatts (``pvlib.pvsystem.pvwatts_dc``), γ = −0.4 %/K, 25 °C reference.
7. AC = DC · (1 − 0.14): the PVGIS convention, the 14 % covering cables, inverter,
   mismatch, soiling and ageing together (no separate inverter model, no clipping).

Site figures (:func:`pv_site`)
------------------------------
Self-consumption: the share of the PV output the site would use in the same hour, against
the site's hourly electricity load. The load is the heating model's hourly internal gains
of every simulated space (:func:`site_load_kwh`): lighting and small power by use and the
machines at their utilisation, on the working-week schedule (:mod:`site_manager.energy.
site`); the people's share of those gains is small and counted in. Money saved: the
self-consumed kWh at the site's electricity tariff plus the exported kWh at
``export_eur_per_kwh`` (default 0: no feed-in payment assumed). CO₂ saved: all PV output
(used or exported) displaces grid electricity of the site's country at the factor of
``site_manager/energy/data/emission_factors.csv`` (source and year in each row;
:mod:`site_manager.energy.emissions`).
"""

from __future__ import annotations

import logging
import math
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from site_manager.assumptions import latitude_of
from site_manager.energy.climate import average_day_split
from site_manager.errors import ValidationError

log = logging.getLogger(__name__)

#: Obliquity of the ecliptic: the sun's declination at the solstices. [°]
SOLSTICE_DECLINATION_DEG = 23.44


@dataclass(frozen=True)
class PVOptions:
    """The PV system and its assumptions (PVGIS defaults where PVGIS has one).

    Attributes
    ----------
    flat_tilt_deg : float
        Tilt of the rows on a flat roof. [°]
    flat_below_deg : float
        A roof face tilted less than this is flat. [°]
    system_loss : float
        System losses after the module (PVGIS default 0.14). [–]
    m2_per_kwp : float
        Panel area per kWp (crystalline silicon, about 18 % efficient). [m²/kWp]
    gamma_pdc_per_k : float
        Power temperature coefficient of the modules. [1/K]
    albedo : float
        Ground reflectance for the transposition. [–]
    wind_m_s : float
        Wind speed for the cell temperature. [m/s]
    export_eur_per_kwh : float
        Value of a kWh fed to the grid (default 0: no feed-in payment). [EUR/kWh]
    """

    flat_tilt_deg: float = 15.0
    flat_below_deg: float = 5.0
    system_loss: float = 0.14
    m2_per_kwp: float = 5.5
    gamma_pdc_per_k: float = -0.004
    albedo: float = 0.2
    wind_m_s: float = 1.0
    export_eur_per_kwh: float = 0.0


#: Columns of :func:`pv_faces`, with their units.
PV_FACE_COLUMNS: dict[str, str] = {
    "face_id": "roof element GlobalId (with -1, -2, ... where one element has several faces)",
    "name": "the roof element's name",
    "roof_area_m2": "area of the roof face [m²]",
    "roof_tilt_deg": "tilt of the roof face [°]",
    "mounting": "'flush' (pitched face) or 'rows' (flat face)",
    "ground_cover_ratio": "panel area / roof area [–]",
    "area_m2": "panel area [m²]",
    "tilt_deg": "tilt of the panels as mounted [°]",
    "azimuth_deg": "azimuth of the panels as mounted, clockwise from north, 180 = south [°]",
    "kwp": "peak power that fits [kWp]",
    "annual_kwh": "AC yield in a year [kWh]",
    "specific_yield_kwh_kwp": "AC yield per kWp [kWh/kWp]",
    "monthly_kwh": "AC yield per month, January first (12 floats) [kWh]",
}

#: Keys of :attr:`PVResult.summary`, with their units.
PV_SUMMARY_KEYS: dict[str, str] = {
    "site_id": "the site",
    "faces": "number of roof faces",
    "kwp": "peak power of all faces [kWp]",
    "annual_kwh": "AC yield of all faces [kWh]",
    "load_kwh": "the site's modelled electricity load in the year [kWh]",
    "self_consumed_kwh": "PV output used on site in the hour it is produced [kWh]",
    "self_consumption_share": "self-consumed / annual PV output [–]",
    "exported_kwh": "PV output fed to the grid [kWh]",
    "electricity_eur_per_kwh": "the site's electricity tariff [EUR/kWh]",
    "saving_eur": "self-consumed × tariff + exported × export value [EUR/year]",
    "co2_kg_per_kwh": "grid electricity emission factor of the site's country [kg/kWh]",
    "co2_saved_kg": "annual PV output × factor [kg/year]",
    "co2_source": "where the factor comes from (and its year)",
}


@dataclass
class PVResult:
    """What :func:`pv_site` returns.

    Attributes
    ----------
    faces : pandas.DataFrame
        :data:`PV_FACE_COLUMNS`, one row per roof face.
    summary : dict
        :data:`PV_SUMMARY_KEYS`.
    hourly_kwh : numpy.ndarray (8760,)
        AC output of all faces per hour. [kWh]
    load_kwh : numpy.ndarray (8760,)
        The site's electricity load per hour. [kWh]
    """

    faces: pd.DataFrame
    summary: dict[str, Any]
    hourly_kwh: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    load_kwh: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))


def ground_cover_ratio(latitude_deg: float, tilt_deg: float) -> float:
    """Panel / roof area of south-facing rows that do not shade each other at winter noon.

    ``1 / (cos β + sin β / tan α)`` with ``α = 90° − |φ| − 23.44°`` (module docstring).

    Parameters
    ----------
    latitude_deg : float
        Site latitude. [°]
    tilt_deg : float
        Row tilt. [°]

    Returns
    -------
    float
        The ground cover ratio. [–]

    Raises
    ------
    ValidationError
        Beyond the polar circles (no noon sun at the winter solstice).

    Examples
    --------
    >>> round(ground_cover_ratio(45.0, 0.0), 3)
    1.0
    """
    alpha = 90.0 - abs(latitude_deg) - SOLSTICE_DECLINATION_DEG
    if alpha <= 0.5:
        raise ValidationError(
            f"latitude {latitude_deg:g}°: the sun does not rise at noon on the winter "
            "solstice, so no flat-roof row spacing avoids shading; check the site's latitude"
        )
    beta = math.radians(tilt_deg)
    return 1.0 / (math.cos(beta) + math.sin(beta) / math.tan(math.radians(alpha)))


def hour_stamps(
    n_hours: int, *, longitude_deg: float | None, time_zone: str | None
) -> tuple[pd.DatetimeIndex, float]:
    """Middle of each hour of a non-leap year, and the longitude to put the sun at.

    ``longitude_deg=None``: solar time (UTC at longitude 0). Otherwise local standard time
    of ``time_zone`` (its UTC offset on 1 January), or ``round(longitude / 15)`` hours
    where the time zone is unknown.
    """
    if longitude_deg is None:
        return pd.date_range("2019-01-01 00:30", periods=n_hours, freq="h", tz="UTC"), 0.0
    offset_h = float(round(longitude_deg / 15.0))
    if time_zone:
        try:
            jan = pd.Timestamp("2019-01-01").tz_localize(zoneinfo.ZoneInfo(time_zone))
            offset_h = jan.utcoffset().total_seconds() / 3600.0  # type: ignore[union-attr]
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            log.warning("unknown time zone %r: UTC%+g used", time_zone, offset_h)
    local = pd.date_range("2019-01-01 00:30", periods=n_hours, freq="h")
    utc = (local - pd.Timedelta(hours=offset_h)).tz_localize("UTC")
    return utc, float(longitude_deg)


def plane_ac_kwh(
    climate: pd.DataFrame,
    *,
    latitude_deg: float,
    tilt_deg: float,
    azimuth_deg: float,
    kwp: float = 1.0,
    longitude_deg: float | None = None,
    time_zone: str | None = None,
    options: PVOptions | None = None,
) -> npt.NDArray[np.float64]:
    """Hourly AC output of ``kwp`` of panels on one plane (method in the module docstring).

    Parameters
    ----------
    climate : pandas.DataFrame
        Hourly ``t_out_c`` [°C] and ``ghi_w_m2`` [W/m²].
    latitude_deg : float
        Site latitude. [°]
    tilt_deg, azimuth_deg : float
        The panels' plane (azimuth clockwise from north). [°]
    kwp : float
        Peak power. [kWp]
    longitude_deg, time_zone : optional
        See :func:`hour_stamps` (None: the hours are solar time).
    options : PVOptions, optional
        The system (default :class:`PVOptions`).

    Returns
    -------
    numpy.ndarray
        AC energy per hour. [kWh]
    """
    return _planes_ac_kwh(
        climate, [(tilt_deg, azimuth_deg)], latitude_deg=latitude_deg,
        longitude_deg=longitude_deg, time_zone=time_zone, options=options,
    )[0] * kwp  # fmt: skip


def _planes_ac_kwh(
    climate: pd.DataFrame,
    planes: list[tuple[float, float]],
    *,
    latitude_deg: float,
    longitude_deg: float | None,
    time_zone: str | None,
    options: PVOptions | None,
) -> list[npt.NDArray[np.float64]]:
    """Hourly AC output per kWp of each ``(tilt, azimuth)`` plane; the sun computed once."""
    import pvlib

    o = options or PVOptions()
    times, lon = hour_stamps(len(climate), longitude_deg=longitude_deg, time_zone=time_zone)
    solpos = pvlib.solarposition.get_solarposition(times, latitude_deg, lon)
    ghi = pd.Series(climate["ghi_w_m2"].to_numpy(dtype=float), index=times)
    temp = pd.Series(climate["t_out_c"].to_numpy(dtype=float), index=times)
    zenith = solpos["apparent_zenith"]
    doy = np.asarray(times.day_of_year)
    if longitude_deg is None and len(climate) == 8760:  # average days of a monthly table
        dni, dhi = average_day_split(ghi, zenith, latitude_deg)
    else:
        split = pvlib.irradiance.erbs(ghi, zenith, doy)
        dni = pd.Series(np.asarray(split["dni"], dtype=float), index=times).fillna(0.0)
        dhi = pd.Series(np.asarray(split["dhi"], dtype=float), index=times).fillna(0.0)
    dni, dhi = dni.clip(lower=0.0), dhi.clip(lower=0.0)
    dni_extra = pd.Series(np.asarray(pvlib.irradiance.get_extra_radiation(doy)), index=times)
    out = []
    for tilt, azimuth in planes:
        comp = pvlib.irradiance.get_total_irradiance(
            tilt, azimuth, zenith, solpos["azimuth"], dni, ghi, dhi, dni_extra=dni_extra,
            albedo=o.albedo, model="haydavies",
        )  # fmt: skip
        aoi = pvlib.irradiance.aoi(tilt, azimuth, zenith, solpos["azimuth"])
        iam_beam = pvlib.iam.martin_ruiz(aoi, a_r=0.16)
        diffuse_iam = pvlib.iam.martin_ruiz_diffuse(tilt, a_r=0.16)
        iam_sky, iam_ground = float(diffuse_iam["sky"]), float(diffuse_iam["ground"])
        effective = (
            comp["poa_direct"].fillna(0.0) * iam_beam
            + comp["poa_sky_diffuse"].fillna(0.0) * iam_sky
            + comp["poa_ground_diffuse"].fillna(0.0) * iam_ground
        ).clip(lower=0.0)
        t_cell = pvlib.temperature.faiman(comp["poa_global"].fillna(0.0), temp, o.wind_m_s)
        dc_w = pvlib.pvsystem.pvwatts_dc(effective, t_cell, 1000.0, o.gamma_pdc_per_k)
        ac = np.asarray(dc_w, dtype=float) * (1.0 - o.system_loss) / 1000.0
        out.append(np.clip(np.nan_to_num(ac), 0.0, None))
    return out


def roof_faces(frames: Any, options: PVOptions | None = None) -> pd.DataFrame:
    """The roof faces of a site and the panels each carries (no yield yet).

    Returns
    -------
    pandas.DataFrame
        The geometric columns of :data:`PV_FACE_COLUMNS` (``face_id`` … ``kwp``).

    Raises
    ------
    ValidationError
        A flat-roof tilt outside 0–90°, or a site beyond the polar circles with a flat roof.
    """
    o = options or PVOptions()
    if not 0.0 <= o.flat_tilt_deg < 90.0:
        raise ValidationError(
            f"--flat-tilt-deg {o.flat_tilt_deg:g}: the rows' tilt must be from 0 to below 90°"
        )
    cols = list(PV_FACE_COLUMNS)[: list(PV_FACE_COLUMNS).index("kwp") + 1]
    fabric = frames.fabric
    if fabric is None or not len(fabric):
        return pd.DataFrame(columns=cols)
    roofs = fabric[fabric["kind"] == "roof"].reset_index(drop=True)
    lat = latitude_of(frames)
    counts = roofs["global_id"].value_counts()
    seen: dict[str, int] = {}
    rows = []
    for r in roofs.itertuples(index=False):
        gid = str(r.global_id)
        seen[gid] = seen.get(gid, 0) + 1
        face_id = gid if counts[gid] == 1 else f"{gid}-{seen[gid]}"
        area = float(r.area_m2)
        tilt = float(r.tilt_deg)
        azimuth = float(r.azimuth_deg)
        if tilt < o.flat_below_deg or math.isnan(azimuth):
            mounting, gcr = "rows", ground_cover_ratio(lat, o.flat_tilt_deg)
            p_tilt, p_az = o.flat_tilt_deg, 180.0 if lat >= 0 else 0.0
        else:
            mounting, gcr, p_tilt, p_az = "flush", 1.0, tilt, azimuth
        panel = area * gcr
        rows.append((face_id, str(r.name), area, tilt, mounting, gcr, panel, p_tilt, p_az,
                     panel / o.m2_per_kwp))  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def _climate_and_clock(frames: Any) -> tuple[pd.DataFrame, float | None, str | None]:
    """The site's hourly climate and how its hours are stamped (see :func:`hour_stamps`)."""
    from site_manager.energy.climate import site_climate

    climate = site_climate(frames)
    hourly = frames.climate_hourly
    if hourly is not None and len(hourly):
        lon = frames.site.get("longitude_deg")
        if lon is not None and not (isinstance(lon, float) and math.isnan(lon)):
            return climate, float(lon), frames.site.get("time_zone") or None
    return climate, None, None


def site_plane_ac_kwh(
    frames: Any,
    *,
    tilt_deg: float,
    azimuth_deg: float,
    kwp: float = 1.0,
    options: PVOptions | None = None,
) -> npt.NDArray[np.float64]:
    """Hourly AC output of ``kwp`` of panels on one plane at a site, whether or not a roof
    face has that plane: the site's stored climate, latitude and clock, as for its faces
    (:func:`pv_faces`). A reference plane, e.g. PVGIS's south-facing 30°, is one call.

    Parameters
    ----------
    frames : RegisterFrames
        The site's register (its climate and ``site``: latitude, longitude, time zone).
    tilt_deg, azimuth_deg : float
        The panels' plane (azimuth clockwise from north, 180 = south). [°]
    kwp : float
        Peak power. [kWp]
    options : PVOptions, optional
        The system (default :class:`PVOptions`, the PVGIS default system).

    Returns
    -------
    numpy.ndarray (8,760,)
        AC energy per hour. [kWh]
    """
    climate, lon, tz = _climate_and_clock(frames)
    return plane_ac_kwh(
        climate, latitude_deg=latitude_of(frames), tilt_deg=tilt_deg, azimuth_deg=azimuth_deg,
        kwp=kwp, longitude_deg=lon, time_zone=tz, options=options,
    )  # fmt: skip


def _monthly(hourly: npt.NDArray[np.float64]) -> list[float]:
    from site_manager.energy.climate import DAYS_IN_MONTH

    edges = np.cumsum([0, *(24 * d for d in DAYS_IN_MONTH)])
    return [float(hourly[a:b].sum()) for a, b in zip(edges[:-1], edges[1:], strict=True)]


def _faces_with_yield(
    frames: Any, options: PVOptions | None
) -> tuple[pd.DataFrame, npt.NDArray[np.float64], pd.DataFrame]:
    """(faces with their yield, the hourly output of all of them [kWh], the climate)."""
    faces = roof_faces(frames, options)
    climate, lon, tz = _climate_and_clock(frames)
    total = np.zeros(len(climate))
    if not len(faces):
        for col in ("annual_kwh", "specific_yield_kwh_kwp", "monthly_kwh"):
            faces[col] = pd.Series(dtype=object if col == "monthly_kwh" else float)
        return faces[list(PV_FACE_COLUMNS)], total, climate
    planes = sorted({(float(t), float(a)) for t, a in zip(faces["tilt_deg"], faces["azimuth_deg"],
                                                          strict=True)})  # fmt: skip
    per_kwp = dict(zip(planes, _planes_ac_kwh(
        climate, planes, latitude_deg=latitude_of(frames), longitude_deg=lon, time_zone=tz,
        options=options), strict=True))  # fmt: skip
    annual, monthly = [], []
    for t, a, kwp in zip(faces["tilt_deg"], faces["azimuth_deg"], faces["kwp"], strict=True):
        hourly = per_kwp[(float(t), float(a))] * float(kwp)
        total += hourly
        annual.append(float(hourly.sum()))
        monthly.append(_monthly(hourly))
    faces["annual_kwh"] = annual
    faces["specific_yield_kwh_kwp"] = faces["annual_kwh"] / faces["kwp"].where(faces["kwp"] > 0)
    faces["monthly_kwh"] = monthly
    return faces[list(PV_FACE_COLUMNS)], total, climate


def pv_faces(frames: Any, options: PVOptions | None = None) -> pd.DataFrame:
    """Per roof face of a site: the panels that fit and their annual and monthly AC yield.

    Parameters
    ----------
    frames : RegisterFrames
        The site's register (:func:`site_manager.register.frames`): ``fabric`` (its roof
        rows), the stored climate, ``site`` (latitude, longitude, time zone).
    options : PVOptions, optional
        The system (default: the PVGIS default system, flat-roof rows at 15°).

    Returns
    -------
    pandas.DataFrame
        :data:`PV_FACE_COLUMNS`; empty when no fabric or no roof is stored.
    """
    return _faces_with_yield(frames, options)[0]


def site_load_kwh(frames: Any, climate: pd.DataFrame | None = None) -> npt.NDArray[np.float64]:
    """The site's hourly electricity load: the heating model's internal gains. [kWh per hour]

    Lighting and small power by use and the machines at their utilisation, on the
    working-week schedule, of every simulated space (module docstring); zeros for a site
    without a space to simulate.
    """
    from site_manager.energy.climate import site_climate
    from site_manager.energy.site import zones_from_frames
    from site_manager.energy.zones import gains_products

    climate = site_climate(frames) if climate is None else climate
    zones = zones_from_frames(frames, climate=climate, envelope=False)  # gains need no envelope
    if not zones:
        return np.zeros(len(climate))
    internal, _solar = gains_products(zones, climate["ghi_w_m2"].to_numpy())
    # Σ over zones of (schedules @ levels) = schedules @ (Σ over zones of levels)
    return np.asarray(internal.hours @ internal.levels.sum(axis=1) / 1000.0, dtype=float)


def pv_site(frames: Any, options: PVOptions | None = None) -> PVResult:
    """Roof PV of a site: the faces (:func:`pv_faces`) and what the site gains from them.

    Parameters
    ----------
    frames : RegisterFrames
        The site's register.
    options : PVOptions, optional
        The system and the export value.

    Returns
    -------
    PVResult
        ``faces``, ``summary`` (:data:`PV_SUMMARY_KEYS`), ``hourly_kwh`` and ``load_kwh``.
    """
    o = options or PVOptions()
    faces, hourly, climate = _faces_with_yield(frames, o)
    load = site_load_kwh(frames, climate) if len(faces) else np.zeros(len(hourly))
    used = np.minimum(hourly, load)
    annual = float(hourly.sum())
    tariff = float(frames.tariffs.get("electricity", math.nan))
    from site_manager.energy.emissions import emission_factor

    factor, source = emission_factor("electricity", frames.site.get("country"))
    summary = {
        "site_id": frames.site.get("site_id"),
        "faces": len(faces),
        "kwp": float(faces["kwp"].sum()) if len(faces) else 0.0,
        "annual_kwh": annual,
        "load_kwh": float(load.sum()),
        "self_consumed_kwh": float(used.sum()),
        "self_consumption_share": float(used.sum()) / annual if annual > 0 else math.nan,
        "exported_kwh": annual - float(used.sum()),
        "electricity_eur_per_kwh": tariff,
        "saving_eur": float(used.sum()) * tariff
        + (annual - float(used.sum())) * o.export_eur_per_kwh,
        "co2_kg_per_kwh": factor,
        "co2_saved_kg": annual * factor,
        "co2_source": source,
    }
    return PVResult(faces, summary, hourly, load)


__all__ = [
    "PV_FACE_COLUMNS",
    "PV_SUMMARY_KEYS",
    "PVOptions",
    "PVResult",
    "ground_cover_ratio",
    "hour_stamps",
    "plane_ac_kwh",
    "pv_faces",
    "pv_site",
    "roof_faces",
    "site_load_kwh",
    "site_plane_ac_kwh",
]
