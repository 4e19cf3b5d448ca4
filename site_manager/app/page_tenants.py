"""Tenants and leases: the directory, the lease table; sign and end leases."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from site_manager.app import data, state, ui
from site_manager.errors import SiteManagerError

#: Dates a lease may take (Streamlit's default is ten years either side of today).
DATE_RANGE: dict[str, Any] = {"min_value": dt.date(1950, 1, 1), "max_value": dt.date(2100, 12, 31)}


def show_refusal(error: SiteManagerError, slots: dict[str, Any], *, default: str) -> None:
    """Show a refusal of the register under the slot of each field it names.

    ``slots`` maps a field of the contract (``rent_eur_per_month``) to the container under
    its widget; a problem of a field without one, or an error that names no field, goes to
    ``slots[default]``.
    """
    from site_manager.register import rules

    problems = rules.problems_of(error) or [rules.Problem(default, str(error))]
    for problem in problems:
        slots.get(problem.field, slots[default]).error(ui.text(problem.message), icon="⚠️")


def directory(frames: Any) -> pd.DataFrame:
    """Tenants with their skills and equipment, one row each."""
    tenants = pd.DataFrame(frames.tenants).copy()
    if tenants.empty:
        return tenants
    skills = frames.skills
    if len(skills):
        joined = skills.groupby("tenant_id")["skill"].apply(
            lambda s: "; ".join(sorted(map(str, s)))
        )
        tenants["skills"] = tenants["tenant_id"].map(joined).fillna("")
    equipment = frames.equipment
    if len(equipment) and "owner_tenant_id" in equipment.columns:
        owned = equipment.groupby("owner_tenant_id")["name"].apply(
            lambda s: "; ".join(sorted(map(str, s)))
        )
        tenants["equipment"] = tenants["tenant_id"].map(owned).fillna("")
    return tenants


def lease_table(frames: Any, on: dt.date) -> pd.DataFrame:
    """Leases with tenant names, unit names and whether they run on ``on``."""
    leases = pd.DataFrame(frames.leases).copy()
    if leases.empty:
        return leases
    names = frames.tenants.set_index("tenant_id")["name"]
    leases.insert(2, "tenant_name", leases["tenant_id"].map(names))
    start = pd.to_datetime(leases["start"]).dt.date
    end = pd.to_datetime(leases["end"]).dt.date
    leases["status"] = [
        "running" if s <= on <= e else ("ended" if e < on else "future")
        for s, e in zip(start, end, strict=True)
    ]
    return leases.sort_values(["unit_id", "start"])


def sign_form(url: str, site: str, frames: Any) -> None:
    """The form that signs a lease; the register's rules decide, and say where it is wrong."""
    units = frames.units["unit_id"].tolist()
    tenants = frames.tenants["tenant_id"].tolist()
    unit_names = dict(zip(frames.units["unit_id"], frames.units["name"].fillna(""), strict=True))
    tenant_names = dict(zip(frames.tenants["tenant_id"], frames.tenants["name"], strict=True))
    today = dt.date.today()
    with st.form("sign_lease", border=True):
        st.subheader("Sign a lease")
        slots: dict[str, Any] = {}
        unit = st.selectbox("Unit", units, format_func=lambda u: f"{u} {unit_names.get(u, '')}",
                            accept_new_options=True, key="sign_unit")  # fmt: skip
        slots["unit_id"] = st.container(key="sign_error_unit_id")
        tenant = st.selectbox("Tenant", tenants,
                              format_func=lambda t: f"{tenant_names.get(t, t)} ({t})",
                              accept_new_options=True, key="sign_tenant")  # fmt: skip
        slots["tenant_id"] = st.container(key="sign_error_tenant_id")
        left, right = st.columns(2)
        start = left.date_input("First day", value=today.replace(day=1), **DATE_RANGE,
                                key="sign_start")  # fmt: skip
        slots["start"] = left.container(key="sign_error_start")
        end = right.date_input("Last day", **DATE_RANGE, key="sign_end",
                               value=today.replace(day=1, year=today.year + 1)
                               - dt.timedelta(days=1))  # fmt: skip
        slots["end"] = right.container(key="sign_error_end")
        left, right = st.columns(2)
        rent = left.number_input("Rent [EUR/month]", value=500.0, step=50.0, key="sign_rent")
        slots["rent_eur_per_month"] = left.container(key="sign_error_rent_eur_per_month")
        share = right.number_input("Share of common costs [0–1]", value=0.0, step=0.01,
                                   key="sign_share")  # fmt: skip
        slots["common_cost_share"] = right.container(key="sign_error_common_cost_share")
        slots["form"] = st.container(key="sign_error_form")
        if not st.form_submit_button("Sign", type="primary"):
            return
    from site_manager import register

    try:
        lease_id = register.sign_lease(
            data.get_engine(url), unit_id=unit, tenant_id=tenant, start=start, end=end,
            rent_eur_per_month=rent, common_cost_share=share, site=site,
        )  # fmt: skip
    except SiteManagerError as error:
        show_refusal(error, slots, default="form")
        return
    state.flash(
        "success",
        f"Lease {lease_id} signed: {tenant_names.get(tenant, tenant)} in unit {unit},"
        f" {start} → {end}.",
    )
    st.rerun()


def end_form(url: str, site: str, leases: pd.DataFrame) -> None:
    running = leases[leases["status"] != "ended"] if len(leases) else leases
    with st.form("end_lease", border=True):
        st.subheader("End a lease")
        options = running["lease_id"].tolist() if len(running) else []
        labels = (
            {
                r.lease_id: f"{r.lease_id}: {r.tenant_name} in {r.unit_id} until {r.end}"
                for r in running.itertuples()
            }
            if len(running)
            else {}
        )
        lease_id = st.selectbox(
            "Lease", options, format_func=lambda x: labels.get(x, x), key="end_lease_id"
        )
        slots: dict[str, Any] = {"lease_id": st.container(key="end_error_lease_id")}
        on = st.date_input("Last day", value=dt.date.today(), **DATE_RANGE, key="end_on")
        slots["end"] = st.container(key="end_error_end")
        if not st.form_submit_button("End the lease"):
            return
    if lease_id is None:
        slots["lease_id"].error("Pick a lease.", icon="⚠️")
        return
    from site_manager import register

    try:
        register.end_lease(data.get_engine(url), lease_id, on=on, site=site)
    except SiteManagerError as error:
        show_refusal(error, slots, default="lease_id")
    else:
        state.flash("success", f"Lease {lease_id} now ends on {on}.")
        st.rerun()


@ui.page
def render() -> None:
    st.title("Tenants and leases")
    state.show_flash()
    url, site = ui.site_picker()
    if site is None:
        return
    frames = data.get_frames(url, site, data.data_version(url))
    today = dt.date.today()
    tenants = directory(frames)
    leases = lease_table(frames, today)

    st.subheader("Tenant directory")
    if tenants.empty:
        st.info("No tenants yet.")
    else:
        cols = st.columns(3)
        kinds = cols[0].multiselect(
            "Kind", sorted(tenants["kind"].dropna().unique()), key="tenants_kind"
        )
        stages = cols[1].multiselect(
            "Stage", sorted(tenants["stage"].dropna().unique()), key="tenants_stage"
        )
        text = cols[2].text_input("Sector, skill or equipment contains", key="tenants_text")
        shown = tenants
        if kinds:
            shown = shown[shown["kind"].isin(kinds)]
        if stages:
            shown = shown[shown["stage"].isin(stages)]
        if text:
            haystack = (
                shown[[c for c in ("name", "sector", "skills", "equipment") if c in shown]]
                .astype(str)
                .agg(" ".join, axis=1)
            )
            shown = shown[haystack.str.contains(text, case=False, regex=False)]
        ui.table(shown, f"{site}_tenants", key="tenants_directory")

    st.subheader("Leases")
    if leases.empty:
        st.info("No leases yet.")
    else:
        ui.table(leases, f"{site}_leases", key="tenants_leases")
    left, right = st.columns(2)
    with left:
        sign_form(url, site, frames)
    with right:
        end_form(url, site, leases)
