"""The Layout lab in a real browser (headless Chromium, Playwright) on the engineering works.

The issue's journey: open the lab, optimise, read the lets table (its CSV download), save the
optimum as a scenario, move a hazardous applicant into a vacant unit beside a hazardous
tenant and read the message naming the rule and the neighbour, save the greedy layout too,
compare the two (the comparison's CSV download), try to commit the optimum (refused: its
lets are bays of a hall, not units of the register), then plan for a day when no lease starts
later, on whole units, optimise, save and commit; the new leases show on the Tenants page,
in the landlord's rent roll and in the audit trail (the Zoning page's tab), each read
through its CSV download. Expected values come from the engine run in this process on
problems built from the same register, the breaking move from the problem's adjacency and
hazard classes, and the leases from the register read back.
"""

from __future__ import annotations

import contextlib
import csv
import io
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import streamlit_servers
from .test_browser import CHROMIUM, CHROMIUM_ARGS, FIRST_LOAD_MS, STEP_MS, healthy, wait_idle
from .test_page_layout import _breaking_move, next_month_first
from .test_page_layout_scenarios import _quiet_day

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent (apt-get install chromium)"
    ),
]


def _csv(page: Any, key: str) -> list[dict[str, str]]:
    """The rows of the table whose CSV download button has key ``key``."""
    with page.expect_download(timeout=STEP_MS) as download:
        page.locator(f".st-key-{key}").get_by_role("button").click()
    return list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))


@pytest.mark.slow  # the default run stays under ten minutes (make test PYTEST_ARGS='-m slow')
def test_optimise_move_save_compare_and_commit_then_the_leases_show_everywhere(
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    from site_manager import register
    from site_manager.layout import problem_from_register, solve

    url = f"sqlite:///{tmp_path / 'works.sqlite'}"
    engine = register.open_register(url)
    site = register.load_sample(engine, "engineering_works")
    plan_day = next_month_first()
    problem = problem_from_register(register.frames(engine, site), bay_area_m2=150.0,
                                    on_date=plan_day)  # fmt: skip
    expected = solve(problem, time_limit=30)
    greedy = solve(problem, use_greedy_only=True)
    who, unit, neighbour = _breaking_move(problem)
    bays = sorted(u for us in expected.assignment.values() for u in us
                  if u not in set(register.frames(engine, site).units["unit_id"]))  # fmt: skip
    assert bays, "the optimum on bays of 150 m² lets some bay"
    day = _quiet_day(url)  # no lease starts after it: every unit vacant then is free
    whole = problem_from_register(register.frames(engine, site), bay_area_m2=None, on_date=day)
    final = solve(whole, time_limit=30)
    assert final.status == "OPTIMAL" and final.assignment
    before = set(register.frames(engine, site).leases["lease_id"])

    shots = Path(tempfile.mkdtemp(prefix="layout-lab-"))
    started = time.monotonic()

    def flash(page: Any, text: str) -> None:
        alert = page.get_by_test_id("stAlert").filter(has_text=text)
        expect(alert.first).to_be_visible(timeout=STEP_MS)
        wait_idle(page)
        healthy(page)

    def save(page: Any, name: str) -> None:
        page.get_by_label("Scenario name", exact=True).fill(name)
        page.get_by_role("button", name="Save scenario", exact=True).click()
        flash(page, f"Scenario {name} saved")

    def choose(page: Any, label: str, option: str) -> None:
        select = page.get_by_label(label, exact=True)
        if select.input_value() != option:
            select.click()
            page.get_by_role("option", name=option, exact=True).click()
        expect(select).to_have_value(option)

    def go(page: Any, link: str, title: str) -> None:
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=STEP_MS)
        wait_idle(page)
        healthy(page)

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
            expect(page.locator(".js-plotly-plot")).to_have_count(1, timeout=STEP_MS)

            # the plan-for day is the first of next month
            spins = page.get_by_role("group", name="Plan for").get_by_role("spinbutton")
            assert [spins.nth(i).inner_text() for i in range(3)] == plan_day.isoformat().split("-")

            # the lets table, read through its CSV download
            rows = _csv(page, "lab_lets_csv")
            assert sorted(r["applicant_id"] for r in rows) == sorted(expected.assignment)
            for r in rows:
                assert r["units"] == "+".join(expected.assignment[r["applicant_id"]])
            save(page, "optimised")

            # move a hazardous applicant beside a hazardous tenant
            choose(page, "Applicant", who)
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

            # the greedy layout, saved too; the two compared
            page.get_by_role("button", name="Show the greedy layout", exact=True).click()
            wait_idle(page)
            save(page, "greedy")
            table = {r["name"]: r for r in _csv(page, "lab_scenarios_csv")}
            assert list(table) == ["optimised", "greedy"]
            assert float(table["optimised"]["objective_eur_per_month"]) == expected.objective
            assert float(table["greedy"]["objective_eur_per_month"]) == greedy.greedy_objective
            assert int(table["optimised"]["applicants_placed"]) == len(expected.assignment)
            page.locator(".st-key-lab_scenarios_csv").scroll_into_view_if_needed()
            shot(page, "04_compared")

            # committing the optimum planned for next month is refused in one line: some of
            # its units are let from a later day within the term
            choose(page, "Scenario", "optimised")
            page.get_by_role("button", name="Commit optimised…").click()
            wait_idle(page)
            confirm = page.locator(".st-key-lab_commit_confirm")
            confirm.get_by_role("button", name="Sign").click()
            refusal = page.locator(".st-key-lab_commit_error").get_by_test_id("stAlert")
            expect(refusal).to_be_visible(timeout=STEP_MS)
            text = refusal.inner_text()
            assert "already leased from" in text and "optimised" in text, text
            refusal.scroll_into_view_if_needed()
            shot(page, "05_refused")
            healthy(page)

            # plan for a quiet day on whole units, optimise, save and commit
            page.get_by_role("group", name="Plan for").get_by_role("spinbutton").first.click()
            page.keyboard.type(day.strftime("%Y%m%d"))
            page.keyboard.press("Escape")  # close the calendar
            wait_idle(page)
            page.get_by_test_id("stSidebar").get_by_text("Cut large halls into bays").click()
            wait_idle(page)
            page.get_by_role("button", name="Optimise", exact=True).click()
            expect(page.get_by_text("Layout: proven optimal")).to_be_visible(timeout=STEP_MS)
            wait_idle(page)
            save(page, "whole units")
            choose(page, "Scenario", "whole units")
            page.get_by_role("button", name="Commit whole units…").click()
            wait_idle(page)
            n = sum(len(u) for u in final.assignment.values())
            assert n > 1, "the journey signs several leases"
            confirm = page.locator(".st-key-lab_commit_confirm")
            expect(confirm.get_by_text(f"{day} →")).to_be_visible(timeout=STEP_MS)
            confirm.get_by_role("button", name=f"Sign {n} leases").click()
            flash(page, f"{n} leases signed")
            page.get_by_text(f"{n} leases signed").scroll_into_view_if_needed()
            shot(page, "06_committed")
            leases = register.frames(engine, site).leases
            new = leases[~leases["lease_id"].isin(before)]
            signed = {(r.unit_id, r.tenant_id) for r in new.itertuples()}
            assert signed == {(u, a) for a, us in final.assignment.items() for u in us}
            ids = set(new["lease_id"])

            # the Tenants page (through the link the lab shows), the rent roll, the audit trail
            page.get_by_role("link", name="Tenants and leases").last.click()
            expect(page.get_by_role("heading", name="Tenants and leases", exact=True)
                   ).to_be_visible(timeout=STEP_MS)  # fmt: skip
            wait_idle(page)
            healthy(page)
            shot(page, "07_tenants")
            rows = _csv(page, "tenants_leases_csv")
            assert ids <= {r["lease_id"] for r in rows}
            assert set(final.assignment) <= {r["tenant_id"] for r in
                                             _csv(page, "tenants_directory_csv")}  # fmt: skip
            go(page, "Landlord", "Landlord")
            as_of = page.get_by_role("group", name="As of").get_by_role("spinbutton")
            as_of.first.click()
            page.keyboard.type(day.strftime("%Y%m%d"))
            page.keyboard.press("Escape")  # close the calendar
            wait_idle(page)
            page.get_by_role("tab", name="Rent roll").click()
            wait_idle(page)
            shot(page, "08_rent_roll")
            roll = _csv(page, "landlord_roll_csv")
            assert ids <= {r["lease_id"] for r in roll}, roll[:2]
            go(page, "Zoning", "Zoning")
            page.get_by_role("tab", name="Audit trail").click()
            wait_idle(page)
            shot(page, "09_audit")
            audit = _csv(page, "zoning_audit_csv")
            assert ids <= {r["record"] for r in audit}
            assert any(r["verb"] == "commit_scenario" and r["record"] == "whole units"
                       for r in audit), audit[:3]  # fmt: skip
        except BaseException:
            print(f"\nlayout lab screenshots: {shots}", file=sys.stderr)
            with contextlib.suppress(Exception):
                shot(page, "failure")
            raise
        finally:
            browser.close()
            engine.dispose()
    print(f"layout lab screenshots: {shots}")
