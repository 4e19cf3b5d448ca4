"""Landlord figures and the zoning balance on tiny frames worked out by hand."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd
import pytest

from site_manager import tenancy, zoning
from site_manager.errors import ValidationError

D = dt.date


@pytest.fixture
def frames() -> SimpleNamespace:
    units = pd.DataFrame({
        "unit_id": ["A", "B", "C", "D"], "name": ["", "", "", ""],
        "storey": ["G", "G", "1", None], "use": ["private_production"] * 3 + ["storage"],
        "area_m2": [100.0, 50.0, 30.0, 20.0],
    })  # fmt: skip
    leases = pd.DataFrame({
        "lease_id": ["L1", "L2", "L3", "L4"], "unit_id": ["A", "A", "B", "C"],
        "tenant_id": ["T1", "T2", "T1", "T3"],
        "start": [D(2026, 1, 1), D(2026, 7, 1), D(2025, 1, 1), D(2026, 9, 1)],
        "end": [D(2026, 6, 30), D(2027, 6, 30), D(2026, 6, 30), D(2026, 12, 31)],
        "rent_eur_per_month": [1000.0, 1200.0, 400.0, 300.0],
        "common_cost_share": [0.1, 0.1, 0.05, 0.02],
    })  # fmt: skip
    tenants = pd.DataFrame({"tenant_id": ["T1", "T2", "T3"], "name": ["Ann", "Bob", "Cy"]})
    return SimpleNamespace(units=units, leases=leases, tenants=tenants)


def test_occupancy_on_the_last_day_of_a_lease_counts_the_unit_as_let(frames) -> None:
    occ = tenancy.occupancy(frames, on=D(2026, 6, 30)).iloc[0]
    # A (L1) and B (L3) let: 2 of 4 units, 150 of 200 m²
    assert (occ["units"], occ["units_let"]) == (4, 2)
    assert occ["occupancy_by_area"] == pytest.approx(150 / 200)
    by = tenancy.occupancy(frames, on=D(2026, 7, 1), by="storey").set_index("storey")
    # on 1 July only A (L2) is let; D has no storey
    assert by.loc["G", "units_let"] == 1 and by.loc["G", "area_let_m2"] == 100.0
    assert by.loc["(none)", "units"] == 1 and by.loc["1", "occupancy_by_units"] == 0.0


def test_the_rent_roll_sums_running_leases_by_use(frames) -> None:
    roll = tenancy.rent_roll(frames, on=D(2026, 10, 1))
    assert list(roll["lease_id"]) == ["L2", "L4"]
    assert roll["rent_eur_per_m2_year"].tolist() == pytest.approx([1200 * 12 / 100, 300 * 12 / 30])
    by_use = tenancy.rent_roll(frames, on=D(2026, 10, 1), by="use").set_index("use")
    assert by_use.loc["private_production", "rent_eur_per_month"] == 1500.0
    assert by_use.loc["private_production", "rent_eur_per_year"] == 18000.0


def test_vacancies_say_since_when_and_until_when(frames) -> None:
    vac = tenancy.vacancies(frames, on=D(2026, 8, 1)).set_index("unit_id")
    assert sorted(vac.index) == ["B", "C", "D"]
    assert vac.loc["B", "vacant_since"] == D(2026, 7, 1)
    assert vac.loc["C", "next_lease_start"] == D(2026, 9, 1)
    assert vac.loc["D", "vacant_since"] is None


def test_expiries_cover_twelve_calendar_months_from_the_day(frames) -> None:
    exp = tenancy.lease_expiries(frames, on=D(2026, 6, 30))
    # window [2026-06-30, 2027-06-30): L1, L3 end on the 30th June 2026, L4 at year end;
    # L2 ends on 2027-06-30, the first day after the window
    assert list(exp["lease_id"]) == ["L1", "L3", "L4"]
    assert list(exp["days_to_expiry"]) == [0, 0, 184]
    assert tenancy.add_months(D(2028, 2, 29), 12) == D(2029, 2, 28)
    assert tenancy.add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)


def test_a_wrong_grouping_names_the_valid_ones(frames) -> None:
    with pytest.raises(ValidationError, match="storey, use"):
        tenancy.occupancy(frames, by="floor")


def test_the_shared_private_balance_is_computed_over_zoned_areas() -> None:
    spaces = pd.DataFrame({
        "use": ["shared_production", "shared_service", "private_production", "circulation", None],
        "area_m2": [120.0, 30.0, 450.0, 80.0, 25.0],
    })  # fmt: skip
    bal = zoning.shared_private_balance(spaces)
    assert bal["shared_m2"] == 150.0 and bal["private_m2"] == 450.0
    assert bal["shared_share"] == pytest.approx(0.25)
    assert (bal["zoned_m2"], bal["unzoned_m2"]) == (680.0, 25.0)
    with pytest.raises(ValidationError, match="private_production, shared_production"):
        zoning.Use.parse("office")
