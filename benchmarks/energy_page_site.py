"""A synthetic 2,000-space site for the Energy page benchmark: copies of a sample site.

The textile mill's register frames (spaces, fabric, units, tenants, leases, equipment,
boards, meter readings, walls and columns) are copied ``ceil(n / 37)`` times with new ids
and footprints moved apart on a grid, so the copies are separate buildings of one site:
the per-space model, the per-tenant split (one meter reading per copy of each meter) and
the roof faces all grow with the copies. Kept apart from ``energy_speed.py`` to keep both
short.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import pandas as pd
import shapely
from shapely import affinity


def _suffix(value: Any, k: int) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return value
    return f"{value}~{k}"


def _renamed(values: pd.Series, k: int) -> list[Any]:
    return [_suffix(v, k) for v in values]


def replicate(frames: Any, spaces: int = 2000) -> Any:
    """``frames`` copied until it has at least ``spaces`` spaces (module docstring)."""
    n = max(1, math.ceil(spaces / len(frames.spaces)))
    out = copy.copy(frames)
    parts: dict[str, list[pd.DataFrame]] = {}

    def add(name: str, frame: pd.DataFrame) -> None:
        parts.setdefault(name, []).append(frame)

    for k in range(n):
        dx, dy = (k % 8) * 120.0, (k // 8) * 80.0
        sp = frames.spaces.copy()
        sp["global_id"] = _renamed(sp["global_id"], k)
        sp["board_id"] = _renamed(sp["board_id"], k)
        sp["footprint_wkt"] = [
            affinity.translate(shapely.from_wkt(w), dx, dy).wkt if isinstance(w, str) and w
            else w for w in sp["footprint_wkt"]
        ]  # fmt: skip
        add("spaces", sp)
        fab = frames.fabric.copy()
        fab["global_id"] = _renamed(fab["global_id"], k)
        fab["space_global_ids"] = [[_suffix(g, k) for g in ids] for ids in fab["space_global_ids"]]
        add("fabric", fab)
        un = frames.units.copy()
        un["unit_id"] = _renamed(un["unit_id"], k)
        un["space_global_ids"] = [[_suffix(g, k) for g in ids] for ids in un["space_global_ids"]]
        add("units", un)
        us = frames.unit_spaces.copy()
        for c in ("unit_id", "space_global_id"):
            us[c] = _renamed(us[c], k)
        add("unit_spaces", us)
        for name, cols in (
            ("tenants", ["tenant_id"]), ("leases", ["lease_id", "unit_id", "tenant_id"]),
            ("equipment", ["equipment_id", "owner_tenant_id", "space_global_id", "board_id"]),
            ("boards", ["board_id"]), ("meters", ["meter_id", "tenant_id"]),
            ("skills", ["tenant_id"]),
        ):  # fmt: skip
            f = getattr(frames, name).copy()
            for c in cols:
                f[c] = _renamed(f[c], k)
            add(name, f)
        if frames.outlines is not None and len(frames.outlines):
            ol = frames.outlines.copy()
            ol["geometry"] = ol.geometry.translate(dx, dy)
            add("outlines", ol)
        if len(frames.columns):
            co = frames.columns.copy()
            co["x_m"], co["y_m"] = co["x_m"] + dx, co["y_m"] + dy
            add("columns", co)
    for name, frames_ in parts.items():
        joined = pd.concat(frames_, ignore_index=True)
        if name in ("fabric", "outlines"):
            import geopandas as gpd

            joined = gpd.GeoDataFrame(joined, geometry="geometry", crs=frames_[0].crs)
        setattr(out, name, joined)
    return out
