"""ZONES.json, HOURLY.csv and GAINS.csv through ``site-manager energy simulate``."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from site_manager.cli import main
from site_manager.energy.climate import hourly_from_monthly, read_climate
from site_manager.energy.zones import validate_zones, zones_to_json

HOURS = 8760

HALL = {
    "id": "hall",
    "floor_area_m2": 500.0,
    "volume_m3": 4000.0,
    "mass_class": "heavy",
    "n_inf_ach": 0.5,
    "heating_setpoint_c": 18.0,
    "cooling_setpoint_c": 26.0,
    "internal_gains_w_m2": 5.0,
    "elements": [
        {"kind": "wall", "area_m2": 400.0, "u_w_m2k": 1.5},
        {"kind": "roof", "area_m2": 500.0, "u_w_m2k": 2.0},
        {"kind": "slab", "area_m2": 500.0, "u_w_m2k": 1.0, "b": 0.5},
        {
            "kind": "window",
            "area_m2": 80.0,
            "u_w_m2k": 5.0,
            "g_value": 0.8,
            "frame_fraction": 0.3,
            "irradiance_factor": 0.6,
        },  # fmt: skip
        {"kind": "door", "area_m2": 10.0, "u_w_m2k": 3.0},
    ],
}


def _write_zones(tmp_path: Path, zones: list[dict]) -> Path:
    path = tmp_path / "zones.json"
    path.write_text(json.dumps({"zones": zones}), encoding="utf-8")
    return path


def _write_climate(tmp_path: Path, t_out: np.ndarray, ghi: np.ndarray) -> Path:
    path = tmp_path / "hourly.csv"
    pd.DataFrame({"t_out_c": t_out, "ghi_w_m2": ghi}).to_csv(path, index=False)
    return path


def test_simulate_gives_the_steady_state_heating_of_a_zone_computed_by_hand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zone = copy.deepcopy(HALL)
    zone["internal_gains_w_m2"] = 0.0
    zones = _write_zones(tmp_path, [zone])
    climate = _write_climate(tmp_path, np.full(HOURS, 0.0), np.zeros(HOURS))
    assert main(["energy", "simulate", str(zones), "--climate", str(climate)]) == 0
    out = json.loads(capsys.readouterr().out)["zones"][0]
    # By hand: H_op = 400·1.5 + 500·2 + 0.5·500·1 = 1850; H_w = 80·5 + 10·3 = 430;
    # H_ve = 1200·4000·0.5/3600 = 666.67; H_is = 3.45·4.5·500 = 7762.5.
    h_eq = 1200 * 4000 * 0.5 / 3600 + 1 / (1 / 7762.5 + 1 / (430 + 1850))
    # after the heavy mass has settled, every hour needs h_eq·18 K
    assert out["peak_heating_kw"] == pytest.approx(h_eq * 18 / 1000, rel=1e-6)
    assert out["heating_kwh"] == pytest.approx(h_eq * 18 * HOURS / 1000, rel=2e-3)
    assert out["heating_kwh_m2"] == pytest.approx(out["heating_kwh"] / 500)
    assert len(out["monthly_heating_kwh"]) == 12 and len(out["monthly_cooling_kwh"]) == 12
    assert out["cooling_kwh"] == 0.0


def test_gains_csv_replaces_the_computed_gains(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zones = _write_zones(tmp_path, [HALL])
    hours = np.arange(HOURS)
    climate = _write_climate(
        tmp_path, 5 + 10 * np.sin(2 * np.pi * hours / HOURS), np.full(HOURS, 100.0)
    )
    # The zone's own gains: 5 W/m² · 500 m² = 2500 W internal; solar 100 · 0.6 · 80 · 0.7 · 0.8
    solar = 100 * 0.6 * 80 * 0.7 * 0.8
    gains = tmp_path / "gains.csv"
    pd.DataFrame(
        {"hall:internal_w": np.full(HOURS, 2500.0), "hall:solar_w": np.full(HOURS, solar)}
    ).to_csv(gains, index=False)
    main(["energy", "simulate", str(zones), "--climate", str(climate)])
    computed = json.loads(capsys.readouterr().out)["zones"][0]
    main(["energy", "simulate", str(zones), "--climate", str(climate), "--gains", str(gains)])
    replaced = json.loads(capsys.readouterr().out)["zones"][0]
    assert replaced["heating_kwh"] == pytest.approx(computed["heating_kwh"], rel=1e-12)
    pd.DataFrame({"hall:internal_w": np.zeros(HOURS)}).to_csv(gains, index=False)
    main(["energy", "simulate", str(zones), "--climate", str(climate), "--gains", str(gains)])
    colder = json.loads(capsys.readouterr().out)["zones"][0]
    assert colder["heating_kwh"] > computed["heating_kwh"] + 1000


def test_csv_output_has_one_row_per_zone_and_twelve_monthly_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = copy.deepcopy(HALL)
    other["id"] = "office"
    zones = _write_zones(tmp_path, [HALL, other])
    climate = _write_climate(tmp_path, np.full(HOURS, 5.0), np.zeros(HOURS))
    assert (
        main(["energy", "simulate", str(zones), "--climate", str(climate), "--format", "csv"]) == 0
    )
    from io import StringIO

    frame = pd.read_csv(StringIO(capsys.readouterr().out))
    assert list(frame["zone_id"]) == ["hall", "office"]
    monthly = frame[[f"monthly_heating_kwh_{m:02d}" for m in range(1, 13)]].sum(axis=1)
    np.testing.assert_allclose(monthly, frame["heating_kwh"], rtol=1e-5)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda z: z.update(floor_area_m2=-3),
            "zones.json: zone 'hall' field 'floor_area_m2' must be > 0",
        ),
        (lambda z: z.pop("volume_m3"), "zone 'hall' field 'volume_m3' is missing"),
        (lambda z: z.update(mass_class="concrete"), "field 'mass_class' must be one of very_light"),
        (
            lambda z: z["elements"][3].pop("g_value"),
            "element #4 (window) field 'g_value' is missing",
        ),
        (lambda z: z["elements"][0].update(kind="floor"), "element #1 field 'kind' must be one of"),
        (
            lambda z: z["elements"][1].update(u_w_m2k="2"),
            "element #2 (roof) field 'u_w_m2k' must be a finite number",
        ),
        (lambda z: z.update(cooling_setpoint_c=10), "field 'cooling_setpoint_c' (10) is below"),
        (lambda z: z["elements"][1].update(area_m2=50000), "opaque conductance"),
    ],
)
def test_a_bad_zones_file_gets_one_error_line_naming_zone_and_field_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mutate, message: str
) -> None:
    zone = copy.deepcopy(HALL)
    mutate(zone)
    zones = _write_zones(tmp_path, [zone])
    climate = _write_climate(tmp_path, np.full(HOURS, 5.0), np.zeros(HOURS))
    assert main(["energy", "simulate", str(zones), "--climate", str(climate)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert message in err


def test_a_bad_climate_or_gains_file_gets_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zones = _write_zones(tmp_path, [HALL])
    t = np.full(HOURS, 5.0).astype(object)
    t[99] = "warm"
    climate = _write_climate(tmp_path, t, np.zeros(HOURS))
    assert main(["energy", "simulate", str(zones), "--climate", str(climate)]) == 2
    assert "hourly.csv: row 101 column 't_out_c' is not a number" in capsys.readouterr().err
    short = tmp_path / "short.csv"
    pd.DataFrame({"t_out_c": [1.0] * 10, "ghi_w_m2": [0.0] * 10}).to_csv(short, index=False)
    assert main(["energy", "simulate", str(zones), "--climate", str(short)]) == 2
    assert "has 10 rows; expected 8760" in capsys.readouterr().err
    good = _write_climate(tmp_path, np.full(HOURS, 5.0), np.zeros(HOURS))
    gains = tmp_path / "gains.csv"
    pd.DataFrame({"shed:internal_w": np.zeros(HOURS)}).to_csv(gains, index=False)
    assert (
        main(["energy", "simulate", str(zones), "--climate", str(good), "--gains", str(gains)]) == 2
    )
    assert "gains.csv: column 'shed:internal_w' names zone 'shed'" in capsys.readouterr().err


def test_zones_round_trip_through_json() -> None:
    zones = validate_zones([HALL])
    again = validate_zones(json.loads(json.dumps(zones_to_json(zones))))
    assert again == zones


def test_monthly_climate_keeps_the_monthly_means_and_sums() -> None:
    monthly = pd.DataFrame({"month": range(1, 13), "t_out_c": np.linspace(-2, 18, 12),
                            "ghi_kwh_m2": np.linspace(20, 160, 12)})  # fmt: skip
    hourly = hourly_from_monthly(monthly, latitude_deg=52.0)
    assert len(hourly) == HOURS
    month = np.repeat(
        np.arange(12), 24 * np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    )
    np.testing.assert_allclose(
        hourly.groupby(month)["t_out_c"].mean(), monthly["t_out_c"], atol=1e-9
    )
    np.testing.assert_allclose(
        hourly.groupby(month)["ghi_w_m2"].sum() / 1000, monthly["ghi_kwh_m2"], rtol=1e-9
    )
    # no sun at midnight, most at noon
    by_hour = hourly.groupby(np.arange(HOURS) % 24)["ghi_w_m2"].mean()
    assert by_hour[0] == 0.0 and by_hour.idxmax() in (11, 12)


def test_an_epw_file_is_read_with_pvlib(tmp_path: Path) -> None:
    header = [
        "LOCATION,Test,-,DEU,synthetic,000000,51.00,7.00,1.0,100.0",
        "DESIGN CONDITIONS,0", "TYPICAL/EXTREME PERIODS,0", "GROUND TEMPERATURES,0",
        "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0", "COMMENTS 1,synthetic", "COMMENTS 2,",
        "DATA PERIODS,1,1,Data,Sunday, 1/ 1,12/31",
    ]  # fmt: skip
    rows = []
    stamp = pd.date_range("2019-01-01 01:00", periods=HOURS, freq="h")
    for k, ts in enumerate(stamp):
        hour = 24 if ts.hour == 0 else ts.hour
        day = ts - pd.Timedelta(hours=1) if ts.hour == 0 else ts
        temp = round(-5 + 20 * k / HOURS, 1)
        ghi = 300 if 10 <= hour <= 14 else 0
        fields = [day.year, day.month, day.day, hour, 60, "?", temp, 0.0, 80, 101325, 0, 0]
        fields += [300, ghi, 0, 0, 0, 0, 0, 0, 0, 0.0, 0, 0, 20.0, 0, 9, 999999999]
        fields += [0, 0.0, 0, 88, 0, 0, 0]
        rows.append(",".join(str(f) for f in fields))
    path = tmp_path / "site.epw"
    path.write_text("\n".join(header + rows) + "\n", encoding="utf-8")
    climate = read_climate(path)
    assert len(climate) == HOURS
    assert climate["t_out_c"].iloc[0] == pytest.approx(-5.0)
    assert climate["ghi_w_m2"].sum() == pytest.approx(300 * 5 * 365)


def test_a_zones_file_that_is_not_text_is_one_error_line(tmp_path: Path, capsys) -> None:
    png = tmp_path / "plan.ifc"  # a picture under a wrong name
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    climate = tmp_path / "climate.csv"
    climate.write_text("t_out_c,ghi_w_m2\n" + "5,0\n" * 8760, encoding="utf-8")
    code = main(["energy", "simulate", str(png), "--climate", str(climate)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ") and "plan.ifc" in err
    assert "not a text file" in err
