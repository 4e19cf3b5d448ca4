"""Small IFC models built in memory with ifcopenshell.api, whose answers are known by hand.

Every length given to these helpers is in METRES; the builder converts to the model's own
length unit (mm, m, ft, ...), so one test can be run for every unit and schema and expect
the same metric answers.

>>> b = ModelBuilder("IFC4", unit="mm")
>>> st = b.storey("Ground", elevation_m=0.0)
>>> sp = b.space(st, "Hall", [b.rect_extrusion(10, 5, 3)])
>>> b.f.by_type("IfcSpace")[0].Name
'Hall'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import ifcopenshell
import ifcopenshell.api.aggregate
import ifcopenshell.api.context
import ifcopenshell.api.geometry
import ifcopenshell.api.group
import ifcopenshell.api.project
import ifcopenshell.api.pset
import ifcopenshell.api.root
import ifcopenshell.api.unit

#: Metres per unit of the length units a builder can use.
LENGTH_UNITS = {"m": 1.0, "mm": 0.001, "ft": 0.3048, "in": 0.0254}


class ModelBuilder:
    """An IFC project with one site and building, in a chosen schema and length unit.

    Parameters
    ----------
    schema : str
        ``IFC2X3``, ``IFC4`` or ``IFC4X3``.
    unit : str
        ``m``, ``mm``, ``ft`` or ``in``.
    site_origin : tuple of float
        Where the site's placement puts its origin. [m]
    site_rotation_deg : float
        Rotation of the site about world Z, counter-clockwise. [deg]
    declare_area_volume : bool
        Whether the unit assignment names area and volume units (square and cubic metres,
        as Revit writes them); ``False`` leaves them out, as Renga does.
    """

    def __init__(
        self,
        schema: str = "IFC4",
        *,
        unit: str = "m",
        site_origin: Sequence[float] = (0.0, 0.0, 0.0),
        site_rotation_deg: float = 0.0,
        declare_area_volume: bool = True,
    ) -> None:
        self.f = ifcopenshell.api.project.create_file(version=schema)
        f = self.f
        self.scale = LENGTH_UNITS[unit]
        self.project = ifcopenshell.api.root.create_entity(f, ifc_class="IfcProject", name="P")
        if unit == "m":
            length = ifcopenshell.api.unit.add_si_unit(f, unit_type="LENGTHUNIT")
        elif unit == "mm":
            length = ifcopenshell.api.unit.add_si_unit(f, unit_type="LENGTHUNIT", prefix="MILLI")
        else:
            length = ifcopenshell.api.unit.add_conversion_based_unit(
                f, name={"ft": "foot", "in": "inch"}[unit]
            )
        units = [length]
        if declare_area_volume:
            units.append(ifcopenshell.api.unit.add_si_unit(f, unit_type="AREAUNIT"))
            units.append(ifcopenshell.api.unit.add_si_unit(f, unit_type="VOLUMEUNIT"))
        ifcopenshell.api.unit.assign_unit(f, units=units)
        model = ifcopenshell.api.context.add_context(f, context_type="Model")
        self.body = ifcopenshell.api.context.add_context(
            f,
            context_type="Model",
            context_identifier="Body",
            target_view="MODEL_VIEW",
            parent=model,
        )
        self.site = ifcopenshell.api.root.create_entity(f, ifc_class="IfcSite", name="Site")
        self.site.ObjectPlacement = self.placement(None, site_origin, site_rotation_deg)
        self.building = ifcopenshell.api.root.create_entity(
            f, ifc_class="IfcBuilding", name="Factory"
        )
        self.building.ObjectPlacement = self.placement(self.site.ObjectPlacement)
        ifcopenshell.api.aggregate.assign_object(
            f, products=[self.site], relating_object=self.project
        )
        ifcopenshell.api.aggregate.assign_object(
            f, products=[self.building], relating_object=self.site
        )

    # ----------------------------------------------------------------- basic entities
    def u(self, metres: float) -> float:
        """A length in metres, in model units."""
        return float(metres) / self.scale

    def point(self, xyz: Sequence[float]) -> Any:
        """An IfcCartesianPoint from metres (2 or 3 coordinates)."""
        return self.f.createIfcCartesianPoint([self.u(c) for c in xyz])

    def direction(self, xyz: Sequence[float]) -> Any:
        """An IfcDirection (unitless)."""
        return self.f.createIfcDirection([float(c) for c in xyz])

    def axis3d(
        self,
        origin: Sequence[float] = (0.0, 0.0, 0.0),
        rotation_deg: float = 0.0,
        *,
        axis: Sequence[float] | None = None,
        ref: Sequence[float] | None = None,
    ) -> Any:
        """An IfcAxis2Placement3D at ``origin`` (m), rotated about Z or with explicit axes."""
        if ref is None and rotation_deg:
            a = math.radians(rotation_deg)
            ref = (math.cos(a), math.sin(a), 0.0)
        return self.f.createIfcAxis2Placement3D(
            self.point(origin),
            self.direction(axis) if axis is not None else None,
            self.direction(ref) if ref is not None else None,
        )

    def placement(
        self,
        relative_to: Any,
        origin: Sequence[float] = (0.0, 0.0, 0.0),
        rotation_deg: float = 0.0,
    ) -> Any:
        """An IfcLocalPlacement relative to another placement (or the world)."""
        return self.f.createIfcLocalPlacement(relative_to, self.axis3d(origin, rotation_deg))

    # ------------------------------------------------------------------ spatial tree
    def storey(self, name: str, elevation_m: float, *, elevation_attr_m: float | None = None):
        """An IfcBuildingStorey placed at ``elevation_m`` above the building."""
        st = ifcopenshell.api.root.create_entity(self.f, ifc_class="IfcBuildingStorey", name=name)
        st.ObjectPlacement = self.placement(self.building.ObjectPlacement, (0.0, 0.0, elevation_m))
        attr = elevation_m if elevation_attr_m is None else elevation_attr_m
        st.Elevation = self.u(attr)
        ifcopenshell.api.aggregate.assign_object(
            self.f, products=[st], relating_object=self.building
        )
        return st

    def space(
        self,
        parent: Any,
        name: str,
        items: Sequence[Any] = (),
        *,
        origin: Sequence[float] = (0.0, 0.0, 0.0),
        rotation_deg: float = 0.0,
        long_name: str | None = None,
    ) -> Any:
        """An IfcSpace aggregated under ``parent`` (a storey or a space) with a Body of items."""
        sp = ifcopenshell.api.root.create_entity(self.f, ifc_class="IfcSpace", name=name)
        if long_name:
            sp.LongName = long_name
        sp.ObjectPlacement = self.placement(parent.ObjectPlacement, origin, rotation_deg)
        if items:
            kinds = {i.is_a() for i in items}
            rtype = "SweptSolid"
            if kinds & {"IfcFacetedBrep"}:
                rtype = "Brep"
            elif kinds & {"IfcBooleanClippingResult"}:
                rtype = "Clipping"
            elif kinds & {"IfcMappedItem"}:
                rtype = "MappedRepresentation"
            elif kinds & {"IfcPolygonalFaceSet", "IfcTriangulatedFaceSet"}:
                rtype = "Tessellation"
            elif kinds & {"IfcFaceBasedSurfaceModel", "IfcShellBasedSurfaceModel"}:
                rtype = "SurfaceModel"
            rep = self.f.createIfcShapeRepresentation(self.body, "Body", rtype, list(items))
            ifcopenshell.api.geometry.assign_representation(self.f, product=sp, representation=rep)
        ifcopenshell.api.aggregate.assign_object(self.f, products=[sp], relating_object=parent)
        return sp

    def quantities(self, product: Any, name: str = "Qto_SpaceBaseQuantities", **values: float):
        """An element quantity; pass values already in the file's units (as exporters do)."""
        qto = ifcopenshell.api.pset.add_qto(self.f, product=product, name=name)
        ifcopenshell.api.pset.edit_qto(self.f, qto=qto, properties=values)
        return qto

    def properties(self, product: Any, name: str, **values: Any):
        """A property set with the given values."""
        pset = ifcopenshell.api.pset.add_pset(self.f, product=product, name=name)
        ifcopenshell.api.pset.edit_pset(self.f, pset=pset, properties=values)
        return pset

    def zone(self, name: str, spaces: Sequence[Any]) -> Any:
        """An IfcZone grouping ``spaces``."""
        z = ifcopenshell.api.root.create_entity(self.f, ifc_class="IfcZone", name=name)
        ifcopenshell.api.group.assign_group(self.f, products=list(spaces), group=z)
        return z

    # ------------------------------------------------------------------ geometry items
    def _extrude(
        self,
        profile: Any,
        height: float,
        *,
        position: Any = None,
        direction: Sequence[float] = (0.0, 0.0, 1.0),
    ) -> Any:
        return self.f.createIfcExtrudedAreaSolid(
            profile, position or self.axis3d(), self.direction(direction), self.u(height)
        )

    def rect_extrusion(
        self,
        x_dim: float,
        y_dim: float,
        height: float,
        *,
        centre: Sequence[float] = (0.0, 0.0),
        position: Any = None,
        direction: Sequence[float] = (0.0, 0.0, 1.0),
    ) -> Any:
        """A rectangle of ``x_dim`` × ``y_dim`` centred at ``centre``, extruded ``height``."""
        prof = self.f.createIfcRectangleProfileDef(
            "AREA",
            None,
            self.f.createIfcAxis2Placement2D(self.point(centre), None),
            self.u(x_dim),
            self.u(y_dim),
        )
        return self._extrude(prof, height, position=position, direction=direction)

    def polyline(self, pts: Sequence[Sequence[float]]) -> Any:
        """A closed IfcPolyline through 2D points (m)."""
        pts = list(pts)
        return self.f.createIfcPolyline([self.point(p) for p in pts + [pts[0]]])

    def polygon_extrusion(
        self,
        pts: Sequence[Sequence[float]],
        height: float,
        *,
        holes: Sequence[Sequence[Sequence[float]]] = (),
        position: Any = None,
        direction: Sequence[float] = (0.0, 0.0, 1.0),
    ) -> Any:
        """An arbitrary closed (or with voids) polyline profile, extruded."""
        if holes:
            prof = self.f.createIfcArbitraryProfileDefWithVoids(
                "AREA", None, self.polyline(pts), [self.polyline(h) for h in holes]
            )
        else:
            prof = self.f.createIfcArbitraryClosedProfileDef("AREA", None, self.polyline(pts))
        return self._extrude(prof, height, position=position, direction=direction)

    def circle_extrusion(
        self, radius: float, height: float, *, centre: Sequence[float] = (0.0, 0.0)
    ) -> Any:
        """A circle profile extruded upwards."""
        prof = self.f.createIfcCircleProfileDef(
            "AREA", None, self.f.createIfcAxis2Placement2D(self.point(centre), None), self.u(radius)
        )
        return self._extrude(prof, height)

    def semicircle_extrusion(self, radius: float, height: float) -> Any:
        """A D shape: a straight edge on the x axis from (r, 0) to (-r, 0) closed by an arc
        through (0, r), as an IfcCompositeCurve of a polyline and a trimmed circle."""
        f = self.f
        line = f.createIfcPolyline([self.point((-radius, 0.0)), self.point((radius, 0.0))])
        circle = f.createIfcCircle(
            f.createIfcAxis2Placement2D(self.point((0.0, 0.0)), None), self.u(radius)
        )
        arc = f.createIfcTrimmedCurve(
            circle,
            [self.point((radius, 0.0))],
            [self.point((-radius, 0.0))],
            True,
            "CARTESIAN",
        )
        curve = f.createIfcCompositeCurve(
            [
                f.createIfcCompositeCurveSegment("CONTINUOUS", True, line),
                f.createIfcCompositeCurveSegment("CONTINUOUS", True, arc),
            ],
            False,
        )
        prof = f.createIfcArbitraryClosedProfileDef("AREA", None, curve)
        return self._extrude(prof, height)

    def indexed_arc_extrusion(self, radius: float, height: float) -> Any:
        """The same D shape as an IfcIndexedPolyCurve with an IfcArcIndex (IFC4+)."""
        f = self.f
        pl = f.createIfcCartesianPointList2D(
            [
                (self.u(-radius), 0.0),
                (self.u(radius), 0.0),
                (0.0, self.u(radius)),
            ]
        )
        curve = f.createIfcIndexedPolyCurve(
            pl, [f.createIfcLineIndex((1, 2)), f.createIfcArcIndex((2, 3, 1))], False
        )
        prof = f.createIfcArbitraryClosedProfileDef("AREA", None, curve)
        return self._extrude(prof, height)

    def box_brep(self, lo: Sequence[float], hi: Sequence[float], *, inward: bool = False) -> Any:
        """An axis-aligned box as an IfcFacetedBrep (normals out, or in if ``inward``)."""
        return self.f.createIfcFacetedBrep(
            self.f.createIfcClosedShell(self._box_faces(lo, hi, inward=inward))
        )

    def box_surface_model(
        self, lo: Sequence[float], hi: Sequence[float], *, flip: Sequence[int] = ()
    ) -> Any:
        """An axis-aligned box as an IfcFaceBasedSurfaceModel; faces in ``flip`` reversed."""
        faces = self._box_faces(lo, hi, flip=flip)
        return self.f.createIfcFaceBasedSurfaceModel([self.f.createIfcConnectedFaceSet(faces)])

    def _box_faces(
        self,
        lo: Sequence[float],
        hi: Sequence[float],
        *,
        inward: bool = False,
        flip: Sequence[int] = (),
    ) -> list[Any]:
        x0, y0, z0 = lo
        x1, y1, z1 = hi
        v = [
            (x0, y0, z0),
            (x1, y0, z0),
            (x1, y1, z0),
            (x0, y1, z0),
            (x0, y0, z1),
            (x1, y0, z1),
            (x1, y1, z1),
            (x0, y1, z1),
        ]
        quads = [
            (0, 3, 2, 1),  # bottom, outward normal -z
            (4, 5, 6, 7),  # top
            (0, 1, 5, 4),
            (1, 2, 6, 5),
            (2, 3, 7, 6),
            (3, 0, 4, 7),
        ]
        faces = []
        for k, q in enumerate(quads):
            idx = list(q)
            if inward != (k in flip):
                idx = idx[::-1]
            loop = self.f.createIfcPolyLoop([self.point(v[i]) for i in idx])
            faces.append(self.f.createIfcFace([self.f.createIfcFaceOuterBound(loop, True)]))
        return faces

    def triangulated_box(self, lo: Sequence[float], hi: Sequence[float]) -> Any:
        """An axis-aligned box as an IfcTriangulatedFaceSet (IFC4+)."""
        x0, y0, z0 = lo
        x1, y1, z1 = hi
        v = [
            (x0, y0, z0),
            (x1, y0, z0),
            (x1, y1, z0),
            (x0, y1, z0),
            (x0, y0, z1),
            (x1, y0, z1),
            (x1, y1, z1),
            (x0, y1, z1),
        ]
        tris = [
            (1, 3, 2),
            (1, 4, 3),
            (5, 6, 7),
            (5, 7, 8),
            (1, 2, 6),
            (1, 6, 5),
            (2, 3, 7),
            (2, 7, 6),
            (3, 4, 8),
            (3, 8, 7),
            (4, 1, 5),
            (4, 5, 8),
        ]
        pl = self.f.createIfcCartesianPointList3D([[self.u(c) for c in p] for p in v])
        return self.f.createIfcTriangulatedFaceSet(pl, None, True, tris, None)

    def clipped_box(self, x_dim: float, y_dim: float, height: float, cut_z: float) -> Any:
        """A rectangle extrusion cut by a horizontal plane at ``cut_z`` (keeps what is below),
        as an IfcBooleanClippingResult with an IfcHalfSpaceSolid."""
        solid = self.rect_extrusion(x_dim, y_dim, height)
        plane = self.f.createIfcPlane(self.axis3d((0.0, 0.0, cut_z)))
        half = self.f.createIfcHalfSpaceSolid(plane, False)
        return self.f.createIfcBooleanClippingResult("DIFFERENCE", solid, half)

    def mapped(self, items: Sequence[Any], *, origin: Sequence[float], rotation_deg: float = 0.0):
        """An IfcMappedItem of ``items`` placed at ``origin`` (m) and rotated about Z."""
        f = self.f
        rep = f.createIfcShapeRepresentation(self.body, "Body", "SweptSolid", list(items))
        rmap = f.createIfcRepresentationMap(self.axis3d(), rep)
        a = math.radians(rotation_deg)
        op = f.createIfcCartesianTransformationOperator3D(
            self.direction((math.cos(a), math.sin(a), 0.0)),
            None,
            self.point(origin),
            1.0,
            self.direction((0.0, 0.0, 1.0)),
        )
        return f.createIfcMappedItem(rmap, op)
