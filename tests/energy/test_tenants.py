"""Per-tenant energy, cost and CO₂: a case worked by hand, the rounding rule, the samples."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

from site_manager.energy.rounding import largest_remainder
from site_manager.energy.tenant_reports import (
    measured_vs_modelled,
    tenant_statement,
    write_statement,
)
from site_manager.energy.tenants import VACANT, months_between, split_energy
from site_manager.errors import NotFoundError, ValidationError

FACTORS = Path(__file__).parents[2] / "site_manager/energy/data/emission_factors.csv"
WEEKS_JAN = 31 / 7


class Frames(SimpleNamespace):
    def units_on(self, day: dt.date) -> pd.DataFrame:
        return self.units


def two_tenants(*, key: str | None = "area", gas_kwh: float | None = None,
                b_end: str = "2027-12-31") -> Frames:  # fmt: skip
    """Tenant A (artisan, 100 m², metered 500 kWh) and B (freelancer, 50 m², a 1 kW
    machine, no meter); a 30 m² shared workshop with a 5 kW shared saw; January heat
    need 1000, 400 and 300 kWh; boiler 0.8; Belgium; 0.30 EUR/kWh electricity, 0.10 gas."""
    meters = [{"meter_id": "E-U1", "tenant_id": "A", "carrier": "electricity",
               "month": "2026-01", "reading_kwh": 500.0, "reading_m3": None}]  # fmt: skip
    if gas_kwh is not None:
        meters.append({"meter_id": "G", "tenant_id": None, "carrier": "gas",
                       "month": "2026-01", "reading_kwh": gas_kwh, "reading_m3": None})  # fmt: skip
    return Frames(
        site={"site_id": "hand", "country": "BE", "boiler_efficiency": 0.8, "cost_key": key},
        spaces=pd.DataFrame({"global_id": ["S1", "S2", "W"], "area_m2": [100.0, 50.0, 30.0]}),
        units=pd.DataFrame({"unit_id": ["U1", "U2"], "area_m2": [100.0, 50.0]}),
        unit_spaces=pd.DataFrame({"unit_id": ["U1", "U2"], "space_global_id": ["S1", "S2"]}),
        tenants=pd.DataFrame({"tenant_id": ["A", "B"], "name": ["Ann", "Bob"],
                              "kind": ["artisan", "freelancer"], "headcount": [1, 3]}),
        leases=pd.DataFrame({"unit_id": ["U1", "U2"], "tenant_id": ["A", "B"],
                             "start": [dt.date(2025, 1, 1), dt.date(2025, 1, 1)],
                             "end": [dt.date(2027, 12, 31), dt.date.fromisoformat(b_end)]}),
        equipment=pd.DataFrame({"owner_tenant_id": ["B", None], "shared": [False, True],
                                "power_kw": [1.0, 5.0]}),
        meters=pd.DataFrame(meters),
        tariffs={"electricity": 0.30, "gas": 0.10},
    )  # fmt: skip


HEAT = pd.DataFrame([[1000.0] * 12, [400.0] * 12, [300.0] * 12], index=["S1", "S2", "W"],
                    columns=list(range(1, 13)))  # fmt: skip


def rows(split: Any) -> dict[str, dict[str, Any]]:
    return {r["tenant_id"]: r for r in split.tenants.to_dict("records")}


def test_the_hand_case_splits_to_the_cent_and_the_gram() -> None:
    split = split_energy(two_tenants(), ["2026-01"], heat=HEAT)
    got = rows(split)
    assert set(got) == {"A", "B"}  # every unit let: no landlord row
    # by hand: B's machine 1 kW × 0.10 + 50 m² × 8 W/m², 40 h a week (freelancer)
    b_own = (1.0 * 0.10 + 50 * 0.008) * 40 * WEEKS_JAN  # 88.571 kWh
    # common: the saw 5 kW × 0.25 + 30 m² × 8 W/m², 45 h a week; area key A 2/3, B 1/3
    common = (5.0 * 0.25 + 30 * 0.008) * 45 * WEEKS_JAN  # 296.936 kWh
    a_el, b_el = 500 + common * 2 / 3, b_own + common / 3
    assert got["A"]["electricity_kwh"] == pytest.approx(a_el, abs=0.0011)
    assert got["B"]["electricity_kwh"] == pytest.approx(b_el, abs=0.0011)
    assert (got["A"]["electricity_source"], got["B"]["electricity_source"]) == (
        "metered", "modelled")  # fmt: skip
    assert (got["A"]["heat_kwh"], got["B"]["heat_kwh"]) == (1200.0, 500.0)  # 1000+200, 400+100
    assert (got["A"]["fuel_kwh"], got["B"]["fuel_kwh"]) == (1500.0, 625.0)  # / 0.8
    # cost: A 359.387143, B 118.765 -> 47,815 cents; the spare cent goes to A (.714 > .5)
    assert (got["A"]["cost_eur"], got["B"]["cost_eur"]) == (359.39, 118.76)
    # CO2: A 437.007771, B 162.2596 kg -> 599,267 g; the spare gram to A (.771 > .6)
    assert (got["A"]["co2_kg"], got["B"]["co2_kg"]) == (437.008, 162.259)
    site = split.site.iloc[0]
    assert site["cost_eur"] == pytest.approx(478.15)
    assert site["fuel_source"] == "modelled" and site["electricity_source"] == "modelled"


def test_a_gas_meter_sets_the_fuel_and_the_model_only_shares_it() -> None:
    split = split_energy(two_tenants(gas_kwh=2550.0), ["2026-01"], heat=HEAT)
    got = rows(split)
    # modelled fuel 2125 kWh; metered 2550 = × 1.2
    assert (got["A"]["fuel_kwh"], got["B"]["fuel_kwh"]) == (1800.0, 750.0)
    assert (got["A"]["heat_kwh"], got["B"]["heat_kwh"]) == (1440.0, 600.0)
    assert split.site.iloc[0]["fuel_source"] == "metered"
    compare = measured_vs_modelled(split, "hand")
    site_gas = compare[(compare["scope"] == "site") & (compare["carrier"] == "gas")].iloc[0]
    assert (site_gas["measured_kwh"], site_gas["modelled_kwh"]) == (2550.0, 2125.0)
    assert site_gas["difference_pct"] == pytest.approx(20.0)
    a = compare[(compare["scope"] == "tenant") & (compare["id"] == "A")].iloc[0]
    a_model = (100 * 0.008) * 45 * WEEKS_JAN  # artisan without machines: area only
    assert (a["measured_kwh"], a["modelled_kwh"]) == (500.0, pytest.approx(a_model))
    assert list(compare["id"][compare["scope"] == "tenant"]) == ["A"]  # B has no meter


def test_the_headcount_key_gives_b_three_quarters_of_the_common_parts() -> None:
    got = rows(split_energy(two_tenants(key="headcount"), ["2026-01"], heat=HEAT))
    assert got["A"]["heat_kwh"] == 1000 + 300 / 4
    assert got["B"]["heat_kwh"] == 400 + 300 * 3 / 4


def test_a_lease_ending_mid_month_leaves_the_rest_to_the_landlord() -> None:
    got = rows(split_energy(two_tenants(b_end="2026-01-10"), ["2026-01"], heat=HEAT))
    # B holds U2 10 of 31 days: heat 400 × 10/31; vacant 400 × 21/31; area key by days let
    let_b, vacant = 50 * 10 / 31, 50 * 21 / 31
    assert got["B"]["heat_kwh"] == pytest.approx(400 * 10 / 31 + 300 * let_b / 150, abs=1e-3)
    assert got[VACANT]["heat_kwh"] == pytest.approx(400 * 21 / 31 + 300 * vacant / 150,
                                                    abs=1e-3)  # fmt: skip
    assert got[VACANT]["electricity_source"] == "modelled"


def test_the_statement_lines_add_up_to_the_tenant_row(tmp_path: Path) -> None:
    split = split_energy(two_tenants(), ["2026-01"], heat=HEAT)
    st = tenant_statement(split, "B", "2026-01")
    total = st.iloc[-1]
    assert total["item"] == "total" and total["cost_eur"] == 118.76
    assert round(st["cost_eur"].iloc[:-1].sum() * 100) == 11876
    assert round(st["co2_kg"].iloc[:-1].sum() * 1000) == 162259
    heat_line = st[st["item"].str.startswith("heating, own")].iloc[0]
    assert heat_line["quantity_kwh"] == 500.0  # 400 kWh of heat / 0.8
    for name in ("b.csv", "b.xlsx"):
        write_statement(st, tmp_path / name, header={"tenant": "B"})
    assert pd.read_csv(tmp_path / "b.csv")["cost_eur"].iloc[-1] == 118.76
    assert pd.read_excel(tmp_path / "b.xlsx", sheet_name="statement")["cost_eur"].iloc[-1] == (
        118.76)  # fmt: skip
    with pytest.raises(NotFoundError, match="no energy in 2026-02"):
        tenant_statement(split, "B", "2026-02")


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (100, [1, 1, 1], [34, 33, 33]),  # ties: the first listed
        (10, [0.5, 0.5], [5, 5]),
        (7, [0, 0, 0], [3, 2, 2]),  # no weight: equal
        (-5, [1, 1], [-3, -2]),
        (47815, [35938.7143, 11876.5], [35939, 11876]),
        (0, [3, 4], [0, 0]),
    ],
)
def test_largest_remainder_shares_whole_units_exactly(
    total: int, weights: list[float], expected: list[int]
) -> None:
    got = largest_remainder(total, weights)
    assert got == expected and sum(got) == total


def test_months_are_checked() -> None:
    assert months_between(year=2026)[::11] == ["2026-01", "2026-12"]
    for bad in ({"month": "2026-13"}, {"month": "26-01"}, {}, {"year": "x"}):
        with pytest.raises(ValidationError):
            months_between(**bad)


def _factors() -> dict[tuple[str, str], float]:
    with FACTORS.open(encoding="utf-8", newline="") as fh:
        return {(r["carrier"], r["country"]): float(r["kg_co2_per_kwh"])
                for r in csv.DictReader(fh)}  # fmt: skip


def test_every_factor_has_a_year_and_a_source() -> None:
    with FACTORS.open(encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert table and all(r["source"].strip() and 1990 <= int(r["year"]) <= 2030 for r in table)


@pytest.mark.parametrize("name", ["textile_mill", "engineering_works", "brewery_complex"])
def test_every_sample_site_splits_to_its_metered_totals(samples: Any, name: str) -> None:
    frames = samples.frames(name)
    split = split_energy(frames)
    t = split.tenants
    factors = _factors()
    carrier = split.settings.heating_carrier
    eff = 1.0 if carrier == "heat" else split.settings.boiler_efficiency
    meters = frames.meters
    for month, group in t.groupby("month"):
        read = meters[meters["month"] == month]
        fuel = float(read[(read["carrier"] == carrier) & read["tenant_id"].isna()]
                     ["reading_kwh"].sum())  # fmt: skip
        assert fuel > 0, (name, month)
        # fuel and heat: the site meter, to the Wh
        assert round(group["fuel_kwh"].sum() * 1000) == round(fuel * 1000)
        assert round(group["heat_kwh"].sum() * 1000) == round(fuel * eff * 1000)
        # electricity: every reading, plus the model for tenants without a reading
        modelled = group[(group["electricity_source"] == "modelled")
                         & (group["tenant_id"] != VACANT)]  # fmt: skip
        parts = split.parts[split.parts["month"] == month].set_index("tenant_id")
        elec = float(read[read["carrier"] == "electricity"]["reading_kwh"].sum()) + float(
            parts.loc[list(modelled["tenant_id"]), "own_electricity_kwh"].sum()
        )
        assert round(group["electricity_kwh"].sum() * 1000) == round(elec * 1000)
        # cost and CO2 from those totals, by the site's tariffs and the factor table
        # (all read: whole kWh, so the cost in exact decimals, halves up as money is)
        cost = (Decimal(repr(elec)) * Decimal(str(frames.tariffs["electricity"]))
                + Decimal(repr(fuel)) * Decimal(str(frames.tariffs[carrier])))  # fmt: skip
        cents = int(cost.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)
        assert round(group["cost_eur"].sum() * 100) == cents, (name, month)
        country = frames.site["country"]
        co2 = elec * factors[("electricity", country)] + fuel * factors[(carrier, "*")]
        assert round(group["co2_kg"].sum() * 1000) == round(co2 * 1000)
