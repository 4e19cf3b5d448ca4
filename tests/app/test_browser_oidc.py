"""Single sign-on end to end: the dashboard, Streamlit's OpenID Connect login, and a local
mock identity provider (``oidc-provider-mock``) in headless Chromium.

The provider knows two people; the register has a user for one of them (by e-mail). The
known one logs in with the planner's role the register gives it; the other is refused,
and both attempts are on the audit trail.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import free_port, streamlit_servers
from .test_browser import CHROMIUM, CHROMIUM_ARGS, FIRST_LOAD_MS, STEP_MS

pytestmark = pytest.mark.browser

KNOWN = ("ann-sub", "ann@example.org")
UNKNOWN = ("eve-sub", "eve@example.org")


@pytest.fixture
def provider() -> Iterator[str]:
    """A mock OpenID Connect provider on a free port (its base URL)."""
    with warnings.catch_warnings():  # its imports warn of Authlib's deprecations
        warnings.simplefilter("ignore")
        import oidc_provider_mock
        from oidc_provider_mock import User

    port = free_port()
    users = [User(sub=sub, claims={"email": email, "email_verified": True})
             for sub, email in (KNOWN, UNKNOWN)]  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with oidc_provider_mock.run_server_in_thread(port=port, user_claims=users):
            yield f"http://localhost:{port}"


def _secrets(folder: Path, provider: str) -> object:
    def args(port: int) -> list[str]:
        path = folder / f"secrets-{port}.toml"
        path.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            'cookie_secret = "a-cookie-secret-long-enough-for-the-tests-0123456789"\n'
            "[auth.mock]\n"
            'client_id = "site-manager"\n'
            'client_secret = "not-a-secret"\n'
            f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
            'client_kwargs = { scope = "openid email profile" }\n'
            'label = "the test provider"\n',
            encoding="utf-8",
        )
        return ["--secrets.files", str(path)]

    return args


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent")
def test_single_sign_on_maps_the_providers_user_by_email_and_refuses_an_unknown_one(
    mill: str, provider: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    from site_manager import register
    from site_manager.register import users

    engine = register.open_register(mill)
    users.add_user(engine, "ann", role="planner", email=KNOWN[1])  # no password: SSO only
    with (
        streamlit_servers([mill], tmp_path, login=False,
                          extra_args=_secrets(tmp_path, provider)) as (base,),  # type: ignore[arg-type]
        sync_playwright() as playwright,
    ):  # fmt: skip
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for sub, email in (KNOWN, UNKNOWN):
            page = browser.new_context().new_page()  # a fresh browser: no cookie of the last
            page.set_default_timeout(STEP_MS)
            page.goto(base, timeout=FIRST_LOAD_MS)
            page.get_by_role("button", name="Log in with the test provider").click()
            page.wait_for_url(f"{provider}/**")  # at the provider's authorisation form
            page.get_by_role("button", name=sub).click()
            if sub == KNOWN[0]:
                expect(page.get_by_text("Logged in as ann (planner)")).to_be_visible()
                nav = page.locator('[data-testid="stSidebarNav"]')
                expect(nav.get_by_text("Layout lab")).to_be_visible()
                expect(nav.get_by_text("Tenants and leases")).to_have_count(0)  # a planner's
                page.screenshot(path="/tmp/oidc-logged-in.png")
            else:
                refusal = page.get_by_role("alert")
                expect(refusal).to_contain_text("no enabled user of this register has the e-mail")
                # the page escapes the address (a word joiner after "@" keeps it from linking)
                assert email in refusal.inner_text().replace("\u2060", "")
                expect(page.get_by_role("button", name="Sign out of the provider")).to_be_visible()
                expect(page.get_by_text("Logged in as")).to_have_count(0)
                page.screenshot(path="/tmp/oidc-refused.png")
            page.context.close()
        browser.close()
    audit = _logins(engine)
    assert ("ann", "login", KNOWN[1]) in audit  # by e-mail, as the register's user ann
    assert (UNKNOWN[1], "login_failed", UNKNOWN[1]) in audit
    engine.dispose()


def _logins(engine: object) -> list[tuple[str, str, str]]:
    import json

    from sqlalchemy import select

    from site_manager import register
    from site_manager.register.schema import AuditEntry

    with register.transaction(engine, readonly=True) as s:  # type: ignore[arg-type]
        rows = s.execute(
            select(
                AuditEntry.actor, AuditEntry.action, AuditEntry.record, AuditEntry.after_json
            ).where(AuditEntry.verb == "login")
        ).all()
    return [(a, act, rec) for a, act, rec, after in rows if json.loads(after)["via"] == "oidc"]
