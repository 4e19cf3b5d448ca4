"""Glazing ratio of each space: its window area over its floor area.

A first look at daylight, per space. The window area of a space is the share of each
external window (rooflights included) that the building model's fabric gives it
(``space_areas_m2`` of :data:`site_manager.ifc.fabric.FABRIC_COLUMNS`); a window that bounds
no known space counts for none. This module is the worked example of
``docs/how-to-add-an-analysis.md``.

Examples
--------
>>> from types import SimpleNamespace
>>> spaces = pd.DataFrame({"global_id": ["S1"], "name": ["Workshop"], "storey": ["EG"],
...                        "area_m2": [80.0], "removed": [False]})
>>> fabric = pd.DataFrame({"kind": ["window", "window", "wall"],
...                        "space_global_ids": [["S1"], ["S1"], ["S1"]],
...                        "space_areas_m2": [[4.8], [3.2], [30.0]]})
>>> row = glazing_ratio(SimpleNamespace(spaces=spaces, fabric=fabric)).iloc[0]
>>> float(row["window_area_m2"]), float(row["glazing_ratio"])
(8.0, 0.1)
"""

from __future__ import annotations

from typing import Any

import pandas as pd

#: Columns of the glazing frame (one row per space not removed), with their unit.
GLAZING_COLUMNS: dict[str, str] = {
    "global_id": "IFC GlobalId of the space",
    "name": "the space's name",
    "storey": "its storey",
    "area_m2": "floor area [m²]",
    "window_area_m2": "area of the windows bounding it; empty when no fabric is stored [m²]",
    "glazing_ratio": "window area / floor area; empty when either is unknown or zero [–]",
}


def glazing_ratio(frames: Any) -> pd.DataFrame:
    """Window area and glazing ratio of every space of a site that is not removed.

    Parameters
    ----------
    frames : RegisterFrames
        The site's register (:func:`site_manager.register.frames`); reads ``spaces`` and
        ``fabric``. Where no fabric is stored the window areas are unknown (NaN), not zero:
        :func:`site_manager.assumptions.glazing_assumptions` says so.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`GLAZING_COLUMNS`, in the order of ``frames.spaces``.
    """
    spaces = frames.spaces
    if len(spaces) and "removed" in spaces:
        spaces = spaces[~spaces["removed"].fillna(False).astype(bool)]
    out = spaces[["global_id", "name", "storey", "area_m2"]].reset_index(drop=True)
    out["area_m2"] = pd.to_numeric(out["area_m2"], errors="coerce")
    fabric = frames.fabric
    if fabric is None or not len(fabric):
        out["window_area_m2"] = float("nan")
    else:
        windows = fabric.loc[fabric["kind"] == "window", ["space_global_ids", "space_areas_m2"]]
        shares = windows.explode(["space_global_ids", "space_areas_m2"]).dropna()
        per_space = shares.groupby("space_global_ids")["space_areas_m2"].sum()
        out["window_area_m2"] = out["global_id"].map(per_space).fillna(0.0).astype(float)
    floor = out["area_m2"].where(out["area_m2"] > 0)
    out["glazing_ratio"] = out["window_area_m2"] / floor
    return out[list(GLAZING_COLUMNS)]


__all__ = ["GLAZING_COLUMNS", "glazing_ratio"]
