"""U-values of the fabric elements: property sets, material layers and era defaults.

Used by :func:`site_manager.ifc.fabric.fabric_from_ifc` (which re-exports the public names
here), in this order: ``ThermalTransmittance`` of the element's ``Pset_*Common``
(:func:`_u_from_pset`, values outside :data:`U_RANGE` ignored); else its material layers
where every layer has a thickness and a thermal conductivity (:func:`_u_from_materials`:
U = 1/(R_si + Σ d/λ + R_se) with :data:`SURFACE_RESISTANCE`, EN ISO 6946 Table 7); else,
for a wall whose thickness the geometry gives, :func:`brick_wall_u`
(:data:`BRICK_WALL_BY_THICKNESS`); else :data:`ERA_DEFAULTS`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from site_manager.ifc.fabric_orientation import _Element
from site_manager.ifc.units import UnitScales


@dataclass(frozen=True)
class EraDefault:
    """A default U-value (and glazing data) for elements that carry none."""

    u_w_m2k: float
    source: str
    g_value: float = math.nan
    frame_fraction: float = math.nan


#: Defaults for an uninsulated pre-1919 solid-brick factory (the typical Multifactory host).
#: The values are the as-built figures of the UK RdSAP 2012 tables for age band A (before
#: 1900) and SAP 2012 Table 6b/6c for single glazing; they are defaults to be replaced by
#: surveyed values, and ``u_source`` names them on every row that uses them.
ERA_DEFAULTS: dict[str, EraDefault] = {
    "wall": EraDefault(2.1, "RdSAP 9.9x Table S6, solid brick as built, age bands A-D"),
    "roof": EraDefault(2.3, "RdSAP 2012 Table S9, roof without insulation"),
    "slab": EraDefault(1.2, "TABULA/EPISCOPE DE typology, uninsulated floor on ground pre-1918"),
    "window": EraDefault(
        4.8, "RdSAP 2012 Table S14 / SAP 2012 Table 6b-6c, single glazing, wood frame", 0.85, 0.3
    ),
    "door": EraDefault(3.0, "RdSAP 2012 Table S14, door"),
}

#: Uninsulated solid brick walls by thickness, RdSAP 10 (2025) section 5.7 Table 13:
#: (upper bound of the thickness [m], U [W/m²K]); used for walls whose thickness the
#: geometry gives, instead of the flat ``ERA_DEFAULTS["wall"]``.
BRICK_WALL_BY_THICKNESS: tuple[tuple[float, float], ...] = (
    (0.200, 2.5),
    (0.280, 1.7),
    (0.420, 1.4),
    (math.inf, 1.1),
)
BRICK_WALL_SOURCE = "RdSAP 10 section 5.7 Table 13, uninsulated solid brick"


def brick_wall_u(thickness_m: float) -> float:
    """Default U-value of an uninsulated solid brick wall of this thickness. [W/m²K]"""
    for upper, u in BRICK_WALL_BY_THICKNESS:
        if thickness_m <= upper:
            return u
    return BRICK_WALL_BY_THICKNESS[-1][1]


#: Surface resistances of EN ISO 6946 Table 7 by kind: (R_si, R_se). [m²K/W]
SURFACE_RESISTANCE: dict[str, tuple[float, float]] = {
    "wall": (0.13, 0.04),
    "roof": (0.10, 0.04),
    "slab": (0.17, 0.04),
    "window": (0.13, 0.04),
    "door": (0.13, 0.04),
}


#: U-values outside this range in a property set are ignored as errors. [W/m²K]
U_RANGE = (0.05, 10.0)


_COMMON_PSETS = {
    "wall": "Pset_WallCommon",
    "window": "Pset_WindowCommon",
    "door": "Pset_DoorCommon",
    "roof": "Pset_RoofCommon",
    "slab": "Pset_SlabCommon",
}


def _u_from_pset(psets: dict[str, Any], kind: str) -> float | None:
    keys = [f"{_COMMON_PSETS[kind]}.ThermalTransmittance"]
    keys += [k for k in psets if k.endswith("Common.ThermalTransmittance") and k not in keys]
    for key in keys:
        v = psets.get(key)
        if isinstance(v, int | float) and not isinstance(v, bool):
            u = float(v)
            if U_RANGE[0] <= u <= U_RANGE[1]:
                return u
    return None


def _conductivities(f: Any) -> dict[int, float]:
    """Thermal conductivity by IfcMaterial id (IFC2X3 properties and IFC4 psets). [W/mK]"""
    out: dict[int, float] = {}
    try:
        for p in f.by_type("IfcThermalMaterialProperties"):  # IFC2X3
            if p.ThermalConductivity is not None and p.Material is not None:
                out[p.Material.id()] = float(p.ThermalConductivity)
    except RuntimeError:
        pass
    try:
        for p in f.by_type("IfcMaterialProperties"):  # IFC4: Pset_MaterialThermal
            if getattr(p, "Name", None) != "Pset_MaterialThermal":
                continue
            mat = getattr(p, "Material", None)
            for prop in getattr(p, "Properties", None) or ():
                value = prop.NominalValue if prop.Name == "ThermalConductivity" else None
                if value is not None and mat is not None:
                    out[mat.id()] = float(value.wrappedValue)
    except RuntimeError:
        pass
    return out


def _u_from_materials(
    entity: Any, kind: str, scales: UnitScales, conductivity: dict[int, float]
) -> float | None:
    import ifcopenshell.util.element

    try:
        mat = ifcopenshell.util.element.get_material(entity, should_skip_usage=True)
    except Exception:
        return None
    if mat is None or not mat.is_a("IfcMaterialLayerSet"):
        return None
    r_si, r_se = SURFACE_RESISTANCE[kind]
    total = r_si + r_se
    layers = list(mat.MaterialLayers or ())
    if not layers:
        return None
    for layer in layers:
        d = float(layer.LayerThickness or 0.0) * scales.length
        m = layer.Material
        lam = conductivity.get(m.id()) if m is not None else None
        if d <= 0 or lam is None or lam <= 0:
            return None
        total += d / lam
    return 1.0 / total


def element_u_value(
    el: _Element, scales: UnitScales, conductivity: dict[int, float]
) -> tuple[float, str]:
    """The element's U-value [W/m²K] and where it came from (``u_source``).

    Its ``Pset_*Common.ThermalTransmittance``; else its material layers; else, for a wall of
    known thickness, an uninsulated solid brick wall of that thickness; else the era default
    of its kind.
    """
    u = _u_from_pset(el.psets, el.kind)
    source = "pset"
    if u is None:
        u = _u_from_materials(el.entity, el.kind, scales, conductivity)
        source = "materials"
    if u is None and el.kind == "wall" and el.thickness_m > 0.05:
        u = brick_wall_u(el.thickness_m)
        source = f"default: {BRICK_WALL_SOURCE}, {el.thickness_m * 1000:.0f} mm"
    if u is None:
        default = ERA_DEFAULTS[el.kind]
        u, source = default.u_w_m2k, f"default: {default.source}"
    return float(u), source


def element_glazing(el: _Element) -> tuple[float, float]:
    """A window's g-value and frame fraction [0–1]: its property sets', else the era default.

    NaN for every other element.
    """
    if el.kind != "window":
        return math.nan, math.nan
    default = ERA_DEFAULTS[el.kind]
    g_raw = el.psets.get("Pset_DoorWindowGlazingType.SolarHeatGainTransmittance")
    g = float(g_raw) if isinstance(g_raw, int | float) and 0 < g_raw <= 1 else default.g_value
    glaz = el.psets.get("Pset_WindowCommon.GlazingAreaFraction")
    ff = (
        1.0 - float(glaz)
        if isinstance(glaz, int | float) and 0 < glaz <= 1
        else default.frame_fraction
    )
    return g, ff
