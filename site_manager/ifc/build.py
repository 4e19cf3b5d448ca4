"""Build a :class:`~site_manager.model.BuildingModel` from an opened IFC file.

This is the core of the importer; :func:`site_manager.ifc.read_model` opens and validates the
file (in a child process) and calls :func:`model_from_ifc` there.

Choices made here, which the rest of site-manager relies on:

- Storey membership comes from the spatial structure (``IfcRelAggregates`` and
  ``IfcRelContainedInSpatialStructure``, spaces inside spaces included), never from heights.
- A storey's elevation is the world z of its placement; where the ``Elevation`` attribute
  disagrees by more than 1 cm a warning says so, and the placement wins (it is where the
  geometry actually is).
- Footprint, height and volume come from the geometry (fast path in
  :mod:`site_manager.ifc.geometry`, ifcopenshell's engine as a fallback); the exporter's
  floor area is kept in ``qto_area_m2`` and a disagreement above 5 % is a warning.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from site_manager.ifc.geometry import (
    EMPTY,
    GeometryContext,
    Part,
    Unsupported,
    has_reference_cycle,
    item_parts,
    merge_parts,
    part_from_engine,
)
from site_manager.ifc.model_info import info_from_ifc
from site_manager.ifc.placement import CyclicReference, PlacementCache, scale_matrix
from site_manager.ifc.properties import (
    Relations,
    exporter_floor_area,
    exporter_perimeter,
    exporter_volume,
    flatten_psets,
    relations_from_ifc,
)
from site_manager.ifc.space_attributes import typed_columns
from site_manager.ifc.units import UnitScales, unit_scales_from_ifc
from site_manager.model import SPACES_COLUMNS, STOREYS_COLUMNS, BuildingModel

log = logging.getLogger(__name__)

#: Relative difference between our floor area and the exporter's that earns a warning.
AREA_TOLERANCE = 0.05
#: Same for volumes.
VOLUME_TOLERANCE = 0.05
#: Same for perimeters (one warning lists every space concerned).
PERIMETER_TOLERANCE = 0.05
#: Storey Elevation attribute vs placement disagreement that earns a warning. [m]
ELEVATION_TOLERANCE_M = 0.01
#: Call ``progress`` every this many spaces.
PROGRESS_EVERY = 50

#: Representation types that describe a solid or surface body.
_BODY_TYPES = {
    "SweptSolid",
    "AdvancedSweptSolid",
    "Brep",
    "AdvancedBrep",
    "SurfaceModel",
    "Tessellation",
    "MappedRepresentation",
    "CSG",
    "Clipping",
    "SolidModel",
}


_NOT_BODY = {"Box", "FootPrint", "Axis", "Annotation", "Reference", "Profile"}


def body_representation(product: Any) -> Any:
    """The 3D body representation of a product (``Body`` first), or ``None``."""
    shape = product.get_argument(6)  # [6] Representation of any IfcProduct
    if shape is None:
        return None
    fallback = None
    for rep in shape.get_argument(2) or ():  # [2] Representations
        ident = rep.get_argument(1)  # [1] RepresentationIdentifier, [2] RepresentationType
        if ident == "Body":
            return rep
        if fallback is None and rep.get_argument(2) in _BODY_TYPES and ident not in _NOT_BODY:
            fallback = rep
    return fallback


def _ancestors(obj: Any, rel: Relations) -> tuple[Any, Any]:
    """The storey and building above ``obj`` in the spatial structure (or ``None``)."""
    storey = building = None
    seen = 0
    cur = rel.parent.get(obj.id())
    while cur is not None and seen < 64:
        if storey is None and cur.is_a("IfcBuildingStorey"):
            storey = cur
        elif cur.is_a("IfcBuilding"):
            building = cur
            break
        cur = rel.parent.get(cur.id())
        seen += 1
    return storey, building


class _Where:
    """Storey and building facts shared by the spaces with one spatial parent."""

    __slots__ = ("building_name", "elevation_m", "storey", "storey_gid", "storey_name")

    def __init__(
        self, storey: Any, building: Any, elevations: dict[int, float], buildings: dict[int, str]
    ) -> None:
        self.storey = storey
        self.storey_name = str(storey.Name or "") if storey is not None else ""
        self.storey_gid = storey.GlobalId if storey is not None else None
        self.elevation_m = elevations.get(storey.id(), math.nan) if storey is not None else math.nan
        if building is not None:
            self.building_name = str(building.Name or "")
        elif storey is not None:
            self.building_name = buildings.get(storey.id(), "")
        else:
            self.building_name = ""


class _Engine:
    """ifcopenshell's geometry engine, set up once, for what the fast path cannot read."""

    def __init__(self) -> None:
        import ifcopenshell.geom

        self.geom = ifcopenshell.geom
        self.settings = ifcopenshell.geom.settings()
        self.settings.set("use-world-coords", True)

    def part(self, space: Any) -> Part:
        shape: Any = self.geom.create_shape(self.settings, space)
        return part_from_engine(shape.geometry)


def _fmt_names(spaces: list[str], limit: int = 20) -> str:
    shown = ", ".join(spaces[:limit])
    return shown + (f" and {len(spaces) - limit} more" if len(spaces) > limit else "")


_LENGTHS = {"m": 1.0, "mm": 0.001, "cm": 0.01, "ft": 0.3048, "in": 0.0254}
#: Ratios (declared / true) of length units that exporters confuse, by dimension.
_SLIPS: dict[int, dict[float, str]] = {1: {}, 2: {}, 3: {}}
for _nt, _t in _LENGTHS.items():
    for _nd, _d in _LENGTHS.items():
        if _t != _d:
            _SLIPS[1].setdefault(_d / _t, f"lengths in {_nt} read as {_nd}?")
            _SLIPS[2].setdefault((_d / _t) ** 2, "a unit error in the exporter")
            _SLIPS[3].setdefault((_d / _t) ** 3, "a unit error in the exporter")
for _k in range(1, 10):
    for _dim in (2, 3):
        _SLIPS[_dim].setdefault(10.0**_k, "a unit error in the exporter")
        _SLIPS[_dim].setdefault(10.0**-_k, "a unit error in the exporter")


def _unit_slip(ratio: float, dimension: int) -> str:
    """A hint when an exporter's quantity is off by a ratio of units.

    Parameters
    ----------
    ratio : float
        The exporter's value over ours.
    dimension : int
        1 for lengths, 2 for areas, 3 for volumes.
    """
    for factor, what in _SLIPS[dimension].items():
        if abs(ratio / factor - 1.0) < 0.01:
            return f" (exactly {factor:.4g}× the geometry's: {what})"
    return ""


def _perimeter(geom: Any) -> float:
    polys = getattr(geom, "geoms", [geom])
    return float(sum(p.exterior.length for p in polys))


def _label(space: Any) -> str:
    # IfcSpace: [0] GlobalId, [2] Name, [7] LongName in every schema
    text = " ".join(x for x in (space.get_argument(2), space.get_argument(7)) if x) or "(unnamed)"
    return f"{text} ({space.get_argument(0)})"


def model_from_ifc(
    f: Any,
    path: str,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> BuildingModel:
    """Read storeys and spaces of an opened IFC file into a building model.

    Parameters
    ----------
    f : ifcopenshell.file
        The opened model (IFC2X3, IFC4 or IFC4X3).
    path : str
        Where it came from (recorded in ``info.path``).
    progress : callable, optional
        Called as ``progress(done, total)`` about every 50 spaces and at the end.

    Returns
    -------
    BuildingModel
        ``storeys`` (``STOREYS_COLUMNS``), ``spaces`` (``SPACES_COLUMNS``, footprints in
        world XY metres) and the warnings of everything the import absorbed.

    Examples
    --------
    >>> import ifcopenshell
    >>> f = ifcopenshell.open("models/textile_mill.ifc")
    >>> model = model_from_ifc(f, "models/textile_mill.ifc")
    >>> len(model.spaces), model.warnings
    (37, [])
    >>> first = model.storeys.iloc[1]
    >>> str(first["name"]), float(first["elevation_m"])
    ('Mill 1 First floor', 4.8)
    """
    scales = unit_scales_from_ifc(f)
    info = info_from_ifc(f, path, scales)
    rel = relations_from_ifc(f)
    warnings: list[str] = []
    world = _World(scales.length)
    storeys = _read_storeys(f, rel, world, scales, warnings)
    reader = _SpaceReader(rel, scales, world, storeys)
    spaces = f.by_type("IfcSpace")
    total = len(spaces)
    rows: list[dict[str, Any]] = []
    for i, space in enumerate(spaces):
        if progress is not None and i % PROGRESS_EVERY == 0 and i:
            progress(i, total)
        rows.append(reader.row(space, warnings))
    if progress is not None:
        progress(total, total)
    if not spaces:
        warnings.append(
            f"{path}: the model has no IfcSpace; there are no spaces to import "
            "(export the model with its rooms/spaces)"
        )
    warnings.extend(reader.summary_warnings())
    return BuildingModel(
        info=info,
        storeys=_storeys_frame(storeys.rows),
        spaces=_spaces_frame(rows),
        warnings=warnings,
    )


class _World:
    """World placements of products, in metres (placements cached)."""

    def __init__(self, length_m: float) -> None:
        self.to_m = scale_matrix(length_m)
        self.placements = PlacementCache()

    def matrix(self, product: Any) -> np.ndarray:
        """The product's world matrix, in metres."""
        # [5] is ObjectPlacement of every IfcProduct in every schema
        return self.to_m @ self.placements.world(product.get_argument(5))


class _Storeys:
    """The storeys read: their rows, and by storey id their elevation and building name.

    ``rows`` count their spaces as the spaces are read (``space_count``).
    """

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.elevation: dict[int, float] = {}
        self.building: dict[int, str] = {}
        self.index: dict[str, int] = {}

    def count_space(self, storey_gid: str | None) -> None:
        """Count one more space in the storey (if it is one of ``rows``)."""
        if storey_gid in self.index:
            self.rows[self.index[storey_gid]]["space_count"] += 1


def _read_storeys(
    f: Any, rel: Relations, world: _World, scales: UnitScales, warnings: list[str]
) -> _Storeys:
    """Every IfcBuildingStorey with its elevation: the world z of its placement.

    Where the ``Elevation`` attribute disagrees by more than :data:`ELEVATION_TOLERANCE_M`
    a warning says so; where the placement cannot be read the attribute stands in.
    """
    out = _Storeys()
    for st in f.by_type("IfcBuildingStorey"):
        try:
            z = float(world.matrix(st)[2, 3]) if st.ObjectPlacement is not None else math.nan
        except Exception as exc:  # a malformed placement: fall back on the attribute
            log.debug("storey %s: unreadable placement: %r", st.Name, exc)
            z = math.nan
        attr = st.Elevation
        if math.isnan(z):
            z = float(attr) * scales.length if attr is not None else math.nan
        elif attr is not None and abs(float(attr) * scales.length - z) > ELEVATION_TOLERANCE_M:
            warnings.append(
                f"storey {st.Name!r}: Elevation attribute {float(attr) * scales.length:.3f} m "
                f"differs from its placement {z:.3f} m; the placement is used"
            )
        _, b = _ancestors(st, rel)
        out.elevation[st.id()] = z
        out.building[st.id()] = str(b.Name or "") if b is not None else ""
        out.rows.append(
            {
                "global_id": st.GlobalId,
                "name": str(st.Name or ""),
                "building": out.building[st.id()],
                "elevation_m": z,
                "space_count": 0,
            }
        )
    out.index = {r["global_id"]: i for i, r in enumerate(out.rows)}
    return out


class _SpaceReader:
    """Reads one IfcSpace after another into rows of the spaces frame.

    Keeps what the spaces share (caches of property sets, profiles, placements and spatial
    parents; the geometry engine once started) and what the import reports at the end
    (spaces read by the engine, spaces without readable geometry, perimeters that differ).
    """

    def __init__(self, rel: Relations, scales: UnitScales, world: _World, storeys: _Storeys):
        self.rel = rel
        self.scales = scales
        self.world = world
        self.storeys = storeys
        self.ctx = GeometryContext(scales.angle, world.placements)
        self.pset_cache: dict[int, dict[str, Any]] = {}
        self.where_by_parent: dict[int, _Where] = {}
        self.engine: _Engine | None = None
        self.fallback_names: list[str] = []
        self.failed_names: list[str] = []
        self.perimeter_off: list[tuple[str, float]] = []

    def row(self, space: Any, warnings: list[str]) -> dict[str, Any]:
        """The space's row: where it is, its geometry, its quantities checked, its psets."""
        where = self.where(space)
        psets = flatten_psets(
            self.rel.definitions.get(space.id(), []), self.scales, self.pset_cache
        )
        qto_area = exporter_floor_area(psets)
        part, path_used = self.geometry(space)
        if part is not None:
            geom, area, height = part.footprint, float(part.footprint.area), part.z_max - part.z_min
            volume, z_min, source = part.volume, part.z_min, "geometry"
            self.check_quantities(space, part, area, volume, psets, qto_area, warnings)
        else:
            geom, area, height, volume, z_min = EMPTY, math.nan, math.nan, math.nan, math.nan
            source = "quantity"
            if qto_area is not None:
                area = qto_area
            q_h = psets.get("Qto_SpaceBaseQuantities.Height") or psets.get("BaseQuantities.Height")
            if isinstance(q_h, float):
                height = q_h
        self.storeys.count_space(where.storey_gid)
        return {
            "global_id": space.get_argument(0),
            "name": str(space.get_argument(2) or ""),
            "long_name": str(space.get_argument(7) or ""),
            "storey": where.storey_name,
            "storey_elevation_m": where.elevation_m,
            "building": where.building_name,
            "area_m2": area,
            "height_m": height,
            "volume_m3": volume,
            "z_min_m": z_min,
            "zones": list(self.rel.zones.get(space.id(), [])),
            "area_source": source,
            "qto_area_m2": qto_area if qto_area is not None else math.nan,
            "psets": psets,
            "geometry_path": path_used,
            "geometry": geom,
        }

    def where(self, space: Any) -> _Where:
        """The storey and building of the space (shared by the spaces of one parent)."""
        parent = self.rel.parent.get(space.id())
        pkey = parent.id() if parent is not None else -1
        where = self.where_by_parent.get(pkey)
        if where is None:
            storey, building = _ancestors(space, self.rel)
            where = _Where(storey, building, self.storeys.elevation, self.storeys.building)
            self.where_by_parent[pkey] = where
        return where

    def geometry(self, space: Any) -> tuple[Part | None, str]:
        """The space's body as a :class:`Part`, and the path that read it.

        The fast path first (``"fast"``); where it cannot read the body, ifcopenshell's
        engine (``"engine"``), unless the body refers back to itself (the engine would
        crash); ``(None, "none")`` without a body or a footprint.
        """
        rep = body_representation(space)
        if rep is None:
            return None, "none"
        part: Part | None = None
        path_used = "none"
        cyclic = False
        try:
            m = self.world.matrix(space)
            parts: list[Part] = []
            for item in rep.get_argument(3):  # [3] Items
                parts.extend(item_parts(item, m, self.ctx))
            part = merge_parts(parts)
            path_used = "fast"
        except Unsupported as exc:
            log.debug("fast path cannot read %s: %s", _label(space), exc)
        except CyclicReference as exc:  # the engine would crash: do not try it
            log.debug("cyclic geometry in %s: %s", _label(space), exc)
            cyclic = True
        except Exception as exc:  # malformed item: let the engine try
            log.debug("fast path failed on %s: %r", _label(space), exc)
        if part is None and not cyclic:
            cyclic = has_reference_cycle(space)
        if cyclic:
            self.failed_names.append(_label(space))
        elif part is None:
            try:
                self.engine = self.engine or _Engine()
                part = self.engine.part(space)
                path_used = "engine"
                self.fallback_names.append(_label(space))
            except Exception as exc:
                log.debug("geometry engine failed on %s: %r", _label(space), exc)
                self.failed_names.append(_label(space))
                part = None
        if part is not None and part.footprint.is_empty:
            return None, "none"
        return part, path_used

    def check_quantities(
        self,
        space: Any,
        part: Part,
        area: float,
        volume: float,
        psets: dict[str, Any],
        qto_area: float | None,
        warnings: list[str],
    ) -> None:
        """Warn where the exporter's floor area or volume differs from the geometry's.

        By more than :data:`AREA_TOLERANCE` / :data:`VOLUME_TOLERANCE`; the spaces whose
        perimeter differs by more than :data:`PERIMETER_TOLERANCE` are noted for one
        warning at the end.
        """
        if qto_area is not None and area > 0:
            diff = abs(area - qto_area) / area
            if diff > AREA_TOLERANCE:
                warnings.append(
                    f"space {_label(space)}: exporter's floor area {qto_area:.2f} m² differs "
                    f"from the geometry's {area:.2f} m² by {diff:.0%}"
                    f"{_unit_slip(qto_area / area, 2)}"
                )
        qto_perimeter = exporter_perimeter(psets)
        if qto_perimeter is not None:
            ours = _perimeter(part.footprint)
            if ours > 0 and abs(qto_perimeter - ours) / ours > PERIMETER_TOLERANCE:
                self.perimeter_off.append((_label(space), qto_perimeter / ours))
        qto_volume = exporter_volume(psets)
        if qto_volume is not None and volume > 0:
            diff = abs(volume - qto_volume) / volume
            if diff > VOLUME_TOLERANCE:
                warnings.append(
                    f"space {_label(space)}: exporter's volume {qto_volume:.2f} m³ differs "
                    f"from the geometry's {volume:.2f} m³ by {diff:.0%}"
                    f"{_unit_slip(qto_volume / volume, 3)}; the geometry's is used"
                )

    def summary_warnings(self) -> list[str]:
        """The warnings about all spaces at once.

        One each for the perimeters that differ, the spaces the engine read and the spaces
        without readable geometry.
        """
        out: list[str] = []
        if self.perimeter_off:
            names = [n for n, _ in self.perimeter_off]
            hints = {_unit_slip(r, 1) for _, r in self.perimeter_off}
            hint = hints.pop() if len(hints) == 1 else ""
            out.append(
                f"{len(names)} space(s) have an exporter's perimeter quantity that differs "
                f"from their footprint's by more than {PERIMETER_TOLERANCE:.0%}{hint}: "
                f"{_fmt_names(names)}"
            )
        if self.fallback_names:
            out.append(
                f"{len(self.fallback_names)} space(s) read with ifcopenshell's geometry engine "
                f"(the fast path cannot read their geometry): {_fmt_names(self.fallback_names)}"
            )
        if self.failed_names:
            out.append(
                f"{len(self.failed_names)} space(s) have geometry that could not be read; "
                f"their area comes from their quantities: {_fmt_names(self.failed_names)}"
            )
        return out


def _spaces_frame(rows: list[dict[str, Any]]) -> Any:
    """The spaces frame (``SPACES_COLUMNS``): numbers as floats, attributes typed."""
    import geopandas as gpd

    frame = pd.DataFrame(rows, columns=list(SPACES_COLUMNS))
    for col in ("area_m2", "height_m", "volume_m3", "z_min_m", "qto_area_m2", "storey_elevation_m"):
        frame[col] = frame[col].astype(float)
    typed_columns(frame)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=None)


def _storeys_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The storeys frame (``STOREYS_COLUMNS``), from the lowest storey up."""
    storeys = pd.DataFrame(rows, columns=list(STOREYS_COLUMNS))
    storeys["elevation_m"] = storeys["elevation_m"].astype(float)
    storeys["space_count"] = storeys["space_count"].astype(int)
    return storeys.sort_values("elevation_m", kind="stable").reset_index(drop=True)
