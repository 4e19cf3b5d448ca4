"""The impact report's figures against values worked out by hand from a small register."""

from __future__ import annotations

import datetime as dt
import math
from types import SimpleNamespace

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from site_manager.impact import ImpactOptions, impact_report
from site_manager.impact.footprint import reuse, site_energy
from site_manager.impact.jobs import jobs_and_mix, shannon, trips

DAY = dt.date(2026, 6, 1)


class _Frames(SimpleNamespace):
    def neighbourhood_gdf(self, layer: str) -> gpd.GeoDataFrame:
        rows = self.neighbourhood[self.neighbourhood["layer"] == layer]
        props = pd.DataFrame(list(rows["properties"])) if len(rows) else pd.DataFrame()
        return gpd.GeoDataFrame(props, geometry=[shapely.from_wkt(w) for w in rows["geometry_wkt"]])


def _box(x0: float, y0: float, x1: float, y1: float) -> str:
    return shapely.box(x0, y0, x1, y1).wkt


def small_register(**over) -> _Frames:
    """Three tenants let, one whose lease ended, two vacant units; three spaces."""
    tenants = pd.DataFrame(
        {
            "tenant_id": ["T1", "T2", "T3", "T4"],
            "name": ["Kiln", "Pixel", "Clay Co", "Gone"],
            "kind": ["artisan", "freelancer", "sme", "artist"],
            "sector": ["ceramics", "design", "ceramics", "painting"],
            "stage": ["starting", "growing", "established", "starting"],
            "headcount": [3, None, 4, 9],
        }
    )
    leases = pd.DataFrame(
        {
            "lease_id": ["L1", "L2", "L3", "L4"],
            "unit_id": ["U1", "U2", "U3", "U4"],
            "tenant_id": ["T1", "T2", "T3", "T4"],
            "start": [dt.date(2025, 1, 1)] * 3 + [dt.date(2024, 1, 1)],
            "end": [dt.date(2027, 12, 31)] * 3 + [dt.date(2025, 12, 31)],
        }
    )
    units = pd.DataFrame(
        {
            "unit_id": ["U1", "U2", "U3", "U4", "U5"],
            "use": ["private_production"] * 3 + ["private_production", "storage"],
            "area_m2": [50.0, 20.0, 80.0, 120.0, 90.0],
        }
    )
    spaces = pd.DataFrame(
        {
            "global_id": ["S1", "S2", "S3"],
            "name": ["a", "b", "c"],
            "removed": [False] * 3,
            "area_m2": [100.0, 100.0, 100.0],
            "height_m": [5.0] * 3,
            "clear_height_m": [None] * 3,
            "footprint_wkt": [_box(0, 0, 10, 10), _box(10, 0, 20, 10), _box(0, 0, 10, 10)],
        }
    )
    base = dict(
        site={"site_id": "small", "name": "Small", "country": "IT", "map_conversion": None},
        tenants=tenants,
        leases=leases,
        units=units,
        spaces=spaces,
        equipment=pd.DataFrame(
            columns=[
                "equipment_id",
                "name",
                "owner_tenant_id",
                "space_global_id",
                "noise_db",
                "shared",
            ]
        ),
        fabric=None,
        outlines=None,
        neighbourhood=pd.DataFrame(columns=["layer", "properties", "geometry_wkt"]),
    )
    base.update(over)
    return _Frames(**base)


def test_jobs_are_the_let_tenants_headcounts_and_vacant_units_are_estimated_apart():
    j = jobs_and_mix(small_register(), DAY)
    # T1 3 + T2 (no headcount: 1) + T3 4; T4's lease ended
    assert j.jobs == 8.0
    assert j.missing_headcounts == 1
    # U4 120 m² of private production at 60 m²/job, U5 90 m² of storage at 90 m²/job
    assert j.estimated_vacant_jobs == pytest.approx(120 / 60 + 90 / 90)
    assert dict(zip(j.by_kind["kind"], j.by_kind["jobs"], strict=True)) == {
        "artisan": 3.0,
        "freelancer": 1.0,
        "sme": 4.0,
    }
    assert dict(zip(j.by_stage["stage"], j.by_stage["tenants"], strict=True)) == {
        "starting": 1,
        "growing": 1,
        "established": 1,
    }


def test_shannon_index_of_sectors_by_hand():
    j = jobs_and_mix(small_register(), DAY)
    # ceramics 2 tenants, design 1: H = -(2/3 ln 2/3 + 1/3 ln 1/3) = 0.636514
    assert j.shannon_h == pytest.approx(0.636514, abs=1e-6)
    assert j.evenness == pytest.approx(0.636514 / 0.693147, abs=1e-6)
    assert j.sectors == 2
    assert shannon([5]) == (0.0, None, 1)
    h, even, k = shannon([1, 1, 1, 1])
    assert (h, even, k) == (pytest.approx(math.log(4)), pytest.approx(1.0), 4)


def test_trips_by_kind_and_at_full_occupancy_against_the_threshold():
    f = small_register()
    t = trips(f, jobs_and_mix(f, DAY))
    # table rates (commute + visitors per job): artisan 2+1.5, freelancer 2+0.5, sme 2.2+1.0,
    # '*' 2+1.2: 3×3.5 + 1×2.5 + 4×3.2 = 25.8; + 3 estimated jobs × 3.2 = 35.4
    assert t.trips_per_day == pytest.approx(25.8)
    assert t.trips_full_per_day == pytest.approx(35.4)
    assert t.threshold_per_day == 500.0 and not t.exceeds
    f.site["trips_threshold_per_day"] = 30.0
    t = trips(f, jobs_and_mix(f, DAY))
    assert t.threshold_per_day == 30.0 and t.exceeds


def _split() -> SimpleNamespace:
    return SimpleNamespace(
        site=pd.DataFrame(
            {
                "month": ["2026-01", "2026-02"],
                "electricity_kwh": [4000.0, 6000.0],
                "fuel_kwh": [12000.0, 8000.0],
                "co2_kg": [3000.0, 3000.0],
                "electricity_source": ["metered", "metered"],
                "fuel_source": ["modelled", "modelled"],
            }
        )
    )


def test_energy_per_year_per_m2_and_per_job_from_the_split_totals():
    split = _split()
    e = site_energy(small_register(), 8.0, split)
    assert e.total_kwh == 30000.0
    assert e.kwh_per_m2 == pytest.approx(30000 / 300)  # three spaces of 100 m²
    assert e.kwh_per_job == pytest.approx(30000 / 8)
    assert e.co2_kg_per_job == pytest.approx(6000 / 8)
    assert site_energy(small_register(), 0.0, split).kwh_per_job is None


def test_embodied_carbon_range_land_take_and_area_preserved():
    r = reuse(small_register())
    assert r.floor_area_m2 == 300.0
    # range of the table: 200 and 550 kg CO2e per m²
    assert (r.carbon_low_kg, r.carbon_high_kg) == (300 * 200.0, 300 * 550.0)
    # footprint: two 10 × 10 m squares side by side; the upper storey's square lies over one
    assert r.footprint_m2 == pytest.approx(200.0)


def test_the_report_reads_every_figure_and_says_what_it_assumed(monkeypatch):
    import site_manager.impact as impact

    monkeypatch.setattr(impact, "site_energy", lambda f, jobs: site_energy(f, jobs, _split()))
    rep = impact_report(small_register(), ImpactOptions(on=DAY))
    assert rep.energy.kwh_per_job == pytest.approx(30000 / 8)
    assert rep.jobs.jobs == 8.0 and rep.reuse.footprint_m2 == pytest.approx(200.0)
    assert {m.figure for m in rep.methods} >= {"Jobs", "Trips", "Noise", "Reuse"}
    assert any("map conversion" in n for n in rep.notes)
    assert any("no noise-sensitive neighbour" in n for n in rep.noise.notes)
    d = rep.to_dict()
    assert d["jobs"]["counted"] == 8.0 and d["trips"]["per_day"] == 25.8


def test_the_sites_limits_and_threshold_are_settings_checked_at_the_door(tmp_path):
    from site_manager import register
    from site_manager.errors import ValidationError

    engine = register.open_register(f"sqlite:///{tmp_path / 'r.sqlite'}")
    register.load_sample(engine, "engineering_works")
    register.set_site_settings(engine, noise_limit_day_dba="50", noise_limit_night_dba=40,
                               trips_threshold_per_day=120)  # fmt: skip
    f = register.frames(engine)
    assert (f.site["noise_limit_day_dba"], f.site["noise_limit_night_dba"]) == (50.0, 40.0)
    assert f.site["trips_threshold_per_day"] == 120.0
    assert f.site["map_conversion"]["eastings"] == pytest.approx(395033.72)
    with pytest.raises(ValidationError, match="night noise limit"):
        register.set_site_settings(engine, noise_limit_night_dba=200)
    assert register.frames(engine).site["noise_limit_night_dba"] == 40.0
