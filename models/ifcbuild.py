"""A small, deterministic IFC4 writer for the sample factories (used by make_models.py).

Everything is extruded: spaces from their footprints (rectangles, polylines, polygons with
holes), walls from the edges of a building outline, windows and doors as boxes in them.
GlobalIds are derived from names (uuid5), the header carries a fixed timestamp, so two runs
write byte-identical files. Coordinates are metres in the building's local XY; buildings
are only translated, never rotated, inside the site; the site is rotated to grid north by
the IfcMapConversion.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from typing import Any

import ifcopenshell
import ifcopenshell.api.context
import ifcopenshell.api.group
import ifcopenshell.api.material
import ifcopenshell.api.pset
import ifcopenshell.api.root
import ifcopenshell.api.unit
import ifcopenshell.guid
from shapely import LineString, Polygon, affinity, box
from shapely.geometry.polygon import orient
from shapely.ops import nearest_points

NAMESPACE = uuid.UUID("6f1c3a52-6a0e-4c1b-9a51-2d0f6a3c9e11")
TIMESTAMP = "2026-11-01T09:00:00"


def guid(key: str) -> str:
    """A stable IFC GlobalId from a key."""
    return ifcopenshell.guid.compress(uuid.uuid5(NAMESPACE, key).hex)


def r(x: float) -> float:
    """Round coordinates to the millimetre so the file text is stable and short."""
    return round(float(x), 4) + 0.0


@dataclass
class SpaceInfo:
    """What the sample-site generator needs to know about a space."""

    global_id: str
    name: str
    long_name: str
    building: str
    storey: str
    footprint: Polygon  # building-local XY [m]
    origin: tuple[float, float]
    elevation: float
    height: float
    use: str
    props: dict[str, Any]
    external: bool = False

    @property
    def area_m2(self) -> float:
        return self.footprint.area


@dataclass
class StoreyInfo:
    entity: Any
    name: str
    building: str
    elevation: float
    origin: tuple[float, float]
    spaces: list[SpaceInfo] = field(default_factory=list)


class ModelBuilder:
    """Build one sample factory model."""

    def __init__(
        self,
        key: str,
        *,
        project: str,
        site: str,
        crs: str,
        crs_description: str,
        utm_zone: str,
        eastings: float,
        northings: float,
        height: float,
        rotation_deg: float,
        latitude: float,
        longitude: float,
        address: str,
    ) -> None:
        self.key = key
        self.rotation = math.radians(rotation_deg)
        f = ifcopenshell.file(schema="IFC4")
        self.f = f
        self._counts: dict[str, int] = {}
        self._pt_cache: dict[tuple[float, ...], Any] = {}
        self._dir_cache: dict[tuple[float, ...], Any] = {}
        self.project = self.entity("IfcProject", project)
        units = [
            ifcopenshell.api.unit.add_si_unit(f, unit_type="LENGTHUNIT"),
            ifcopenshell.api.unit.add_si_unit(f, unit_type="AREAUNIT"),
            ifcopenshell.api.unit.add_si_unit(f, unit_type="VOLUMEUNIT"),
            ifcopenshell.api.unit.add_si_unit(f, unit_type="PLANEANGLEUNIT"),
        ]
        ifcopenshell.api.unit.assign_unit(f, units=units)
        model = ifcopenshell.api.context.add_context(f, context_type="Model")
        self.body = ifcopenshell.api.context.add_context(
            f,
            context_type="Model",
            context_identifier="Body",
            target_view="MODEL_VIEW",
            parent=model,
        )
        # true north in model XY, so that tools without map conversion orient the same way
        # (grid north of the UTM zone; the meridian convergence, < 2°, is ignored)
        model.TrueNorth = f.create_entity(
            "IfcDirection", DirectionRatios=(r(math.sin(self.rotation)), r(math.cos(self.rotation)))
        )
        crs_entity = f.create_entity(
            "IfcProjectedCRS",
            Name=crs,
            Description=crs_description,
            GeodeticDatum="ETRS89",
            MapProjection="UTM",
            MapZone=utm_zone,
            MapUnit=units[0],
        )
        f.create_entity(
            "IfcMapConversion",
            SourceCRS=model,
            TargetCRS=crs_entity,
            Eastings=eastings,
            Northings=northings,
            OrthogonalHeight=height,
            XAxisAbscissa=r(math.cos(self.rotation)),
            XAxisOrdinate=r(math.sin(self.rotation)),
            Scale=1.0,
        )
        self.site = self.entity("IfcSite", site)
        self.site.RefLatitude = dms(latitude)
        self.site.RefLongitude = dms(longitude)
        self.site.RefElevation = height
        self.site.LandTitleNumber = None
        self.site.SiteAddress = f.create_entity(
            "IfcPostalAddress", AddressLines=[address.split(",")[0]], Town=address.split(",")[-1]
        )
        self.site.ObjectPlacement = self.placement((0, 0, 0))
        self._contained: dict[str, list] = {}
        self.aggregate(self.project, [self.site])
        self.buildings: dict[str, Any] = {}
        self.building_origin: dict[str, tuple[float, float]] = {}
        self.storeys: dict[str, StoreyInfo] = {}
        self.spaces: dict[str, SpaceInfo] = {}
        self.space_entities: dict[str, Any] = {}
        self.materials: dict[str, Any] = {}
        self._shapes: dict[tuple, Any] = {}
        self.doors: list[tuple[str, str, tuple[float, float]]] = []
        # windows wait for the doors (declared after the walls): none is placed over a door
        self._pending_windows: list[tuple] = []
        # (storey, centre x, y, direction, width, bottom, top) of every door [m]
        self._door_rects: list[
            tuple[str, float, float, tuple[float, float], float, float, float]
        ] = []

    # ---- low-level helpers ------------------------------------------------------------
    def entity(self, ifc_class: str, name: str, *, predefined_type: str | None = None) -> Any:
        e = ifcopenshell.api.root.create_entity(
            self.f, ifc_class=ifc_class, name=name, predefined_type=predefined_type
        )
        k = f"{ifc_class}/{name}"
        n = self._counts.get(k, 0)
        self._counts[k] = n + 1
        e.GlobalId = guid(f"{self.key}/{k}/{n}")
        return e

    def aggregate(self, parent, children: list) -> None:
        self.f.create_entity(
            "IfcRelAggregates",
            GlobalId=guid(f"{self.key}/agg/{parent.GlobalId}/{children[0].GlobalId}"),
            RelatingObject=parent,
            RelatedObjects=children,
        )

    def point(self, xyz: tuple[float, ...]) -> Any:
        key = tuple(r(v) for v in xyz)
        if key not in self._pt_cache:
            self._pt_cache[key] = self.f.create_entity("IfcCartesianPoint", Coordinates=key)
        return self._pt_cache[key]

    def direction(self, xyz: tuple[float, ...]) -> Any:
        key = tuple(r(v) for v in xyz)
        if key not in self._dir_cache:
            self._dir_cache[key] = self.f.create_entity("IfcDirection", DirectionRatios=key)
        return self._dir_cache[key]

    def axis3(self, xyz=(0.0, 0.0, 0.0), x_dir=None, z_dir=None) -> Any:
        return self.f.create_entity(
            "IfcAxis2Placement3D",
            Location=self.point(xyz),
            Axis=self.direction(z_dir) if z_dir else None,
            RefDirection=self.direction(x_dir) if x_dir else None,
        )

    def placement(self, xyz, *, rel=None, x_dir=None) -> Any:
        return self.f.create_entity(
            "IfcLocalPlacement",
            PlacementRelTo=rel,
            RelativePlacement=self.axis3(xyz, x_dir=x_dir, z_dir=(0, 0, 1) if x_dir else None),
        )

    def polyline(self, coords) -> Any:
        pts = [self.point((x, y)) for x, y in coords]
        if pts[0] != pts[-1]:
            pts.append(pts[0])
        return self.f.create_entity("IfcPolyline", Points=pts)

    def profile(self, poly: Polygon) -> Any:
        poly = orient(poly, 1.0)
        outer = self.polyline(list(poly.exterior.coords))
        if poly.interiors:
            inner = [self.polyline(list(i.coords)) for i in poly.interiors]
            return self.f.create_entity(
                "IfcArbitraryProfileDefWithVoids",
                ProfileType="AREA",
                OuterCurve=outer,
                InnerCurves=inner,
            )
        return self.f.create_entity(
            "IfcArbitraryClosedProfileDef", ProfileType="AREA", OuterCurve=outer
        )

    def rect_profile(self, xdim: float, ydim: float, cx: float, cy: float) -> Any:
        pos = self.f.create_entity("IfcAxis2Placement2D", Location=self.point((cx, cy)))
        return self.f.create_entity(
            "IfcRectangleProfileDef",
            ProfileType="AREA",
            Position=pos,
            XDim=r(xdim),
            YDim=r(ydim),
        )

    def extrusion(self, profile, depth: float, *, position=None, direction=(0, 0, 1)) -> Any:
        return self.f.create_entity(
            "IfcExtrudedAreaSolid",
            SweptArea=profile,
            Position=position or self.axis3(),
            ExtrudedDirection=self.direction(direction),
            Depth=r(depth),
        )

    def shape(self, items) -> Any:
        rep = self.f.create_entity(
            "IfcShapeRepresentation",
            ContextOfItems=self.body,
            RepresentationIdentifier="Body",
            RepresentationType="SweptSolid",
            Items=list(items),
        )
        return self.f.create_entity("IfcProductDefinitionShape", Representations=[rep])

    def box_shape(self, key: tuple, xdim: float, ydim: float, zdim: float) -> Any:
        """A shared product shape: a box from the origin along +X, +Y, +Z."""
        k = ("box", *key, r(xdim), r(ydim), r(zdim))
        if k not in self._shapes:
            prof = self.rect_profile(xdim, ydim, xdim / 2, ydim / 2)
            self._shapes[k] = self.shape([self.extrusion(prof, zdim)])
        return self._shapes[k]

    def material(self, name: str, category: str) -> Any:
        if name not in self.materials:
            m = ifcopenshell.api.material.add_material(self.f, name=name, category=category)
            self.materials[name] = m
        return self.materials[name]

    def layer_set(self, name: str, layers: list[tuple[str, str, float]]) -> Any:
        key = f"set:{name}"
        if key not in self.materials:
            ls = ifcopenshell.api.material.add_material_set(
                self.f, name=name, set_type="IfcMaterialLayerSet"
            )
            for mat, cat, thick in layers:
                layer = ifcopenshell.api.material.add_layer(
                    self.f, layer_set=ls, material=self.material(mat, cat)
                )
                ifcopenshell.api.material.edit_layer(
                    self.f, layer=layer, attributes={"LayerThickness": thick}
                )
            self.materials[key] = ls
        return self.materials[key]

    def pset(self, product, name: str, props: dict[str, Any]) -> None:
        ps = ifcopenshell.api.pset.add_pset(self.f, product=product, name=name)
        ifcopenshell.api.pset.edit_pset(self.f, pset=ps, properties=props)

    def qto(self, product, name: str, props: dict[str, float]) -> None:
        q = ifcopenshell.api.pset.add_qto(self.f, product=product, name=name)
        ifcopenshell.api.pset.edit_qto(self.f, qto=q, properties=props)

    def azimuth(self, nx: float, ny: float) -> float:
        """Grid azimuth [deg clockwise from grid north] of a model-XY direction."""
        c, s = math.cos(self.rotation), math.sin(self.rotation)
        e, n = c * nx - s * ny, s * nx + c * ny
        return round(math.degrees(math.atan2(e, n)) % 360.0, 1)

    # ---- spatial structure -------------------------------------------------------------
    def building(self, name: str, origin: tuple[float, float], *, description: str = "") -> Any:
        b = self.entity("IfcBuilding", name)
        b.Description = description or None
        b.ObjectPlacement = self.placement((*origin, 0.0), rel=self.site.ObjectPlacement)
        self.aggregate(self.site, [b])
        self.buildings[name] = b
        self.building_origin[name] = origin
        return b

    def storey(self, building: str, name: str, elevation: float) -> StoreyInfo:
        b = self.buildings[building]
        s = self.entity("IfcBuildingStorey", name)
        s.Elevation = elevation
        s.ObjectPlacement = self.placement((0, 0, elevation), rel=b.ObjectPlacement)
        self.aggregate(b, [s])
        info = StoreyInfo(s, name, building, elevation, self.building_origin[building])
        self.storeys[name] = info
        return info

    def contain(self, storey: StoreyInfo, products: list) -> None:
        self._contained.setdefault(storey.name, []).extend(products)

    # ---- spaces ------------------------------------------------------------------------
    def space(
        self,
        storey: StoreyInfo,
        name: str,
        long_name: str,
        footprint: Polygon,
        height: float,
        *,
        use: str,
        props: dict[str, Any],
        z: float = 0.0,
        external: bool = False,
    ) -> SpaceInfo:
        sp = self.entity("IfcSpace", name, predefined_type="EXTERNAL" if external else "INTERNAL")
        sp.LongName = long_name
        sp.CompositionType = "ELEMENT"
        sp.ObjectPlacement = self.placement((0, 0, z), rel=storey.entity.ObjectPlacement)
        sp.Representation = self.shape([self.extrusion(self.profile(footprint), height)])
        self.aggregate(storey.entity, [sp])
        area = round(footprint.area, 4)
        self.qto(
            sp,
            "Qto_SpaceBaseQuantities",
            {
                "Height": r(height),
                "GrossFloorArea": area,
                "NetFloorArea": area,
                "GrossVolume": round(footprint.area * height, 4),
            },
        )
        full = dict(props)
        full.setdefault("ClearHeight", r(height))
        self.pset(sp, "Pset_MultifactorySpace", full)
        self.pset(sp, "Pset_SpaceCommon", {"IsExternal": external, "Reference": name})
        info = SpaceInfo(
            sp.GlobalId,
            name,
            long_name,
            storey.building,
            storey.name,
            footprint,
            storey.origin,
            storey.elevation + z,
            height,
            use,
            full,
            external,
        )
        storey.spaces.append(info)
        self.spaces[name] = info
        self.space_entities[name] = sp
        return info

    # ---- fabric ------------------------------------------------------------------------
    def walls(
        self,
        storey: StoreyInfo,
        outline: Polygon,
        *,
        height,
        thickness: float,
        layers: list[tuple[str, str, float]],
        u_value: float,
        windows: list[dict] | None = None,
        skip_windows_near: list[tuple[float, float]] = (),
        abutting: list[tuple[Polygon, float]] = (),
        label: str = "",
        z: float = 0.0,
    ) -> None:
        """External walls on every ring of ``outline`` (building interior to the left).

        ``abutting`` lists the footprints of volumes built against these walls (another
        building, an annex) with the elevation of their top in the building's frame [m]: no
        window is written where the metre outside it overlaps one of them below that top, so
        every window opens to the outside, never into a neighbouring room.
        """
        outline = orient(outline, 1.0)
        rings = [outline.exterior, *outline.interiors]
        ls = self.layer_set(f"{layers[0][0]} wall {thickness:.2f} m", layers)
        n = 0
        products = []
        for k, ring in enumerate(rings):
            coords = list(ring.coords)
            for (x0, y0), (x1, y1) in zip(coords[:-1], coords[1:], strict=True):
                length = math.hypot(x1 - x0, y1 - y0)
                if length < 0.5:
                    continue
                dx, dy = (x1 - x0) / length, (y1 - y0) / length
                if k > 0:  # a courtyard: run the walls on past its corners, which they close
                    x0, y0, length = (
                        x0 - dx * thickness,
                        y0 - dy * thickness,
                        length + 2 * thickness,
                    )
                h = height((x0 + x1) / 2, (y0 + y1) / 2) if callable(height) else height
                n += 1
                w = self.entity(
                    "IfcWall", f"{label or storey.name} wall {n}", predefined_type="SOLIDWALL"
                )
                w.ObjectPlacement = self.placement(
                    (x0, y0, z), rel=storey.entity.ObjectPlacement, x_dir=(dx, dy, 0)
                )
                w.Representation = self.shape(
                    [
                        self.extrusion(
                            self.rect_profile(length, thickness, length / 2, thickness / 2), h
                        )
                    ]
                )
                ifcopenshell.api.material.assign_material(self.f, products=[w], material=ls)
                self.pset(
                    w,
                    "Pset_WallCommon",
                    {"IsExternal": True, "ThermalTransmittance": u_value, "LoadBearing": True},
                )
                products.append(w)
                azi = self.azimuth(dy, -dx)
                for spec in windows or []:
                    self._windows_in_wall(
                        storey,
                        w,
                        (x0, y0, z),
                        (dx, dy),
                        length,
                        thickness,
                        spec,
                        azi,
                        skip_windows_near,
                        abutting,
                    )
        self.contain(storey, products)

    def _windows_in_wall(
        self, storey, wall, p0, d, length, thickness, spec, azi, skip, abutting=()
    ) -> None:
        width, sill, spacing = spec["width"], spec["sill"], spec["spacing"]
        count = int((length - 1.0) // spacing)
        if count <= 0:
            return
        start = (length - count * spacing) / 2 + spacing / 2 - width / 2
        for i in range(count):
            s = start + i * spacing
            cx, cy = p0[0] + d[0] * (s + width / 2), p0[1] + d[1] * (s + width / 2)
            if any(math.hypot(cx - qx, cy - qy) < 2.5 for qx, qy in skip):
                continue
            if abutting:
                # the metre outside the window (outside is to the right of d)
                a = (p0[0] + d[0] * s, p0[1] + d[1] * s)
                b = (a[0] + d[0] * width, a[1] + d[1] * width)
                out = (d[1], -d[0])
                strip = Polygon(
                    [a, b, (b[0] + out[0], b[1] + out[1]), (a[0] + out[0], a[1] + out[1])]
                )
                bottom = storey.elevation + p0[2] + sill
                if any(bottom < top and strip.intersection(fp).area > 1e-6 for fp, top in abutting):
                    continue
            self._pending_windows.append((storey, wall, p0, d, thickness, spec, azi, i, s))

    def _door_over(self, storey, p0, d, thickness, s, width, bottom, top) -> bool:
        """Whether a door of ``storey`` lies in this wall (parallel, its centre within the
        wall's thickness ± 0.1 m) and its rectangle in the wall's plane overlaps the window's
        (``s`` … ``s + width`` along the wall from ``p0``, ``bottom`` … ``top`` up it). [m]"""
        for name, cx, cy, dd, w, z0, z1 in self._door_rects:
            if name != storey.name or abs(d[0] * dd[1] - d[1] * dd[0]) > 1e-6:
                continue
            rx, ry = cx - p0[0], cy - p0[1]
            off = -d[1] * rx + d[0] * ry  # inwards (to the left of d), where the wall is
            if not -0.1 <= off <= thickness + 0.1:
                continue
            t = d[0] * rx + d[1] * ry  # the door's centre along the wall
            along = min(s + width, t + w / 2) - max(s, t - w / 2)
            up = min(top, z1) - max(bottom, z0)
            if along > 1e-6 and up > 1e-6:
                return True
        return False

    def _place_windows(self) -> None:
        """Write the walls' windows, leaving out every one that a door of its wall overlaps
        (a wall opening is a door or a window, never both)."""
        pending, self._pending_windows = self._pending_windows, []
        for storey, wall, p0, d, thickness, spec, azi, i, s in pending:
            width, hgt, sill = spec["width"], spec["height"], spec["sill"]
            bottom = p0[2] + sill
            if self._door_over(storey, p0, d, thickness, s, width, bottom, bottom + hgt):
                continue
            loc = (p0[0] + d[0] * s, p0[1] + d[1] * s, p0[2] + sill)
            op = self.entity(
                "IfcOpeningElement", f"{wall.Name} opening {i + 1}", predefined_type="OPENING"
            )
            op.ObjectPlacement = self.placement((s, 0.0, sill), rel=wall.ObjectPlacement)
            op.Representation = self.box_shape(("opening",), width, thickness, hgt)
            self.f.create_entity(
                "IfcRelVoidsElement",
                GlobalId=guid(f"{self.key}/void/{op.GlobalId}"),
                RelatingBuildingElement=wall,
                RelatedOpeningElement=op,
            )
            win = self.entity("IfcWindow", f"{wall.Name} window {i + 1}", predefined_type="WINDOW")
            win.OverallWidth, win.OverallHeight = width, hgt
            win.ObjectPlacement = self.placement(
                loc, rel=storey.entity.ObjectPlacement, x_dir=(*d, 0)
            )
            win.Representation = self.box_shape(("window",), width, 0.08, hgt)
            self.f.create_entity(
                "IfcRelFillsElement",
                GlobalId=guid(f"{self.key}/fill/{op.GlobalId}"),
                RelatingOpeningElement=op,
                RelatedBuildingElement=win,
            )
            self._glazing(win, spec, azi, 90.0)
            self.contain(storey, [win])

    def _glazing(self, win, spec, azi: float, tilt: float) -> None:
        ifcopenshell.api.material.assign_material(
            self.f, products=[win], material=self.material(spec["material"], "glass")
        )
        self.pset(win, "Pset_WindowCommon", {"IsExternal": True, "ThermalTransmittance": spec["u"]})
        self.pset(
            win,
            "Pset_MultifactoryGlazing",
            {
                "GValue": spec["g"],
                "FrameFraction": spec["frame"],
                "Azimuth": azi,
                "Tilt": tilt,
            },
        )

    def rooflight(
        self, storey: StoreyInfo, name: str, p0, d, width: float, hgt: float, spec
    ) -> None:
        """A vertical north-light in a saw-tooth roof: a window without a host wall."""
        win = self.entity("IfcWindow", name, predefined_type="SKYLIGHT")
        win.OverallWidth, win.OverallHeight = width, hgt
        win.ObjectPlacement = self.placement(p0, rel=storey.entity.ObjectPlacement, x_dir=(*d, 0))
        win.Representation = self.box_shape(("window",), width, 0.08, hgt)
        self._glazing(win, spec, self.azimuth(d[1], -d[0]), 90.0)
        self.contain(storey, [win])

    def slab(
        self,
        storey: StoreyInfo,
        name: str,
        footprint: Polygon,
        *,
        thickness: float,
        z: float,
        kind: str,
        u_value: float | None,
        layers: list[tuple[str, str, float]],
        external: bool,
    ) -> None:
        s = self.entity("IfcSlab", name, predefined_type=kind)
        s.ObjectPlacement = self.placement((0, 0, z), rel=storey.entity.ObjectPlacement)
        s.Representation = self.shape([self.extrusion(self.profile(footprint), thickness)])
        ls = self.layer_set(f"{layers[0][0]} slab {thickness:.2f} m", layers)
        ifcopenshell.api.material.assign_material(self.f, products=[s], material=ls)
        props: dict[str, Any] = {"IsExternal": external, "LoadBearing": True}
        if u_value is not None:
            props["ThermalTransmittance"] = u_value
        self.pset(s, "Pset_SlabCommon", props)
        self.contain(storey, [s])

    def roof(
        self,
        storey: StoreyInfo,
        name: str,
        items: list,
        *,
        u_value: float,
        material: str,
        kind: str = "FLAT_ROOF",
    ) -> None:
        rf = self.entity("IfcRoof", name, predefined_type=kind)
        rf.ObjectPlacement = self.placement((0, 0, 0), rel=storey.entity.ObjectPlacement)
        rf.Representation = self.shape(items)
        ifcopenshell.api.material.assign_material(
            self.f, products=[rf], material=self.material(material, "roof")
        )
        self.pset(rf, "Pset_RoofCommon", {"IsExternal": True, "ThermalTransmittance": u_value})
        self.contain(storey, [rf])

    def flat_roof_items(self, footprint: Polygon, z: float, thickness: float) -> list:
        return [self.extrusion(self.profile(footprint), thickness, position=self.axis3((0, 0, z)))]

    def prism_x_items(
        self, profile_yz: list[tuple[float, float]], x0: float, length: float
    ) -> list:
        """A prism along +X whose cross-section is given in (y, z)."""
        prof = self.f.create_entity(
            "IfcArbitraryClosedProfileDef", ProfileType="AREA", OuterCurve=self.polyline(profile_yz)
        )
        pos = self.axis3((x0, 0, 0), x_dir=(0, 1, 0), z_dir=(1, 0, 0))
        return [self.extrusion(prof, length, position=pos)]

    def columns(
        self,
        storey: StoreyInfo,
        points: list[tuple[float, float]],
        *,
        height: float,
        radius: float | None = None,
        section: tuple[float, float] | None = None,
        material: str,
        label: str,
    ) -> None:
        key = ("column", r(height), radius, section)
        if key not in self._shapes:
            if radius is not None:
                prof = self.f.create_entity(
                    "IfcCircleProfileDef", ProfileType="AREA", Radius=radius
                )
            else:
                prof = self.rect_profile(section[0], section[1], 0, 0)
            self._shapes[key] = self.shape([self.extrusion(prof, height)])
        mat = self.material(material, "steel")
        cols = []
        for i, (x, y) in enumerate(points, start=1):
            c = self.entity("IfcColumn", f"{label} C{i:02d}", predefined_type="COLUMN")
            c.ObjectPlacement = self.placement((x, y, 0), rel=storey.entity.ObjectPlacement)
            c.Representation = self._shapes[key]
            cols.append(c)
        if cols:
            ifcopenshell.api.material.assign_material(self.f, products=cols, material=mat)
            self.contain(storey, cols)

    def proxy_cylinder(
        self, storey: StoreyInfo, ifc_class: str, name: str, xy, radius, height, material
    ):
        c = self.entity(ifc_class, name)
        c.ObjectPlacement = self.placement((*xy, 0), rel=storey.entity.ObjectPlacement)
        prof = self.f.create_entity("IfcCircleProfileDef", ProfileType="AREA", Radius=radius)
        c.Representation = self.shape([self.extrusion(prof, height)])
        ifcopenshell.api.material.assign_material(
            self.f, products=[c], material=self.material(material, "brick")
        )
        self.contain(storey, [c])

    # ---- doors -------------------------------------------------------------------------
    def door(
        self,
        a: str,
        b: str | None,
        *,
        width: float = 1.0,
        height: float = 2.1,
        external: bool = False,
        at: tuple[float, float, float, float] | None = None,
    ) -> None:
        """A door between spaces ``a`` and ``b`` (same building), where they are closest.

        ``at`` = (x, y, dx, dy) places it explicitly: centre and direction along the wall.
        ``b = None`` is a door to the outside (street), which needs ``at``.
        """
        sa = self.spaces[a]
        sb = self.spaces[b] if b is not None else None
        storey = self.storeys[sa.storey]
        fb = None
        if sb is not None:  # b's footprint in a's building coordinates
            fb = affinity.translate(
                sb.footprint, sb.origin[0] - sa.origin[0], sb.origin[1] - sa.origin[1]
            )
        if at is not None:
            cx, cy, d = at[0], at[1], (at[2], at[3])
        else:
            assert fb is not None, "a door to the outside needs at=(x, y, dx, dy)"
            gap = sa.footprint.distance(fb)
            reach = sa.footprint.buffer(gap + 0.05, join_style="mitre") if gap > 0 else sa.footprint
            shared = (
                reach.intersection(fb.boundary)
                if gap > 0
                else sa.footprint.boundary.intersection(fb.boundary)
            )
            segments = [
                LineString([p, q])
                for g in getattr(shared, "geoms", [shared])
                if g.geom_type == "LineString"
                for p, q in zip(g.coords[:-1], g.coords[1:], strict=True)
            ]
            if not segments:
                raise ValueError(f"door {a} / {b}: the spaces are not beside each other")
            line = max(segments, key=lambda g: g.length)  # one straight piece of wall
            mid = line.interpolate(0.5, normalized=True)
            (x0, y0), (x1, y1) = line.coords[0], line.coords[-1]
            length = math.hypot(x1 - x0, y1 - y0)
            d = ((x1 - x0) / length, (y1 - y0) / length)
            near = nearest_points(sa.footprint, mid)[0]
            cx, cy = (near.x + mid.x) / 2, (near.y + mid.y) / 2
        z = sa.elevation - storey.elevation
        dr = self.entity("IfcDoor", f"D {a} / {b or 'outside'}", predefined_type="DOOR")
        dr.OverallWidth, dr.OverallHeight = width, height
        dr.ObjectPlacement = self.placement(
            (cx - d[0] * width / 2 + d[1] * 0.1, cy - d[1] * width / 2 - d[0] * 0.1, z),
            rel=storey.entity.ObjectPlacement,
            x_dir=(*d, 0),
        )
        dr.Representation = self.box_shape(("door",), width, 0.2, height)
        common: dict[str, Any] = {"IsExternal": external}
        if external:
            common["ThermalTransmittance"] = 3.0
        self.pset(dr, "Pset_DoorCommon", common)
        self.pset(
            dr,
            "Pset_MultifactoryDoor",
            {"FromSpace": sa.global_id, "ToSpace": sb.global_id if sb else "", "ClearWidth": width},
        )
        self.contain(storey, [dr])
        self.doors.append((a, b, (cx, cy)))
        self._door_rects.append((storey.name, cx, cy, d, width, z, z + height))

    def auto_doors(self, storey: StoreyInfo, *, circulation: set[str], extra_done: set) -> None:
        """One door from every non-circulation space to its circulation (or best) neighbour."""
        for sp in storey.spaces:
            if sp.name in circulation or sp.external:
                continue
            best, best_len, best_circ = None, 0.0, False
            for other in storey.spaces:
                if other is sp or other.external:
                    continue
                shared = sp.footprint.boundary.intersection(other.footprint.boundary)
                length = shared.length if not shared.is_empty else 0.0
                if length < 1.2:
                    continue
                is_circ = other.name in circulation
                if (is_circ, length) > (best_circ, best_len):
                    best, best_len, best_circ = other, length, is_circ
            if best is not None and (sp.name, best.name) not in extra_done:
                w = 2.4 if sp.props.get("LoadingAccess") != "none" and best_circ else 1.2
                self.door(sp.name, best.name, width=w, height=2.6 if w > 2 else 2.1)

    def zone(self, name: str, spaces: list[str], *, description: str = "") -> None:
        z = self.entity("IfcZone", name)
        z.Description = description or None
        z.ObjectType = "FireCompartment" if name.startswith("Fire") else None
        ifcopenshell.api.group.assign_group(
            self.f, products=[self.space_entities[s] for s in spaces], group=z
        )

    # ---- output ------------------------------------------------------------------------
    def finish(self) -> None:
        """Contain the elements in their storeys; give api-made relationships stable ids."""
        self._place_windows()
        for name, products in self._contained.items():
            self.f.create_entity(
                "IfcRelContainedInSpatialStructure",
                GlobalId=guid(f"{self.key}/contain/{name}"),
                RelatedElements=products,
                RelatingStructure=self.storeys[name].entity,
            )
        self._contained = {}
        seen: dict[str, int] = {}
        for e in sorted(self.f.by_type("IfcRoot"), key=lambda x: x.id()):
            if e.is_a() in (
                "IfcProject",
                "IfcSite",
                "IfcBuilding",
                "IfcBuildingStorey",
                "IfcSpace",
                "IfcWall",
                "IfcWindow",
                "IfcDoor",
                "IfcSlab",
                "IfcRoof",
                "IfcColumn",
                "IfcOpeningElement",
                "IfcZone",
                "IfcChimney",
                "IfcBuildingElementProxy",
            ):
                continue
            n = seen.get(e.is_a(), 0)
            seen[e.is_a()] = n + 1
            e.GlobalId = guid(f"{self.key}/auto/{e.is_a()}/{n}")

    def write(self, path) -> None:
        self.finish()
        h = self.f.header
        h.file_description.description = ("ViewDefinition [DesignTransferView]",)
        h.file_name.name = f"{self.key}.ifc"
        h.file_name.time_stamp = TIMESTAMP
        h.file_name.author = ("site-manager sample models",)
        h.file_name.organization = ("site-manager (invented sample data)",)
        h.file_name.preprocessor_version = "IfcOpenShell"
        h.file_name.originating_system = "site-manager models/make_models.py"
        h.file_name.authorization = "none"
        self.f.write(str(path))


def dms(value: float) -> list[int]:
    """Decimal degrees to IfcCompoundPlaneAngleMeasure (deg, min, sec, millionths)."""
    sign = -1 if value < 0 else 1
    v = abs(value)
    d = int(v)
    m = int((v - d) * 60)
    s_full = (v - d - m / 60) * 3600
    s = int(s_full)
    micro = int(round((s_full - s) * 1e6))
    return [sign * d, sign * m, sign * s, sign * micro]


def rect(x0: float, y0: float, x1: float, y1: float) -> Polygon:
    return box(x0, y0, x1, y1)
