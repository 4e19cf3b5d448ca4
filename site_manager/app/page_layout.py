"""Layout lab: place the site's applicants in its vacant units, by the engine and by hand.

The planner chooses the storeys or halls in play, the applicants and the engine's parameters;
"Optimise" runs the engine in a background thread (:class:`site_manager.layout.lab.LabRun`)
while a fragment shows its progress every half second; the layout appears on the floor plan,
with a table of lets, the reason for every applicant left out, and the greedy layout's key
figures beside it. A let can be moved, added or removed by hand: the rules it breaks, and
with which neighbour, show at once. The logic lives in :mod:`site_manager.layout.lab`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from site_manager import figures
from site_manager.app import data, state, ui
from site_manager.app.layout_applicants import applicants_section
from site_manager.app.layout_rules import rules_section, violations_section
from site_manager.app.layout_scenarios import (
    later_note,
    save_form,
    scenario_parameters,
    scenarios_panel,
)
from site_manager.layout import lab
from site_manager.layout.lab_plan import OCCUPANT_COLOURS, plan_frame
from site_manager.layout.scenarios import first_of_next_month

#: How often the progress fragment redraws while the engine runs. [s]
POLL_S = 0.5
#: Session key of the synergy values the table starts from (community defaults, else 0).
SYNERGY_BASE = "lab_synergy_base"

FIGURE_LABELS = {
    "applicants_placed": "Applicants placed",
    "area_let_m2": "Area let [m²]",
    "rent_eur_per_month": "Rent [€/month]",
    "synergy_eur_per_month": "Synergy [€/month]",
    "objective_eur_per_month": "Objective [€/month]",
    "rules_broken": "Rules broken",
}


def _types(applicants: pd.DataFrame) -> list[str]:
    """Machine or skill types some applicant needs (the ones a synergy value can reward)."""
    found: set[str] = set()
    for text in applicants.get("needs", pd.Series(dtype=object)).dropna():
        found |= {t.strip() for t in str(text).split(";") if t.strip()}
    return sorted(found)


def parameters(
    applicants: pd.DataFrame, defaults: Callable[[], dict[str, float]] | None = None
) -> dict[str, Any]:
    """The engine's parameters, chosen in the sidebar (``defaults``: synergy values per type
    that the button "Use community defaults" puts in the synergy table)."""
    side = st.sidebar
    side.subheader("Engine parameters")
    allow_pairs = side.toggle(
        "Two-unit lets", value=True, key="lab_pairs", help="A let may join two adjacent units"
    )
    noisy_db = side.number_input(
        "Noisy from [dB(A)]",
        min_value=0.0,
        max_value=140.0,
        value=85.0,
        step=1.0,
        key="lab_noisy",
        help="Never beside a noise-sensitive tenant",
    )
    bays = side.toggle("Cut large halls into bays", value=True, key="lab_bays_on")
    bay = side.number_input(
        "Bay size [m²]", min_value=10.0, value=150.0, step=10.0, key="lab_bay", disabled=not bays
    )
    limit = side.slider("Time limit [s]", 1, 60, 10, key="lab_limit")
    types = _types(applicants)
    synergy: dict[str, float] = {}
    if types:
        side.caption("Synergy [€/month] when a neighbour provides a type a tenant needs")
        if defaults is not None and side.button(
            "Use community defaults", key="lab_synergy_defaults",
            help="Values from who provides and needs what (Community page)",
        ):  # fmt: skip
            st.session_state[SYNERGY_BASE] = defaults()
            st.session_state.pop("lab_synergy", None)  # the table's edits give way
        base = st.session_state.get(SYNERGY_BASE) or {}
        edited = side.data_editor(
            pd.DataFrame({"type": types, "eur_per_month": [base.get(t, 0.0) for t in types]}),
            disabled=["type"],
            hide_index=True,
            key="lab_synergy",
            column_config={
                "eur_per_month": st.column_config.NumberColumn("€/month", min_value=0.0, step=10.0)
            },
        )
        values = pd.to_numeric(edited["eur_per_month"], errors="coerce").fillna(0.0)
        synergy = {str(t): float(v) for t, v in zip(edited["type"], values, strict=True) if v > 0}
    return {
        "allow_pairs": bool(allow_pairs),
        "noisy_db": float(noisy_db),
        "bay_area_m2": float(bay) if bays else None,
        "time_limit": float(limit),
        "synergy": tuple(sorted(synergy.items())),
    }


def _figures_row(figs: dict[str, float], progress: lab.Progress | None = None) -> None:
    row = ui.metric_row()
    for name, label in FIGURE_LABELS.items():
        value = figs[name]
        row.metric(label, f"{value:,.0f}", width="content")
    if progress is not None and progress.bound is not None:
        gap = progress.gap
        row.metric(
            "Proven bound [€/month]",
            f"{progress.bound:,.0f}",
            width="content",
            help="No layout is worth more than this",
        )
        row.metric("Gap", "–" if gap is None else f"{gap:.1%}", width="content")


@st.fragment(run_every=POLL_S)
def progress_panel() -> None:
    """The engine's progress while it runs; a full rerun shows the result when it ends."""
    run: lab.LabRun | None = st.session_state.get(state.LAB_RUN)
    if run is None:
        return
    p = run.progress()
    if p.done:
        st.rerun(scope="app")
    row = ui.metric_row()
    row.metric(
        "Running",
        {"greedy": "greedy", "quick": "engine (first answer)", "proof": "engine (proof)"}.get(
            p.stage, p.stage
        ),
        width="content",
    )
    row.metric("Elapsed", f"{p.elapsed_s:.1f} s", width="content")
    row.metric(
        "Best [€/month]", "–" if p.objective is None else f"{p.objective:,.0f}", width="content"
    )
    row.metric("Bound [€/month]", "–" if p.bound is None else f"{p.bound:,.0f}", width="content")
    row.metric("Gap", "–" if p.gap is None else f"{p.gap:.1%}", width="content")


def adopt_finished_run() -> None:
    """Move a finished background run's layout into the result shown."""
    run: lab.LabRun | None = st.session_state.get(state.LAB_RUN)
    if run is None or not run.progress().done:
        return
    p = run.progress()
    st.session_state[state.LAB_RUN] = None
    if p.error or p.best is None:
        st.error(f"The engine stopped: {ui.text(p.error or 'no layout')}", icon="⚠️")
        return
    result = st.session_state.get(state.LAB_RESULT) or {}
    greedy = result.get("greedy") if result.get("problem") is run.problem else None
    st.session_state[state.LAB_RESULT] = {
        "problem": run.problem,
        "assignment": dict(p.best.assignment),
        "progress": p,
        "greedy": greedy or _greedy(run.problem),
        "source": "optimum",
        "edited": False,
    }
    st.session_state[state.LAB_EDITED] = None


def _greedy(problem: Any) -> dict[str, list[str]]:
    from site_manager.layout import solve

    return dict(solve(problem, use_greedy_only=True, with_reasons=False).assignment)


def plan(
    url: str, site: str, version: int, on: dt.date, params: dict[str, Any], result: dict[str, Any]
) -> None:
    """The layout on the floor plan of one storey in play."""
    problem = result["problem"]
    bay = result["bay_area_m2"] if "bay_area_m2" in result else params["bay_area_m2"]
    footprints = data.layout_footprints(url, site, version, on, bay)
    storeys = storeys_in(problem, data.get_frames(url, site, version))
    storey = ui.storey_picker(storeys, key="lab_storey")
    frame = plan_frame(footprints, problem, result["assignment"], storey=storey)
    if frame.empty:
        st.info(f"No unit on {ui.text(storey)} has a footprint in the register to draw.")
        return
    fig = figures.floor_plan_figure(
        frame,
        color_by="occupant",
        palette=OCCUPANT_COLOURS,
        title=f"{storey}: {result['source']} layout",
    )
    ui.figure(fig, f"layout_{site}_{storey}", key="lab_plan", width="stretch")


def manual_edit(result: dict[str, Any]) -> None:
    """Move, add or remove a let by hand; the rules it breaks show at once."""
    problem, layout = result["problem"], result["assignment"]
    apps = [a.id for a in problem.applicants]
    held = {u: e.id for e in problem.existing for u in e.units}
    for aid, uids in layout.items():
        for u in uids:
            held.setdefault(u, aid)
    st.subheader("Edit by hand")
    c = st.columns([1, 2, 1, 1])
    who = c[0].selectbox("Applicant", apps, key="lab_edit_app")
    units = c[1].multiselect(
        "Units (one, or two adjacent)",
        [u.id for u in problem.units],
        max_selections=2,
        key="lab_edit_units",
        format_func=lambda u: f"{u} ({held[u]})" if u in held else u,
    )
    if c[2].button("Move here", key="lab_move", disabled=not units, width="stretch"):
        result["assignment"] = lab.move(layout, who, units)
        result["edited"], result["source"] = True, "edited"
        st.session_state[state.LAB_EDITED] = who
        st.rerun()
    if c[3].button("Remove let", key="lab_remove", disabled=who not in layout, width="stretch"):
        result["assignment"] = lab.remove(layout, who)
        result["edited"], result["source"] = True, "edited"
        st.session_state[state.LAB_EDITED] = who
        st.rerun()
    edited = st.session_state.get(state.LAB_EDITED)
    if edited:
        found = lab.breaches(problem, result["assignment"], edited)
        if found:
            for b in found:
                st.error(
                    f"**{ui.text(b.rule)}** rule broken: {ui.text(b.message)}",
                    icon=":material/block:",
                )
        else:
            st.success(f"{ui.text(edited)}'s let breaks no rule.", icon="✅")
    others = [b for b in lab.breaches(problem, result["assignment"]) if b.applicant != edited]
    if others:
        listed = "\n".join(f"- {ui.text(b.message)}" for b in others)
        st.warning("Other rules the layout breaks:\n\n" + listed)


def show_result(
    url: str, site: str, version: int, on: dt.date, params: dict[str, Any], saved: dict[str, Any]
) -> None:
    """Key figures, plan, lets, applicants left out, edits, the greedy layout beside it, and
    the form that saves the layout as a scenario (``saved``: the parameters it records).
    """
    result = st.session_state.get(state.LAB_RESULT)
    if not result:
        return
    problem, layout = result["problem"], result["assignment"]
    p: lab.Progress | None = result.get("progress")
    status = (
        "proven optimal"
        if p and p.proven and not result["edited"]
        else "edited by hand"
        if result["edited"]
        else result["source"]
        if result["source"].startswith("scenario")
        else "best found in the time limit"
    )
    st.subheader(f"Layout: {status}")
    if p is not None:
        st.caption(
            f"Engine: {p.elapsed_s:.1f} s"
            + (f", bound {p.bound:,.0f} €/month" if p.bound is not None else "")
        )
    figs = lab.key_figures(problem, layout)
    _figures_row(figs, p if not result["edited"] else None)
    plan(url, site, version, on, params, result)
    st.subheader("Lets")
    lets = lab.lets_table(problem, layout)
    if lets.empty:
        st.info("This layout places no applicant.")
    else:
        ui.table(lets, f"lets_{site}", key="lab_lets")
    st.subheader("Applicants left out")
    left = lab.left_out_table(problem, layout)
    if left.empty:
        st.success("Every applicant in play is placed.")
    else:
        ui.table(left, f"left_out_{site}", key="lab_left")
    violations_section(site, problem, layout)
    manual_edit(result)
    st.subheader("Against the greedy layout")
    greedy = result["greedy"]
    table = lab.compare_figures({"this layout": figs, "greedy": lab.key_figures(problem, greedy)})
    table["figure"] = table["figure"].map(FIGURE_LABELS)
    st.dataframe(table, hide_index=True, key="lab_compare")
    if st.button("Show the greedy layout", key="lab_show_greedy"):
        result.update(assignment=dict(greedy), source="greedy", edited=True, progress=None)
        st.session_state[state.LAB_EDITED] = None
        st.rerun()
    save_form(url, site, result, saved, data.get_frames(url, site, version).revision)


def storeys_in(problem: Any, frames: Any) -> list[str]:
    """The storeys of the problem's units, lowest first (the register's elevations)."""
    present = list(dict.fromkeys(u.storey for u in problem.units))
    storeys = frames.storeys
    order = storeys.sort_values("elevation_m")["name"].tolist() if len(storeys) else []
    return [s for s in order if s in present] + [s for s in present if s not in order]


def in_play_picker(where: Any, label: str, options: list[str], *, key: str) -> list[str]:
    """A multiselect of ``options``, all chosen at first and again whenever they change
    (another site, an applicant added); the planner's choice holds otherwise.
    """
    seen = f"{key}_options"
    if st.session_state.get(seen) != options:
        st.session_state[seen] = list(options)
        st.session_state[key] = list(options)
    return list(where.multiselect(label, options, key=key))


@ui.page
def render() -> None:
    st.title("Layout lab")
    state.show_flash()
    url, site = ui.site_picker()
    if site is None:
        return
    version = data.data_version(url)
    frames = data.get_frames(url, site, version)
    with st.expander(f"Applicants ({len(frames.applicants)})", expanded=False):
        applicants_section(url, site, frames.applicants)
    with st.expander(f"Community rules ({len(frames.layout_rules or [])})", expanded=False):
        rules_section(url, site)
    params = parameters(frames.applicants, lambda: community_defaults(url, site, version))
    on = plan_for()
    lab_body(url, site, version, on, params)
    scenarios_panel(url, site, version, on, frames, _greedy)


def community_defaults(url: str, site: str, version: int) -> dict[str, float]:
    """Synergy values per type from the community's relation
    (:func:`site_manager.community.synergy_defaults`). [EUR/month]"""
    from site_manager import community
    from site_manager.app.page_bookings import register_tables

    bookings, trainings = register_tables(url, site, version)
    profiles = community.profiles(data.get_frames(url, site, version), trainings, bookings)
    table = community.synergy_defaults(profiles)
    return dict(zip(table["type"], table["eur_per_month"].astype(float), strict=True))


def plan_for() -> dt.date:
    """The day the layout is planned for (default the first of next month): units free on
    that day are vacant, and the leases of a commit start on it by default.
    """
    st.session_state.setdefault("lab_on", first_of_next_month())
    return st.columns([1, 4])[0].date_input(
        "Plan for",
        key="lab_on",
        help="Units free on this day are vacant; a commit's leases start on it by default",
    )


def lab_body(url: str, site: str, version: int, on: dt.date, params: dict[str, Any]) -> None:
    """The problem in play, the engine's buttons and the layout shown."""
    frames = data.get_frames(url, site, version)
    problem = data.layout_problem(
        url,
        site,
        version,
        on,
        params["bay_area_m2"],
        params["allow_pairs"],
        params["noisy_db"],
        params["synergy"],
    )
    storeys = storeys_in(problem, frames)
    c = st.columns([2, 2, 3])
    in_play = in_play_picker(c[0], "Storeys in play", storeys, key="lab_storeys")
    halls = sorted({u.hall for u in problem.units if u.storey in in_play})
    chosen_halls = c[1].multiselect("Halls in play (empty: all)", halls, key="lab_halls")
    ids = [a.id for a in problem.applicants]
    chosen = in_play_picker(c[2], "Applicants in play", ids, key="lab_apps")
    problem = lab.restrict(problem, storeys=in_play, halls=chosen_halls or None, applicants=chosen)
    vacant = lab.vacant_units(problem)
    st.caption(
        f"{len(problem.units)} units in play ({len(vacant)} vacant), "
        f"{len(problem.applicants)} applicants, {len(problem.existing)} existing "
        "tenants as neighbours"
    )
    later_note(frames.leases, vacant, on)
    adopt_finished_run()
    result = st.session_state.get(state.LAB_RESULT)
    if result and result["problem"].rules != problem.rules:  # rules loaded: check against them
        result["problem"] = dataclasses.replace(result["problem"], rules=problem.rules)
    if not problem.applicants:
        st.info("No applicant in play: add applicants above (or choose some), then optimise.")
        return
    if not vacant:
        st.info(
            "No vacant unit in play: every unit on the storeys and halls chosen is let. "
            "Choose other storeys or halls, or cut large halls into bays."
        )
        return
    running = st.session_state.get(state.LAB_RUN) is not None
    c = st.columns([1, 1, 4])
    if c[0].button(
        "Optimise", type="primary", disabled=running, key="lab_optimise", width="stretch"
    ):
        st.session_state[state.LAB_RUN] = lab.LabRun(problem, time_limit=params["time_limit"])
        st.rerun()
    if c[1].button(
        "Greedy",
        disabled=running,
        key="lab_greedy",
        width="stretch",
        help="The baseline: applicants by rent, each to its best let",
    ):
        baseline = _greedy(problem)
        st.session_state[state.LAB_RESULT] = {
            "problem": problem,
            "assignment": dict(baseline),
            "progress": None,
            "greedy": baseline,
            "source": "greedy",
            "edited": False,
        }
        st.session_state[state.LAB_EDITED] = None
    if running:
        progress_panel()
    saved = scenario_parameters(params, on, storeys=in_play, halls=chosen_halls,
                                applicants=chosen)  # fmt: skip
    show_result(url, site, version, on, params, saved)
