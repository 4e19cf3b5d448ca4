"""Bookings of shared machines: a week's timeline per machine, book and cancel, trainings,
and the use of each machine per week (saturated and idle flagged).

Times are the site's local wall-clock time (its time-zone setting); the register's rules
decide every booking (:func:`site_manager.register.make_booking`) and a refusal is shown
under the field it concerns, with the reason and who can give an induction.

The page names every tenant: a user of role tenant is sent to My tenancy
(:mod:`site_manager.app.page_tenancy`), which shows the same machines with other tenants'
bookings as "booked" and books for that tenant only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from site_manager import sharing, tabular
from site_manager.app import data, state, ui
from site_manager.app.page_tenants import DATE_RANGE, show_refusal
from site_manager.errors import SiteManagerError
from site_manager.register import access

#: Height of one machine's row of the timeline. [px]
ROW_PX = 34
#: Session key of the week to show on the next run (the week of a booking just made).
SHOW_WEEK = "bookings_show_week"
#: Session key of the week the booking form's days were set for.
FORM_WEEK = "bookings_form_week"


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s ISO week."""
    return day - dt.timedelta(days=day.weekday())


def machine_label(row: Any) -> str:
    """A machine as shown on the timeline and in pickers: ``E001 CNC router``."""
    name = row.get("name") if isinstance(row, dict) else getattr(row, "name", "")
    eid = row["equipment_id"] if isinstance(row, dict) else row.equipment_id
    return f"{eid} {name or ''}".strip()


def shared_machines(equipment: pd.DataFrame) -> pd.DataFrame:
    """The shared machines of a site (``equipment`` as ``frames.equipment``), by id."""
    if equipment.empty or "shared" not in equipment.columns:
        return equipment.iloc[0:0]
    shared = equipment[equipment["shared"].fillna(False).astype(bool)]
    return shared.sort_values("equipment_id")


def week_bookings(bookings: pd.DataFrame, monday: dt.date) -> pd.DataFrame:
    """Live bookings that overlap the week from ``monday`` 00:00 (local) for seven days,
    with ``start_local``/``end_local`` as naive local times."""
    if bookings.empty:
        return bookings.assign(start_local=[], end_local=[])
    lo = dt.datetime.combine(monday, dt.time(0))
    hi = lo + dt.timedelta(days=7)
    out = bookings.copy()
    out["start_local"] = [t.replace(tzinfo=None) for t in out["start"]]
    out["end_local"] = [t.replace(tzinfo=None) for t in out["end"]]
    return out[(out["start_local"] < hi) & (out["end_local"] > lo)]


def timeline(
    bookings: pd.DataFrame, machines: pd.DataFrame, monday: dt.date, names: dict[str, str]
) -> go.Figure:
    """One row per shared machine, the week's bookings as bars (one colour per tenant).

    ``bookings`` as :func:`week_bookings` gives them; ``names``: tenant id → name.
    """
    labels = {r["equipment_id"]: tabular.html_text(machine_label(r))
              for r in machines.to_dict("records")}  # fmt: skip
    rows = list(labels.values())
    fig = go.Figure()
    # every machine has its row, booked this week or not
    fig.add_trace(go.Scatter(x=[dt.datetime.combine(monday, dt.time(12))] * len(rows), y=rows,
                             mode="markers", marker={"opacity": 0}, showlegend=False,
                             hoverinfo="skip", name="machines"))  # fmt: skip
    for tenant, group in bookings.groupby("tenant_id", sort=True):
        who = tabular.html_text(f"{names.get(str(tenant), tenant)} ({tenant})")
        fig.add_trace(go.Bar(
            name=who, orientation="h", y=[labels.get(e, e) for e in group["equipment_id"]],
            base=[t.isoformat() for t in group["start_local"]],
            x=[(b - a).total_seconds() * 1000 for a, b in zip(group["start_local"],
                                                               group["end_local"], strict=True)],
            customdata=group["booking_id"].tolist(),
            hovertext=[f"{b} · {who}<br>{s:%a %d %b %H:%M} – {e:%H:%M}"
                       f"<br>{tabular.html_text(p or '')}"
                       for b, s, e, p in zip(group["booking_id"], group["start_local"],
                                             group["end_local"], group["purpose"], strict=True)],
            hoverinfo="text"))  # fmt: skip
    lo = dt.datetime.combine(monday, dt.time(0))
    fig.update_layout(
        barmode="overlay", height=120 + ROW_PX * max(len(rows), 1),
        margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend_title_text="Tenant",
        xaxis={"type": "date", "range": [lo.isoformat(), (lo + dt.timedelta(days=7)).isoformat()],
               "dtick": 86400000, "tickformat": "%a %d %b", "showgrid": True},
        yaxis={"type": "category", "categoryorder": "array", "categoryarray": rows[::-1]},
    )  # fmt: skip
    return fig


def _time_pair(prefix: str, label: str, at: dt.time) -> tuple[Any, Any]:
    """A day and a time picker; the day is kept in the state by :func:`book_form`."""
    st.session_state.setdefault(f"{prefix}_time", at)
    left, right = st.columns(2)
    d = left.date_input(f"{label} day", **DATE_RANGE, key=f"{prefix}_day")
    t = right.time_input(f"{label} time", step=900, key=f"{prefix}_time")
    return d, t


def book_form(url: str, site: str, machines: pd.DataFrame, frames: Any, monday: dt.date) -> None:
    """Book a shared machine; the register's rules decide and say where it is wrong."""
    tenant_names = dict(zip(frames.tenants["tenant_id"], frames.tenants["name"], strict=True))
    labels = {r["equipment_id"]: machine_label(r) for r in machines.to_dict("records")}
    if st.session_state.get(FORM_WEEK) != monday:  # a new week shown: the form follows it
        st.session_state[FORM_WEEK] = monday
        for key in ("book_start_day", "book_end_day"):
            st.session_state[key] = max(monday, dt.date.today())
    with st.form("book_machine", border=True):
        st.subheader("Book a machine")
        slots: dict[str, Any] = {}
        eid = st.selectbox("Machine", list(labels), format_func=lambda e: labels.get(e, e),
                           key="book_equipment")  # fmt: skip
        slots["equipment_id"] = st.container(key="book_error_equipment_id")
        tid = st.selectbox("Tenant", list(tenant_names),
                           format_func=lambda t: f"{tenant_names.get(t, t)} ({t})",
                           key="book_tenant")  # fmt: skip
        slots["tenant_id"] = st.container(key="book_error_tenant_id")
        d0, t0 = _time_pair("book_start", "Start", dt.time(9, 0))
        slots["start"] = st.container(key="book_error_start")
        d1, t1 = _time_pair("book_end", "End", dt.time(11, 0))
        slots["end"] = st.container(key="book_error_end")
        purpose = st.text_input("Purpose", key="book_purpose", max_chars=200)
        slots["purpose"] = st.container(key="book_error_purpose")
        slots["form"] = st.container(key="book_error_form")
        if not st.form_submit_button("Book", type="primary"):
            return
    if eid is None or tid is None:
        slots["form"].error("Pick a machine and a tenant.", icon="⚠️")
        return
    from site_manager import register

    start, end = dt.datetime.combine(d0, t0), dt.datetime.combine(d1, t1)
    try:
        booking_id = register.make_booking(data.get_engine(url), equipment_id=eid, tenant_id=tid,
                                           start=start, end=end, purpose=purpose or "",
                                           site=site)  # fmt: skip
    except SiteManagerError as error:
        show_refusal(error, slots, default="form")
        return
    when = f"{start:%Y-%m-%d %H:%M} → {end:%Y-%m-%d %H:%M}"
    state.flash("success", f"Booking {booking_id}: {labels.get(eid, eid)} for "
                f"{tenant_names.get(tid, tid)}, {when}.")  # fmt: skip
    st.session_state[SHOW_WEEK] = week_start(d0)  # applied before the week picker is drawn
    st.rerun()


def cancel_form(url: str, site: str, bookings: pd.DataFrame, names: dict[str, str]) -> None:
    """Cancel a live booking."""
    labels = {r["booking_id"]: f"{r['booking_id']}: {r['equipment_id']} for "
              f"{names.get(r['tenant_id'], r['tenant_id'])}, "
              f"{r['start']:%Y-%m-%d %H:%M} – {r['end']:%H:%M}"
              for r in bookings.to_dict("records")}  # fmt: skip
    cancel_booking_form(url, site, labels, key="cancel_booking")


def cancel_booking_form(url: str, site: str, labels: dict[str, str], *, key: str) -> None:
    """The form that cancels one of ``labels`` (booking id → label) through the register.

    ``key`` names the form; its select box is ``{key}_id`` and the place of its refusal
    ``{key}_error`` (both pages that cancel bookings use it: Bookings and My tenancy).
    """
    if st.session_state.get(f"{key}_id") not in labels:  # none, or cancelled since
        st.session_state.pop(f"{key}_id", None)
    with st.form(key, border=True):
        st.subheader("Cancel a booking")
        bid = st.selectbox("Booking", list(labels), format_func=lambda b: labels.get(b, b),
                           key=f"{key}_id")  # fmt: skip
        slots: dict[str, Any] = {"booking_id": st.container(key=f"{key}_error")}
        if not st.form_submit_button("Cancel the booking"):
            return
    if bid is None:
        slots["booking_id"].error("Pick a booking.", icon="⚠️")
        return
    from site_manager import register

    try:
        register.cancel_booking(data.get_engine(url), bid, site=site)
    except SiteManagerError as error:
        show_refusal(error, slots, default="booking_id")
        return
    state.flash("success", f"Booking {bid} cancelled: its time is free again.")
    st.rerun()


def grant_form(url: str, site: str, frames: Any, types: list[str]) -> None:
    """Record an induction: a tenant trained on a machine type."""
    tenant_names = dict(zip(frames.tenants["tenant_id"], frames.tenants["name"], strict=True))
    with st.form("grant_training", border=True):
        st.subheader("Grant a training")
        slots: dict[str, Any] = {}
        tid = st.selectbox("Tenant", list(tenant_names),
                           format_func=lambda t: f"{tenant_names.get(t, t)} ({t})",
                           key="grant_tenant")  # fmt: skip
        slots["tenant_id"] = st.container(key="grant_error_tenant_id")
        kind = st.selectbox("Machine type", types, accept_new_options=True, key="grant_type")
        slots["equipment_type"] = st.container(key="grant_error_equipment_type")
        by = st.text_input("Granted by", key="grant_by", max_chars=200)
        slots["granted_by"] = st.container(key="grant_error_granted_by")
        ends = st.checkbox("Valid until a date", key="grant_ends")
        until = st.date_input("Valid until (last day)", value=dt.date.today().replace(
            year=dt.date.today().year + 1), **DATE_RANGE, key="grant_until")  # fmt: skip
        slots["valid_until"] = st.container(key="grant_error_valid_until")
        slots["form"] = st.container(key="grant_error_form")
        if not st.form_submit_button("Grant"):
            return
    if tid is None or not kind:
        slots["form"].error("Pick a tenant and a machine type.", icon="⚠️")
        return
    from site_manager import register

    try:
        record = register.grant_training(data.get_engine(url), tenant_id=tid, equipment_type=kind,
                                         granted_by=by or "", valid_until=until if ends else None,
                                         site=site)  # fmt: skip
    except SiteManagerError as error:
        show_refusal(error, slots, default="form")
        return
    state.flash("success", f"Training {record} granted to {tenant_names.get(tid, tid)}.")
    st.rerun()


@st.cache_data(max_entries=8, show_spinner=False)
def register_tables(url: str, site: str, version: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The site's live bookings and its trainings (``version``: the cache key)."""
    from site_manager import register

    engine = data.get_engine(url)
    return register.list_bookings(engine, site), register.list_trainings(engine, site)


def usage_section(bookings: pd.DataFrame, equipment: pd.DataFrame, monday: dt.date,
                  site: str) -> None:  # fmt: skip
    """Utilisation per machine and ISO week, saturated and idle machines of the week named."""
    st.subheader("Use and capacity")
    usage = sharing.utilisation(bookings, equipment)
    st.caption(f"Booked hours within the opening hours over 7 × the opening hours; "
               f"saturated above {sharing.SATURATED_ABOVE:.0%}, idle below "
               f"{sharing.IDLE_BELOW:.0%}.")  # fmt: skip
    if usage.empty:
        st.info("No bookings yet: nothing to measure.")
        return
    iso = monday.isocalendar()
    week = f"{iso.year}-W{iso.week:02d}"
    this = usage[usage["week"] == week]
    if this.empty:
        st.info(f"No bookings in week {week}.")
    else:
        row = ui.metric_row()
        row.metric(f"Saturated in {week}", int((this["status"] == "saturated").sum()))
        row.metric(f"Idle in {week}", int((this["status"] == "idle").sum()))
        row.metric(f"Booked in {week} [h]", f"{this['booked_h'].sum():,.1f}")
        for r in this[this["status"] == "saturated"].to_dict("records"):
            st.warning(ui.text(f"{r['equipment_id']} ({r['type']}) is saturated in {week}: "
                               f"{r['utilisation']:.0%} of its capacity booked; a second "
                               "machine of the type would relieve it."), icon="🔥")  # fmt: skip
    ui.table(usage, f"{site}_utilisation", key="bookings_usage")


@ui.page
def render() -> None:
    st.title("Bookings")
    if access.current().role is access.Role.TENANT:
        st.info("Book and cancel your machine bookings on My tenancy: it shows the shared "
                "machines' week with your bookings, and other tenants' as booked.")  # fmt: skip
        return
    state.show_flash()
    url, site = ui.site_picker()
    if site is None:
        return
    version = data.data_version(url)
    frames = data.get_frames(url, site, version)
    zone = frames.site.get("time_zone") or "the default time zone"
    machines = shared_machines(frames.equipment)
    if machines.empty:
        st.info(ui.text(f"Site {site} has no shared equipment, so there is nothing to book. "
                        "Record a machine and mark it shared (`site-manager equipment add ... "
                        "--shared yes`) to book it here."))  # fmt: skip
        return
    bookings, trainings = register_tables(url, site, version)
    names = dict(zip(frames.tenants["tenant_id"], frames.tenants["name"], strict=True))
    st.caption(ui.text(f"Times are local to the site ({zone}); a booking holds [start, end)."))
    if st.session_state.get(SHOW_WEEK) is not None:
        st.session_state["bookings_week"] = st.session_state.pop(SHOW_WEEK)
    if "bookings_week" not in st.session_state:
        st.session_state["bookings_week"] = week_start(dt.date.today())
    day = st.date_input("Week of", key="bookings_week", **DATE_RANGE)
    monday = week_start(day)
    week = week_bookings(bookings, monday)
    ui.figure(timeline(week, machines, monday, names), f"{site}_bookings_{monday}",
              key="bookings_timeline")  # fmt: skip
    if not week.empty:
        with st.expander(f"The week's bookings ({len(week)})"):
            ui.table(week.drop(columns=["start_local", "end_local"]), f"{site}_bookings_{monday}",
                     key="bookings_week_table")  # fmt: skip
    left, right = st.columns(2)
    with left:
        book_form(url, site, machines, frames, monday)
    with right:
        cancel_form(url, site, bookings, names)

    st.subheader("Trainings")
    gated = machines[machines["induction_required"].fillna(False).astype(bool)]
    types = sorted(set(gated["type"].dropna()) | set(machines["type"].dropna()))
    if gated.empty:
        st.caption("No shared machine of this site requires an induction.")
    else:
        st.caption(ui.text("Machine types that require an induction: "
                           + ", ".join(sorted(set(gated["type"].dropna())))))  # fmt: skip
    left, right = st.columns(2)
    with left:
        if trainings.empty:
            st.info("No trainings yet.")
        else:
            shown = trainings.copy()
            shown.insert(1, "tenant_name", shown["tenant_id"].map(names))
            ui.table(shown, f"{site}_trainings", key="bookings_trainings")
    with right:
        grant_form(url, site, frames, types)
    usage_section(bookings, frames.equipment, monday, site)
