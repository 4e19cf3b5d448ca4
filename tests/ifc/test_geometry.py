"""The fast geometry path, item by item, against analytic answers and ifcopenshell's engine."""

from __future__ import annotations

import math

import ifcopenshell.geom
import numpy as np
import pytest
import shapely
from builders import ModelBuilder

from site_manager.ifc.build import model_from_ifc
from site_manager.ifc.geometry import (
    GeometryContext,
    Unsupported,
    curve_points,
    item_parts,
    part_from_engine,
    profile_rings,
    rings_geometry,
    triangles_part,
)

I4 = np.eye(4)


def _engine_part(space):
    settings = ifcopenshell.geom.settings()
    settings.set("use-world-coords", True)
    return part_from_engine(ifcopenshell.geom.create_shape(settings, space).geometry)


def test_a_unit_cube_mesh_has_volume_one_whatever_the_orientation_of_its_triangles():
    v = np.array(
        [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]],
        dtype=float,
    )
    tris = np.array(
        [[0, 2, 1], [0, 3, 2], [4, 5, 6], [4, 6, 7], [0, 1, 5], [0, 5, 4]]
        + [[1, 2, 6], [1, 6, 5], [2, 3, 7], [2, 7, 6], [3, 0, 4], [3, 4, 7]]
    )
    out = triangles_part(v + 1000.0, tris)
    inward = triangles_part(v, tris[:, ::-1])
    assert out.volume == pytest.approx(1.0) and inward.volume == pytest.approx(1.0)
    assert out.footprint.area == pytest.approx(1.0)
    assert (out.z_min, out.z_max) == pytest.approx((1000.0, 1001.0))


def test_a_circle_profile_is_within_0_05_percent_of_pi_r_squared():
    b = ModelBuilder("IFC4", unit="m")
    item = b.circle_extrusion(3.0, 2.0)
    part = item_parts(item, I4, GeometryContext(1.0))[0]
    assert part.footprint.area == pytest.approx(math.pi * 9, rel=5e-4)
    assert part.volume == pytest.approx(math.pi * 9 * 2, rel=5e-4)


def test_an_arc_trimmed_by_parameters_in_degrees_follows_the_plane_angle_unit():
    b = ModelBuilder("IFC4", unit="m")
    f = b.f
    circle = f.createIfcCircle(f.createIfcAxis2Placement2D(b.point((0.0, 0.0)), None), 2.0)
    arc = f.createIfcTrimmedCurve(
        circle,
        [f.createIfcParameterValue(0.0)],
        [f.createIfcParameterValue(90.0)],
        True,
        "PARAMETER",
    )
    pts = curve_points(arc, angle_scale=math.pi / 180)
    assert pts[0] == pytest.approx([2.0, 0.0])
    assert pts[-1] == pytest.approx([0.0, 2.0], abs=1e-9)
    assert np.hypot(pts[:, 0], pts[:, 1]) == pytest.approx(np.full(len(pts), 2.0))
    # a clockwise arc from 0° to 90° goes the long way round
    arc.SenseAgreement = False
    long_way = curve_points(arc, angle_scale=math.pi / 180)
    assert long_way[len(long_way) // 2] == pytest.approx([-2 / math.sqrt(2)] * 2, abs=1e-2)


def test_an_indexed_poly_curve_without_segments_is_its_points_in_order():
    b = ModelBuilder("IFC4", unit="m")
    pl = b.f.createIfcCartesianPointList2D([(0.0, 0.0), (4.0, 0.0), (4.0, 2.0), (0.0, 2.0)])
    curve = b.f.createIfcIndexedPolyCurve(pl, None, False)
    prof = b.f.createIfcArbitraryClosedProfileDef("AREA", None, curve)
    assert rings_geometry(profile_rings(prof, GeometryContext(1.0))).area == pytest.approx(8.0)


def test_open_profiles_and_unknown_items_are_left_to_the_engine():
    b = ModelBuilder("IFC4", unit="m")
    open_prof = b.f.createIfcArbitraryOpenProfileDef("CURVE", None, b.polyline([(0, 0), (1, 0)]))
    with pytest.raises(Unsupported):
        profile_rings(open_prof, GeometryContext(1.0))
    sphere = b.f.createIfcSphere(b.axis3d(), 1.0)
    with pytest.raises(Unsupported):
        item_parts(sphere, I4, GeometryContext(1.0))


@pytest.mark.parametrize("schema", ["IFC2X3", "IFC4"])
def test_mapped_items_with_an_origin_and_a_scaled_operator_agree_with_the_engine(schema):
    b = ModelBuilder(schema, unit="mm", site_origin=(5, 7, 0), site_rotation_deg=-20)
    f = b.f
    st = b.storey("G", 1.5)
    src = b.rect_extrusion(2, 1, 2.5, centre=(1, 0.5))
    rep = f.createIfcShapeRepresentation(b.body, "Body", "SweptSolid", [src])
    rmap = f.createIfcRepresentationMap(b.axis3d((1, 2, 0), rotation_deg=30), rep)
    op = f.createIfcCartesianTransformationOperator3D(
        b.direction((0.0, 1.0, 0.0)), None, b.point((3, 2, 0.5)), 1.5, b.direction((0, 0, 1))
    )
    sp = b.space(st, "Booth", [f.createIfcMappedItem(rmap, op)], origin=(10, 0, 0))
    row = model_from_ifc(f, "mapped.ifc").spaces.iloc[0]
    engine = _engine_part(sp)
    assert row["geometry_path"] == "fast"
    assert row["area_m2"] == pytest.approx(2 * 1.5**2, rel=1e-6)
    assert row.geometry.symmetric_difference(engine.footprint).area < 1e-4
    assert row["z_min_m"] == pytest.approx(engine.z_min, abs=1e-6)
    assert row["height_m"] == pytest.approx(engine.z_max - engine.z_min, abs=1e-6)


def test_a_tilted_extrusion_projects_like_the_engine():
    b = ModelBuilder("IFC4", unit="m")
    st = b.storey("G", 0.0)
    # an L-shaped profile swept obliquely, profile plane tilted about the x axis
    pos = b.axis3d((0, 0, 0), axis=(0, -0.6, 0.8), ref=(1, 0, 0))
    item = b.polygon_extrusion(
        [(0, 0), (3, 0), (3, 1), (1, 1), (1, 2), (0, 2)], 2.0, position=pos, direction=(0.3, 0, 1)
    )
    sp = b.space(st, "Ramp", [item])
    row = model_from_ifc(b.f, "tilt.ifc").spaces.iloc[0]
    engine = _engine_part(sp)
    assert row["geometry_path"] == "fast"
    assert row["area_m2"] == pytest.approx(engine.footprint.area, rel=1e-6)
    assert row.geometry.symmetric_difference(engine.footprint).area < 1e-4
    assert row["height_m"] == pytest.approx(engine.z_max - engine.z_min, abs=1e-6)
    assert row["volume_m3"] == pytest.approx(engine.volume, rel=1e-6)
    # 4 m² of profile times the sweep's component along the profile normal
    assert row["volume_m3"] == pytest.approx(4.0 * 2.0 / math.sqrt(1.09), rel=1e-9)


def test_a_surface_model_with_faces_flipped_at_random_has_the_volume_of_its_box():
    b = ModelBuilder("IFC2X3", unit="m")
    item = b.box_surface_model((0, 0, 0), (2, 3, 4), flip=(0, 2, 5))
    part = item_parts(item, I4, GeometryContext(1.0))[0]
    assert part.volume == pytest.approx(24.0)
    assert part.footprint.area == pytest.approx(6.0)
    assert shapely.equals_exact(
        shapely.normalize(part.footprint), shapely.normalize(shapely.box(0, 0, 2, 3)), 1e-9
    )


def test_the_small_mesh_path_and_the_vectorised_path_agree_on_real_b_reps(
    shared_ifc_dir, monkeypatch
):
    import site_manager.ifc.meshes as meshes

    checked = 0
    for name in ("AC20-FZK-Haus.ifc", "duplex.ifc"):
        f = ifcopenshell.open(str(shared_ifc_dir / name))
        for space in f.by_type("IfcSpace"):
            body = [
                r
                for r in space.Representation.Representations
                if r.RepresentationIdentifier == "Body"
            ]
            item = body[0].Items[0]
            if not item.is_a("IfcFacetedBrep") and not item.is_a("IfcFaceBasedSurfaceModel"):
                continue
            monkeypatch.setattr(meshes, "SMALL_MESH_POINTS", 10**9)
            small = item_parts(item, I4, GeometryContext(1.0))[0]
            monkeypatch.setattr(meshes, "SMALL_MESH_POINTS", 0)
            vector = item_parts(item, I4, GeometryContext(1.0))[0]
            assert small.volume == pytest.approx(vector.volume, rel=1e-9)
            assert small.footprint.symmetric_difference(vector.footprint).area < 1e-9
            assert (small.z_min, small.z_max) == (vector.z_min, vector.z_max)
            checked += 1
    assert checked == 9  # 7 ArchiCAD B-reps, 2 Revit surface models


def test_a_shell_based_surface_model_of_an_open_box_projects_its_floor():
    b = ModelBuilder("IFC2X3", unit="m")
    faces = b._box_faces((0, 0, 0), (4, 2, 3))[:1] + b._box_faces((0, 0, 0), (4, 2, 3))[2:]
    item = b.f.createIfcShellBasedSurfaceModel([b.f.createIfcOpenShell(faces)])  # no lid
    part = item_parts(item, I4, GeometryContext(1.0))[0]
    assert part.footprint.area == pytest.approx(8.0)
    assert (part.z_min, part.z_max) == pytest.approx((0.0, 3.0))


def test_a_polygonal_face_set_with_a_holed_top_face_keeps_the_hole_in_its_footprint():
    """A 4 × 4 × 1 block with a 2 × 2 vertical hole through it (a ring), as an
    IfcPolygonalFaceSet: top and bottom faces with an inner loop, eight side faces."""
    b = ModelBuilder("IFC4", unit="m")
    f = b.f
    outer = [(0, 0), (4, 0), (4, 4), (0, 4)]
    inner = [(1, 1), (3, 1), (3, 3), (1, 3)]
    pts = [(x, y, 0.0) for x, y in outer + inner] + [(x, y, 1.0) for x, y in outer + inner]
    pl = f.createIfcCartesianPointList3D(pts)
    faces = [
        f.createIfcIndexedPolygonalFaceWithVoids((1, 4, 3, 2), ((5, 6, 7, 8),)),  # bottom
        f.createIfcIndexedPolygonalFaceWithVoids((9, 10, 11, 12), ((13, 16, 15, 14),)),  # top
    ]
    for ring in ((1, 2, 3, 4), (5, 6, 7, 8)):
        for i in range(4):
            a, c = ring[i], ring[(i + 1) % 4]
            faces.append(f.createIfcIndexedPolygonalFace((a, c, c + 8, a + 8)))
    item = f.createIfcPolygonalFaceSet(pl, True, faces, None)
    part = item_parts(item, I4, GeometryContext(1.0))[0]
    assert part.footprint.area == pytest.approx(12.0)
    assert len(part.footprint.interiors) == 1
    assert part.volume == pytest.approx(12.0)


def test_spaces_contained_rather_than_aggregated_in_a_storey_belong_to_it():
    import ifcopenshell.guid

    b = ModelBuilder("IFC2X3", unit="mm")
    st = b.storey("Upper", 6.0)
    other = b.storey("Lower", 0.0)
    sp = b.space(other, "Lift", [b.rect_extrusion(2, 2, 12)])
    # move it: contained in Upper instead of aggregated under Lower
    for rel in b.f.by_type("IfcRelAggregates"):
        if sp in rel.RelatedObjects:
            b.f.remove(rel)
    b.f.createIfcRelContainedInSpatialStructure(ifcopenshell.guid.new(), None, None, None, [sp], st)
    row = model_from_ifc(b.f, "contained.ifc").spaces.iloc[0]
    assert row["storey"] == "Upper"
    assert row["storey_elevation_m"] == pytest.approx(6.0)
    assert row["z_min_m"] == pytest.approx(0.0)  # placed relative to Lower's placement
