"""The Energy page's computations (``site_manager.energy.overview``) against a second path:
the library's own functions run the other way, and sums done by hand.
"""

from __future__ import annotations

import datetime as dt
import math
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from site_manager.energy import overview
from site_manager.energy.tenants import monthly_heat_by_space, split_energy

from .test_tenants import HEAT, two_tenants


def test_the_heat_from_the_space_loads_is_the_splits_own_heat_table(samples: Any) -> None:
    from site_manager.energy.site import space_loads

    frames = samples.frames("textile_mill")
    mine = overview.heat_by_space(space_loads(frames))
    theirs = monthly_heat_by_space(frames)  # runs the model itself
    assert sorted(mine.index) == sorted(theirs.index)
    pd.testing.assert_frame_equal(mine.loc[theirs.index], theirs, rtol=1e-12)
    # and so the split is the same, to the cent
    months = ["2026-01", "2026-07"]
    a = split_energy(frames, months, heat=mine).tenants
    b = split_energy(frames, months).tenants
    pd.testing.assert_frame_equal(a, b)


def test_intensity_and_monthly_demand_by_hand() -> None:
    loads = pd.DataFrame({
        "space_global_id": ["A", "B", "C"], "floor_area_m2": [100.0, 50.0, 0.0],
        "heating_kwh": [12_000.0, 1_000.0, 5.0], "cooling_kwh": [600.0, 0.0, 0.0],
        "monthly_heating_kwh": [[1000.0] * 12, [float(m) for m in range(12)], [0.0] * 12],
        "monthly_cooling_kwh": [[50.0] * 12, [0.0] * 12, [0.0] * 12],
    })  # fmt: skip
    got = overview.space_intensity(loads).set_index("global_id")
    assert got.loc["A", "heating_kwh_m2a"] == 120.0 and got.loc["A", "cooling_kwh_m2a"] == 6.0
    assert got.loc["B", "heating_kwh_m2a"] == 20.0
    assert math.isnan(got.loc["C", "heating_kwh_m2a"])  # no floor: no intensity
    monthly = overview.monthly_demand(loads)
    assert list(monthly["heating_kwh"]) == [1000.0 + m for m in range(12)]
    assert list(monthly["cooling_kwh"]) == [50.0] * 12
    assert list(monthly["month_name"])[:2] == ["Jan", "Feb"]
    assert overview.monthly_demand(None)["heating_kwh"].sum() == 0.0


def test_the_period_table_sums_the_months_and_ends_with_the_site_total() -> None:
    frames = two_tenants()
    frames.meters.loc[1] = {"meter_id": "E-U1", "tenant_id": "A", "carrier": "electricity",
                            "month": "2026-02", "reading_kwh": 450.0,
                            "reading_m3": None}  # fmt: skip
    split = split_energy(frames, ["2026-01", "2026-02", "2026-03"], heat=HEAT)
    table = overview.tenant_period(split, frames.tenants).set_index("tenant_id")
    for t in ("A", "B"):
        mine = split.tenants[split.tenants["tenant_id"] == t]
        assert table.loc[t, "cost_eur"] == pytest.approx(mine["cost_eur"].sum(), abs=1e-9)
        assert table.loc[t, "months"] == 3
    assert table.loc["A", "electricity_source"] == "metered 2 of 3 months"  # Jan, Feb read
    assert table.loc["B", "electricity_source"] == "modelled"
    assert table.loc["A", "tenant"] == "Ann"
    total = table.loc[overview.SITE_TOTAL]
    assert total["cost_eur"] == pytest.approx(split.site["cost_eur"].sum(), abs=1e-9)
    assert round(table.loc[["A", "B"], "cost_eur"].sum(), 2) == round(total["cost_eur"], 2)
    assert list(table.index)[-1] == overview.SITE_TOTAL


def test_without_tariffs_the_cost_is_unknown_and_the_rest_still_splits() -> None:
    frames = two_tenants()
    frames.tariffs = {}
    split = split_energy(frames, ["2026-01"], heat=HEAT)
    assert split.tenants["cost_eur"].isna().all()
    assert math.isnan(float(split.site["cost_eur"].iloc[0]))
    # the energy is as with tariffs (the hand case of test_tenants: 1500 + 625 kWh of gas)
    assert list(split.tenants["fuel_kwh"]) == [1500.0, 625.0]
    table = overview.tenant_period(split, frames.tenants)
    assert table["cost_eur"].isna().all()


def test_the_assumptions_name_a_missing_tariff() -> None:
    from site_manager.assumptions import tenant_energy_assumptions

    frames = two_tenants()
    assert "tariffs" not in {a.topic for a in tenant_energy_assumptions(frames)}
    frames.tariffs = {"electricity": 0.3}
    (note,) = [a for a in tenant_energy_assumptions(frames) if a.topic == "tariffs"]
    assert "no gas tariff" in note.message and "--tariff gas=" in note.remedy


def test_pv_per_month_adds_the_hours_of_each_calendar_month() -> None:
    hours = np.arange(8760)
    pv = SimpleNamespace(hourly_kwh=np.where(hours % 24 == 12, 2.0, 0.0),
                         load_kwh=np.full(8760, 0.5))  # fmt: skip
    got = overview.pv_monthly(pv)
    days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    assert list(got["yield_kwh"]) == [2.0 * d for d in days]
    assert list(got["self_consumed_kwh"]) == [0.5 * d for d in days]
    assert list(got["exported_kwh"]) == [1.5 * d for d in days]


def test_pv_per_month_equals_the_faces_monthly_yields(samples: Any) -> None:
    from site_manager.energy.pv import pv_site

    pv = pv_site(samples.frames("brewery_complex"))
    faces = np.array([list(m) for m in pv.faces["monthly_kwh"]]).sum(axis=0)
    np.testing.assert_allclose(overview.pv_monthly(pv)["yield_kwh"], faces, rtol=1e-9)


def test_the_periods_are_the_twelve_months_then_years_and_months_latest_first() -> None:
    frames = SimpleNamespace(meters=pd.DataFrame({"month": ["2025-11", "2026-02"]}))
    got = overview.periods(frames, today=dt.date(2026, 6, 1))
    assert got[:3] == ["last12", "2026", "2025"]
    assert got[3] == "2026-12" and got[-1] == "2025-01" and len(got) == 3 + 24
    assert overview.months_of("2025", frames)[0] == "2025-01"
    assert overview.months_of("2026-02", frames) == ["2026-02"]


def test_internal_gains_are_level_times_schedule_for_mixed_schedules() -> None:
    """The grouped product of ``gains_from_zones`` against the plain per-zone rule."""
    from site_manager.energy.zones import Zone, gains_from_zones

    day = tuple(1.0 if 8 <= h < 18 else 0.1 for h in range(24))
    week = tuple(0.3 + (h % 7) / 10 for h in range(168))
    schedules = [day, None, week, day, None]
    zones = [Zone(id=f"Z{k}", floor_area_m2=10.0 * (k + 1), volume_m3=30.0, mass_class="heavy",
                  elements=(), n_inf_ach=0.5, heating_setpoint_c=20.0,
                  internal_gains_w_m2=1.5 + k, gains_schedule=s)
             for k, s in enumerate(schedules)]  # fmt: skip
    internal, solar = gains_from_zones(zones, np.zeros(8760))
    assert internal.shape == (8760, 5) and internal.flags["C_CONTIGUOUS"]
    for k, (z, s) in enumerate(zip(zones, schedules, strict=True)):
        level = z.internal_gains_w_m2 * z.floor_area_m2
        for hour in (0, 9, 17, 18, 100, 8759):
            expected = level if s is None else level * s[hour % len(s)]
            assert internal[hour, k] == expected  # exactly: one non-zero term per product
    assert gains_from_zones([], np.zeros(24))[0].shape == (24, 0)


def test_the_simulation_on_gains_held_as_products_equals_it_on_whole_arrays() -> None:
    """simulate_zones passes HourlyProduct gains; the results equal those of dense arrays."""
    from site_manager.energy.iso13790 import simulate
    from site_manager.energy.zones import Zone, gains_products, network_from_zones

    rng = np.random.default_rng(3)
    day = tuple(1.0 if 8 <= h < 18 else 0.1 for h in range(24))
    zones = [Zone(id=f"Z{k}", floor_area_m2=float(rng.uniform(20, 900)), volume_m3=300.0,
                  mass_class="medium", elements=(), n_inf_ach=0.5, heating_setpoint_c=20.0,
                  internal_gains_w_m2=float(rng.uniform(1, 9)),
                  gains_schedule=day if k % 2 else None) for k in range(40)]  # fmt: skip
    t_out = 8 + 10 * np.sin(np.arange(8760) * 2 * np.pi / 8760) + rng.normal(0, 3, 8760)
    ghi = np.clip(rng.normal(150, 200, 8760), 0, None)
    internal, solar = gains_products(zones, ghi)
    network = network_from_zones(zones)
    lazy = simulate(network, t_out, internal_w=internal, solar_w=solar, hourly=True)
    dense = simulate(network, t_out, internal_w=np.array(internal), solar_w=np.array(solar),
                     hourly=True)  # fmt: skip
    np.testing.assert_array_equal(lazy.monthly_heating_kwh, dense.monthly_heating_kwh)
    np.testing.assert_array_equal(lazy.peak_heating_kw, dense.peak_heating_kw)
    assert lazy.hourly is not None and dense.hourly is not None
    np.testing.assert_array_equal(lazy.hourly["phi_int_w"], dense.hourly["phi_int_w"])
    assert float(lazy.heating_kwh.sum()) > 0
