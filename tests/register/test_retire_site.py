"""A site stops by being retired, never deleted: kept whole, out of the lists and the network."""

from __future__ import annotations

import datetime as dt

import pytest

from site_manager import network, register
from site_manager.cli import main
from site_manager.errors import RegisterError
from site_manager.register import access
from site_manager.register.access import AccessDenied, Principal, Role


@pytest.fixture
def two_sites(tmp_path):  # type: ignore[no-untyped-def]
    engine = register.open_register(f"sqlite:///{tmp_path / 'r.sqlite'}")
    register.load_sample(engine, "textile_mill")
    register.load_sample(engine, "engineering_works")
    return engine


def test_a_site_with_running_leases_is_refused_then_retired_after_its_last_lease(two_sites) -> None:  # type: ignore[no-untyped-def]
    engine = two_sites
    leases = register.frames(engine, "engineering_works").leases
    last = max(leases["end"])
    with pytest.raises(RegisterError, match="end its leases first"):
        register.retire_site(engine, site="engineering_works", on=last)
    with access.acting_as(Principal("lou", Role.LANDLORD)), pytest.raises(AccessDenied):
        register.retire_site(engine, site="engineering_works", on=last + dt.timedelta(days=1))
    records = {n: len(getattr(register.frames(engine, "engineering_works"), n))
               for n in ("spaces", "units", "tenants", "leases", "equipment")}  # fmt: skip
    day = register.retire_site(engine, site="engineering_works", on=last + dt.timedelta(days=1))
    assert day == last + dt.timedelta(days=1)
    sites = register.list_sites(engine).set_index("site_id")
    assert sites.loc["engineering_works", "retired_on"] == day
    assert sites.loc["textile_mill", "retired_on"] is None
    # kept whole, with its trail
    kept = register.frames(engine, "engineering_works")
    assert {n: len(getattr(kept, n)) for n in records} == records
    audit = register.get_audit(engine, "engineering_works")
    assert "retire_site" in set(audit["verb"])
    with pytest.raises(RegisterError, match="retired already"):
        register.retire_site(engine, site="engineering_works", on=day)


def test_a_retired_site_leaves_the_network_and_the_dashboards_list_from_its_day(
    two_sites,
) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    engine = two_sites
    model = Path(__file__).resolve().parents[2] / "models" / "brewery_complex.ifc"
    for annex in ("annex_a", "annex_b"):  # sites without leases: retirable at once
        register.create_site(engine, model, site_id=annex, name=annex)
        register.set_site_settings(engine, site=annex, latitude_deg=43.9, longitude_deg=11.1)
        register.add_tenant(engine, "X1", name=f"Tenant of {annex}", site=annex)
    assert {"annex_a", "annex_b"} <= set(network.read_network(engine).sites["site_id"])
    today = dt.date.today()
    register.retire_site(engine, site="annex_a")  # from today
    register.retire_site(engine, site="annex_b", on=today + dt.timedelta(days=1))  # not yet
    after = network.read_network(engine)
    assert set(after.sites["site_id"]) == {"textile_mill", "engineering_works", "annex_b"}
    assert "annex_a" not in set(after.tenants["site_id"])
    assert _shown_sites(str(engine.url)) == {"textile_mill", "engineering_works", "annex_b"}


def _shown_sites(url: str) -> set[str]:
    """The sites the dashboard's sidebar offers."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_string(
        "from site_manager.app import state, ui\nstate.init()\nui.site_picker()\n",
        default_timeout=60,
    )
    app.session_state["db_url"] = url
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    # options read "Name (id)"
    return {o.rsplit("(", 1)[1].rstrip(")") for o in app.sidebar.selectbox[0].options}


def test_the_cli_retires_a_site_and_refuses_in_one_line(two_sites, capsys) -> None:  # type: ignore[no-untyped-def]
    url = str(two_sites.url)
    code = main(["site", "retire", "--site", "engineering_works", "--on", "2026-01-01",
                 "--db", url])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: site engineering_works has lease")
    assert len(err.splitlines()) == 1
    last = max(register.frames(two_sites, "engineering_works").leases["end"])
    on = (last + dt.timedelta(days=1)).isoformat()
    assert main(["site", "retire", "--site", "engineering_works", "--on", on, "--db", url]) == 0
    assert f"retired from {on}" in capsys.readouterr().out
