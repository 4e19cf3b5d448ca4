"""What an analysis assumes where the register says nothing, and how to give the real value.

A site created from any IFC file can be analysed: where the model carries none of our
property sets and nobody has entered the site's settings, the analyses fall back on
documented defaults. Each fallback is an :class:`Assumption`: what was assumed, for how
many records, and the command that supplies the real value. The CLI prints them once on
stderr (``note: …``); the dashboard lists the same ones.

Every rule lives here, once, as a function of :class:`~site_manager.register.queries.
RegisterFrames`; the engines read the same frames and apply the same defaults.

Examples
--------
>>> from site_manager import register
>>> engine = register.open_register("sqlite://")
>>> _ = register.load_sample(engine, "textile_mill")
>>> [a.topic for a in energy_assumptions(register.frames(engine))]
[]
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from site_manager.ifc.space_attributes import pset_property

#: Latitude used for the sun where the site gives none. [°]
DEFAULT_LATITUDE_DEG = 51.0
#: Floor load taken for a space whose load capacity nobody gave. [kN/m²] Zero: no
#: applicant that needs a floor load is placed on an unknown floor.
DEFAULT_FLOOR_LOAD_KN_M2 = 0.0
#: Power taken for a unit whose distribution board capacity nobody gave. [kW]
DEFAULT_POWER_KW = 0.0
#: The use a space without zoning is simulated with.
DEFAULT_USE = "private_production"
#: The time zone bookings of a site without one (``sites.time_zone``) are read in.
DEFAULT_TIME_ZONE = "UTC"

# ------------------------------------------------------ the Invisible Factory (issue 19)
#: Price of an hour of a job's step where neither the machine (``equipment.
#: price_eur_per_h``) nor the job (``eur_per_hour``) gives one: a skill's hour, or a
#: machine without a price. An invented, plausible workshop rate. [EUR/h]
DEFAULT_EUR_PER_HOUR = 45.0
#: Speed of the goods between two sites of a job's chain where the job gives none
#: (``transport_km_per_h``): a step at another site starts no earlier than the step before
#: ended plus the great-circle distance at this speed, loading included. An assumed average
#: of road freight on a door-to-door trip. [km/h]
DEFAULT_TRANSPORT_KM_PER_H = 50.0
#: The local hours a tenant works on a step that needs a skill (no calendar of people's
#: time is kept): every day from the first to the second. [local time]
DEFAULT_WORKING_HOURS = (dt.time(8, 0), dt.time(18, 0))

# ----------------------------------------------------------- energy per tenant (issue 16)
#: Seasonal efficiency of the site's boiler where the site gives none (``site set
#: --boiler-efficiency``): fuel = heat / efficiency. 0.90 is a condensing gas boiler's
#: typical seasonal value at medium return temperatures (EN 15316-4-1 range 0.85–0.98). [–]
DEFAULT_BOILER_EFFICIENCY = 0.90
#: How shared workshops, services and circulation are split among tenants where the site
#: chose no key (``site set --cost-key``): by the area let to each tenant.
DEFAULT_COST_KEY = "area"
#: The cost keys a site may choose: ``area`` (let area × days let), ``headcount`` (the
#: tenant's headcount × days let), ``equal`` (each tenant alike × days let), ``metered``
#: (in proportion to the tenant's own use of the same carrier).
COST_KEYS = ("area", "headcount", "equal", "metered")
#: The carrier the heating burns where no site meter of gas, oil or heat says: gas.
DEFAULT_HEATING_CARRIER = "gas"
#: Carriers a site-level heating meter can be of; ``heat`` is bought heat (district
#: heating): its meter measures heat, and no boiler efficiency applies.
HEATING_CARRIERS = ("gas", "oil", "heat")


@dataclass(frozen=True)
class UseProfile:
    """How a kind of tenant uses electricity, for tenants without a sub-meter.

    Attributes
    ----------
    hours_per_week : float
        Hours the unit is in use in a week. [h]
    machine_load : float
        Mean share of the rated power of the tenant's machines drawn while in use. [–]
    """

    hours_per_week: float
    machine_load: float


#: Electricity use profile by kind of tenant (``tenants.kind``). Invented, plausible
#: values, not measurements: a freelancer's laptop and lamp most of a working week, an
#: artisan's machines a third of the time, a small factory in two shifts. Modelled
#: electricity of a month = (Σ machine power × ``machine_load`` + let area ×
#: :data:`BASE_ELECTRICITY_W_M2`) × ``hours_per_week`` × days of the month / 7.
USE_PROFILES: dict[str, UseProfile] = {
    "freelancer": UseProfile(40.0, 0.10),
    "solopreneur": UseProfile(45.0, 0.20),
    "artist": UseProfile(35.0, 0.20),
    "artisan": UseProfile(45.0, 0.30),
    "sme": UseProfile(50.0, 0.35),
    "smart_factory": UseProfile(80.0, 0.50),
}
#: The profile of a tenant whose kind is not in :data:`USE_PROFILES`, and of the shared
#: workshops' machines (``equipment.shared`` or no owner).
DEFAULT_USE_PROFILE = UseProfile(45.0, 0.25)
#: Lighting and small power of a space in use, per m² of floor: LED lighting of a workshop
#: (about 5 W/m², EN 15193 range) and plugs (3 W/m²). [W/m²]
BASE_ELECTRICITY_W_M2 = 8.0


# ------------------------------------------------------- neighbourhood impact (issue 17)
#: Person trips a day (both ways, all modes) above which the report flags that a transport
#: assessment may be asked for, where the site sets none (``site set --trips-threshold``).
#: A round default, not a rule of any municipality: local plans set their own, often in
#: vehicle trips at the peak hour; give the municipality's own figure. [trips/day]
DEFAULT_TRIPS_THRESHOLD_PER_DAY = 500.0
#: Noise limits at the neighbours' façades where the site sets none (``site set
#: --noise-limit-day/--noise-limit-night``): WHO Guidelines for Community Noise (1999),
#: 55 dB LAeq,16h by day (serious annoyance outdoors) and 45 dB LAeq,8h at night (outside
#: bedroom façades). [dB(A)]
DEFAULT_NOISE_LIMIT_DAY_DBA = 55.0
DEFAULT_NOISE_LIMIT_NIGHT_DBA = 45.0
#: The day (06–22) and night (22–06) periods of those limits. [h]
DAY_HOURS = 16.0
NIGHT_HOURS = 8.0
#: Hours a machine runs in the day and in the night period by kind of tenant
#: (``tenants.kind``) where the site sets none (``site set --noise-hours KIND=DAY,NIGHT``,
#: the Neighbourhood impact page, ``[impact.hours]`` of a sample's site.toml). Invented,
#: plausible values: one-person workshops run machines a few hours of the working day, a
#: small factory in two shifts and a smart factory also at night. [h]
NOISE_HOURS: dict[str, tuple[float, float]] = {
    "freelancer": (2.0, 0.0),
    "solopreneur": (3.0, 0.0),
    "artist": (3.0, 0.0),
    "artisan": (6.0, 0.0),
    "sme": (12.0, 0.0),
    "smart_factory": (16.0, 4.0),
}
#: Hours of a machine of a tenant whose kind is not listed, and of the shared workshops'
#: machines (booked by the hour during the working day), where the site sets none for
#: :data:`SHARED_NOISE_KIND`. [h]
DEFAULT_NOISE_HOURS = (8.0, 0.0)
#: The "kind" under which a site sets the hours of the shared workshops' machines (and of
#: machines with no owner or an owner of a kind not listed).
SHARED_NOISE_KIND = "shared"


def noise_hours(frames: Any) -> pd.DataFrame:
    """The hours each kind of tenant's machines run: the site's, else the defaults.

    Parameters
    ----------
    frames : RegisterFrames
        Reads ``frames.noise_hours`` (kind → (day, night) the site set; may be empty).

    Returns
    -------
    pandas.DataFrame
        ``kind`` (each key of :data:`NOISE_HOURS`, then :data:`SHARED_NOISE_KIND`),
        ``hours_day``, ``hours_night`` [h], ``source`` (``site`` or ``default``).
    """
    stored = dict(getattr(frames, "noise_hours", None) or {})
    defaults = {**NOISE_HOURS, SHARED_NOISE_KIND: DEFAULT_NOISE_HOURS}
    rows = []
    for kind, default in defaults.items():
        day, night = stored.get(kind, default)
        rows.append({"kind": kind, "hours_day": float(day), "hours_night": float(night),
                     "source": "site" if kind in stored else "default"})  # fmt: skip
    return pd.DataFrame(rows, columns=["kind", "hours_day", "hours_night", "source"])


#: Height of a room whose height the register does not give, for its surface. [m]
DEFAULT_ROOM_HEIGHT_M = 4.0
#: Mean sound absorption coefficient of a workshop's surfaces (bare brick, concrete,
#: glass: 0.05–0.15 at 500 Hz); the room's absorption area A = α × its surface. [–]
ROOM_ABSORPTION = 0.10
#: Sound reduction index R of the façade elements by kind and state. Indicative single
#: values for an old industrial building (solid masonry wall, old single or plain double
#: glazing, a light steel door; open: the opening's area lets the sound out), in the
#: ranges of EN 12354-3 Annex / building-acoustics handbooks; replace with measured R'w. [dB]
FACADE_SOUND_REDUCTION_DB: dict[tuple[str, str], float] = {
    ("wall", "closed"): 45.0,
    ("wall", "open"): 45.0,
    ("window", "closed"): 25.0,
    ("window", "open"): 0.0,
    ("door", "closed"): 20.0,
    ("door", "open"): 0.0,
}
#: Windows and doors are taken closed unless the report is asked for them open.
DEFAULT_OPENINGS = "closed"
#: Atmospheric absorption coefficient at 500 Hz, 10 °C and 70 % relative humidity
#: (ISO 9613-1 / ISO 9613-2 Table 2), used for the A-weighted level. [dB/km]
ATMOSPHERIC_ALPHA_DB_PER_KM = 1.9
#: Ground factor G between the building and its neighbours: 0 hard (paving, water),
#: 1 porous (grass, fields); 0.5 for a town's mix of yards, streets and gardens. [–]
DEFAULT_GROUND_FACTOR = 0.5
#: Receptor height above the ground: the most exposed façade point 4 m up (the height of
#: the EU Environmental Noise Directive's strategic maps). [m]
RECEPTOR_HEIGHT_M = 4.0
#: Uses of a neighbouring building (the ``use`` of the neighbourhood's ``buildings``
#: layer) that make it noise-sensitive.
NOISE_SENSITIVE_USES = ("residential", "mixed", "school", "care", "hospital", "nursing_home")


@dataclass(frozen=True)
class Assumption:
    """One default an analysis used.

    Attributes
    ----------
    topic : str
        Short key: ``climate``, ``latitude``, ``fabric``, ``u_values``, ``zoning``,
        ``clear_height``, ``floor_load``, ``power``, ``units``, ``applicants``.
    message : str
        What was assumed, with counts.
    remedy : str
        How to supply the real value (a command).
    """

    topic: str
    message: str
    remedy: str

    def __str__(self) -> str:
        return f"{self.message}; {self.remedy}"


def _site(frames: Any) -> str:
    return str(frames.site.get("site_id", "SITE"))


def _live_spaces(frames: Any) -> Any:
    spaces = frames.spaces
    if len(spaces) and "removed" in spaces:
        spaces = spaces[~spaces["removed"].fillna(False).astype(bool)]
    return spaces


_NO_FABRIC = (
    "no building fabric is stored for the site (it was made by an older release, or its "
    "model has no external walls, windows or roofs)"
)


def _store_fabric(site: str) -> str:
    return f"store it with `site-manager site revise MODEL.ifc --site {site}`"


def latitude_of(frames: Any) -> float:
    """The site's latitude, else :data:`DEFAULT_LATITUDE_DEG`. [°]"""
    lat = frames.site.get("latitude_deg")
    return DEFAULT_LATITUDE_DEG if lat is None or math.isnan(float(lat)) else float(lat)


def energy_assumptions(frames: Any) -> list[Assumption]:
    """The defaults the energy engine uses for this site (climate, sun, fabric, zoning)."""
    site = _site(frames)
    out: list[Assumption] = []
    if not len(frames.climate_hourly) and not len(frames.climate_monthly):
        out.append(Assumption(
            "climate", "no climate stored for the site: a neutral central-European monthly "
            "climate is used",
            f"store the real one with `site-manager site climate FILE.epw --site {site}` "
            "(or a climate_monthly.csv)"))  # fmt: skip
    lat = frames.site.get("latitude_deg")
    if lat is None or (isinstance(lat, float) and math.isnan(lat)):
        out.append(Assumption(
            "latitude", f"the site's latitude is unknown: {DEFAULT_LATITUDE_DEG:g}° N is used "
            "for the sun",
            f"give it with `site-manager site set --site {site} --latitude DEG "
            "--longitude DEG`"))  # fmt: skip
    fabric = frames.fabric
    if fabric is None or not len(fabric):
        out.append(Assumption(
            "fabric", f"{_NO_FABRIC}: the spaces lose heat by air change only",
            _store_fabric(site)))  # fmt: skip
    else:
        default = fabric[fabric["u_source"].astype(str).str.startswith("default")]
        if len(default):
            kinds = ", ".join(f"{n} {k}s" for k, n in default["kind"].value_counts().sort_index()
                              .items())  # fmt: skip
            out.append(Assumption(
                "u_values", f"{len(default)} of {len(fabric)} fabric elements have no U-value "
                f"in the model ({kinds}): defaults for an uninsulated pre-1919 brick building "
                "are used",
                "give ThermalTransmittance in the elements' Pset_WallCommon / "
                "Pset_WindowCommon / ... (or material layers) and revise the model with "
                f"`site-manager site revise MODEL.ifc --site {site}`"))  # fmt: skip
    spaces = _live_spaces(frames)
    unzoned = int(spaces["use"].isna().sum()) if len(spaces) else 0
    if unzoned:
        out.append(Assumption(
            "zoning", f"{unzoned} of {len(spaces)} spaces have no use: heated, lit and cooled "
            f"as {DEFAULT_USE.replace('_', ' ')}",
            f"zone them with `site-manager zoning set --file FILE.csv --site {site}`"))  # fmt: skip
    return out


def layout_assumptions(frames: Any) -> list[Assumption]:
    """The defaults the layout problem uses (units, heights, loads, power, applicants)."""
    site = _site(frames)
    out: list[Assumption] = []
    spaces = _live_spaces(frames)
    if not len(frames.units):
        out.append(Assumption(
            "units", "no units are defined: each space zoned private production or storage "
            "(or not zoned) is offered as a unit of its own",
            "define units with "
            f"`site-manager unit define UNIT_ID --spaces 'GID;GID' --site {site}`"))  # fmt: skip
    if len(spaces):
        from_geometry = int(
            spaces["clear_height_m"].isna().sum()
            + (spaces.get("clear_height_source", pd.Series(dtype=object)) == "geometry").sum()
        )
        if from_geometry:
            out.append(Assumption(
                "clear_height", f"{from_geometry} of {len(spaces)} spaces have no clear "
                "height in the model: their geometric height is used",
                f"set it with `site-manager space set GID --clear-height-m M --site {site}` "
                f"(or {pset_property('clear_height_m')} in the model)"))  # fmt: skip
        no_load = int(spaces["floor_load_kn_m2"].isna().sum())
        if no_load:
            out.append(Assumption(
                "floor_load", f"{no_load} of {len(spaces)} spaces have an unknown floor load: "
                f"{DEFAULT_FLOOR_LOAD_KN_M2:g} kN/m² is used, so no applicant that needs a "
                "load is placed there",
                f"set it with `site-manager space set GID --floor-load-kn-m2 X --site {site}` "
                f"(or {pset_property('floor_load_kn_m2')})"))  # fmt: skip
        own = spaces["power_kw"] if "power_kw" in spaces else pd.Series(float("nan"), spaces.index)
        no_power = int((spaces["board_capacity_kw"].isna() & own.isna()).sum())
        if no_power:
            out.append(Assumption(
                "power", f"{no_power} of {len(spaces)} spaces have no distribution board "
                f"capacity nor power of their own: {DEFAULT_POWER_KW:g} kW is used, so no "
                "applicant that needs power is placed there",
                f"set it with `site-manager space set GID --board-id B --board-capacity-kw KW "
                f"--site {site}` or `--power-kw KW` (or {pset_property('board_capacity_kw')})"
                ))  # fmt: skip
    if not len(frames.applicants):
        out.append(Assumption(
            "applicants", "no applicants are stored: the problem has none to place",
            "import them with "
            f"`site-manager applicant import FILE.csv --site {site}`"))  # fmt: skip
    return out


def glazing_assumptions(frames: Any) -> list[Assumption]:
    """What the glazing ratio (:mod:`site_manager.glazing`) cannot know: the windows."""
    if frames.fabric is not None and len(frames.fabric):
        return []
    return [Assumption(
        "fabric", f"{_NO_FABRIC}: window areas and glazing ratios are left empty",
        _store_fabric(_site(frames)))]  # fmt: skip


def tenant_energy_assumptions(frames: Any) -> list[Assumption]:
    """What the per-tenant energy split (:mod:`site_manager.energy.tenants`) assumes."""
    site = _site(frames)
    info = frames.site
    out = []
    if info.get("boiler_efficiency") is None:
        out.append(Assumption(
            "boiler_efficiency", f"the boiler's efficiency is unknown: "
            f"{DEFAULT_BOILER_EFFICIENCY:g} is used (fuel = heat / efficiency)",
            f"set it with `site-manager site set --boiler-efficiency 0.92 --site "
            f"{site}`"))  # fmt: skip
    if not info.get("cost_key"):
        out.append(Assumption(
            "cost_key", f"no cost key is chosen: shared spaces are split by "
            f"{DEFAULT_COST_KEY}",
            f"choose one with `site-manager site set --cost-key "
            f"{'|'.join(COST_KEYS)} --site {site}`"))  # fmt: skip
    from site_manager.energy.tenants import site_settings  # the split's carrier rule

    cfg = site_settings(frames)
    no_price = [c for c in ("electricity", cfg.heating_carrier) if c not in cfg.tariffs]
    if no_price:
        out.append(Assumption(
            "tariffs", f"no {' or '.join(no_price)} tariff is stored: costs are left empty",
            f"set it with `site-manager site set --tariff {no_price[0]}=EUR_PER_KWH --site "
            f"{site}`"))  # fmt: skip
    meters = frames.meters
    metered = (
        set()
        if not len(meters)
        else set(meters.loc[meters["carrier"] == "electricity", "tenant_id"].dropna())
    )
    from site_manager.tenancy import current_leases

    tenants = set(current_leases(frames)["tenant_id"]) if len(frames.leases) else set()
    unmetered = tenants - metered
    if unmetered:
        out.append(Assumption(
            "electricity", f"{len(unmetered)} of {len(tenants)} tenants with a lease today "
            "have no electricity "
            "sub-meter: their electricity is modelled from their machines and area "
            "(use profiles by kind of tenant in site_manager.assumptions)",
            "meter readings come with a sample site's meters.csv; no verb imports them "
            "yet"))  # fmt: skip
    return out


def impact_assumptions(frames: Any) -> list[Assumption]:
    """The defaults the neighbourhood impact report uses for this site."""
    site, info = _site(frames), frames.site
    out = []
    if info.get("trips_threshold_per_day") is None:
        out.append(Assumption(
            "trips_threshold", f"no transport-assessment threshold set: "
            f"{DEFAULT_TRIPS_THRESHOLD_PER_DAY:g} trips a day assumed",
            f"site-manager site set --site {site} --trips-threshold TRIPS"))  # fmt: skip
    if info.get("noise_limit_day_dba") is None or info.get("noise_limit_night_dba") is None:
        out.append(Assumption(
            "noise_limits", f"no noise limits set: WHO 1999 {DEFAULT_NOISE_LIMIT_DAY_DBA:g} dB(A) "
            f"by day, {DEFAULT_NOISE_LIMIT_NIGHT_DBA:g} dB(A) at night assumed where missing",
            f"site-manager site set --site {site} --noise-limit-day DBA "
            "--noise-limit-night DBA"))  # fmt: skip
    hours = noise_hours(frames)
    unset = list(hours.loc[hours["source"] == "default", "kind"])
    if unset:
        which = "" if len(unset) == len(hours) else f" for {', '.join(unset)}"
        out.append(Assumption(
            "noise_hours", f"no machines' operating hours set{which}: the defaults by kind "
            "of tenant (site_manager.assumptions.NOISE_HOURS) are used",
            f"site-manager site set --site {site} --noise-hours KIND=DAY,NIGHT"))  # fmt: skip
    if not info.get("map_conversion"):
        out.append(Assumption(
            "map_conversion", "the model gives no map conversion: its XY is taken as the "
            "neighbourhood map's coordinates",
            "give the IFC an IfcMapConversion and run site-manager site revise "
            f"--site {site}"))  # fmt: skip
    return out


def all_assumptions(frames: Any) -> list[Assumption]:
    """Every default any analysis of this site would use (what the dashboard lists)."""
    seen: dict[str, Assumption] = {}
    for a in energy_assumptions(frames) + layout_assumptions(frames):
        seen.setdefault(a.topic, a)
    return list(seen.values())


__all__ = [
    "ATMOSPHERIC_ALPHA_DB_PER_KM",
    "DAY_HOURS",
    "DEFAULT_GROUND_FACTOR",
    "DEFAULT_NOISE_HOURS",
    "DEFAULT_NOISE_LIMIT_DAY_DBA",
    "DEFAULT_ROOM_HEIGHT_M",
    "DEFAULT_NOISE_LIMIT_NIGHT_DBA",
    "DEFAULT_OPENINGS",
    "DEFAULT_TRIPS_THRESHOLD_PER_DAY",
    "FACADE_SOUND_REDUCTION_DB",
    "NIGHT_HOURS",
    "NOISE_HOURS",
    "NOISE_SENSITIVE_USES",
    "RECEPTOR_HEIGHT_M",
    "SHARED_NOISE_KIND",
    "noise_hours",
    "ROOM_ABSORPTION",
    "impact_assumptions",
    "BASE_ELECTRICITY_W_M2",
    "COST_KEYS",
    "DEFAULT_BOILER_EFFICIENCY",
    "DEFAULT_COST_KEY",
    "DEFAULT_EUR_PER_HOUR",
    "DEFAULT_TRANSPORT_KM_PER_H",
    "DEFAULT_WORKING_HOURS",
    "DEFAULT_HEATING_CARRIER",
    "DEFAULT_USE_PROFILE",
    "HEATING_CARRIERS",
    "USE_PROFILES",
    "UseProfile",
    "tenant_energy_assumptions",
    "DEFAULT_FLOOR_LOAD_KN_M2",
    "DEFAULT_LATITUDE_DEG",
    "DEFAULT_POWER_KW",
    "DEFAULT_USE",
    "Assumption",
    "all_assumptions",
    "energy_assumptions",
    "glazing_assumptions",
    "latitude_of",
    "layout_assumptions",
]
