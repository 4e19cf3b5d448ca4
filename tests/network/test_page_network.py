"""The Invisible Factory page under AppTest: a job composed as JSON, routed across sites."""

from __future__ import annotations

import json

import pytest

from site_manager import register
from site_manager.app import page_network
from tests.app.conftest import shown
from tests.app.test_pages import no_exception, page_app

from .conftest import KM_PER_DEG, MONDAY


@pytest.fixture
def url(engine, add_site) -> str:
    """Design at A (0°), a welder at B (1°, 111 km) under a name that is markup."""
    add_site("A", 0.0, ["TA"])
    add_site("B", 1.0, ["TB"])
    register.set_site_settings(engine, site="B", name="<b>Forge</b> *B*")
    register.add_skill(engine, "TA", "design", site="A")
    register.add_equipment(engine, "W1", site="B", type="welder", owner_tenant_id="TB",
                           open_from="08:00", open_until="18:00", price_eur_per_h=25)  # fmt: skip
    return str(engine.url)


def _job(**kw) -> str:
    job = {"origin_site": "A", "window": {"start": f"{MONDAY}T08:00", "end": "2027-03-03T18:00"},
           "max_distance_km": 200, "transport_eur_per_km": 2.0,
           "steps": [{"id": "design", "needs": "design", "hours": 2},
                     {"id": "weld", "needs": "welder", "hours": 3}], **kw}  # fmt: skip
    return json.dumps(job)


def _route(url: str, text: str):
    app = page_app("page_network", url)
    app.run()
    no_exception(app)
    app.text_area(key=page_network.JOB_TEXT).input(text).run()
    app.button(key="network_route").click().run()
    return app


def test_a_job_across_two_sites_shows_its_chain_and_the_hop_on_the_map(url) -> None:
    app = _route(url, _job())
    no_exception(app)
    assert app.warning.values == []
    cost = 2 * 45 + 3 * 25 + 2.0 * KM_PER_DEG
    assert [m.value for m in app.metric if m.label == "Cost"] == [f"{cost:,.2f} EUR"]
    table = app.dataframe[0].value
    assert list(zip(table["step"], table["tenant_id"], table["site_id"], strict=True)) == [
        ("design", "TA", "A"), ("weld", "TB", "B")]  # fmt: skip
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    [hop] = [t for t in spec["data"] if t["name"] == "hop"]
    assert (hop["x"], hop["y"]) == ([0.0, 1.0], [0.0, 0.0])
    assert f"{KM_PER_DEG:.0f} km" in hop["hovertext"]
    chain_sites = next(t for t in spec["data"] if t["name"] == "chain")
    # the markup name is shown as written (escaped for plotly)
    assert "&lt;b&gt;Forge&lt;/b&gt; *B*" in chain_sites["text"]


def test_an_unroutable_step_is_a_warning_with_its_reason(url) -> None:
    app = _route(url, _job(max_distance_km=50))
    no_exception(app)
    [warning] = app.warning.values
    assert shown(warning).startswith("Step weld (welder) cannot be routed:")
    assert "beyond max_distance_km 50 km" in shown(warning)
    assert app.get("plotly_chart") == []


def test_a_bad_job_is_one_error_line(url) -> None:
    app = _route(url, _job(origin_site="Z"))
    assert [shown(e.value) for e in app.error] == [
        "job file: origin_site 'Z' is not a site of the network (sites: A, B); "
        "see `site-manager site list`"]  # fmt: skip


def test_the_template_job_names_the_networks_first_site_and_its_commonest_needs(url) -> None:
    app = page_app("page_network", url)
    app.run()
    no_exception(app)
    job = json.loads(app.text_area(key=page_network.JOB_TEXT).value)
    assert job["origin_site"] == "A"
    assert [s["needs"] for s in job["steps"]] == ["design", "welder"]
