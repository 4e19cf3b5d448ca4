"""The network's sites on a map, with a chain's hops drawn between them.

Drawn as a plain plotly scatter of longitude against latitude (equirectangular, the
longitude scaled by the cosine of the mean latitude so distances look right at the
network's latitude): no tiles and no country outlines, so the figure works offline
(plotly's ``scattergeo`` and ``scattermap`` fetch their base map from the internet).
Hops are drawn straight, not along the great circle; their lengths are the great-circle
ones.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from site_manager.network.model import Job, Network
from site_manager.network.route import Chain
from site_manager.tabular import html_text

#: Colours: sites not in the chain, sites of the chain, the hops.
SITE_COLOUR, CHAIN_COLOUR, HOP_COLOUR = "#9AA5B1", "#D1495B", "#00798C"


def chain_hops(network: Network, chain: Chain, job: Job) -> list[tuple[str, str, float]]:
    """(from site, to site, great-circle km) of each hop of ``chain`` between two sites.

    A step's hops come from the sites of the steps it comes ``after``; the first steps'
    from the job's ``origin_site``.
    """
    after = {s.id: s.after for s in job.steps}
    site_of = {s.step: s.site_id for s in chain.steps}
    hops = []
    for s in chain.steps:
        froms = [site_of[a] for a in after.get(s.step, ())] or [job.origin_site]
        hops += [(a, s.site_id, network.distance_km(a, s.site_id))
                 for a in froms if a != s.site_id]  # fmt: skip
    return hops


def network_map_figure(network: Network, chain: Chain | None = None,
                       hops: list[tuple[str, str, float]] | None = None) -> go.Figure:  # fmt: skip
    """Sites with a known location as markers (named), the chain's sites and hops marked."""
    loc = network.locations()
    names = {str(r.site_id): str(r.name or r.site_id) for r in network.sites.itertuples()}
    used = {s.site_id for s in chain.steps} if chain else set()
    lat0 = sum(p[0] for p in loc.values()) / len(loc) if loc else 0.0
    squeeze = max(0.1, math.cos(math.radians(lat0)))
    fig = go.Figure()
    for a, b, km in hops or []:
        if a in loc and b in loc:
            fig.add_trace(go.Scatter(
                x=[loc[a][1], loc[b][1]], y=[loc[a][0], loc[b][0]], mode="lines",
                line={"color": HOP_COLOUR, "width": 3}, name="hop", showlegend=False,
                hovertext=f"{html_text(names[a])} → {html_text(names[b])}: {km:.0f} km",
                hoverinfo="text"))  # fmt: skip
    for label, ids, colour in (("sites", sorted(set(loc) - used), SITE_COLOUR),
                               ("chain", sorted(set(loc) & used), CHAIN_COLOUR)):  # fmt: skip
        fig.add_trace(go.Scatter(
            x=[loc[i][1] for i in ids], y=[loc[i][0] for i in ids], mode="markers+text",
            marker={"size": 12 if label == "chain" else 9, "color": colour},
            text=[html_text(names[i]) for i in ids], textposition="top center", name=label,
            hovertext=[f"{html_text(names[i])} ({html_text(i)})" for i in ids],
            hoverinfo="text"))  # fmt: skip
    fig.update_layout(
        xaxis={"title": "longitude [°]", "zeroline": False},
        yaxis={"title": "latitude [°]", "zeroline": False, "scaleanchor": "x",
               "scaleratio": 1 / squeeze},
        margin={"l": 10, "r": 10, "t": 30, "b": 10}, height=480, showlegend=True)  # fmt: skip
    return fig
