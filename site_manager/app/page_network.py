"""Invisible Factory: route a job along chains of tenants across the register's sites.

The job is composed as JSON in a text area (prefilled with a template for the register) or
uploaded as a job file (docs/invisible-factory.md); **Route** runs
:func:`site_manager.network.route` on every site of the register and shows the best
chains (a table each, and a map of the sites with the chain's hops) and the steps that
cannot be routed with the reason. Names and reasons are shown through :func:`ui.text`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import streamlit as st

from site_manager import network
from site_manager.app import data, state, ui
from site_manager.errors import ValidationError
from site_manager.network.map import chain_hops, network_map_figure

#: Session keys: the job's JSON text, the last result (``{"job", "result"}``), the chain
#: shown on the map.
JOB_TEXT, RESULT, CHAIN_SHOWN = "network_job_text", "network_result", "network_chain"


@st.cache_data(max_entries=4, show_spinner=False)
def read_network(url: str, version: int) -> network.Network:
    """Every site of the register (``version``: the register's revision, the cache key)."""
    return network.read_network(data.get_engine(url))


def template(net: network.Network, today: dt.date) -> dict[str, Any]:
    """A job to start from: two steps needing the network's commonest machine type and
    skill, from the first site with a location, over the two weeks from next Monday.
    """
    located = [s for s in net.sites["site_id"] if s in net.locations()]
    origin = located[0] if located else (net.sites["site_id"].iloc[0] if len(net.sites) else "")
    monday = today + dt.timedelta(days=7 - today.weekday())
    types = net.equipment["type"].dropna().astype(str)
    skills = net.skills["skill"].dropna().astype(str)
    steps = []
    if len(skills):
        steps.append({"id": "design", "needs": skills.value_counts().index[0], "hours": 4})
    if len(types):
        steps.append({"id": "make", "needs": types.value_counts().index[0], "hours": 3})
    return {
        "origin_site": origin,
        "window": {"start": f"{monday}T08:00",
                   "end": f"{monday + dt.timedelta(days=11)}T18:00"},
        "max_distance_km": 300, "transport_eur_per_km": 1.0,
        "steps": steps or [{"id": "step", "needs": "cnc_router", "hours": 2}],
    }  # fmt: skip


def _job_input(net: network.Network) -> str:
    if JOB_TEXT not in st.session_state:
        st.session_state[JOB_TEXT] = json.dumps(template(net, dt.date.today()), indent=1)
    upload = st.file_uploader("Upload a job file (JSON)", type=["json"], key="network_upload")
    if upload is not None and st.session_state.get("network_upload_seen") != upload.file_id:
        st.session_state["network_upload_seen"] = upload.file_id
        st.session_state[JOB_TEXT] = upload.getvalue().decode("utf-8", errors="replace")
    return str(st.text_area("Job (JSON: steps, window, origin_site, max_distance_km, ...)",
                            key=JOB_TEXT, height=280))  # fmt: skip


def _parse(text: str) -> network.Job:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"the job is not JSON: {exc}") from None
    return network.parse_job(raw)


def _chains(net: network.Network, job: network.Job, result: network.RouteResult) -> None:
    frame = result.chains_frame()
    labels = {rank: f"Chain {rank}: {c.cost_eur:,.2f} EUR, finish {c.finish:%Y-%m-%d %H:%M}"
              for rank, c in enumerate(result.chains, 1)}  # fmt: skip
    if st.session_state.get(CHAIN_SHOWN) not in labels:
        st.session_state[CHAIN_SHOWN] = 1
    rank = st.radio("Chain", list(labels), key=CHAIN_SHOWN, horizontal=True,
                    format_func=lambda r: ui.text(labels[r]))  # fmt: skip
    chain = result.chains[int(rank or 1) - 1]
    metrics = ui.metric_row()
    metrics.metric("Cost", f"{chain.cost_eur:,.2f} EUR")
    metrics.metric("Transport", f"{chain.transport_eur:,.2f} EUR")
    metrics.metric("Distance", f"{chain.distance_km:,.1f} km" if chain.distance_km < 10
                   else f"{chain.distance_km:,.0f} km")  # fmt: skip
    metrics.metric("Finish", f"{chain.finish:%Y-%m-%d %H:%M}")
    shown = frame[frame["rank"] == rank].drop(columns=["rank", "cost_eur", "finish"])
    ui.table(shown, f"chain_{rank}", key="network_chain_table")
    hops = chain_hops(net, chain, job)
    ui.figure(network_map_figure(net, chain, hops), f"chain_{rank}_map", key="network_map")


@ui.page
def render() -> None:
    st.header("Invisible Factory")
    st.caption("A job routed along chains of tenants that can do each step, within a site "
               "and across the register's sites (docs/invisible-factory.md).")  # fmt: skip
    state.show_flash()
    url = st.session_state[state.DB_URL]
    net = read_network(url, data.data_version(url))
    if net.sites.empty:
        st.info("The register has no site yet: import an IFC model on the Import page.")
        return
    text = _job_input(net)
    if st.button("Route", type="primary", key="network_route"):
        job = _parse(text)
        st.session_state[RESULT] = {"text": text, "result": network.route(net, job)}
    done = st.session_state.get(RESULT)
    if not done:
        return
    job = _parse(done["text"])
    result: network.RouteResult = done["result"]
    for a in result.assumptions:
        st.caption(ui.text(f"Assumed: {a}"))
    for row in result.unroutable:
        st.warning(ui.text(f"Step {row['step']} ({row['needs']}) cannot be routed: "
                           f"{row['reason']}"))  # fmt: skip
    if result.chains:
        _chains(net, job, result)
    if not result.exact:
        st.caption("Some partial chains were dropped from the search (beam): the chains "
                   "shown are the best found, not proven the best.")  # fmt: skip
