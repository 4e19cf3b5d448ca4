"""Retrofit what-ifs (``site_manager.energy.retrofit``, ``energy retrofit``) against the
steady state of the 5R1C network worked out by hand.

A zone with no internal gains (a zero schedule), no solar gains (no sun), no cooling and a
constant outdoor temperature settles to a steady state in which the heating that holds the
air at its set-point is ``H · (θ_set − θ_e)`` every hour, ``H`` the network's conductance
from the air node to outdoors (ISO 13790 Annex C): ventilation ``H_ve = 1200 · V · n / 3600``
in parallel with ``H_tr,is = 3.45 · 4.5 · A_f`` in series with the windows ``H_tr,w`` in
parallel with the opaque path, whose two parts ``H_tr,ms`` and ``H_tr,em`` are in series and
so conduct ``H_tr,op = Σ b·U·A`` together.
"""

from __future__ import annotations

import csv
import math
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest

from site_manager.assumptions import DEFAULT_BOILER_EFFICIENCY
from site_manager.cli import main
from site_manager.energy import retrofit
from site_manager.energy.site import USE_HEATING_C, ZoneDefaults
from site_manager.errors import ValidationError

from .conftest import SampleRegister

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "site_manager" / "energy" / "data"
T_OUT = 2.0
T_SET = USE_HEATING_C["private_production"]
A_F, VOLUME, N_INF = 100.0, 300.0, 0.7
#: (kind, area m², U W/m²K, b): the slab on the ground with the default b = 0.5.
ELEMENTS = [("wall", 120.0, 1.5, 1.0), ("roof", 100.0, 2.0, 1.0), ("slab", 100.0, 1.0, 0.5),
            ("window", 20.0, 5.0, 1.0)]  # fmt: skip
NO_GAINS = ZoneDefaults(gains_schedule=(0.0,) * 168, cooling_setpoint_c=None, n_inf_ach=N_INF)


def _table() -> dict[str, dict[str, str]]:
    with (DATA / "retrofit_measures.csv").open(encoding="utf-8") as fh:
        return {row["measure"]: row for row in csv.DictReader(fh)}


def _factor(carrier: str, country: str) -> float:
    with (DATA / "emission_factors.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["carrier"] == carrier and row["country"] == country:
                return float(row["kg_co2_per_kwh"])
    raise AssertionError(carrier)


def _frames() -> SimpleNamespace:
    fabric = pd.DataFrame([
        {"global_id": f"E{i}", "name": kind, "kind": kind, "area_m2": area, "u_w_m2k": u,
         "tilt_deg": {"roof": 0.0, "slab": 180.0}.get(kind, 90.0),
         "azimuth_deg": math.nan if kind in ("roof", "slab") else 180.0,
         "g_value": 0.7 if kind == "window" else 0.0, "frame_fraction": 0.2,
         "space_global_ids": ["S1"], "space_areas_m2": [area]}
        for i, (kind, area, u, _b) in enumerate(ELEMENTS)
    ])  # fmt: skip
    spaces = pd.DataFrame([{
        "global_id": "S1", "name": "hall", "long_name": "Hall", "storey": "0", "area_m2": A_F,
        "volume_m3": VOLUME, "height_m": 3.0, "use": "private_production", "removed": False,
        "zones": [], "footprint_wkt": None,
    }])  # fmt: skip
    return SimpleNamespace(
        site={"site_id": "tiny", "country": "IT", "latitude_deg": 45.0},
        spaces=spaces,
        spaces_gdf=lambda: gpd.GeoDataFrame(spaces.copy()),
        fabric=fabric,
        equipment=pd.DataFrame(columns=["space_global_id", "power_kw"]),
        climate_hourly=pd.DataFrame({"t_out_c": [T_OUT] * 8760, "ghi_w_m2": [0.0] * 8760}),
        climate_monthly=pd.DataFrame(),
        tariffs={"gas": 0.10, "electricity": 0.30},
    )


def _steady_kwh(u_of: dict[str, float]) -> float:
    """Annual heating [kWh] of the zone with the U-values ``u_of`` (by kind), by hand."""
    h_op = sum(b * u_of.get(k, u) * a for k, a, u, b in ELEMENTS if k != "window")
    h_w = sum(b * u_of.get(k, u) * a for k, a, u, b in ELEMENTS if k == "window")
    h_ve = 1200.0 * VOLUME * N_INF / 3600.0
    h_is = 3.45 * 4.5 * A_F
    h = h_ve + 1.0 / (1.0 / h_is + 1.0 / (h_w + h_op))
    return h * (T_SET - T_OUT) * 8760 / 1000.0


MEASURE_KIND = {"roof": "roof", "walls": "wall", "ground_floor": "slab", "glazing": "window"}


def test_the_baseline_is_the_steady_state_of_the_network() -> None:
    out = retrofit.retrofit_options(_frames(), "roof", defaults=NO_GAINS)
    base = out.set_index("scenario").loc["baseline"]
    assert base["heating_kwh"] == pytest.approx(_steady_kwh({}), rel=1e-3)
    assert base["gas_kwh"] == pytest.approx(base["heating_kwh"] / DEFAULT_BOILER_EFFICIENCY)


@pytest.mark.parametrize("measure", ["roof", "walls", "ground_floor", "glazing"])
def test_each_envelope_measure_saves_what_the_change_in_conductance_predicts(
    measure: str,
) -> None:
    kind = MEASURE_KIND[measure]
    spec = _table()[measure]
    out = retrofit.retrofit_options(_frames(), measure, defaults=NO_GAINS).set_index("scenario")
    predicted = _steady_kwh({}) - _steady_kwh({kind: float(spec["u_w_m2k"])})
    saved_heat = out.loc["baseline", "heating_kwh"] - out.loc[measure, "heating_kwh"]
    assert saved_heat == pytest.approx(predicted, rel=1e-3)
    row = out.loc[measure]
    area = next(a for k, a, _u, _b in ELEMENTS if k == kind)
    assert row["cost_eur"] == pytest.approx(area * float(spec["cost_eur"]))
    assert row["saving_kwh"] == pytest.approx(predicted / DEFAULT_BOILER_EFFICIENCY, rel=1e-3)
    assert row["saving_eur"] == pytest.approx(row["saving_kwh"] * 0.10)
    assert row["co2_saved_kg"] == pytest.approx(row["saving_kwh"] * _factor("gas", "*"))
    assert row["payback_years"] == pytest.approx(row["cost_eur"] / row["saving_eur"])


def test_a_heat_pump_with_insulation_saves_less_than_the_two_alone_by_what_they_share() -> None:
    """Insulating a heat-pumped building saves heat at the pump's price, not the boiler's:
    the single savings over-count by (Q0 − Q1)·(1/η − 1/SCOP) kWh and
    (Q0 − Q1)·(p_gas/η − p_el/SCOP) EUR; and the pump of the insulated building is smaller."""
    table = _table()
    scop, eta = float(table["heat_pump"]["scop"]), DEFAULT_BOILER_EFFICIENCY
    out = retrofit.retrofit_options(_frames(), "roof,heat_pump", defaults=NO_GAINS)
    out = out.set_index("scenario")
    q0 = _steady_kwh({})
    q1 = _steady_kwh({"roof": float(table["roof"]["u_w_m2k"])})
    singles = out.loc["roof"] + out.loc["heat_pump"]
    combined = out.loc["combined"]
    assert singles["saving_kwh"] - combined["saving_kwh"] == pytest.approx(
        (q0 - q1) * (1 / eta - 1 / scop), rel=2e-3
    )
    assert singles["saving_eur"] - combined["saving_eur"] == pytest.approx(
        (q0 - q1) * (0.10 / eta - 0.30 / scop), rel=2e-3
    )
    assert combined["saving_kwh"] == pytest.approx(q0 / eta - q1 / scop, rel=1e-3)
    # Constant weather: the peak is the steady power, (Q / 8760 h).
    kw_0, kw_1 = q0 / 8760, q1 / 8760
    assert out.loc["heat_pump", "cost_eur"] == pytest.approx(
        kw_0 * float(table["heat_pump"]["cost_eur"]), rel=1e-3
    )
    roof_cost = 100.0 * float(table["roof"]["cost_eur"])
    assert combined["cost_eur"] == pytest.approx(
        roof_cost + kw_1 * float(table["heat_pump"]["cost_eur"]), rel=1e-3
    )
    assert combined["co2_kg"] == pytest.approx(q1 / scop * _factor("electricity", "IT"), rel=1e-3)


def test_insulation_never_makes_an_element_worse_and_leaves_the_input_alone() -> None:
    frames = _frames()
    frames.fabric.loc[frames.fabric["kind"] == "roof", "u_w_m2k"] = 0.1  # better than 0.20
    before = frames.fabric.copy()
    changed = retrofit.apply_measures(frames.fabric, ["roof", "glazing"], retrofit.read_measures())
    pd.testing.assert_frame_equal(frames.fabric, before)
    assert changed.loc[changed["kind"] == "roof", "u_w_m2k"].tolist() == [0.1]
    windows = changed[changed["kind"] == "window"]
    assert windows["u_w_m2k"].tolist() == [float(_table()["glazing"]["u_w_m2k"])]
    assert windows["g_value"].tolist() == [float(_table()["glazing"]["g_value"])]


def test_unknown_measures_and_a_bad_table_are_named(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="unknown measure 'solar'"):
        retrofit.parse_measures("roof,solar")
    assert retrofit.parse_measures(" heat_pump, roof ") == ["roof", "heat_pump"]
    bad = tmp_path / "m.csv"
    text = (DATA / "retrofit_measures.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace(",110,m2,", ",110,ft2,"), encoding="utf-8")
    with pytest.raises(ValidationError, match="measure 'roof': 'cost_per' must be m2 or kW"):
        retrofit.read_measures(bad)


def test_every_measure_and_factor_row_has_a_source_and_a_year() -> None:
    for name in ("retrofit_measures.csv", "emission_factors.csv"):
        with (DATA / name).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                assert row["source"].strip(), (name, row)
                assert 1990 < int(row["year"]) < 2100, (name, row)


@pytest.mark.slow
def test_energy_retrofit_on_a_sample_site(
    samples: SampleRegister, capsys: pytest.CaptureFixture[str]
) -> None:
    site = samples.load("textile_mill")
    command = ["energy", "retrofit", "--site", site, "--db", samples.url, "--format", "csv",
               "--measures", "walls,heat_pump"]  # fmt: skip
    assert main(command) == 0
    out = pd.read_csv(StringIO(capsys.readouterr().out)).set_index("scenario")
    assert list(out.index) == ["baseline", "walls", "heat_pump", "combined"]
    fabric: Any = samples.frames(site).fabric
    walls = float(fabric.loc[fabric["kind"] == "wall", "area_m2"].sum())
    assert out.loc["walls", "cost_eur"] == pytest.approx(
        walls * float(_table()["walls"]["cost_eur"])
    )
    assert out.loc["walls", "heating_kwh"] < out.loc["baseline", "heating_kwh"]
    assert out.loc["heat_pump", "heating_kwh"] == out.loc["baseline", "heating_kwh"]
    assert main(["energy", "retrofit", "--site", site, "--db", samples.url,
                 "--measures", "solar"]) == 2  # fmt: skip
