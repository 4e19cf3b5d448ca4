"""My tenancy: a tenant's own leases and where they are, its energy statements, its bookings.

The page reads the register through :func:`site_manager.register.own.own_view` only, which
checks who is reading and returns nothing of another tenant: another tenant's booking is a
time "booked". A user of role tenant sees its own tenant; staff (admin, planner, landlord)
pick a tenant to view the page as it sees it. Booking and cancelling go through the
register's verbs, which let a tenant book and cancel for itself only.
"""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from site_manager import figures
from site_manager.app import data, state, ui
from site_manager.app.page_bookings import (
    cancel_booking_form,
    machine_label,
    timeline,
    week_bookings,
    week_start,
)
from site_manager.app.page_energy import statement_buttons
from site_manager.app.page_tenants import DATE_RANGE, show_refusal
from site_manager.errors import SiteManagerError
from site_manager.register import access
from site_manager.register.access import Principal, Role
from site_manager.register.own import NEEDS_INDUCTION, OTHER, TO_COME, YOURS, OwnView

#: Fill colours of the plan: its own units and every other space.
PLAN_COLOURS = {OTHER: "#e6e6e6", YOURS: "#d62728", TO_COME: "#ff9896"}
#: Session key of the tenant staff view the page as.
VIEW_AS = "tenancy_view_as"
#: The timeline's ``tenant_id`` of one's own bookings and of everyone else's.
YOU, BOOKED = "you", "booked"


@st.cache_data(max_entries=16, show_spinner="Reading your tenancy…")
def cached_view(
    url: str, site: str, tenant_id: str, version: int, user: tuple[str, str, str | None, str]
) -> OwnView:
    """:func:`~site_manager.register.own.own_view` of ``tenant_id`` read as ``user`` (name,
    role, tenant, via: all four are in the cache key, so no user is served another's view).
    """
    from site_manager.register.own import own_view

    who = Principal(user[0], user[1], user[2], via=user[3])
    return own_view(data.get_engine(url), site, tenant_id=tenant_id, actor=who)


def _pick_site(url: str, who: Principal) -> str | None:
    """A tenant user's sites (where its tenant id is a tenant); staff: the site picker."""
    from site_manager.register.own import own_sites

    if who.role is not Role.TENANT:
        return ui.site_picker()[1]
    sites = own_sites(data.get_engine(url), who)
    if not sites:
        st.info(ui.text(f"Your user is bound to tenant {who.tenant_id}, which is a tenant of "
                        "no site in the register; ask the site to record it."))  # fmt: skip
        return None
    if st.session_state.get(state.SITE) not in sites:
        st.session_state[state.SITE] = sites[0]
    return st.sidebar.selectbox("Site", sites, key=state.SITE) if len(sites) > 1 else sites[0]


def _pick_tenant(url: str, site: str, who: Principal) -> str | None:
    """A tenant user's own tenant; staff pick the tenant to view the page as."""
    if who.role is Role.TENANT:
        return who.tenant_id
    tenants = data.get_frames(url, site, data.data_version(url)).tenants
    if tenants.empty:
        st.info("The site has no tenants yet.")
        return None
    names = dict(zip(tenants["tenant_id"], tenants["name"], strict=True))
    ids = sorted(names)
    if st.session_state.get(VIEW_AS) not in ids:
        st.session_state[VIEW_AS] = ids[0]
    st.caption("You are staff: view the page as one tenant sees it.")
    return st.selectbox("View as tenant", ids, key=VIEW_AS,
                        format_func=lambda t: f"{names.get(t, '')} ({t})")  # fmt: skip


def plan_section(view: OwnView, site: str) -> None:
    """Where its units are: the plan of each storey they are on, its units in colour."""
    plan = view.plan
    if plan.empty:
        st.info(
            "No plan to show: you hold no running or signed lease, or none of your units "
            "has an outline in the model."
        )
        return
    import geopandas as gpd
    import shapely

    own = plan["where"].isin([YOURS, TO_COME])
    storeys = sorted(set(plan.loc[own, "storey"]))
    storey = ui.storey_picker(storeys, key="tenancy_storey") if len(storeys) > 1 else storeys[0]
    on = plan[plan["storey"] == storey]
    gdf = gpd.GeoDataFrame(on.drop(columns="footprint_wkt"),
                           geometry=[shapely.from_wkt(w) for w in on["footprint_wkt"]])  # fmt: skip
    fig = figures.floor_plan_figure(
        gdf, color_by="where", palette=PLAN_COLOURS, numeric=False, title=storey,
        selected=list(on.loc[on["where"].isin([YOURS, TO_COME]), "global_id"]),
    )  # fmt: skip
    ui.figure(fig, f"{site}_{view.tenant_id}_plan_{storey}", key="tenancy_plan")


def leases_tab(view: OwnView, site: str) -> None:
    """Its leases (unit, area, rent, dates) and where they are."""
    leases = view.leases
    if leases.empty:
        st.info("You hold no lease at this site.")
        return
    running = leases[leases["status"] == "running"]
    row = ui.metric_row()
    row.metric("Running leases", len(running))
    row.metric("Area let [m²]", f"{running['area_m2'].sum():,.1f}")
    row.metric("Rent [€/month]", f"{running['rent_eur_per_month'].sum():,.2f}")
    ui.table(leases, f"{site}_{view.tenant_id}_leases", key="tenancy_leases")
    plan_section(view, site)


def statement_bytes(view: OwnView, month: str, suffix: str) -> bytes:
    """Its statement of ``month`` as the library writes it (``.csv``/``.xlsx``), as bytes."""
    from site_manager.energy.tenant_reports import write_statement

    lines = view.statements[view.statements["month"] == month].drop(columns="month")
    with tempfile.TemporaryDirectory(prefix="statement-") as folder:
        path = write_statement(lines.reset_index(drop=True), Path(folder) / f"statement{suffix}",
                               header={**view.about, "month": month})  # fmt: skip
        return path.read_bytes()


def energy_tab(view: OwnView, site: str) -> None:
    """Its energy, cost and CO₂ per month and per year, and each month's statement."""
    for note in view.notes:
        st.warning(ui.text(note))
    energy = view.energy
    if energy.empty:
        st.info("No energy to show: you held no lease and had no meter reading in the "
                "months the site has readings for.")  # fmt: skip
        return
    st.caption("Your own use and your share of the common parts, split from the site's meters "
               "and model so that the tenants' figures add up to the site's.")  # fmt: skip
    years = energy.assign(year=energy["month"].str[:4]).groupby("year", as_index=False)[
        ["electricity_kwh", "heat_kwh", "fuel_kwh", "cost_eur", "co2_kg"]].sum()  # fmt: skip
    by = st.segmented_control("Per", ["month", "year"], default="month", key="tenancy_per")
    if by == "year":
        ui.table(years, f"{site}_{view.tenant_id}_energy_years", key="tenancy_energy_years")
    else:
        ui.table(energy, f"{site}_{view.tenant_id}_energy", key="tenancy_energy")
    st.subheader("Statement")
    months = sorted(set(energy["month"]), reverse=True)
    month = st.selectbox("Month", months, key="tenancy_month")
    if month not in months:
        month = months[0]
    lines = view.statements[view.statements["month"] == month].drop(columns="month")
    st.dataframe(lines, hide_index=True, key="tenancy_statement_df",
                 column_config=ui.number_columns(lines))  # fmt: skip
    statement_buttons(
        f"statement_{site}_{view.tenant_id}_{month}",
        functools.partial(statement_bytes, view, month),
        key="tenancy_statement",
    )
    with st.expander("Every month's statement"):
        ui.table(view.statements, f"{site}_{view.tenant_id}_statements",
                 key="tenancy_statements")  # fmt: skip


def busy_week(view: OwnView, monday: dt.date) -> pd.DataFrame:
    """The week's busy times as :func:`~site_manager.app.page_bookings.week_bookings` gives
    them, with ``tenant_id`` :data:`YOU` or :data:`BOOKED` (no other tenant is named).
    """
    busy = view.busy
    own = dict(zip(view.bookings["booking_id"], view.bookings["purpose"], strict=True))
    frame = pd.DataFrame({
        "booking_id": busy["booking_id"], "equipment_id": busy["equipment_id"],
        "tenant_id": [YOU if y else BOOKED for y in busy["yours"]],
        "start": busy["start"], "end": busy["end"],
        "purpose": [own.get(b, "") if y else "" for b, y in zip(busy["booking_id"],
                                                                 busy["yours"], strict=True)],
    })  # fmt: skip
    return week_bookings(frame, monday)


def bookings_tab(view: OwnView, url: str, site: str) -> None:
    """The shared machines' week (its bookings named, others' "booked"), book and cancel."""
    machines = view.machines
    if machines.empty:
        st.info("The site has no shared machine to book.")
        return
    zone = view.site.get("time_zone") or "the default time zone"
    st.caption(ui.text(f"Times are local to the site ({zone}); a booking holds [start, end). "
                       "Other tenants' bookings show as booked."))  # fmt: skip
    if "tenancy_week" not in st.session_state:
        st.session_state["tenancy_week"] = week_start(dt.date.today())
    monday = week_start(st.date_input("Week of", key="tenancy_week", **DATE_RANGE))
    names = {YOU: f"{view.tenant.get('name') or view.tenant_id}", BOOKED: "other tenants"}
    ui.figure(timeline(busy_week(view, monday), machines, monday, names),
              f"{site}_{view.tenant_id}_bookings_{monday}", key="tenancy_timeline")  # fmt: skip
    left, right = st.columns(2)
    with left:
        book_form(view, url, site, monday)
    with right:
        cancel_form(view, url, site)
    st.subheader("Your bookings")
    if view.bookings.empty:
        st.info("You have no bookings yet.")
    else:
        ui.table(view.bookings, f"{site}_{view.tenant_id}_bookings", key="tenancy_bookings")
    st.subheader("Machines and your trainings")
    ui.table(machines, f"{site}_shared_machines", key="tenancy_machines")
    if view.trainings.empty:
        st.caption("You hold no training at this site.")
    else:
        ui.table(view.trainings, f"{site}_{view.tenant_id}_trainings", key="tenancy_trainings")


def book_form(view: OwnView, url: str, site: str, monday: dt.date) -> None:
    """Book a shared machine for itself; the register's rules decide."""
    labels = {r["equipment_id"]: machine_label(r) + (" (induction needed)" if r["trained"]
              == NEEDS_INDUCTION else "") for r in view.machines.to_dict("records")}  # fmt: skip
    if st.session_state.get("tenancy_form_week") != monday:
        st.session_state["tenancy_form_week"] = monday
        for key in ("tenancy_start_day", "tenancy_end_day"):
            st.session_state[key] = max(monday, dt.date.today())
    for key, at in (("tenancy_start_time", dt.time(9)), ("tenancy_end_time", dt.time(11))):
        st.session_state.setdefault(key, at)
    with st.form("tenancy_book", border=True):
        st.subheader("Book a machine")
        slots: dict[str, Any] = {}
        eid = st.selectbox("Machine", list(labels), format_func=lambda e: labels.get(e, e),
                           key="tenancy_equipment")  # fmt: skip
        slots["equipment_id"] = st.container(key="tenancy_error_equipment_id")
        slots["tenant_id"] = st.container(key="tenancy_error_tenant_id")
        a, b = st.columns(2)
        d0 = a.date_input("Start day", **DATE_RANGE, key="tenancy_start_day")
        t0 = b.time_input("Start time", step=900, key="tenancy_start_time")
        slots["start"] = st.container(key="tenancy_error_start")
        a, b = st.columns(2)
        d1 = a.date_input("End day", **DATE_RANGE, key="tenancy_end_day")
        t1 = b.time_input("End time", step=900, key="tenancy_end_time")
        slots["end"] = st.container(key="tenancy_error_end")
        purpose = st.text_input("Purpose", key="tenancy_purpose", max_chars=200)
        slots["purpose"] = st.container(key="tenancy_error_purpose")
        slots["form"] = st.container(key="tenancy_error_form")
        if not st.form_submit_button("Book", type="primary"):
            return
    if eid is None:
        slots["form"].error("Pick a machine.", icon="⚠️")
        return
    from site_manager import register

    start, end = dt.datetime.combine(d0, t0), dt.datetime.combine(d1, t1)
    try:
        bid = register.make_booking(data.get_engine(url), equipment_id=eid,
                                    tenant_id=view.tenant_id, start=start, end=end,
                                    purpose=purpose or "", site=site)  # fmt: skip
    except SiteManagerError as error:
        show_refusal(error, slots, default="form")
        return
    state.flash("success", f"Booking {bid}: {labels.get(eid, eid)}, "
                f"{start:%Y-%m-%d %H:%M} → {end:%Y-%m-%d %H:%M}.")  # fmt: skip
    st.rerun()


def cancel_form(view: OwnView, url: str, site: str) -> None:
    """Cancel one of its live bookings."""
    live = view.bookings[view.bookings["cancelled_at"].isna()] if len(view.bookings) else None
    labels = ({r["booking_id"]: f"{r['booking_id']}: {r['equipment_id']}, "
               f"{r['start']:%Y-%m-%d %H:%M} – {r['end']:%H:%M}"
               for r in live.to_dict("records")} if live is not None else {})  # fmt: skip
    cancel_booking_form(url, site, labels, key="tenancy_cancel")


@ui.page
def render() -> None:
    st.title("My tenancy")
    state.show_flash()
    who = access.current()
    if who.role is Role.MUNICIPALITY:
        st.info("My tenancy is a tenant's own page; your role reads the site's aggregates.")
        return
    url = st.session_state[state.DB_URL]
    site = _pick_site(url, who)
    if site is None:
        return
    tid = _pick_tenant(url, site, who)
    if tid is None:
        return
    user = (who.name, who.role.value, who.tenant_id, who.via)
    view = cached_view(url, site, tid, data.data_version(url), user)
    st.subheader(ui.text(f"{view.tenant.get('name') or tid} ({tid})"))
    st.caption(ui.text(f"at {view.site.get('name') or site} ({site})"))
    leases, energy, bookings = st.tabs(["Leases", "Energy", "Bookings"])
    with leases:
        leases_tab(view, site)
    with energy:
        energy_tab(view, site)
    with bookings:
        bookings_tab(view, url, site)
