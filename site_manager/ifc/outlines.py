"""Wall and door outlines from IFC: the footprints a floor plan draws.

:func:`outlines_from_ifc` runs inside the importer's child process (``read_model(path,
columns=True)`` reads the structural drawing: the columns into ``model.columns`` and these
outlines into ``model.outlines``) and returns one row per ``IfcWall`` (internal and
external; ``IfcWallStandardCase`` included) and ``IfcDoor`` with the columns of
:data:`OUTLINES_COLUMNS`:

- **Footprint.** The projection of the element's body onto world XY, in metres: for an
  extruded wall its profile with its thickness (an L-shaped wall stays L-shaped). Read by the
  importer's fast geometry path (as for spaces and columns: :func:`~site_manager.ifc.
  geometry.item_parts`); where that path cannot read the body, ifcopenshell's engine
  (openings cut, so a wall's footprint may lose a door's width); elements with neither are
  left out with a warning in ``model.warnings``.
- **Storey.** The ``IfcBuildingStorey`` above the element in the spatial structure, as for
  spaces and columns (:func:`~site_manager.ifc.properties.storey_name_of`).
- **Height.** ``z_min_m``, ``z_max_m``: vertical extent of the body. [m]

The external walls' areas, U-values and orientations are the fabric's business
(:mod:`site_manager.ifc.fabric`); this frame only draws.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from site_manager.ifc.build import body_representation
from site_manager.ifc.geometry import (
    GeometryContext,
    Part,
    item_parts,
    merge_parts,
    part_from_engine,
)
from site_manager.ifc.placement import CyclicReference, PlacementCache, scale_matrix
from site_manager.ifc.properties import by_type, relations_from_ifc, storey_name_of
from site_manager.ifc.units import unit_scales_from_ifc

log = logging.getLogger(__name__)

#: Columns of the outlines frame (one row per IfcWall or IfcDoor), with their unit.
OUTLINES_COLUMNS: dict[str, str] = {
    "global_id": "IFC GlobalId of the IfcWall or IfcDoor",
    "kind": "'wall' or 'door'",
    "storey": "name of the storey that contains it ('' if none)",
    "z_min_m": "lowest world elevation of its body [m]",
    "z_max_m": "highest world elevation of its body [m]",
    "geometry": "its footprint in world XY (shapely Polygon/MultiPolygon) [m]",
}

#: The IFC classes read, with their kind (``by_type`` includes the subtypes).
OUTLINE_CLASSES: tuple[tuple[str, str], ...] = (("IfcWall", "wall"), ("IfcDoor", "door"))


class _Reader:
    """Units, relations and caches shared while reading the elements' bodies."""

    def __init__(self, f: Any) -> None:
        scales = unit_scales_from_ifc(f)
        self.rel = relations_from_ifc(f)
        self.to_m = scale_matrix(scales.length)
        self.placements = PlacementCache()
        self.ctx = GeometryContext(scales.angle, self.placements)
        self.engine: Any = None

    def part(self, e: Any) -> Part | None:
        """The element's body in world metres: fast path, else the engine, else ``None``."""
        rep = body_representation(e)
        if rep is None:
            return None
        try:
            m = self.to_m @ self.placements.world(e.ObjectPlacement)
            if np.all(np.isfinite(m)):
                parts: list[Part] = []
                for item in rep.Items:
                    parts.extend(item_parts(item, m, self.ctx))
                part = merge_parts(parts)
                if not part.footprint.is_empty:
                    return part
        except CyclicReference as exc:  # the engine would crash: do not try it
            log.debug("outline of %s: %s", e, exc)
            return None
        except Exception as exc:  # an item the fast path does not read: the engine
            log.debug("outline of %s: fast path: %r", e, exc)
        try:
            if self.engine is None:
                import ifcopenshell.geom

                settings = ifcopenshell.geom.settings()
                settings.set("use-world-coords", True)
                self.engine = (ifcopenshell.geom, settings)
            geom, settings = self.engine
            shape = geom.create_shape(settings, e)
            part = part_from_engine(shape.geometry)
        except Exception as exc:
            log.debug("outline of %s: engine: %r", e, exc)
            return None
        return None if part.footprint.is_empty else part


def outlines_from_ifc(f: Any, model: Any = None) -> Any:
    """The wall and door footprints of an opened IFC file (:data:`OUTLINES_COLUMNS`).

    Parameters
    ----------
    f : ifcopenshell.file
        The opened model.
    model : BuildingModel, optional
        Its building model; elements whose body cannot be read are left out with a warning
        in ``model.warnings``.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per ``IfcWall`` and ``IfcDoor`` with a readable body, sorted by storey, kind
        and GlobalId. [m]
    """
    import geopandas as gpd

    rows: list[dict[str, Any]] = []
    unread: list[str] = []
    reader: _Reader | None = None
    for cls, kind in OUTLINE_CLASSES:
        for e in by_type(f, cls):
            reader = reader or _Reader(f)
            part = reader.part(e)
            if part is None:
                unread.append(f"{e.is_a()} {e.GlobalId}")
                continue
            rows.append(
                {
                    "global_id": str(e.GlobalId),
                    "kind": kind,
                    "storey": storey_name_of(e, reader.rel),
                    "z_min_m": float(part.z_min),
                    "z_max_m": float(part.z_max),
                    "geometry": part.footprint,
                }
            )
    if unread and model is not None:
        model.warnings.append(
            f"plans: {len(unread)} wall(s)/door(s) without readable geometry are not drawn: "
            + ", ".join(unread[:10])
            + (f" and {len(unread) - 10} more" if len(unread) > 10 else "")
        )
    frame = gpd.GeoDataFrame(rows, columns=list(OUTLINES_COLUMNS), geometry="geometry", crs=None)
    for c in ("z_min_m", "z_max_m"):
        frame[c] = frame[c].astype(float)
    frame = frame.sort_values(["storey", "kind", "global_id"], kind="stable")
    return frame.reset_index(drop=True)
