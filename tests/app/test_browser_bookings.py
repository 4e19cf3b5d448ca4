"""The Bookings page in a real browser (Playwright + Debian's headless Chromium): on the
textile mill sample, a trained member books the CNC router and sees the bar on the week's
timeline; an untrained member is refused at the tenant field, the refusal naming the
missing training and who can give the induction. Screenshots are kept in a temporary
folder that a failure names.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from site_manager import register

from .conftest import copy_sqlite, free_monday, streamlit_servers
from .test_browser import CHROMIUM, CHROMIUM_ARGS, FIRST_LOAD_MS, STEP_MS, healthy, wait_idle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent"),
]

#: A Monday three weeks ahead or later, of a week the sample books nothing in: the page's
#: booking form starts on it once it is the week shown.
DAY = free_monday("textile_mill", dt.date.today() + dt.timedelta(days=21))
MACHINE, KIND = "E001", "cnc_router"


def _people(url: str, site: str) -> tuple[str, str, dict[str, str]]:
    """A member trained on the machine's type (granted here if none is) and an untrained
    member, both with a lease running on DAY; tenant names."""
    engine = register.open_register(url)
    frames = register.frames(engine, site=site)
    leases = frames.leases
    day = DAY.isoformat()
    members = sorted(set(leases[(leases["start"].astype(str) <= day)
                                & (leases["end"].astype(str) >= day)]["tenant_id"]))  # fmt: skip
    held = register.list_trainings(engine, site)
    trained = set(held[held["equipment_type"] == KIND]["tenant_id"])
    untrained = [t for t in members if t not in trained]
    if not trained & set(members):
        register.grant_training(engine, tenant_id=untrained.pop(0), equipment_type=KIND,
                                granted_by="test", site=site)  # fmt: skip
        held = register.list_trainings(engine, site)
        trained = set(held[held["equipment_type"] == KIND]["tenant_id"])
    names = dict(zip(frames.tenants["tenant_id"], frames.tenants["name"], strict=True))
    engine.dispose()
    return sorted(trained & set(members))[0], untrained[0], names


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, sample_register: tuple[Path, dict[str, str]]
) -> Iterator[tuple[str, str, str, str, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("bookings")
    url = copy_sqlite(sample_register[0], folder / "register.sqlite")
    site = sample_register[1]["textile_mill"]
    trained, untrained, names = _people(url, site)
    with streamlit_servers([url], folder) as (base,):
        yield base, url, site, trained, untrained, names  # type: ignore[misc]


@pytest.mark.slow  # the default run stays under ten minutes (make test PYTEST_ARGS='-m slow')
def test_a_trained_member_books_and_an_untrained_one_is_refused(server: Any) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, url, site, trained, untrained, names = server
    shots = Path(tempfile.mkdtemp(prefix="dashboard-bookings-"))
    started = time.monotonic()

    def shot(page: Any, name: str) -> None:
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        print(f"{time.monotonic() - started:6.1f} s  {name}", file=sys.stderr)

    def date(where: Any, label: str, day: dt.date) -> None:
        where.get_by_role("group", name=label).get_by_role("spinbutton").first.click()
        page.keyboard.type(day.strftime("%Y%m%d"))
        page.keyboard.press("Escape")  # close the calendar

    def choose(form: Any, label: str, option: str) -> None:
        select = form.get_by_label(label, exact=True)
        if select.input_value() != option:
            select.click()
            page.keyboard.type(option)  # the list is long: filter it to the option
            page.keyboard.press("Enter")
        expect(select).to_have_value(option)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1200})
        try:
            page.goto(f"{base}/bookings?site={site}")
            expect(page.get_by_role("heading", name="Bookings", exact=True)).to_be_visible(
                timeout=FIRST_LOAD_MS
            )
            wait_idle(page)
            date(page, "Week of", DAY)
            wait_idle(page)
            healthy(page)

            equipment = register.frames(register.open_register(url), site=site).equipment
            name = equipment.set_index("equipment_id").loc[MACHINE, "name"]
            label = f"{MACHINE} {name}"
            form = page.get_by_test_id("stForm").filter(has_text="Book a machine")
            choose(form, "Machine", label)
            choose(form, "Tenant", f"{names[trained]} ({trained})")
            form.get_by_label("Purpose").fill("browser test")
            shot(page, "01_book_form")
            form.get_by_role("button", name="Book", exact=True).click()
            success = page.get_by_test_id("stAlert").filter(has_text="Booking B-")
            expect(success).to_be_visible(timeout=STEP_MS)
            wait_idle(page)
            healthy(page)
            live = register.list_bookings(register.open_register(url), site)
            mine = live[(live["tenant_id"] == trained) & (live["purpose"] == "browser test")]
            (booking,) = mine.to_dict("records")
            assert booking["start"].replace(tzinfo=None) == dt.datetime.combine(DAY, dt.time(9))
            assert booking["booking_id"] in success.inner_text()
            # the bar is on the machine's row of the week shown: one bar, on DAY
            plot = page.locator(".js-plotly-plot").first
            plot.scroll_into_view_if_needed()
            bars = plot.locator("g.barlayer g.point path")
            expect(bars).to_have_count(1, timeout=STEP_MS)
            assert plot.locator("g.ytick text").filter(has_text=MACHINE).count() == 1
            assert plot.locator("g.xtick text").filter(has_text=DAY.strftime("%a %d")).count()
            shot(page, "02_booked_on_the_timeline")

            # the untrained member, the next day: refused at the tenant field
            form = page.get_by_test_id("stForm").filter(has_text="Book a machine")
            choose(form, "Tenant", f"{names[untrained]} ({untrained})")
            date(form, "Start day", DAY + dt.timedelta(days=1))
            date(form, "End day", DAY + dt.timedelta(days=1))
            form.get_by_role("button", name="Book", exact=True).click()
            refusal = page.locator(".st-key-book_error_tenant_id").get_by_test_id("stAlert")
            expect(refusal).to_be_visible(timeout=STEP_MS)
            text = refusal.inner_text()
            day = (DAY + dt.timedelta(days=1)).isoformat()
            assert f"tenant {untrained} has no valid training for {KIND} on {day}" in text, text
            assert f"tenant {trained} (trained)" in text, text
            assert page.locator(".st-key-book_error_start").get_by_test_id("stAlert").count() == 0
            refusal.scroll_into_view_if_needed()
            shot(page, "03_refused")
            assert page.get_by_test_id("stException").count() == 0
            after = register.list_bookings(register.open_register(url), site)
            assert len(after) == len(live)
            # the booking is offered for cancelling (among the sample's own)
            cancel = page.get_by_test_id("stForm").filter(has_text="Cancel a booking")
            offered = cancel.get_by_label("Booking", exact=True)
            offered.click()
            page.keyboard.type(booking["booking_id"])  # filter the list to it
            page.keyboard.press("Enter")
            expect(offered).to_have_value(re.compile(re.escape(booking["booking_id"])),
                                          timeout=STEP_MS)  # fmt: skip

            # the Community page: the network of who provides what others need
            page.get_by_test_id("stSidebarNav").get_by_role("link", name="Community").click()
            expect(page.get_by_role("heading", name="Network", exact=True)).to_be_visible(
                timeout=STEP_MS
            )
            wait_idle(page)
            healthy(page)
            network = page.locator(".js-plotly-plot").first
            network.scroll_into_view_if_needed()
            expect(network.locator("g.scatterlayer g.trace").first).to_be_attached()
            shot(page, "04_community")
        except BaseException:
            print(f"\nbookings screenshots: {shots}", file=sys.stderr)
            with contextlib.suppress(Exception):
                shot(page, "failure")
            raise
        finally:
            browser.close()
    print(f"bookings screenshots: {shots}", file=sys.stderr)
