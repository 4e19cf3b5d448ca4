"""An external door's area is counted once: as a door, not also as part of its wall.

The sample models (``models/ifcbuild.py``) cut an ``IfcOpeningElement`` into the wall for
every window but none for a door, so the fabric extractor must take each door out of the
wall that holds it. The expected values are worked out by hand from
``models/make_models.py``; the walls are drawn inside their outline and every wall of a
rectangle is a full-length box, so both faces of a south wall are as long as the outline.

- Boiler house: outline x 60–72, y 0–12, walls 0.5 m thick and 7.0 m high; its south wall
  (12 × 7.0 = 84 m²) has no window (both places, 2.0 m either side of x = 66, are skipped
  for the door) and the 3.0 × 3.5 m door to the yard at x = 66: 84 − 10.5 = 73.5 m².
- Mill, ground storey: the 60 m south wall is 4.8 m high; windows 2.0 × 2.4 m (sill 1.0 m)
  every 3.0 m centred at x = 3, 6, …, 57, less those within 2.5 m of x = 30 and x = 54
  (17 places) and less the two a door overlaps (the generator places no window over a
  door): 15 windows. The loading-bay door (3.5 × 3.5 m) is centred between the loading bay
  (x 48–59.4) buffered by 0.65 m and the yard edge y = 0, at x = 53.7: x 51.95–55.45, over
  the last 0.05 m of the place x 50–52, which therefore has no window. The carding-room door
  (3.0 × 3.2 m) is centred at x = 42.325 (36 … 48.65): x 40.825–43.825, over the whole place
  x 41–43, which has no window either. Both doors are wholly wall, and taken whole:
  288 − 15 × 4.8 − 12.25 − 9.6 = 194.15 m² (it was 189.07 m² when the two windows were
  there, 0.12 + 4.4 m² of the doors lying over their holes).
"""

from __future__ import annotations

import functools
from pathlib import Path

import ifcopenshell
import pytest

from site_manager.ifc.build import model_from_ifc
from site_manager.ifc.fabric import fabric_from_ifc

MODEL = Path(__file__).resolve().parents[2] / "models" / "textile_mill.ifc"
MILL_WINDOW_M2 = 2.0 * 2.4
LOADING_DOOR_M2 = 3.5 * 3.5
CARDING_DOOR_M2 = 3.0 * 3.2
BOILER_DOOR_M2 = 3.0 * 3.5


@functools.cache
def _fabric(path: Path):
    f = ifcopenshell.open(str(path))
    return fabric_from_ifc(f, model_from_ifc(f, path.name))


def _mill_rows(kind: str):
    fabric = _fabric(MODEL)
    return fabric[fabric["kind"] == kind].set_index("name")


def test_the_boiler_house_south_wall_loses_exactly_its_door() -> None:
    walls = _mill_rows("wall")
    assert walls.loc["Boiler house wall 4", "area_m2"] == pytest.approx(
        12 * 7.0 - BOILER_DOOR_M2
    )  # 73.5 m², was 84.0


def test_the_mill_south_wall_loses_its_two_doors_whole_as_no_window_lies_under_them() -> None:
    walls = _mill_rows("wall")
    # 17 window places less the two under the loading-bay and carding-room doors
    expected = 60 * 4.8 - 15 * MILL_WINDOW_M2 - LOADING_DOOR_M2 - CARDING_DOOR_M2
    assert walls.loc["Mill 0 wall 4", "area_m2"] == pytest.approx(expected)  # 194.15 m²


def test_the_doors_themselves_keep_their_full_area() -> None:
    doors = _mill_rows("door")
    assert sorted(doors["area_m2"]) == pytest.approx(
        sorted([LOADING_DOOR_M2, CARDING_DOOR_M2, BOILER_DOOR_M2])
    )


def test_walls_without_doors_are_untouched() -> None:
    walls = _mill_rows("wall")
    # the first floor's south wall: 60 × 4.2 less 19 windows (no door, nothing skipped)
    assert walls.loc["Mill 1 wall 4", "area_m2"] == pytest.approx(60 * 4.2 - 19 * MILL_WINDOW_M2)


def test_a_real_door_in_its_own_opening_is_not_taken_twice(shared_ifc_dir: Path) -> None:
    # AC20-FZK-Haus: the front door 'Haustuer' (1.01 × 2.01 m) fills an opening of the
    # ground-floor wall 'Wand-Ext-ERDG-1' (10.0 m long outside, 0.3 m thick with mitred
    # corners, so 9.7 m on the mean of its faces, 2.7 m high) beside two 2.0 × 1.2 m windows
    # in their openings. The geometry engine cuts all three openings; nothing more is taken.
    path = shared_ifc_dir / "AC20-FZK-Haus.ifc"
    f = ifcopenshell.open(str(path))
    door = f.by_guid("2jTRqchjf7oB0yhQ6462T0")
    (fill,) = door.FillsVoids
    wall = fill.RelatingOpeningElement.VoidsElements[0].RelatingBuildingElement
    assert wall.Name == "Wand-Ext-ERDG-1"
    fabric = _fabric(path).set_index("global_id")
    assert fabric.loc[door.GlobalId, "area_m2"] == pytest.approx(1.01 * 2.01)
    assert fabric.loc[wall.GlobalId, "area_m2"] == pytest.approx(
        9.7 * 2.7 - 2 * 2.0 * 1.2 - 1.01 * 2.01
    )  # 19.36 m²


def test_a_door_over_a_window_hole_takes_only_what_is_still_wall() -> None:
    # Built by hand: a 10.6 × 3 m external south wall (x −0.3…10.3, y −0.3…0, z 0…3),
    # an IfcOpeningElement through it at x 5…7, z 0.5…2.5 (2 × 2 = 4 m²) filled by a window,
    # and a door with no opening at x 6…8, z 0…2.2 (2 × 2.2 = 4.4 m²) lying half over the
    # hole: the door covers 1 × 1.7 = 1.7 m² of hole (x 6…7, z 0.5…2.2) and 4.4 − 1.7 =
    # 2.7 m² of wall. Wall: 31.8 − 4.0 (cut by the geometry engine) − 2.7 = 25.1 m².
    import ifcopenshell.api.feature

    # the in-memory fabric tests' box element and the importer's model builder
    from .test_fabric import ModelBuilder, _element

    b = ModelBuilder("IFC4", unit="m")
    st = b.storey("Ground", 0.0)
    b.space(st, "Hall", [b.rect_extrusion(10, 6, 3, centre=(5, 3))])
    wall = _element(b, st, "IfcWall", "south", (-0.3, -0.3, 0), (10.3, 0, 3))
    b.properties(wall, "Pset_WallCommon", IsExternal=True)
    opening = _element(b, st, "IfcOpeningElement", "hole", (5, -0.4, 0.5), (7, 0.1, 2.5))
    ifcopenshell.api.feature.add_feature(b.f, feature=opening, element=wall)
    win = _element(b, st, "IfcWindow", "W2", (5, -0.2, 0.5), (7, -0.1, 2.5),
                   OverallWidth=2.0, OverallHeight=2.0)  # fmt: skip
    ifcopenshell.api.feature.add_filling(b.f, opening=opening, element=win)
    b.properties(win, "Pset_WindowCommon", IsExternal=True)
    door = _element(b, st, "IfcDoor", "D1", (6, -0.2, 0), (8, -0.1, 2.2),
                    OverallWidth=2.0, OverallHeight=2.2)  # fmt: skip
    b.properties(door, "Pset_DoorCommon", IsExternal=True)
    fab = fabric_from_ifc(b.f, model_from_ifc(b.f, "hole.ifc")).set_index("name")
    assert fab.loc["W2", "area_m2"] == pytest.approx(4.0)
    assert fab.loc["D1", "area_m2"] == pytest.approx(4.4)
    assert fab.loc["south", "area_m2"] == pytest.approx(31.8 - 4.0 - 2.7, abs=0.01)
