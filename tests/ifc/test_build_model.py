"""model_from_ifc on models built in memory, whose answers are worked out by hand.

The reference model (tests/ifc/builders.py) is built for each schema and length unit and
must give the same metric answers every time.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from builders import ModelBuilder, reference_model

from site_manager.ifc.build import model_from_ifc
from site_manager.model import SPACES_COLUMNS, STOREYS_COLUMNS

CASES = [
    ("IFC2X3", "mm", True),
    ("IFC4", "m", True),
    ("IFC4", "ft", False),  # feet, and no area or volume unit declared at all
    ("IFC4X3", "mm", True),
]


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def built(request):
    schema, unit, declared = request.param
    b, expected = reference_model(schema, unit, declare_area_volume=declared)
    model = model_from_ifc(b.f, f"memory-{schema}-{unit}.ifc")
    return b, expected, model


def _row(model, name):
    rows = model.spaces[model.spaces["name"] == name]
    assert len(rows) == 1, f"expected one space named {name}"
    return rows.iloc[0]


def test_the_spaces_frame_has_exactly_the_contract_columns(built):
    _, expected, model = built
    assert list(model.spaces.columns) == list(SPACES_COLUMNS)
    assert list(model.storeys.columns) == list(STOREYS_COLUMNS)
    assert sorted(model.spaces["name"]) == sorted(expected)


def test_every_space_has_its_hand_computed_area_height_volume_and_floor_level(built):
    _, expected, model = built
    for name, e in expected.items():
        r = _row(model, name)
        for col in ("area_m2", "height_m", "volume_m3", "z_min_m"):
            if math.isnan(e[col]):
                assert math.isnan(r[col]), (name, col)
            else:
                # arcs become polygons of 128 segments a turn: 0.05 % at most
                assert r[col] == pytest.approx(e[col], rel=5e-4, abs=1e-6), (name, col)


def test_footprints_are_valid_polygons_in_world_xy_after_site_rotation_and_offset(built):
    _, expected, model = built
    for name, e in expected.items():
        geom = _row(model, name).geometry
        if e["footprint"] is None:
            assert geom.is_empty, name
            continue
        assert geom.is_valid and geom.geom_type in ("Polygon", "MultiPolygon"), name
        mismatch = geom.symmetric_difference(e["footprint"]).area
        assert mismatch < 1e-3 * e["area_m2"], (name, mismatch)


def test_a_profile_with_a_void_keeps_its_hole(built):
    _, _, model = built
    geom = _row(model, "Void").geometry
    assert len(geom.interiors) == 1
    assert shapely.Polygon(geom.interiors[0]).area == pytest.approx(4.0, rel=1e-6)


def test_a_mezzanine_inside_a_hall_belongs_to_the_halls_storey_whatever_its_height(built):
    _, _, model = built
    mezz = _row(model, "Mezzanine")
    assert mezz["storey"] == "Ground"
    assert mezz["z_min_m"] == pytest.approx(2.5)
    assert mezz["storey_elevation_m"] == pytest.approx(0.0)


def test_a_sideways_extrusion_projects_the_swept_solid_not_its_profile(built):
    _, _, model = built
    stair = _row(model, "Stair")
    assert stair["geometry_path"] == "fast"
    assert stair["area_m2"] == pytest.approx(4.8)  # 4 m long, swept 1.2 m
    assert stair["height_m"] == pytest.approx(3.0)  # the profile's vertical extent
    assert stair["volume_m3"] == pytest.approx(9.6)  # 8 m² profile × 1.2 m


def test_a_clipped_space_is_read_by_the_engine_and_a_warning_names_it(built):
    _, _, model = built
    attic = _row(model, "Attic")
    assert attic["geometry_path"] == "engine"
    fallback = [w for w in model.warnings if "geometry engine" in w]
    assert len(fallback) == 1
    assert "Attic" in fallback[0] and attic["global_id"] in fallback[0]
    assert "Hall" not in fallback[0]


def test_a_space_without_geometry_keeps_its_row_with_the_area_of_its_quantities(built):
    _, _, model = built
    rec = _row(model, "Records")
    assert rec["area_source"] == "quantity"
    assert rec["geometry_path"] == "none"
    assert rec.geometry.is_empty
    assert rec["area_m2"] == pytest.approx(12.5)
    others = model.spaces[model.spaces["name"] != "Records"]
    assert (others["area_source"] == "geometry").all()


def test_a_space_in_two_zones_lists_both_and_others_none(built):
    _, expected, model = built
    for name, e in expected.items():
        assert sorted(_row(model, name)["zones"]) == sorted(e["zones"]), name
    assert sorted(_row(model, "Hall")["zones"]) == ["Heated", "Production"]


def test_property_sets_and_quantities_are_flattened_with_si_values(built):
    _, _, model = built
    psets = _row(model, "Hall")["psets"]
    assert psets["Pset_SpaceCommon.Reference"] == "H1"
    assert psets["Qto_SpaceBaseQuantities.NetFloorArea"] == pytest.approx(60.0)


def test_the_exporters_area_is_kept_and_a_difference_over_5_percent_warns_once(built):
    _, _, model = built
    assert _row(model, "Hall")["qto_area_m2"] == pytest.approx(60.0)
    assert _row(model, "Office")["qto_area_m2"] == pytest.approx(26.4)
    assert math.isnan(_row(model, "Round")["qto_area_m2"])
    area_warnings = [w for w in model.warnings if "floor area" in w]
    assert len(area_warnings) == 1
    assert "Office" in area_warnings[0] and "10%" in area_warnings[0]


def test_storeys_carry_their_placement_elevation_and_space_count(built):
    _, expected, model = built
    st = model.storeys.set_index("name")
    assert st.loc["Ground", "elevation_m"] == pytest.approx(0.0)
    assert st.loc["First", "elevation_m"] == pytest.approx(4.0)
    for storey in ("Ground", "First"):
        n = sum(1 for e in expected.values() if e["storey"] == storey)
        assert st.loc[storey, "space_count"] == n
    assert (st["building"] == "Factory").all()
    assert (model.spaces["building"] == "Factory").all()


def test_model_info_names_schema_unit_and_application(built):
    b, _, model = built
    expected = "IFC4X3" if b.f.schema.startswith("IFC4X3") else b.f.schema
    assert model.info.schema == expected
    assert model.info.length_unit_m == pytest.approx(b.scale)
    assert model.info.application.startswith("site-manager test builder")


# ---------------------------------------------------------------------- single cases


def test_storey_elevation_comes_from_its_placement_and_a_disagreeing_attribute_warns():
    b = ModelBuilder("IFC4", unit="mm")
    st = b.storey("Upper", 3.0, elevation_attr_m=3.5)
    b.space(st, "Room", [b.rect_extrusion(4, 4, 3)])
    model = model_from_ifc(b.f, "elev.ifc")
    assert model.storeys.loc[0, "elevation_m"] == pytest.approx(3.0)
    assert model.spaces.loc[0, "storey_elevation_m"] == pytest.approx(3.0)
    assert model.spaces.loc[0, "z_min_m"] == pytest.approx(3.0)
    assert any("Upper" in w and "placement" in w for w in model.warnings)


def test_a_model_without_spaces_gives_an_empty_frame_with_all_columns_and_a_warning():
    b = ModelBuilder("IFC2X3", unit="mm")
    b.storey("Only", 0.0)
    model = model_from_ifc(b.f, "nospace.ifc")
    assert len(model.spaces) == 0
    assert list(model.spaces.columns) == list(SPACES_COLUMNS)
    assert model.total_area_m2 == 0.0
    assert len(model.warnings) == 1 and "no IfcSpace" in model.warnings[0]
    assert len(model.storeys) == 1


def test_progress_is_reported_every_fifty_spaces_and_at_the_end():
    b = ModelBuilder("IFC4", unit="m")
    st = b.storey("G", 0.0)
    for i in range(120):
        b.space(st, f"S{i}", [b.rect_extrusion(1, 1, 1)], origin=(2 * i, 0, 0))
    calls: list[tuple[int, int]] = []
    model = model_from_ifc(b.f, "many.ifc", progress=lambda d, t: calls.append((d, t)))
    assert calls == [(50, 120), (100, 120), (120, 120)]
    assert model.total_area_m2 == pytest.approx(120.0)


def test_an_exporters_volume_1000_times_too_large_is_reported_as_a_unit_error():
    b = ModelBuilder("IFC4", unit="mm")
    st = b.storey("G", 0.0)
    sp = b.space(st, "Room", [b.rect_extrusion(5, 4, 2.5)])
    b.quantities(sp, GrossVolume=50.0 * 1000, NetFloorArea=20.0)
    model = model_from_ifc(b.f, "revit.ifc")
    assert model.spaces.loc[0, "volume_m3"] == pytest.approx(50.0)
    (w,) = model.warnings
    assert "Room" in w and "1000×" in w and "volume" in w


def test_map_conversion_crs_and_site_latitude_longitude_are_read():
    b = ModelBuilder("IFC4", unit="mm")
    f = b.f
    b.site.RefLatitude = (52, 30, 36, 0)
    b.site.RefLongitude = (-1, -15, 0, -500000)
    context = f.by_type("IfcGeometricRepresentationContext")[0]
    crs = f.createIfcProjectedCRS("EPSG:25832", None, None, None, None, None, None)
    f.createIfcMapConversion(context, crs, 500000.0, 5700000.0, 35.0, 0.8, 0.6, None)
    b.space(b.storey("G", 0.0), "R", [b.rect_extrusion(1, 1, 1)])
    info = model_from_ifc(f, "geo.ifc").info
    assert info.crs == "EPSG:25832"
    assert info.map_conversion["eastings"] == pytest.approx(500000.0)
    assert info.map_conversion["northings"] == pytest.approx(5700000.0)
    assert info.map_conversion["x_axis_abscissa"] == pytest.approx(0.8)
    assert info.map_conversion["scale"] == pytest.approx(1.0)
    assert info.latitude == pytest.approx(52 + 30 / 60 + 36 / 3600)
    assert info.longitude == pytest.approx(-(1 + 15 / 60 + 0.5 / 3600))


def test_spaces_of_unnamed_storeyless_files_still_import():
    """A space aggregated directly under the building has no storey but keeps its row."""
    b = ModelBuilder("IFC4", unit="m")
    b.building.ObjectPlacement = b.placement(b.site.ObjectPlacement, (0, 0, 0))
    sp = b.space(b.building, "Loose", [b.rect_extrusion(2, 3, 2)])
    model = model_from_ifc(b.f, "loose.ifc")
    row = model.spaces.iloc[0]
    assert row["storey"] == "" and np.isnan(row["storey_elevation_m"])
    assert row["building"] == "Factory"
    assert row["area_m2"] == pytest.approx(6.0)
    del sp


def test_a_storey_without_placement_takes_its_elevation_attribute():
    b = ModelBuilder("IFC4", unit="mm")
    st = b.storey("Loft", 0.0, elevation_attr_m=7.5)
    st.ObjectPlacement = None
    model = model_from_ifc(b.f, "loft.ifc")
    assert model.storeys.loc[0, "elevation_m"] == pytest.approx(7.5)
    assert model.warnings == [
        "loft.ifc: the model has no IfcSpace; there are no spaces to "
        "import (export the model with its rooms/spaces)"
    ]


def test_unreadable_geometry_keeps_the_row_with_its_quantities_and_a_warning_names_it():
    b = ModelBuilder("IFC4", unit="m")
    st = b.storey("G", 0.0)
    item = b.rect_extrusion(4, 4, 3)
    item.ExtrudedDirection = b.direction((0.0, 0.0, 0.0))  # no direction: nothing can read it
    sp = b.space(st, "Broken", [item])
    b.quantities(sp, NetFloorArea=16.0)
    model = model_from_ifc(b.f, "broken.ifc")
    row = model.spaces.iloc[0]
    assert row["area_source"] == "quantity" and row["area_m2"] == pytest.approx(16.0)
    assert row["geometry_path"] == "none" and row.geometry.is_empty
    assert any("Broken" in w and "could not be read" in w for w in model.warnings)


def test_cyclic_mapped_items_and_placements_are_refused_without_calling_the_engine(tmp_path):
    """ifcopenshell's engine crashes on these, so the import must not hand them over; run in
    a child process so that a regression fails this test instead of killing the suite."""
    import subprocess
    import sys

    b = ModelBuilder("IFC4", unit="m")
    f = b.f
    st = b.storey("G", 0.0)
    rep = f.createIfcShapeRepresentation(b.body, "Body", "MappedRepresentation", [])
    rmap = f.createIfcRepresentationMap(b.axis3d(), rep)
    op = f.createIfcCartesianTransformationOperator3D(None, None, b.point((0, 0, 0)), 1.0, None)
    loop = f.createIfcMappedItem(rmap, op)
    rep.Items = [loop]  # the map contains itself
    b.space(st, "Loop", [loop])
    lost = b.space(st, "Lost", [b.rect_extrusion(2, 2, 2)])
    lost.ObjectPlacement.PlacementRelTo = lost.ObjectPlacement  # placed relative to itself
    b.space(st, "Fine", [b.rect_extrusion(3, 2, 2)])
    # a composite curve whose only segment is itself
    seg = f.createIfcCompositeCurveSegment("CONTINUOUS", True, b.polyline([(0, 0), (1, 0)]))
    curve = f.createIfcCompositeCurve([seg], False)
    seg.ParentCurve = curve
    prof = f.createIfcArbitraryClosedProfileDef("AREA", None, curve)
    b.space(st, "Spiral", [b._extrude(prof, 2.0)])
    path = tmp_path / "cyclic.ifc"
    f.write(str(path))
    code = (
        "import ifcopenshell, json, sys\n"
        "from site_manager.ifc.build import model_from_ifc\n"
        f"m = model_from_ifc(ifcopenshell.open({str(path)!r}), 'cyclic.ifc')\n"
        "s = m.spaces.set_index('name')\n"
        "print(json.dumps([s.loc['Fine', 'area_m2'], list(s['geometry_path']), m.warnings]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    import json

    area, paths, warnings = json.loads(done.stdout.strip().splitlines()[-1])
    assert area == pytest.approx(6.0)
    assert sorted(paths) == ["fast", "none", "none", "none"]
    (w,) = [w for w in warnings if "could not be read" in w]
    assert "Loop" in w and "Lost" in w and "Spiral" in w
    assert not any("geometry engine" in w for w in warnings)
