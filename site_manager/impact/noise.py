"""Noise of the site's machines at the neighbours' façades, by day and by night.

Sources are the register's equipment with a ``noise_db`` (the A-weighted sound pressure
level 1 m from the machine inside its room) in a space that is not removed. Each runs the
hours of its tenant's kind by day and by night as the site sets them, else the defaults
(:func:`~site_manager.assumptions.noise_hours`; shared machines, machines of no owner and of
unknown kinds: those of :data:`~site_manager.assumptions.SHARED_NOISE_KIND`), so its power
averaged over a period is Lw + 10 lg(hours / period).
The machines of a room add up to its reverberant level, which leaves through each external
wall, window and door bounding the room (the stored fabric: area share, orientation, height)
by its sound reduction (:data:`~site_manager.assumptions.FACADE_SOUND_REDUCTION_DB`), and
propagates to the receptors by ISO 9613-2 (:mod:`site_manager.impact.acoustics`).

Receptors are the points a site gives in a ``receptors`` layer of its neighbourhood, else,
for each building of the ``buildings`` layer whose ``use`` is noise-sensitive
(:data:`~site_manager.assumptions.NOISE_SENSITIVE_USES`), the most exposed point of its
façade (probed every 2 m along its outline) at :data:`~site_manager.assumptions.
RECEPTOR_HEIGHT_M` above the ground.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely

from site_manager.assumptions import (
    ATMOSPHERIC_ALPHA_DB_PER_KM,
    DAY_HOURS,
    DEFAULT_GROUND_FACTOR,
    DEFAULT_NOISE_LIMIT_DAY_DBA,
    DEFAULT_NOISE_LIMIT_NIGHT_DBA,
    DEFAULT_OPENINGS,
    DEFAULT_ROOM_HEIGHT_M,
    FACADE_SOUND_REDUCTION_DB,
    NIGHT_HOURS,
    NOISE_SENSITIVE_USES,
    RECEPTOR_HEIGHT_M,
    ROOM_ABSORPTION,
    SHARED_NOISE_KIND,
    noise_hours,
)
from site_manager.impact import acoustics
from site_manager.impact.geo import map_matrix

log = logging.getLogger(__name__)

PERIODS = (("day", DAY_HOURS), ("night", NIGHT_HOURS))
#: Spacing of the probe points along a neighbour's outline. [m]
PROBE_SPACING_M = 2.0

RECEPTOR_COLUMNS = [
    "receptor",
    "use",
    "x",
    "y",
    "level_day_dba",
    "level_night_dba",
    "limit_day_dba",
    "limit_night_dba",
    "exceeds_day",
    "exceeds_night",
]
CONTRIBUTOR_COLUMNS = [
    "equipment_id",
    "name",
    "tenant_id",
    "space_global_id",
    "noise_db",
    "hours_day",
    "hours_night",
    "level_day_dba",
    "level_night_dba",
]


@dataclass
class Noise:
    """What :func:`noise_at_neighbours` returns.

    Attributes
    ----------
    receptors : pandas.DataFrame
        :data:`RECEPTOR_COLUMNS`, loudest by day first; x, y in the map's CRS [m].
    contributors : pandas.DataFrame
        :data:`CONTRIBUTOR_COLUMNS`: each machine's level at the most exposed receptor.
    sources : pandas.DataFrame
        One row per radiating façade element: ``x``, ``y``, ``height_m``, ``kind``,
        ``space_global_id``, ``power_day_db``, ``power_night_db``.
    limit_day_dba, limit_night_dba : float
    notes : list of str
    hours : pandas.DataFrame
        The operating hours used, by kind (:func:`~site_manager.assumptions.noise_hours`:
        ``kind``, ``hours_day``, ``hours_night`` [h], ``source`` site or default).
    """

    receptors: pd.DataFrame
    contributors: pd.DataFrame
    sources: pd.DataFrame
    limit_day_dba: float
    limit_night_dba: float
    notes: list[str] = field(default_factory=list)
    hours: pd.DataFrame = field(default_factory=pd.DataFrame)


def _limits(frames: Any) -> tuple[float, float]:
    day, night = frames.site.get("noise_limit_day_dba"), frames.site.get("noise_limit_night_dba")
    return (
        float(day) if day is not None else DEFAULT_NOISE_LIMIT_DAY_DBA,
        float(night) if night is not None else DEFAULT_NOISE_LIMIT_NIGHT_DBA,
    )


def machines(frames: Any) -> pd.DataFrame:
    """Machines with a noise level in a live space, with their hours and sound power."""
    eq = frames.equipment
    spaces = frames.spaces
    live = (
        set(spaces.loc[~spaces["removed"].fillna(False).astype(bool), "global_id"])
        if len(spaces)
        else set()
    )
    kinds = dict(
        zip(frames.tenants.get("tenant_id", []), frames.tenants.get("kind", []), strict=True)
    )
    table = noise_hours(frames)
    by_kind = {k: (d, n) for k, d, n in zip(table["kind"], table["hours_day"],
                                            table["hours_night"], strict=True)}  # fmt: skip
    shared_hours = by_kind[SHARED_NOISE_KIND]
    rows = []
    for r in eq.itertuples(index=False) if len(eq) else []:
        if r.noise_db is None or pd.isna(r.noise_db) or r.space_global_id not in live:
            continue
        owner = r.owner_tenant_id if isinstance(r.owner_tenant_id, str) else None
        shared = bool(r.shared) if r.shared is not None and not pd.isna(r.shared) else False
        hours = (
            shared_hours
            if shared or owner is None
            else by_kind.get(str(kinds.get(owner) or ""), shared_hours)
        )
        rows.append(
            {
                "equipment_id": r.equipment_id,
                "name": r.name,
                "tenant_id": owner,
                "space_global_id": r.space_global_id,
                "noise_db": float(r.noise_db),
                "hours_day": hours[0],
                "hours_night": hours[1],
                "power_db": acoustics.machine_power_db(float(r.noise_db)),
            }
        )
    return pd.DataFrame(rows, columns=[*CONTRIBUTOR_COLUMNS[:7], "power_db"])


def _period_power(power_db: float, hours: float, period_h: float) -> float:
    return power_db + 10.0 * math.log10(hours / period_h) if hours > 0 else -math.inf


def _room(space: Any) -> float:
    """Absorption area of a space's room. [m²]"""
    fp = shapely.from_wkt(space.footprint_wkt) if isinstance(space.footprint_wkt, str) else None
    area = float(space.area_m2) if space.area_m2 and not pd.isna(space.area_m2) else 0.0
    if fp is not None and not fp.is_empty:
        area = area or float(fp.area)
        perimeter = float(fp.length)
    else:
        perimeter = 4.0 * math.sqrt(area)
    h = next(
        (
            float(v)
            for v in (space.height_m, space.clear_height_m)
            if v is not None and not pd.isna(v) and v > 0
        ),
        DEFAULT_ROOM_HEIGHT_M,
    )
    return acoustics.room_absorption_m2(max(area, 1.0), perimeter, h, ROOM_ABSORPTION)


def facade_sources(
    frames: Any, mach: pd.DataFrame, openings: str = DEFAULT_OPENINGS
) -> pd.DataFrame:
    """Façade elements radiating the rooms' sound, with their day and night power."""
    cols = [
        "x",
        "y",
        "height_m",
        "nx",
        "ny",
        "kind",
        "space_global_id",
        "area_m2",
        "power_day_db",
        "power_night_db",
    ]
    fabric = frames.fabric
    if not len(mach) or fabric is None or not len(fabric):
        return pd.DataFrame(columns=cols)
    spaces = frames.spaces.set_index("global_id")
    m = map_matrix(frames)
    ground = float(np.nanmin(fabric["z_min_m"])) if fabric["z_min_m"].notna().any() else 0.0
    room_levels: dict[str, dict[str, float]] = {}
    for gid, sub in mach.groupby("space_global_id"):
        a = _room(spaces.loc[gid])
        room_levels[str(gid)] = {
            p: float(
                acoustics.energy_sum_db(
                    np.array(
                        [
                            _period_power(w, h, ph)
                            for w, h in zip(sub["power_db"], sub[f"hours_{p}"], strict=True)
                        ]
                    )
                )
            )
            + 10.0 * math.log10(4.0 / a)
            for p, ph in PERIODS
        }
    rows = []
    for el in fabric.itertuples(index=False):
        if el.kind not in ("wall", "window", "door") or pd.isna(el.azimuth_deg):
            continue
        for gid, share in zip(el.space_global_ids or [], el.space_areas_m2 or [], strict=False):
            if gid not in room_levels or not share or share <= 0:
                continue
            r_db = FACADE_SOUND_REDUCTION_DB[(el.kind, openings)]
            c = (
                el.geometry.centroid
                if el.geometry is not None and not el.geometry.is_empty
                else None
            )
            if c is None:
                continue
            x = m[0] * c.x + m[1] * c.y + m[4]
            y = m[2] * c.x + m[3] * c.y + m[5]
            az = math.radians(float(el.azimuth_deg))
            z = (float(el.z_min_m) + float(el.z_max_m)) / 2.0 - ground
            rows.append(
                {
                    "x": x,
                    "y": y,
                    "height_m": max(z, 0.5),
                    "nx": math.sin(az),
                    "ny": math.cos(az),
                    "kind": el.kind,
                    "space_global_id": gid,
                    "area_m2": float(share),
                    **{
                        f"power_{p}_db": (
                            acoustics.facade_power_db(room_levels[gid][p], float(share), r_db)
                            if math.isfinite(room_levels[gid][p])
                            else -math.inf
                        )
                        for p, _ in PERIODS
                    },
                }
            )
    return pd.DataFrame(rows, columns=cols)


def receptor_candidates(frames: Any) -> pd.DataFrame:
    """``receptor``, ``use``, ``x``, ``y``, ``height_m``: probe points of each receptor."""
    cols = ["receptor", "use", "x", "y", "height_m"]
    given = frames.neighbourhood_gdf("receptors")
    rows = []
    if len(given):
        for i, r in enumerate(given.itertuples(index=False)):
            p = r.geometry.representative_point() if r.geometry is not None else None
            if p is None:
                continue
            h = getattr(r, "height_m", None)
            rows.append(
                {
                    "receptor": str(getattr(r, "name", None) or f"receptor {i + 1}"),
                    "use": str(getattr(r, "use", None) or "given"),
                    "x": p.x,
                    "y": p.y,
                    "height_m": float(h) if h and not pd.isna(h) else RECEPTOR_HEIGHT_M,
                }
            )
        return pd.DataFrame(rows, columns=cols)
    blds = frames.neighbourhood_gdf("buildings")
    if not len(blds) or "use" not in blds:
        return pd.DataFrame(columns=cols)
    for i, r in enumerate(blds.itertuples(index=False)):
        if str(r.use).lower() not in NOISE_SENSITIVE_USES or r.geometry is None:
            continue
        ring = r.geometry.exterior if hasattr(r.geometry, "exterior") else r.geometry.boundary
        pts = shapely.get_coordinates(shapely.segmentize(ring, PROBE_SPACING_M))
        name = str(getattr(r, "name", None) or f"building {i + 1}")
        rows += [
            {
                "receptor": name,
                "use": str(r.use),
                "x": float(x),
                "y": float(y),
                "height_m": RECEPTOR_HEIGHT_M,
            }
            for x, y in pts[:-1]
        ]
    return pd.DataFrame(rows, columns=cols)


def _levels(
    src: pd.DataFrame, pts: pd.DataFrame, power: np.ndarray, ground_factor: float
) -> np.ndarray:
    """Level of each source (rows) at each point (columns), −inf behind its façade. [dB(A)]"""
    dx = pts["x"].to_numpy()[None, :] - src["x"].to_numpy()[:, None]
    dy = pts["y"].to_numpy()[None, :] - src["y"].to_numpy()[:, None]
    dp = np.hypot(dx, dy)
    front = dx * src["nx"].to_numpy()[:, None] + dy * src["ny"].to_numpy()[:, None] > 0
    lv = acoustics.point_source_level(
        0.0,
        dp,
        src["height_m"].to_numpy()[:, None],
        pts["height_m"].to_numpy()[None, :],
        ground_factor=ground_factor,
        alpha_db_per_km=ATMOSPHERIC_ALPHA_DB_PER_KM,
        directivity_db=10.0 * math.log10(2.0),
    )
    return np.where(front, lv + power[:, None], -np.inf)


def noise_at_neighbours(
    frames: Any, *, openings: str = DEFAULT_OPENINGS, ground_factor: float = DEFAULT_GROUND_FACTOR
) -> Noise:
    """Day and night levels at the noise-sensitive neighbours, and the loudest machines."""
    day_limit, night_limit = _limits(frames)
    notes = [
        "barriers (screening by buildings) and reflections are not modelled: free "
        "propagation over flat ground, an upper estimate behind other buildings"
    ]
    mach = machines(frames)
    src = facade_sources(frames, mach, openings)
    cand = receptor_candidates(frames)
    empty = Noise(
        pd.DataFrame(columns=RECEPTOR_COLUMNS),
        pd.DataFrame(columns=CONTRIBUTOR_COLUMNS),
        src,
        day_limit,
        night_limit,
        notes,
        noise_hours(frames),
    )
    if not len(cand):
        notes.append(
            "no noise-sensitive neighbour: the neighbourhood has no buildings layer "
            "with a residential, school or care use, nor a receptors layer"
        )
        return empty
    if not len(mach):
        notes.append("no machine with a noise level (equipment noise_db) in the register")
    elif not len(src):
        notes.append(
            "no external wall, window or door bounds a room with machines (no stored "
            "fabric, or the machines are in inner rooms)"
        )
    if not len(src):
        return empty
    per = {
        p: _levels(src, cand, src[f"power_{p}_db"].to_numpy(), ground_factor) for p, _ in PERIODS
    }
    total = {p: acoustics.energy_sum_db(v, axis=0) for p, v in per.items()}
    cand = cand.assign(level_day_dba=total["day"], level_night_dba=total["night"])
    rows = []
    for name, sub in cand.groupby("receptor", sort=False):
        at = sub.iloc[int(np.argmax(sub["level_day_dba"].to_numpy()))]
        d, n = float(sub["level_day_dba"].max()), float(sub["level_night_dba"].max())
        rows.append(
            {
                "receptor": name,
                "use": sub["use"].iloc[0],
                "x": float(at["x"]),
                "y": float(at["y"]),
                "level_day_dba": d,
                "level_night_dba": n,
                "limit_day_dba": day_limit,
                "limit_night_dba": night_limit,
                "exceeds_day": d > day_limit,
                "exceeds_night": n > night_limit,
            }
        )
    rec = pd.DataFrame(rows, columns=RECEPTOR_COLUMNS).sort_values(
        "level_day_dba", ascending=False, ignore_index=True
    )
    worst = int(np.argmax(total["day"]))  # the most exposed probe point of all
    contrib = mach.drop(columns=["power_db"]).copy()
    for p, ph in PERIODS:
        room_at = {
            g: acoustics.energy_sum_db(per[p][(src["space_global_id"] == g).to_numpy(), worst])
            for g in src["space_global_id"].unique()
        }
        room_power = {
            g: float(
                acoustics.energy_sum_db(
                    np.array(
                        [
                            _period_power(w, h, ph)
                            for w, h in zip(s["power_db"], s[f"hours_{p}"], strict=True)
                        ]
                    )
                )
            )
            for g, s in mach.groupby("space_global_id")
        }
        contrib[f"level_{p}_dba"] = [
            float(room_at[g]) + _period_power(w, h, ph) - room_power[g]
            if g in room_at and h > 0 and math.isfinite(room_power[g])
            else -math.inf
            for g, w, h in zip(
                mach["space_global_id"], mach["power_db"], mach[f"hours_{p}"], strict=True
            )
        ]
    contrib = contrib.sort_values("level_day_dba", ascending=False, ignore_index=True)
    return Noise(rec, contrib[CONTRIBUTOR_COLUMNS], src, day_limit, night_limit, notes,
                 empty.hours)  # fmt: skip
