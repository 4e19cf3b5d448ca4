"""The Layout lab's floor plan: each unit of a layout problem as a polygon, with its occupant.

A problem's units are the register's units (their spaces' footprints joined), or single
spaces on a site without units, or bays of a large unit (``<unit>/b<k>``) cut on its column
grid exactly as :func:`~site_manager.layout.from_site.problem_from_register` cuts them (the
same :func:`~site_manager.layout.from_site.grid_bays` / ``equal_bays`` on the same columns).
:func:`plan_frame` gives the frame :func:`site_manager.figures.floor_plan_figure` draws,
coloured by ``occupant`` (the applicant placed, an existing tenant, or vacant).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import pandas as pd

from site_manager.layout.from_site import (
    _columns_near,
    _live_spaces,
    _missing,
    _parts_of,
    equal_bays,
    grid_bays,
)
from site_manager.layout.problem import Problem

#: The occupant label of a unit nobody holds, and of one an existing tenant holds.
VACANT = "vacant"
EXISTING = "existing tenant"
#: Fills of those two on the plan (applicants get the figure's categorical colours).
OCCUPANT_COLOURS = {VACANT: "#f4f4f4", EXISTING: "#c9c9c9"}


def unit_footprints(
    frames: Any,
    problem: Problem,
    *,
    bay_area_m2: float | None = None,
    min_bay_m2: float | None = None,
) -> dict[str, Any]:
    """Unit id -> footprint polygon (shapely) of every unit of ``problem`` that has one.

    ``bay_area_m2`` and ``min_bay_m2`` must be those the problem was built with.
    """
    from shapely.ops import unary_union

    spaces = _live_spaces(frames)
    if not len(spaces):
        return {}
    by_unit: dict[str, list[str]] = {}
    if len(frames.units):
        for rec in frames.units.to_dict(orient="records"):
            by_unit[str(rec["unit_id"])] = [g for g in rec["space_global_ids"] if g in spaces.index]
    else:
        names = spaces["name"].astype(str).str.strip()
        counts = names.value_counts()
        for gid, name in names.items():
            by_unit[name if name and counts[name] == 1 and not _missing(name) else str(gid)] = [
                str(gid)
            ]
    import shapely

    wanted = {u.id for u in problem.units}
    # bays that carry their footprint (problems built since units of parts of halls)
    out: dict[str, Any] = {u.id: shapely.from_wkt(u.footprint_wkt) for u in problem.units
                           if getattr(u, "footprint_wkt", "")}  # fmt: skip
    parts = _parts_of(frames)
    bays: dict[str, list[str]] = {}
    for uid in wanted:
        base, _, k = uid.rpartition("/b")
        if base and k.isdigit() and uid not in by_unit and uid not in out:
            bays.setdefault(base, []).append(uid)
    for base_id, gids in by_unit.items():
        own = parts.get(base_id, {})
        geoms = [own[g][0] if g in own else spaces.at[g, "geometry"] for g in gids]
        geoms = [g for g in geoms if g is not None]
        if not geoms:
            continue
        footprint = unary_union(geoms)
        if base_id in wanted:
            out[base_id] = footprint
        elif base_id in bays and bay_area_m2:
            storey = next(u.storey for u in problem.units if u.hall == base_id)
            rows = [spaces.loc[g] for g in gids]
            points = _columns_near(frames.columns, footprint, storey, rows)
            pieces = grid_bays(
                footprint,
                points,
                min_bay_m2=bay_area_m2 / 3 if min_bay_m2 is None else min_bay_m2,
            )
            if pieces is None:
                area = sum(u.area for u in problem.units if u.hall == base_id)
                pieces = equal_bays(footprint, max(2, round(area / bay_area_m2)))
            for n, part in enumerate(pieces, start=1):
                if f"{base_id}/b{n}" in wanted:
                    out[f"{base_id}/b{n}"] = part
    return out


def occupants(problem: Problem, assignment: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Unit id -> who holds it in the layout: an applicant id, an existing tenant's id."""
    held = {u: e.id for e in problem.existing for u in e.units}
    for aid, uids in assignment.items():
        for u in uids:
            held.setdefault(u, aid)
    return held


def plan_frame(
    footprints: Mapping[str, Any],
    problem: Problem,
    assignment: Mapping[str, Sequence[str]],
    *,
    storey: str | None = None,
) -> gpd.GeoDataFrame:
    """The units of one storey (all with ``None``) for the floor plan figure.

    Columns: ``global_id`` and ``name`` (the unit id, what a click on the plan returns),
    ``long_name`` (the unit's name), ``storey``, ``area_m2``, ``height_m``, ``tenant`` (who
    holds it, shown in the room's label) and ``occupant`` (the colour: the applicant's id,
    :data:`EXISTING` or :data:`VACANT`).
    """
    existing = {e.id for e in problem.existing}
    held = occupants(problem, assignment)
    rows, geoms = [], []
    for u in problem.units:
        if u.id not in footprints or (storey is not None and u.storey != storey):
            continue
        who = held.get(u.id, "")
        rows.append({
            "global_id": u.id, "name": u.id, "long_name": u.name, "storey": u.storey,
            "area_m2": u.area, "height_m": u.height, "tenant": who,
            "occupant": VACANT if not who else EXISTING if who in existing else who,
        })  # fmt: skip
        geoms.append(footprints[u.id])
    columns = ["global_id", "name", "long_name", "storey", "area_m2", "height_m", "tenant",
               "occupant"]  # fmt: skip
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=columns), geometry=geoms or None)


__all__ = ["EXISTING", "OCCUPANT_COLOURS", "VACANT", "occupants", "plan_frame", "unit_footprints"]
