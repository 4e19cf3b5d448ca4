"""Thermal zones from a building model and its fabric, and a site's per-space loads.

One zone per space (spaces zoned ``outdoor`` and spaces without a floor area are left out).
A zone's envelope is the fabric elements that bound its space, with the share of their area
that :func:`site_manager.ifc.fabric.fabric_from_ifc` gave the space. Everything the model
does not say comes from :class:`ZoneDefaults`, stated there.

Window ``irradiance_factor`` is the ratio of the year's irradiation on the window's plane to
the horizontal one, from the same hourly climate: solar position by pvlib at the site's
latitude (hour stamps taken as solar time), Erbs' split of global into beam and diffuse
(``pvlib.irradiance.erbs``) and the isotropic-sky transposition with ground albedo 0.2
(``pvlib.irradiance.get_total_irradiance``).

For a site (:func:`space_loads`, :func:`zones_document` with ``frames``) everything comes
from the register, :func:`site_manager.register.frames`: the spaces and fabric stored at
import, the zoning, the equipment, the stored climate and the site's latitude; where it
says nothing, the defaults of :mod:`site_manager.assumptions` apply. Neither the IFC file
nor a sample folder is read again.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections import namedtuple
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from site_manager.assumptions import DEFAULT_LATITUDE_DEG, DEFAULT_USE, latitude_of
from site_manager.energy.climate import flat_climate, site_climate
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
        Used where the model gives no latitude
        (:data:`~site_manager.assumptions.DEFAULT_LATITUDE_DEG`). [°]
    """

    mass_class: str = "heavy"
    n_inf_ach: float = 0.7
    cooling_setpoint_c: float | None = 26.0
    slab_b: float = 0.5
    machine_utilisation: float = 0.25
    gains_schedule: tuple[float, ...] = field(default_factory=_working_week)
    latitude_deg: float = DEFAULT_LATITUDE_DEG


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


#: The fabric columns :func:`zones_from_model` reads.
_ZONE_FABRIC_COLUMNS = (
    "global_id", "name", "kind", "tilt_deg", "azimuth_deg", "u_w_m2k", "g_value",
    "frame_fraction", "space_global_ids", "space_areas_m2",
)  # fmt: skip


#: The spaces columns :func:`zones_from_model` reads.
_ZONE_SPACE_COLUMNS = (
    "global_id", "name", "long_name", "storey", "area_m2", "volume_m3", "height_m", "zones",
)  # fmt: skip


def _plain_rows(frame: Any, columns: tuple[str, ...]) -> list[Any]:
    """The rows of ``frame``'s ``columns`` as named tuples of plain Python values, what
    ``itertuples`` gives, some ten times faster: iterating Arrow strings and geometries
    element by element is slow, ``Series.tolist`` is not.
    """
    row = namedtuple("row", columns)  # type: ignore[misc]
    return [row(*values) for values in zip(*(frame[c].tolist() for c in columns), strict=True)]


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
        Space GlobalId → zoning use; ``outdoor`` spaces are left out; a space not in it is
        :data:`~site_manager.assumptions.DEFAULT_USE`.
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
    elements = (
        _plain_rows(pd.DataFrame({c: fabric[c].tolist() for c in _ZONE_FABRIC_COLUMNS}),
                    _ZONE_FABRIC_COLUMNS)
        if len(fabric) else []
    )  # fmt: skip
    orientations = sorted(
        {(float(r.tilt_deg), float(r.azimuth_deg)) for r in elements if r.kind == "window"},
        key=str,
    )
    factors = irradiance_factors(climate, orientations, latitude_deg=lat) if orientations else {}
    by_space: dict[str, list[Element]] = {}
    for r in elements:
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
    for s in _plain_rows(spaces, _ZONE_SPACE_COLUMNS):
        sid = str(s.global_id)
        use = uses.get(sid, DEFAULT_USE)
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


def _live_spaces(frames: Any) -> Any:
    """The site's spaces (GeoDataFrame) without those a model revision removed."""
    spaces = frames.spaces_gdf()
    if len(spaces):
        spaces = spaces[~spaces["removed"].fillna(False).astype(bool)].reset_index(drop=True)
    for col in ("area_m2", "volume_m3", "height_m"):
        spaces[col] = pd.to_numeric(spaces[col], errors="coerce").astype("float64")
    for col in ("name", "long_name", "storey"):
        spaces[col] = spaces[col].fillna("").astype(str)
    return spaces


def _machine_w(equipment: pd.DataFrame) -> dict[str, float]:
    """Space GlobalId → rated power of the machines standing in it. [W]"""
    if not len(equipment):
        return {}
    eq = equipment[equipment["space_global_id"].notna()]
    power = pd.to_numeric(eq["power_kw"], errors="coerce").fillna(0.0)
    return {
        str(k): float(v) * 1000.0
        for k, v in power.groupby(eq["space_global_id"].astype(str)).sum().items()
    }


def zones_from_frames(
    frames: Any,
    *,
    climate: pd.DataFrame | None = None,
    defaults: ZoneDefaults | None = None,
    envelope: bool = True,
) -> list[Zone]:
    """One thermal zone per space of a site, from its register alone.

    The spaces (those not removed by a model revision) and the fabric stored at import,
    the climate of :func:`~site_manager.energy.climate.site_climate` (for the windows'
    irradiance factors), the use
    zoned for each space (unzoned spaces: :data:`~site_manager.assumptions.DEFAULT_USE`),
    the machines of the equipment list by space, and the latitude of
    :func:`~site_manager.assumptions.latitude_of`. See :func:`zones_from_model`.

    Parameters
    ----------
    frames : RegisterFrames
        The site's register (:func:`site_manager.register.frames`).
    climate : pandas.DataFrame, optional
        The hourly climate, if already at hand; default
        :func:`~site_manager.energy.climate.site_climate`.
    defaults : ZoneDefaults, optional
        Assumptions (see :class:`ZoneDefaults`).
    envelope : bool
        False: zones without their envelope elements (no fabric read, no irradiance
        factors), for what depends on the spaces alone: the same zones, floor areas, uses
        and internal gains, some twice as fast on a large site.

    Returns
    -------
    list of Zone
        Zone ids are the spaces' GlobalIds.
    """
    spaces = _live_spaces(frames)
    uses = {
        str(g): str(u)
        for g, u in zip(spaces["global_id"], spaces["use"], strict=True)
        if isinstance(u, str) and u
    }
    fabric = frames.fabric if envelope else None
    if fabric is None:  # a snapshot built without the model store, or no envelope asked for
        fabric = pd.DataFrame(columns=["kind", "tilt_deg", "azimuth_deg", "space_global_ids"])
    return zones_from_model(
        spaces, fabric, site_climate(frames) if climate is None else climate, uses=uses,
        machine_w=_machine_w(frames.equipment), defaults=defaults,
        latitude_deg=latitude_of(frames),
    )  # fmt: skip


def zones_document(
    *, model: str | None = None, frames: Any = None, group: str = "space"
) -> dict[str, Any]:
    """A ZONES.json document for a site in the register or for an IFC model file.

    Parameters
    ----------
    model : str, optional
        An IFC file, read directly (fabric from the file, the neutral climate for the
        windows' irradiance factors, every space :data:`~site_manager.assumptions.
        DEFAULT_USE`, no machines).
    frames : RegisterFrames, optional
        A site's register (see :func:`zones_from_frames`); used when given.
    group : str
        ``space`` (one zone per space), ``use`` or ``zone`` (see :func:`group_zones`).

    Returns
    -------
    dict
        ``site`` (for a site), ``model``, ``latitude_deg`` [°] and ``zones``.

    Raises
    ------
    ValidationError
        Neither given, or no space with a floor area.
    """
    from site_manager.energy.zones import zones_to_json

    if frames is not None:
        site = str(frames.site.get("site_id"))
        zones = group_zones(zones_from_frames(frames), group)
        if not zones:
            raise ValidationError(f"site {site!r}: no indoor space with a floor area to zone")
        return zones_to_json(zones, site=site, model=str(frames.site.get("model_path") or ""),
                             latitude_deg=latitude_of(frames))  # fmt: skip
    if not model:
        raise ValidationError("give a MODEL.ifc or --site SITE")
    from site_manager.ifc import read_model

    bm = read_model(model, fabric=True)
    lat = bm.info.latitude if bm.info.latitude is not None else DEFAULT_LATITUDE_DEG
    climate = flat_climate()
    zones = group_zones(zones_from_model(bm.spaces, bm.fabric, climate, latitude_deg=lat), group)
    if not zones:
        raise ValidationError(f"{Path(model).name}: the model has no spaces with a floor area")
    return zones_to_json(zones, model=str(bm.info.path), latitude_deg=lat)


#: Columns of :func:`space_loads` before the results of
#: :data:`site_manager.energy.zones.RESULT_COLUMNS` (without ``zone_id``).
SPACE_LOAD_COLUMNS: dict[str, str] = {
    "space_global_id": "the space's IFC GlobalId",
    "space_name": "the space's name",
    "storey": "its storey",
    "use": f"its zoning use ({DEFAULT_USE} where none is zoned)",
    "heating_setpoint_c": "heating set-point of that use [°C]",
    "unit_id": "the units that take it, ';'-joined, the largest part first ('' if none)",
    "tenant_id": "the tenants whose leases of those units run on the day, ';'-joined in "
    "that order ('' if vacant)",
}


def space_loads(frames: Any, *, on: dt.date | str | None = None) -> pd.DataFrame:
    """Per-space annual heating, cooling and peak loads of a site in the register.

    The zones of :func:`zones_from_frames` run through the 5R1C model
    (:func:`~site_manager.energy.zones.simulate_zones`) with the climate of
    :func:`~site_manager.energy.climate.site_climate`; what the register does not say is
    :class:`ZoneDefaults` and the
    defaults listed by :func:`site_manager.assumptions.energy_assumptions`.

    Parameters
    ----------
    frames : RegisterFrames
        The site's register (:func:`site_manager.register.frames`).
    on : date or str, optional
        The day whose tenants are named (``unit_id``, ``tenant_id``); default today. The
        simulation is of a typical year and does not depend on it.

    Returns
    -------
    pandas.DataFrame
        One row per simulated space: :data:`SPACE_LOAD_COLUMNS`, then ``floor_area_m2`` and
        the other columns of :data:`site_manager.energy.zones.RESULT_COLUMNS`.

    Raises
    ------
    ValidationError
        The site has no indoor space with a floor area.

    Examples
    --------
    >>> from site_manager import register
    >>> engine = register.open_register("sqlite://")
    >>> _ = register.load_sample(engine, "textile_mill")
    >>> loads = space_loads(register.frames(engine))
    >>> round(float(loads["heating_kwh"].sum()) / 1000)
    304
    """
    climate = site_climate(frames)
    zones = zones_from_frames(frames, climate=climate)
    if not zones:
        site = frames.site.get("site_id")
        raise ValidationError(f"site {site!r}: no indoor space with a floor area to simulate")
    frame = simulate_zones(zones, climate)
    frame.insert(1, "space_name", [z.extra["name"] for z in zones])
    frame.insert(2, "storey", [z.extra["storey"] for z in zones])
    frame.insert(3, "use", [z.extra["use"] for z in zones])
    frame.insert(4, "heating_setpoint_c", [z.heating_setpoint_c for z in zones])
    unit_of, tenant_of = _tenancy_of_spaces(frames, on)
    frame.insert(5, "unit_id", [unit_of.get(z.id, "") for z in zones])
    frame.insert(6, "tenant_id", [tenant_of.get(z.id, "") for z in zones])
    return frame.rename(columns={"zone_id": "space_global_id"})


def _tenancy_of_spaces(
    frames: Any, on: dt.date | str | None
) -> tuple[dict[str, str], dict[str, str]]:
    """Space GlobalId → the live units that take it, and space GlobalId → their tenants on
    ``on`` (the units' running leases), each ``;``-joined, the largest part of the space
    first (ties by unit id): a hall shared by units of its bays names them all. The shares
    are :func:`site_manager.energy.tenants.unit_shares`'.
    """
    from site_manager.energy.tenants import unit_shares
    from site_manager.tenancy import current_leases, parse_day

    live = set(frames.units_on(parse_day(on))["unit_id"]) if len(frames.units) else set()
    leases = current_leases(frames, on=on)
    tenant_of_unit = {str(u): str(t) for u, t in zip(leases["unit_id"], leases["tenant_id"],
                                                     strict=True)}  # fmt: skip
    unit_of: dict[str, str] = {}
    tenant_of: dict[str, str] = {}
    for gid, held in unit_shares(frames.unit_spaces, {str(u) for u in live}).items():
        units = sorted(held, key=lambda u: (-held[u], u))
        unit_of[gid] = ";".join(units)
        tenants = [tenant_of_unit[u] for u in units if u in tenant_of_unit]
        tenant_of[gid] = ";".join(dict.fromkeys(tenants))
    return unit_of, tenant_of


__all__ = [
    "GROUPINGS",
    "ZoneDefaults",
    "group_zones",
    "irradiance_factors",
    "SPACE_LOAD_COLUMNS",
    "space_loads",
    "zones_document",
    "zones_from_frames",
    "zones_from_model",
]
