"""Route a job along chains of tenants across the network: beam search over the steps.

Method
------
The steps are taken in topological order of ``after``. A partial chain assigns each step
so far a candidate (:mod:`site_manager.network.candidates`) and its time: the step starts
when all the steps it comes after have ended and their goods have travelled to its site
(the great-circle distance at the job's ``transport_km_per_h``, default
:data:`~site_manager.assumptions.DEFAULT_TRANSPORT_KM_PER_H`; the first steps: from
``origin_site`` from the window's start) and
fills its candidate's free time from then on (:func:`~site_manager.network.calendar.
schedule`: earliest finish; pauses when the machine is closed or booked, or when the
chain itself already uses the machine or the tenant). A step's cost is its hours × the
price per hour (the machine's, else the job's ``eur_per_hour``, else
:data:`~site_manager.assumptions.DEFAULT_EUR_PER_HOUR`) plus the transport from the site of
each step it comes after (the first steps: from ``origin_site``) at
``transport_eur_per_km`` × the great-circle distance; a chain with any hop longer than
``max_distance_km``, or a step that cannot end before the window's end, is dropped.

At every step only the ``width`` best partial chains (least cost, then earliest finish)
are kept; each is extended by its candidates in order of added cost, stopping as soon as
one could no longer enter the beam. The ``top`` best complete chains are returned.

Exactness: the search is exhaustive, hence exact, whenever no partial chain had to be
dropped for want of room (``RouteResult.exact`` says so). Otherwise it is a heuristic: a
partial chain dropped for being dearer might have been the only one to fit later steps
into the window, or the start of a cheaper chain once the chain's own reuse of a machine
delays it. Cost and finish of what is returned are always exact.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import logging
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from site_manager.assumptions import (
    DEFAULT_EUR_PER_HOUR,
    DEFAULT_TRANSPORT_KM_PER_H,
    DEFAULT_WORKING_HOURS,
    Assumption,
)
from site_manager.errors import ValidationError
from site_manager.network.calendar import Interval, schedule, subtract
from site_manager.network.candidates import Candidate, NetworkIndex, candidates, zone_of
from site_manager.network.model import Job, Network, Step, topological_order

log = logging.getLogger(__name__)

#: Partial chains kept at each step.
DEFAULT_WIDTH = 64
#: Chains returned.
DEFAULT_TOP = 3
#: Columns of :meth:`RouteResult.chains_frame`.
CHAIN_COLUMNS = ["rank", "step", "needs", "tenant_id", "site_id", "equipment_id", "start",
                 "end", "hours", "price_eur_per_h", "hop_km", "cost_eur", "finish"]  # fmt: skip


@dataclass(frozen=True)
class _Placed:
    cand: Candidate
    tenant: str
    pieces: tuple[Interval, ...]
    hop_km: float

    @property
    def end(self) -> float:
        return self.pieces[-1][1]


@dataclass
class _State:
    cost: float
    finish: float
    placed: dict[str, _Placed]
    uses: dict[tuple[str, str, str], list[Interval]]


@dataclass
class ChainStep:
    """A step of a chain: who does it where and when (local times of its site)."""

    step: str
    needs: str
    tenant_id: str
    site_id: str
    equipment_id: str | None
    start: dt.datetime
    end: dt.datetime
    hours: float
    price_eur_per_h: float
    hop_km: float
    pieces: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)


@dataclass
class Chain:
    """A complete chain: ``cost_eur`` = ``labour_eur`` + ``transport_eur`` [EUR]."""

    steps: list[ChainStep]
    cost_eur: float
    labour_eur: float
    transport_eur: float
    distance_km: float
    finish: dt.datetime


@dataclass
class RouteResult:
    """The best chains (least cost, then earliest finish), the unroutable steps and why."""

    chains: list[Chain]
    unroutable: list[dict[str, str]]
    assumptions: list[Assumption]
    exact: bool
    width: int

    def chains_frame(self) -> pd.DataFrame:
        """One row per chain and step (:data:`CHAIN_COLUMNS`); times ISO text."""
        rows = [[rank, s.step, s.needs, s.tenant_id, s.site_id, s.equipment_id,
                 _iso(s.start), _iso(s.end), s.hours, s.price_eur_per_h, round(s.hop_km, 1),
                 round(c.cost_eur, 2), _iso(c.finish)]
                for rank, c in enumerate(self.chains, 1) for s in c.steps]  # fmt: skip
        return pd.DataFrame(rows, columns=CHAIN_COLUMNS)

    def unroutable_frame(self) -> pd.DataFrame:
        """One row per step that cannot be routed: ``step``, ``needs``, ``reason``."""
        return pd.DataFrame(self.unroutable, columns=["step", "needs", "reason"])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``chains`` (``steps``, ``cost_eur``, ``finish``, ...), ``unroutable``."""
        return {
            "chains": [{
                "rank": rank, "cost_eur": round(c.cost_eur, 2),
                "labour_eur": round(c.labour_eur, 2),
                "transport_eur": round(c.transport_eur, 2),
                "distance_km": round(c.distance_km, 1), "finish": _iso(c.finish),
                "steps": [{"step": s.step, "needs": s.needs, "tenant": s.tenant_id,
                           "site": s.site_id, "equipment": s.equipment_id,
                           "start": _iso(s.start), "end": _iso(s.end), "hours": s.hours,
                           "price_eur_per_h": s.price_eur_per_h, "hop_km": round(s.hop_km, 1),
                           "pieces": [[_iso(a), _iso(b)] for a, b in s.pieces]}
                          for s in c.steps]}
                for rank, c in enumerate(self.chains, 1)],
            "unroutable": list(self.unroutable),
            "exact": self.exact,
            "assumptions": [str(a) for a in self.assumptions],
        }  # fmt: skip


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="minutes")


def window_instants(network: Network, job: Job) -> tuple[dt.datetime, dt.datetime]:
    """The job's window as aware instants, read in the origin site's time zone."""
    if job.origin_site not in set(network.sites["site_id"].astype(str)):
        known = ", ".join(sorted(network.sites["site_id"].astype(str))) or "none"
        raise ValidationError(
            f"job file: origin_site {job.origin_site!r} is not a site of the network "
            f"(sites: {known}); see `site-manager site list`"
        )
    row = network.sites[network.sites["site_id"].astype(str) == job.origin_site].iloc[0]
    zone = zone_of(row["time_zone"])
    return job.start.replace(tzinfo=zone), job.end.replace(tzinfo=zone)


class _Router:
    def __init__(self, network: Network, job: Job, width: int) -> None:
        self.network, self.job, self.width = network, job, width
        self.t0, self.t1 = window_instants(network, job)
        self.horizon = (self.t1 - self.t0).total_seconds() / 3600.0
        self.index = NetworkIndex(network, self.t0, self.t1)
        self.pruned = False
        self._hops: dict[tuple[tuple[str, ...], str], tuple[float, float]] = {}

    def hops(self, froms: tuple[str, ...], site: str) -> tuple[float, float]:
        """(longest hop, total km) from the sites ``froms`` to ``site``."""
        key = (froms, site)
        if key not in self._hops:
            kms = [self.network.distance_km(a, site) for a in froms]
            self._hops[key] = (max(kms), sum(kms))
        return self._hops[key]

    def travel_h(self, a: str, b: str) -> float:
        """Hours the goods take from site ``a`` to site ``b`` (0 within a site). [h]"""
        if a == b:
            return 0.0
        speed = self.job.transport_km_per_h or DEFAULT_TRANSPORT_KM_PER_H
        return self.network.distance_km(a, b) / speed

    def ready(self, preds: list[_Placed], site: str) -> float:
        """When a step at ``site`` may start: every step it comes after has ended and its
        goods have arrived (the first steps: the goods come from the origin site). [h]
        """
        if not preds:
            return self.travel_h(self.job.origin_site, site)
        return max(p.end + self.travel_h(p.cand.site_id, site) for p in preds)

    def place(self, state: _State, step: Step, c: Candidate, ready: float) -> _Placed | None:
        """The candidate's earliest pieces for ``step`` after ``ready``, given the chain."""
        best: _Placed | None = None
        for tenant in c.tenants:
            keys = [("t", c.site_id, tenant)]
            if c.equipment_id is not None:
                keys.append(("m", c.site_id, c.equipment_id))
            busy = [iv for k in keys for iv in state.uses.get(k, ())]
            pieces = schedule(subtract(c.free, busy) if busy else c.free, ready, step.hours)
            fits = pieces is not None and pieces[-1][1] <= self.horizon + 1e-9
            if fits and pieces and (best is None or pieces[-1][1] < best.end):
                best = _Placed(c, tenant, tuple(pieces), 0.0)
            if not busy:
                break  # the first holder the chain does not use yet is as early as any
        return best

    def extend(self, beam: list[_State], step: Step, cands: list[Candidate]) -> tuple[
        list[_State], str]:  # fmt: skip
        job = self.job
        heap: list[tuple[float, float, int, _State]] = []  # worst first: (-cost, -finish, ..)
        seq = itertools.count()
        far, late, nearest = 0, 0, math.inf
        for state in beam:
            preds = [state.placed[a] for a in step.after]
            froms = tuple(p.cand.site_id for p in preds) or (job.origin_site,)
            options = []
            for i, c in enumerate(cands):
                longest, km = self.hops(froms, c.site_id)
                if longest > job.max_distance_km:
                    far += 1
                    nearest = min(nearest, longest)
                    continue
                options.append((c.price_eur_per_h * step.hours + km * job.transport_eur_per_km,
                                i, km))  # fmt: skip
            options.sort()
            for added, i, km in options:
                ready = self.ready(preds, cands[i].site_id)
                cost = state.cost + added
                if len(heap) >= self.width and cost > -heap[0][0] + 1e-9:
                    self.pruned = True
                    break
                placed = self.place(state, step, cands[i], ready)
                if placed is None:
                    late += 1
                    continue
                placed = _Placed(placed.cand, placed.tenant, placed.pieces, km)
                finish = max(state.finish, placed.end)
                if len(heap) >= self.width:
                    if (cost, finish) >= (-heap[0][0], -heap[0][1]):
                        self.pruned = True
                        continue
                    heapq.heappop(heap)
                    self.pruned = True
                uses = dict(state.uses)
                keys = [("t", placed.cand.site_id, placed.tenant)]
                if placed.cand.equipment_id is not None:
                    keys.append(("m", placed.cand.site_id, placed.cand.equipment_id))
                for key in keys:
                    uses[key] = [*uses.get(key, []), *placed.pieces]
                child = _State(cost, finish, {**state.placed, step.id: placed}, uses)
                heapq.heappush(heap, (-cost, -finish, -next(seq), child))
        children = [h[3] for h in sorted(heap, key=lambda h: (-h[0], -h[1], -h[2]))]
        if children:
            return children, ""
        return [], self._why(step, far, late, nearest)

    def _why(self, step: Step, far: int, late: int, nearest: float) -> str:
        reasons = []
        if far:
            beyond = ("no known location" if math.isinf(nearest)
                      else f"the nearest at {nearest:.0f} km")  # fmt: skip
            reasons.append(f"{far} candidate placement(s) lie beyond max_distance_km "
                           f"{self.job.max_distance_km:g} km from the site(s) it comes from "
                           f"({beyond})")  # fmt: skip
        if late:
            reasons.append(f"{late} candidate placement(s) have no {step.hours:g} h free "
                           f"before the window's end ({_iso(self.t1)}), after bookings and "
                           "opening hours")  # fmt: skip
        return "; ".join(reasons) or "no candidate within reach"

    def chain(self, state: _State, order: list[Step]) -> Chain:
        steps = []
        for s in order:
            p = state.placed[s.id]
            zone = self.index.zone(p.cand.site_id)
            pieces = [(self.at(a, zone), self.at(b, zone)) for a, b in p.pieces]
            steps.append(ChainStep(s.id, s.needs, p.tenant, p.cand.site_id,
                                   p.cand.equipment_id, pieces[0][0], pieces[-1][1], s.hours,
                                   p.cand.price_eur_per_h, p.hop_km, pieces))  # fmt: skip
        km = sum(s.hop_km for s in steps)
        transport = km * self.job.transport_eur_per_km
        origin = self.index.zone(self.job.origin_site)
        return Chain(
            steps, state.cost, state.cost - transport, transport, km, self.at(state.finish, origin)
        )

    def at(self, hours: float, zone: Any) -> dt.datetime:
        """The instant ``hours`` after the window's start, in ``zone`` (to the minute)."""
        return (self.t0 + dt.timedelta(minutes=round(hours * 60))).astimezone(zone)


def route(network: Network, job: Job, *, top: int = DEFAULT_TOP,
          width: int = DEFAULT_WIDTH) -> RouteResult:  # fmt: skip
    """The ``top`` best chains of tenants for ``job`` through ``network`` (see the module).

    Parameters
    ----------
    network : Network
        Every site and its tenants, machines, skills, trainings, leases, bookings.
    job : Job
        From :func:`~site_manager.network.model.parse_job`.
    top : int
        Chains returned.
    width : int
        Partial chains kept at each step (the beam).

    Returns
    -------
    RouteResult
        ``chains`` ranked by cost [EUR] then finish; ``unroutable`` (``step``, ``needs``,
        ``reason``) when no chain exists: the steps no tenant can do, or else the step at
        which every partial chain failed and why (distance, free time).

    Raises
    ------
    ValidationError
        ``origin_site`` is not a site of the network.
    """
    if top < 1 or width < top:
        raise ValidationError(f"top ({top}) must be ≥ 1 and the beam width ({width}) ≥ top")
    router = _Router(network, job, width)
    order = topological_order(job)
    cands: dict[str, list[Candidate]] = {}
    unroutable = []
    for s in order:
        cands[s.id], why = candidates(router.index, job, s)
        if why:
            unroutable.append({"step": s.id, "needs": s.needs, "reason": why})
    beam = [_State(0.0, 0.0, {}, {})] if not unroutable else []
    for s in order:
        if not beam:
            break
        beam, why = router.extend(beam, s, cands[s.id])
        if why:
            unroutable.append({"step": s.id, "needs": s.needs, "reason": why})
    chains = [router.chain(st, order) for st in beam[:top]]
    log.info("routed %d steps: %d chains, exact=%s", len(order), len(chains), not router.pruned)
    return RouteResult(chains, unroutable, _assumptions(router, chains, cands),
                       not router.pruned, width)  # fmt: skip


def _assumptions(router: _Router, chains: list[Chain],
                 cands: dict[str, list[Candidate]]) -> list[Assumption]:  # fmt: skip
    out = []
    default = sorted({s.step for c in chains for s in c.steps
                      if s.price_eur_per_h == DEFAULT_EUR_PER_HOUR and any(
                          k.priced_by == "default" for k in cands[s.step])})  # fmt: skip
    if default:
        out.append(Assumption("price", f"steps {', '.join(default)} have no price of the "
                              f"machine nor of the job: {DEFAULT_EUR_PER_HOUR:g} EUR/h is used",
                              "give `equipment edit ID --price-eur-per-h P` or the job file's "
                              "eur_per_hour"))  # fmt: skip
    if any(s.equipment_id is None for c in chains for s in c.steps):
        a, b = DEFAULT_WORKING_HOURS
        text = (f"steps that need a skill are worked {a:%H:%M}–{b:%H:%M} local time every "
                "day (no calendar of people's time is kept)")  # fmt: skip
        out.append(Assumption("working_hours", text, "split the job's window to suit"))
    crossing = any(s.hop_km > 0 for c in chains for s in c.steps)
    if crossing and router.job.transport_km_per_h is None:
        text = (f"goods travel between sites at {DEFAULT_TRANSPORT_KM_PER_H:g} km/h "
                "(great-circle distance, loading included)")  # fmt: skip
        out.append(Assumption("transport_speed", text, "give the job file's transport_km_per_h"))
    missing = sorted(set(router.network.sites["site_id"].astype(str))
                     - set(router.network.locations()))  # fmt: skip
    if missing:
        text = f"sites {', '.join(missing)} have no location: no hop to or from them is possible"
        fix = "`site-manager site set --latitude DEG --longitude DEG --site ID`"
        out.append(Assumption("location", text, fix))
    return out
