"""Energy: heating and cooling per space, board loads, each tenant's share and statement,
measured against modelled, roof PV and retrofits, for the sidebar's site.

The computations are the library's (:mod:`site_manager.energy.overview` names them in the
order the page makes them), cached in :mod:`site_manager.app.data` on the database, the
site, the register revision and the options. Retrofits take seconds, so they run on a
click only.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from site_manager import figures
from site_manager.app import data, state, ui
from site_manager.energy import overview
from site_manager.errors import SiteManagerError

#: Session keys of this page's widgets and of the retrofit result.
PERIOD, TILT, PLAN_COLUMN = "energy_period", "energy_flat_tilt", "energy_plan_column"
MEASURES_KEY, RETROFIT = "energy_measures", "energy_retrofit"
#: Plan colourings: column of :func:`~site_manager.energy.overview.space_intensity` → label.
PLAN_COLUMNS = {"heating_kwh_m2a": "Heating", "cooling_kwh_m2a": "Cooling"}
DEFAULT_TILT_DEG = 15.0
COMPARE_COLOURS = {"measured_kwh": "#000000", "modelled_kwh": "#56B4E9"}
COMPARE_NAMES = {"measured_kwh": "measured", "modelled_kwh": "modelled"}


def _number(value: Any, spec: str = ",.0f") -> str:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "–"
    return "–" if not math.isfinite(value) else format(value, spec)


def period_label(period: str, frames: Any) -> str:
    if period == "last12":
        months = overview.months_of(period, frames)
        if not len(frames.meters):
            return f"this year ({months[0]} – {months[-1]}; the site has no meter readings)"
        return f"last 12 months with readings ({months[0]} – {months[-1]})"
    return period


def assumptions_list(frames: Any) -> None:
    """The defaults the energy analyses use for this site, each once (as the CLI prints them)."""
    from site_manager.assumptions import energy_assumptions, tenant_energy_assumptions

    notes = {a.topic: a for a in energy_assumptions(frames) + tenant_energy_assumptions(frames)}
    with st.expander(f"Assumptions of these figures ({len(notes)})"):
        if not notes:
            st.text("None: the register gives every input.")
        for a in notes.values():  # ids users chose: plain text, never Markdown
            st.text(f"• {a.message}.\n   → {a.remedy}.")
        st.caption(
            "Method and sources: docs/energy.md (5R1C heating and cooling, IEC 61439-2 "
            "board diversity, per-tenant rules, pvlib PV, retrofit table)."
        )


def key_figures(loads: Any, boards: pd.DataFrame, split: Any, pv: Any) -> None:
    row = ui.metric_row()
    if loads is not None:
        area = float(loads["floor_area_m2"].sum())
        heat, cool = float(loads["heating_kwh"].sum()), float(loads["cooling_kwh"].sum())
        row.metric("Heating [MWh/a]", _number(heat / 1000, ",.1f"), width="content")
        row.metric("Cooling [MWh/a]", _number(cool / 1000, ",.1f"), width="content")
        row.metric("Heating [kWh/m²·a]", _number(heat / area if area else math.nan, ",.0f"),
                   help=f"over {area:,.0f} m² of simulated floor", width="content")  # fmt: skip
    over = int((boards["status"] == "over capacity").sum()) if len(boards) else 0
    row.metric("Boards over capacity", f"{over} of {len(boards)}", width="content")
    row.metric("Energy cost in the period [€]", _number(split.site["cost_eur"].sum(min_count=1)),
               width="content")  # fmt: skip
    row.metric("CO₂ in the period [t]", _number(split.site["co2_kg"].sum(min_count=1) / 1000,
                                                ",.1f"), width="content")  # fmt: skip
    row.metric("Roof PV [kWp]", _number(pv.summary["kwp"], ",.1f"), width="content")


def heating_tab(url: str, site: str, version: int, frames: Any, loads: Any, why: str) -> None:
    if loads is None:
        st.info(f"No heating or cooling to show: {ui.text(why)}.")
        return
    spaces = data.site_spaces(url, site, version, dt.date.today())
    storeys = data.storeys_of(spaces[spaces["global_id"].isin(loads["space_global_id"])], frames)
    left, right = st.columns([3, 1])
    with left:
        storey = ui.storey_picker(storeys, key=state.STOREY)
    column = right.radio("Colour by", list(PLAN_COLUMNS), format_func=PLAN_COLUMNS.get,
                         horizontal=True, key=PLAN_COLUMN)  # fmt: skip
    if storey is not None:
        fig = data.energy_plan_figure(url, site, version, dt.date.today(), storey, column)
        ui.figure(fig, f"{site}_{storey}_{column}", key="energy_plan")
    st.caption("Per m² of the space's floor in the typical year of the site's climate; grey: "
               "not simulated (outdoor, removed or without a floor area).")  # fmt: skip
    monthly = overview.monthly_demand(loads)
    fig = figures.bar_figure(
        monthly, x="month_name", y=["heating_kwh", "cooling_kwh"], barmode="group",
        title="Heating and cooling need per month, whole site [kWh]", y_title="need [kWh]",
        colours={"heating_kwh": "#D55E00", "cooling_kwh": "#0072B2"},
        names={"heating_kwh": "heating", "cooling_kwh": "cooling"},
    )  # fmt: skip
    ui.figure(fig, f"{site}_monthly_demand", key="energy_monthly")
    ui.table(monthly.round(1), f"{site}_monthly_demand", key="energy_monthly_table")
    table = loads[["space_global_id", "space_name", "storey", "use", "unit_id", "tenant_id",
                   "floor_area_m2", "heating_kwh", "cooling_kwh", "peak_heating_kw",
                   "peak_cooling_kw"]].copy()  # fmt: skip
    intensity = overview.space_intensity(loads)
    table["heating_kwh_m2a"] = intensity["heating_kwh_m2a"].to_numpy()
    table["cooling_kwh_m2a"] = intensity["cooling_kwh_m2a"].to_numpy()
    st.markdown("**Every space**")
    ui.table(table, f"{site}_space_loads", key="energy_spaces")


def boards_tab(site: str, boards: pd.DataFrame) -> None:
    if not len(boards):
        from site_manager.ifc.space_attributes import pset_property

        st.info("The site has no distribution boards: neither a board list nor spaces that "
                f"name a board with a capacity ({pset_property('board_id')} and "
                f"{pset_property('board_capacity_kw')} in the model, or `site-manager space "
                "set GID --board-id B --board-capacity-kw KW`).")  # fmt: skip
        return
    over = boards[boards["status"] == "over capacity"]
    if len(over):
        st.error("Over capacity: " + ", ".join(
            f"{ui.text(b)} ({c:,.1f} of {k:,.1f} kW)" for b, c, k in
            zip(over["board_id"], over["coincident_kw"], over["capacity_kw"], strict=True)),
            icon="⚡")  # fmt: skip
    else:
        st.success("No board is over capacity.")
    fig = figures.board_load_figure(boards, title="Coincident load against capacity [kW]")
    ui.figure(fig, f"{site}_board_loads", key="energy_boards_fig")
    st.caption("Coincident load = connected load × the IEC 61439-2 diversity factor for the "
               "number of machines; near capacity from 80 %.")  # fmt: skip
    ui.table(boards, f"{site}_board_loads", key="energy_boards")


def statement_file(frames: Any, split: Any, tenant: str, month: str, suffix: str) -> bytes:
    """The tenant's statement as the library writes it (``.csv`` or ``.xlsx``), as bytes."""
    from site_manager.energy.tenant_reports import (
        statement_header,
        tenant_statement,
        write_statement,
    )

    statement = tenant_statement(split, tenant, month)
    header = statement_header(frames, split, tenant, month)
    with tempfile.TemporaryDirectory(prefix="statement-") as folder:
        path = write_statement(statement, Path(folder) / f"statement{suffix}", header=header)
        return path.read_bytes()


def statement_box(site: str, frames: Any, split: Any) -> None:
    from site_manager.energy.tenant_reports import tenant_statement
    from site_manager.energy.tenants import VACANT

    rows = split.tenants[split.tenants["tenant_id"] != VACANT]
    st.subheader("Tenant statement")
    if not len(rows):
        st.info("No tenant has a lease or a meter reading in this period.")
        return
    names = dict(zip(frames.tenants["tenant_id"], frames.tenants["name"], strict=True))
    left, right = st.columns(2)
    tenant = left.selectbox("Tenant", sorted(set(rows["tenant_id"])), key="energy_stmt_tenant",
                            format_func=lambda t: f"{names.get(t, '')} ({t})")  # fmt: skip
    months = sorted(set(rows.loc[rows["tenant_id"] == tenant, "month"]), reverse=True)
    month = right.selectbox("Month", months, key="energy_stmt_month")
    if month not in months:  # a month kept from another tenant
        month = months[0]
    statement = tenant_statement(split, tenant, month)
    st.dataframe(statement, hide_index=True, key="energy_statement_df",
                 column_config=ui.number_columns(statement))  # fmt: skip
    statement_buttons(
        f"statement_{site}_{tenant}_{month}",
        functools.partial(statement_file, frames, split, tenant, month),
        key="energy_statement",
    )


def statement_buttons(stem: str, make: Any, *, key: str) -> None:
    """*Statement CSV* and *Statement Excel*: ``make(suffix)`` gives the file's bytes when
    clicked (Energy page and My tenancy)."""
    stem = ui.file_stem(stem)
    row = st.container(horizontal=True, gap="small")
    for suffix, label, mime in (
        (".csv", "Statement CSV", "text/csv"),
        (".xlsx", "Statement Excel",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ):  # fmt: skip
        row.download_button(
            label, data=functools.partial(make, suffix), file_name=f"{stem}{suffix}",
            mime=mime, key=f"{key}_{suffix[1:]}", on_click="ignore",
            icon=":material/download:",
        )  # fmt: skip


def tenants_tab(site: str, frames: Any, split: Any, label: str) -> None:
    period = overview.tenant_period(split, frames.tenants)
    if not len(split.tenants):
        st.info("Nothing to split in this period.")
        return
    if not len(frames.leases):
        st.info("The site has no leases: its energy is all the landlord's. Define units and "
                "sign leases on the Units and members and Tenants and leases pages.")  # fmt: skip
    cfg = split.settings
    st.caption(
        f"{label}. Common parts split by {cfg.cost_key}; heating by {cfg.heating_carrier} at "
        f"a boiler efficiency of {cfg.boiler_efficiency:g}. The tenants' rows add up to the "
        f"'{overview.SITE_TOTAL}' row exactly (each month to the Wh, cent and gram)."
    )
    shown = period.rename(columns={"electricity_source": "electricity from",
                                   "heat_source": "heat from"})  # fmt: skip
    ui.table(shown, f"{site}_energy_per_tenant_{label}", key="energy_tenants", height="content")
    chart = period[period["tenant_id"] != overview.SITE_TOTAL].copy()
    chart["who"] = [f"{n} ({t})" if n and not t.startswith("(") else n or str(t) for n, t in
                    zip(chart["tenant"], chart["tenant_id"].astype(str), strict=True)]  # fmt: skip
    fig = figures.bar_figure(
        chart, x="who", y=["electricity_kwh", "fuel_kwh"], y_title="energy [kWh]",
        title=f"Electricity and heating fuel per tenant, {label} [kWh]",
        colours={"electricity_kwh": "#0072B2", "fuel_kwh": "#D55E00"},
        names={"electricity_kwh": "electricity", "fuel_kwh": f"{cfg.heating_carrier} (heating)"},
    )  # fmt: skip
    ui.figure(fig, f"{site}_energy_per_tenant", key="energy_tenants_fig")
    with st.expander("Per tenant and month"):
        ui.table(split.tenants, f"{site}_energy_per_tenant_month_{label}",
                 key="energy_tenant_months")  # fmt: skip
    statement_box(site, frames, split)


def compare_tab(site: str, split: Any, label: str) -> None:
    from site_manager.energy.tenant_reports import measured_vs_modelled

    compare = measured_vs_modelled(split, site)
    if not len(compare):
        st.info("No meter readings in this period, so nothing to compare: readings come with "
                "a sample site's meters.csv (no command imports them yet).")  # fmt: skip
        return
    sums = compare.groupby(["scope", "id", "carrier"], sort=False)[
        ["measured_kwh", "modelled_kwh"]].sum().reset_index()  # fmt: skip
    sums["difference_kwh"] = sums["measured_kwh"] - sums["modelled_kwh"]
    sums["difference_pct"] = sums["difference_kwh"] / sums["modelled_kwh"].where(
        sums["modelled_kwh"] != 0) * 100  # fmt: skip
    tenants = sums[sums["scope"] == "tenant"]
    if len(tenants):
        fig = figures.bar_figure(
            tenants, x="id", y=["measured_kwh", "modelled_kwh"], barmode="group",
            title=f"Tenants' electricity, measured against modelled, {label} [kWh]",
            y_title="electricity [kWh]", colours=COMPARE_COLOURS, names=COMPARE_NAMES,
        )  # fmt: skip
        ui.figure(fig, f"{site}_measured_vs_modelled_tenants", key="energy_compare_fig")
    whole = compare[compare["scope"] == "site"].copy()
    if len(whole):
        whole["what"] = whole["month"] + " " + whole["carrier"]
        fig = figures.bar_figure(
            whole, x="what", y=["measured_kwh", "modelled_kwh"], barmode="group",
            title="The site's meters against the model, per month and carrier [kWh]",
            y_title="energy [kWh]", colours=COMPARE_COLOURS, names=COMPARE_NAMES,
        )  # fmt: skip
        ui.figure(fig, f"{site}_measured_vs_modelled_site", key="energy_compare_site_fig")
    st.markdown("**Over the period**")
    ui.table(sums[["scope", "id", "carrier", "measured_kwh", "modelled_kwh", "difference_kwh",
                   "difference_pct"]].round(1), f"{site}_measured_vs_modelled_{label}",
             key="energy_compare_sums", height="content")  # fmt: skip
    with st.expander("Per month"):
        ui.table(compare, f"{site}_measured_vs_modelled_monthly_{label}", key="energy_compare")


def pv_tab(site: str, pv: Any) -> None:
    st.number_input("Flat-roof panel tilt [°]", min_value=0.0, max_value=90.0, step=5.0,
                    key=TILT, help="South-facing rows on flat roofs, spaced not to shade "
                    "each other at noon on the winter solstice")  # fmt: skip
    if not len(pv.faces):
        st.info("The site's stored fabric has no roof face, so there is no roof PV to "
                f"compute; store the model's roofs with `site-manager site revise MODEL.ifc "
                f"--site {site}`.")  # fmt: skip
        return
    s = pv.summary
    row = ui.metric_row()
    row.metric("Peak power [kWp]", _number(s["kwp"], ",.1f"), width="content")
    row.metric("Yield [MWh/a]", _number(s["annual_kwh"] / 1000, ",.1f"), width="content")
    row.metric("Per kWp [kWh/kWp·a]", _number(s["annual_kwh"] / s["kwp"] if s["kwp"] else None),
               width="content")  # fmt: skip
    row.metric("Self-consumed", _number(s["self_consumption_share"] * 100, ".0f") + " %",
               help="used on site in the hour it is made", width="content")  # fmt: skip
    row.metric("Saved [€/a]", _number(s["saving_eur"]), width="content")
    row.metric("CO₂ saved [t/a]", _number(s["co2_saved_kg"] / 1000, ",.1f"),
               help=str(s["co2_source"]), width="content")  # fmt: skip
    monthly = overview.pv_monthly(pv)
    fig = figures.bar_figure(
        monthly, x="month_name", y=["self_consumed_kwh", "exported_kwh"],
        title="Roof PV yield per month: used on site and exported [kWh]", y_title="AC [kWh]",
        colours={"self_consumed_kwh": "#009E73", "exported_kwh": "#F0E442"},
        names={"self_consumed_kwh": "used on site", "exported_kwh": "exported"},
    )  # fmt: skip
    ui.figure(fig, f"{site}_pv_monthly", key="energy_pv_fig")
    ui.table(monthly.round(1), f"{site}_pv_monthly", key="energy_pv_monthly")
    st.markdown("**Roof faces**")
    faces = pv.faces.assign(monthly_kwh=[[round(float(x), 1) for x in m] for m in
                                         pv.faces["monthly_kwh"]])  # fmt: skip
    ui.table(faces, f"{site}_pv_faces", key="energy_pv_faces")
    st.caption("PVGIS default system: crystalline silicon, 1 kWp per 5.5 m² of panel, 14 % "
               "system losses; exports valued at 0 €.")  # fmt: skip


def retrofit_tab(url: str, site: str, version: int) -> None:
    from site_manager.energy.retrofit import MEASURES

    chosen = st.multiselect("Measures", list(MEASURES), key=MEASURES_KEY,
                            format_func=lambda m: m.replace("_", " "))  # fmt: skip
    request = (url, site, version, tuple(m for m in MEASURES if m in chosen))
    if st.button("Compute", key="energy_retrofit_compute", disabled=not chosen,
                 icon=":material/calculate:"):  # fmt: skip
        try:
            data.energy_retrofits(*request)
            st.session_state[RETROFIT] = {"request": request, "error": None}
        except SiteManagerError as error:
            st.session_state[RETROFIT] = {"request": request, "error": str(error)}
    done = st.session_state.get(RETROFIT)
    if not done or done["request"] != request:
        st.caption("Choose measures and press Compute (a few seconds: every scenario runs "
                   "the heating model of every space for a year).")  # fmt: skip
        return
    if done["error"]:
        st.warning(ui.text(done["error"]))
        return
    table = data.energy_retrofits(*request)
    fig = figures.bar_figure(
        table, x="scenario", y=["saving_eur"], title="Money saved per year [€/a]",
        y_title="saved [€/a]", names={"saving_eur": "saved"},
    )  # fmt: skip
    ui.figure(fig, f"{site}_retrofits", key="energy_retrofit_fig")
    ui.table(table, f"{site}_retrofits_{'_'.join(request[3])}", key="energy_retrofits")
    st.caption(
        "Costs from site_manager/energy/data/retrofit_measures.csv (indicative, with "
        "sources); payback = cost / money saved per year; cooling is not counted."
    )


@ui.page
def render() -> None:
    st.title("Energy")
    state.show_flash()
    url, site = ui.site_picker()
    if site is None:
        return
    version = data.data_version(url)
    frames = data.get_frames(url, site, version)
    options = overview.periods(frames)
    if st.session_state.get(PERIOD) not in options:
        st.session_state[PERIOD] = options[0]
    st.session_state.setdefault(TILT, DEFAULT_TILT_DEG)
    st.session_state.setdefault(MEASURES_KEY, ["roof", "walls", "glazing", "heat_pump"])
    period = st.selectbox("Period of the per-tenant figures", options, key=PERIOD,
                          format_func=lambda p: period_label(p, frames))  # fmt: skip
    label = period_label(period, frames)
    loads, why = data.energy_loads(url, site, version)
    boards = data.energy_boards(url, site, version)
    split = data.energy_split(url, site, version, tuple(overview.months_of(period, frames)))
    pv = data.energy_pv(url, site, version, float(st.session_state[TILT]))
    key_figures(loads, boards, split, pv)
    assumptions_list(frames)
    tabs = st.tabs(["Heating and cooling", "Board loads", "Tenants", "Measured vs modelled",
                    "Roof PV", "Retrofits"])  # fmt: skip
    with tabs[0]:
        heating_tab(url, site, version, frames, loads, why)
    with tabs[1]:
        boards_tab(site, boards)
    with tabs[2]:
        tenants_tab(site, frames, split, label)
    with tabs[3]:
        compare_tab(site, split, label)
    with tabs[4]:
        pv_tab(site, pv)
    with tabs[5]:
        retrofit_tab(url, site, version)
