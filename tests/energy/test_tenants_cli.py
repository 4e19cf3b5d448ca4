"""``energy tenants``, ``energy statement`` and ``site set --boiler-efficiency --cost-key``."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from site_manager.cli import main

COLUMNS = ["tenant_id", "month", "electricity_kwh", "heat_kwh", "fuel_kwh", "cost_eur",
           "co2_kg", "electricity_source", "heat_source"]  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_tenants_prints_one_row_per_tenant_and_month_that_add_up_to_the_meters(
    samples_copy: tuple[str, Any], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url, _ = samples_copy
    code, out, err = run(capsys, "energy", "tenants", "--month", "2026-01", "--format", "csv",
                         "--site", "textile_mill", "--db", url)  # fmt: skip
    assert code == 0
    table = pd.read_csv(StringIO(out))
    assert list(table.columns) == COLUMNS
    assert set(table["month"]) == {"2026-01"} and table["tenant_id"].is_unique
    assert "note: the boiler's efficiency is unknown" in err
    # the January gas reading of the mill, read from its meters file
    meters = pd.read_csv(Path(__file__).parents[2] / "sample_sites/textile_mill/meters.csv")
    gas = meters[(meters["meter_id"] == "G-SITE") & (meters["month"] == "2026-01")]
    assert round(table["fuel_kwh"].sum(), 3) == float(gas["reading_kwh"].iloc[0])
    heat_at_09 = table["heat_kwh"].sum()
    # a better boiler: the same fuel gives more heat; the note goes
    code, out, err = run(capsys, "site", "set", "--boiler-efficiency", "0.95", "--cost-key",
                         "equal", "--site", "textile_mill", "--db", url)  # fmt: skip
    assert code == 0, err
    code, out, err = run(capsys, "energy", "tenants", "--month", "2026-01", "--format", "json",
                         "--site", "textile_mill", "--db", url)  # fmt: skip
    again = pd.DataFrame(json.loads(out))
    assert "boiler's efficiency" not in err and "cost key" not in err
    assert again["heat_kwh"].sum() == pytest.approx(heat_at_09 / 0.9 * 0.95, abs=0.01)
    # measured against modelled: one row per metered tenant and two for the site
    code, out, _ = run(capsys, "energy", "tenants", "--month", "2026-01", "--compare",
                       "--format", "csv", "--site", "textile_mill", "--db", url)  # fmt: skip
    compare = pd.read_csv(StringIO(out))
    metered = set(meters.loc[(meters["month"] == "2026-01") & meters["tenant_id"].notna()
                             & (meters["carrier"] == "electricity"), "tenant_id"])  # fmt: skip
    assert set(compare.loc[compare["scope"] == "tenant", "id"]) == metered
    site = compare[compare["scope"] == "site"].set_index("carrier")
    assert site.loc["gas", "measured_kwh"] == float(gas["reading_kwh"].iloc[0])
    diff = compare["measured_kwh"] - compare["modelled_kwh"]
    assert (compare["difference_kwh"] - diff).abs().max() < 1e-9
    # a statement, in Excel, whose total is the tenant's row
    tenant = str(again.sort_values("cost_eur").iloc[-1]["tenant_id"])
    target = tmp_path / "st.xlsx"
    code, out, err = run(capsys, "energy", "statement", "--tenant", tenant, "--month", "2026-01",
                         "-o", str(target), "--site", "textile_mill", "--db", url)  # fmt: skip
    assert code == 0, err
    sheet = pd.read_excel(target, sheet_name="statement")
    row = again[again["tenant_id"] == tenant].iloc[0]
    assert sheet["cost_eur"].iloc[-1] == row["cost_eur"]
    assert round(sheet["cost_eur"].iloc[:-1].sum(), 2) == row["cost_eur"]
    about = pd.read_excel(target, sheet_name="about").set_index("field")["value"]
    assert about["cost key"] == "equal" and about["tenant"] == tenant


def test_bad_settings_and_periods_are_refused_in_one_line(
    samples_copy: tuple[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = samples_copy
    for argv in (["site", "set", "--boiler-efficiency", "0.1"],
                 ["energy", "tenants", "--month", "2026-13"],
                 ["energy", "statement", "--tenant", "NOPE", "--month", "2026-01", "-o",
                  "x.csv"]):  # fmt: skip
        code, _, err = run(capsys, *argv, "--site", "textile_mill", "--db", url)
        assert code == 2 and err.startswith("error: ") and err.count("\n") == 1, err
