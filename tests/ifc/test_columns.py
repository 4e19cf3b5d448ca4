"""columns_from_ifc: where each IfcColumn stands, in world metres, on which storey.

In-memory models put columns under a site that is offset and rotated, in metres and in
millimetres; their world positions are worked out by hand. The textile mill sample model is
checked against its design (models/make_models.py: cast-iron columns on a 6 × 6 m grid, at
x = 6 … 54 m and y = 6, 12 m on each of its four floors).
"""

from __future__ import annotations

import math
from pathlib import Path

import ifcopenshell.api.root
import ifcopenshell.api.spatial
import pytest
from builders import ModelBuilder

from site_manager.ifc import read_model
from site_manager.ifc.build import model_from_ifc
from site_manager.ifc.columns import COLUMNS_COLUMNS, columns_from_ifc

MODELS = Path(__file__).resolve().parents[2] / "models"
SITE_ORIGIN = (100.0, 50.0)
SITE_ROTATION_DEG = 30.0
STOREY_Z = 4.0


def _world(x: float, y: float) -> tuple[float, float]:
    """Building-frame XY to world XY by hand: rotate by the site's 30°, then offset."""
    a = math.radians(SITE_ROTATION_DEG)
    return (
        SITE_ORIGIN[0] + x * math.cos(a) - y * math.sin(a),
        SITE_ORIGIN[1] + x * math.sin(a) + y * math.cos(a),
    )


def _column(b: ModelBuilder, name: str, placement, *, contain_in=None):
    col = ifcopenshell.api.root.create_entity(b.f, ifc_class="IfcColumn", name=name)
    col.ObjectPlacement = placement
    rep = b.f.createIfcShapeRepresentation(
        b.body, "Body", "SweptSolid", [b.circle_extrusion(0.15, 3.0)]
    )
    col.Representation = b.f.createIfcProductDefinitionShape(None, None, [rep])
    if contain_in is not None:
        ifcopenshell.api.spatial.assign_container(
            b.f, products=[col], relating_structure=contain_in
        )
    return col


def _built(schema: str, unit: str):
    b = ModelBuilder(
        schema,
        unit=unit,
        site_origin=(*SITE_ORIGIN, 0.0),
        site_rotation_deg=SITE_ROTATION_DEG,
    )
    st = b.storey("First floor", STOREY_Z)
    b.space(st, "Hall", [b.rect_extrusion(20, 10, 3, centre=(10, 5))])
    for i, (x, y) in enumerate([(5.0, 2.0), (10.0, 2.0), (15.0, 2.0)], start=1):
        _column(b, f"C{i}", b.placement(st.ObjectPlacement, (x, y, 0.0)), contain_in=st)
    # a column placed through a grid placement of its own: origin (20, 8), turned 90°, so
    # its local (3, 0) is (20, 11) in the building; turning the column itself moves nothing
    grid = b.placement(st.ObjectPlacement, (20.0, 8.0, 0.0), 90.0)
    _column(b, "C4", b.placement(grid, (3.0, 0.0, 0.0), 45.0), contain_in=st)
    # a column nobody put in the spatial structure, placed straight under the site
    _column(b, "Loose", b.placement(b.site.ObjectPlacement, (-2.0, -1.0, 0.0)))
    return b


@pytest.mark.parametrize(("schema", "unit"), [("IFC4", "m"), ("IFC2X3", "mm")])
def test_columns_stand_at_their_world_positions_after_every_placement(
    schema: str, unit: str
) -> None:
    b = _built(schema, unit)
    model = model_from_ifc(b.f, "memory.ifc")
    cols = columns_from_ifc(b.f, model).set_index("name")
    assert list(columns_from_ifc(b.f, model).columns) == list(COLUMNS_COLUMNS)
    expected = {
        "C1": _world(5.0, 2.0),
        "C2": _world(10.0, 2.0),
        "C3": _world(15.0, 2.0),
        "C4": _world(20.0, 11.0),
        "Loose": _world(-2.0, -1.0),
    }
    assert set(cols.index) == set(expected)
    for name, (x, y) in expected.items():
        assert cols.loc[name, "x_m"] == pytest.approx(x, abs=1e-6), name
        assert cols.loc[name, "y_m"] == pytest.approx(y, abs=1e-6), name


def test_columns_take_their_storey_from_the_spatial_structure_and_their_height_from_the_body() -> (
    None
):
    b = _built("IFC4", "mm")
    cols = columns_from_ifc(b.f, model_from_ifc(b.f, "memory.ifc")).set_index("name")
    for name in ("C1", "C2", "C3", "C4"):
        assert cols.loc[name, "storey"] == "First floor"
        assert cols.loc[name, "z_min_m"] == pytest.approx(STOREY_Z, abs=1e-6)
        assert cols.loc[name, "z_max_m"] == pytest.approx(STOREY_Z + 3.0, abs=1e-6)
    assert cols.loc["Loose", "storey"] == ""
    assert cols.loc["Loose", "z_min_m"] == pytest.approx(0.0, abs=1e-6)


def test_a_model_without_columns_gives_an_empty_frame_with_every_column() -> None:
    b = ModelBuilder("IFC4")
    b.space(b.storey("Ground", 0.0), "Room", [b.rect_extrusion(4, 4, 3)])
    cols = columns_from_ifc(b.f, model_from_ifc(b.f, "memory.ifc"))
    assert len(cols) == 0
    assert list(cols.columns) == list(COLUMNS_COLUMNS)


@pytest.fixture(scope="module")
def mill():
    path = MODELS / "textile_mill.ifc"
    if not path.is_file():
        pytest.skip("models/textile_mill.ifc not present")
    return read_model(path, columns=True)


def test_the_textile_mill_has_its_six_metre_cast_iron_grid_on_every_floor(mill) -> None:
    cols = mill.columns
    storeys = mill.storeys.set_index("name")["elevation_m"]
    # the design: x = 6, 12, ..., 54 m and y = 6, 12 m on each of the four mill floors
    design = sorted((float(x), float(y)) for x in range(6, 55, 6) for y in (6, 12))
    by_storey = dict(tuple(cols.groupby("storey")))
    assert sorted(by_storey) == sorted(s for s in storeys.index if s.startswith("Mill"))
    assert len(cols) == 4 * 18
    for name, group in by_storey.items():
        got = sorted(zip(group["x_m"].round(3), group["y_m"].round(3), strict=True))
        assert got == design, name
        xs = sorted(set(group["x_m"].round(6)))
        assert [b - a for a, b in zip(xs, xs[1:], strict=False)] == pytest.approx([6.0] * 8)
        # each column stands on its storey's floor
        assert group["z_min_m"].to_numpy() == pytest.approx(storeys[name], abs=1e-6)
        assert (group["z_max_m"] > group["z_min_m"] + 3.0).all()
