"""My tenancy under AppTest on the textile mill sample, as a tenant user and as staff.

What the page must show (its leases, rents, its bookings) and must not (other tenants'
names, contacts, ids, lease ids) is read here from the register's full frames.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pandas as pd
from streamlit.testing.v1 import AppTest

from site_manager import register
from site_manager.app import page_bookings, page_tenancy, state
from site_manager.register import access
from site_manager.register.access import Principal, Role
from site_manager.register.own import own_view

from .conftest import free_monday, shown
from .test_pages import no_exception, page_app, plotly_specs

#: A Monday at least two weeks ahead in a week the sample books nothing in.
DAY = free_monday("textile_mill", page_bookings.week_start(dt.date.today()) + dt.timedelta(days=14))


def _members(url: str) -> list[str]:
    leases = register.frames(register.open_register(url)).leases
    on = leases[(leases["start"] <= DAY) & (leases["end"] >= DAY)]
    return sorted(set(on["tenant_id"]))


def _seed(url: str) -> tuple[str, str]:
    """Two members trained on the CNC router, each with a booking on DAY: (mine, theirs)."""
    engine = register.open_register(url)
    me, other = _members(url)[:2]
    for i, tid in enumerate((me, other)):
        register.grant_training(engine, tenant_id=tid, equipment_type="cnc_router")
        register.make_booking(engine, equipment_id="E001", tenant_id=tid,
                              start=dt.datetime.combine(DAY, dt.time(9 + 3 * i)),
                              end=dt.datetime.combine(DAY, dt.time(10 + 3 * i)),
                              purpose=f"job of {tid}")  # fmt: skip
    return me, other


def _page_text(app: AppTest) -> str:
    """Everything the page shows: texts, metrics, options, table cells, plot JSON."""
    parts: list[str] = []
    for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "success",
                 "error"):  # fmt: skip
        parts += [shown(str(e.value)) for e in getattr(app, kind)]
    parts += [f"{m.label} {m.value}" for m in app.metric]
    parts += [f"{s.label} {s.options}" for s in app.selectbox]
    for frame in (d.value for d in app.dataframe):
        parts.append(" ".join(map(str, frame.columns)))
        parts += [str(v) for c in frame.columns for v in frame[c]]
    parts += [json.dumps(spec) for spec in plotly_specs(app)]
    return "\n".join(parts)


def _leaks(text: str, url: str, me: str) -> list[str]:
    full = register.frames(register.open_register(url))
    tokens = set(re.findall(r"[A-Za-z0-9_-]+", text))
    mine = full.tenants[full.tenants["tenant_id"] == me].iloc[0]
    others = full.tenants[full.tenants["tenant_id"] != me]
    found = [t for t in others["tenant_id"] if t in tokens]
    for column in ("name", "contact_name", "contact_email", "contact_phone"):
        found += [v for v in set(others[column].dropna())
                  if v in text and v not in set(map(str, mine.values))]  # fmt: skip
    leases = full.leases
    return found + [x for x in leases.loc[leases["tenant_id"] != me, "lease_id"] if x in tokens]


def _tess(tid: str) -> Principal:
    return Principal("tess", Role.TENANT, tenant_id=tid, via="password")


def test_a_tenant_sees_its_own_leases_and_bookings_and_nobody_elses(mill: str) -> None:
    me, other = _seed(mill)
    app = page_app("page_tenancy", mill, **{state.USER: _tess(me)})
    app.run()
    no_exception(app)
    text = _page_text(app)
    assert _leaks(text, mill, me) == []
    full = register.frames(register.open_register(mill))
    leases = full.leases[full.leases["tenant_id"] == me]
    table = next(d.value for d in app.dataframe if "lease_id" in d.value.columns
                 and "rent_eur_per_month" in d.value.columns)  # fmt: skip
    assert set(table["lease_id"]) == set(leases["lease_id"])
    today = dt.date.today()
    running = leases[(leases["start"] <= today) & (leases["end"] >= today)]
    rent = next(m.value for m in app.metric if m.label == "Rent [€/month]")
    assert rent == f"{running['rent_eur_per_month'].sum():,.2f}"
    name = full.tenants.set_index("tenant_id").loc[me, "name"]
    assert any(shown(s.value) == f"{name} ({me})" for s in app.subheader)
    # the timeline shows the other member's booking as "booked", its own by its name
    app.date_input(key="tenancy_week").set_value(DAY).run()
    no_exception(app)
    timeline = next(s for s in plotly_specs(app) if s["layout"].get("legend", {}).get(
        "title", {}).get("text") == "Tenant")  # fmt: skip
    bars = {t["name"]: t for t in timeline["data"] if t.get("type") == "bar"}
    assert set(bars) == {f"{name} (you)", "other tenants (booked)"}
    ours = register.list_bookings(register.open_register(mill))
    days = pd.to_datetime(ours["start"].astype(str).str[:10]).dt.date
    in_week = (days >= DAY) & (days < DAY + dt.timedelta(days=7))  # the week shown
    assert bars[f"{name} (you)"]["customdata"] == list(
        ours.loc[in_week & (ours["tenant_id"] == me), "booking_id"]
    )
    assert bars["other tenants (booked)"]["customdata"] == ["booked"]
    assert _leaks(_page_text(app), mill, me) == []
    assert f"job of {other}" not in _page_text(app)


def test_the_plan_and_the_energy_figures_are_its_own_view(mill: str) -> None:
    me, _ = _seed(mill)
    app = page_app("page_tenancy", mill, **{state.USER: _tess(me)})
    app.run()
    no_exception(app)
    with access.acting_as(_tess(me)):
        view = own_view(register.open_register(mill))
    plan = next(s for s in plotly_specs(app) if any(t.get("name") == "spaces" for t in s["data"]))
    marker = next(t for t in plan["data"] if t["name"] == "spaces")
    storey = plan["layout"]["title"]["text"]
    expected = view.plan[view.plan["storey"] == storey]["global_id"]
    assert sorted(c[0] if isinstance(c, list) else c for c in marker["customdata"]) == sorted(
        expected
    )
    energy = next(d.value for d in app.dataframe if "cost_eur" in d.value.columns
                  and "month" in d.value.columns and "item" not in d.value.columns)  # fmt: skip
    assert list(energy["cost_eur"]) == list(view.energy["cost_eur"])
    assert set(energy["tenant_id"]) == {me}


def test_a_tenant_books_for_itself_through_the_form(mill: str) -> None:
    me, _ = _seed(mill)
    before = set(register.list_bookings(register.open_register(mill))["booking_id"])
    app = page_app("page_tenancy", mill, **{state.USER: _tess(me)})
    app.run()
    app.selectbox(key="tenancy_equipment").set_value("E001")
    app.date_input(key="tenancy_start_day").set_value(DAY)
    app.time_input(key="tenancy_start_time").set_value(dt.time(15))
    app.date_input(key="tenancy_end_day").set_value(DAY)
    app.time_input(key="tenancy_end_time").set_value(dt.time(16))
    next(b for b in app.get("form_submit_button") if b.proto.label == "Book").click().run()
    no_exception(app)
    after = register.list_bookings(register.open_register(mill))
    new = after[~after["booking_id"].isin(before)]
    assert list(new["tenant_id"]) == [me]
    audit = register.get_audit(register.open_register(mill))
    made = audit[audit["verb"] == "make_booking"]
    entry = made[made["record"] == new["booking_id"].iloc[0]]
    assert list(entry["actor"]) == ["tess"]


def test_the_leak_search_finds_the_other_tenant_on_the_staff_bookings_page(mill: str) -> None:
    me, other = _seed(mill)
    app = page_app("page_bookings", mill)  # as the OS user: staff
    app.run()
    app.date_input(key="bookings_week").set_value(DAY).run()
    no_exception(app)
    assert other in _leaks(_page_text(app), mill, me)


def test_the_bookings_page_sends_a_tenant_to_my_tenancy(mill: str) -> None:
    me, _ = _seed(mill)
    app = page_app("page_bookings", mill, **{state.USER: _tess(me)})
    app.run()
    no_exception(app)
    assert any("My tenancy" in i.value for i in app.info)
    assert not app.dataframe and not plotly_specs(app)


def test_staff_view_the_page_as_a_tenant_and_the_municipality_is_turned_away(mill: str) -> None:
    me, _ = _seed(mill)
    app = page_app("page_tenancy", mill, **{
        state.USER: Principal("lou", Role.LANDLORD), page_tenancy.VIEW_AS: me})  # fmt: skip
    app.run()
    no_exception(app)
    assert app.selectbox(key=page_tenancy.VIEW_AS).value == me
    assert _leaks(_page_text(app).replace(str(app.selectbox(key=page_tenancy.VIEW_AS).options),
                                          ""), mill, me) == []  # fmt: skip
    town = page_app("page_tenancy", mill, **{state.USER: Principal("clerk", Role.MUNICIPALITY)})
    town.run()
    no_exception(town)
    assert not town.dataframe and any("tenant's own page" in i.value for i in town.info)


def test_the_statement_download_is_its_statement(mill: str) -> None:
    me, _ = _seed(mill)
    with access.acting_as(_tess(me)):
        view = own_view(register.open_register(mill))
    month = str(view.energy["month"].iloc[-1])
    csv = page_tenancy.statement_bytes(view, month, ".csv").decode("utf-8")
    lines = view.statements[view.statements["month"] == month]
    read = pd.read_csv(io.StringIO(csv))
    assert list(read["item"]) == list(lines["item"])
    assert list(read["cost_eur"]) == list(lines["cost_eur"])
    assert _leaks(csv, mill, me) == []
