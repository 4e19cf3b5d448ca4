"""Community: the skills directory, complementarity (who provides what a member needs, and
who needs what it brings), the network of tenants and applicants by what they provide and
need, the synergy values that relation suggests to the Layout lab, and the capacity of the
shared machines.

The relation is :mod:`site_manager.community`'s; the page only draws it.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from site_manager import community, sharing, tabular
from site_manager.app import data, state, ui
from site_manager.app.page_bookings import register_tables

#: Seed of the spring layout of the network (the same picture on every run).
LAYOUT_SEED = 7
ROLE_COLOURS = {"tenant": "#1f77b4", "applicant": "#ff7f0e", "site": "#2ca02c"}


def network_figure(g: nx.DiGraph, chosen: str | None = None) -> go.Figure:
    """The members placed by networkx's spring layout (seed :data:`LAYOUT_SEED`); a line
    from each provider to each member that needs what it provides, one colour per role;
    ``chosen`` and its links stand out.
    """
    pos = nx.spring_layout(g, seed=LAYOUT_SEED) if len(g) else {}
    fig = go.Figure()
    for mine in (False, True):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for a, b in g.edges:
            if (chosen in (a, b)) == mine:
                xs += [float(pos[a][0]), float(pos[b][0]), None]
                ys += [float(pos[a][1]), float(pos[b][1]), None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip",
                                 name="its links" if mine else "provides → needs",
                                 line={"width": 2.5 if mine else 0.7,
                                       "color": "#d62728" if mine else "#bbbbbb"}))  # fmt: skip
    for role, colour in ROLE_COLOURS.items():
        nodes = [n for n, r in g.nodes(data="role") if r == role]
        if not nodes:
            continue
        fig.add_trace(go.Scatter(
            x=[float(pos[n][0]) for n in nodes], y=[float(pos[n][1]) for n in nodes],
            mode="markers+text", name=role, customdata=nodes,
            text=[tabular.html_text(n) for n in nodes], textposition="top center",
            marker={"size": [10 + 2 * g.degree(n) ** 0.5 * 3 for n in nodes], "color": colour,
                    "line": {"width": [3 if n == chosen else 0 for n in nodes],
                             "color": "#d62728"}},
            hovertext=[tabular.html_text(f"{g.nodes[n]['name']} ({n}): provides to "
                                         f"{g.out_degree(n)}, needs from {g.in_degree(n)}")
                       for n in nodes], hoverinfo="text"))  # fmt: skip
    fig.update_layout(height=560, margin={"l": 10, "r": 10, "t": 30, "b": 10},
                      xaxis={"visible": False}, yaxis={"visible": False},
                      legend={"orientation": "h"})  # fmt: skip
    return fig


def _label(profiles: pd.DataFrame) -> dict[str, str]:
    return {r["member_id"]: f"{r['name']} ({r['member_id']}, {r['role']})"
            for r in profiles.to_dict("records")}  # fmt: skip


def directory_section(profiles: pd.DataFrame, frames: Any, site: str) -> None:
    """Tenants' skills and the machines they provide, applicants' offers; filterable."""
    st.subheader("Skills directory")
    shown = profiles.copy()
    skills = frames.skills
    if len(skills):
        joined = skills.groupby("tenant_id")["skill"].apply(
            lambda s: "; ".join(sorted(map(str, s)))
        )
        shown.insert(4, "skills", shown["member_id"].map(joined).fillna(""))
    cols = st.columns(2)
    roles = cols[0].multiselect("Role", sorted(shown["role"].unique()), key="community_roles")
    text = cols[1].text_input("Provides, needs, skill or name contains", key="community_text")
    if roles:
        shown = shown[shown["role"].isin(roles)]
    if text:
        hay = ui.plain(shown).drop(columns=["role"]).astype(str).agg(" ".join, axis=1)
        shown = shown[hay.str.contains(text, case=False, regex=False)]
    ui.table(shown, f"{site}_skills_directory", key="community_directory")


def complement_section(profiles: pd.DataFrame, site: str) -> str | None:
    """For a chosen member: who provides what it needs, who needs what it brings."""
    st.subheader("Complementarity")
    members = [m for m in profiles["member_id"] if m != community.SITE]
    labels = _label(profiles)
    chosen = st.selectbox("Applicant or tenant", members, format_func=lambda m: labels.get(m, m),
                          key="community_member")  # fmt: skip
    if chosen is None:
        return None
    me = profiles.set_index("member_id").loc[chosen]
    st.caption(ui.text(f"Provides: {', '.join(me['provides']) or 'nothing recorded'}. "
                       f"Needs: {', '.join(me['needs']) or 'nothing recorded'}."))  # fmt: skip
    found = community.complementarity(profiles, chosen)
    left, right = st.columns(2)
    for column, relation, title, empty in (
        (left, community.PROVIDES_WHAT_IT_NEEDS, "Who provides what it needs",
         "Nobody here provides what it needs."),
        (right, community.NEEDS_WHAT_IT_BRINGS, "Who needs what it brings",
         "Nobody here needs what it brings."),
    ):  # fmt: skip
        with column:
            st.markdown(f"**{title}**")
            part = found[found["relation"] == relation].drop(columns="relation")
            if part.empty:
                st.info(empty)
            else:
                key = "community_providers" if relation == community.PROVIDES_WHAT_IT_NEEDS \
                    else "community_needers"  # fmt: skip
                ui.table(part, f"{site}_{chosen}_{key}", key=key)
    return str(chosen)


@ui.page
def render() -> None:
    st.title("Community")
    state.show_flash()
    url, site = ui.site_picker()
    if site is None:
        return
    version = data.data_version(url)
    frames = data.get_frames(url, site, version)
    bookings, trainings = register_tables(url, site, version)
    profiles = community.profiles(frames, trainings, bookings)
    if profiles.empty:
        st.info(ui.text(f"Site {site} has no tenants, applicants or shared machines yet: "
                        "nothing to match."))  # fmt: skip
        return
    st.caption(
        "A tenant provides its shared machines' types and its skills and needs the "
        "machine types it is trained on or has booked; an applicant provides and needs "
        "what its application says; the site provides the shared machines nobody owns."
    )
    directory_section(profiles, frames, site)
    chosen = complement_section(profiles, site)

    st.subheader("Network")
    g = community.graph(profiles)
    st.caption(f"{g.number_of_nodes()} members, {g.number_of_edges()} links provider → needer.")
    ui.figure(network_figure(g, chosen), f"{site}_community_network", key="community_network")

    st.subheader("Synergy values")
    worth = community.EUR_PER_MEMBER_SERVED
    st.caption(f"What each type is worth to the Layout lab when a neighbour provides it: "
               f"{worth:g} €/month for each member that needs it and has another member "
               "providing it. The Layout lab offers them as defaults.")  # fmt: skip
    ui.table(community.synergy_defaults(profiles), f"{site}_synergy_defaults",
             key="community_synergy")  # fmt: skip

    st.subheader("Capacity")
    usage = sharing.utilisation(bookings, frames.equipment)
    if usage.empty:
        st.info("No bookings yet: the shared machines' use is measured on the Bookings page.")
    else:
        ui.table(usage, f"{site}_utilisation", key="community_usage")
