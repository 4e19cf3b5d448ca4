"""Board loads and the sample sites' per-space heating and cooling."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from site_manager.cli import main
from site_manager.energy.loads import board_loads, board_loads_for_site, diversity_factor

SITES = ["textile_mill", "engineering_works", "brewery_complex"]


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
def test_every_sample_board_gets_the_connected_load_of_its_equipment_list(site: str) -> None:
    root = Path(__file__).resolve().parents[2] / "sample_sites" / site
    equipment = pd.read_csv(root / "equipment.csv", dtype={"board_id": str})
    boards = pd.read_csv(root / "boards.csv")
    out = board_loads_for_site(site).set_index("board_id")
    for board in boards["board_id"]:
        mine = equipment[equipment["board_id"] == board]["power_kw"].dropna()
        assert out.loc[board, "connected_kw"] == pytest.approx(mine.sum())
        assert out.loc[board, "machines"] == len(mine)
        assert out.loc[board, "capacity_kw"] == float(
            boards.set_index("board_id").loc[board, "capacity_kw"]
        )


def test_the_loads_command_prints_every_board(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["energy", "loads", "--site", "brewery_complex", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    boards = pd.read_csv(
        Path(__file__).resolve().parents[2] / "sample_sites/brewery_complex/boards.csv"
    )
    assert set(boards["board_id"]) <= {r["board_id"] for r in rows}


def test_a_sample_site_gets_per_space_heating_cooling_and_peaks_and_zones_json_agrees(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = "textile_mill"
    assert main(["energy", "site", "--site", site, "--format", "json"]) == 0
    rows = pd.DataFrame(json.loads(capsys.readouterr().out))
    zoning = pd.read_csv(Path(__file__).resolve().parents[2] / "sample_sites" / site / "zoning.csv")
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
    # The same zones written to ZONES.json and run through `energy simulate` with the
    # site's monthly climate give the same figures.
    zones = tmp_path / "zones.json"
    assert main(["energy", "zones", "--site", site, "-o", str(zones)]) == 0
    lat = json.loads(zones.read_text())["latitude_deg"]
    climate = Path(__file__).resolve().parents[2] / "sample_sites" / site / "climate_monthly.csv"
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
def test_every_sample_site_gets_positive_heating_for_every_indoor_space(site: str) -> None:
    from site_manager.energy.site import space_loads_for_site

    rows = space_loads_for_site(site)
    zoning = pd.read_csv(Path(__file__).resolve().parents[2] / "sample_sites" / site / "zoning.csv")
    assert set(rows["space_global_id"]) == set(
        zoning.loc[zoning["use"] != "outdoor", "space_global_id"]
    )
    assert (rows["heating_kwh"] > 0).all() and (rows["peak_heating_kw"] > 0).all()
