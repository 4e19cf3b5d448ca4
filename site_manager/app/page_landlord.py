"""Landlord: occupancy and vacancy, the rent roll, and lease expiries, by storey and use."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from site_manager import figures, tenancy
from site_manager.app import data, state, ui
from site_manager.app.page_tenants import lease_table


def headline(frames: object, on: dt.date) -> None:
    """Occupancy, vacancy, rent roll and expiries as metrics (``tenancy.summary``)."""
    figures_ = tenancy.summary(frames, on=on)  # type: ignore[arg-type]
    share = figures_["occupancy_by_area"]
    row = ui.metric_row()
    row.metric("Let", f"{figures_['area_let_m2']:,.0f} m²", width="content")
    row.metric(
        "Vacant", f"{figures_['area_m2'] - figures_['area_let_m2']:,.0f} m²", width="content"
    )
    row.metric(
        "Occupancy by area",
        "–" if pd.isna(share) else f"{share:.0%}",
        help=f"{figures_['units_let']} of {figures_['units']} units let",
        width="content",
    )
    row.metric("Rent roll [€/month]", f"{figures_['rent_eur_per_month']:,.0f}", width="content")
    row.metric(
        "Leases ending in 12 months", f"{figures_['leases_expiring_12_months']}", width="content"
    )


@ui.page
def render() -> None:
    st.title("Landlord")
    state.show_flash()
    url, site = ui.site_picker()
    if site is None:
        return
    if st.session_state.get(state.AS_OF) is None:
        st.session_state[state.AS_OF] = dt.date.today()
    top = st.columns([1, 1, 3])
    on = top[0].date_input("As of", key=state.AS_OF)
    by = top[1].radio("By", ["storey", "use"], horizontal=True, key="landlord_by")
    frames = data.get_frames(url, site, data.data_version(url))
    headline(frames, on)

    tabs = st.tabs(["Occupancy", "Vacant units", "Rent roll", "Expiries"])
    with tabs[0]:
        occupancy = tenancy.occupancy(frames, on=on, by=by)
        occupancy["area_vacant_m2"] = occupancy["area_m2"] - occupancy["area_let_m2"]
        fig = figures.bar_figure(
            occupancy,
            x=by,
            y=["area_let_m2", "area_vacant_m2"],
            title=f"Let and vacant area of the units by {by} on {on} [m²]",
            y_title="area [m²]",
            colours={
                "area_let_m2": figures.VACANCY_COLOURS["let"],
                "area_vacant_m2": figures.VACANCY_COLOURS["vacant"],
            },
            names={"area_let_m2": "let", "area_vacant_m2": "vacant"},
        )
        ui.figure(fig, f"{site}_occupancy_by_{by}", key="landlord_occupancy_fig")
        ui.table(occupancy, f"{site}_occupancy_by_{by}_{on}", key="landlord_occupancy")
    with tabs[1]:
        vacant = tenancy.vacancies(frames, on=on)
        if frames.units.empty:
            st.info("The site has no units yet: define them on the Units and members page "
                    "(or with `site-manager unit define`).")  # fmt: skip
        elif vacant.empty:
            st.success("Every unit is let on this day.")
        else:
            ui.table(vacant, f"{site}_vacant_units_{on}", key="landlord_vacant")
    with tabs[2]:
        roll = tenancy.rent_roll(frames, on=on)
        if roll.empty:
            st.info("No lease runs on this day.")
        else:
            grouped = tenancy.rent_roll(frames, on=on, by=by)
            fig = figures.bar_figure(
                grouped,
                x=by,
                y="rent_eur_per_month",
                title=f"Rent roll by {by} on {on} [EUR/month]",
                y_title="rent [EUR/month]",
            )
            ui.figure(fig, f"{site}_rent_roll_by_{by}", key="landlord_roll_fig")
            ui.table(roll, f"{site}_rent_roll_{on}", key="landlord_roll")
    with tabs[3]:
        months = st.slider("Window [months]", 3, 60, 12, key="landlord_months")
        leases = lease_table(frames, on)
        current = leases[leases["status"] != "ended"] if len(leases) else leases
        fig = figures.expiry_timeline_figure(current, today=on, title="Running and future leases")
        ui.figure(fig, f"{site}_lease_timeline", key="landlord_expiry_fig")
        expiring = tenancy.lease_expiries(frames, on=on, months=months)
        st.markdown(f"**{len(expiring)} lease(s) end within {months} months of {on}**")
        if len(expiring):
            ui.table(expiring, f"{site}_expiries_{on}_{months}m", key="landlord_expiries")
