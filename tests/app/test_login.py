"""Who may open which page, the login form under AppTest, and the shared caches' gate."""

from __future__ import annotations

import importlib.util

import pytest
from streamlit.testing.v1 import AppTest

from site_manager import register
from site_manager.app import data, pages, state
from site_manager.register import access
from site_manager.register.access import PERMISSIONS, AccessDenied, Principal, Role

from .test_pages import TIMEOUT_S, no_exception


def test_every_page_declares_actions_of_the_permissions_table() -> None:
    for spec in pages.PAGES:
        assert spec.reads and set(spec.reads + spec.needs) <= set(PERMISSIONS), spec.url_path
        # the roles that open a page may do one of its reads, as the permissions table says
        for role in spec.roles():
            who = Principal("x", role)
            assert any(access.allowed(a, who) for a in spec.reads), (spec.url_path, role)
            assert all(access.allowed(a, who) for a in spec.needs), (spec.url_path, role)
        exists = importlib.util.find_spec(f"site_manager.app.{spec.module}") is not None
        assert exists == (spec.renderer() is not None)


def test_each_role_opens_its_pages_only() -> None:
    def paths(role: Role) -> set[str]:
        return {p.url_path for p in pages.pages_for(role)}

    everything = {p.url_path for p in pages.PAGES}
    assert paths(Role.ADMIN) == everything - {"tenancy"}  # an admin acts for no tenant
    # a planner plans: no tenants and leases (signing is the letting roles')
    assert paths(Role.PLANNER) == everything - {"tenancy", "tenants"}
    assert paths(Role.LANDLORD) == everything - {"tenancy"}
    assert paths(Role.MUNICIPALITY) == {"impact"}
    # a tenant books on its own page (Bookings shows every tenant's bookings by name)
    assert paths(Role.TENANT) == {"tenancy"}
    # the register-wide records are behind read_register on every other page
    for spec in pages.PAGES:
        if spec.url_path not in {"impact", "tenancy"}:
            assert spec.reads == ("read_register",), spec.url_path


def test_a_cached_read_is_refused_to_a_role_that_may_not_even_when_cached(mill: str) -> None:
    version = data.data_version(mill)
    with access.acting_as(Principal("lou", Role.LANDLORD)):
        frames = data.get_frames(mill, None, version)  # now in the shared cache
    assert len(frames.tenants) > 0
    for role in (Role.MUNICIPALITY, Role.TENANT):
        with access.acting_as(Principal("x", role, "T01")), pytest.raises(AccessDenied):
            data.get_frames(mill, None, version)
        with access.acting_as(Principal("x", role, "T01")), pytest.raises(AccessDenied):
            data.site_spaces(mill, None, version, frames.leases["start"].min())


_LOGIN_APP = """
import streamlit as st
from site_manager.app import login, state
state.init()
user = login.logged_in_user()
st.markdown(f"hello {user.name} as {user.role.value} via {user.via}")
"""


def test_the_login_form_refuses_a_wrong_password_and_lets_the_right_one_in(mill: str) -> None:
    engine = register.open_register(mill)
    register.add_user(engine, "pia", role="planner", password="planner-password")
    engine.dispose()
    app = AppTest.from_string(_LOGIN_APP, default_timeout=TIMEOUT_S)
    app.session_state[state.DB_URL] = mill
    app.run()
    assert [t.label for t in app.text_input] == ["User name", "Password"]
    assert app.text_input[1].proto.type == app.text_input[1].proto.PASSWORD
    assert not any("hello" in m.value for m in app.markdown)
    app.text_input[0].input("pia")
    app.text_input[1].input("not-the-password")
    app.button[0].click().run()
    assert [e.value for e in app.error] == ["wrong user name or password"]
    assert state.USER not in app.session_state
    app.text_input[0].input("pia")
    app.text_input[1].input("planner-password")
    app.button[0].click().run()
    no_exception(app)
    assert any(m.value == "hello pia as planner via password" for m in app.markdown)
    assert app.session_state[state.USER] == Principal("pia", Role.PLANNER)


def test_a_bare_streamlit_run_listens_on_the_loopback_interface_only() -> None:
    import tomllib

    from .conftest import ROOT

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["headless"] is True
    assert config["browser"]["gatherUsageStats"] is False
