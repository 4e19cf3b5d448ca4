"""Why each applicant is left out of a layout, in terms a planner can act on.

Four codes:

- ``no_fit``: no unit (nor adjacent pair, when allowed) fits the applicant's needs at all;
  ``failing_needs`` counts, over the single units, how often each need fails, and the message
  names the most frequent (e.g. "floor load too low in 41 of 60 units").
- ``taken_or_blocked``: lets fit, but every one is held by an existing tenant or would put the
  applicant beside an existing tenant against a neighbour rule (named: noise or hazard).
- ``worth_less``: some fitting let was open before the layout was chosen, but it went to other
  applicants (named, with the values) or sits beside one against a neighbour rule: the layout
  is worth more with them than with this applicant.
- ``community_rule``: no fitting let is free for it, and a free one (or one beside a free
  neighbour) is ruled out by a hard community rule: the message names the rule
  (:mod:`site_manager.layout.hard_rules`), e.g. "left out: the rule 'at most 30 % of units
  to artisans' is full".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from site_manager.layout.greedy import Occupancy
from site_manager.layout.objective import Instance, let_value

_NEED_TEXT = {
    "area_too_small": "area too small",
    "area_too_large": "area too large",
    "height": "clear height too low",
    "load": "floor load too low",
    "power": "too little power",
    "extraction": "no extraction",
    "access": "no loading access",
    "daylight": "no daylight",
}

_MAX_LISTED = 5


def explain(inst: Instance, assignment: Mapping[str, Sequence[str]]) -> dict[str, dict[str, Any]]:
    """Applicant id -> reason record for every applicant the layout leaves out.

    Each record has ``code`` (``no_fit``, ``taken_or_blocked``, ``worth_less``), a one-line
    ``message``, and details: ``failing_needs`` (need -> number of units failing it) for
    ``no_fit``, else ``obstacles`` (up to five fitting lets with what stands in the way).
    """
    problem = inst.problem
    params = problem.parameters
    occ = Occupancy(inst, assignment)
    n_units = len(inst.unit_ids)
    values: dict[int, float] = {}
    for a, us in occ.placed.items():
        values[a] = float(
            let_value(
                problem.applicants[a],
                [problem.units[u] for u in us],
                params.w_fit,
                params.pair_fit_penalty,
            )
        )
    out: dict[str, dict[str, Any]] = {}
    for ai, app in enumerate(problem.applicants):
        if ai in occ.placed:
            continue
        if not inst.fitting[ai]:
            fails = inst.failures[ai]
            need, count = max(fails.items(), key=lambda kv: (kv[1], -_order(kv[0])))
            out[app.id] = {
                "code": "no_fit",
                "message": f"no unit fits: {_NEED_TEXT[need]} in {count} of {n_units} units"
                + ("" if not params.allow_pairs else " (adjacent pairs tried too)"),
                "failing_needs": dict(sorted(fails.items(), key=lambda kv: -kv[1])),
            }
            continue
        fixed_block = dict(inst.blocked_fixed[ai])
        rule_block = dict(inst.blocked_rule[ai]) if inst.blocked_rule else {}
        obstacles: list[dict[str, Any]] = []
        open_lets = []
        ruled: list[tuple[float, str]] = []  # (value of the let, the rule's words)
        free = ruled_free = False
        for let in inst.fitting[ai]:
            units = [inst.unit_ids[u] for u in let]
            if let in fixed_block:
                obstacles.append({"units": units, "by_existing": True, "why": fixed_block[let]})
                continue
            why = _placed_obstacle(inst, occ, ai, let, values)
            # a hard rule that would keep it off this let even were the let free
            rule = rule_block.get(let)
            if rule is None and inst.hard is not None:
                rule = inst.hard.blocking(inst, ai, let, occ.holder, occ.used)
            if rule is not None:
                ruled.append((_let_value(inst, ai, let), rule))
                ruled_free = ruled_free or why is None
                why = rule if why is None else f"{why}; {rule}"
            elif why is None:
                why, free = (
                    "free, but adds nothing to the objective (or the time limit ran out)",
                    True,
                )
            obstacles.append({"units": units, "by_existing": False, "why": why})
            if rule is None:
                open_lets.append(let)
        if ruled and (not open_lets or (ruled_free and not free)):
            out[app.id] = {
                "code": "community_rule",
                "message": "left out: " + max(ruled)[1],
                "obstacles": [o for o in obstacles if not o["by_existing"]][:_MAX_LISTED],
            }
            continue
        if not open_lets:
            out[app.id] = {
                "code": "taken_or_blocked",
                "message": "every fitting let is held by an existing tenant or blocked by one: "
                + "; ".join(list(dict.fromkeys(o["why"] for o in obstacles))[:3]),
                "obstacles": obstacles[:_MAX_LISTED],
            }
            continue
        best = max(
            open_lets,
            key=lambda let: let_value(
                app, [problem.units[u] for u in let], params.w_fit, params.pair_fit_penalty
            ),
        )
        best_value = float(
            let_value(app, [problem.units[u] for u in best], params.w_fit, params.pair_fit_penalty)
        )
        best_name = "+".join(inst.unit_ids[u] for u in best)
        why_best = _placed_obstacle(inst, occ, ai, best, values) or "left free"
        out[app.id] = {
            "code": "worth_less",
            "message": (
                f"worth less than the others: its best let {best_name} "
                f"(worth {best_value:,.0f} EUR/month) is {why_best}"
            ),
            "obstacles": [o for o in obstacles if not o["by_existing"]][:_MAX_LISTED],
        }
    return out


def _let_value(inst: Instance, app: int, let: tuple[int, ...]) -> float:
    p = inst.problem
    units = [p.units[u] for u in let]
    return float(
        let_value(p.applicants[app], units, p.parameters.w_fit, p.parameters.pair_fit_penalty)
    )


def _order(need: str) -> int:
    return list(_NEED_TEXT).index(need)


def _placed_obstacle(
    inst: Instance, occ: Occupancy, app: int, let: tuple[int, ...], values: Mapping[int, float]
) -> str | None:
    """What placed applicants do to this let in the layout: hold it, or break a rule beside it."""
    apps = inst.problem.applicants
    holders = {a for a, us in occ.placed.items() if set(us) & set(let)}
    if holders:
        return "taken by " + ", ".join(
            f"{apps[a].id} ({values[a]:,.0f} EUR/month)" for a in sorted(holders)
        )
    prof = inst.profiles[app]
    for u in let:
        for v in inst.nb[u]:
            if v in let or v not in occ.holder:
                continue
            rule = prof.clashes(occ.holder[v])
            if rule:
                text = (
                    "noisy beside noise-sensitive" if rule == "noise" else "two hazardous tenants"
                )
                return f"beside {occ.holder[v].key} in {inst.unit_ids[v]} ({text})"
    return None
