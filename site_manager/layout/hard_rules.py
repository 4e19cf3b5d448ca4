"""The hard community rules as the engine keeps them: filtered lets, model rows, greedy checks.

:class:`HardRules` indexes an instance's hard rules (:mod:`site_manager.layout.community`
defines them) once:

- ``max_tenant_area``: a let larger than the rule allows is never a candidate (dropped when
  the instance is built, and remembered for the reasons);
- ``noise_distance`` / ``hazard_distance``: two units fewer than ``steps`` apart never hold
  a clashing pair of tenants: a let clashing with a tenant held fixed is not a candidate, and
  the model has one row per pair of such units, *clashing lets on u + on v <= 1*, as the
  neighbour rules have for adjacent units;
- ``min_shared_share`` and ``max_kind_share``: caps, one linear row each, *sum of the area
  (or the number of units) of the lets they count <= what is left*; what existing tenants,
  and tenants held fixed by the neighbourhood search, already hold is taken off. A cap that
  existing tenants alone already pass is 0: no further let may add to it.

Everything is exact: areas are compared as the decimals they print as, and the caps are
integers of hundredths of a m² (a let's area is rounded up, the cap down).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING

from site_manager.layout.community import distances, label
from site_manager.layout.records import Rule

if TYPE_CHECKING:
    from site_manager.layout.objective import Instance, Profile


def _d(x: float) -> Decimal:
    return Decimal(str(x))


def _floor(x: Decimal) -> int:
    return int(x.to_integral_value(rounding=ROUND_FLOOR))


def _ceil(x: Decimal) -> int:
    return int(x.to_integral_value(rounding=ROUND_CEILING))


@dataclass
class Cap:
    """One cap: lets of applicants ``apps`` count ``weight[let]``; their sum <= ``limit``."""

    rule: Rule
    kind: str  # tenant kind of a max_kind_share cap, "" for the area cap
    limit: int  # hundredths of m² (area) or units, already net of existing tenants

    def counts(self, prof: Profile) -> bool:
        """Whether this tenant's lets count against the cap."""
        return self.rule.kind == "min_shared_share" or prof.kind == self.kind

    def weight(self, inst: Instance, units: tuple[int, ...]) -> int:
        """What a let adds: hundredths of m² (rounded up) or units."""
        if self.rule.kind == "max_kind_share":
            return len(units)
        return _ceil(sum((_d(inst.problem.units[u].area) for u in units), Decimal(0)) * 100)


class HardRules:
    """The hard rules of an instance, indexed (see the module docstring)."""

    def __init__(self, inst: Instance) -> None:
        problem = inst.problem
        rules = problem.rules
        hard = [r for r in (rules.rules if rules else ()) if r.hard]
        self.max_area = [r for r in hard if r.kind == "max_tenant_area"]
        self.near: list[tuple[Rule, list[frozenset[int]]]] = []
        for r in hard:
            if r.kind in ("noise_distance", "hazard_distance"):
                dist = distances(problem, int(r.value))
                near = [frozenset(inst.index[v] for v in dist[uid]) for uid in inst.unit_ids]
                self.near.append((r, near))
        area = [_d(u.area) for u in problem.units]
        held = sum((area[u] for u in inst.fixed), Decimal(0))
        self.caps: list[Cap] = []
        for r in hard:
            if r.kind == "min_shared_share":
                shared, p = _d(rules.shared_area if rules else 0.0), _d(r.value)
                cap = (shared * (100 - p) / p - held) * 100
                self.caps.append(Cap(r, "", max(0, _floor(cap))))
            elif r.kind == "max_kind_share":
                kinds = [r.tenant_kind] if r.tenant_kind else sorted(
                    {p.kind for p in inst.profiles if p.kind})  # fmt: skip
                for k in kinds:
                    have = sum(1 for prof in inst.fixed.values() if prof.kind == k)
                    allowed = _floor(_d(r.value) * len(problem.units) / 100)
                    self.caps.append(Cap(r, k, max(0, allowed - have)))
        self.noisy_db = problem.parameters.noisy_db

    def __bool__(self) -> bool:
        return bool(self.max_area or self.near or self.caps)

    def clashes(self, rule: Rule, a: Profile, b: Profile) -> bool:
        """Whether two tenants may not be within the rule's steps of each other."""
        if rule.kind == "hazard_distance":
            return a.hazardous and b.hazardous
        db = rule.noisy_db if rule.noisy_db is not None else self.noisy_db
        return (a.noise_db >= db and b.sensitive) or (b.noise_db >= db and a.sensitive)

    def too_large(self, inst: Instance, units: tuple[int, ...]) -> Rule | None:
        """The max-area rule a let breaks, or None."""
        area = sum((_d(inst.problem.units[u].area) for u in units), Decimal(0))
        return next((r for r in self.max_area if area > _d(r.value)), None)

    def near_clash(
        self, prof: Profile, units: tuple[int, ...], holder: Mapping[int, Profile]
    ) -> tuple[Rule, int] | None:
        """A distance rule this let would break with a tenant in ``holder``, and its unit."""
        for rule, near in self.near:
            for u in units:
                for v in near[u]:
                    h = holder.get(v)
                    if (
                        v not in units
                        and h is not None
                        and h.key != prof.key
                        and self.clashes(rule, prof, h)
                    ):
                        return rule, v
        return None

    def over_cap(
        self, inst: Instance, prof: Profile, units: tuple[int, ...], used: Mapping[int, int]
    ) -> Cap | None:
        """The cap this let would pass, given what the lets placed use (cap index -> use)."""
        for i, cap in enumerate(self.caps):
            if cap.counts(prof) and used.get(i, 0) + cap.weight(inst, units) > cap.limit:
                return cap
        return None

    def blocking(
        self,
        inst: Instance,
        app: int,
        units: tuple[int, ...],
        holder: Mapping[int, Profile],
        used: Mapping[int, int],
    ) -> str | None:
        """Why a hard rule keeps this applicant off this let in a layout, in words, or None."""
        prof = inst.profiles[app]
        clash = self.near_clash(prof, units, holder)
        if clash:
            rule, v = clash
            return (f"the rule '{label(rule)}' keeps it from {holder[v].key} in "
                    f"{inst.unit_ids[v]}")  # fmt: skip
        cap = self.over_cap(inst, prof, units, used)
        if cap is None:
            return None
        if cap.rule.kind == "max_kind_share":
            return f"the rule '{label(cap.rule)}' is full"
        return f"the rule '{label(cap.rule)}' leaves no room for its let"
