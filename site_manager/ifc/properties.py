"""Relationships of an IFC file read in one pass: spatial parents, property sets, zones.

Calling ``ifcopenshell.util.element`` helpers per space walks inverse attributes each time;
on a model of thousands of spaces that dominates the import. Instead every relationship
entity is visited once and indexed by the id of the object it points at.

Property values are flattened to ``{"PsetName.PropName": value}``. Quantities and property
values whose measure type is a length, area or volume are converted to SI (m, m², m³) with
the file's units, so that every number downstream is SI. Other values are kept as written.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import ifcopenshell

from site_manager.ifc.units import MEASURE_SCALE, QUANTITY_VALUE, UnitScales

#: Exporters' floor area quantities, most trusted first (matched on the property name).
FLOOR_AREA_NAMES = ("NetFloorArea", "GrossFloorArea")
#: Quantity sets that hold them, most trusted first.
FLOOR_AREA_SETS = ("Qto_SpaceBaseQuantities", "BaseQuantities")
VOLUME_NAMES = ("NetVolume", "GrossVolume")


@dataclass
class Relations:
    """Indexes of a file's relationships, by ``entity.id()``.

    Attributes
    ----------
    parent : dict
        Spatial parent of each object (``IfcRelAggregates`` and
        ``IfcRelContainedInSpatialStructure``).
    definitions : dict
        Property set definitions of each object: those of its type first, then its own.
    zones : dict
        Names of the ``IfcZone`` groups each object is assigned to.
    """

    parent: dict[int, Any] = field(default_factory=dict)
    definitions: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))
    zones: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))


def by_type(f: Any, name: str) -> list[Any]:
    """``f.by_type(name)`` as a list, empty where the file's schema has no such entity."""
    try:
        return list(f.by_type(name))
    except RuntimeError:  # the schema has no such entity
        return []


def storey_name_of(entity: Any, rel: Relations) -> str:
    """Name of the storey that contains ``entity`` in the spatial structure ('' if none)."""
    cur = rel.parent.get(entity.id())
    for _ in range(64):  # a cyclic structure must not hang the import
        if cur is None:
            return ""
        if cur.is_a("IfcBuildingStorey"):
            return str(cur.Name or "")
        cur = rel.parent.get(cur.id())
    return ""


def relations_from_ifc(f: Any) -> Relations:
    """Index the spatial structure, property sets and zones of a file in one pass.

    Parameters
    ----------
    f : ifcopenshell.file
        The opened model.

    Notes
    -----
    Attributes are read by position, which is several times faster than by name; the
    positions are the same in IFC2X3, IFC4 and IFC4X3 (``[4]`` RelatedObjects, ...).
    """
    rel = Relations()
    for r in by_type(f, "IfcRelAggregates"):  # [4] RelatingObject, [5] RelatedObjects
        parent = r.get_argument(4)
        for child in r.get_argument(5) or ():
            rel.parent[child.id()] = parent
    for r in by_type(f, "IfcRelContainedInSpatialStructure"):  # [4] elements, [5] structure
        parent = r.get_argument(5)
        for child in r.get_argument(4) or ():
            rel.parent.setdefault(child.id(), parent)
    own: dict[int, list[Any]] = defaultdict(list)
    for r in by_type(f, "IfcRelDefinesByProperties"):  # [4] objects, [5] definition(s)
        defs = r.get_argument(5)
        defs = list(defs) if isinstance(defs, tuple | list) else [defs]
        for obj in r.get_argument(4) or ():
            own[obj.id()].extend(defs)
    for r in by_type(f, "IfcRelDefinesByType"):  # [4] objects, [5] type
        type_sets = list(getattr(r.get_argument(5), "HasPropertySets", None) or ())
        if not type_sets:
            continue
        for obj in r.get_argument(4) or ():
            rel.definitions[obj.id()].extend(type_sets)
    for k, v in own.items():
        rel.definitions[k].extend(v)
    for r in by_type(f, "IfcRelAssignsToGroup"):  # [4] objects, [6] group
        group = r.get_argument(6)
        if group is None or not group.is_a("IfcZone"):
            continue
        name = str(group.Name or getattr(group, "LongName", None) or f"zone #{group.id()}")
        for obj in r.get_argument(4) or ():
            names = rel.zones[obj.id()]
            if name not in names:
                names.append(name)
    return rel


def _value(v: Any, scales: UnitScales) -> Any:
    """A property's value: a measure wrapped in its IFC type, unwrapped and in SI."""
    if v is None:
        return None
    if not isinstance(v, ifcopenshell.entity_instance):
        return list(v) if isinstance(v, tuple) else v
    raw = v.get_argument(0)  # wrappedValue: read by position, much faster than by name
    kind = MEASURE_SCALE.get(v.is_a())
    if kind is not None and isinstance(raw, int | float):
        return float(raw) * getattr(scales, kind)
    if isinstance(raw, tuple):
        return list(raw)
    return raw


def _flatten_one(d: Any, scales: UnitScales) -> dict[str, Any]:
    out: dict[str, Any] = {}
    kind = d.is_a()
    if kind == "IfcElementQuantity":  # [2] Name, [5] Quantities
        pname = d.get_argument(2) or ""
        for q in d.get_argument(5) or ():
            spec = QUANTITY_VALUE.get(q.is_a())
            if spec is None:
                continue
            unit_kind = spec[1]
            val = q.get_argument(3)  # [0] Name, [3] the value, in every quantity class and schema
            if isinstance(val, int | float) and unit_kind is not None:
                val = float(val) * getattr(scales, unit_kind)
            out[f"{pname}.{q.get_argument(0)}"] = val
    elif d.is_a("IfcPropertySet"):  # [2] Name, [4] HasProperties
        pname = d.get_argument(2) or ""
        for p in d.get_argument(4) or ():
            pkind = p.is_a()
            if pkind == "IfcPropertySingleValue":  # [0] Name, [2] NominalValue
                out[f"{pname}.{p.get_argument(0)}"] = _value(p.get_argument(2), scales)
            elif pkind == "IfcPropertyEnumeratedValue":
                vals = p.EnumerationValues or ()
                out[f"{pname}.{p.Name}"] = [_value(v, scales) for v in vals]
            elif pkind == "IfcPropertyListValue":
                vals = p.ListValues or ()
                out[f"{pname}.{p.Name}"] = [_value(v, scales) for v in vals]
    return out


def flatten_psets(
    definitions: list[Any], scales: UnitScales, cache: dict[int, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Flatten property and quantity sets to ``{"Set.Name": value}`` in SI units.

    Parameters
    ----------
    definitions : list of ifcopenshell.entity_instance
        ``IfcPropertySet`` and ``IfcElementQuantity`` entities, later ones winning.
    scales : UnitScales
        The file's unit scales.
    cache : dict, optional
        Flattened sets by entity id; sets shared by many objects are read once.
    """
    out: dict[str, Any] = {}
    for d in definitions:
        if cache is None:
            out.update(_flatten_one(d, scales))
            continue
        key = d.id()
        flat = cache.get(key)
        if flat is None:
            flat = cache[key] = _flatten_one(d, scales)
        out.update(flat)
    return out


def _number(v: Any) -> float | None:
    if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) and v > 0:
        return float(v)
    return None


def exporter_floor_area(psets: dict[str, Any]) -> float | None:
    """The exporter's own floor area of a space (m²), from its flattened property sets.

    Looks, in order, for ``NetFloorArea`` then ``GrossFloorArea`` in
    ``Qto_SpaceBaseQuantities`` and Revit's ``BaseQuantities``, then in any set, then for a
    property named ``Area`` (Revit 2011 writes only that). ``None`` if there is none.
    """
    for name in FLOOR_AREA_NAMES:
        for s in FLOOR_AREA_SETS:
            v = _number(psets.get(f"{s}.{name}"))
            if v is not None:
                return v
    for name in (*FLOOR_AREA_NAMES, "Area"):
        for k, val in psets.items():
            if k.rsplit(".", 1)[-1] == name:
                v = _number(val)
                if v is not None:
                    return v
    return None


def exporter_volume(psets: dict[str, Any]) -> float | None:
    """The exporter's own volume quantity of a space (m³), or ``None``."""
    for name in VOLUME_NAMES:
        for k, val in psets.items():
            if k.rsplit(".", 1)[-1] == name:
                v = _number(val)
                if v is not None:
                    return v
    return None


def exporter_perimeter(psets: dict[str, Any]) -> float | None:
    """The exporter's own perimeter quantity of a space (m), or ``None``.

    ``GrossPerimeter`` (then ``NetPerimeter``) of ``Qto_SpaceBaseQuantities`` or Revit's
    ``BaseQuantities``.
    """
    for name in ("GrossPerimeter", "NetPerimeter"):
        for s in FLOOR_AREA_SETS:
            v = _number(psets.get(f"{s}.{name}"))
            if v is not None:
                return v
    return None
