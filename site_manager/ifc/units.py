"""Units of an IFC file: how many metres, square metres and cubic metres per model unit.

IFC files name their units in ``IfcProject.UnitsInContext``. Exporters are sloppy: some
declare no area or volume unit at all (Renga), so a missing area unit is taken as the length
unit squared and a missing volume unit as the length unit cubed, which is what those tools
mean. Conversion-based units (feet, inches) and SI prefixes are handled by
:func:`ifcopenshell.util.unit.get_unit_scale`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ifcopenshell.util.unit

if TYPE_CHECKING:
    import ifcopenshell


@dataclass(frozen=True)
class UnitScales:
    """Factors from a file's units to SI.

    Attributes
    ----------
    length : float
        Metres per model length unit. [m]
    area : float
        Square metres per model area unit. [m²]
    volume : float
        Cubic metres per model volume unit. [m³]
    angle : float
        Radians per model plane angle unit (``IfcParameterValue`` trims of arcs). [rad]
    length_name, area_name, volume_name : str
        Readable names of the units (``"MILLI METRE"``); ``"(length)²"`` where derived.
    """

    length: float = 1.0
    area: float = 1.0
    volume: float = 1.0
    angle: float = 1.0
    length_name: str = "METRE"
    area_name: str = "SQUARE_METRE"
    volume_name: str = "CUBIC_METRE"


def _unit_of(f: ifcopenshell.file, unit_type: str) -> Any:
    try:
        return ifcopenshell.util.unit.get_project_unit(f, unit_type)
    except Exception:  # a broken unit assignment is treated as "not declared"
        return None


def _scale_and_name(unit: Any) -> tuple[float, str]:
    scale = float(ifcopenshell.util.unit.get_unit_scale(unit))
    try:
        name = str(ifcopenshell.util.unit.get_full_unit_name(unit))
    except Exception:
        name = str(getattr(unit, "Name", "") or unit.is_a())
    if not math.isfinite(scale) or scale <= 0:
        raise ValueError(f"unit {name} has no usable scale")
    return scale, name


def unit_scales_from_ifc(f: ifcopenshell.file) -> UnitScales:
    """Read the length, area, volume and angle scales of a file.

    Parameters
    ----------
    f : ifcopenshell.file
        The opened model.

    Returns
    -------
    UnitScales
        SI factors; an undeclared length unit means metres, an undeclared area or volume
        unit means the length unit squared or cubed, an undeclared angle unit means radians.
    """
    length_unit = _unit_of(f, "LENGTHUNIT")
    if length_unit is not None:
        length, length_name = _scale_and_name(length_unit)
    else:
        length, length_name = 1.0, "METRE (undeclared)"
    area_unit = _unit_of(f, "AREAUNIT")
    if area_unit is not None:
        area, area_name = _scale_and_name(area_unit)
    else:
        area, area_name = length**2, f"({length_name})² (undeclared)"
    volume_unit = _unit_of(f, "VOLUMEUNIT")
    if volume_unit is not None:
        volume, volume_name = _scale_and_name(volume_unit)
    else:
        volume, volume_name = length**3, f"({length_name})³ (undeclared)"
    angle_unit = _unit_of(f, "PLANEANGLEUNIT")
    angle = _scale_and_name(angle_unit)[0] if angle_unit is not None else 1.0
    return UnitScales(
        length=length,
        area=area,
        volume=volume,
        angle=angle,
        length_name=length_name,
        area_name=area_name,
        volume_name=volume_name,
    )


#: IFC measure types of property values, and which scale converts them to SI.
MEASURE_SCALE = {
    "IfcLengthMeasure": "length",
    "IfcPositiveLengthMeasure": "length",
    "IfcNonNegativeLengthMeasure": "length",
    "IfcAreaMeasure": "area",
    "IfcVolumeMeasure": "volume",
}

#: IFC quantity classes, the attribute that holds their value, and their scale.
QUANTITY_VALUE = {
    "IfcQuantityLength": ("LengthValue", "length"),
    "IfcQuantityArea": ("AreaValue", "area"),
    "IfcQuantityVolume": ("VolumeValue", "volume"),
    "IfcQuantityCount": ("CountValue", None),
    "IfcQuantityWeight": ("WeightValue", None),
    "IfcQuantityTime": ("TimeValue", None),
    "IfcQuantityNumber": ("NumberValue", None),
}
