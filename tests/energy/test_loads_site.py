"""Board loads and the sample sites' per-space heating and cooling, read from the register.

The sample sites are loaded once, when first used, into one SQLite register (``samples`` in
conftest.py); the expected values come from the sample folders' CSV files, read here
independently.
"""

from __future__ import annotations

import json
import math
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from site_manager.cli import main
from site_manager.energy.loads import (
    board_loads,
    board_loads_for_site,
    boards_from_spaces,
    diversity_factor,
)
from site_manager.energy.site import USE_HEATING_C

from .conftest import SampleRegister

# The mill in the default run; the other samples (loaded on first use) with -m slow.
SITES = [
    "textile_mill",
    pytest.param("engineering_works", marks=pytest.mark.slow),
    pytest.param("brewery_complex", marks=pytest.mark.slow),
    pytest.param("officina_macrolotto", marks=pytest.mark.slow),
]
SAMPLE_SITES = Path(__file__).resolve().parents[2] / "sample_sites"


def test_the_diversity_factors_are_those_of_iec_61439_2() -> None:
    expected = {1: 1.0, 2: 0.9, 3: 0.9, 4: 0.8, 5: 0.8, 6: 0.7, 9: 0.7, 10: 0.6, 40: 0.6}
    assert {n: diversity_factor(n) for n in expected} == expected


def test_board_loads_by_hand_with_over_capacity_unknown_and_unassigned_machines() -> None:
    equipment = pd.DataFrame(
        {
            "board_id": ["A", "A", "B", "B", "B", "B", "B", "B", "X", ""],
            "power_kw": [30.0, 20.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 5.0, 2.0],
        }
    )
    boards = pd.DataFrame({"board_id": ["A", "B", "C"], "storey": ["0", "1", "2"],
                           "capacity_kw": [40.0, 40.0, 10.0]})  # fmt: skip
    out = board_loads(equipment, boards).set_index("board_id")
    assert out.loc["A", "coincident_kw"] == pytest.approx(50 * 0.9)  # 45 > 40
    assert out.loc["A", "status"] == "over capacity"
    assert out.loc["B", "coincident_kw"] == pytest.approx(60 * 0.7)  # 42 > 40
    assert out.loc["C", ["machines", "coincident_kw", "status"]].tolist() == [0, 0.0, "ok"]
    assert out.loc["X", "status"] == "unknown board" and math.isnan(out.loc["X", "capacity_kw"])
    assert out.loc["(unassigned)", "connected_kw"] == 2.0
    assert out.loc["A", "headroom_kw"] == pytest.approx(40 - 45)


@pytest.mark.parametrize("site", SITES)
def test_every_sample_board_gets_the_connected_load_of_its_equipment_list(
    site: str, samples: SampleRegister
) -> None:
    root = SAMPLE_SITES / site
    equipment = pd.read_csv(root / "equipment.csv", dtype={"board_id": str})
    boards = pd.read_csv(root / "boards.csv")
    out = board_loads_for_site(samples.frames(site)).set_index("board_id")
    for board in boards["board_id"]:
        mine = equipment[equipment["board_id"] == board]["power_kw"].dropna()
        assert out.loc[board, "connected_kw"] == pytest.approx(mine.sum())
        assert out.loc[board, "machines"] == len(mine)
        assert out.loc[board, "capacity_kw"] == float(
            boards.set_index("board_id").loc[board, "capacity_kw"]
        )


@pytest.mark.parametrize("site", SITES)
def test_the_boards_the_spaces_name_are_the_sample_board_lists(
    site: str, samples: SampleRegister
) -> None:
    # The model's Pset_MultifactorySpace (DistributionBoard, ElectricalCapacity) against the
    # sample's boards.csv: the boards a site imported from the IFC file alone would get.
    boards = pd.read_csv(SAMPLE_SITES / site / "boards.csv", dtype={"storey": str})
    derived = boards_from_spaces(samples.frames(site).spaces)
    expected = boards.sort_values("board_id").reset_index(drop=True)
    assert derived["board_id"].tolist() == expected["board_id"].tolist()
    assert derived["storey"].tolist() == expected["storey"].tolist()
    assert derived["capacity_kw"].tolist() == expected["capacity_kw"].astype(float).tolist()


def test_boards_from_spaces_by_hand() -> None:
    spaces = pd.DataFrame({
        "board_id": ["A", "A", "A", " B ", "C", None, "", "D"],
        "board_capacity_kw": [50.0, 60.0, None, 10.0, None, 5.0, 5.0, 30.0],
        "storey": ["1", "0", "2", "1", "1", "1", "1", "0"],
        "storey_elevation_m": [4.0, 0.0, 8.0, 4.0, 4.0, 4.0, 4.0, 0.0],
        "removed": [False, False, False, False, False, False, False, True],
    })  # fmt: skip
    out = boards_from_spaces(spaces)
    # A: largest capacity given, lowest storey; B stripped; C has no capacity; D is removed.
    assert out.values.tolist() == [["A", "0", 60.0], ["B", "1", 10.0]]


def test_the_loads_command_prints_every_board(
    samples: SampleRegister, capsys: pytest.CaptureFixture[str]
) -> None:
    site = samples.load("textile_mill")
    args = ["energy", "loads", "--site", site, "--db", samples.url, "--format", "json"]
    assert main(args) == 0
    captured = capsys.readouterr()
    rows = json.loads(captured.out)
    boards = pd.read_csv(SAMPLE_SITES / site / "boards.csv")
    assert set(boards["board_id"]) <= {r["board_id"] for r in rows}
    assert captured.err == ""


def test_an_unknown_site_is_one_error_line_and_exit_2(
    samples: SampleRegister, capsys: pytest.CaptureFixture[str]
) -> None:
    samples.load("textile_mill")
    for command in ("site", "loads", "zones"):
        assert main(["energy", command, "--site", "no_such_site", "--db", samples.url]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: site 'no_such_site' is not in the register")
        assert err.count("\n") == 1


def test_a_sample_site_gets_per_space_heating_cooling_and_peaks_and_zones_json_agrees(
    samples: SampleRegister, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, url = samples.load("textile_mill"), samples.url
    assert main(["energy", "site", "--site", site, "--db", url, "--format", "json"]) == 0
    rows = pd.DataFrame(json.loads(capsys.readouterr().out))
    zoning = pd.read_csv(SAMPLE_SITES / site / "zoning.csv")
    indoor = set(zoning.loc[zoning["use"] != "outdoor", "space_global_id"])
    assert set(rows["space_global_id"]) == indoor
    assert (rows["heating_kwh"] > 0).all()
    assert (rows["peak_heating_kw"] > 0).all()
    for r in rows.itertuples():
        assert sum(r.monthly_heating_kwh) == pytest.approx(r.heating_kwh)
        assert r.heating_kwh_m2 == pytest.approx(r.heating_kwh / r.floor_area_m2)
    # storage and circulation are not cooled
    uncooled = rows[rows["use"].isin(["storage", "circulation", "technical"])]
    assert (uncooled["cooling_kwh"] == 0).all()
    # each space's use and set-point are those of the sample's zoning.csv
    uses = dict(zip(zoning["space_global_id"], zoning["use"], strict=True))
    assert rows["use"].tolist() == [uses[g] for g in rows["space_global_id"]]
    assert rows["heating_setpoint_c"].tolist() == [USE_HEATING_C[uses[g]]
                                                   for g in rows["space_global_id"]]  # fmt: skip
    # The same zones written to ZONES.json and run through `energy simulate` with the
    # site's hourly weather file (named in its site.toml) give the same figures.
    zones = tmp_path / "zones.json"
    assert main(["energy", "zones", "--site", site, "--db", url, "-o", str(zones)]) == 0
    lat = json.loads(zones.read_text())["latitude_deg"]
    toml = tomllib.loads((SAMPLE_SITES / site / "site.toml").read_text(encoding="utf-8"))
    climate = SAMPLE_SITES / site / toml["site"]["weather"]
    assert climate.suffix == ".epw"
    assert main(["energy", "simulate", str(zones), "--climate", str(climate),
                 "--latitude", str(lat)]) == 0  # fmt: skip
    again = pd.DataFrame(json.loads(capsys.readouterr().out)["zones"]).set_index("zone_id")
    for r in rows.itertuples():
        assert again.loc[r.space_global_id, "heating_kwh"] == pytest.approx(r.heating_kwh, rel=1e-3)


def test_grouping_by_use_sums_areas_and_conductances_and_weights_the_setpoints() -> None:
    from dataclasses import replace

    from site_manager.energy.site import group_zones
    from site_manager.energy.zones import validate_zones

    def zone(zid: str, area: float, heat: float, cool: float | None, u: float) -> dict:
        return {
            "id": zid, "floor_area_m2": area, "volume_m3": 4 * area, "mass_class": "heavy",
            "n_inf_ach": 0.5, "heating_setpoint_c": heat, "cooling_setpoint_c": cool,
            "internal_gains_w_m2": 10.0 if heat > 18 else 2.0,
            "elements": [{"kind": "wall", "area_m2": area, "u_w_m2k": u},
                         {"kind": "window", "area_m2": 0.1 * area, "u_w_m2k": 4.8, "g_value": 0.85,
                          "frame_fraction": 0.3, "irradiance_factor": 0.6}],
        }  # fmt: skip

    zones = validate_zones([zone("a", 100, 20, 26, 1.0), zone("b", 300, 16, None, 2.0),
                            zone("c", 50, 20, 24, 1.5)])  # fmt: skip
    zones = [replace(z, extra={"use": "work" if z.id != "b" else "store"}) for z in zones]
    grouped = {z.id: z for z in group_zones(zones, "use")}
    work = grouped["work"]
    assert work.floor_area_m2 == 150 and work.volume_m3 == 600
    assert work.h_tr_op_w_k == pytest.approx(100 * 1.0 + 50 * 1.5)
    assert work.h_tr_w_w_k == pytest.approx(4.8 * 15)
    assert work.solar_aperture_m2 == pytest.approx(0.6 * 15 * 0.7 * 0.85)
    assert work.heating_setpoint_c == 20 and work.cooling_setpoint_c == pytest.approx(
        (26 * 100 + 24 * 50) / 150
    )
    assert grouped["store"].cooling_setpoint_c is None
    assert sorted(work.extra["spaces"]) == ["a", "c"]


@pytest.mark.slow
@pytest.mark.parametrize("site", SITES)
def test_every_sample_site_gets_positive_heating_for_every_indoor_space(
    site: str, samples: SampleRegister
) -> None:
    from site_manager.energy.site import space_loads

    rows = space_loads(samples.frames(site))
    zoning = pd.read_csv(SAMPLE_SITES / site / "zoning.csv")
    assert set(rows["space_global_id"]) == set(
        zoning.loc[zoning["use"] != "outdoor", "space_global_id"]
    )
    assert (rows["heating_kwh"] > 0).all() and (rows["peak_heating_kw"] > 0).all()
