"""Structural columns from IFC: where each ``IfcColumn`` stands, for the hall's bay grid.

:func:`columns_from_ifc` runs inside the importer's child process (``read_model(path,
columns=True)`` puts its frame in ``model.columns``) and returns one row per
``IfcColumn`` (IFC4's ``IfcColumnStandardCase`` included) with the columns of
:data:`COLUMNS_COLUMNS`:

- **Position.** ``x_m``, ``y_m``: world XY of the column's axis, taken as the origin of its
  ``ObjectPlacement`` after every placement above it (storey, building, site), in metres.
  Authoring tools place a column at its axis and extrude its section from there; a model
  that offsets the section inside the representation is read at the placement all the same.
- **Storey.** The ``IfcBuildingStorey`` above the column in the spatial structure
  (``IfcRelContainedInSpatialStructure`` / ``IfcRelAggregates``), as for spaces.
- **Height.** ``z_min_m``, ``z_max_m``: vertical extent of the column's body geometry, read by
  the importer's fast geometry path (extrusions, mapped items, B-reps, face sets); NaN where
  that path cannot read it (the engine is not started for columns: the heights are a
  convenience, the positions are what the grid needs).
"""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np

from site_manager.ifc.build import body_representation
from site_manager.ifc.geometry import GeometryContext, item_parts, merge_parts
from site_manager.ifc.placement import CyclicReference, PlacementCache, scale_matrix
from site_manager.ifc.properties import relations_from_ifc, storey_name_of
from site_manager.ifc.units import unit_scales_from_ifc

log = logging.getLogger(__name__)

#: Columns of the columns frame (one row per IfcColumn), with their unit.
COLUMNS_COLUMNS: dict[str, str] = {
    "global_id": "IFC GlobalId of the IfcColumn",
    "name": "IfcColumn.Name",
    "storey": "name of the storey that contains it ('' if none)",
    "x_m": "world X of the column's axis (its placement origin) [m]",
    "y_m": "world Y of the column's axis (its placement origin) [m]",
    "z_min_m": "lowest world elevation of its body geometry (NaN if unread) [m]",
    "z_max_m": "highest world elevation of its body geometry (NaN if unread) [m]",
}


def columns_from_ifc(f: Any, model: Any = None) -> Any:
    """The columns of an opened IFC file as a DataFrame (:data:`COLUMNS_COLUMNS`).

    Parameters
    ----------
    f : ifcopenshell.file
        The opened model.
    model : BuildingModel, optional
        Its building model; columns whose placement cannot be read are left out with a
        warning in ``model.warnings``.

    Returns
    -------
    pandas.DataFrame
        One row per ``IfcColumn``, sorted by storey, then x and y. [m]

    Examples
    --------
    >>> from site_manager.ifc import read_model
    >>> model = read_model("models/textile_mill.ifc", columns=True)
    >>> cols = model.columns
    >>> len(cols), sorted(set(cols["storey"]))[0]
    (72, 'Mill 0 Ground floor')
    """
    import pandas as pd

    try:
        found = list(f.by_type("IfcColumn"))
    except RuntimeError:  # a schema without IfcColumn
        found = []
    rows: list[dict[str, Any]] = []
    if found:
        scales = unit_scales_from_ifc(f)
        rel = relations_from_ifc(f)
        to_m = scale_matrix(scales.length)
        placements = PlacementCache()
        ctx = GeometryContext(scales.angle, placements)
        unplaced: list[str] = []
        for col in found:
            label = f"{col.Name or ''} ({col.GlobalId})".strip()
            try:
                m = to_m @ placements.world(col.ObjectPlacement)
            except CyclicReference as exc:
                log.debug("column %s: %s", label, exc)
                unplaced.append(label)
                continue
            if not np.all(np.isfinite(m)):
                unplaced.append(label)
                continue
            z_min = z_max = math.nan
            rep = body_representation(col)
            if rep is not None:
                try:
                    parts = []
                    for item in rep.Items:
                        parts.extend(item_parts(item, m, ctx))
                    part = merge_parts(parts)
                    z_min, z_max = float(part.z_min), float(part.z_max)
                except Exception as exc:  # unread geometry only costs the heights
                    log.debug("column %s: no fast geometry: %r", label, exc)
            rows.append(
                {
                    "global_id": str(col.GlobalId),
                    "name": str(col.Name or ""),
                    "storey": storey_name_of(col, rel),
                    "x_m": float(m[0, 3]),
                    "y_m": float(m[1, 3]),
                    "z_min_m": z_min,
                    "z_max_m": z_max,
                }
            )
        if unplaced and model is not None:
            shown = ", ".join(unplaced[:10]) + (" ..." if len(unplaced) > 10 else "")
            model.warnings.append(
                f"{len(unplaced)} column(s) left out of the column grid: their placement "
                f"cannot be read: {shown}"
            )
    frame = pd.DataFrame(rows, columns=list(COLUMNS_COLUMNS))
    for c in ("x_m", "y_m", "z_min_m", "z_max_m"):
        frame[c] = frame[c].astype(float)
    return frame.sort_values(["storey", "x_m", "y_m"], kind="stable").reset_index(drop=True)
