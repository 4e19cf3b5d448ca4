"""Site: the floor plans, coloured by use, tenant, vacancy or a number; click a space."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from site_manager import assumptions, figures, tenancy
from site_manager.app import data, state, ui

#: Categorical colourings offered first; numeric columns of the spaces follow.
CATEGORIES = ["use", "tenant", "vacancy", "unit_id"]
NUMERIC = [
    "area_m2",
    "height_m",
    "volume_m3",
    "rent_eur_per_m2_month",
    "clear_height_m",
    "floor_load_kn_m2",
    "board_capacity_kw",
    "power_kw",
]


def _clicked_space(event: Any) -> None:
    """Apply a new click on the plan to the space picker (stale selections are ignored)."""
    click = tuple(data.space_ids(event))
    if not click:
        st.session_state[state.LAST_CLICK] = None
        return
    if click != st.session_state.get(state.LAST_CLICK):
        st.session_state[state.LAST_CLICK] = click
        st.session_state[state.SPACE] = click[0]
        st.rerun()  # draw the plan again with the space outlined


def key_figures(spaces: pd.DataFrame, frames: Any, on: dt.date) -> None:
    """Spaces, floor area, lettable area, occupancy, tenants and rent as metrics."""
    summary = tenancy.summary(frames, on=on)
    share = summary["occupancy_by_area"]
    row = ui.metric_row()
    row.metric("Spaces", f"{len(spaces):,}", width="content")
    row.metric("Floor area", f"{spaces['area_m2'].sum():,.0f} m²", width="content")
    row.metric(
        "In units",
        f"{summary['area_m2']:,.0f} m²",
        help=f"{summary['units']} units",
        width="content",
    )
    row.metric(
        "Occupancy",
        "–" if pd.isna(share) else f"{share:.0%}",
        help="by area, today",
        width="content",
    )
    row.metric("Tenants with a lease", f"{spaces['tenant_id'].nunique():,}", width="content")
    row.metric("Rent roll [€/month]", f"{summary['rent_eur_per_month']:,.0f}", width="content")


def assumed_values(frames: Any) -> None:
    """The defaults the analyses use where the register is silent, and how to give the values.

    The texts carry ids that users chose (site, spaces), so they are shown with ``st.text``:
    never read as Markdown or HTML.
    """
    found = assumptions.all_assumptions(frames)
    with st.expander("Assumed values"):
        if not found:
            st.text("No assumed values: the register gives every input.")
            return
        st.caption(
            "What the analyses of this site assume where the register says nothing, and how "
            "to give the real value."
        )
        for assumption in found:  # one text each: what is assumed, then the remedy under it
            st.text(f"• {assumption.message}.\n   → {assumption.remedy}.")


def space_details(spaces: pd.DataFrame, frames: Any, gid: str) -> None:
    """What the register knows about one space."""
    row = spaces[spaces["global_id"] == gid].iloc[0]
    st.subheader(ui.text(f"{row['name']} {row.get('long_name') or ''}".strip()))
    facts = {
        "GlobalId": gid,
        "storey": row["storey"],
        "area [m²]": f"{row['area_m2']:.1f}",
        "height [m]": f"{row['height_m']:.2f}" if pd.notna(row.get("height_m")) else "–",
        "use": row.get("use") or "–",
        "unit": row.get("unit_id") if pd.notna(row.get("unit_id")) else "–",
        "vacancy": row["vacancy"],
    }
    st.markdown("\n".join(f"- **{label}** {ui.text(value)}" for label, value in facts.items()))
    if pd.notna(row.get("lease_id")):
        st.markdown(
            f"**Tenant** {ui.text(row['tenant'])} ({ui.text(row['tenant_id'])})  \n"
            f"**Lease** {ui.text(row['lease_id'])}: {row['lease_start']} → {row['lease_end']}, "
            f"€{float(row['rent_eur_per_month']):,.0f}/month for the unit"
        )
    else:
        st.caption("No lease runs on this space today.")
    equipment = frames.equipment
    if len(equipment) and "space_global_id" in equipment.columns:
        here = equipment[equipment["space_global_id"] == gid]
        if len(here):
            st.markdown("**Equipment**")
            cols = [
                c
                for c in ("equipment_id", "name", "type", "power_kw", "noise_db", "shared")
                if c in here
            ]
            ui.table(here[cols], f"equipment_{gid}", key="space_equipment")
        else:
            st.caption("No equipment registered in this space.")


@ui.page
def render() -> None:
    st.title("Site")
    state.show_flash()
    url, site = ui.site_picker()
    if site is None:
        return
    version = data.data_version(url)
    today = dt.date.today()
    frames = data.get_frames(url, site, version)
    spaces = data.site_spaces(url, site, version, today)
    if spaces.empty:
        st.info("This site has no spaces.")
        return
    key_figures(spaces, frames, today)
    assumed_values(frames)

    options = CATEGORIES + [c for c in NUMERIC if c in spaces.columns and spaces[c].notna().any()]
    if st.session_state.get(state.COLOR_BY) not in options:
        st.session_state[state.COLOR_BY] = "use"
    top = st.columns([3, 2])
    with top[0]:
        storey = ui.storey_picker(data.storeys_of(spaces, frames), key=state.STOREY)
    top[1].selectbox("Colour by", options, key=state.COLOR_BY, format_func=figures.column_title)
    if storey is None:
        st.info("No space of this site has a storey.")
        return
    on_storey = spaces[spaces["storey"] == storey]
    ids = on_storey["global_id"].tolist()
    if st.session_state.get(state.SPACE) not in ids:
        st.session_state[state.SPACE] = None

    plan, details = st.columns([3, 1.3])
    with plan:
        selected = (st.session_state[state.SPACE],) if st.session_state[state.SPACE] else ()
        fig = data.plan_figure(
            url, site, version, today, storey, st.session_state[state.COLOR_BY], selected
        )
        event = ui.figure(
            fig,
            f"{site}_{storey}_{st.session_state[state.COLOR_BY]}",
            key=state.PLAN_CHART,
            on_select="rerun",
            selection_mode="points",
        )
        _clicked_space(event)
        paper = st.radio("Paper", ["A4", "A3"], horizontal=True, key="plan_paper")
        st.download_button(
            f"PDF ({paper})",
            data=lambda: figures.figure_to_pdf(fig, paper=paper),
            file_name=f"{site}_{storey}_{paper}.pdf".replace(" ", "_"),
            mime="application/pdf",
            key="plan_pdf",
            on_click="ignore",
            icon=":material/picture_as_pdf:",
            help="The plan on a landscape page, for printing (kaleido with the system's Chromium)",
        )
        st.caption("Click a dot to see a space; hover a room for its use.")
    with details:
        labels = dict(
            zip(
                on_storey["global_id"],
                on_storey["name"].astype(str) + " " + on_storey["long_name"].fillna("").astype(str),
                strict=True,
            )
        )
        st.selectbox(
            "Space",
            [None, *sorted(ids, key=lambda g: labels[g])],
            key=state.SPACE,
            format_func=lambda g: "(pick one, or click the plan)" if g is None else labels[g],
        )
        if st.session_state[state.SPACE]:
            space_details(spaces, frames, st.session_state[state.SPACE])

    st.subheader(f"Spaces on {ui.text(storey)}")
    cols = [
        c
        for c in (
            "global_id",
            "name",
            "long_name",
            "storey",
            "area_m2",
            "height_m",
            "use",
            "unit_id",
            "tenant",
            "vacancy",
            "lease_end",
        )
        if c in on_storey
    ]
    ui.table(on_storey[cols], f"{site}_{storey}_spaces", key="site_spaces")


def render_at_its_own_path() -> None:
    """The Site page at ``/site`` (the navigation's Site link is ``/``)."""
    render()
