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
from site_manager.model import SPACES_COLUMNS, STOREYS_COLUMNS, BuildingModel, ModelInfo

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


def _schema_name(f: Any) -> str:
    s = str(f.schema).upper()
    return "IFC4X3" if s.startswith("IFC4X3") else s


def _compound_angle(v: Any) -> float | None:
    """IfcCompoundPlaneAngleMeasure (deg, min, s, millionths of s) to decimal degrees."""
    if not v:
        return None
    parts = [float(x) for x in v] + [0.0] * (4 - len(v))
    sign = -1.0 if any(x < 0 for x in parts) else 1.0
    d, m, s, us = (abs(x) for x in parts[:4])
    return sign * (d + m / 60 + (s + us / 1e6) / 3600)


def info_from_ifc(f: Any, path: str, scales: UnitScales) -> ModelInfo:
    """Schema, application, units, project name and georeference of a file.

    Parameters
    ----------
    f : ifcopenshell.file
        The opened model.
    path : str
        Where it was read from.
    scales : UnitScales
        Its unit scales.
    """
    apps = f.by_type("IfcApplication")
    application = ""
    if apps:
        a = apps[0]
        application = " ".join(str(x) for x in (a.ApplicationFullName, a.Version) if x)
    projects = f.by_type("IfcProject")
    project_name = str(projects[0].Name or "") if projects else ""
    crs: str | None = None
    conversion: dict[str, float] | None = None
    try:
        conversions = f.by_type("IfcMapConversion")
    except RuntimeError:  # IFC2X3 has no map conversion
        conversions = []
    if conversions:
        mc = conversions[0]
        target = mc.TargetCRS
        crs = str(target.Name) if target is not None and target.Name else None
        map_scale = 1.0
        map_unit = getattr(target, "MapUnit", None) if target is not None else None
        if map_unit is not None:
            import ifcopenshell.util.unit

            map_scale = float(ifcopenshell.util.unit.get_unit_scale(map_unit))
        conversion = {
            "eastings": float(mc.Eastings) * map_scale,
            "northings": float(mc.Northings) * map_scale,
            "orthogonal_height": float(mc.OrthogonalHeight) * map_scale,
            "x_axis_abscissa": float(mc.XAxisAbscissa if mc.XAxisAbscissa is not None else 1.0),
            "x_axis_ordinate": float(mc.XAxisOrdinate if mc.XAxisOrdinate is not None else 0.0),
            "scale": float(mc.Scale if mc.Scale is not None else 1.0),
        }
    latitude = longitude = None
    sites = f.by_type("IfcSite")
    if sites:
        latitude = _compound_angle(sites[0].RefLatitude)
        longitude = _compound_angle(sites[0].RefLongitude)
    return ModelInfo(
        path=str(path),
        schema=_schema_name(f),
        application=application,
        length_unit_m=scales.length,
        project_name=project_name,
        crs=crs,
        map_conversion=conversion,
        latitude=latitude,
        longitude=longitude,
    )


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
    import geopandas as gpd

    scales = unit_scales_from_ifc(f)
    info = info_from_ifc(f, path, scales)
    rel = relations_from_ifc(f)
    warnings: list[str] = []
    to_m = scale_matrix(scales.length)
    placements = PlacementCache()

    def world_m(product: Any) -> np.ndarray:
        # [5] is ObjectPlacement of every IfcProduct in every schema
        return to_m @ placements.world(product.get_argument(5))

    # storeys
    storey_rows: list[dict[str, Any]] = []
    storey_elev: dict[int, float] = {}
    storey_building: dict[int, str] = {}
    for st in f.by_type("IfcBuildingStorey"):
        try:
            z = float(world_m(st)[2, 3]) if st.ObjectPlacement is not None else math.nan
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
        storey_elev[st.id()] = z
        storey_building[st.id()] = str(b.Name or "") if b is not None else ""
        storey_rows.append(
            {
                "global_id": st.GlobalId,
                "name": str(st.Name or ""),
                "building": storey_building[st.id()],
                "elevation_m": z,
                "space_count": 0,
            }
        )
    storey_index = {r["global_id"]: i for i, r in enumerate(storey_rows)}

    spaces = f.by_type("IfcSpace")
    total = len(spaces)
    ctx = GeometryContext(scales.angle, placements)
    pset_cache: dict[int, dict[str, Any]] = {}
    ancestors: dict[int, _Where] = {}
    engine: _Engine | None = None
    fallback_names: list[str] = []
    failed_names: list[str] = []
    perimeter_off: list[tuple[str, float]] = []
    rows: list[dict[str, Any]] = []
    for i, space in enumerate(spaces):
        if progress is not None and i % PROGRESS_EVERY == 0 and i:
            progress(i, total)
        sid = space.id()
        parent = rel.parent.get(sid)
        pkey = parent.id() if parent is not None else -1
        where = ancestors.get(pkey)
        if where is None:
            storey, building = _ancestors(space, rel)
            where = ancestors[pkey] = _Where(storey, building, storey_elev, storey_building)
        storey = where.storey
        psets = flatten_psets(rel.definitions.get(sid, []), scales, pset_cache)
        qto_area = exporter_floor_area(psets)
        rep = body_representation(space)
        part: Part | None = None
        path_used = "none"
        cyclic = False
        if rep is not None:
            try:
                m = world_m(space)
                parts: list[Part] = []
                for item in rep.get_argument(3):  # [3] Items
                    parts.extend(item_parts(item, m, ctx))
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
                failed_names.append(_label(space))
            elif part is None:
                try:
                    engine = engine or _Engine()
                    part = engine.part(space)
                    path_used = "engine"
                    fallback_names.append(_label(space))
                except Exception as exc:
                    log.debug("geometry engine failed on %s: %r", _label(space), exc)
                    failed_names.append(_label(space))
                    part = None
        if part is not None and part.footprint.is_empty:
            part = None
            path_used = "none"
        if part is not None:
            geom = part.footprint
            area = float(geom.area)
            height = part.z_max - part.z_min
            volume = part.volume
            z_min = part.z_min
            source = "geometry"
        else:
            geom, area, height, volume, z_min = EMPTY, math.nan, math.nan, math.nan, math.nan
            source = "quantity"
            if qto_area is not None:
                area = qto_area
            q_h = psets.get("Qto_SpaceBaseQuantities.Height") or psets.get("BaseQuantities.Height")
            if isinstance(q_h, float):
                height = q_h
        if part is not None and qto_area is not None and area > 0:
            diff = abs(area - qto_area) / area
            if diff > AREA_TOLERANCE:
                warnings.append(
                    f"space {_label(space)}: exporter's floor area {qto_area:.2f} m² differs "
                    f"from the geometry's {area:.2f} m² by {diff:.0%}"
                    f"{_unit_slip(qto_area / area, 2)}"
                )
        qto_perimeter = exporter_perimeter(psets)
        if part is not None and qto_perimeter is not None:
            ours = _perimeter(part.footprint)
            if ours > 0 and abs(qto_perimeter - ours) / ours > PERIMETER_TOLERANCE:
                perimeter_off.append((_label(space), qto_perimeter / ours))
        qto_volume = exporter_volume(psets)
        if part is not None and qto_volume is not None and volume > 0:
            diff = abs(volume - qto_volume) / volume
            if diff > VOLUME_TOLERANCE:
                warnings.append(
                    f"space {_label(space)}: exporter's volume {qto_volume:.2f} m³ differs "
                    f"from the geometry's {volume:.2f} m³ by {diff:.0%}"
                    f"{_unit_slip(qto_volume / volume, 3)}; the geometry's is used"
                )
        if where.storey_gid in storey_index:
            storey_rows[storey_index[where.storey_gid]]["space_count"] += 1
        rows.append(
            {
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
                "zones": list(rel.zones.get(space.id(), [])),
                "area_source": source,
                "qto_area_m2": qto_area if qto_area is not None else math.nan,
                "psets": psets,
                "geometry_path": path_used,
                "geometry": geom,
            }
        )
    if progress is not None:
        progress(total, total)

    if not spaces:
        warnings.append(
            f"{path}: the model has no IfcSpace; there are no spaces to import "
            "(export the model with its rooms/spaces)"
        )
    if perimeter_off:
        names = [n for n, _ in perimeter_off]
        hints = {_unit_slip(r, 1) for _, r in perimeter_off}
        hint = hints.pop() if len(hints) == 1 else ""
        warnings.append(
            f"{len(names)} space(s) have an exporter's perimeter quantity that differs from "
            f"their footprint's by more than {PERIMETER_TOLERANCE:.0%}{hint}: "
            f"{_fmt_names(names)}"
        )
    if fallback_names:
        warnings.append(
            f"{len(fallback_names)} space(s) read with ifcopenshell's geometry engine "
            f"(the fast path cannot read their geometry): {_fmt_names(fallback_names)}"
        )
    if failed_names:
        warnings.append(
            f"{len(failed_names)} space(s) have geometry that could not be read; their area "
            f"comes from their quantities: {_fmt_names(failed_names)}"
        )

    columns = list(SPACES_COLUMNS)
    frame = pd.DataFrame(rows, columns=columns)
    for col in ("area_m2", "height_m", "volume_m3", "z_min_m", "qto_area_m2", "storey_elevation_m"):
        frame[col] = frame[col].astype(float)
    typed_columns(frame)
    spaces_gdf = gpd.GeoDataFrame(frame, geometry="geometry", crs=None)
    storeys = pd.DataFrame(storey_rows, columns=list(STOREYS_COLUMNS))
    storeys["elevation_m"] = storeys["elevation_m"].astype(float)
    storeys["space_count"] = storeys["space_count"].astype(int)
    storeys = storeys.sort_values("elevation_m", kind="stable").reset_index(drop=True)
    return BuildingModel(info=info, storeys=storeys, spaces=spaces_gdf, warnings=warnings)
