"""An independent checker of layout solutions, written from the issue text alone.

It reads the problem as plain JSON (not through the engine's reader) and recomputes, with
exact fractions, whether a layout is feasible and what it is worth. It shares no code with
``site_manager.layout``; where the issue is ambiguous it follows the decisions documented in
``docs/layout.md`` (area of a two-unit let = sum; lowest height and load; summed power;
features offered by any unit; synergy per occupied unit, existing tenants included as
needers and providers; existing tenants' own rent not counted; rules between two existing
tenants not checked).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any


def q(x: Any) -> Fraction:
    """Exact value of a JSON number as written (floats through their shortest repr)."""
    if isinstance(x, bool):
        raise TypeError("boolean where a number was expected")
    return Fraction(repr(x)) if isinstance(x, float) else Fraction(x)


def half_up(x: Fraction) -> int:
    """Round half up: floor(x + 1/2)."""
    return math.floor(x + Fraction(1, 2))


def check(problem: dict[str, Any], assignment: dict[str, list[str]]) -> tuple[list[str], Fraction]:
    """Return (violations, objective) of ``assignment`` for ``problem`` (both plain JSON)."""
    params = problem.get("parameters", {})
    allow_pairs = params.get("allow_pairs", True)
    noisy_db = q(params.get("noisy_db", 85))
    w_fit = q(params.get("w_fit", 1))
    pair_pen = q(params.get("pair_fit_penalty", 20))
    synergy = {k: q(v) for k, v in params.get("synergy", {}).items()}
    units = {u["id"]: u for u in problem["units"]}
    apps = {a["id"]: a for a in problem["applicants"]}
    existing = problem.get("existing", [])
    adjacent = {frozenset(p) for p in problem.get("adjacency", [])}
    neighbours: dict[str, set[str]] = {uid: set() for uid in units}
    for a, b in problem.get("adjacency", []):
        neighbours[a].add(b)
        neighbours[b].add(a)

    bad: list[str] = []
    tenant_of: dict[str, dict[str, Any]] = {}  # unit id -> tenant record (applicant/existing)
    for e in existing:
        for uid in e["units"]:
            tenant_of[uid] = e
    lets_value = Fraction(0)
    for aid, let in assignment.items():
        if not let:
            continue
        if aid not in apps:
            bad.append(f"{aid} is not an applicant")
            continue
        a = apps[aid]
        if len(let) not in (1, 2) or len(set(let)) != len(let):
            bad.append(f"{aid}: a let is one unit or two")
            continue
        if len(let) == 2 and (not allow_pairs or frozenset(let) not in adjacent):
            bad.append(f"{aid}: two units that are not an allowed adjacent pair")
            continue
        if any(uid not in units for uid in let):
            bad.append(f"{aid}: unknown unit")
            continue
        us = [units[uid] for uid in let]
        area = sum(q(u["area"]) for u in us)
        height = min(q(u["height"]) for u in us)
        load = min(q(u["load"]) for u in us)
        power = sum(q(u["power"]) for u in us)
        has_ext = any(u.get("extraction", False) for u in us)
        has_acc = any(u.get("access", False) for u in us)
        has_day = any(u.get("daylight", False) for u in us)
        lo, hi = q(a["area_min"]), q(a["area_max"])
        if not lo <= area <= hi:
            bad.append(f"{aid}: area {float(area)} outside [{float(lo)}, {float(hi)}]")
        if height < q(a.get("min_height", 0)):
            bad.append(f"{aid}: too low")
        if load < q(a.get("min_load", 0)):
            bad.append(f"{aid}: floor too weak")
        if power < q(a.get("power", 0)):
            bad.append(f"{aid}: not enough power")
        if a.get("extraction", False) and not has_ext:
            bad.append(f"{aid}: no extraction")
        if a.get("access", False) and not has_acc:
            bad.append(f"{aid}: no access")
        if a.get("daylight", False) and not has_day:
            bad.append(f"{aid}: no daylight")
        for uid in let:
            if uid in tenant_of:
                bad.append(f"{uid} let twice")
            tenant_of[uid] = a
        rent = half_up(q(a["rent_per_m2"]) * area)
        share = (area - lo) / (hi - lo) if hi != lo else Fraction(0)
        fit = Fraction(half_up(100 - 40 * share))
        if has_ext and not a.get("extraction", False):
            fit -= 10
        if has_acc and not a.get("access", False):
            fit -= 15
        if load >= 15 and q(a.get("min_load", 0)) < Fraction(15, 2):
            fit -= 10
        if len(let) == 2:
            fit -= pair_pen
        fit = max(fit, Fraction(0))
        lets_value += rent + w_fit * fit

    def noisy(t: dict[str, Any]) -> bool:
        return q(t.get("noise_db", 0)) >= noisy_db

    existing_ids = {e["id"] for e in existing}
    for pair in adjacent:
        u, v = sorted(pair)
        if u not in tenant_of or v not in tenant_of:
            continue
        tu, tv = tenant_of[u], tenant_of[v]
        if tu["id"] == tv["id"] or (tu["id"] in existing_ids and tv["id"] in existing_ids):
            continue
        if (noisy(tu) and tv.get("noise_sensitive", False)) or (
            noisy(tv) and tu.get("noise_sensitive", False)
        ):
            bad.append(f"noise: {tu['id']} in {u} beside {tv['id']} in {v}")
        if tu.get("hazard", 0) > 0 and tv.get("hazard", 0) > 0:
            bad.append(f"hazard: {tu['id']} in {u} beside {tv['id']} in {v}")

    def types(t: dict[str, Any], key: str) -> set[str]:
        val = t.get(key, [])
        if isinstance(val, str):
            return {s.strip() for s in val.split(";") if s.strip()}
        return set(val)

    syn = Fraction(0)
    for uid, t in tenant_of.items():
        for need in types(t, "needs"):
            if any(
                v in tenant_of
                and tenant_of[v]["id"] != t["id"]
                and need in types(tenant_of[v], "provides")
                for v in neighbours[uid]
            ):
                syn += synergy.get(need, 0)
    return bad, lets_value + syn
