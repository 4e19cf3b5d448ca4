"""Fabric from IFC on small models built in memory, and on the real files."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import ifcopenshell.api.geometry
import ifcopenshell.api.material
import ifcopenshell.api.pset
import ifcopenshell.api.root
import ifcopenshell.api.spatial
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ifc"))
from builders import ModelBuilder  # noqa: E402  (the importer's test model builder)

from site_manager.ifc.build import model_from_ifc  # noqa: E402
from site_manager.ifc.fabric import ERA_DEFAULTS, fabric_from_ifc  # noqa: E402


def _element(b: ModelBuilder, storey, cls: str, name: str, lo, hi, **attrs):
    """A box-shaped element from world corner ``lo`` to ``hi`` [m], contained in ``storey``."""
    el = ifcopenshell.api.root.create_entity(b.f, ifc_class=cls, name=name)
    for key, value in attrs.items():
        setattr(el, key, value)
    el.ObjectPlacement = b.placement(storey.ObjectPlacement, (lo[0], lo[1], lo[2]))
    dx, dy, dz = hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]
    item = b.rect_extrusion(dx, dy, dz, centre=(dx / 2, dy / 2))
    rep = b.f.createIfcShapeRepresentation(b.body, "Body", "SweptSolid", [item])
    ifcopenshell.api.geometry.assign_representation(b.f, product=el, representation=rep)
    ifcopenshell.api.spatial.assign_container(b.f, products=[el], relating_structure=storey)
    return el


def _hall(*, flags: bool = True, true_north=None, split: bool = False):
    """A 10 m × 6 m × 3 m hall at the origin with 0.3 m walls outside it, a 2 m × 1.5 m window
    in the south wall (x = 1…3), a flat roof slab and a ground slab. ``split`` makes it two
    rooms with a 0.1 m internal wall at x = 5."""
    b = ModelBuilder("IFC4", unit="m")
    if true_north is not None:
        ctx = [c for c in b.f.by_type("IfcGeometricRepresentationContext")
               if not c.is_a("IfcGeometricRepresentationSubContext")][0]  # fmt: skip
        ctx.TrueNorth = b.f.createIfcDirection(true_north)
    st = b.storey("Ground", 0.0)
    if split:
        b.space(st, "West", [b.rect_extrusion(4.95, 6, 3, centre=(4.95 / 2, 3))])
        b.space(st, "East", [b.rect_extrusion(4.95, 6, 3, centre=(5.05 + 4.95 / 2, 3))])
        _element(b, st, "IfcWall", "inner", (4.95, 0, 0), (5.05, 6, 3))
    else:
        b.space(st, "Hall", [b.rect_extrusion(10, 6, 3, centre=(5, 3))])
    walls = {
        "south": _element(b, st, "IfcWall", "south", (-0.3, -0.3, 0), (10.3, 0, 3)),
        "north": _element(b, st, "IfcWall", "north", (-0.3, 6, 0), (10.3, 6.3, 3)),
        "west": _element(b, st, "IfcWall", "west", (-0.3, 0, 0), (0, 6, 3)),
        "east": _element(b, st, "IfcWall", "east", (10, 0, 0), (10.3, 6, 3)),
    }
    if flags:
        for w in walls.values():
            b.properties(w, "Pset_WallCommon", IsExternal=True)
    b.properties(walls["south"], "Pset_WallCommon", ThermalTransmittance=1.2)
    # the north wall: one layer of 0.3 m brick, λ = 0.6 W/mK
    brick = ifcopenshell.api.material.add_material(b.f, name="Brick")
    pset = ifcopenshell.api.pset.add_pset(b.f, product=brick, name="Pset_MaterialThermal")
    ifcopenshell.api.pset.edit_pset(b.f, pset=pset, properties={"ThermalConductivity": 0.6})
    layers = ifcopenshell.api.material.add_material_set(
        b.f, name="Brick wall", set_type="IfcMaterialLayerSet"
    )
    layer = ifcopenshell.api.material.add_layer(b.f, layer_set=layers, material=brick)
    layer.LayerThickness = 0.3
    ifcopenshell.api.material.assign_material(b.f, products=[walls["north"]], material=layers)
    win = _element(b, st, "IfcWindow", "W1", (1, -0.2, 1), (3, -0.1, 2.5),
                   OverallWidth=2.0, OverallHeight=1.5)  # fmt: skip
    b.properties(win, "Pset_WindowCommon", IsExternal=True, ThermalTransmittance=2.8)
    _element(b, st, "IfcSlab", "roof", (-0.3, -0.3, 3), (10.3, 6.3, 3.3), PredefinedType="ROOF")
    _element(b, st, "IfcSlab", "ground", (0, 0, -0.3), (10, 6, 0), PredefinedType="BASESLAB")
    model = model_from_ifc(b.f, "hall.ifc")
    return fabric_from_ifc(b.f, model).set_index("name"), model


def test_walls_windows_roof_and_slab_have_their_hand_computed_areas_and_orientation() -> None:
    fab, model = _hall()
    assert set(fab.index) == {"south", "north", "west", "east", "W1", "roof", "ground"}
    # the window W1 has no opening in the wall: its 2.0 × 1.5 m come out of the wall
    assert fab.loc["south", "area_m2"] == pytest.approx(10.6 * 3 - 2.0 * 1.5)
    assert fab.loc["west", "area_m2"] == pytest.approx(6 * 3)
    assert fab.loc["W1", "area_m2"] == pytest.approx(3.0)
    assert fab.loc["roof", "area_m2"] == pytest.approx(10.6 * 6.6)
    assert fab.loc["ground", "area_m2"] == pytest.approx(60.0)
    # no TrueNorth: +Y is north, azimuth clockwise from north
    assert fab.loc["south", "azimuth_deg"] == pytest.approx(180.0)
    assert fab.loc["north", "azimuth_deg"] == pytest.approx(0.0)
    assert fab.loc["east", "azimuth_deg"] == pytest.approx(90.0)
    assert fab.loc["west", "azimuth_deg"] == pytest.approx(270.0)
    assert fab.loc["W1", "azimuth_deg"] == pytest.approx(180.0)
    assert fab.loc["roof", "tilt_deg"] == pytest.approx(0.0) and math.isnan(
        fab.loc["roof", "azimuth_deg"]
    )
    assert fab.loc["ground", "tilt_deg"] == pytest.approx(180.0)
    assert list(fab["kind"][["south", "W1", "roof", "ground"]]) == [
        "wall",
        "window",
        "roof",
        "slab",
    ]


def test_u_values_come_from_the_pset_then_the_layers_then_the_named_era_default() -> None:
    fab, _ = _hall()
    assert fab.loc["south", ["u_w_m2k", "u_source"]].tolist() == [1.2, "pset"]
    assert fab.loc["W1", ["u_w_m2k", "u_source"]].tolist() == [2.8, "pset"]
    # 1 / (R_si 0.13 + 0.3 m / 0.6 W/mK + R_se 0.04)
    assert fab.loc["north", "u_w_m2k"] == pytest.approx(1 / (0.13 + 0.5 + 0.04))
    assert fab.loc["north", "u_source"] == "materials"
    # 300 mm of brick without data: RdSAP 10 Table 13, 280-420 mm -> 1.4
    assert fab.loc["east", "u_w_m2k"] == 1.4
    assert (
        fab.loc["east", "u_source"]
        == "default: RdSAP 10 section 5.7 Table 13, uninsulated solid brick, 300 mm"
    )
    assert fab.loc["roof", "u_w_m2k"] == ERA_DEFAULTS["roof"].u_w_m2k


def test_every_element_bounds_the_hall_with_its_whole_area() -> None:
    fab, model = _hall()
    hall = model.spaces["global_id"].iloc[0]
    for name, row in fab.iterrows():
        assert row["space_global_ids"] == [hall], name
        assert sum(row["space_areas_m2"]) == pytest.approx(row["area_m2"]), name
        assert row["boundary_source"] == "geometry"


def test_true_north_turns_the_azimuths() -> None:
    fab, _ = _hall(true_north=(1.0, 0.0))  # north along model +X: the -Y face looks east
    assert fab.loc["south", "azimuth_deg"] == pytest.approx(90.0)
    assert fab.loc["east", "azimuth_deg"] == pytest.approx(0.0)  # +X is north
    assert fab.loc["west", "azimuth_deg"] == pytest.approx(180.0)


def test_without_is_external_flags_the_walls_with_a_space_on_one_side_only_are_external() -> None:
    fab, model = _hall(flags=False, split=True)
    walls = fab[fab["kind"] == "wall"]
    assert set(walls.index) == {"south", "north", "west", "east"}  # not the inner wall
    assert set(walls["external_source"]) == {"geometry"}
    ids = dict(zip(model.spaces["name"], model.spaces["global_id"], strict=True))
    south = fab.loc["south"]
    assert sorted(south["space_global_ids"]) == sorted([ids["West"], ids["East"]])
    # the two rooms have the same length of edge along the south wall (x 0–4.95 and
    # 5.05–10), but the window W1 (2.0 × 1.5 m, no opening) takes its area out of the west
    # room's stretch: the wall's 10.6 × 3 − 3.0 m² are shared 11.85 : 14.85
    west, east = 4.95 * 3 - 2.0 * 1.5, 4.95 * 3
    shares = dict(zip(south["space_global_ids"], south["space_areas_m2"], strict=True))
    assert shares[ids["West"]] == pytest.approx((10.6 * 3 - 3.0) * west / (west + east))
    assert shares[ids["East"]] == pytest.approx((10.6 * 3 - 3.0) * east / (west + east))
    assert fab.loc["west", "space_global_ids"] == [ids["West"]]
    # the window at x = 1…3 is in the west room's stretch of the south wall
    assert fab.loc["W1", "space_global_ids"] == [ids["West"]]
    assert fab.loc["W1", "external_source"] == "pset"


def _simulate_real_models(
    names: list[str] | None, shared_ifc_dir: Path, tmp_path: Path
) -> list[str]:
    import json

    import numpy as np
    import pandas as pd

    from site_manager.cli import main
    from site_manager.energy.site import zones_document
    from site_manager.errors import SiteManagerError

    climate = tmp_path / "hourly.csv"
    hours = np.arange(8760)
    pd.DataFrame({"t_out_c": 9 - 9 * np.cos(2 * np.pi * hours / 8760),
                  "ghi_w_m2": np.clip(600 * np.sin(np.pi * ((hours % 24) - 6) / 12), 0, None)}
                 ).to_csv(climate, index=False)  # fmt: skip
    simulated = []
    for path in sorted(shared_ifc_dir.glob("*.ifc")):
        if names is not None and path.name not in names:
            continue
        try:
            doc = zones_document(model=str(path))
        except SiteManagerError as exc:  # a model without spaces has no zones
            assert "no spaces" in str(exc) or "IfcSpace" in str(exc), (path.name, exc)
            continue
        with_fabric = [z for z in doc["zones"] if z["elements"]]
        if not with_fabric:
            continue
        zones = tmp_path / f"{path.stem}.json"
        zones.write_text(json.dumps({"zones": with_fabric}), encoding="utf-8")
        out = tmp_path / f"{path.stem}.out.json"
        assert (
            main(["energy", "simulate", str(zones), "--climate", str(climate), "-o", str(out)]) == 0
        )
        results = json.loads(out.read_text())["zones"]
        assert len(results) == len(with_fabric)
        assert all(r["heating_kwh"] > 0 for r in results), path.name
        simulated.append(path.name)
    return simulated


def test_the_fabric_of_a_real_model_with_space_boundaries_is_simulated(
    shared_ifc_dir: Path, tmp_path: Path
) -> None:
    assert _simulate_real_models(["revit_quantities.ifc"], shared_ifc_dir, tmp_path) == [
        "revit_quantities.ifc"
    ]


@pytest.mark.slow
def test_the_fabric_of_every_real_model_with_external_elements_is_simulated(
    shared_ifc_dir: Path, tmp_path: Path
) -> None:
    simulated = _simulate_real_models(None, shared_ifc_dir, tmp_path)
    # every model with spaces and external elements; Tekla and Vectorworks have no spaces
    assert "AC20-FZK-Haus.ifc" in simulated and "duplex.ifc" in simulated
    assert len(simulated) >= 6, simulated


def test_the_fabric_command_writes_csv_and_geojson_of_a_model_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import io
    import json

    import pandas as pd

    from site_manager.cli import main

    b_fab, _ = _hall()
    # write the same hall to a file and read it through the importer's child process
    import ifcopenshell

    b = ModelBuilder("IFC4", unit="m")
    st = b.storey("Ground", 0.0)
    b.space(st, "Hall", [b.rect_extrusion(10, 6, 3, centre=(5, 3))])
    w = _element(b, st, "IfcWall", "south", (-0.3, -0.3, 0), (10.3, 0, 3))
    b.properties(w, "Pset_WallCommon", IsExternal=True, ThermalTransmittance=1.2)
    path = tmp_path / "hall.ifc"
    b.f.write(str(path))
    assert isinstance(ifcopenshell.open(str(path)), ifcopenshell.file)
    assert main(["fabric", str(path)]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert frame["name"].tolist() == ["south"]
    assert frame.loc[0, "area_m2"] == pytest.approx(10.6 * 3)  # no window in this one
    assert b_fab.loc["south", "area_m2"] == pytest.approx(10.6 * 3 - 2.0 * 1.5)
    assert frame.loc[0, "space_global_ids"] == b.f.by_type("IfcSpace")[0].GlobalId
    assert main(["fabric", str(path), "--format", "geojson"]) == 0
    features = json.loads(capsys.readouterr().out)["features"]
    assert len(features) == 1 and features[0]["geometry"]["type"] == "Polygon"
    assert features[0]["properties"]["u_w_m2k"] == 1.2
    assert main(["fabric", str(tmp_path / "missing.ifc")]) == 2
    assert capsys.readouterr().err.startswith("error: ")
