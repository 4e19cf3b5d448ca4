"""ISO 9613-2 and the room-to-outside step, by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest
import shapely

from site_manager.impact import acoustics
from site_manager.impact.noise import facade_sources, machines, noise_at_neighbours
from tests.impact.test_impact_figures import small_register


def test_divergence_alone_is_exact():
    assert acoustics.divergence_db(1.0) == pytest.approx(11.0, abs=1e-12)
    assert acoustics.divergence_db(10.0) == pytest.approx(31.0, abs=1e-12)
    assert acoustics.divergence_db(1000.0) == pytest.approx(71.0, abs=1e-12)


def test_one_point_source_one_receptor_porous_ground_within_half_a_decibel():
    # Lw 100 dB(A), 100 m apart on the ground, source 2 m, receptor 4 m up, G = 1, α 1.9 dB/km.
    # By hand: d = 100.02 m; Adiv = 20 lg 100.02 + 11 = 51.00; Aatm = 0.19;
    # hm = 3: Agr = 4.8 − (6/100.02)(17 + 3.0) = 3.60; DΩ = 10 lg(1 + 10004/10036) = 3.00;
    # Lp = 100 + 3.00 − 51.00 − 0.19 − 3.60 = 48.21 dB(A)
    lp = acoustics.point_source_level(
        100.0, 100.0, 2.0, 4.0, ground_factor=1.0, alpha_db_per_km=1.9
    )
    assert float(lp) == pytest.approx(48.21, abs=0.5)


def test_hard_ground_takes_the_general_methods_source_and_receiver_regions():
    # G = 0, dp 50 m ≤ 30 (hs + hr) = 150 m: As = Ar = −1.5, Am = 0 → Agr = −3, no DΩ
    agr, d_omega = acoustics.ground_db(50.0, 1.0, 4.0, 0.0)
    assert float(agr) == -3.0 and float(d_omega) == 0.0
    # far: dp 300 m > 150 m: q = 1 − 150/300 = 0.5 → Am = −1.5
    agr, _ = acoustics.ground_db(300.0, 1.0, 4.0, 0.0)
    assert float(agr) == pytest.approx(-4.5)


def test_porous_ground_never_amplifies():
    agr, _ = acoustics.ground_db(5.0, 10.0, 10.0, 1.0)  # 4.8 − (20/11.2)(17 + 26.8) < 0
    assert float(agr) == 0.0


def _one_room(kind: str = "smart_factory"):
    """A 10 × 10 × 5 m room, one machine of Lp 90 dB(A) at 1 m, one 2 m² window facing east."""
    window = {
        "global_id": "W1",
        "kind": "window",
        "azimuth_deg": 90.0,
        "area_m2": 2.0,
        "space_global_ids": ["S2"],
        "space_areas_m2": [2.0],
        "z_min_m": 1.0,
        "z_max_m": 3.0,
        "geometry": shapely.LineString([(20, 4), (20, 6)]),
    }
    f = small_register(
        fabric=pd.DataFrame([window]),
        equipment=pd.DataFrame(
            [
                {
                    "equipment_id": "E1",
                    "name": "Press",
                    "owner_tenant_id": "T3",
                    "space_global_id": "S2",
                    "noise_db": 90.0,
                    "shared": False,
                }
            ]
        ),
    )
    f.tenants.loc[f.tenants["tenant_id"] == "T3", "kind"] = kind
    return f


def test_room_to_outside_step_against_its_formula_by_hand():
    f = _one_room()
    src = facade_sources(f, machines(f))
    assert len(src) == 1
    # Lw = 90 + 10 lg 2π = 97.98; S = 2×100 + 40×5 = 400 m², A = 0.1 × 400 = 40 m²;
    # Lp,room = 97.98 + 10 lg(4/40) = 87.98; window R 25 dB (closed), 2 m²:
    # Lw,out = 87.98 − 6 − 25 + 10 lg 2 = 59.99 dB(A), all day (16 of 16 h)
    assert src["power_day_db"].iloc[0] == pytest.approx(59.99, abs=0.01)
    # a smart factory runs 4 of the 8 night hours: − 3.01 dB
    assert src["power_night_db"].iloc[0] == pytest.approx(59.99 - 3.01, abs=0.01)
    # open windows let it out: R 0 → + 25 dB
    assert facade_sources(f, machines(f), "open")["power_day_db"].iloc[0] == pytest.approx(
        84.99, abs=0.01
    )


def test_a_receptor_in_front_hears_it_and_one_behind_does_not():
    f = _one_room()
    f.neighbourhood = pd.DataFrame(
        {
            "layer": ["receptors", "receptors"],
            "properties": [{"name": "east house"}, {"name": "west house"}],
            "geometry_wkt": ["POINT (70 5)", "POINT (-50 5)"],
        }
    )
    n = noise_at_neighbours(f, ground_factor=1.0)
    east = n.receptors.set_index("receptor").loc["east house"]
    # source at (20, 5), 2 m up; receptor 50 m east, 4 m up; by hand: d = 50.04 m,
    # Adiv = 44.99, Aatm = 0.095, Agr = 4.8 − (6/50.04)(17 + 5.995) = 2.043,
    # DΩ = 10 lg(1 + 2504/2536) = 2.983; +3.01 (half space): 59.99 + 3.01 + 2.98 − 44.99
    # − 0.10 − 2.04 = 18.85 dB(A)
    assert east["level_day_dba"] == pytest.approx(18.85, abs=0.5)
    west = n.receptors.set_index("receptor").loc["west house"]
    assert west["level_day_dba"] == -math.inf
    assert n.contributors["equipment_id"].tolist() == ["E1"]
    assert n.contributors["level_day_dba"].iloc[0] == pytest.approx(east["level_day_dba"])
