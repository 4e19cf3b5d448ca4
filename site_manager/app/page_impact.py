"""Neighbourhood impact: what the municipality gets and what the neighbours bear.

The same figures as ``site-manager report impact`` (one read function,
:func:`site_manager.impact.impact_report`), with the report as HTML and PDF downloads.

A user of role municipality sees, and downloads, only the copy under disclosure control
(:func:`site_manager.disclosure.public_report`; drawn by :mod:`site_manager.app.
impact_public`); staff see the full report and may switch to the municipality's copy to see
what it gets.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
import streamlit as st

from site_manager.app import data, impact_public, state, ui
from site_manager.register import access


@st.cache_data(max_entries=8, show_spinner="Computing the impact figures…")
def impact(url: str, site: str | None, version: int, on: dt.date, openings: str) -> Any:
    """The site's impact report (``version``: :func:`data.data_version`, the cache key)."""
    from site_manager.impact import ImpactOptions, impact_report

    return impact_report(
        data.get_frames(url, site, version), ImpactOptions(on=on, openings=openings)
    )


_num = impact_public.number_text


def _pdf(report: Any) -> bytes:
    from site_manager.impact.render import render_pdf

    return impact_public.pdf_or_message(render_pdf, report)


def _downloads(report: Any, site: str) -> None:
    from site_manager.impact.render import render_html

    row = st.container(horizontal=True, gap="small")
    row.download_button("Report (HTML)", data=lambda: render_html(report).encode("utf-8"),
                        file_name=f"impact_{site}.html", mime="text/html", key="impact_html",
                        on_click="ignore", icon=":material/download:")  # fmt: skip
    row.download_button("Report (PDF)", data=lambda: _pdf(report),
                        file_name=f"impact_{site}.pdf", mime="application/pdf", key="impact_pdf",
                        on_click="ignore", icon=":material/picture_as_pdf:")  # fmt: skip


def _headline(r: Any) -> None:
    loudest = r.noise.receptors["level_day_dba"].max() if len(r.noise.receptors) else None
    row = ui.metric_row()
    row.metric("Jobs", _num(r.jobs.jobs), help=f"about {_num(r.jobs.estimated_vacant_jobs, 1)} "
               "more in the vacant units (estimate)", width="content")  # fmt: skip
    row.metric("Trips a day", _num(r.trips.trips_per_day),
               help=f"threshold {_num(r.trips.threshold_per_day)}", width="content")  # fmt: skip
    row.metric("Loudest neighbour, day", _num(loudest, 1, "dB(A)"),
               help=f"limit {_num(r.noise.limit_day_dba)} dB(A)", width="content")  # fmt: skip
    row.metric("Energy per job", _num(r.energy.kwh_per_job, 0, "kWh/yr"), width="content")
    row.metric("Embodied carbon kept", f"{_num(r.reuse.carbon_low_kg / 1000)}–"
               f"{_num(r.reuse.carbon_high_kg / 1000)} t CO₂e", width="content")  # fmt: skip


@ui.page
def render() -> None:
    from site_manager.impact import SECTIONS
    from site_manager.impact.render import site_map_svg

    st.title("Neighbourhood impact")
    state.show_flash()
    url, site = ui.site_picker()
    if site is None:
        return
    top = st.columns([1, 1, 3])
    on = top[0].date_input("Tenancy on", value=dt.date.today(), key="impact_on")
    openings = top[1].radio("Windows and doors", ["closed", "open"], horizontal=True,
                            key="impact_openings")  # fmt: skip
    if access.current().role is access.Role.MUNICIPALITY or top[2].toggle(
        "The municipality's copy", key="impact_public",
        help="What a user of role municipality sees: aggregates only, under disclosure control",
    ):  # fmt: skip
        impact_public.render(url, site, on, openings)
        return
    r = impact(url, site, data.data_version(url), on, openings)
    st.caption(ui.text(f"{r.site.get('name') or site}: what the municipality gets and what the "
                       "neighbours bear."))  # fmt: skip
    _downloads(r, site)
    _headline(r)
    for note in r.notes:
        st.info(ui.text(note), icon=":material/info:")
    svg = site_map_svg(r)
    if svg:
        st.image(svg, caption="The building (blue) and its neighbours; receptors coloured by "
                 "their day level: red above the limit, amber within 10 dB, green below, grey "
                 "silent", width=720)  # fmt: skip
    if not r.neighbourhood_layers:
        st.info("This site has no neighbourhood map: the noise at the neighbours cannot be "
                "computed. Give one with `site-manager site neighbourhood FILE.gpkg`.")  # fmt: skip

    st.header(SECTIONS[0])
    j = r.jobs
    mix = f"Shannon H {_num(j.shannon_h, 2)}, evenness {_num(j.evenness, 2)}"
    st.markdown(ui.text(f"{_num(j.jobs)} jobs in {len(j.tenants)} tenants; {j.sectors} sectors, "
                        + mix))  # fmt: skip
    cols = st.columns(3)
    with cols[0]:
        ui.table(j.by_kind, "tenants by kind", key="impact_kind")
    with cols[1]:
        ui.table(j.by_sector, "tenants by sector", key="impact_sector")
    with cols[2]:
        ui.table(j.by_stage, "tenants by stage", key="impact_stage")
    if len(j.vacant):
        st.caption("Vacant units, jobs estimated from a density by use:")
        ui.table(j.vacant.drop(columns=["source"]), "vacant units", key="impact_vacant")

    st.header(SECTIONS[1])
    t = r.trips
    verdict = "above" if t.exceeds else "below"
    st.markdown(ui.text(f"{_num(t.trips_per_day)} trips a day now, {_num(t.trips_full_per_day)} at "
                        f"full occupancy: {verdict} the transport-assessment threshold of "
                        f"{_num(t.threshold_per_day)} ({t.threshold_source})"))  # fmt: skip
    ui.table(t.by_kind, "trips by kind", key="impact_trips")

    st.header(SECTIONS[2])
    n = r.noise
    st.markdown(ui.text(f"Limits: {_num(n.limit_day_dba)} dB(A) by day, {_num(n.limit_night_dba)} "
                        "dB(A) at night"))  # fmt: skip
    for note in n.notes:
        st.info(ui.text(note), icon=":material/volume_up:")
    hours_section(url, site, n.hours)
    if len(n.receptors):
        ui.table(_finite(n.receptors), "noise at the neighbours", key="impact_receptors")
        st.caption("Loudest machines at the most exposed receptor:")
        ui.table(_finite(n.contributors.head(10)), "loudest machines", key="impact_contrib")

    st.header(SECTIONS[3])
    e = r.energy
    st.markdown(ui.text(f"{_num(e.total_kwh)} kWh and {_num(e.co2_kg)} kg CO₂ a year; "
                        f"{_num(e.kwh_per_m2, 1)} kWh/m², {_num(e.kwh_per_job)} kWh and "
                        f"{_num(e.co2_kg_per_job)} kg CO₂ per job ({e.source})"))  # fmt: skip

    st.header(SECTIONS[4])
    u = r.reuse
    st.markdown(ui.text(f"Embodied carbon kept: {_num(u.carbon_low_kg / 1000)}–"
                        f"{_num(u.carbon_high_kg / 1000)} t CO₂e; land take avoided "
                        f"{_num(u.footprint_m2)} m²; building area preserved "
                        f"{_num(u.floor_area_m2)} m²"))  # fmt: skip

    with st.expander(SECTIONS[5]):
        for m in r.methods:
            st.markdown(ui.text(f"{m.figure}: {m.method}. Inputs: {m.inputs}."))
            for s in m.sources:
                st.caption(ui.text(s))


#: Widget keys of the hours editor: ``impact_hours_<site>_<revision>_<kind>_<period>`` (a new
#: site or register revision starts from the stored hours).
HOURS_KEY = "impact_hours"


def hours_section(url: str, site: str, hours: pd.DataFrame) -> None:
    """The machines' operating hours by kind of tenant the noise used: a table, and for the
    roles that may set the site's settings an editor (the ``set_noise_hours`` verb).
    """
    from site_manager.assumptions import DAY_HOURS, NIGHT_HOURS

    st.markdown("**Machines' operating hours** by kind of tenant (day 06–22, night 22–06; "
                "'shared': the shared workshops' machines)")  # fmt: skip
    if not access.allowed("set_noise_hours", access.current()):
        ui.table(hours, f"operating_hours_{site}", key=f"{HOURS_KEY}_table")
        return
    stem = f"{HOURS_KEY}_{site}_{data.data_version(url)}"
    with st.form(f"{HOURS_KEY}_form", border=False):
        given: dict[str, tuple[float, float]] = {}
        for kind, day, night, source in zip(
            hours["kind"], hours["hours_day"], hours["hours_night"], hours["source"], strict=True
        ):
            row = st.columns([2, 1, 1, 1], vertical_alignment="bottom")
            row[0].markdown(ui.text(kind.replace("_", " ")))
            d = row[1].number_input("hours by day", 0.0, DAY_HOURS, float(day), 0.5,
                                    key=f"{stem}_{kind}_day")  # fmt: skip
            n = row[2].number_input("hours at night", 0.0, NIGHT_HOURS, float(night), 0.5,
                                    key=f"{stem}_{kind}_night")  # fmt: skip
            row[3].caption("the site's" if source == "site" else "default")
            if (d, n) != (float(day), float(night)):
                given[kind] = (d, n)
        saved = st.form_submit_button("Save hours", icon=":material/save:")
    if not saved:
        return
    if not given:
        st.info("No hours changed.")
        return
    from site_manager import register
    from site_manager.errors import SiteManagerError

    try:
        register.set_noise_hours(data.get_engine(url), given, site=site)
    except SiteManagerError as error:
        st.error(ui.text(error), icon=":material/block:")
        return
    state.flash("success", "Operating hours saved: " + ", ".join(
        f"{k} {d:g} h by day, {n:g} h at night" for k, (d, n) in given.items()))  # fmt: skip
    st.rerun()


def _finite(frame: pd.DataFrame) -> pd.DataFrame:
    """−inf (silent) levels shown as empty cells."""
    return frame.replace([-math.inf, math.inf], float("nan"))
