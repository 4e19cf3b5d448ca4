"""Unit scales: every length unit becomes metres; missing area/volume units are derived."""

from __future__ import annotations

import ifcopenshell
import ifcopenshell.api.unit
import pytest
from builders import ModelBuilder

from site_manager.ifc.build import model_from_ifc
from site_manager.ifc.units import unit_scales_from_ifc


@pytest.mark.parametrize(
    ("unit", "metres"), [("m", 1.0), ("mm", 0.001), ("ft", 0.3048), ("in", 0.0254)]
)
def test_length_units_and_derived_area_and_volume_units(unit, metres):
    s = unit_scales_from_ifc(ModelBuilder("IFC4", unit=unit, declare_area_volume=False).f)
    assert s.length == pytest.approx(metres)
    assert s.area == pytest.approx(metres**2)
    assert s.volume == pytest.approx(metres**3)
    assert "undeclared" in s.area_name


def test_declared_area_and_volume_units_win_over_the_length_unit():
    s = unit_scales_from_ifc(ModelBuilder("IFC2X3", unit="mm", declare_area_volume=True).f)
    assert (s.length, s.area, s.volume) == pytest.approx((0.001, 1.0, 1.0))


def test_a_centimetre_model_with_square_feet_quantities_scales_each_right():
    b = ModelBuilder("IFC4", unit="m", declare_area_volume=False)
    f = b.f
    cm = ifcopenshell.api.unit.add_si_unit(f, unit_type="LENGTHUNIT", prefix="CENTI")
    sqft = ifcopenshell.api.unit.add_conversion_based_unit(f, name="square foot")
    ifcopenshell.api.unit.assign_unit(f, units=[cm, sqft])
    s = unit_scales_from_ifc(f)
    assert s.length == pytest.approx(0.01)
    assert s.area == pytest.approx(0.3048**2)
    assert s.volume == pytest.approx(1e-6)
    # geometry in centimetres, the exporter's area in square feet
    st = b.storey("G", 0.0)
    # the builder was made for metres, so these numbers are written as they are: in cm
    sp = b.space(st, "Room", [b.rect_extrusion(400, 500, 300)])
    b.quantities(sp, NetFloorArea=200.0)
    row = model_from_ifc(f, "cm.ifc").spaces.iloc[0]
    assert row["area_m2"] == pytest.approx(20.0)  # 4 m × 5 m
    assert row["height_m"] == pytest.approx(3.0)
    assert row["qto_area_m2"] == pytest.approx(200.0 * 0.3048**2)


def test_a_file_without_units_is_taken_as_metres():
    f = ifcopenshell.file(schema="IFC4")
    f.createIfcProject(ifcopenshell.guid.new(), None, "P", None, None, None, None, None, None)
    s = unit_scales_from_ifc(f)
    assert (s.length, s.area, s.volume, s.angle) == (1.0, 1.0, 1.0, 1.0)


def test_renga_house_declares_no_area_unit_so_millimetres_squared_are_used(shared_ifc_dir):
    f = ifcopenshell.open(str(shared_ifc_dir / "House.ifc"))
    s = unit_scales_from_ifc(f)
    assert s.length == pytest.approx(0.001)
    assert s.area == pytest.approx(1e-6)
    model = model_from_ifc(f, "House.ifc")
    both = model.spaces.dropna(subset=["qto_area_m2"])
    assert len(both) == len(model.spaces) > 0
    # the exporter's mm² quantities, scaled, agree with the geometry to 0.1 %
    assert (abs(both["qto_area_m2"] / both["area_m2"] - 1) < 1e-3).all()
