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
        # IFC2X3 requires owner histories; ifcopenshell.api finds the user and application
        # in the file itself.
        person = f.createIfcPerson(None, "Tester", None)
        org = f.createIfcOrganization(None, "site-manager tests", None)
        f.createIfcPersonAndOrganization(person, org)
        f.createIfcApplication(org, "0.1", "site-manager test builder", "sm-tests")
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


# ---------------------------------------------------------------------- reference model

#: Site placement of the reference model: offset and rotation about Z.
SITE_ORIGIN_M = (100.0, 50.0, 0.0)
SITE_ROTATION_DEG = 30.0


def _to_world(local: Any, origin: Sequence[float] = (0.0, 0.0), rotation_deg: float = 0.0):
    """Hand placement of a footprint: space rotation and origin, then the site's."""
    import shapely.affinity

    g = shapely.affinity.rotate(local, rotation_deg, origin=(0, 0))
    g = shapely.affinity.translate(g, origin[0], origin[1])
    g = shapely.affinity.rotate(g, SITE_ROTATION_DEG, origin=(0, 0))
    return shapely.affinity.translate(g, SITE_ORIGIN_M[0], SITE_ORIGIN_M[1])


def reference_model(schema: str = "IFC4", unit: str = "m", *, declare_area_volume: bool = True):
    """A model exercising every importer trait, with its answers worked out by hand.

    The site is offset to (100, 50) m and rotated by 30°. Storeys at 0 m and 4 m.

    Returns
    -------
    (ModelBuilder, dict)
        The builder (``.f`` is the file) and, per space name, the expected ``area_m2``,
        ``height_m``, ``volume_m3``, ``z_min_m``, ``storey``, ``zones``, ``area_source``,
        ``geometry_path`` and ``footprint`` (shapely, world XY; ``None`` if none).
    """
    import shapely

    b = ModelBuilder(
        schema,
        unit=unit,
        site_origin=SITE_ORIGIN_M,
        site_rotation_deg=SITE_ROTATION_DEG,
        declare_area_volume=declare_area_volume,
    )
    area_unit = 1.0 if declare_area_volume else b.scale**2
    ground = b.storey("Ground", 0.0)
    first = b.storey("First", 4.0)
    exp: dict[str, dict[str, Any]] = {}

    def expect(name, footprint, height, volume, z_min, storey, **kw):
        exp[name] = {
            "area_m2": footprint.area if footprint is not None else kw.pop("area"),
            "height_m": height,
            "volume_m3": volume,
            "z_min_m": z_min,
            "storey": storey,
            "zones": kw.pop("zones", []),
            "area_source": "geometry" if footprint is not None else "quantity",
            "geometry_path": kw.pop("path", "fast" if footprint is not None else "none"),
            "footprint": footprint,
        }

    # A hall of 10 × 6 m, its profile centred at (5, 3): it covers (0, 0)-(10, 6).
    hall = b.space(ground, "Hall", [b.rect_extrusion(10, 6, 4, centre=(5, 3))], long_name="Hall")
    b.quantities(hall, NetFloorArea=60.0 / area_unit)
    b.properties(hall, "Pset_SpaceCommon", Reference="H1")
    expect("Hall", _to_world(shapely.box(0, 0, 10, 6)), 4.0, 240.0, 0.0, "Ground")
    # A mezzanine inside the hall (aggregated under the hall space, not under a storey),
    # 2.5 m up: its storey is Ground from the structure, whatever its height.
    mezz = b.space(
        hall, "Mezzanine", [b.rect_extrusion(4, 3, 2, centre=(2, 1.5))], origin=(1, 1, 2.5)
    )
    expect("Mezzanine", _to_world(shapely.box(1, 1, 5, 4)), 2.0, 24.0, 2.5, "Ground")
    # An L-shaped office on the first floor, placed at (12, 0) and turned by 90°.
    l_shape = [(0, 0), (6, 0), (6, 3), (3, 3), (3, 5), (0, 5)]
    office = b.space(
        first, "Office", [b.polygon_extrusion(l_shape, 3)], origin=(12, 0, 0), rotation_deg=90
    )
    b.quantities(office, NetFloorArea=24.0 * 1.1 / area_unit)  # the exporter's is 10 % off
    expect(
        "Office",
        _to_world(shapely.Polygon(l_shape), (12, 0), 90),
        3.0,
        24.0 * 3,
        4.0,
        "First",
    )
    # A profile with a void: 8 × 8 m less a 2 × 2 m hole.
    outer = [(0, 0), (8, 0), (8, 8), (0, 8)]
    hole = [(3, 3), (5, 3), (5, 5), (3, 5)]
    void = b.space(ground, "Void", [b.polygon_extrusion(outer, 3, holes=[hole])], origin=(20, 0, 0))
    expect("Void", _to_world(shapely.Polygon(outer, [hole]), (20, 0)), 3.0, 180.0, 0.0, "Ground")
    # A round room of radius 2 m centred at (35, 3).
    b.space(ground, "Round", [b.circle_extrusion(2, 3)], origin=(35, 3, 0))
    circle = shapely.Point(0, 0).buffer(2, quad_segs=256)
    expect("Round", _to_world(circle, (35, 3)), 3.0, math.pi * 4 * 3, 0.0, "Ground")
    # A D-shaped room: half disc of radius 3 (composite curve: polyline + trimmed circle).
    b.space(ground, "Apse", [b.semicircle_extrusion(3, 3)], origin=(45, 0, 0))
    half = shapely.Point(0, 0).buffer(3, quad_segs=256).intersection(shapely.box(-3, 0, 3, 3))
    expect("Apse", _to_world(half, (45, 0)), 3.0, math.pi * 9 / 2 * 3, 0.0, "Ground")
    # A faceted B-rep box of 3 × 4 × 2.5 m, written with inward normals.
    b.space(ground, "Store", [b.box_brep((0, 0, 0), (3, 4, 2.5), inward=True)], origin=(0, 10, 0))
    expect("Store", _to_world(shapely.box(0, 0, 3, 4), (0, 10)), 2.5, 30.0, 0.0, "Ground")
    # A surface model box 2 × 2 × 3 m whose faces point in and out at random.
    b.space(
        first,
        "Shaft",
        [b.box_surface_model((0, 0, 0), (2, 2, 3), flip=(1, 3))],
        origin=(0, 20, 0),
    )
    expect("Shaft", _to_world(shapely.box(0, 0, 2, 2), (0, 20)), 3.0, 12.0, 4.0, "First")
    # A stair extruded sideways (Revit 2011): profile in the vertical XZ plane, a
    # trapezoid (0,0)-(4,0)-(4,3)-(0,1) of 8 m², swept 1.2 m towards -Y.
    stair_profile = [(0, 0), (4, 0), (4, 3), (0, 1)]
    sideways = b.axis3d((0, 0, 0), axis=(0, -1, 0), ref=(1, 0, 0))
    b.space(
        ground,
        "Stair",
        [b.polygon_extrusion(stair_profile, 1.2, position=sideways)],
        origin=(0, 30, 0),
    )
    expect("Stair", _to_world(shapely.box(0, -1.2, 4, 0), (0, 30)), 3.0, 9.6, 0.0, "Ground")
    # An attic clipped by a plane at 3 m out of a 5 × 4 × 4 m box: the engine's job.
    b.space(first, "Attic", [b.clipped_box(5, 4, 4, 3)], origin=(30, 20, 0))
    expect(
        "Attic",
        _to_world(shapely.box(-2.5, -2, 2.5, 2), (30, 20)),
        3.0,
        60.0,
        4.0,
        "First",
        path="engine",
    )
    # A mapped item: a 2 × 1 m rectangle mapped to (3, 2) turned by 90°.
    b.space(
        first,
        "Booth",
        [
            b.mapped(
                [b.rect_extrusion(2, 1, 2.5, centre=(1, 0.5))], origin=(3, 2, 0), rotation_deg=90
            )
        ],
        origin=(40, 20, 0),
    )
    booth = shapely.affinity.translate(
        shapely.affinity.rotate(shapely.box(0, 0, 2, 1), 90, (0, 0)), 3, 2
    )
    expect("Booth", _to_world(booth, (40, 20)), 2.5, 5.0, 4.0, "First")
    # Quantities and no geometry: the area comes from them.
    records = b.space(ground, "Records")
    b.quantities(records, NetFloorArea=12.5 / area_unit)
    expect("Records", None, math.nan, math.nan, math.nan, "Ground", area=12.5)
    # IFC4 and later: an indexed poly curve with an arc, and a triangulated face set.
    if schema != "IFC2X3":
        b.space(first, "Bay", [b.indexed_arc_extrusion(2, 3)], origin=(50, 20, 0))
        half2 = shapely.Point(0, 0).buffer(2, quad_segs=256).intersection(shapely.box(-2, 0, 2, 2))
        expect("Bay", _to_world(half2, (50, 20)), 3.0, math.pi * 2 * 3, 4.0, "First")
        b.space(first, "Kiosk", [b.triangulated_box((0, 0, 0), (2, 3, 2))], origin=(60, 20, 0))
        expect("Kiosk", _to_world(shapely.box(0, 0, 2, 3), (60, 20)), 2.0, 12.0, 4.0, "First")
    # Zones: the hall is in two.
    b.zone("Production", [hall, void])
    b.zone("Heated", [hall, office])
    exp["Hall"]["zones"] = ["Production", "Heated"]
    exp["Void"]["zones"] = ["Production"]
    exp["Office"]["zones"] = ["Heated"]
    del mezz
    return b, exp
