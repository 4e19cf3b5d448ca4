"""The Layout lab in a real browser (headless Chromium, Playwright) on the engineering works.

Open the lab, optimise, read the lets table (its CSV download), move a hazardous applicant
into a vacant unit beside a hazardous tenant and read the message naming the rule and the
neighbour. The expected lets come from the engine run in this process on a problem built
from the same register; the breaking move from the problem's adjacency and hazard classes.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import sys
import tempfile
import time
from pathlib import Path

import pytest

from .conftest import streamlit_servers
from .test_browser import CHROMIUM, CHROMIUM_ARGS, FIRST_LOAD_MS, STEP_MS, healthy, wait_idle
from .test_page_layout import _breaking_move

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent (apt-get install chromium)"
    ),
]


def test_optimise_read_the_lets_and_move_an_applicant_into_a_unit_that_breaks_a_rule(
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    from site_manager import register
    from site_manager.layout import problem_from_register, solve

    url = f"sqlite:///{tmp_path / 'works.sqlite'}"
    engine = register.open_register(url)
    site = register.load_sample(engine, "engineering_works")
    problem = problem_from_register(register.frames(engine, site), bay_area_m2=150.0,
                                    on_date=dt.date.today())  # fmt: skip
    engine.dispose()
    expected = solve(problem, time_limit=30)
    who, unit, neighbour = _breaking_move(problem)

    shots = Path(tempfile.mkdtemp(prefix="layout-lab-"))
    started = time.monotonic()

    def shot(page: object, name: str) -> None:
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
        print(f"{time.monotonic() - started:6.1f} s  {name}", file=sys.stderr)

    with streamlit_servers([url], tmp_path) as (base,), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
        try:
            page.goto(f"{base}/layout?site={site}")
            expect(page.get_by_role("heading", name="Layout lab", exact=True)).to_be_visible(
                timeout=FIRST_LOAD_MS
            )
            wait_idle(page)
            shot(page, "01_lab")
            healthy(page)

            page.get_by_role("button", name="Optimise", exact=True).click()
            expect(page.get_by_text("Layout: proven optimal")).to_be_visible(timeout=STEP_MS)
            wait_idle(page)
            shot(page, "02_optimised")
            healthy(page)
            assert page.locator(".js-plotly-plot").count() == 1

            # the lets table, read through its CSV download
            with page.expect_download(timeout=STEP_MS) as download:
                page.locator(".st-key-lab_lets_csv").get_by_role("button").click()
            rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
            assert sorted(r["applicant_id"] for r in rows) == sorted(expected.assignment)
            for r in rows:
                assert r["units"] == "+".join(expected.assignment[r["applicant_id"]])

            # move a hazardous applicant beside a hazardous tenant
            select = page.get_by_label("Applicant", exact=True)
            if select.input_value() != who:  # the first applicant is chosen at first
                select.click()
                page.get_by_role("option", name=who, exact=True).click()
            expect(select).to_have_value(who)
            units = page.get_by_label("Units (one, or two adjacent)", exact=True)
            units.click()
            page.keyboard.type(unit)  # the list is long: filter it to the unit
            page.get_by_role("option", name=unit, exact=False).first.click()
            page.keyboard.press("Escape")
            page.get_by_role("button", name="Move here", exact=True).click()
            alert = page.get_by_test_id("stAlert").filter(has_text=f"beside {neighbour}")
            expect(alert).to_be_visible(timeout=STEP_MS)
            text = alert.inner_text()
            assert "hazard" in text and who in text and unit in text, text
            wait_idle(page)
            alert.scroll_into_view_if_needed()
            shot(page, "03_moved")
            healthy(page)
        except BaseException:
            print(f"\nlayout lab screenshots: {shots}", file=sys.stderr)
            with contextlib.suppress(Exception):
                shot(page, "failure")
            raise
        finally:
            browser.close()
    print(f"layout lab screenshots: {shots}")
