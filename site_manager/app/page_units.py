"""Units and members: define, rename and retire units; add and edit tenants; add skills.

What a site imported from its own model needs before its first lease. Every form calls a
register verb; the register's rules decide, and each problem is shown under the field it is
about (:func:`site_manager.app.page_tenants.show_refusal`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from site_manager.app import data, state, ui
from site_manager.app.page_tenants import DATE_RANGE, show_refusal
from site_manager.app.unit_parts import part_form
from site_manager.errors import SiteManagerError


def unit_table(frames: Any, retired: dict[str, dt.date]) -> pd.DataFrame:
    """The units with the day each was retired (empty while live)."""
    units = pd.DataFrame(frames.units).copy()
    if units.empty:
        return units
    units["retired"] = units["unit_id"].map(retired)
    return units


def free_spaces(frames: Any, ctx: Any) -> pd.DataFrame:
    """The site's spaces not removed and in no live unit: ``global_id``, ``name``, ``storey``."""
    spaces = frames.spaces
    held = {g for uid, gids in ctx.unit_spaces.items() if uid not in ctx.retired for g in gids}
    free = spaces[~spaces["removed"].astype(bool) & ~spaces["global_id"].isin(held)]
    # storeys from the lowest up (by elevation, not by name), rooms by name within each
    ordered = free.sort_values(["storey_elevation_m", "storey", "name"], na_position="last")
    return ordered[["global_id", "name", "storey", "area_m2"]]


def _submit(call: Any, slots: dict[str, Any], default: str, message: str) -> None:
    """Run a verb; on refusal show its problems under their fields, else flash and rerun."""
    try:
        call()
    except SiteManagerError as error:
        show_refusal(error, slots, default=default)
        return
    state.flash("success", message)
    st.rerun()


def _slot(slots: dict[str, Any], form: str, field: str, where: Any = None) -> None:
    slots[field] = (where or st).container(key=f"{form}_error_{field}")


#: Session keys of the Define form: the spaces picked (the multiselect's state), the storey of
#: its plan, the last selection on the plan that was applied, and the refusal of a pick on
#: the plan to show.
PICKED, PLAN_STOREY, PLAN_LAST, PLAN_REFUSAL = (
    "unit_define_spaces", "unit_define_storey", "unit_define_plan_last",
    "unit_define_plan_refusal",
)  # fmt: skip
#: Key of the Define form's plan (its selection state).
PLAN_CHART = "unit_define_plan"
#: What a space in no live unit is called on the plan, and its fill.
FREE, FREE_COLOUR = "free", "#F4F4F4"


def held_by(ctx: Any) -> dict[str, str]:
    """GlobalId → the live unit holding it (a retired unit holds its spaces no more)."""
    return {g: uid for uid, gids in sorted(ctx.unit_spaces.items()) if uid not in ctx.retired
            for g in gids}  # fmt: skip


def unit_plan_figure(
    on_storey: Any, held: dict[str, str], picked: list[str], frames: Any, storey: str
) -> Any:
    """The storey's plan coloured by unit (free spaces pale), the picked spaces outlined.

    The dot of a space in a unit is a grey cross, not a white disc: it can be seen, but the
    page does not pick it into a second unit.
    """
    from site_manager import figures

    spaces = on_storey.copy()
    spaces["unit"] = [held.get(g, FREE) for g in spaces["global_id"].astype(str)]
    outlines, cols = frames.outlines, frames.columns
    fig = figures.floor_plan_figure(
        spaces,
        color_by="unit",
        palette={FREE: FREE_COLOUR},
        selected=picked,
        title=storey,
        outlines=None if outlines is None else outlines[outlines["storey"] == storey],
        columns=cols[cols["storey"] == storey] if "storey" in cols.columns else None,
        true_north_xy=figures.north_of(frames.site.get("true_north_deg")),
    )
    taken = spaces["unit"].ne(FREE).to_numpy()
    fig.update_traces(
        selector={"name": "spaces"},
        marker={
            "symbol": ["x" if t else "circle" for t in taken],
            "color": ["#777777" if t else "white" for t in taken],
        },
    )
    return fig


def apply_plan_pick(
    chosen: list[str], picked: list[str], free: set[str], ctx: Any
) -> tuple[list[str], str | None]:
    """The picked spaces after a selection on the plan, and a refusal to show.

    A selection adds its spaces to the picks (the list takes them out again). A space in a
    live unit is not picked, and the register's own rule
    (:func:`site_manager.register.rules.check_unit`) says why.

    Parameters
    ----------
    chosen : list of str
        GlobalIds selected on the plan (a click, shift-click, box or lasso).
    picked : list of str
        GlobalIds picked before (from any storey, on the plan or in the list).
    free : set of str
        GlobalIds that may be picked (in no live unit, not removed).
    ctx : SiteContext
        The site as the rules see it.

    Returns
    -------
    picked : list of str
        The new picks, in the order they were picked.
    refusal : str or None
        The rule's message for the selected spaces that are in a unit (else ``None``).
    """
    from site_manager.register import rules

    chosen = list(dict.fromkeys(chosen))
    new = picked + [g for g in chosen if g in free and g not in picked]
    taken = [g for g in chosen if g not in free]
    problems = [p for p in rules.check_unit("", taken, ctx) if p.field == "space_global_ids"]
    return new, (problems[0].message if taken and problems else None)


def take_plan_selection(free: set[str], ctx: Any) -> None:
    """Apply the plan's newest selection to the picks, before the list is drawn.

    The chart's selection is read from its state at the top of the run, not from its return
    value at the bottom, so the picks, the list and the outlines are drawn once and agree.
    The chart reports a selection again after it is redrawn; one already applied is not
    applied twice.
    """
    state_of_chart = st.session_state.get(PLAN_CHART)
    chosen = data.space_ids(state_of_chart) if state_of_chart else []
    if not chosen or tuple(chosen) == st.session_state.get(PLAN_LAST):
        return
    st.session_state[PLAN_LAST] = tuple(chosen)
    picked = [g for g in st.session_state.get(PICKED) or [] if g in free]
    st.session_state[PICKED], st.session_state[PLAN_REFUSAL] = apply_plan_pick(
        chosen, picked, free, ctx
    )


def plan_picker(url: str, site: str, frames: Any, ctx: Any) -> None:
    """The storey plan on which spaces are picked (a click, shift-click, box or lasso)."""
    version = data.data_version(url)
    spaces = data.site_spaces(url, site, version, dt.date.today())
    storey = ui.storey_picker(data.storeys_of(spaces, frames), key=PLAN_STOREY)
    if storey is None:
        return
    on_storey = spaces[spaces["storey"] == storey]
    ids = set(on_storey["global_id"].astype(str))
    picked = [g for g in st.session_state.get(PICKED) or [] if g in ids]
    fig = unit_plan_figure(on_storey, held_by(ctx), picked, frames, storey)
    ui.figure(fig, f"{site}_{storey}_units", key=PLAN_CHART, on_select="rerun",
              selection_mode=("points", "box", "lasso"))  # fmt: skip
    st.caption("Click a room's dot to pick it; shift-click, or draw a box or lasso, for "
               "several; take one out in the list below. A grey cross is a space already "
               "in a unit.")  # fmt: skip


def define_form(url: str, site: str, frames: Any, ctx: Any) -> None:
    """Define a unit from spaces that are in no live unit, picked on the plan or in a list."""
    free = free_spaces(frames, ctx)
    labels: dict[str, str] = {
        str(r.global_id): f"{r.name} · {r.storey} · {r.area_m2:.0f} m²" for r in free.itertuples()
    }
    # before the list is drawn: spaces defined into a unit since are picked no more
    st.session_state[PICKED] = [g for g in st.session_state.get(PICKED) or [] if g in labels]
    take_plan_selection(set(labels), ctx)
    with st.container(border=True, key="define_unit"):
        st.subheader("Define a unit")
        plan_picker(url, site, frames, ctx)
        slots: dict[str, Any] = {}
        gids: list[str] = st.multiselect(
            "Spaces (not in a unit)", list(labels), key=PICKED,
            format_func=lambda g: labels.get(g, g))  # fmt: skip
        _slot(slots, "unit_define", "space_global_ids")
        refusal = st.session_state.get(PLAN_REFUSAL)
        if refusal:
            slots["space_global_ids"].error(refusal, icon="⚠️")
        with st.form("define_unit_form", border=False):
            left, right = st.columns(2)
            unit_id = left.text_input("Unit id", key="unit_define_id")
            _slot(slots, "unit_define", "unit_id", left)
            name = right.text_input("Name", key="unit_define_name")
            _slot(slots, "unit_define", "name", right)
            area = st.number_input("Lettable area [m²] (empty: the sum of the spaces')",
                                   value=None, min_value=0.0, step=10.0,
                                   key="unit_define_area")  # fmt: skip
            _slot(slots, "unit_define", "area_m2")
            _slot(slots, "unit_define", "form")
            if not st.form_submit_button("Define", type="primary"):
                return
    from site_manager import register

    st.session_state[PLAN_REFUSAL] = None
    _submit(lambda: register.define_unit(data.get_engine(url), unit_id, gids, name=name,
                                         area_m2=area, site=site),
            slots, "form", f"Unit {ui.text(unit_id)} defined: {len(gids)} space(s).")  # fmt: skip


def rename_retire_forms(url: str, site: str, live: list[str], names: dict[str, str]) -> None:
    """Rename a unit; retire a unit (it is kept, and let no more)."""
    from site_manager import register

    label = lambda u: f"{u} {names.get(u, '')}"  # noqa: E731
    left, right = st.columns(2)
    with left, st.form("rename_unit", border=True):
        st.subheader("Rename a unit")
        slots: dict[str, Any] = {}
        unit = st.selectbox("Unit", live, format_func=label, key="unit_rename_id")
        _slot(slots, "unit_rename", "unit_id")
        name = st.text_input("New name", key="unit_rename_name")
        _slot(slots, "unit_rename", "name")
        if st.form_submit_button("Rename"):
            _submit(lambda: register.rename_unit(data.get_engine(url), unit or "", name=name,
                                                 site=site),
                    slots, "unit_id", f"Unit {ui.text(unit)} renamed.")  # fmt: skip
    with right, st.form("retire_unit", border=True):
        st.subheader("Retire a unit")
        slots = {}
        unit = st.selectbox("Unit", live, format_func=label, key="unit_retire_id")
        _slot(slots, "unit_retire", "unit_id")
        on = st.date_input("No longer let from", value=dt.date.today(), **DATE_RANGE,
                           key="unit_retire_on")  # fmt: skip
        _slot(slots, "unit_retire", "on")
        if st.form_submit_button("Retire"):
            _submit(lambda: register.retire_unit(data.get_engine(url), unit or "", on=on,
                                                 site=site),
                    slots, "unit_id", f"Unit {ui.text(unit)} retired from {on}.")  # fmt: skip


def tenant_forms(url: str, site: str, frames: Any) -> None:
    """Add a tenant; edit a tenant (the fields left empty keep their value)."""
    from site_manager import register
    from site_manager.register import contracts

    kinds = [None, *contracts.TENANTS.column("kind").choices]
    left, right = st.columns(2)
    with left, st.form("add_tenant", border=True):
        st.subheader("Add a tenant")
        slots: dict[str, Any] = {}
        tenant_id = st.text_input("Tenant id", key="tenant_add_id")
        _slot(slots, "tenant_add", "tenant_id")
        name = st.text_input("Name", key="tenant_add_name")
        _slot(slots, "tenant_add", "name")
        kind = st.selectbox("Kind", kinds, key="tenant_add_kind")
        _slot(slots, "tenant_add", "kind")
        sector = st.text_input("Sector", key="tenant_add_sector")
        _slot(slots, "tenant_add", "sector")
        email = st.text_input("Contact e-mail", key="tenant_add_email")
        _slot(slots, "tenant_add", "contact_email")
        _slot(slots, "tenant_add", "form")
        if st.form_submit_button("Add", type="primary"):
            _submit(lambda: register.add_tenant(data.get_engine(url), tenant_id, name=name,
                                                kind=kind, sector=sector, contact_email=email,
                                                site=site),
                    slots, "form", f"Tenant {ui.text(tenant_id)} added.")  # fmt: skip
    tenants = frames.tenants["tenant_id"].tolist()
    names = dict(zip(frames.tenants["tenant_id"], frames.tenants["name"], strict=True))
    with right, st.form("edit_tenant", border=True):
        st.subheader("Edit a tenant")
        slots = {}
        tenant = st.selectbox("Tenant", tenants, key="tenant_edit_id",
                              format_func=lambda t: f"{names.get(t, t)} ({t})")  # fmt: skip
        _slot(slots, "tenant_edit", "tenant_id")
        new_name = st.text_input("Name (empty: unchanged)", key="tenant_edit_name")
        _slot(slots, "tenant_edit", "name")
        new_kind = st.selectbox("Kind (empty: unchanged)", kinds, key="tenant_edit_kind")
        _slot(slots, "tenant_edit", "kind")
        new_sector = st.text_input("Sector (empty: unchanged)", key="tenant_edit_sector")
        _slot(slots, "tenant_edit", "sector")
        headcount = st.number_input("Headcount (empty: unchanged)", value=None, step=1,
                                    key="tenant_edit_headcount")  # fmt: skip
        _slot(slots, "tenant_edit", "headcount")
        if st.form_submit_button("Save"):
            given: dict[str, Any] = {k: v for k, v in (("name", new_name), ("kind", new_kind),
                                       ("sector", new_sector), ("headcount", headcount))
                     if v not in (None, "")}  # fmt: skip
            if not given:
                slots["tenant_id"].error("Nothing to change: fill in a field.", icon="⚠️")
            else:
                _submit(lambda: register.edit_tenant(data.get_engine(url), tenant or "",
                                                     site=site, **given),
                        slots, "tenant_id", f"Tenant {ui.text(tenant)} changed.")  # fmt: skip


def skill_form(url: str, site: str, frames: Any) -> None:
    """Add a skill to a tenant."""
    from site_manager import register
    from site_manager.register import contracts

    tenants = frames.tenants["tenant_id"].tolist()
    names = dict(zip(frames.tenants["tenant_id"], frames.tenants["name"], strict=True))
    with st.form("add_skill", border=True):
        st.subheader("Add a skill")
        slots: dict[str, Any] = {}
        cols = st.columns(3)
        tenant = cols[0].selectbox("Tenant", tenants, key="skill_tenant",
                                   format_func=lambda t: f"{names.get(t, t)} ({t})")  # fmt: skip
        _slot(slots, "skill", "tenant_id", cols[0])
        skill = cols[1].text_input("Skill", key="skill_skill")
        _slot(slots, "skill", "skill", cols[1])
        level = cols[2].selectbox("Level", [None, *contracts.SKILLS.column("level").choices],
                                  key="skill_level")  # fmt: skip
        _slot(slots, "skill", "level", cols[2])
        if st.form_submit_button("Add the skill"):
            _submit(lambda: register.add_skill(data.get_engine(url), tenant or "", skill, level,
                                               site=site),
                    slots, "tenant_id", f"Skill added to {ui.text(tenant)}.")  # fmt: skip


@ui.page
def render() -> None:
    st.title("Units and members")
    state.show_flash()
    url, site = ui.site_picker()
    if site is None:
        return
    from site_manager import register

    frames = data.get_frames(url, site, data.data_version(url))
    ctx = register.unit_context(data.get_engine(url), site)
    units = unit_table(frames, ctx.retired)

    st.subheader("Units")
    if units.empty:
        st.info("No units yet: define one from the site's spaces below.")
    else:
        ui.table(units, f"{site}_units", key="units_table")
    define_form(url, site, frames, ctx)
    part_form(url, site, frames, data.data_version(url))
    live = [u for u in frames.units["unit_id"] if u not in ctx.retired]
    names = dict(zip(frames.units["unit_id"], frames.units["name"].fillna(""), strict=True))
    rename_retire_forms(url, site, live, names)

    st.subheader("Members")
    if frames.tenants.empty:
        st.info("No tenants yet.")
    else:
        ui.table(frames.tenants, f"{site}_members", key="members_table")
    tenant_forms(url, site, frames)
    skill_form(url, site, frames)
