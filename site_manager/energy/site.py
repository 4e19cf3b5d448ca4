"""Thermal zones from a building model and its fabric, and a sample site's per-space loads.

One zone per space (spaces zoned ``outdoor`` and spaces without a floor area are left out).
A zone's envelope is the fabric elements that bound its space, with the share of their area
that :func:`site_manager.ifc.fabric.fabric_from_ifc` gave the space. Everything the model
does not say comes from :class:`ZoneDefaults`, stated there.

Window ``irradiance_factor`` is the ratio of the year's irradiation on the window's plane to
the horizontal one, from the same hourly climate: solar position by pvlib at the site's
latitude (hour stamps taken as solar time), Erbs' split of global into beam and diffuse
(``pvlib.irradiance.erbs``) and the isotropic-sky transposition with ground albedo 0.2
(``pvlib.irradiance.get_total_irradiance``).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from site_manager.energy.zones import Element, Zone, simulate_zones
from site_manager.errors import ValidationError

log = logging.getLogger(__name__)

#: Internal gains while in use, by zoning use: people, lighting and small power. [W/m²]
#: Rough values in the range of SIA 2024:2015 for workshops, offices and storage.
USE_GAINS_W_M2: dict[str, float] = {
    "private_production": 8.0,
    "shared_production": 10.0,
    "shared_service": 8.0,
    "storage": 1.0,
    "circulation": 2.0,
    "technical": 4.0,
}
#: Uses that are cooled (to ``ZoneDefaults.cooling_setpoint_c``); the others are not.
COOLED_USES = frozenset({"private_production", "shared_production", "shared_service"})
#: Heating set-point by use. [°C]
USE_HEATING_C: dict[str, float] = {
    "private_production": 18.0,
    "shared_production": 18.0,
    "shared_service": 20.0,
    "storage": 12.0,
    "circulation": 15.0,
    "technical": 15.0,
}


def _working_week() -> tuple[float, ...]:
    """168 hourly use factors: 1 from 08:00 to 18:00 on Monday–Friday, else 0.1."""
    out = []
    for day in range(7):
        for hour in range(24):
            out.append(1.0 if day < 5 and 8 <= hour < 18 else 0.1)
    return tuple(out)


@dataclass(frozen=True)
class ZoneDefaults:
    """What a zone gets where the model and the site data say nothing.

    Attributes
    ----------
    mass_class : str
        ISO 13790 Table 12 class; ``heavy`` for solid masonry with timber or concrete floors.
    n_inf_ach : float
        Infiltration of an unrefurbished old building (TABULA typical 0.4–1.0). [1/h]
    cooling_setpoint_c : float or None
        For the uses in :data:`COOLED_USES`: the cooling need reported is the need to hold
        this, whether or not the site has cooling; None for none. [°C]
    slab_b : float
        Temperature adjustment factor of floors on the ground (TABULA simplified 0.5). [–]
    machine_utilisation : float
        Share of the rated power of a space's machines that becomes heat while in use. [–]
    gains_schedule : tuple of float
        168 use factors (hour of week), applied to all internal gains.
    latitude_deg : float
        Used where the model gives no latitude. [°]
    """

    mass_class: str = "heavy"
    n_inf_ach: float = 0.7
    cooling_setpoint_c: float | None = 26.0
    slab_b: float = 0.5
    machine_utilisation: float = 0.25
    gains_schedule: tuple[float, ...] = field(default_factory=_working_week)
    latitude_deg: float = 51.0


def irradiance_factors(
    climate: pd.DataFrame, orientations: list[tuple[float, float]], *, latitude_deg: float
) -> dict[tuple[float, float], float]:
    """Yearly plane-to-horizontal irradiation ratio for each ``(tilt_deg, azimuth_deg)``. [–]"""
    import pvlib

    times = pd.date_range("2019-01-01 00:30", periods=len(climate), freq="h", tz="UTC")
    solpos = pvlib.solarposition.get_solarposition(times, latitude_deg, 0.0)
    ghi = pd.Series(climate["ghi_w_m2"].to_numpy(dtype=float), index=times)
    zenith = solpos["apparent_zenith"]
    split = pvlib.irradiance.erbs(ghi, zenith, np.asarray(times.day_of_year))
    dni = pd.Series(np.asarray(split["dni"], dtype=float), index=times).fillna(0.0).clip(lower=0.0)
    dhi = pd.Series(np.asarray(split["dhi"], dtype=float), index=times).fillna(0.0).clip(lower=0.0)
    total = float(ghi.sum())
    out = {}
    for tilt, azimuth in orientations:
        az = 180.0 if math.isnan(azimuth) else azimuth
        poa = pvlib.irradiance.get_total_irradiance(
            tilt, az, zenith, solpos["azimuth"], dni, ghi, dhi, albedo=0.2, model="isotropic"
        )["poa_global"]
        out[(tilt, azimuth)] = (
            float(poa.clip(lower=0.0).fillna(0.0).sum()) / total if total else 0.0
        )
    return out


def zones_from_model(
    spaces: Any,
    fabric: Any,
    climate: pd.DataFrame,
    *,
    uses: dict[str, str] | None = None,
    machine_w: dict[str, float] | None = None,
    defaults: ZoneDefaults | None = None,
    latitude_deg: float | None = None,
) -> list[Zone]:
    """One thermal zone per space from the spaces and fabric frames.

    Parameters
    ----------
    spaces : geopandas.GeoDataFrame
        The spaces frame (``global_id``, ``name``, ``area_m2``, ``volume_m3``, ``height_m``).
    fabric : geopandas.GeoDataFrame
        The fabric frame of :func:`site_manager.ifc.fabric.fabric_from_ifc`.
    climate : pandas.DataFrame
        Hourly ``t_out_c`` and ``ghi_w_m2`` (for the windows' irradiance factors).
    uses : dict, optional
        Space GlobalId → zoning use; ``outdoor`` spaces are left out. Default: production.
    machine_w : dict, optional
        Space GlobalId → rated power of its machines. [W]
    defaults : ZoneDefaults, optional
        Assumptions (see :class:`ZoneDefaults`).
    latitude_deg : float, optional
        Site latitude; default ``defaults.latitude_deg``. [°]

    Returns
    -------
    list of Zone
        Zone ids are the spaces' GlobalIds.
    """
    d = defaults or ZoneDefaults()
    uses = uses or {}
    machine_w = machine_w or {}
    lat = d.latitude_deg if latitude_deg is None or math.isnan(latitude_deg) else latitude_deg
    windows = fabric[fabric["kind"] == "window"] if len(fabric) else fabric
    orientations = sorted(
        {(float(r.tilt_deg), float(r.azimuth_deg)) for r in windows.itertuples(index=False)},
        key=str,
    )
    factors = irradiance_factors(climate, orientations, latitude_deg=lat) if orientations else {}
    by_space: dict[str, list[Element]] = {}
    for r in fabric.itertuples(index=False):
        for sid, area in zip(r.space_global_ids, r.space_areas_m2, strict=True):
            if area <= 0:
                continue
            extra = {"global_id": r.global_id, "name": r.name}
            if not math.isnan(r.azimuth_deg):
                extra["azimuth_deg"] = round(float(r.azimuth_deg), 2)
            extra["tilt_deg"] = round(float(r.tilt_deg), 2)
            if r.kind == "window":
                el = Element(
                    "window", float(area), float(r.u_w_m2k), 1.0, float(r.g_value),
                    float(r.frame_fraction),
                    round(factors.get((float(r.tilt_deg), float(r.azimuth_deg)), 0.0), 4),
                    extra,
                )  # fmt: skip
            else:
                b = d.slab_b if r.kind == "slab" else 1.0
                el = Element(str(r.kind), float(area), float(r.u_w_m2k), b, extra=extra)
            by_space.setdefault(str(sid), []).append(el)
    zones = []
    for s in spaces.itertuples(index=False):
        sid = str(s.global_id)
        use = uses.get(sid, "private_production")
        if use == "outdoor" or use not in USE_HEATING_C:
            continue
        area = float(s.area_m2)
        if not area > 0:
            continue
        volume = float(s.volume_m3) if s.volume_m3 == s.volume_m3 and s.volume_m3 > 0 else math.nan
        if math.isnan(volume):
            height = float(s.height_m) if s.height_m == s.height_m and s.height_m > 0 else 3.0
            volume = area * height
        gains = USE_GAINS_W_M2[use] + d.machine_utilisation * machine_w.get(sid, 0.0) / area
        zones.append(
            Zone(
                id=sid,
                floor_area_m2=round(area, 4),
                volume_m3=round(volume, 4),
                mass_class=d.mass_class,
                elements=tuple(by_space.get(sid, [])),
                n_inf_ach=d.n_inf_ach,
                heating_setpoint_c=USE_HEATING_C[use],
                cooling_setpoint_c=d.cooling_setpoint_c if use in COOLED_USES else None,
                internal_gains_w_m2=round(gains, 4),
                gains_schedule=d.gains_schedule,
                extra={
                    "name": str(s.name),
                    "long_name": str(s.long_name),
                    "use": use,
                    "storey": str(s.storey),
                    "ifc_zones": [str(x) for x in s.zones] if isinstance(s.zones, list) else [],
                },
            )
        )
    _check_mass_coupling(zones)
    return zones


GROUPINGS = ("space", "use", "zone")


def group_zones(zones: list[Zone], by: str) -> list[Zone]:
    """Merge per-space zones into one zone per use (``by="use"``) or per IfcZone (``"zone"``).

    A merged zone has the summed floor area, volume and envelope elements of its spaces; its
    set-points, internal gains and infiltration are the floor-area-weighted means of theirs
    (volume-weighted for infiltration); it is cooled if any of its spaces is, to the
    area-weighted mean of their cooling set-points. Spaces in no IfcZone are grouped under
    ``(no zone)``; a space in several IfcZones goes with the first.

    Raises
    ------
    ValidationError
        For an unknown grouping.
    """
    if by == "space":
        return zones
    if by not in GROUPINGS:
        raise ValidationError(
            f"--group: unknown grouping {by!r}; use one of {', '.join(GROUPINGS)}"
        )
    groups: dict[str, list[Zone]] = {}
    for z in zones:
        if by == "use":
            key = str(z.extra.get("use", ""))
        else:
            names = z.extra.get("ifc_zones") or []
            key = str(names[0]) if names else "(no zone)"
        groups.setdefault(key, []).append(z)
    out = []
    for key, members in groups.items():
        area = sum(m.floor_area_m2 for m in members)
        volume = sum(m.volume_m3 for m in members)
        cooled = [m for m in members if m.cooling_setpoint_c is not None]
        cooled_area = sum(m.floor_area_m2 for m in cooled)
        out.append(
            Zone(
                id=key,
                floor_area_m2=round(area, 4),
                volume_m3=round(volume, 4),
                mass_class=members[0].mass_class,
                elements=tuple(e for m in members for e in m.elements),
                n_inf_ach=sum(m.n_inf_ach * m.volume_m3 for m in members) / volume,
                heating_setpoint_c=sum(m.heating_setpoint_c * m.floor_area_m2 for m in members)
                / area,
                cooling_setpoint_c=(
                    sum(float(m.cooling_setpoint_c or 0.0) * m.floor_area_m2 for m in cooled)
                    / cooled_area
                    if cooled
                    else None
                ),
                internal_gains_w_m2=sum(m.internal_gains_w_m2 * m.floor_area_m2 for m in members)
                / area,
                gains_schedule=members[0].gains_schedule,
                extra={"spaces": [m.id for m in members]},
            )
        )
    _check_mass_coupling(out)
    return out


def _check_mass_coupling(zones: list[Zone]) -> None:
    """Raise where a zone's opaque conductance is not below its mass coupling (12.2.2)."""
    from site_manager.energy.iso13790 import H_MS, MASS_CLASSES

    for z in zones:
        limit = H_MS * MASS_CLASSES[z.mass_class][0] * z.floor_area_m2
        if z.h_tr_op_w_k >= limit:
            raise ValidationError(
                f"space {z.extra.get('name', z.id)!r} ({z.id}): its envelope conducts "
                f"{z.h_tr_op_w_k:.0f} W/K, more than the 5R1C mass coupling {limit:.0f} W/K "
                "allows for its floor area; check the space's area and the fabric"
            )


def _site_inputs(
    name: str,
) -> tuple[Any, Any, Any, pd.DataFrame, dict[str, str], dict[str, float], float]:
    from site_manager.energy.climate import hourly_from_monthly
    from site_manager.ifc import read_model
    from site_manager.sites import read_site

    site = read_site(name)
    model = read_model(site.model_path, fabric=True)
    lat = model.info.latitude if model.info.latitude is not None else ZoneDefaults().latitude_deg
    climate = hourly_from_monthly(site.climate, latitude_deg=lat)
    uses = {
        str(k): str(v)
        for k, v in zip(site.zoning["space_global_id"], site.zoning["use"], strict=True)
    }
    eq = site.equipment.copy()
    eq["power_kw"] = pd.to_numeric(eq["power_kw"], errors="coerce").fillna(0.0)
    machine_w = {
        str(k): float(v) * 1000.0
        for k, v in eq.groupby("space_global_id")["power_kw"].sum().items()
    }
    return site, model, model.extra["fabric"], climate, uses, machine_w, lat


def zones_document(
    *, model: str | None = None, site: str | None = None, group: str = "space"
) -> dict[str, Any]:
    """A ZONES.json document for an IFC model (default climate assumptions) or a sample site.

    ``group`` is ``space`` (one zone per space), ``use`` or ``zone`` (see :func:`group_zones`).
    """
    from site_manager.energy.zones import zones_to_json

    if site:
        folder, bm, fabric, climate, uses, machine_w, lat = _site_inputs(site)
        zones = zones_from_model(bm.spaces, fabric, climate, uses=uses, machine_w=machine_w,
                                 latitude_deg=lat)  # fmt: skip
        zones = group_zones(zones, group)
        return zones_to_json(zones, site=folder.id, model=str(bm.info.path), latitude_deg=lat)
    if not model:
        raise ValidationError("give a MODEL.ifc or --site NAME")
    from site_manager.ifc import read_model

    bm = read_model(model, fabric=True)
    lat = bm.info.latitude if bm.info.latitude is not None else ZoneDefaults().latitude_deg
    climate = _flat_climate()
    zones = group_zones(
        zones_from_model(bm.spaces, bm.extra["fabric"], climate, latitude_deg=lat), group
    )
    if not zones:
        raise ValidationError(f"{Path(model).name}: the model has no spaces with a floor area")
    return zones_to_json(zones, model=str(bm.info.path), latitude_deg=lat)


def _flat_climate() -> pd.DataFrame:
    """A neutral climate for irradiance factors when a model comes without one."""
    from site_manager.energy.climate import hourly_from_monthly

    monthly = pd.DataFrame(
        {
            "month": range(1, 13),
            "t_out_c": [1.0, 2.0, 5.0, 9.0, 13.0, 16.0, 18.0, 18.0, 15.0, 10.0, 6.0, 2.0],
            "ghi_kwh_m2": [20, 35, 70, 110, 140, 150, 150, 125, 85, 50, 25, 15],
        }
    )
    return hourly_from_monthly(monthly)


def space_loads_for_site(name: str) -> pd.DataFrame:
    """Per-space annual heating, cooling and peak loads of a sample site.

    The site's IFC model gives the spaces and fabric, its ``climate_monthly.csv`` the
    climate (expanded to hours, see :mod:`site_manager.energy.climate`), ``zoning.csv`` the
    use and ``equipment.csv`` the machines; the rest is :class:`ZoneDefaults`.

    Returns
    -------
    pandas.DataFrame
        ``space_global_id``, ``space_name``, ``storey``, ``use`` and the columns of
        :data:`site_manager.energy.zones.RESULT_COLUMNS` (without ``zone_id``).
    """
    _folder, bm, fabric, climate, uses, machine_w, lat = _site_inputs(name)
    zones = zones_from_model(bm.spaces, fabric, climate, uses=uses, machine_w=machine_w,
                             latitude_deg=lat)  # fmt: skip
    frame = simulate_zones(zones, climate)
    frame.insert(1, "space_name", [z.extra["name"] for z in zones])
    frame.insert(2, "storey", [z.extra["storey"] for z in zones])
    frame.insert(3, "use", [z.extra["use"] for z in zones])
    return frame.rename(columns={"zone_id": "space_global_id"})


__all__ = [
    "GROUPINGS",
    "ZoneDefaults",
    "group_zones",
    "irradiance_factors",
    "space_loads_for_site",
    "zones_document",
    "zones_from_model",
]
