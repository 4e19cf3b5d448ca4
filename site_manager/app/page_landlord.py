"""Landlord: occupancy and vacancy, the rent roll, and lease expiries, by storey and use."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from site_manager import figures
from site_manager.app import data, state, ui
from site_manager.app.page_tenants import lease_table


def occupancy_by(spaces: pd.DataFrame, by: str) -> pd.DataFrame:
    """Let and vacant area of the spaces in units, per value of ``by``. [m²]"""
    in_units = spaces[spaces["vacancy"] != data.NO_UNIT]
    table = (
        in_units.pivot_table(
            index=by, columns="vacancy", values="area_m2", aggfunc="sum", fill_value=0.0
        )
        .reindex(columns=[data.LET, data.VACANT], fill_value=0.0)
        .rename(columns={data.LET: "let_m2", data.VACANT: "vacant_m2"})
        .reset_index()
    )
    total = table["let_m2"] + table["vacant_m2"]
    table["occupancy"] = (table["let_m2"] / total.where(total > 0)).round(3)
    return table


def rent_roll(frames: object, spaces: pd.DataFrame, on: dt.date) -> pd.DataFrame:
    """Running leases with their unit's area and rent per m² and year."""
    leases = lease_table(frames, on)
    if leases.empty:
        return leases
    running = leases[leases["status"] == "running"].copy()
    area = spaces.groupby("unit_id")["area_m2"].sum()
    storey = spaces.groupby("unit_id")["storey"].first()
    running["storey"] = running["unit_id"].map(storey)
    running["area_m2"] = running["unit_id"].map(area).round(1)
    running["rent_eur_per_year"] = running["rent_eur_per_month"].astype(float) * 12
    running["rent_eur_per_m2_year"] = (running["rent_eur_per_year"] / running["area_m2"]).round(2)
    cols = [
        "lease_id",
        "unit_id",
        "storey",
        "tenant",
        "start",
        "end",
        "area_m2",
        "rent_eur_per_month",
        "rent_eur_per_year",
        "rent_eur_per_m2_year",
    ]
    return running[[c for c in cols if c in running]]


@ui.page
def render() -> None:
    st.title("Landlord")
    state.show_flash()
    url, site = ui.site_picker()
    if site is None:
        return
    if st.session_state.get(state.AS_OF) is None:
        st.session_state[state.AS_OF] = dt.date.today()
    on = st.date_input("As of", key=state.AS_OF)
    version = data.data_version(url, site)
    frames = data.get_frames(url, site, version)
    spaces = data.site_spaces(url, site, version, on)
    by_storey = occupancy_by(spaces, "storey")
    roll = rent_roll(frames, spaces, on)

    let_m2, vacant_m2 = float(by_storey["let_m2"].sum()), float(by_storey["vacant_m2"].sum())
    cols = st.columns(5)
    cols[0].metric("Let", f"{let_m2:,.0f} m²")
    cols[1].metric("Vacant", f"{vacant_m2:,.0f} m²")
    cols[2].metric(
        "Occupancy", f"{let_m2 / (let_m2 + vacant_m2):.0%}" if let_m2 + vacant_m2 else "–"
    )
    monthly = float(roll["rent_eur_per_month"].sum()) if len(roll) else 0.0
    cols[3].metric("Rent roll", f"€{monthly:,.0f}/month")
    cols[4].metric("Running leases", f"{len(roll)}")

    tabs = st.tabs(["Occupancy", "Rent roll", "Expiries"])
    with tabs[0]:
        by = st.radio("By", ["storey", "use"], horizontal=True, key="landlord_by")
        table = by_storey if by == "storey" else occupancy_by(spaces, "use")
        fig = figures.bar_figure(
            table,
            x=by,
            y=["let_m2", "vacant_m2"],
            title=f"Let and vacant area by {by} [m²]",
            y_title="area [m²]",
            colours={
                "let_m2": figures.VACANCY_COLOURS["let"],
                "vacant_m2": figures.VACANCY_COLOURS["vacant"],
            },
        )
        ui.figure(fig, f"{site}_occupancy_by_{by}", key="landlord_occupancy_fig")
        ui.table(table, f"{site}_occupancy_by_{by}", key="landlord_occupancy")
    with tabs[1]:
        if roll.empty:
            st.info("No lease runs on this date.")
        else:
            per_storey = roll.groupby("storey", as_index=False)["rent_eur_per_month"].sum()
            fig = figures.bar_figure(
                per_storey,
                x="storey",
                y="rent_eur_per_month",
                title="Rent roll by storey [EUR/month]",
                y_title="rent [EUR/month]",
            )
            ui.figure(fig, f"{site}_rent_roll", key="landlord_roll_fig")
            ui.table(roll, f"{site}_rent_roll", key="landlord_roll")
    with tabs[2]:
        leases = lease_table(frames, on)
        current = leases[leases["status"] != "ended"] if len(leases) else leases
        fig = figures.expiry_timeline_figure(current, today=on, title="Running and future leases")
        ui.figure(fig, f"{site}_expiries", key="landlord_expiry_fig")
        if len(current):
            ui.table(current.sort_values("end"), f"{site}_expiries", key="landlord_expiries")
