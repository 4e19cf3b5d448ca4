"""Hostile names in a real browser: every page shows them as text, none becomes an element.

A register whose units and tenants carry the names of :mod:`tests.hostile` (a markdown
image, an HTML link and a script pointing at 127.0.0.1:9, where nothing listens) is served
by ``streamlit run``; headless Chromium visits every page. No ``img``, ``a`` or ``script``
element may point at that host or hold a name's script, no request may leave for a host
other than the server, no emoji or icon shortcode in a name is drawn and no bidirectional
override in a name reverses the text around it. On SQLite and on PostgreSQL (skipped,
saying why, where no PostgreSQL server can be started).
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from site_manager.register import contracts
from tests.hostile import AWKWARD, FOREIGN_HOST, FORMULAS, MARKUP, SHORTCODES

from .conftest import ROOT, seed_register, streamlit_servers
from .test_browser import CHROMIUM, CHROMIUM_ARGS, FIRST_LOAD_MS, STEP_MS, healthy, wait_idle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent"),
]

IMAGE = "![pixel](http://127.0.0.1:9/pixel.png)"
LINK = '<a href="http://127.0.0.1:9/phish">Pay rent here</a>'
#: The let space's tenant: the markdown image, emoji and icon shortcodes and a
#: right-to-left override; and how a page shows it (by hand: the override removed).
TENANT = f"{IMAGE} :smile: :material/home: R\u202eTL"
TENANT_SHOWN = f"{IMAGE} :smile: :material/home: RTL"

#: Elements made from a name: each a link, image, script or frame pointing at the foreign
#: host, or a script holding a name's code (HTML and SVG alike).
FOREIGN_ELEMENTS_JS = """host => Array.from(document.querySelectorAll('*')).filter(el => {
    const tag = el.tagName.toLowerCase();
    const refs = ['href', 'src', 'xlink:href', 'action', 'srcset']
        .map(a => el.getAttribute(a) || '').join(' ');
    if (['a', 'img', 'script', 'iframe', 'image', 'form', 'link'].includes(tag)
        && refs.includes(host)) return true;
    return tag === 'script' && (el.textContent || '').includes('alert(1)');
}).map(el => el.outerHTML.slice(0, 200))"""


def _name(column: str, text: str) -> str:
    """``text`` cut to the contract's limit for ``column`` of the tenants (as stored)."""
    limit = next(c.max_length for c in contracts.TENANTS.columns if c.name == column)
    return (text[:limit] if limit else text).strip()


def _hostile_register(url: str) -> dict[str, str]:
    """The test site with every tenant and unit named after a hostile name; each new unit
    (one per free ground-floor space) let to a new tenant. Returns the let space's label.
    """
    from site_manager import register

    seeded = seed_register(url)
    engine = register.open_register(url)
    register.edit_tenant(engine, "T1", name=TENANT, site=seeded.site)
    register.edit_tenant(engine, "T2", name=LINK, site=seeded.site)
    register.rename_unit(engine, "U1", name=LINK, site=seeded.site)
    register.rename_unit(engine, "U2", name=IMAGE, site=seeded.site)
    spaces = register.frames(engine, site=seeded.site).spaces
    taken = {seeded.let_space, seeded.vacant_space, seeded.shared_space}
    free = spaces[(spaces["storey"] == seeded.storey) & spaces["footprint_wkt"].notna()
                  & ~spaces["global_id"].isin(taken)]["global_id"].tolist()  # fmt: skip
    for i, (gid, name) in enumerate(
        zip(free, MARKUP + SHORTCODES + AWKWARD + FORMULAS, strict=False)
    ):
        unit, tenant = f"H{i}", f"TH{i}"
        register.define_unit(engine, unit, [gid], name=_name("name", name), site=seeded.site)
        register.add_tenant(engine, tenant, name=_name("name", name), site=seeded.site)
        register.sign_lease(engine, unit_id=unit, tenant_id=tenant, start=seeded.lease_start,
                            end=seeded.lease_end, rent_eur_per_month=100 + i,
                            site=seeded.site)  # fmt: skip
    row = spaces.set_index("global_id").loc[seeded.let_space]
    engine.dispose()
    return {"space_label": f"{row['name']} {row['long_name'] or ''}"}


@pytest.mark.parametrize(
    # PostgreSQL in the slow run (make test PYTEST_ARGS="-m slow"): the default run stays
    # under ten minutes
    "backend",
    [
        pytest.param("sqlite", marks=pytest.mark.slow),
        pytest.param("postgresql", marks=[pytest.mark.postgres, pytest.mark.slow]),
    ],
)
def test_hostile_names_stay_text_on_every_page(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'register.sqlite'}"
    else:  # a new database on the session's PostgreSQL server (skips where there is none)
        url = request.getfixturevalue("pg_url")
    seeded = _hostile_register(url)
    shots = Path(tempfile.mkdtemp(prefix="dashboard-hostile-"))
    started = time.monotonic()
    foreign: list[str] = []
    made: dict[str, list[str]] = {}

    def check(page: Any, name: str) -> None:
        wait_idle(page)
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        print(f"{time.monotonic() - started:6.1f} s  {name}", file=sys.stderr)
        healthy(page)
        made[name] = page.evaluate(FOREIGN_ELEMENTS_JS, FOREIGN_HOST)

    with streamlit_servers([url], tmp_path) as (base,), sync_playwright() as playwright:
        server = urllib.parse.urlsplit(base).netloc
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        page.on(
            "request",
            lambda r: (
                foreign.append(r.url)
                if urllib.parse.urlsplit(r.url).netloc not in (server, "")
                and not r.url.startswith("data:")
                else None
            ),
        )
        try:
            # the Site page, the let space picked: its tenant is the markdown image
            page.goto(base)
            expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=FIRST_LOAD_MS)
            wait_idle(page)
            page.get_by_label("Space", exact=True).click()
            page.get_by_role("option", name=seeded["space_label"].strip(), exact=True).click()
            expect(page.get_by_text("GlobalId")).to_be_visible(timeout=STEP_MS)
            details = page.get_by_test_id("stMarkdown").filter(has_text="Tenant").first
            expect(details).to_be_visible(timeout=STEP_MS)
            # as written (but for the invisible word joiners that keep addresses and
            # shortcodes plain): no emoji or icon drawn, the override gone
            assert TENANT_SHOWN in details.inner_text().replace("\u2060", "")
            assert details.get_by_test_id("stIconMaterial").count() == 0
            check(page, "site_space")
            # coloured by tenant: the names are the plan's legend and hover texts
            page.get_by_label("Colour by", exact=True).click()
            page.get_by_role("option", name="Tenant", exact=True).click()
            legend = page.locator(".js-plotly-plot").first.locator("g.legend")
            expect(legend).to_contain_text("Pay rent here", timeout=STEP_MS)
            check(page, "site_by_tenant")

            for path, title in (("zoning", "Zoning"), ("units", "Units and members"),
                                ("tenants", "Tenants and leases"), ("import", "Import a model"),
                                ("landlord", "Landlord")):  # fmt: skip
                page.goto(f"{base}/{path}")
                expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(
                    timeout=STEP_MS
                )
                check(page, path)
            # the Landlord's time line: the link's text, tags and all, is an axis label
            page.get_by_role("tab", name="Expiries").click()
            timeline = page.locator(".js-plotly-plot").filter(has_text="Running and future leases")
            expect(timeline).to_be_visible(timeout=STEP_MS)
            ticks = timeline.locator("g.ytick text").all_text_contents()
            assert f"U1 · {TENANT_SHOWN}" in ticks and any(LINK in t for t in ticks), ticks
            check(page, "landlord_expiries")
            for path, title in (("bookings", "Bookings"), ("community", "Community")):
                page.goto(f"{base}/{path}")
                expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(
                    timeout=STEP_MS
                )
                check(page, path)
        except BaseException:
            print(f"\nhostile-names screenshots: {shots}", file=sys.stderr)
            with contextlib.suppress(Exception):
                page.screenshot(path=str(shots / "failure.png"), full_page=True)
            raise
        finally:
            browser.close()
    assert {page_: found for page_, found in made.items() if found} == {}
    assert foreign == []
    print(f"hostile-names screenshots: {shots}")


#: A page of one markdown element per shortcode name, each beside a clock time: the time's
#: ``:30:`` makes Streamlit load its emoji plugin for the element (its own test), which then
#: draws every ``:name:`` left in the text once the escapes are undone.
SHORTCODE_PAGE = """import sys
sys.path.insert(0, {root!r})
from site_manager.app import ui
import streamlit as st
for i, name in enumerate({names!r}):
    st.markdown(f"N{{i}} " + ui.text(name) + " at 10:30:00")
st.markdown("Plain :smile: at 10:30:00")
"""


def test_emoji_and_icon_shortcodes_in_names_are_not_drawn(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    script = tmp_path / "shortcodes.py"
    script.write_text(SHORTCODE_PAGE.format(root=str(ROOT), names=SHORTCODES))
    with (
        streamlit_servers(["sqlite://"], tmp_path, str(script)) as (base,),
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(base)
            last = page.get_by_test_id("stMarkdown").filter(has_text="Plain")
            expect(last).to_be_visible(timeout=FIRST_LOAD_MS)
            # the control: an unescaped shortcode beside the same time is drawn
            expect(last).to_contain_text("\U0001f604", timeout=STEP_MS)
            for i, name in enumerate(SHORTCODES):
                element = page.get_by_test_id("stMarkdown").filter(has_text=f"N{i} ")
                assert element.inner_text().replace("\u2060", "") == f"N{i} {name} at 10:30:00"
                assert element.get_by_test_id("stIconMaterial").count() == 0
        finally:
            browser.close()
