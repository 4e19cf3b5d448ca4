"""The party wall between the textile mill and its boiler-house annex is not envelope.

The expected values are worked out by hand from ``models/make_models.py``: the mill is a
60 × 18 m outline with 0.6 m walls drawn inside it, storeys 4.8 m (ground) and 4.2 m high;
the boiler house is the 12 × 12 m outline x 60–72, y 0–12 with 0.5 m walls 7.0 m high,
drawn inside its own outline. So the mill's east wall (outer face x = 60, y 0–18) and the
annex's west wall (outer face x = 60, y 0–12) touch over y 0–12, z 0–7.0: 12 × 7.0 = 84 m²
on each side, of which 12 × 4.8 = 57.6 m² on the mill's ground storey and 12 × (7.0 − 4.8)
= 26.4 m² on its first.

The east wall's windows (2.0 × 2.4 m every 3.0 m, ``_windows_in_wall``): (18 − 1) // 3 = 5
places starting 2.0 m along, i.e. y 2–4, 5–7, 8–10, 11–13, 14–16; the first four have the
annex (y < 12, top 7.25 m) in the metre outside them below their sill, so only y 14–16 is
written: one window of 4.8 m² on each of the ground and first storeys.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import ifcopenshell
import pytest

from site_manager.ifc.build import model_from_ifc
from site_manager.ifc.fabric import fabric_from_ifc

MODEL = Path(__file__).resolve().parents[2] / "models" / "textile_mill.ifc"
WINDOW_M2 = 2.0 * 2.4
PARTY_GROUND_M2 = 12 * 4.8
PARTY_FIRST_M2 = 12 * (7.0 - 4.8)


@functools.cache
def _mill():
    f = ifcopenshell.open(str(MODEL))
    model = model_from_ifc(f, MODEL.name)
    return model, fabric_from_ifc(f, model)


def _walls():
    _model, fabric = _mill()
    return fabric[fabric["kind"] == "wall"].set_index("name")


def test_the_mill_east_walls_lose_exactly_the_area_against_the_boiler_house() -> None:
    walls = _walls()
    assert walls.loc["Mill 0 wall 1", "area_m2"] == pytest.approx(
        18 * 4.8 - PARTY_GROUND_M2 - WINDOW_M2
    )  # 24.0 m²
    assert walls.loc["Mill 0 wall 1", "party_area_m2"] == pytest.approx(PARTY_GROUND_M2)
    assert walls.loc["Mill 1 wall 1", "area_m2"] == pytest.approx(
        18 * 4.2 - PARTY_FIRST_M2 - WINDOW_M2
    )  # 44.4 m²
    assert walls.loc["Mill 1 wall 1", "party_area_m2"] == pytest.approx(PARTY_FIRST_M2)
    # the second floor starts at 9.0 m, above the annex: untouched
    assert walls.loc["Mill 2 wall 1", "party_area_m2"] == 0.0


def test_the_boiler_house_wall_against_the_mill_is_not_envelope_at_all() -> None:
    walls = _walls()
    # 12 × 7.0 m, all of it against the mill's ground and first storeys
    assert "Boiler house wall 3" not in walls.index
    bh = walls[walls.index.str.startswith("Boiler house")]
    # what is left faces south, east and north (grid 180, 90, 0; the model is turned −18°)
    assert len(bh) == 3
    assert not any(abs((az - 288.0 + 180.0) % 360.0 - 180.0) < 5.0 for az in bh["azimuth_deg"])


def test_the_mill_envelope_wall_area_is_its_gross_walls_less_windows_and_the_party_wall() -> None:
    _model, fabric = _mill()
    mill = fabric[fabric["name"].str.startswith("Mill ")]
    walls = mill[mill["kind"] == "wall"]
    windows = mill[mill["kind"] == "window"]
    gross = 2 * (60 + 18) * (4.8 + 3 * 4.2)  # 2,714.4 m²
    # the two south doors, whole: the generator places no window under a door
    # (test_fabric_doors_in_walls.py); 17.33 m² when 0.12 + 4.4 m² of them lay over windows
    doors = 3.5 * 3.5 + 3.0 * 3.2  # 21.85 m²
    assert walls["area_m2"].sum() == pytest.approx(
        gross - (PARTY_GROUND_M2 + PARTY_FIRST_M2) - windows["area_m2"].sum() - doors
    )
    # the annex's side of the party wall went with its row; the mill's side is noted
    assert fabric["party_area_m2"].sum() == pytest.approx(12 * 7.0)


def test_the_remaining_east_wall_bounds_only_the_spaces_in_front_of_it() -> None:
    model, fabric = _mill()
    name = dict(zip(model.spaces["global_id"], model.spaces["name"], strict=True))
    row = fabric.set_index("name").loc["Mill 0 wall 1"]
    # y 12–18 is in front of the east stair (y 11.4–17.4) only, not the loading bay (to 11.4)
    assert [name[s] for s in row["space_global_ids"]] == ["0.S2"]
    assert sum(row["space_areas_m2"]) == pytest.approx(row["area_m2"])
    bay = [
        r
        for r in fabric.itertuples()
        if r.kind == "wall" and any(name[s] == "0.05" for s in r.space_global_ids)
    ]
    assert [r.name for r in bay] == ["Mill 0 wall 4"]  # the south wall only
    assert not any(math.isnan(a) for a in fabric["party_area_m2"])
