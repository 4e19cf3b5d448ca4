"""The Energy page in a real browser (headless Chromium, Playwright) on each sample site.

Open the page at its own URL, look at every tab with no exception box, and download the
tenant statement shown first (the first tenant, its latest month); its total must be the
tenant's row of the split that this test computes by calling the library on the register.
"""

from __future__ import annotations

import contextlib
import csv
import io
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import SAMPLE_SITES, copy_sqlite, streamlit_servers
from .test_browser import CHROMIUM, CHROMIUM_ARGS, FIRST_LOAD_MS, STEP_MS, healthy, wait_idle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent (apt-get install chromium)"
    ),
]

TABS = ["Heating and cooling", "Board loads", "Tenants", "Measured vs modelled", "Roof PV",
        "Retrofits"]  # fmt: skip


@pytest.fixture(scope="module")
def energy_server(
    tmp_path_factory: pytest.TempPathFactory, sample_register: tuple[Path, dict[str, str]]
) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("energy-browser")
    url = copy_sqlite(sample_register[0], folder / "register.sqlite")
    with streamlit_servers([url], folder) as (base,):
        yield base, url


def expected_statement(db_url: str, site: str) -> tuple[str, str, float, float]:
    """(tenant, month, cost EUR, CO₂ kg) of the statement the page offers first."""
    from site_manager import register
    from site_manager.energy.tenants import VACANT, default_months, split_energy

    engine = register.open_register(db_url)
    frames = register.frames(engine, site)
    engine.dispose()
    split = split_energy(frames, default_months(frames))
    rows = split.tenants[split.tenants["tenant_id"] != VACANT]
    tenant = sorted(set(rows["tenant_id"]))[0]
    mine = rows[rows["tenant_id"] == tenant]
    row = mine[mine["month"] == max(mine["month"])].iloc[0]
    return tenant, str(row["month"]), float(row["cost_eur"]), float(row["co2_kg"])


@pytest.mark.parametrize(
    # in the slow run: the default run stays under ten minutes (each sample's page figures
    # are also checked by AppTest, and the municipality's walk opens a page in a browser)
    "sample",
    [pytest.param(s, marks=pytest.mark.slow) for s in SAMPLE_SITES],
)
def test_the_energy_page_opens_on_each_sample_and_downloads_a_tenant_statement(
    energy_server: tuple[str, str], sample_register: tuple[Path, dict[str, str]], sample: str
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, db_url = energy_server
    site = sample_register[1][sample]
    tenant, month, cost, co2 = expected_statement(db_url, site)
    shots = Path(tempfile.mkdtemp(prefix=f"energy-{sample}-"))
    started = time.monotonic()

    def shot(page: object, name: str) -> None:
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
        print(f"{time.monotonic() - started:6.1f} s  {name}", file=sys.stderr)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 3000}, accept_downloads=True)
        try:
            page.goto(f"{base}/energy?site={site}")
            expect(page.get_by_role("heading", name="Energy", exact=True)).to_be_visible(
                timeout=FIRST_LOAD_MS
            )
            expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=STEP_MS)
            wait_idle(page)
            healthy(page)
            shot(page, "00_heating")
            for i, tab in enumerate(TABS[1:], start=1):
                page.get_by_role("tab", name=tab, exact=True).click()
                page.wait_for_timeout(400)
                healthy(page)
                shot(page, f"{i:02d}_{tab.split()[0].lower()}")

            page.get_by_role("tab", name="Tenants", exact=True).click()
            button = page.locator(".st-key-energy_statement_csv").get_by_role("button")
            button.scroll_into_view_if_needed()
            with page.expect_download(timeout=STEP_MS) as download:
                button.click()
            name = download.value.suggested_filename
            assert name == f"statement_{site}_{tenant}_{month}.csv", name
            rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
            assert rows[-1]["item"] == "total"
            assert float(rows[-1]["cost_eur"]) == pytest.approx(cost, abs=1e-9)
            assert float(rows[-1]["co2_kg"]) == pytest.approx(co2, abs=1e-9)
            assert round(sum(float(r["cost_eur"]) for r in rows[:-1]), 2) == round(cost, 2)
            healthy(page)
            shot(page, "10_statement")

            page.get_by_role("tab", name="Retrofits", exact=True).click()
            page.get_by_role("button", name="Compute", exact=True).click()
            expect(page.get_by_text("Money saved per year [€/a]")).to_be_visible(timeout=STEP_MS)
            wait_idle(page)
            healthy(page)
            shot(page, "11_retrofits")
        except BaseException:
            print(f"\nenergy page screenshots: {shots}", file=sys.stderr)
            with contextlib.suppress(Exception):
                shot(page, "failure")
            raise
        finally:
            browser.close()
    print(f"energy page screenshots ({sample}): {shots}")
