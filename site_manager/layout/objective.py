"""What a let is worth, when it fits, the neighbour rules and the synergy term.

Definitions (the issue's, with the ambiguities decided here and in ``docs/layout.md``):

- A **let** gives an applicant one unit, or two adjacent units when ``allow_pairs``. Its area
  is the sum of the units' areas [m²], its height and load the lowest of its units', its
  power the sum [kW]; it offers extraction, access or daylight when any of its units does.
- It **fits** when ``area_min <= area <= area_max``, height ``>= min_height``, load
  ``>= min_load``, power ``>= power`` and every needed extraction, access and daylight is
  offered.
- **Neighbour rules** apply to every pair of adjacent units held by different tenants
  (applicants placed and existing tenants alike): never a noisy tenant (``noise_db >=
  noisy_db``) beside a noise-sensitive one, never two hazardous tenants (``hazard > 0``).
  Two existing tenants are given and never checked against each other.
- **Value of a let** [EUR/month] = rent × area rounded half up to whole EUR + ``w_fit`` × fit,
  fit = round_half_up(100 − 40 × (area − area_min)/(area_max − area_min)) (the fraction is 0
  when area_max = area_min), − 10 if extraction is offered but not needed, − 15 if access is
  offered but not needed, − 10 if the let's (lowest) load is ≥ 15 kN/m² and the applicant
  needs < 7.5, − ``pair_fit_penalty`` for a two-unit let, floored at 0.
- **Synergy** [EUR/month]: for every occupied unit (each unit of a two-unit let counts, and
  existing tenants' units count too) and every type its tenant needs, ``synergy[type]`` once if
  some adjacent unit is held by another tenant (placed or existing) who provides that type.
- **Objective** = the values of the applicants' lets + the synergy. Existing tenants' rent is
  not counted (it does not depend on the layout); their synergy is.

Rounding half up is floor(x + 0.5) on exact decimals (``Decimal(str(x))``), never Python's
``round`` (which rounds halves to even).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from functools import lru_cache
from typing import Any

import numpy as np

from site_manager.layout.problem import Applicant, Problem, Unit

#: The solver works in integer cents of EUR/month.
SCALE = 100

#: Names of the needs a let can fail, in the order reasons report them.
NEEDS = (
    "area_too_small",
    "area_too_large",
    "height",
    "load",
    "power",
    "extraction",
    "access",
    "daylight",
)


@lru_cache(maxsize=65536)
def exact(x: float) -> Decimal:
    """The decimal a float prints as, exactly (``0.1`` -> ``Decimal("0.1")``)."""
    return Decimal(str(x))


_HALF = Decimal("0.5")


def round_half_up(x: Decimal) -> int:
    """Round to the nearest integer, halves upwards: floor(x + 0.5) (2.5 -> 3, -2.5 -> -2)."""
    return int((x + _HALF).to_integral_value(rounding=ROUND_FLOOR))


def _sum_cmp(values: Sequence[float], bound: float) -> int:
    """Sign of sum(values) - bound, exact in the decimals as written (0.1 + 0.2 == 0.3)."""
    diff = sum(values) - bound
    if abs(diff) > 1e-6 * (1.0 + abs(bound)):
        return 1 if diff > 0 else -1
    d = sum(exact(v) for v in values) - exact(bound)
    return (d > 0) - (d < 0)


def let_failures(applicant: Applicant, units: Sequence[Unit]) -> list[str]:
    """The needs (names from :data:`NEEDS`) a let of these units fails; empty if it fits."""
    out = []
    if _sum_cmp([u.area for u in units], applicant.area_min) < 0:
        out.append("area_too_small")
    elif _sum_cmp([u.area for u in units], applicant.area_max) > 0:
        out.append("area_too_large")
    if min(u.height for u in units) < applicant.min_height:
        out.append("height")
    if min(u.load for u in units) < applicant.min_load:
        out.append("load")
    if _sum_cmp([u.power for u in units], applicant.power) < 0:
        out.append("power")
    if applicant.extraction and not any(u.extraction for u in units):
        out.append("extraction")
    if applicant.access and not any(u.access for u in units):
        out.append("access")
    if applicant.daylight and not any(u.daylight for u in units):
        out.append("daylight")
    return out


def let_fit(applicant: Applicant, units: Sequence[Unit], pair_fit_penalty: float) -> Decimal:
    """Fit points of a let (0–100, see the module docstring)."""
    area = sum(exact(u.area) for u in units)
    lo, hi = exact(applicant.area_min), exact(applicant.area_max)
    frac = (area - lo) / (hi - lo) if hi > lo else Decimal(0)
    fit = Decimal(round_half_up(100 - 40 * frac))
    if any(u.extraction for u in units) and not applicant.extraction:
        fit -= 10
    if any(u.access for u in units) and not applicant.access:
        fit -= 15
    if min(u.load for u in units) >= 15 and applicant.min_load < 7.5:
        fit -= 10
    if len(units) == 2:
        fit -= exact(pair_fit_penalty)
    return max(fit, Decimal(0))


def let_rent(applicant: Applicant, units: Sequence[Unit]) -> int:
    """Rent of a let, rent per m² × area rounded half up to whole EUR. [EUR/month]"""
    return round_half_up(exact(applicant.rent_per_m2) * sum(exact(u.area) for u in units))


def let_value(
    applicant: Applicant, units: Sequence[Unit], w_fit: float, pair_fit_penalty: float
) -> Decimal:
    """Rent + ``w_fit`` × fit of a let, without synergy. [EUR/month]"""
    return let_rent(applicant, units) + exact(w_fit) * let_fit(applicant, units, pair_fit_penalty)


@dataclass(frozen=True)
class Profile:
    """What the neighbour rules and synergy need to know about a tenant."""

    key: str
    noisy: bool
    sensitive: bool
    hazardous: bool
    provides: frozenset[str]
    needs: frozenset[str]
    kind: str = ""
    noise_db: float = 0.0

    def clashes(self, other: Profile) -> str | None:
        """The rule broken when these two tenants are neighbours, or None."""
        if self.noisy and other.sensitive:
            return "noise"
        if self.sensitive and other.noisy:
            return "noise"
        if self.hazardous and other.hazardous:
            return "hazard"
        return None


def _profile(t: object, noisy_db: float) -> Profile:
    return Profile(
        key=t.id,  # type: ignore[attr-defined]
        noisy=t.noise_db >= noisy_db,  # type: ignore[attr-defined]
        sensitive=bool(t.noise_sensitive),  # type: ignore[attr-defined]
        hazardous=t.hazard > 0,  # type: ignore[attr-defined]
        provides=frozenset(t.provides),  # type: ignore[attr-defined]
        needs=frozenset(t.needs),  # type: ignore[attr-defined]
        kind=t.kind,  # type: ignore[attr-defined]
        noise_db=float(t.noise_db),  # type: ignore[attr-defined]
    )


@dataclass
class Candidate:
    """One feasible let: applicant index, unit indices, value in exact EUR and integer cents."""

    app: int
    units: tuple[int, ...]
    value: Decimal
    cents: int
    #: Synergy the applicant earns from existing tenants next door (constant once placed).
    static: Decimal = Decimal(0)
    static_cents: int = 0


@dataclass
class Instance:
    """A problem indexed for the solvers: candidates, neighbours, profiles, fixed occupants."""

    problem: Problem
    unit_ids: list[str]
    index: dict[str, int]
    nb: list[frozenset[int]]
    profiles: list[Profile]  # applicants
    fixed: dict[int, Profile]  # unit index -> existing tenant
    synergy: dict[str, Decimal]
    synergy_cents: dict[str, int]
    candidates: list[Candidate]
    by_app: list[list[int]]
    by_unit: list[list[int]]
    #: per applicant: Counter of failed needs over single units, lets that fit at all,
    #: lets blocked by existing tenants (reason strings)
    failures: list[Counter[str]] = field(default_factory=list)
    fitting: list[list[tuple[int, ...]]] = field(default_factory=list)
    blocked_fixed: list[list[tuple[tuple[int, ...], str]]] = field(default_factory=list)
    #: the hard community rules (:class:`~site_manager.layout.hard_rules.HardRules`, None
    #: without any), and per applicant the fitting lets a hard rule rules out (words)
    hard: Any = None
    blocked_rule: list[list[tuple[tuple[int, ...], str]]] = field(default_factory=list)

    def let_key(self, units: Sequence[str]) -> tuple[int, ...]:
        """Sorted unit indices of a let given by unit ids."""
        return tuple(sorted(self.index[u] for u in units))


def build_instance(problem: Problem) -> Instance:
    """Index a problem and enumerate every feasible let (see the module docstring)."""
    params = problem.parameters
    unit_ids = [u.id for u in problem.units]
    index = {uid: i for i, uid in enumerate(unit_ids)}
    nbs: list[set[int]] = [set() for _ in unit_ids]
    for a, b in problem.adjacency:
        nbs[index[a]].add(index[b])
        nbs[index[b]].add(index[a])
    nb = [frozenset(s) for s in nbs]
    profiles = [_profile(a, params.noisy_db) for a in problem.applicants]
    fixed: dict[int, Profile] = {}
    for e in problem.existing:
        prof = _profile(e, params.noisy_db)
        for uid in e.units:
            fixed[index[uid]] = prof
    synergy = {t: exact(v) for t, v in params.synergy.items()}
    synergy_cents = {t: round_half_up(v * SCALE) for t, v in synergy.items()}
    lets: list[tuple[int, ...]] = [(i,) for i in range(len(unit_ids))]
    if params.allow_pairs:
        lets += sorted(tuple(sorted((index[a], index[b]))) for a, b in problem.adjacency)
    units = problem.units
    inst = Instance(
        problem=problem,
        unit_ids=unit_ids,
        index=index,
        nb=nb,
        profiles=profiles,
        fixed=fixed,
        synergy=synergy,
        synergy_cents=synergy_cents,
        candidates=[],
        by_app=[[] for _ in problem.applicants],
        by_unit=[[] for _ in unit_ids],
    )
    from site_manager.layout.hard_rules import HardRules

    inst.hard = HardRules(inst) or None
    # vectorised tests over every let; the exact test decides the near-ties of sums
    arr = _let_arrays(units, lets)
    n_single = len(unit_ids)
    for ai, app in enumerate(problem.applicants):
        prof = profiles[ai]
        fails: Counter[str] = Counter()
        fitting: list[tuple[int, ...]] = []
        blocked: list[tuple[tuple[int, ...], str]] = []
        by_rule: list[tuple[tuple[int, ...], str]] = []
        ok, unsure, single_fails = _vector_fit(arr, app, n_single)
        fails.update(single_fails)
        for k in np.flatnonzero(ok | unsure):
            let = lets[k]
            if unsure[k]:
                f = let_failures(app, [units[i] for i in let])
                if len(let) == 1:
                    fails.update(f)
                if f:
                    continue
            fitting.append(let)
            why = _fixed_obstacle(inst, prof, let)
            if why:
                blocked.append((let, why))
                continue
            why = _rule_obstacle(inst, ai, let)
            if why:
                by_rule.append((let, why))
                continue
            lu = [units[i] for i in let]
            value = let_value(app, lu, params.w_fit, params.pair_fit_penalty)
            static = Decimal(0)
            for u in let:
                for t in prof.needs:
                    if t in synergy and any(
                        v in fixed and t in fixed[v].provides for v in nb[u] if v not in let
                    ):
                        static += synergy[t]
            cand = Candidate(
                app=ai,
                units=let,
                value=value,
                cents=round_half_up(value * SCALE),
                static=static,
                static_cents=round_half_up(static * SCALE),
            )
            ci = len(inst.candidates)
            inst.candidates.append(cand)
            inst.by_app[ai].append(ci)
            for u in let:
                inst.by_unit[u].append(ci)
        inst.failures.append(fails)
        inst.fitting.append(fitting)
        inst.blocked_fixed.append(blocked)
        inst.blocked_rule.append(by_rule)
    return inst


def _rule_obstacle(inst: Instance, app: int, let: tuple[int, ...]) -> str | None:
    """Why a hard community rule rules this let out whatever the layout, or None."""
    hard = inst.hard
    if hard is None:
        return None
    rule = hard.too_large(inst, let)
    if rule is not None:
        from site_manager.layout.community import label

        return f"the rule '{label(rule)}' allows it no let this large"
    return hard.blocking(inst, app, let, inst.fixed, {})


def _let_arrays(units: Sequence[Unit], lets: Sequence[tuple[int, ...]]) -> dict[str, Any]:
    """Per-let area sum, lowest height and load, power sum, offered features."""
    first = np.array([let[0] for let in lets], dtype=np.int64)
    second = np.array([let[-1] for let in lets], dtype=np.int64)
    pair = np.array([len(let) == 2 for let in lets])

    def col(name: str) -> np.ndarray:
        return np.array([float(getattr(u, name)) for u in units])

    area, height, load, power = col("area"), col("height"), col("load"), col("power")
    ext, acc, day = (col(n).astype(bool) for n in ("extraction", "access", "daylight"))
    both = pair.astype(float)
    return {
        "pair": pair,
        "area": area[first] + both * area[second],
        "height": np.minimum(height[first], height[second]),
        "load": np.minimum(load[first], load[second]),
        "power": power[first] + both * power[second],
        "extraction": ext[first] | ext[second],
        "access": acc[first] | acc[second],
        "daylight": day[first] | day[second],
    }


def _vector_fit(
    arr: dict[str, Any], app: Applicant, n_single: int
) -> tuple[np.ndarray, np.ndarray, Counter[str]]:
    """Lets that surely fit, lets to test exactly, failed needs over the single units."""
    tol = 1e-6
    area, power = arr["area"], arr["power"]
    d_lo = area - app.area_min
    d_hi = area - app.area_max
    d_pw = power - app.power
    near = lambda d, b: np.abs(d) <= tol * (1.0 + abs(b))  # noqa: E731
    unsure = near(d_lo, app.area_min) | near(d_hi, app.area_max) | near(d_pw, app.power)
    fails = {
        "area_too_small": d_lo < 0,
        "area_too_large": (d_lo >= 0) & (d_hi > 0),
        "height": arr["height"] < app.min_height,
        "load": arr["load"] < app.min_load,
        "power": d_pw < 0,
        "extraction": (~arr["extraction"]) if app.extraction else np.zeros_like(unsure),
        "access": (~arr["access"]) if app.access else np.zeros_like(unsure),
        "daylight": (~arr["daylight"]) if app.daylight else np.zeros_like(unsure),
    }
    any_fail = np.zeros_like(unsure)
    for mask in fails.values():
        any_fail |= mask
    sure_single = ~unsure[:n_single]
    counts: Counter[str] = Counter(
        {k: int(np.count_nonzero(m[:n_single] & sure_single)) for k, m in fails.items()}
    )
    counts = +counts  # drop zeros
    return (~any_fail) & ~unsure, unsure, counts


def _fixed_obstacle(inst: Instance, prof: Profile, let: tuple[int, ...]) -> str | None:
    """Why existing tenants rule this let out (unit taken, or a neighbour rule), or None."""
    for u in let:
        if u in inst.fixed:
            return f"unit {inst.unit_ids[u]} is let to existing tenant {inst.fixed[u].key}"
    for u in let:
        for v in inst.nb[u]:
            if v in let or v not in inst.fixed:
                continue
            rule = prof.clashes(inst.fixed[v])
            if rule:
                return (
                    f"unit {inst.unit_ids[u]} is beside existing tenant {inst.fixed[v].key} "
                    f"({_rule_text(rule)})"
                )
    return None


def _rule_text(rule: str) -> str:
    return "noisy beside noise-sensitive" if rule == "noise" else "two hazardous tenants"


@dataclass
class Evaluation:
    """The objective of a layout and everything wrong with it."""

    objective: Decimal
    lets: Decimal
    synergy: Decimal
    violations: list[str]

    @property
    def feasible(self) -> bool:
        """True when the layout breaks no rule."""
        return not self.violations


def evaluate(problem: Problem, assignment: Mapping[str, Sequence[str]]) -> Evaluation:
    """Check a layout (applicant id -> unit ids) and compute its objective exactly.

    Returns the objective even for an infeasible layout, with every violation listed.
    """
    params = problem.parameters
    units = {u.id: u for u in problem.units}
    apps = {a.id: a for a in problem.applicants}
    nb = problem.neighbours()
    adjacent = {frozenset(p) for p in problem.adjacency}
    violations: list[str] = []
    holder: dict[str, Profile] = {}
    for e in problem.existing:
        for uid in e.units:
            holder[uid] = _profile(e, params.noisy_db)
    lets_total = Decimal(0)
    for aid, uids in assignment.items():
        if aid not in apps:
            violations.append(f"unknown applicant {aid!r}")
            continue
        if not uids:
            continue
        if any(u not in units for u in uids):
            violations.append(f"{aid}: unknown unit in {list(uids)}")
            continue
        if len(uids) > 2 or (len(uids) == 2 and not params.allow_pairs):
            violations.append(f"{aid}: a let has one unit, or two when allow_pairs")
            continue
        if len(uids) == 2 and frozenset(uids) not in adjacent:
            violations.append(f"{aid}: units {list(uids)} are not adjacent")
            continue
        if len(set(uids)) != len(uids):
            violations.append(f"{aid}: a unit is repeated")
            continue
        app = apps[aid]
        lu = [units[u] for u in uids]
        fails = let_failures(app, lu)
        if fails:
            violations.append(f"{aid}: the let {list(uids)} does not fit ({', '.join(fails)})")
        for u in uids:
            if u in holder:
                violations.append(f"unit {u} has two tenants ({holder[u].key} and {aid})")
            holder[u] = _profile(app, params.noisy_db)
        lets_total += let_value(app, lu, params.w_fit, params.pair_fit_penalty)
    existing_ids = {e.id for e in problem.existing}
    for a, b in problem.adjacency:
        if a in holder and b in holder and holder[a].key != holder[b].key:
            if holder[a].key in existing_ids and holder[b].key in existing_ids:
                continue
            rule = holder[a].clashes(holder[b])
            if rule:
                violations.append(
                    f"units {a} ({holder[a].key}) and {b} ({holder[b].key}): {_rule_text(rule)}"
                )
    syn = synergy_of(holder, nb, params.synergy)
    return Evaluation(
        objective=lets_total + syn, lets=lets_total, synergy=syn, violations=violations
    )


def synergy_of(
    holder: Mapping[str, Profile], nb: Mapping[str, set[str]], synergy: Mapping[str, float]
) -> Decimal:
    """The synergy term of a layout given who holds each unit. [EUR/month]"""
    total = Decimal(0)
    for u, prof in holder.items():
        for t in prof.needs:
            if t not in synergy:
                continue
            if any(
                v in holder and holder[v].key != prof.key and t in holder[v].provides for v in nb[u]
            ):
                total += exact(synergy[t])
    return total
