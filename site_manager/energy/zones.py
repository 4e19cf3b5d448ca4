"""Thermal zones: the ZONES.json contract, its validation, and zones to the 5R1C network.

A ZONES.json file is either a list of zones or ``{"zones": [...]}``. Each zone:

============================ ===================================================== ========
field                        meaning                                               default
============================ ===================================================== ========
``id``                       unique name (str)                                     required
``floor_area_m2``            conditioned floor area A_f [m²], > 0                  required
``volume_m3``                air volume [m³], > 0                                  required
``mass_class``               ``very_light``, ``light``, ``medium``, ``heavy``,     required
                             ``very_heavy`` (ISO 13790 Table 12)
``elements``                 list of envelope elements (below)                     required
``n_inf_ach``                infiltration air changes [1/h], ≥ 0                   required
``n_mech_ach``               mechanical ventilation air changes [1/h], ≥ 0         0
``heat_recovery``            heat recovery efficiency η [0–1)                      0
``heating_setpoint_c``       air temperature heating set-point [°C]                required
``cooling_setpoint_c``       cooling set-point [°C], or ``null``: not cooled       null
``internal_gains_w_m2``      internal gains while in use [W/m²], ≥ 0               0
``gains_schedule``           24 (hour of day) or 168 (hour of week, hour 0 of the  all 1
                             year is Monday 00:00) use factors ≥ 0
============================ ===================================================== ========

An element: ``kind`` (``wall``, ``roof``, ``slab``, ``window``, ``door``), ``area_m2``
(≥ 0), ``u_w_m2k`` (≥ 0), optional ``b`` (temperature adjustment factor 0–1, default 1) and,
for windows only and required there, ``g_value`` (0–1), ``frame_fraction`` (0–1) and
``irradiance_factor`` (≥ 0, the ratio of the irradiance on the window's plane to the
global horizontal irradiance). Other keys (``global_id``, ``azimuth_deg``, ...) are kept
but not used by the engine.

Solar gain of a window in hour t: ``I_h(t) · irradiance_factor · A · (1 − frame_fraction)
· g``. Not included: the shading reduction factor F_sh,ob (taken as 1), the ratio F_w of
the total to the normal-incidence g (taken as 1), solar gains on opaque elements and the
thermal radiation to the sky (ISO 13790 11.3.2–11.3.5: F_r·φ_r); doors get no solar gain.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from site_manager.energy.iso13790 import (
    MASS_CLASSES,
    HourlyProduct,
    Network,
    network_from_parameters,
    simulate,
)
from site_manager.errors import ValidationError

log = logging.getLogger(__name__)

ELEMENT_KINDS = ("wall", "roof", "slab", "window", "door")
OPAQUE_KINDS = ("wall", "roof", "slab")

#: Columns of the per-zone results frame, with their unit.
RESULT_COLUMNS: dict[str, str] = {
    "zone_id": "the zone's id",
    "floor_area_m2": "conditioned floor area [m²]",
    "heating_kwh": "annual heating need [kWh]",
    "cooling_kwh": "annual cooling need (positive) [kWh]",
    "peak_heating_kw": "largest hourly heating power [kW]",
    "peak_cooling_kw": "largest hourly cooling power (positive) [kW]",
    "heating_kwh_m2": "annual heating need per floor area [kWh/m²]",
    "monthly_heating_kwh": "heating need per month, January first (12 floats) [kWh]",
    "monthly_cooling_kwh": "cooling need per month (12 floats) [kWh]",
}


@dataclass(frozen=True)
class Element:
    """One envelope element of a zone (see the module docstring for the fields)."""

    kind: str
    area_m2: float
    u_w_m2k: float
    b: float = 1.0
    g_value: float = 0.0
    frame_fraction: float = 0.0
    irradiance_factor: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Zone:
    """One thermal zone (see the module docstring for the fields and units)."""

    id: str
    floor_area_m2: float
    volume_m3: float
    mass_class: str
    elements: tuple[Element, ...]
    n_inf_ach: float
    heating_setpoint_c: float
    n_mech_ach: float = 0.0
    heat_recovery: float = 0.0
    cooling_setpoint_c: float | None = None
    internal_gains_w_m2: float = 0.0
    gains_schedule: tuple[float, ...] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def h_tr_op_w_k(self) -> float:
        """Σ b·U·A of walls, roofs and slabs. [W/K]"""
        return sum(e.b * e.u_w_m2k * e.area_m2 for e in self.elements if e.kind in OPAQUE_KINDS)

    @property
    def h_tr_w_w_k(self) -> float:
        """Σ b·U·A of windows and doors. [W/K]"""
        return sum(e.b * e.u_w_m2k * e.area_m2 for e in self.elements if e.kind not in OPAQUE_KINDS)

    @property
    def solar_aperture_m2(self) -> float:
        """Σ irradiance_factor · A · (1 − F_F) · g of the windows: W per W/m² of GHI. [m²]"""
        return sum(
            e.irradiance_factor * e.area_m2 * (1.0 - e.frame_fraction) * e.g_value
            for e in self.elements
            if e.kind == "window"
        )


class _Problems:
    """Collects validation problems; raises one error naming the first and counting the rest."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[str] = []

    def add(self, text: str) -> None:
        self.items.append(text)

    def raise_if_any(self) -> None:
        if self.items:
            more = f" (and {len(self.items) - 1} more problems)" if len(self.items) > 1 else ""
            raise ValidationError(f"{self.source}: {self.items[0]}{more}")


def _number(
    record: dict[str, Any],
    key: str,
    where: str,
    problems: _Problems,
    *,
    default: float | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    min_exclusive: bool = False,
    max_exclusive: bool = False,
) -> float:
    """Read a finite number from ``record[key]``, noting a problem and returning NaN if bad."""
    if key not in record or record[key] is None:
        if default is not None:
            return default
        problems.add(f"{where} field {key!r} is missing; give a number")
        return math.nan
    value = record[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        problems.add(f"{where} field {key!r} must be a finite number, got {value!r}")
        return math.nan
    x = float(value)
    if minimum is not None and (x < minimum or (min_exclusive and x == minimum)):
        op = ">" if min_exclusive else "≥"
        problems.add(f"{where} field {key!r} must be {op} {minimum:g}, got {x:g}")
    if maximum is not None and (x > maximum or (max_exclusive and x == maximum)):
        op = "<" if max_exclusive else "≤"
        problems.add(f"{where} field {key!r} must be {op} {maximum:g}, got {x:g}")
    return x


def validate_zones(data: Any, *, source: str = "ZONES.json") -> list[Zone]:
    """Check a parsed ZONES.json document and return its zones.

    Parameters
    ----------
    data : list or dict
        The parsed JSON: a list of zones or ``{"zones": [...]}``.
    source : str
        The file name used in error messages.

    Raises
    ------
    ValidationError
        ``<source>: zone 'z3' field 'area_m2' ...``: the first problem, and how many more.
    """
    problems = _Problems(source)
    if isinstance(data, dict):
        if "zones" not in data:
            raise ValidationError(f"{source}: expected a list of zones or an object with 'zones'")
        data = data["zones"]
    if not isinstance(data, list) or not data:
        raise ValidationError(f"{source}: 'zones' must be a non-empty list of zone objects")
    zones: list[Zone] = []
    seen: set[str] = set()
    for i, rec in enumerate(data):
        if not isinstance(rec, dict):
            problems.add(f"zone #{i + 1} is not an object")
            continue
        zid = rec.get("id")
        if not isinstance(zid, str) or not zid:
            problems.add(f"zone #{i + 1} field 'id' must be a non-empty string, got {zid!r}")
            zid = f"#{i + 1}"
        elif zid in seen:
            problems.add(f"zone {zid!r} field 'id' is used twice; ids must be unique")
        seen.add(zid)
        where = f"zone {zid!r}"
        a_f = _number(rec, "floor_area_m2", where, problems, minimum=0.0, min_exclusive=True)
        vol = _number(rec, "volume_m3", where, problems, minimum=0.0, min_exclusive=True)
        mass = rec.get("mass_class")
        if mass not in MASS_CLASSES:
            problems.add(
                f"{where} field 'mass_class' must be one of {', '.join(MASS_CLASSES)}, got {mass!r}"
            )
        n_inf = _number(rec, "n_inf_ach", where, problems, minimum=0.0)
        n_mech = _number(rec, "n_mech_ach", where, problems, default=0.0, minimum=0.0)
        eta = _number(
            rec,
            "heat_recovery",
            where,
            problems,
            default=0.0,
            minimum=0.0,
            maximum=1.0,
            max_exclusive=True,
        )
        t_h = _number(rec, "heating_setpoint_c", where, problems, minimum=-50.0, maximum=60.0)
        t_c: float | None = None
        if rec.get("cooling_setpoint_c") is not None:
            t_c = _number(rec, "cooling_setpoint_c", where, problems, minimum=-50.0, maximum=60.0)
            if t_c < t_h:
                problems.add(
                    f"{where} field 'cooling_setpoint_c' ({t_c:g}) is below "
                    f"'heating_setpoint_c' ({t_h:g})"
                )
        gains = _number(rec, "internal_gains_w_m2", where, problems, default=0.0, minimum=0.0)
        schedule = rec.get("gains_schedule")
        sched: tuple[float, ...] | None = None
        if schedule is not None:
            ok = (
                isinstance(schedule, list)
                and len(schedule) in (24, 168)
                and all(
                    isinstance(x, (int, float)) and not isinstance(x, bool) and x >= 0
                    for x in schedule
                )
            )
            if not ok:
                problems.add(
                    f"{where} field 'gains_schedule' must be a list of 24 or 168 numbers ≥ 0"
                )
            else:
                sched = tuple(float(x) for x in schedule)
        elements_raw = rec.get("elements")
        elements: list[Element] = []
        if not isinstance(elements_raw, list):
            problems.add(f"{where} field 'elements' must be a list of elements")
            elements_raw = []
        for j, el in enumerate(elements_raw):
            ew = f"{where} element #{j + 1}"
            if not isinstance(el, dict):
                problems.add(f"{ew} is not an object")
                continue
            kind = el.get("kind")
            if kind not in ELEMENT_KINDS:
                problems.add(
                    f"{ew} field 'kind' must be one of {', '.join(ELEMENT_KINDS)}, got {kind!r}"
                )
                continue
            ew = f"{where} element #{j + 1} ({kind})"
            area = _number(el, "area_m2", ew, problems, minimum=0.0)
            u = _number(el, "u_w_m2k", ew, problems, minimum=0.0, maximum=50.0)
            b = _number(el, "b", ew, problems, default=1.0, minimum=0.0, maximum=1.0)
            g = ff = irr = 0.0
            if kind == "window":
                g = _number(el, "g_value", ew, problems, minimum=0.0, maximum=1.0)
                ff = _number(
                    el,
                    "frame_fraction",
                    ew,
                    problems,
                    minimum=0.0,
                    maximum=1.0,
                    max_exclusive=True,
                )
                irr = _number(el, "irradiance_factor", ew, problems, minimum=0.0, maximum=5.0)
            known = {"kind", "area_m2", "u_w_m2k", "b", "g_value", "frame_fraction"}
            known.add("irradiance_factor")
            extra = {k: v for k, v in el.items() if k not in known}
            elements.append(Element(kind, area, u, b, g, ff, irr, extra))
        known_zone = {
            "id", "floor_area_m2", "volume_m3", "mass_class", "elements", "n_inf_ach",
            "n_mech_ach", "heat_recovery", "heating_setpoint_c", "cooling_setpoint_c",
            "internal_gains_w_m2", "gains_schedule",
        }  # fmt: skip
        zones.append(
            Zone(
                id=str(zid),
                floor_area_m2=a_f,
                volume_m3=vol,
                mass_class=str(mass),
                elements=tuple(elements),
                n_inf_ach=n_inf,
                heating_setpoint_c=t_h,
                n_mech_ach=n_mech,
                heat_recovery=eta,
                cooling_setpoint_c=t_c,
                internal_gains_w_m2=gains,
                gains_schedule=sched,
                extra={k: v for k, v in rec.items() if k not in known_zone},
            )
        )
    problems.raise_if_any()
    # The mass coupling bound of ISO 13790 12.2.2, named per zone.
    for z in zones:
        a_m = MASS_CLASSES[z.mass_class][0] * z.floor_area_m2
        if z.h_tr_op_w_k >= 9.1 * a_m:
            problems.add(
                f"zone {z.id!r} field 'elements': opaque conductance Σ b·U·A = "
                f"{z.h_tr_op_w_k:.1f} W/K is not below the mass coupling 9.1·A_m = "
                f"{9.1 * a_m:.1f} W/K (ISO 13790 12.2.2); check the element areas, U-values "
                "and floor area"
            )
    problems.raise_if_any()
    return zones


def read_zones(path: str | Path) -> list[Zone]:
    """Read and validate a ZONES.json file.

    Raises
    ------
    ValidationError
        The file is missing, is not JSON, or breaks the contract (one line naming the zone
        and field).
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"{p}: cannot read the zones file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ValidationError(
            f"{p}: not a text file; give the ZONES.json that `energy zones` writes"
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"{p}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    return validate_zones(data, source=p.name)


def zones_to_json(zones: list[Zone], **meta: Any) -> dict[str, Any]:
    """The ZONES.json document of ``zones`` (round-trips through :func:`validate_zones`)."""
    out = []
    for z in zones:
        rec = asdict(z)
        extra = rec.pop("extra")
        rec["elements"] = []
        for e in z.elements:
            el: dict[str, Any] = {"kind": e.kind, "area_m2": e.area_m2, "u_w_m2k": e.u_w_m2k}
            if e.b != 1.0:
                el["b"] = e.b
            if e.kind == "window":
                el.update(
                    g_value=e.g_value,
                    frame_fraction=e.frame_fraction,
                    irradiance_factor=e.irradiance_factor,
                )
            el.update(e.extra)
            rec["elements"].append(el)
        if rec["gains_schedule"] is None:
            del rec["gains_schedule"]
        else:
            rec["gains_schedule"] = list(rec["gains_schedule"])
        rec.update(extra)
        out.append(rec)
    return {**meta, "zones": out}


def network_from_zones(zones: list[Zone]) -> Network:
    """The 5R1C network of validated zones (ISO 13790 conventions, see ``iso13790``)."""
    return network_from_parameters(
        floor_area_m2=[z.floor_area_m2 for z in zones],
        volume_m3=[z.volume_m3 for z in zones],
        h_tr_op=[z.h_tr_op_w_k for z in zones],
        h_tr_w=[z.h_tr_w_w_k for z in zones],
        mass_class=[z.mass_class for z in zones],
        n_inf_ach=[z.n_inf_ach for z in zones],
        n_mech_ach=[z.n_mech_ach for z in zones],
        heat_recovery=[z.heat_recovery for z in zones],
        ids=[z.id for z in zones],
    )


def gains_products(
    zones: list[Zone], ghi_w_m2: npt.ArrayLike
) -> tuple[HourlyProduct, HourlyProduct]:
    """Hourly internal and solar gains of every zone as :class:`HourlyProduct`. [W]

    Internal: ``internal_gains_w_m2 · A_f · schedule(hour)``; solar: ``GHI(t) · Σ
    irradiance_factor · A · (1 − F_F) · g`` of the zone's windows. Zones share a few
    schedules: one hourly column per distinct schedule, times a matrix that holds each zone's
    level in its schedule's row; each element of the product has one non-zero term, so it
    equals level × schedule exactly. :func:`~site_manager.energy.iso13790.simulate` forms
    the (hours × zones) arrays a few hours at a time.
    """
    ghi = np.asarray(ghi_w_m2, dtype=float).ravel()
    n_h = ghi.shape[0]
    hours = np.arange(n_h)
    groups: dict[tuple[float, ...] | None, int] = {}
    group = [groups.setdefault(z.gains_schedule, len(groups)) for z in zones]
    columns = np.empty((n_h, len(groups)))
    for schedule, g in groups.items():
        sched = np.ones(1) if schedule is None else np.asarray(schedule, dtype=float)
        columns[:, g] = sched[hours % sched.shape[0]]
    levels = np.zeros((len(groups), len(zones)))
    levels[group, np.arange(len(zones))] = [z.internal_gains_w_m2 * z.floor_area_m2 for z in zones]
    aperture = np.array([z.solar_aperture_m2 for z in zones], dtype=float)
    return HourlyProduct(columns, levels), HourlyProduct(ghi[:, None], aperture[None, :])


def gains_from_zones(
    zones: list[Zone], ghi_w_m2: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Hourly internal and solar gains of every zone, arrays of shape (n_hours, n_zones). [W]

    The arrays of :func:`gains_products`.
    """
    internal, solar = gains_products(zones, ghi_w_m2)
    return np.ascontiguousarray(np.asarray(internal)), np.asarray(solar)


def apply_gains_table(
    zones: list[Zone],
    internal: npt.NDArray[np.float64],
    solar: npt.NDArray[np.float64],
    table: pd.DataFrame,
    *,
    source: str = "GAINS.csv",
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Replace computed gains by the ``<id>:internal_w`` / ``<id>:solar_w`` columns of ``table``.

    Raises
    ------
    ValidationError
        A column names an unknown zone or quantity, or the row count differs.
    """
    index = {z.id: k for k, z in enumerate(zones)}
    internal = internal.copy()
    solar = solar.copy()
    if len(table) != internal.shape[0]:
        raise ValidationError(
            f"{source}: has {len(table)} rows; expected {internal.shape[0]} (one per hour)"
        )
    for col in table.columns:
        if col in ("hour", "time", "timestamp"):
            continue
        zid, sep, what = str(col).rpartition(":")
        if not sep or what not in ("internal_w", "solar_w"):
            raise ValidationError(
                f"{source}: column {col!r} must be '<zone id>:internal_w' or '<zone id>:solar_w'"
            )
        if zid not in index:
            raise ValidationError(f"{source}: column {col!r} names zone {zid!r}, not in the zones")
        values = pd.to_numeric(table[col], errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise ValidationError(
                f"{source}: zone {zid!r} column {col!r} row {int(bad[0]) + 2} is not a number "
                f"({table[col].iloc[int(bad[0])]!r})"
            )
        target = internal if what == "internal_w" else solar
        target[:, index[zid]] = values
    return internal, solar


def simulate_zones(
    zones: list[Zone],
    climate: pd.DataFrame,
    *,
    gains: pd.DataFrame | None = None,
    gains_source: str = "GAINS.csv",
) -> pd.DataFrame:
    """Run the 5R1C model for validated zones and return one row per zone.

    Parameters
    ----------
    zones : list of Zone
        From :func:`read_zones` or :func:`validate_zones`.
    climate : pandas.DataFrame
        Hourly ``t_out_c`` [°C] and ``ghi_w_m2`` [W/m²], see
        :mod:`site_manager.energy.climate`.
    gains : pandas.DataFrame, optional
        A GAINS table whose ``<id>:internal_w`` / ``<id>:solar_w`` columns replace the
        computed gains. [W]
    gains_source : str
        The gains file's name for error messages.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RESULT_COLUMNS`.
    """
    network = network_from_zones(zones)
    internal: Any
    solar: Any
    internal, solar = gains_products(zones, climate["ghi_w_m2"].to_numpy())
    if gains is not None:
        internal, solar = apply_gains_table(
            zones, np.asarray(internal), np.asarray(solar), gains, source=gains_source
        )
    result = simulate(
        network,
        climate["t_out_c"].to_numpy(),
        internal_w=internal,
        solar_w=solar,
        heating_setpoint_c=[z.heating_setpoint_c for z in zones],
        cooling_setpoint_c=[
            np.inf if z.cooling_setpoint_c is None else z.cooling_setpoint_c for z in zones
        ],
    )
    return results_frame(zones, result)


def results_frame(zones: list[Zone], result: Any) -> pd.DataFrame:
    """One row per zone from a :class:`~site_manager.energy.iso13790.SimulationResult`."""
    area = np.array([z.floor_area_m2 for z in zones])
    return pd.DataFrame(
        {
            "zone_id": [z.id for z in zones],
            "floor_area_m2": area,
            "heating_kwh": result.heating_kwh,
            "cooling_kwh": result.cooling_kwh,
            "peak_heating_kw": result.peak_heating_kw,
            "peak_cooling_kw": result.peak_cooling_kw,
            "heating_kwh_m2": result.heating_kwh / area,
            "monthly_heating_kwh": [list(map(float, c)) for c in result.monthly_heating_kwh.T],
            "monthly_cooling_kwh": [list(map(float, c)) for c in result.monthly_cooling_kwh.T],
        }
    )


def read_gains_csv(path: str | Path, *, n_hours: int = 8760) -> pd.DataFrame:
    """Read a GAINS.csv: ``n_hours`` rows of ``<zone id>:internal_w`` / ``<zone id>:solar_w``.

    Columns are checked against the zones by :func:`apply_gains_table`.

    Raises
    ------
    ValidationError
        Missing or unreadable file, or the wrong number of rows.
    """
    p = Path(path)
    try:
        table = pd.read_csv(p)
    except FileNotFoundError:
        raise ValidationError(f"{p}: gains file not found") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValidationError(f"{p}: not a readable CSV ({exc})") from None
    if len(table) != n_hours:
        raise ValidationError(f"{p.name}: has {len(table)} rows; expected {n_hours} (one per hour)")
    return table
