"""Facts about an IFC file as a whole: schema, application, units, project, georeference.

The :class:`~site_manager.model.ModelInfo` of a model (``model.info``), read by
:func:`site_manager.ifc.build.model_from_ifc`.
"""

from __future__ import annotations

import math
from typing import Any

from site_manager.ifc.units import UnitScales
from site_manager.model import ModelInfo

__all__ = ["info_from_ifc"]


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
    north = true_north_xy(f)
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
        true_north_deg=None if north is None else math.degrees(math.atan2(north[0], north[1])),
    )


def true_north_xy(f: Any) -> tuple[float, float] | None:
    """Model XY direction of true north (unit), from the 3D model context; None if it has none.

    The direction clockwise from model +Y is ``atan2(x, y)``; a model whose context gives no
    ``TrueNorth`` has north up its +Y axis by IFC's convention.
    """
    for ctx in f.by_type("IfcGeometricRepresentationContext"):
        if ctx.is_a("IfcGeometricRepresentationSubContext"):
            continue
        tn = getattr(ctx, "TrueNorth", None)
        if tn is not None and getattr(ctx, "CoordinateSpaceDimension", 3) == 3:
            r = [float(x) for x in tn.DirectionRatios[:2]]
            n = math.hypot(*r)
            if n > 0:
                return (r[0] / n, r[1] / n)
    return None
