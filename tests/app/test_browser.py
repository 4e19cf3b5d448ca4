"""The dashboard in a real browser: Debian's headless Chromium driven by Playwright.

The app is started as ``make run`` starts it (``streamlit run streamlit_app.py`` on
127.0.0.1, headless), on a free port and an SQLite register named by ``SITE_MANAGER_DB``
that holds what a first start writes into an empty one (the sample sites).
Screenshots of every step are kept in a temporary folder that a failure names.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import copy_sqlite

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: The first page load starts the app's imports and opens the register: allow for a busy CI.
FIRST_LOAD_MS = 180_000
STEP_MS = 90_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent (apt-get install chromium)"
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, sample_register: tuple[Path, dict[str, str]]
) -> Iterator[str]:
    """``streamlit run streamlit_app.py`` on a free port, on the register that an empty
    database becomes on first start (the sample sites; made once by the ``sample_register``
    fixture with the dashboard's own first-start code, to spare a second load).
    """
    folder = tmp_path_factory.mktemp("dashboard")
    port = _free_port()
    url = copy_sqlite(sample_register[0], folder / "register.sqlite")
    env = {**os.environ, "SITE_MANAGER_DB": url}
    log = (folder / "server.log").open("w")
    streamlit = Path(sys.executable).with_name("streamlit")
    process = subprocess.Popen(
        [str(streamlit), "run", "streamlit_app.py", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start; log:\n{(folder / 'server.log').read_text()}")
            time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_a_user_opens_every_page_downloads_picks_a_space_and_signs_a_lease(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    shots = Path(tempfile.mkdtemp(prefix="dashboard-journey-"))
    started = time.monotonic()
    step = 0

    def shot(page: object, name: str) -> None:
        nonlocal step
        step += 1
        page.screenshot(path=str(shots / f"{step:02d}_{name}.png"), full_page=True)  # type: ignore[attr-defined]
        print(f"{time.monotonic() - started:6.1f} s  {name}", file=sys.stderr)

    def healthy(page: object) -> None:
        # an exception anywhere on the page is a failure, with its text
        exceptions = page.locator("[data-testid=stException]")  # type: ignore[attr-defined]
        assert exceptions.count() == 0, exceptions.first.inner_text()
        assert "Traceback" not in page.inner_text("body")  # type: ignore[attr-defined]

    def open_page(page: object, name: str, title: str) -> None:
        page.get_by_role("link", name=name).click()  # type: ignore[attr-defined]
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=STEP_MS)  # type: ignore[attr-defined]
        wait_idle(page)

    def wait_idle(page: object) -> None:
        # Streamlit shows a status widget while a script runs
        page.wait_for_timeout(500)  # type: ignore[attr-defined]
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=STEP_MS)  # type: ignore[attr-defined]

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
        try:
            # 1. the Site page opens on a sample site with its floor plan
            page.goto(server)
            plan = page.locator(".js-plotly-plot").first
            expect(plan).to_be_visible(timeout=FIRST_LOAD_MS)
            wait_idle(page)
            shot(page, "site")
            healthy(page)

            # 2. a click on a space's dot selects it: details and a red outline appear
            plan.scroll_into_view_if_needed()
            dots = plan.locator("g.scatterlayer g.trace").last.locator("path.point")
            assert dots.count() > 0
            box = dots.first.bounding_box()
            assert box is not None
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            expect(page.get_by_text("GlobalId")).to_be_visible(timeout=STEP_MS)
            wait_idle(page)
            shot(page, "site_space_selected")
            healthy(page)
            # the outline trace ("selected") is drawn: one more trace than before
            assert (
                page.locator(".js-plotly-plot").first.locator("g.scatterlayer g.trace").count() >= 3
            )

            # the plan exports as PNG on the server; the spaces table as CSV and Excel
            for label, magic in (("PNG", b"\x89PNG"), ("CSV", b"global_id,"), ("Excel", b"PK")):
                with page.expect_download(timeout=STEP_MS) as download:
                    buttons = page.get_by_role("button", name=label, exact=True)
                    # the plan's PNG comes first; the spaces table is the page's last table
                    (buttons.first if label == "PNG" else buttons.last).click()
                content = Path(download.value.path()).read_bytes()
                assert content.startswith(magic), (label, content[:40])

            # 3. every other page opens without an exception
            pages = [("Import", "Import a model"), ("Zoning", "Zoning"), ("Landlord", "Landlord"),
                     ("Tenants and leases", "Tenants and leases")]  # fmt: skip
            for name, title in pages:
                open_page(page, name, title)
                shot(page, name.split()[0].lower())
                healthy(page)

            # 4. sign a lease far in the future (no unit is let then) and see it
            form = page.get_by_test_id("stForm").filter(has_text="Sign a lease")
            for label, digits in (("First day", "20900101"), ("Last day", "20901231")):
                form.get_by_role("group", name=label).get_by_role("spinbutton").first.click()
                page.keyboard.type(digits)
            form.get_by_label("Rent [EUR/month]").fill("777")
            shot(page, "sign_form")
            form.get_by_role("button", name="Sign").click()
            success = page.get_by_test_id("stAlert").filter(has_text="signed")
            expect(success).to_be_visible(timeout=STEP_MS)
            signed = re.search(
                r"signed: (.+) in unit (\S+), 2090-01-01 → 2090-12-31", success.inner_text()
            )
            assert signed, success.inner_text()
            tenant, unit = signed.groups()
            shot(page, "signed")
            healthy(page)

            # the new lease is on the landlord's time line of running and future leases
            open_page(page, "Landlord", "Landlord")
            page.get_by_role("tab", name="Expiries").click()
            timeline = page.locator(".js-plotly-plot").filter(has_text="Running and future leases")
            expect(timeline).to_be_visible(timeout=STEP_MS)
            label = timeline.locator("g.ytick text").filter(has_text=f"{unit} · {tenant}")
            expect(label.first).to_be_attached()
            shot(page, "landlord_expiries")
            healthy(page)
        except BaseException:
            print(f"\ndashboard journey screenshots: {shots}", file=sys.stderr)
            with contextlib.suppress(Exception):  # the original failure matters more
                shot(page, "failure")
            raise
        finally:
            browser.close()
    print(f"dashboard journey screenshots: {shots}")
