"""The login form in a real browser: a wrong password is refused, the right one opens the
dashboard with the role's pages only, an address of another page does not open it, and
*Log out* shows the form again."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import browser_user, log_in, streamlit_servers
from .test_browser import CHROMIUM, CHROMIUM_ARGS, FIRST_LOAD_MS, STEP_MS, healthy, wait_idle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent"),
]


@pytest.mark.slow  # the default run stays under ten minutes (make test PYTEST_ARGS='-m slow')
def test_a_wrong_password_is_refused_and_a_planner_sees_no_tenants_page(
    mill: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    from site_manager import register

    password = browser_user(mill, "pia", role="planner")
    engine = register.open_register(mill)
    tenant_names = list(register.frames(engine).tenants["name"])
    engine.dispose()
    assert tenant_names
    shots = Path(tempfile.mkdtemp(prefix="dashboard-login-"))
    started = time.monotonic()

    def shot(page: Any, name: str) -> None:
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        print(f"{time.monotonic() - started:6.1f} s  {name}", file=sys.stderr)

    def nav_links(page: Any) -> list[str]:
        nav = page.get_by_test_id("stSidebarNav")
        expect(nav).to_be_visible(timeout=STEP_MS)
        return [t.split("\n")[-1].strip() for t in nav.get_by_role("link").all_inner_texts()]

    with (
        streamlit_servers([mill], tmp_path, login=False) as (base,),
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            # nobody logged in: the form, and nothing of the register
            page.goto(base)
            expect(page.get_by_label("User name", exact=True)).to_be_visible(timeout=FIRST_LOAD_MS)
            expect(page.get_by_label("Password", exact=True)).to_have_attribute("type", "password")
            shot(page, "01_login_form")
            body = page.inner_text("body")
            assert not any(name in body for name in tenant_names)
            assert page.get_by_test_id("stSidebarNav").count() == 0

            # a wrong password: the refusal, still the form
            page.get_by_label("User name", exact=True).fill("pia")
            page.get_by_label("Password", exact=True).fill(password + "-wrong")
            page.get_by_label("Password", exact=True).press("Enter")
            refusal = page.get_by_test_id("stAlert").filter(has_text="wrong user name or password")
            expect(refusal).to_be_visible(timeout=STEP_MS)
            shot(page, "02_wrong_password")
            assert page.get_by_label("Password", exact=True).input_value() == ""  # cleared

            # the right one: the Site page, with the planner's pages only
            log_in(page, "pia", password)
            expect(page.get_by_role("heading", name="Site", exact=True)).to_be_visible(
                timeout=STEP_MS
            )
            wait_idle(page)
            healthy(page)
            shot(page, "03_planner_site")
            links = nav_links(page)
            assert "Layout lab" in links and "Zoning" in links
            assert "Tenants and leases" not in links
            sidebar = page.get_by_test_id("stSidebar")
            expect(sidebar.get_by_text("Logged in as pia (planner)")).to_be_visible()

            # the Tenants page's address opens the default page, not the tenants and leases
            page.goto(f"{base}/tenants")
            log_in(page, "pia", password)
            expect(page.get_by_role("heading", name="Site", exact=True)).to_be_visible(
                timeout=STEP_MS
            )
            wait_idle(page)
            shot(page, "04_planner_tenants_address")
            assert page.get_by_role("heading", name="Tenants and leases").count() == 0
            assert "Sign a lease" not in page.inner_text("body")

            # log out: the form again, and the register hidden
            page.get_by_test_id("stSidebar").get_by_role("button", name="Log out").click()
            expect(page.get_by_label("User name", exact=True)).to_be_visible(timeout=STEP_MS)
            wait_idle(page)
            shot(page, "05_logged_out")
            assert page.get_by_test_id("stSidebarNav").count() == 0
        except Exception:
            shot(page, "failure")
            print(f"screenshots: {shots}", file=sys.stderr)
            raise
        finally:
            browser.close()
    print(f"screenshots: {shots}", file=sys.stderr)
    # the register-wide entries (no site) of the user's logins and logout
    engine = register.open_register(mill)
    with engine.connect() as c:
        actions = c.exec_driver_sql("SELECT action FROM audit WHERE actor = 'pia'").scalars()
        assert sorted(actions) == ["login", "login", "login_failed", "logout"]
    engine.dispose()
