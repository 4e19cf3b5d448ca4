"""The Invisible Factory: a job routed along chains of tenants across the network's sites.

The network is every site of the register, placed by its location (``sites.latitude_deg``,
``longitude_deg``). A job (:mod:`~site_manager.network.model`: steps that need a machine
type or a skill for some hours, a window, an origin site, a longest hop and a transport
price) is routed to the best few chains of tenants able to do each step, within a site and
across sites, given the machines' free time in the window (opening hours minus bookings)
and the great-circle distances between consecutive steps' sites
(:mod:`~site_manager.network.route`: beam search, with its exactness stated). Frames in,
frames out::

    from site_manager import network, register
    net = network.read_network(register.open_register("sqlite:///site.sqlite"))
    result = network.route(net, network.load_job("docs/examples/job.json"))
    result.chains_frame(); result.unroutable_frame(); result.to_dict()

``search(net, "cnc_router", start, end, from_site=..., max_distance_km=...)`` lists the
machines and skills of a kind across sites with their free hours.
"""

from __future__ import annotations

from site_manager.network.model import (
    EARTH_RADIUS_KM,
    NETWORK_COLUMNS,
    Job,
    Network,
    Step,
    haversine_km,
    load_job,
    parse_job,
)
from site_manager.network.read import read_network
from site_manager.network.route import CHAIN_COLUMNS, Chain, ChainStep, RouteResult, route
from site_manager.network.search import SEARCH_COLUMNS, search

__all__ = [
    "CHAIN_COLUMNS",
    "EARTH_RADIUS_KM",
    "NETWORK_COLUMNS",
    "SEARCH_COLUMNS",
    "Chain",
    "ChainStep",
    "Job",
    "Network",
    "RouteResult",
    "Step",
    "haversine_km",
    "load_job",
    "parse_job",
    "read_network",
    "route",
    "search",
]
