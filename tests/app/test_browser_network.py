"""The Invisible Factory page in a real browser (Playwright + Debian's headless Chromium): on
a register holding two sample sites, the textile mill and the Officina Macrolotto (Prato,
2.8 km apart), the documented job (``docs/examples/job_two_sites.json``), which needs
machines and skills only the shed has (a fibre laser, a powder-coating booth, a product
designer; its inducted members for the shared welding set) and a skill only the mill's
tenants have (upholstery), is routed across both.

The chain the page shows (its CSV download) must equal the one
:func:`site_manager.network.route` computes on the same register; independently of the
router, its steps must lie in the window, follow each other, and leave the sample's own
bookings of the machines (``sample_sites/*/bookings.csv``) untouched: the shed's welding
set is saturated Monday to Saturday of the job's week, so the weld waits for a free slot.
Screenshots are kept in a temporary folder that a failure names.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import itertools
import json
import math
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from site_manager import network, register
from site_manager.assumptions import DEFAULT_TRANSPORT_KM_PER_H

from .conftest import ROOT, streamlit_servers
from .test_browser import CHROMIUM, CHROMIUM_ARGS, FIRST_LOAD_MS, STEP_MS, healthy, wait_idle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent"),
]

SITES = ("textile_mill", "officina_macrolotto")
#: An upholstered steel bench, from the shed, in the week its welding set is saturated in
#: the sample (2026-W50): the documented example.
JOB = json.loads((ROOT / "docs" / "examples" / "job_two_sites.json").read_text(encoding="utf-8"))
WINDOW: dict[str, str] = JOB["window"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("network")
    url = f"sqlite:///{folder / 'register.sqlite'}"
    engine = register.open_register(url)
    for name in SITES:
        if not (ROOT / "sample_sites" / name / "site.toml").is_file():
            pytest.skip(f"sample site {name} not generated yet")
        register.load_sample(engine, name)
    engine.dispose()
    with streamlit_servers([url], folder) as (base,):
        yield base, url


def _sample_bookings(site: str, equipment_id: str) -> list[tuple[dt.datetime, dt.datetime]]:
    """The sample's bookings of a machine, as local wall-clock [start, end)."""
    path = ROOT / "sample_sites" / site / "bookings.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return [(dt.datetime.fromisoformat(r["start"]), dt.datetime.fromisoformat(r["end"]))
                for r in csv.DictReader(fh) if r["equipment_id"] == equipment_id]  # fmt: skip


def _equipment(site: str, equipment_id: str) -> dict[str, str]:
    path = ROOT / "sample_sites" / site / "equipment.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return next(r for r in csv.DictReader(fh) if r["equipment_id"] == equipment_id)


def _hours(clock: str) -> float:
    t = dt.time.fromisoformat(clock)
    return t.hour + t.minute / 60


def _local(text: str) -> dt.datetime:
    """A chain's time (ISO 8601 with the offset) as a naive wall-clock time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=None)


@pytest.mark.slow  # the default run stays under ten minutes (make test PYTEST_ARGS='-m slow')
def test_a_job_needing_both_sites_is_routed_across_them(server: tuple[str, str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, url = server
    expected = network.route(network.read_network(register.open_register(url)),
                             network.parse_job(JOB))  # fmt: skip
    assert expected.chains, expected.unroutable
    best = expected.chains[0]
    shots = Path(tempfile.mkdtemp(prefix="dashboard-network-route-"))
    started = time.monotonic()

    def shot(page: Any, name: str) -> None:
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        print(f"{time.monotonic() - started:6.1f} s  {name}", file=sys.stderr)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1300}, accept_downloads=True)
        try:
            page.goto(f"{base}/network")
            expect(page.get_by_role("heading", name="Invisible Factory", exact=True)).to_be_visible(
                timeout=FIRST_LOAD_MS
            )
            wait_idle(page)
            healthy(page)
            job = page.locator("textarea").first
            job.fill(json.dumps(JOB, indent=1))
            job.press("Control+Enter")  # the text area hands its text to the app
            wait_idle(page)
            shot(page, "01_job")
            page.get_by_role("button", name="Route", exact=True).click()
            chain = page.get_by_role("radiogroup").get_by_text(f"Chain 1: {best.cost_eur:,.2f} EUR")
            expect(chain).to_be_visible(timeout=STEP_MS)
            wait_idle(page)
            healthy(page)
            assert page.get_by_test_id("stAlert").filter(has_text="cannot be routed").count() == 0
            cost = page.get_by_test_id("stMetric").filter(has_text="Cost")
            assert f"{best.cost_eur:,.2f} EUR" in cost.inner_text()
            distance = page.get_by_test_id("stMetric").filter(has_text="Distance").inner_text()
            shot(page, "02_routed")

            button = page.locator(".st-key-network_chain_table_csv").get_by_role("button")
            button.scroll_into_view_if_needed()
            with page.expect_download(timeout=STEP_MS) as download:
                button.click()
            text = Path(download.value.path()).read_text(encoding="utf-8-sig")
            rows = list(csv.DictReader(io.StringIO(text)))
            shot(page, "03_map")
        except BaseException:
            print(f"\nnetwork route screenshots: {shots}", file=sys.stderr)
            with contextlib.suppress(Exception):
                shot(page, "failure")
            raise
        finally:
            browser.close()
    print(f"network route screenshots: {shots}", file=sys.stderr)

    # the page shows the library's best chain, step by step
    shown = [(r["step"], r["tenant_id"], r["site_id"], r["start"], r["end"]) for r in rows]
    computed = expected.to_dict()["chains"][0]["steps"]
    assert shown == [(s["step"], s["tenant"], s["site"], s["start"], s["end"]) for s in computed]
    # it crosses both sites: the metalwork at the shed, the upholstery at the mill
    assert {r["site_id"] for r in rows} == set(SITES)
    by_step = {r["step"]: r for r in rows}
    assert by_step["upholster"]["site_id"] == "textile_mill"
    metal = ("design", "cut", "weld", "coat")
    assert {by_step[s]["site_id"] for s in metal} == {"officina_macrolotto"}
    # in the window, in order, and clear of the sample's bookings of each machine
    lo, hi = (dt.datetime.fromisoformat(WINDOW[k]) for k in ("start", "end"))
    order = [(_local(by_step[s]["start"]), _local(by_step[s]["end"]))
             for s in (*metal, "upholster")]  # fmt: skip
    assert lo <= order[0][0] and all(a[1] <= b[0] for a, b in itertools.pairwise(order))
    assert order[-1][1] <= hi
    for step in ("cut", "weld", "coat"):
        r = by_step[step]
        start, end = _local(r["start"]), _local(r["end"])
        booked = _sample_bookings(r["site_id"], r["equipment_id"])
        assert not [b for b in booked if b[0] < end and start < b[1]], (step, booked)
    # the upholstery waits for the coated frame to travel to the mill: the great-circle
    # distance between the sites (haversine here) at the default speed of the goods
    sites = register.list_sites(register.open_register(url)).set_index("site_id")
    at = {n: register.frames(register.open_register(url), n).site for n in SITES}
    (la1, lo1), (la2, lo2) = (
        (math.radians(at[n]["latitude_deg"]), math.radians(at[n]["longitude_deg"])) for n in SITES
    )
    hav = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin(
        (lo2 - lo1) / 2) ** 2  # fmt: skip
    km = 2 * 6371.0088 * math.asin(math.sqrt(hav))
    assert 2.5 < km < 3.2 < JOB["max_distance_km"] and len(sites) == 2
    travel = dt.timedelta(hours=km / DEFAULT_TRANSPORT_KM_PER_H)
    coated = dt.datetime.fromisoformat(by_step["coat"]["end"])
    minute = dt.timedelta(minutes=1)  # times are to the minute
    assert dt.datetime.fromisoformat(by_step["upholster"]["start"]) >= coated + travel - minute
    assert float(by_step["upholster"]["hop_km"]) == pytest.approx(km, abs=0.05)
    assert f"{km:.1f} km" in distance  # a short hop to the tenth of a kilometre
    # the welding set is booked all day (its opening hours) Monday to Saturday of the week,
    # so the weld waits for the Sunday
    shed = _equipment("officina_macrolotto", by_step["weld"]["equipment_id"])
    day_h = _hours(shed["open_until"]) - _hours(shed["open_from"])
    monday = dt.datetime.fromisoformat(WINDOW["start"]).date()
    booked_h: dict[dt.date, float] = {}
    for a, b in _sample_bookings("officina_macrolotto", shed["equipment_id"]):
        booked_h[a.date()] = booked_h.get(a.date(), 0.0) + (b - a).total_seconds() / 3600
    full = {d for d, h in booked_h.items() if h >= day_h}
    assert {monday + dt.timedelta(days=d) for d in range(6)} <= full
    assert _local(by_step["weld"]["start"]).date() == monday + dt.timedelta(days=6)
