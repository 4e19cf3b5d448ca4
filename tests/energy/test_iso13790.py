"""The 5R1C engine against values computed independently of it."""

from __future__ import annotations

import numpy as np
import pytest

from site_manager.energy.iso13790 import (
    MASS_CLASSES,
    Network,
    network_from_parameters,
    simulate,
)
from site_manager.energy.reference import simulate_reference
from site_manager.errors import ValidationError

HOURS = 8760


def _one_zone(**overrides: object) -> Network:
    params: dict = dict(
        floor_area_m2=[100.0],
        volume_m3=[300.0],
        h_tr_op=[100.0],  # 200 m² of wall at U = 0.5
        h_tr_w=[40.0],  # 20 m² of window at U = 2.0
        mass_class=["medium"],
        n_inf_ach=[0.5],
    )
    params.update(overrides)
    return network_from_parameters(**params)


def test_the_mass_classes_are_those_of_iso_13790_table_12() -> None:
    assert MASS_CLASSES == {
        "very_light": (2.5, 80_000.0),
        "light": (2.5, 110_000.0),
        "medium": (2.5, 165_000.0),
        "heavy": (3.0, 260_000.0),
        "very_heavy": (3.5, 370_000.0),
    }


def test_the_network_conductances_follow_the_standard_by_hand() -> None:
    nw = _one_zone()
    # A_m = 2.5 * 100, H_ms = 9.1 * 250; A_t = 450, H_is = 3.45 * 450
    assert nw.h_tr_ms[0] == pytest.approx(2275.0)
    assert nw.h_tr_is[0] == pytest.approx(1552.5)
    assert nw.h_tr_em[0] == pytest.approx(1 / (1 / 100 - 1 / 2275))
    assert nw.h_ve[0] == pytest.approx(1200 * 300 * 0.5 / 3600)  # 50 W/K
    assert nw.c_m[0] == pytest.approx(165000 * 100)


def test_heat_recovery_reduces_only_the_mechanical_air_change() -> None:
    nw = _one_zone(n_inf_ach=[0.2], n_mech_ach=[1.0], heat_recovery=[0.75])
    assert nw.h_ve[0] == pytest.approx(1200 * 300 * (0.2 + 1.0 * 0.25) / 3600)


def test_steady_state_heating_is_the_equivalent_conductance_times_the_temperature_difference() -> (
    None
):
    nw = _one_zone()
    result = simulate(nw, np.full(HOURS, -5.0), heating_setpoint_c=20.0, hourly=True)
    # By hand: H_ve = 50 in parallel with H_is = 1552.5 in series with (H_w = 40 in
    # parallel with H_ms and H_em in series, which is H_op = 100 by construction).
    h_eq = 50.0 + 1.0 / (1.0 / 1552.5 + 1.0 / (40.0 + 100.0))
    assert result.hourly["phi_hc_w"][-1, 0] == pytest.approx(h_eq * 25.0, rel=1e-9)
    assert result.hourly["theta_air_c"][-1, 0] == pytest.approx(20.0, abs=1e-9)


def test_steady_state_with_constant_internal_gains_balances_the_losses() -> None:
    nw = _one_zone()
    gains = 1000.0
    result = simulate(
        nw, np.full(HOURS, 0.0), internal_w=gains, heating_setpoint_c=20.0, hourly=True
    )
    # ISO 13790 C.3 assigns the share H_tr,w/(9.1·A_t) of the radiant half of the gains to no
    # node (it leaves through the windows at once): 500 W · 40/(9.1·450) here.
    entering = gains - 0.5 * gains * 40.0 / (9.1 * 450.0)
    phi = result.hourly["phi_hc_w"][-1, 0]
    ta, ts, tm = (result.hourly[k][-1, 0] for k in ("theta_air_c", "theta_s_c", "theta_m_c"))
    losses = 50.0 * ta + 40.0 * ts + (1 / (1 / 100 - 1 / 2275)) * tm
    assert phi + entering == pytest.approx(losses, rel=1e-9)
    h_eq = 50.0 + 1.0 / (1.0 / 1552.5 + 1.0 / (40.0 + 100.0))
    assert 0 < phi < h_eq * 20.0  # the gains help
    assert ta == pytest.approx(20.0, abs=1e-9)


def test_without_losses_there_is_no_heating() -> None:
    nw = _one_zone(h_tr_op=[0.0], h_tr_w=[0.0], n_inf_ach=[0.0])
    result = simulate(nw, np.full(HOURS, -10.0), heating_setpoint_c=20.0, hourly=True)
    assert result.heating_kwh[0] == 0.0
    assert np.allclose(result.hourly["theta_air_c"], 20.0, atol=1e-9)


def test_without_losses_gains_only_warm_the_zone() -> None:
    nw = _one_zone(h_tr_op=[0.0], h_tr_w=[0.0], n_inf_ach=[0.0])
    result = simulate(
        nw, np.full(100, -10.0), internal_w=500.0, heating_setpoint_c=20.0, hourly=True
    )
    assert result.heating_kwh[0] == 0.0
    # All 500 W go into the mass (the only store): after 100 h it gained 50 kWh.
    rise = (result.theta_m_end_c[0] - 20.0) * nw.c_m[0] / 3.6e6
    assert rise == pytest.approx(50.0, rel=1e-9)


def test_with_zero_gains_every_heated_hour_reaches_the_setpoint_exactly() -> None:
    nw = _one_zone()
    hours = np.arange(HOURS)
    t_out = 5 + 12 * np.sin(2 * np.pi * hours / HOURS) + 5 * np.sin(2 * np.pi * hours / 24)
    result = simulate(nw, t_out, heating_setpoint_c=20.0, cooling_setpoint_c=26.0, hourly=True)
    heated = result.hourly["phi_hc_w"][:, 0] > 0
    assert heated.sum() > 1000
    assert np.allclose(result.hourly["theta_air_c"][heated, 0], 20.0, atol=1e-9)
    assert result.hourly["theta_air_c"][:, 0].min() > 20.0 - 1e-9
    assert result.cooling_kwh[0] == 0.0  # no gains, never above 26 °C outdoors


def test_the_energy_balance_over_a_year_closes_including_the_storage_term() -> None:
    rng = np.random.default_rng(7)
    nw = network_from_parameters(
        floor_area_m2=[50.0, 400.0, 1200.0],
        volume_m3=[150.0, 2400.0, 9000.0],
        h_tr_op=[40.0, 900.0, 2500.0],
        h_tr_w=[30.0, 200.0, 600.0],
        mass_class=["light", "heavy", "very_heavy"],
        n_inf_ach=[0.3, 0.8, 1.2],
        n_mech_ach=[1.0, 0.0, 0.5],
        heat_recovery=[0.7, 0.0, 0.5],
    )
    hours = np.arange(HOURS)
    t_out = 9 + 11 * np.sin(2 * np.pi * (hours / HOURS - 0.3)) + 4 * np.sin(2 * np.pi * hours / 24)
    internal = rng.uniform(0, 20, size=(HOURS, 3)) * nw.floor_area_m2
    solar = np.clip(np.sin(np.pi * ((hours % 24) - 6) / 12), 0, None)[:, None] * [
        3000,
        20000,
        40000,
    ]
    result = simulate(
        nw, t_out, internal_w=internal, solar_w=solar,
        heating_setpoint_c=[20, 18, 16], cooling_setpoint_c=[25, 26, np.inf], hourly=True,
    )  # fmt: skip
    h = result.hourly
    # The gains that enter the nodes (C.1–C.3 leave H_tr,w/(9.1·A_t) of the radiant part out).
    radiant = 0.5 * internal + solar
    entering = internal + solar - radiant * nw.h_tr_w / (9.1 * nw.a_t)
    gains_in = (h["phi_hc_w"] + entering).sum(axis=0)
    te = t_out[:, None]
    losses = (
        nw.h_ve * (h["theta_air_c"] - te)
        + nw.h_tr_w * (h["theta_s_c"] - te)
        + nw.h_tr_em * (h["theta_m_c"] - te)
    ).sum(axis=0)
    stored = nw.c_m * (result.theta_m_end_c - result.theta_m_start_c) / 3600.0
    np.testing.assert_allclose(gains_in, losses + stored, rtol=1e-9)
    assert (result.heating_kwh > 0).all() and result.cooling_kwh[0] > 0


def test_monthly_values_add_up_to_the_year_and_peaks_match_the_hours() -> None:
    nw = _one_zone()
    hours = np.arange(HOURS)
    t_out = 10 + 15 * np.sin(2 * np.pi * (hours / HOURS - 0.3))
    result = simulate(
        nw, t_out, internal_w=1500.0, heating_setpoint_c=20, cooling_setpoint_c=24, hourly=True
    )
    phi = result.hourly["phi_hc_w"][:, 0]
    assert result.monthly_heating_kwh[:, 0].sum() == pytest.approx(result.heating_kwh[0])
    assert result.heating_kwh[0] == pytest.approx(phi[phi > 0].sum() / 1000)
    assert result.cooling_kwh[0] == pytest.approx(-phi[phi < 0].sum() / 1000)
    assert result.peak_heating_kw[0] == pytest.approx(phi.max() / 1000)
    assert result.peak_cooling_kw[0] == pytest.approx(-phi.min() / 1000)
    # January (hours 0..743) is all heating here
    assert result.monthly_heating_kwh[0, 0] == pytest.approx(phi[:744].clip(0).sum() / 1000)


def test_a_zone_whose_opaque_conductance_exceeds_the_mass_coupling_is_refused() -> None:
    with pytest.raises(ValidationError, match="zone 'tiny'.*12.2.2"):
        _one_zone(h_tr_op=[3000.0], ids=["tiny"])


def test_the_array_model_agrees_with_the_plain_loop_of_the_standard() -> None:
    rng = np.random.default_rng(3)
    n = 4
    a_f = rng.uniform(20, 2000, n)
    nw = network_from_parameters(
        floor_area_m2=a_f,
        volume_m3=a_f * rng.uniform(3, 9, n),
        h_tr_op=a_f * rng.uniform(0.3, 3, n),
        h_tr_w=a_f * rng.uniform(0.05, 0.8, n),
        mass_class=["very_light", "medium", "heavy", "very_heavy"],
        n_inf_ach=rng.uniform(0.1, 1.5, n),
    )
    hours = np.arange(HOURS)
    t_out = 9 + 11 * np.sin(2 * np.pi * (hours / HOURS - 0.3)) + 4 * np.sin(2 * np.pi * hours / 24)
    internal = np.where((hours % 24 >= 7) & (hours % 24 < 18), 15.0, 1.0)[:, None] * a_f
    solar = np.clip(np.sin(np.pi * ((hours % 24) - 6) / 12), 0, None)[:, None] * a_f * 5
    kwargs = dict(internal_w=internal, solar_w=solar, heating_setpoint_c=[20, 18, 16, 19],
                  cooling_setpoint_c=[26, 27, np.inf, 25])  # fmt: skip
    fast = simulate(nw, t_out, hourly=True, **kwargs)
    slow = simulate_reference(nw, t_out, **kwargs)
    for z in range(n):
        np.testing.assert_allclose(
            fast.hourly["phi_hc_w"][:, z], slow[z].phi_hc_w, rtol=1e-9, atol=1e-6
        )
        assert fast.heating_kwh[z] == pytest.approx(slow[z].heating_kwh, rel=1e-9)
        assert fast.cooling_kwh[z] == pytest.approx(slow[z].cooling_kwh, rel=1e-9, abs=1e-9)
        assert fast.peak_heating_kw[z] == pytest.approx(slow[z].peak_heating_kw, rel=1e-9)


class TestPublishedExample:
    """RC_BuildingSimulator (Jayathissa et al., ETH Zürich, MIT licence), ``RCsimulator/tests/
    testRCmodel.py``: one hour of an office room, 4.9 m × 7 m × 3.1 m, 13.5 m² of window
    (U 1.1), 15.19 m² of envelope (U 0.2 opaque), 0.5 + 1.5 ach, 165 kJ/m²K, set-points 20/26.
    That project takes A_t as the room's inner surface area and H_tr,em = U·A (no mass-coupling
    split), so we build its network directly and compare the step, not its conventions."""

    @staticmethod
    def network() -> Network:
        a_f = 7 * 4.9
        a_t = a_f * 2 + 4.9 * 3.1 * 2 + 7 * 3.1 * 2
        return Network(
            floor_area_m2=a_f, h_ve=1200 * a_f * 3.1 * 2.0 / 3600, h_tr_is=3.45 * a_t,
            h_tr_w=1.1 * 13.5, h_tr_ms=9.1 * 2.5 * a_f, h_tr_em=0.2 * (15.19 - 13.5),
            c_m=165000 * a_f, a_m=2.5 * a_f, a_t=a_t,
        )  # fmt: skip

    @pytest.mark.parametrize(
        ("t_out", "t_m_prev", "solar", "expected_t_m", "expected_phi"),
        [
            (10, 22, 2000, 22.33, 0.0),  # test_NoHVACNoLight
            (25, 24, 4000, 25.15, -264.75),  # test_CoolingRequired
            (10, 20, 2000, 20.46, 328.09),  # test_HeatingRequired
        ],
    )
    def test_one_hour_matches_the_published_values(
        self, t_out: float, t_m_prev: float, solar: float, expected_t_m: float, expected_phi: float
    ) -> None:
        r = simulate(
            self.network(), [t_out], internal_w=10.0, solar_w=solar, heating_setpoint_c=20.0,
            cooling_setpoint_c=26.0, theta_m0_c=t_m_prev, hourly=True,
        )  # fmt: skip
        assert round(float(r.hourly["theta_m_c"][0, 0]), 2) == expected_t_m
        assert round(float(r.hourly["phi_hc_w"][0, 0]), 2) == expected_phi
