"""The greedy baseline: applicants by rent, each to its best let that breaks no rule.

Applicants are taken in order of ``rent_per_m2`` (highest first, ties by id); each gets the
feasible let on free units that breaks no neighbour rule with the tenants already placed and
has the highest value (rent and fit; ties: the first let in unit order). Synergy is left
out of the baseline's choice, as a planner letting "biggest rent first" would, but counted in
its objective. The same routine, synergy-aware, fills free units after the exact solve:
adding a tenant never lowers the objective, so a solve stopped early loses nothing by it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from site_manager.layout.objective import Instance, Profile


class Occupancy:
    """Who holds each unit during a search (existing tenants included)."""

    def __init__(self, inst: Instance, assignment: Mapping[str, Sequence[str]] | None = None):
        self.inst = inst
        self.holder: dict[int, Profile] = dict(inst.fixed)
        self.placed: dict[int, tuple[int, ...]] = {}  # applicant index -> unit indices
        #: what the placed lets use of each cap of the hard community rules (cap index)
        self.used: dict[int, int] = {}
        app_index = {a.id: i for i, a in enumerate(inst.problem.applicants)}
        for aid, uids in (assignment or {}).items():
            if uids:
                self.place(app_index[aid], inst.let_key(uids))

    def place(self, app: int, units: tuple[int, ...]) -> None:
        """Put an applicant on units (no checks)."""
        self.placed[app] = units
        prof = self.inst.profiles[app]
        for u in units:
            self.holder[u] = prof
        hard = self.inst.hard
        for i, cap in enumerate(hard.caps if hard is not None else ()):
            if cap.counts(prof):
                self.used[i] = self.used.get(i, 0) + cap.weight(self.inst, units)

    def allowed(self, app: int, units: Iterable[int]) -> bool:
        """True if the units are free and no neighbour rule nor hard community rule would
        break.
        """
        prof = self.inst.profiles[app]
        units = tuple(units)
        for u in units:
            if u in self.holder:
                return False
        for u in units:
            for v in self.inst.nb[u]:
                if v in units:
                    continue
                h = self.holder.get(v)
                if h is not None and prof.clashes(h):
                    return False
        hard = self.inst.hard
        return hard is None or hard.blocking(self.inst, app, units, self.holder, self.used) is None

    def synergy_gain_cents(self, app: int, units: tuple[int, ...]) -> int:
        """Synergy added by placing the applicant here, both ways. [EUR cents/month]"""
        inst = self.inst
        prof = inst.profiles[app]
        syn = inst.synergy_cents
        gain = 0
        for u in units:
            for t in prof.needs:
                if t in syn and any(
                    v not in units and v in self.holder and t in self.holder[v].provides
                    for v in inst.nb[u]
                ):
                    gain += syn[t]
        done: set[int] = set()
        for u in units:
            for v in inst.nb[u]:
                if v in units or v in done or v not in self.holder:
                    continue
                done.add(v)
                h = self.holder[v]
                for t in h.needs & prof.provides:
                    if t not in syn:
                        continue
                    already = any(
                        w in self.holder
                        and self.holder[w].key != h.key
                        and t in self.holder[w].provides
                        for w in inst.nb[v]
                    )
                    if not already:
                        gain += syn[t]
        return gain

    def assignment(self) -> dict[str, list[str]]:
        """Applicant id -> unit ids, for the applicants placed."""
        apps = self.inst.problem.applicants
        return {
            apps[a].id: [self.inst.unit_ids[u] for u in units]
            for a, units in sorted(self.placed.items())
        }


def rent_order(inst: Instance) -> list[int]:
    """Applicant indices by rent per m², highest first, ties by id."""
    apps = inst.problem.applicants
    return sorted(range(len(apps)), key=lambda i: (-apps[i].rent_per_m2, apps[i].id))


def fill(inst: Instance, occ: Occupancy, *, with_synergy: bool = True) -> Occupancy:
    """Place every unplaced applicant greedily (rent order) on what is still free.

    With ``with_synergy`` the best let is the one adding the most (value and synergy both
    ways); without, the one of highest value (rent and fit), as the baseline does.
    """
    for a in rent_order(inst):
        if a in occ.placed:
            continue
        best, best_gain = None, None
        for ci in inst.by_app[a]:
            c = inst.candidates[ci]
            if not occ.allowed(a, c.units):
                continue
            gain = c.cents
            if with_synergy:
                gain += occ.synergy_gain_cents(a, c.units)
            if best_gain is None or gain > best_gain:
                best, best_gain = c, gain
        if best is not None:
            occ.place(a, best.units)
    return occ


def greedy(inst: Instance) -> dict[str, list[str]]:
    """The greedy baseline layout: applicant id -> unit ids (see the module docstring)."""
    return fill(inst, Occupancy(inst), with_synergy=False).assignment()
