"""Zoning: set the use of spaces from the plan or a table; the shared-versus-private balance."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from site_manager import figures, zoning
from site_manager.app import data, state, ui

USES = [u.value for u in zoning.Use]
EDITOR = "zoning_editor"


def zoning_changes(before: pd.DataFrame, after: pd.DataFrame) -> dict[str, str]:
    """The uses set in the table editor: GlobalId to new use, for rows whose use changed.

    A use that was cleared is left out: a space keeps its use until it is given another.
    """
    old = before["use"].astype(object).where(before["use"].notna(), None)
    new = after["use"].astype(object).where(after["use"].notna(), None)
    changed = (old != new) & new.notna() & (new.astype(str) != "")
    return dict(zip(after.loc[changed, "global_id"], new[changed].astype(str), strict=True))


def _save(url: str, site: str, uses: dict[str, str], what: str) -> None:
    from site_manager import register

    count = register.set_zoning(data.get_engine(url), uses, site=site)
    if count:
        noun = "space" if count == 1 else "spaces"
        state.flash("success", f"Saved the use of {count} {noun} {what}; the change is in the "
                    "audit trail.")  # fmt: skip
    else:
        state.flash("info", "Nothing to save: the spaces already have that use.")
    st.session_state[state.ZONING_PICK] = []
    st.rerun()


@ui.page
def render() -> None:
    st.title("Zoning")
    state.show_flash()
    url, site = ui.site_picker()
    if site is None:
        return
    version = data.data_version(url)
    frames = data.get_frames(url, site, version)
    spaces = data.site_spaces(url, site, version, dt.date.today())

    balance = zoning.shared_private_balance(spaces)
    row = ui.metric_row()
    row.metric("Shared", f"{balance['shared_m2']:,.0f} m²", width="content")
    row.metric("Private", f"{balance['private_m2']:,.0f} m²", width="content")
    share = balance["shared_share"]
    row.metric("Shared share", "–" if pd.isna(share) else f"{share:.0%}", width="content")
    row.metric("Not zoned", f"{balance['unzoned_m2']:,.0f} m²", width="content")

    plan_tab, table_tab, balance_tab, audit_tab = st.tabs(
        ["On the plan", "As a table", "Balance", "Audit trail"]
    )
    with plan_tab:
        storey = ui.storey_picker(data.storeys_of(spaces, frames), key=state.STOREY)
        if storey is not None:
            on_storey = spaces[spaces["storey"] == storey]
            picked = [
                g for g in st.session_state[state.ZONING_PICK] if g in set(on_storey["global_id"])
            ]
            fig = figures.floor_plan_figure(
                on_storey, color_by="use", selected=picked, title=storey
            )
            event = ui.figure(
                fig,
                f"{site}_{storey}_zoning",
                key=state.ZONING_CHART,
                on_select="rerun",
                selection_mode=("points", "box", "lasso"),
            )
            clicked = data.space_ids(event)
            if clicked and set(clicked) != set(picked):
                st.session_state[state.ZONING_PICK] = clicked
                st.rerun()
            st.caption("Click a dot, or draw a box or lasso round several, then give them a use.")
            names = on_storey.set_index("global_id")["name"].astype(str)
            with st.form("zoning_plan_form", border=True):
                st.write(
                    ui.text(
                        f"{len(picked)} space(s) picked: "
                        + (", ".join(names[g] for g in picked) or "none")
                    )
                )
                use = st.selectbox("Use", USES, key="zoning_plan_use")
                if st.form_submit_button("Set the use of the picked spaces", disabled=not picked):
                    _save(url, site, {g: use for g in picked}, "from the plan")
    with table_tab:
        shown = [
            c for c in ("global_id", "name", "long_name", "storey", "area_m2", "use") if c in spaces
        ]
        table = pd.DataFrame(spaces[shown]).reset_index(drop=True)
        edited = st.data_editor(
            table,
            key=EDITOR,
            hide_index=True,
            disabled=[c for c in shown if c != "use"],
            column_config={
                "use": st.column_config.SelectboxColumn("use", options=USES, required=False),
                "area_m2": st.column_config.NumberColumn("area [m²]", format="%.1f"),
            },
        )
        changes = zoning_changes(table, edited)
        st.write(f"{len(changes)} change(s) not saved yet.")
        if st.button(
            "Save the table", disabled=not changes, type="primary", key="zoning_save_table"
        ):
            _save(url, site, changes, "from the table")
        ui.downloads(table, f"{site}_zoning", key="zoning_table")
    with balance_tab:
        by_use = zoning.area_by_use(spaces)
        fig = figures.pie_figure(
            by_use[by_use > 0], title="Floor area by use [m²]", colours=figures.USE_COLOURS
        )
        ui.figure(fig, f"{site}_area_by_use", key="zoning_pie")
        ui.table(by_use.reset_index(), f"{site}_area_by_use", key="zoning_by_use")
    with audit_tab:
        from site_manager import register

        audit = register.get_audit(data.get_engine(url), site=site)
        ui.table(audit, f"{site}_audit", key="zoning_audit")
