"""The Energy page under AppTest: each sample site, a site created from an IFC file, and the
statement files.

What the page should show is computed here by calling the library directly on the register's
frames (the CLI's path: ``split_energy`` runs the heating model itself, the page takes the
heat from its cached space loads), not read back from the page's code.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from site_manager.app import state

from .conftest import SAMPLE_SITES, Seeded, copy_sqlite
from .test_pages import metric, no_exception, page_app


def energy_app(url: str, site: str) -> AppTest:
    app = page_app("page_energy", url, **{state.SITE: site})
    app.run()
    no_exception(app)
    return app


#: Columns that tell the page's tables apart (AppTest does not expose a dataframe's key).
TABLES = {
    "energy_tenants": ({"months", "electricity from"}, set()),
    "energy_compare_sums": ({"scope", "difference_pct"}, {"month"}),
    "energy_retrofits": ({"scenario", "payback_years"}, set()),
}


def tables(app: AppTest, name: str) -> list[pd.DataFrame]:
    has, lacks = TABLES[name]
    return [d.value for d in app.dataframe
            if has <= set(d.value.columns) and not lacks & set(d.value.columns)]  # fmt: skip


def frame_of(app: AppTest, name: str) -> pd.DataFrame:
    """The data of the page's table ``name`` (:data:`TABLES`); exactly one is shown."""
    (found,) = tables(app, name)
    return found


def _frames(url: str, site: str) -> Any:
    from site_manager import register

    engine = register.open_register(url)
    try:
        return register.frames(engine, site)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def samples(
    tmp_path_factory: pytest.TempPathFactory, sample_register: tuple[Path, dict[str, str]]
) -> tuple[str, dict[str, str]]:
    folder = tmp_path_factory.mktemp("energy-page")
    return copy_sqlite(sample_register[0], folder / "register.sqlite"), sample_register[1]


@pytest.mark.parametrize("sample", SAMPLE_SITES)
def test_each_sample_site_shows_the_librarys_loads_boards_split_and_pv(
    samples: tuple[str, dict[str, str]], sample: str
) -> None:
    from site_manager.energy.loads import board_loads_for_site
    from site_manager.energy.pv import pv_site
    from site_manager.energy.site import space_loads
    from site_manager.energy.tenants import VACANT, default_months, split_energy

    url, ids = samples
    site = ids[sample]
    frames = _frames(url, site)
    app = energy_app(url, site)

    loads = space_loads(frames)
    assert metric(app, "Heating [MWh/a]") == f"{loads['heating_kwh'].sum() / 1000:,.1f}"
    assert metric(app, "Cooling [MWh/a]") == f"{loads['cooling_kwh'].sum() / 1000:,.1f}"
    boards = board_loads_for_site(frames)
    over = int((boards["status"] == "over capacity").sum())
    assert metric(app, "Boards over capacity") == f"{over} of {len(boards)}"
    assert metric(app, "Roof PV [kWp]") == f"{pv_site(frames).summary['kwp']:,.1f}"

    # the per-tenant table: the split of the default months, summed over them by hand
    split = split_energy(frames, default_months(frames))  # runs its own heating model
    table = frame_of(app, "energy_tenants")
    body = table[table["tenant_id"] != "site total"].set_index("tenant_id")
    by_hand = split.tenants.groupby("tenant_id")[["electricity_kwh", "fuel_kwh", "cost_eur",
                                                  "co2_kg"]].sum()  # fmt: skip
    assert sorted(body.index) == sorted(by_hand.index)
    for col in by_hand.columns:
        for t in by_hand.index:
            assert body.loc[t, col] == pytest.approx(by_hand.loc[t, col], abs=1e-6), (t, col)
    total = table[table["tenant_id"] == "site total"].iloc[0]
    # the site total is the site's figure, and the tenants' rows add up to it to the cent
    assert total["cost_eur"] == pytest.approx(split.site["cost_eur"].sum(), abs=1e-6)
    assert round(body["cost_eur"].sum(), 2) == round(total["cost_eur"], 2)
    assert metric(app, "Energy cost in the period [€]") == f"{split.site['cost_eur'].sum():,.0f}"
    assert any(t != VACANT for t in body.index), "the samples have tenants"
    # measured vs modelled: the samples have meters, so a chart and a table
    sums = frame_of(app, "energy_compare_sums")
    assert set(sums["scope"]) == {"tenant", "site"}
    specs = [c for c in app.get("plotly_chart")]
    assert len(specs) >= 6  # plan, monthly, boards, tenants, compare, PV


def test_a_month_period_shows_that_months_split(samples: tuple[str, dict[str, str]]) -> None:
    from site_manager.energy.tenants import split_energy

    url, ids = samples
    site = ids["textile_mill"]
    app = energy_app(url, site)
    app.selectbox(key="energy_period").set_value("2026-03").run()
    no_exception(app)
    split = split_energy(_frames(url, site), ["2026-03"])
    table = frame_of(app, "energy_tenants").set_index("tenant_id")
    expected = split.tenants.set_index("tenant_id")
    for t in expected.index:
        assert table.loc[t, "cost_eur"] == pytest.approx(expected.loc[t, "cost_eur"], abs=1e-9)
        assert table.loc[t, "months"] == 1
    assert table.loc["site total", "cost_eur"] == pytest.approx(
        float(split.site["cost_eur"].iloc[0]), abs=1e-9
    )


def test_the_statement_files_total_is_the_tenants_row(samples: tuple[str, dict[str, str]]) -> None:
    from openpyxl import load_workbook

    from site_manager.app.page_energy import statement_file
    from site_manager.energy.tenants import VACANT, split_energy

    url, ids = samples
    frames = _frames(url, ids["brewery_complex"])
    split = split_energy(frames, ["2026-02"])
    row = split.tenants[split.tenants["tenant_id"] != VACANT].iloc[0]
    tenant = str(row["tenant_id"])
    rows = list(csv.DictReader(io.StringIO(
        statement_file(frames, split, tenant, "2026-02", ".csv").decode("utf-8"))))  # fmt: skip
    assert rows[-1]["item"] == "total"
    assert float(rows[-1]["cost_eur"]) == pytest.approx(float(row["cost_eur"]), abs=1e-9)
    assert round(sum(float(r["cost_eur"]) for r in rows[:-1]), 2) == round(row["cost_eur"], 2)
    book = load_workbook(io.BytesIO(statement_file(frames, split, tenant, "2026-02", ".xlsx")))
    about = {r[0]: r[1] for r in book["about"].iter_rows(min_row=2, values_only=True)}
    assert about["tenant"] == tenant and about["month"] == "2026-02"
    last = list(book["statement"].iter_rows(values_only=True))[-1]
    assert last[0] == "total" and last[3] == pytest.approx(float(row["cost_eur"]), abs=1e-9)


def test_retrofits_run_on_a_click_and_equal_the_library(
    samples: tuple[str, dict[str, str]],
) -> None:
    from site_manager.energy.retrofit import retrofit_options

    url, ids = samples
    site = ids["engineering_works"]
    app = energy_app(url, site)
    assert not tables(app, "energy_retrofits")
    app.multiselect(key="energy_measures").set_value(["roof", "heat_pump"]).run()
    app.button(key="energy_retrofit_compute").click().run()
    no_exception(app)
    shown = frame_of(app, "energy_retrofits").set_index("scenario")
    expected = retrofit_options(_frames(url, site), ["roof", "heat_pump"]).set_index("scenario")
    assert list(shown.index) == ["baseline", "roof", "heat_pump", "combined"]
    for col in ("cost_eur", "saving_eur", "payback_years"):
        for s in expected.index:
            a, b = shown.loc[s, col], expected.loc[s, col]
            assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-12), (s, col)


def _assumption_topics(app: AppTest) -> str:
    return " ".join(t.value for t in app.text)


def test_a_site_created_from_the_mill_model_says_what_it_lacks(seeded: Seeded) -> None:
    """Created from models/textile_mill.ifc: a lease but no meters, tariffs or climate."""
    from site_manager.energy.site import space_loads

    app = energy_app(seeded.url, seeded.site)
    frames = _frames(seeded.url, seeded.site)
    heat = float(space_loads(frames)["heating_kwh"].sum())
    assert metric(app, "Heating [MWh/a]") == f"{heat / 1000:,.1f}"
    assert metric(app, "Energy cost in the period [€]") == "–"  # no tariff: unknown, not 0
    texts = _assumption_topics(app)
    assert "no climate stored" in texts and "tariff is stored" in texts
    infos = " ".join(i.value for i in app.info)
    assert "No meter readings in this period" in infos
    table = frame_of(app, "energy_tenants")
    assert "T1" in set(table["tenant_id"])  # the lease of the seeded site


def test_a_site_created_from_a_real_ifc_file_shows_messages_not_empty_charts(
    shared_ifc_dir: Path, tmp_path: Path
) -> None:
    from site_manager import register

    model = shared_ifc_dir / "AC20-FZK-Haus.ifc"
    if not model.is_file():
        pytest.skip(f"{model} not found")
    url = f"sqlite:///{tmp_path / 'haus.sqlite'}"
    engine = register.open_register(url)
    register.create_site(engine, model, site_id="haus", name="FZK-Haus")
    engine.dispose()
    app = energy_app(url, "haus")
    infos = " ".join(i.value for i in app.info)
    assert "no distribution boards" in infos
    assert "no leases" in infos and "No tenant has a lease" in infos
    assert "No meter readings" in infos
    assert metric(app, "Boards over capacity") == "0 of 0"
    assert "no meter readings" in app.selectbox(key="energy_period").options[0]
    from site_manager.energy.pv import pv_site

    pv = pv_site(_frames(url, "haus"))
    assert len(pv.faces) and metric(app, "Roof PV [kWp]") == f"{pv.summary['kwp']:,.1f}"
    # retrofits without tariffs: the library's refusal, shown as a warning
    app.button(key="energy_retrofit_compute").click().run()
    no_exception(app)
    assert any("tariff" in w.value for w in app.warning)


def test_a_site_with_no_space_to_simulate_says_so_and_still_splits(seeded: Seeded) -> None:
    from site_manager import register

    engine = register.open_register(seeded.url)
    gids = register.frames(engine, seeded.site).spaces["global_id"]
    register.set_zoning(engine, dict.fromkeys(gids, "outdoor"), site=seeded.site)
    engine.dispose()
    app = energy_app(seeded.url, seeded.site)
    infos = " ".join(i.value for i in app.info)
    assert "No heating or cooling to show" in infos and "no indoor space" in infos
    assert not [m for m in app.metric if m.label == "Heating [MWh/a]"]
    assert "T1" in set(frame_of(app, "energy_tenants")["tenant_id"])  # electricity still splits
