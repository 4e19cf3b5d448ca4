"""The Layout lab's scenarios: save the layout shown, compare, show, delete and commit.

A scenario is saved in the register (:mod:`site_manager.layout.scenarios`) with the layout
on screen (optimised, greedy or edited by hand), the page's parameters and the register
revision the problem was read at. Committing one signs its leases in one transaction; the
register refuses it whole, in one line, when something changed since it was saved (a unit
let meanwhile, a hall cut otherwise since). A let of bays of a hall becomes a unit made of
that part of the hall when committed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from site_manager.app import data, page_landlord, page_tenants, state, ui
from site_manager.app.page_tenants import show_refusal
from site_manager.errors import SiteManagerError
from site_manager.layout import scenarios

#: Columns of the table of leases a commit will sign, and their labels.
LEASE_LABELS = {
    "unit_id": "Unit",
    "applicant_id": "Tenant",
    "area_m2": "Area [m²]",
    "rent_eur_per_month": "Rent [€/month]",
}


def let_later(leases: pd.DataFrame, units: list[str], on: dt.date, end: dt.date) -> pd.DataFrame:
    """Leases of ``units`` that start after ``on`` and no later than ``end``: units free on
    the day planned for but let within the term (a commit there is refused). Columns
    ``unit_id``, ``start``, ``lease_id``.
    """
    cols = ["unit_id", "start", "lease_id"]
    if leases.empty or not units:
        return pd.DataFrame(columns=cols)
    # a bay ("EW-W.K2/b3", lab_plan's naming) is let when its unit is
    known = set(leases["unit_id"])
    wanted = {u.rpartition("/b")[0] if u.rpartition("/b")[0] in known else u for u in units}
    start = pd.to_datetime(leases["start"]).dt.date
    hit = leases["unit_id"].isin(wanted) & (start > on) & (start <= end)
    return leases.loc[hit, cols].sort_values(["start", "unit_id"]).reset_index(drop=True)


def later_note(leases: pd.DataFrame, units: list[str], on: dt.date, years: int = 3) -> None:
    """Say which vacant units are let from a later day within ``years`` of ``on``."""
    later = let_later(leases, units, on, scenarios.term_end(on, years))
    if later.empty:
        return
    said = ", ".join(f"{u} from {s}" for u, s in zip(later["unit_id"], later["start"],
                                                      strict=True))  # fmt: skip
    st.warning(f"Vacant on {on} but let within {years} years: {ui.text(said)}. A commit of a let "
               f"there for {years} years is refused; plan for a later day or a shorter "
               "term.", icon=":material/event_busy:")  # fmt: skip


def scenario_parameters(params: dict[str, Any], on: dt.date, **in_play: Any) -> dict[str, Any]:
    """The page's parameters as JSON-ready data (synergy as a mapping, the day as text)."""
    out = {k: v for k, v in params.items() if k != "synergy"}
    out["synergy"] = {str(t): float(v) for t, v in params["synergy"]}
    out["plan_for"] = on.isoformat()
    out.update({k: list(v) if isinstance(v, list | tuple) else v for k, v in in_play.items()})
    return out


def save_form(url: str, site: str, result: dict[str, Any], parameters: dict[str, Any],
              revision: int) -> None:  # fmt: skip
    """Save the layout shown as a named scenario; a refusal shows under the name."""
    with st.form("lab_save_form", border=True):
        st.markdown(f"**Save this layout** ({result['source']}) as a scenario")
        name = st.text_input("Scenario name", key="lab_scenario_name",
                             placeholder="e.g. rent first")  # fmt: skip
        slot = st.container(key="lab_save_error")
        saved = st.form_submit_button("Save scenario", key="lab_save", icon=":material/save:")
    if not saved:
        return
    try:
        figs = scenarios.save_scenario(
            data.get_engine(url), site, name.strip(), result["problem"], result["assignment"],
            parameters=parameters, revision=revision,
        )  # fmt: skip
    except SiteManagerError as error:
        show_refusal(error, {"name": slot}, default="name")
        return
    state.flash("success", f"Scenario {name.strip()} saved: {figs['applicants_placed']} "
                f"applicants placed, rent {figs['rent_eur_per_month']:,} €/month.")  # fmt: skip
    st.rerun()


def lease_preview(leases: list[Any]) -> pd.DataFrame:
    """The leases a commit will sign: unit, tenant (the applicant), area and rent."""
    rows = [{k: getattr(le, k) for k in LEASE_LABELS} for le in leases]
    return pd.DataFrame(rows, columns=list(LEASE_LABELS)).rename(columns=LEASE_LABELS)


def show_scenario(sc: scenarios.Scenario, greedy: dict[str, list[str]]) -> None:
    """Put a saved scenario's layout (and its problem) on the page's plan and tables."""
    st.session_state[state.LAB_RESULT] = {
        "problem": sc.problem,
        "assignment": {a: list(u) for a, u in sc.assignment.items()},
        "progress": None,
        "greedy": greedy,
        "source": f"scenario {sc.name}",
        "edited": False,
        "bay_area_m2": sc.parameters.get("bay_area_m2"),
    }
    st.session_state[state.LAB_EDITED] = None


def compare_section(url: str, site: str, names: list[str]) -> None:
    """Saved scenarios side by side, with CSV and Excel downloads."""
    # every scenario at first, and each one saved since joins the comparison
    seen = st.session_state.get("lab_compare_seen") or []
    if names != seen:
        kept = [n for n in st.session_state.get("lab_compare_names", []) if n in names]
        st.session_state["lab_compare_names"] = kept + [
            n for n in names if n not in seen and n not in kept
        ]
        st.session_state["lab_compare_seen"] = list(names)
    chosen = st.multiselect("Compare scenarios", names, key="lab_compare_names")
    if not chosen:
        st.caption("Choose scenarios to compare.")
        return
    table = scenarios.compare_scenarios(data.get_engine(url), site, chosen)
    ui.table(table, f"{site}_scenarios", key="lab_scenarios")


def commit_section(url: str, site: str, name: str, on: dt.date, frames: Any) -> None:
    """Start and term, a confirmation listing the leases, then the commit."""
    if st.session_state.get("lab_commit_start_for") != on:  # follow the plan-for day
        st.session_state["lab_commit_start_for"] = on
        st.session_state["lab_commit_start"] = on
    c = st.columns([1, 1, 2])
    start = c[0].date_input("Leases start", key="lab_commit_start",
                            **page_tenants.DATE_RANGE)  # fmt: skip
    years = int(c[1].number_input("Term [years]", min_value=1, max_value=30, value=3, step=1,
                                  key="lab_commit_years"))  # fmt: skip
    pending = st.session_state.get(state.LAB_COMMIT)
    if c[2].button(f"Commit {name}…", key="lab_commit", icon=":material/contract_edit:"):
        st.session_state[state.LAB_COMMIT] = pending = {"name": name, "start": start,
                                                        "years": years}  # fmt: skip
    if not pending or pending != {"name": name, "start": start, "years": years}:
        return
    engine = data.get_engine(url)
    sc = scenarios.get_scenario(engine, site, name)
    leases = scenarios.scenario_leases(sc.problem, sc.assignment)
    end = scenarios.term_end(start, years)
    with st.container(border=True, key="lab_commit_confirm"):
        st.markdown(f"**Leases of scenario {ui.text(name)}**, {start} → {end}:")
        preview = lease_preview(leases)
        st.dataframe(preview, hide_index=True, key="lab_commit_leases")
        st.caption(f"Total rent {preview[LEASE_LABELS['rent_eur_per_month']].sum():,.0f} "
                   "€/month; each applicant becomes a tenant.")  # fmt: skip
        later_note(frames.leases, [le.unit_id for le in leases], start, years)
        bays = sorted({le.unit_id for le in leases} - set(frames.units["unit_id"]))
        if bays:
            st.info("New units, each made of bays of its hall, when committed: "
                    f"{ui.text(', '.join(bays))}.", icon=":material/grid_view:")  # fmt: skip
        slot = st.container(key="lab_commit_error")
        b = st.columns([1, 1, 4])
        sign = b[0].button(f"Sign {len(leases)} lease{'s' if len(leases) > 1 else ''}",
                           type="primary", key="lab_commit_yes")  # fmt: skip
        if b[1].button("Cancel", key="lab_commit_no"):
            st.session_state[state.LAB_COMMIT] = None
            st.rerun()
    if not sign:
        return
    try:
        signed = scenarios.commit_scenario(engine, site, name, start=start, years=years)
    except SiteManagerError as error:
        slot.error(ui.text(error), icon="⚠️")
        return
    st.session_state[state.LAB_COMMIT] = None
    st.session_state[state.LAB_COMMITTED] = {"name": name, "leases": signed}
    st.rerun()


def committed_notice() -> None:
    """After a commit: how many leases were signed, and where to see them."""
    done = st.session_state.get(state.LAB_COMMITTED)
    if not done:
        return
    signed: pd.DataFrame = done["leases"]
    n = len(signed)
    plural = "s" if n > 1 else ""
    st.success(f"Scenario {ui.text(done['name'])} committed: {n} lease{plural} signed, "
               f"{signed['start'].min()} → {signed['end'].max()}, "
               f"{signed['rent_eur_per_month'].sum():,.0f} €/month.", icon="✅")  # fmt: skip
    st.dataframe(signed, hide_index=True, key="lab_committed_leases")
    row = st.container(horizontal=True, gap="medium")
    row.page_link(st.Page(page_tenants.render, url_path="tenants"),
                  label="Tenants and leases", icon=":material/handshake:")  # fmt: skip
    row.page_link(st.Page(page_landlord.render, url_path="landlord"),
                  label="Landlord (rent roll)", icon=":material/monitoring:")  # fmt: skip
    if row.button("Dismiss", key="lab_committed_ok"):
        st.session_state[state.LAB_COMMITTED] = None
        st.rerun()


def scenarios_panel(url: str, site: str, version: int, on: dt.date, frames: Any,
                    greedy_of: Any) -> None:  # fmt: skip
    """The site's saved scenarios: compare, show one on the plan, delete, commit."""
    from site_manager.register.scenarios import delete_scenario

    st.subheader("Scenarios")
    committed_notice()
    listing = scenarios.list_scenarios(data.get_engine(url), site)
    if listing.empty:
        st.info("No scenario saved yet: save the layout shown above to compare it with others.")
        return
    names = listing["name"].tolist()
    compare_section(url, site, names)
    open_ = [n for n, c in zip(names, listing["committed_at"], strict=True) if pd.isna(c)]
    c = st.columns([2, 1, 1])
    name = c[0].selectbox("Scenario", names, index=len(names) - 1, key="lab_scenario_pick")
    if c[1].button("Show on the plan", key="lab_scenario_show", width="stretch"):
        sc = scenarios.get_scenario(data.get_engine(url), site, name)
        show_scenario(sc, greedy_of(sc.problem))
        st.rerun()
    if c[2].button("Delete", key="lab_scenario_delete", width="stretch"):
        delete_scenario(data.get_engine(url), name, site=site)
        state.flash("success", f"Scenario {name} deleted (its record stays in the audit trail).")
        st.session_state[state.LAB_COMMIT] = None
        st.rerun()
    if name in open_:
        commit_section(url, site, name, on, frames)
    else:
        st.caption(f"Scenario {ui.text(name)} is committed already.")
