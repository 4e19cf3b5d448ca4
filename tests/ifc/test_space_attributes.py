"""Pset_MultifactorySpace as typed columns of the spaces frame.

Checked against ifcopenshell's own reading of the property set (``get_psets``) on the sample
models, and on a model built here whose values are chosen to be awkward.
"""

from __future__ import annotations

import math
from pathlib import Path

import ifcopenshell
import ifcopenshell.util.element
import pytest
from builders import ModelBuilder

from site_manager.ifc.build import model_from_ifc
from site_manager.model import SPACE_ATTRIBUTE_COLUMNS, SPACES_COLUMNS

MODELS = Path(__file__).resolve().parents[2] / "models"

#: Property → column, written out here (not imported from the code under test).
PROPERTIES = {
    "ClearHeight": "clear_height_m",
    "FloorLoadCapacity": "floor_load_kn_m2",
    "DistributionBoard": "board_id",
    "ElectricalCapacity": "board_capacity_kw",
    "PowerAvailable": "power_kw",
    "Extraction": "extraction",
    "Daylight": "daylight",
    "GroundAccess": "ground_access",
    "Crane": "crane",
    "CraneCapacity": "crane_capacity_t",
    "LoadingAccess": "loading_access",
}


def test_the_attribute_columns_are_contract_columns_with_a_description():
    assert set(PROPERTIES.values()) | {"clear_height_source"} == set(SPACE_ATTRIBUTE_COLUMNS)
    assert set(SPACE_ATTRIBUTE_COLUMNS) <= set(SPACES_COLUMNS)


@pytest.mark.parametrize("name", ["textile_mill", "engineering_works", "brewery_complex"])
def test_every_sample_space_carries_its_property_set_values_as_they_are_in_the_file(name):
    f = ifcopenshell.open(str(MODELS / f"{name}.ifc"))
    rows = model_from_ifc(f, name).spaces.set_index("global_id")
    checked = 0
    for space in f.by_type("IfcSpace"):
        given = ifcopenshell.util.element.get_psets(space).get("Pset_MultifactorySpace", {})
        row = rows.loc[space.GlobalId]
        for prop, col in PROPERTIES.items():
            if prop not in given:
                continue
            value = row[col]
            assert type(value) is type(given[prop]) or isinstance(value, float), (prop, value)
            assert (
                value == pytest.approx(given[prop])
                if isinstance(value, float)
                else (value == given[prop])
            ), (space.Name, prop)
            checked += 1
        assert row["clear_height_source"] == ("model" if "ClearHeight" in given else "geometry")
    assert checked > 8 * len(rows)  # nearly every property of every space was there


def test_unreadable_values_are_left_empty_and_the_clear_height_falls_back_on_the_geometry():
    b = ModelBuilder("IFC4", unit="m")
    st = b.storey("Ground", 0.0)
    given = b.space(st, "Given", [b.rect_extrusion(10, 5, 7.5, centre=(5, 2.5))])
    b.properties(
        given,
        "Pset_MultifactorySpace",
        ClearHeight=6.5,
        Extraction="yes",  # text, as a spreadsheet export writes it
        Daylight="maybe",  # not yes or no: unknown, not an error
        Crane=False,
        CraneCapacity="n/a",  # not a number
        DistributionBoard="DB-1",
        LoadingAccess="  ",  # blank
    )
    bare = b.space(st, "Bare", [b.rect_extrusion(4, 4, 3.2, centre=(20, 2))])
    b.properties(bare, "Pset_SpaceCommon", Reference="B")
    spaces = model_from_ifc(b.f, "memory.ifc").spaces.set_index("name")

    g = spaces.loc["Given"]
    assert (g["clear_height_m"], g["clear_height_source"]) == (6.5, "model")
    assert g["extraction"] is True and g["crane"] is False
    assert g["daylight"] is None and g["ground_access"] is None
    assert math.isnan(g["crane_capacity_t"]) and math.isnan(g["floor_load_kn_m2"])
    assert g["board_id"] == "DB-1" and g["loading_access"] is None

    bare_row = spaces.loc["Bare"]
    assert bare_row["clear_height_m"] == pytest.approx(3.2)  # its extrusion depth
    assert bare_row["clear_height_source"] == "geometry"
    assert all(bare_row[c] is None for c in ("extraction", "crane", "board_id"))
    assert spaces["clear_height_m"].dtype == float and spaces["extraction"].dtype == object
