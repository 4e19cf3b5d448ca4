"""The energy engine as a function of what the register holds.

A change in the register (a use, the climate) changes the figures; a site created from an
IFC file that is gone afterwards still runs; the figures of a sample site are those of its
model file and weather file; the defaults used are listed once on stderr.
"""

from __future__ import annotations

import json
import shutil
import sys
import tomllib
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from site_manager import register
from site_manager.cli import main
from site_manager.energy.site import USE_HEATING_C, space_loads, zones_document
from site_manager.energy.zones import simulate_zones, validate_zones

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ifc"))
from builders import ModelBuilder  # noqa: E402  (the importer's test model builder)

from .conftest import SampleRegister  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
HOURS = 8760


def _csv(out: str) -> pd.DataFrame:
    return pd.read_csv(StringIO(out)).set_index("space_global_id")


def test_the_register_gives_the_figures_of_the_model_file_and_the_weather_file(
    samples: SampleRegister,
) -> None:
    """The mill from the register = the mill computed from its IFC file and CSVs directly."""
    from site_manager.energy.climate import read_climate
    from site_manager.energy.site import zones_from_model
    from site_manager.ifc import read_model

    folder = ROOT / "sample_sites" / "textile_mill"
    model = read_model(ROOT / "models" / "textile_mill.ifc", fabric=True)
    zoning = pd.read_csv(folder / "zoning.csv")
    equipment = pd.read_csv(folder / "equipment.csv")
    info = tomllib.loads((folder / "site.toml").read_text(encoding="utf-8"))["site"]
    climate = read_climate(folder / info["weather"])  # the hourly EPW year it loads
    machine_w = (equipment.groupby("space_global_id")["power_kw"].sum() * 1000).to_dict()
    zones = zones_from_model(
        model.spaces, model.fabric, climate,
        uses=dict(zip(zoning["space_global_id"], zoning["use"], strict=True)),
        machine_w=machine_w, latitude_deg=model.info.latitude,
    )  # fmt: skip
    expected = simulate_zones(zones, climate).set_index("zone_id")
    got = space_loads(samples.frames("textile_mill")).set_index("space_global_id")
    assert got.index.tolist() == expected.index.tolist()
    # the register keeps the fabric's space shares to 1e-6 m², hence not exactly equal
    for col in ("heating_kwh", "cooling_kwh", "peak_heating_kw", "peak_cooling_kw"):
        np.testing.assert_allclose(got[col], expected[col], rtol=1e-6, atol=1e-6)
    # docs/energy.md states the totals of the direct computation
    docs = (ROOT / "docs" / "energy.md").read_text(encoding="utf-8")
    heating, cooling = (expected[c].sum() / 1000 for c in ("heating_kwh", "cooling_kwh"))
    assert f"({heating:.1f} MWh/a heating, {cooling:.1f} MWh/a cooling" in docs


def test_a_change_of_use_in_the_register_shows_in_energy_site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/r.sqlite"
    assert main(["sample", "load", "textile_mill", "--db", url]) == 0
    capsys.readouterr()
    command = ["energy", "site", "--site", "textile_mill", "--db", url, "--format", "csv"]
    assert main(command) == 0
    before = _csv(capsys.readouterr().out)
    production = before.index[before["use"] == "private_production"]
    gid = str(production[0])
    assert before.loc[gid, "heating_setpoint_c"] == USE_HEATING_C["private_production"]
    register.set_zoning(register.open_register(url), {gid: "storage"}, site="textile_mill")
    assert main(command) == 0
    after = _csv(capsys.readouterr().out)
    assert after.loc[gid, "use"] == "storage"
    assert after.loc[gid, "heating_setpoint_c"] == USE_HEATING_C["storage"] == 12.0
    assert after.loc[gid, "heating_kwh"] < 0.8 * before.loc[gid, "heating_kwh"]
    assert after.loc[gid, "cooling_kwh"] == 0.0  # storage is not cooled
    # zones are not coupled: every other space keeps its figures
    others = before.index.drop(gid)
    pd.testing.assert_frame_equal(after.loc[others], before.loc[others])


def test_a_site_created_from_an_ifc_file_runs_after_the_file_is_gone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "works.ifc"
    shutil.copyfile(ROOT / "models" / "engineering_works.ifc", model)
    url = f"sqlite:///{tmp_path}/r.sqlite"
    engine = register.open_register(url)
    site = register.create_site(engine, model, name="Old works")
    from_file = zones_document(model=str(model))
    model.unlink()

    assert main(["energy", "site", "--site", site, "--db", url, "--format", "json"]) == 0
    rows = pd.DataFrame(json.loads(capsys.readouterr().out)).set_index("space_global_id")
    # no zoning: every space is simulated as production, as the model file alone gives it
    file_zones = {z["id"]: z for z in from_file["zones"]}
    assert sorted(rows.index) == sorted(file_zones)
    assert (rows["use"] == "private_production").all()
    assert (rows["heating_setpoint_c"] == USE_HEATING_C["private_production"]).all()
    assert (rows["heating_kwh"] > 0).all()
    for gid, z in file_zones.items():
        assert rows.loc[gid, "floor_area_m2"] == pytest.approx(z["floor_area_m2"])
    out = tmp_path / "zones.json"
    assert main(["energy", "zones", "--site", site, "--db", url, "-o", str(out)]) == 0
    n = len(file_zones)
    assert f"note: {n} of {n} spaces have no use" in capsys.readouterr().err
    from_register = {z["id"]: z for z in json.loads(out.read_text())["zones"]}
    for gid, z in file_zones.items():
        mine = from_register[gid]
        assert [e["kind"] for e in mine["elements"]] == [e["kind"] for e in z["elements"]]
        np.testing.assert_allclose([e["area_m2"] for e in mine["elements"]],
                                   [e["area_m2"] for e in z["elements"]], atol=1e-6)  # fmt: skip

    # boards from the spaces' Pset_MultifactorySpace: the sample's board list
    assert main(["energy", "loads", "--site", site, "--db", url, "--format", "json"]) == 0
    captured = capsys.readouterr()
    loads = pd.DataFrame(json.loads(captured.out)).set_index("board_id")
    boards = pd.read_csv(ROOT / "sample_sites" / "engineering_works" / "boards.csv")
    assert sorted(loads.index) == sorted(boards["board_id"])
    for b in boards.itertuples():
        assert loads.loc[b.board_id, "capacity_kw"] == b.capacity_kw
        assert loads.loc[b.board_id, "machines"] == 0  # no equipment list yet
    assert captured.err == ""  # board loads use none of the energy defaults


def test_a_stored_hourly_climate_is_used_as_it_is(samples_copy: tuple[str, Any]) -> None:
    from site_manager.register import core, model_store

    _url, engine = samples_copy
    hours = np.arange(HOURS)
    day = hours % 24
    hourly = pd.DataFrame({
        "t_out_c": 8.0 - 10.0 * np.cos(2 * np.pi * hours / HOURS) - 4.0 * np.cos(
            2 * np.pi * (day - 3) / 24),
        "ghi_w_m2": np.clip(500.0 * np.sin(np.pi * (day - 6) / 12), 0.0, None),
    })  # fmt: skip
    monthly_result = space_loads(register.frames(engine, "textile_mill"))
    with register.transaction(engine) as s:
        st = core.get_site(s, "textile_mill")
        model_store.write_climate(s, st, hourly=hourly, source="synthetic test year")
    frames = register.frames(engine, "textile_mill")
    assert len(frames.climate_monthly) == 0  # write_climate replaces the climate
    np.testing.assert_allclose(frames.climate_hourly.to_numpy(), hourly.to_numpy())
    got = space_loads(frames).set_index("space_global_id")
    zones = validate_zones(zones_document(frames=frames)["zones"])
    expected = simulate_zones(zones, hourly).set_index("zone_id")
    assert got.index.tolist() == expected.index.tolist()
    for col in ("heating_kwh", "cooling_kwh", "peak_heating_kw", "peak_cooling_kw"):
        np.testing.assert_allclose(got[col], expected[col], rtol=1e-12)
    # and it is not the monthly climate's answer
    assert abs(got["heating_kwh"].sum() - monthly_result["heating_kwh"].sum()) > 1000.0


def _hall_ifc(path: Path) -> Path:
    """A 10 m × 6 m × 4 m hall with no walls, no latitude and no property sets."""
    b = ModelBuilder("IFC4", unit="m")
    st = b.storey("Ground", 0.0)
    b.space(st, "Hall", [b.rect_extrusion(10, 6, 4, centre=(5, 3))])
    b.f.write(str(path))
    return path


def test_stderr_lists_the_defaults_used_and_nothing_for_the_textile_mill(
    tmp_path: Path, samples: SampleRegister, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/r.sqlite"
    site = register.create_site(register.open_register(url), _hall_ifc(tmp_path / "hall.ifc"),
                                name="Bare hall")  # fmt: skip
    assert main(["energy", "site", "--site", site, "--db", url]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 4 and all(line.startswith("note: ") for line in err)
    assert "no climate stored" in err[0] and "site-manager site climate" in err[0]
    assert "latitude is unknown: 51° N" in err[1]
    assert "no building fabric" in err[2]
    assert "1 of 1 spaces have no use" in err[3] and "private production" in err[3]
    assert main(["energy", "zones", "--site", site, "--db", url]) == 0
    assert len(capsys.readouterr().err.splitlines()) == 4
    assert main(["energy", "loads", "--site", site, "--db", url]) == 0
    assert capsys.readouterr().err == ""

    mill = samples.load("textile_mill")
    for command in ("site", "zones", "loads"):
        assert main(["energy", command, "--site", mill, "--db", samples.url]) == 0
        assert capsys.readouterr().err == ""


def test_zones_of_a_model_file_and_of_a_site_are_not_asked_for_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = str(ROOT / "models" / "engineering_works.ifc")
    assert main(["energy", "zones", model, "--site", "works"]) == 2
    assert capsys.readouterr().err == "error: give MODEL.ifc or --site SITE, not both\n"


def test_the_energy_engine_reads_neither_sample_folders_nor_the_site_files() -> None:
    package = ROOT / "site_manager" / "energy"
    for path in sorted(package.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for banned in ("site_manager.sites", "read_site(", "sample_sites"):
            assert banned not in text, f"{path.name} uses {banned}"
