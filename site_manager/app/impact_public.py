"""The Neighbourhood impact page as the municipality sees it: the copy under disclosure
control (:func:`site_manager.disclosure.public_report`), and its downloads (HTML, PDF,
JSON, CSV), all made from that copy alone.

The access check runs on every script run (:func:`access.authorize`), outside the cache;
the cached copy holds aggregates only, the same for every user who may read it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import streamlit as st

from site_manager.app import data, ui
from site_manager.errors import SiteManagerError
from site_manager.register import access


@st.cache_data(max_entries=8, show_spinner="Computing the impact figures…")
def public(url: str, site: str, version: int, on: dt.date, openings: str) -> Any:
    """The municipality's copy of the site's report (``version``: the cache key)."""
    from site_manager.disclosure import public_report
    from site_manager.impact import ImpactOptions

    return public_report(
        data.get_engine(url), site, options=ImpactOptions(on=on, openings=openings)
    )


def number_text(x: Any, nd: int = 0, unit: str = "") -> str:
    """A figure as the impact pages show it (thousands separated; unknown as "–")."""
    if x is None or not math.isfinite(float(x)):
        return "–"
    return f"{float(x):,.{nd}f}" + (f" {unit}" if unit else "")


def pdf_or_message(render: Any, report: Any) -> bytes:
    """``render(report)``, the PDF; where WeasyPrint is missing, the file says so instead."""
    try:
        return bytes(render(report))
    except SiteManagerError as exc:
        return str(exc).encode()


_num = number_text


def _pdf(p: Any) -> bytes:
    from site_manager.impact.render import render_public_pdf

    return pdf_or_message(render_public_pdf, p)


def _downloads(p: Any, site: str) -> None:
    from site_manager import tabular
    from site_manager.impact.render import render_public_html

    stem = f"impact_{site}_public"
    row = st.container(horizontal=True, gap="small")
    row.download_button("Report (HTML)", data=lambda: render_public_html(p).encode("utf-8"),
                        file_name=f"{stem}.html", mime="text/html", key="impact_pub_html",
                        on_click="ignore", icon=":material/download:")  # fmt: skip
    row.download_button("Report (PDF)", data=lambda: _pdf(p), file_name=f"{stem}.pdf",
                        mime="application/pdf", key="impact_pub_pdf", on_click="ignore",
                        icon=":material/picture_as_pdf:")  # fmt: skip
    row.download_button("Figures (JSON)",
                        data=lambda: json.dumps(p.to_dict(), ensure_ascii=False).encode("utf-8"),
                        file_name=f"{stem}.json", mime="application/json", key="impact_pub_json",
                        on_click="ignore", icon=":material/data_object:")  # fmt: skip
    row.download_button("Tables (CSV)",
                        data=lambda: tabular.csv_text(p.table_rows()).encode("utf-8"),
                        file_name=f"{stem}.csv", mime="text/csv", key="impact_pub_csv",
                        on_click="ignore", icon=":material/table:")  # fmt: skip


def render(url: str, site: str, on: dt.date, openings: str) -> None:
    """Draw the municipality's copy of the report below the page's pickers."""
    from site_manager.disclosure import THRESHOLD, TRIPS_ROUNDING
    from site_manager.impact import SECTIONS
    from site_manager.impact.render import site_map_svg

    access.authorize("read_aggregates")
    p = public(url, site, data.data_version(url), on, openings)
    st.caption(ui.text(f"{p.site.get('name') or site}: the municipality's copy. Aggregates only: "
                       f"a figure counting fewer than {THRESHOLD} tenants, or one that would let "
                       "such a figure be worked out from a total, is suppressed; trips are "
                       f"rounded to {TRIPS_ROUNDING:g} a day."))  # fmt: skip
    _downloads(p, site)
    loudest = p.receptors["level_day_dba"].max() if len(p.receptors) else None
    row = ui.metric_row()
    row.metric("Jobs", _num(p.jobs) if p.jobs is not None else "suppressed", width="content")
    row.metric("Trips a day", _num(p.trips_per_day) if p.trips_per_day is not None
               else "suppressed", help=f"threshold {_num(p.threshold_per_day)}",
               width="content")  # fmt: skip
    row.metric("Loudest neighbour, day", _num(loudest, 1, "dB(A)"),
               help=f"limit {_num(p.limit_day_dba)} dB(A)", width="content")  # fmt: skip
    row.metric("Embodied carbon kept", f"{_num(p.reuse.carbon_low_kg / 1000)}–"
               f"{_num(p.reuse.carbon_high_kg / 1000)} t CO₂e", width="content")  # fmt: skip
    for note in p.notes:
        st.info(ui.text(note), icon=":material/info:")
    svg = site_map_svg(p)
    if svg:
        st.image(svg, caption="The building (blue) and its neighbours; receptors coloured by "
                 "their day level", width=720)  # fmt: skip

    st.header(SECTIONS[0])
    if p.tenants is None:
        st.markdown(f"Jobs and tenants: suppressed (fewer than {THRESHOLD} tenants on the site).")
    else:
        mix = (f"Shannon H {_num(p.shannon_h, 2)} (the suppressed sectors as one group)"
               if p.shannon_h is not None else "Shannon index suppressed")  # fmt: skip
        st.markdown(ui.text(f"{_num(p.jobs)} jobs in {p.tenants} tenants; about "
                            f"{_num(p.estimated_vacant_jobs, 1)} more in the vacant units "
                            f"(estimate); {mix}"))  # fmt: skip
    cols = st.columns(3)
    for col, dim in zip(cols, ("kind", "sector", "stage"), strict=True):
        with col:
            ui.table(p.tables[dim], f"tenants by {dim} (public)", key=f"impact_pub_{dim}")

    st.header(SECTIONS[1])
    if p.trips_per_day is not None:
        verdict = "above" if p.exceeds else "below"
        st.markdown(ui.text(f"About {_num(p.trips_per_day)} trips a day now, "
                            f"{_num(p.trips_full_per_day)} at full occupancy: {verdict} the "
                            f"threshold of {_num(p.threshold_per_day)} "
                            f"({p.threshold_source})"))  # fmt: skip

    st.header(SECTIONS[2])
    st.markdown(f"Limits: {_num(p.limit_day_dba)} dB(A) by day, {_num(p.limit_night_dba)} "
                "dB(A) at night")  # fmt: skip
    for note in p.noise_notes:
        st.info(ui.text(note), icon=":material/volume_up:")
    if len(p.receptors):
        ui.table(_finite(p.receptors), "noise at the neighbours", key="impact_pub_receptors")
        st.caption("Loudest machines at the most exposed receptor, by type:")
        ui.table(_finite(p.machines.head(10)), "loudest machines", key="impact_pub_machines")

    st.header(SECTIONS[3])
    e = p.energy
    per_job = f", {_num(e.kwh_per_job)} kWh per job" if e.kwh_per_job is not None else ""
    st.markdown(ui.text(f"{_num(e.total_kwh)} kWh and {_num(e.co2_kg)} kg CO₂ a year; "
                        f"{_num(e.kwh_per_m2, 1)} kWh/m²{per_job} ({e.source})"))  # fmt: skip

    st.header(SECTIONS[4])
    u = p.reuse
    st.markdown(f"Embodied carbon kept: {_num(u.carbon_low_kg / 1000)}–"
                f"{_num(u.carbon_high_kg / 1000)} t CO₂e; land take avoided "
                f"{_num(u.footprint_m2)} m²; building area preserved "
                f"{_num(u.floor_area_m2)} m²")  # fmt: skip
    with st.expander(SECTIONS[5]):
        for m in p.methods:
            st.markdown(ui.text(f"{m.figure}: {m.method}. Inputs: {m.inputs}."))
            for s in m.sources:
                st.caption(ui.text(s))


def _finite(frame: Any) -> Any:
    """−inf (silent) levels shown as empty cells."""
    return frame.replace([-math.inf, math.inf], float("nan"))
