"""Community rules as data: a site's rules file (TOML), stored in the register, and one checker.

A Multifactory community sets itself rules a layout must keep (``docs/layout.md``,
*Community rules*). A site's rules file is TOML, one ``[[rule]]`` table a rule::

    [[rule]]
    id = "quiet-studios"          # unique in the file
    kind = "noise_distance"       # one of RULE_KINDS
    strength = "hard"             # hard: the engine never breaks it; soft: reported
    steps = 3                     # the kind's value (see below)
    noisy_db = 85                 # optional: noisy from this level [dB(A)]
    text = "noisy work at least 3 steps from studios"   # optional: the community's words

The kinds and their value:

- ``min_shared_share``, ``min_pct`` [%]: the area zoned for shared uses
  (:data:`site_manager.zoning.SHARED_USES`) is at least this share of the space in use,
  shared / (shared + the area of the problem's units held by tenants, existing and placed),
  the balance of :func:`site_manager.zoning.shared_private_balance` counted on let units;
- ``max_tenant_area``, ``max_m2`` [m²]: the most floor area one applicant may be let;
- ``noise_distance``, ``steps``: a noisy tenant (``noise_db >= noisy_db``) and a
  noise-sensitive one are at least this many adjacency steps apart (neighbours are 1 step
  apart, their other neighbours 2, ...; units on different storeys are never near);
- ``hazard_distance``, ``steps``: two hazardous tenants are at least this many steps apart;
- ``max_kind_share``, ``max_pct`` [%], optional ``tenant_kind``: at most this share of the
  problem's units goes to tenants of one kind (``tenant_kind``, or each kind when not given),
  existing tenants counted.

A layout breaks a rule only through its lets: a rule the existing tenants alone already
break is not reported (no layout changes it), and a hard rule then keeps every further let
that would add to it out. :func:`check_rules` lists the violations of a layout, hard and
soft, each naming the rule, the units and the tenants in words a planner can act on.
:func:`load_rules` reads, checks and stores a site's file (audited); :func:`get_rules` reads it
back. The engine's side (constraints, greedy, reasons) is :mod:`site_manager.layout.hard_rules`.
"""

from __future__ import annotations

import tomllib
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from site_manager.errors import ValidationError
from site_manager.layout.records import (
    RULE_KINDS,
    Applicant,
    CommunityRules,
    ExistingTenant,
    Problem,
    Rule,
)

#: Keys a rule table may have besides its value key.
_COMMON_KEYS = ("id", "kind", "strength", "text")
_OPTIONAL_KEYS = {"noise_distance": ("noisy_db",), "max_kind_share": ("tenant_kind",)}


# ----------------------------------------------------------------------------- reading


def _d(x: float) -> Decimal:
    return Decimal(str(x))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _rule(rec: Any, where: str, errors: list[str]) -> Rule | None:
    """One rule table checked; its problems appended to ``errors``."""
    if not isinstance(rec, Mapping):
        errors.append(f"{where}: expected a table of keys, found {type(rec).__name__}")
        return None
    rid = rec.get("id")
    if not isinstance(rid, str) or not rid.strip():
        errors.append(f'{where}: give it an id (id = "...")')
        return None
    where = f"rule {rid!r}"
    kind = rec.get("kind")
    if kind not in RULE_KINDS:
        errors.append(f"{where}: kind {kind!r} is not a rule kind; give one of "
                      f"{', '.join(RULE_KINDS)}")  # fmt: skip
        return None
    value_key = RULE_KINDS[kind]
    known = {*_COMMON_KEYS, value_key, *_OPTIONAL_KEYS.get(kind, ())}
    n0 = len(errors)
    for key in sorted(set(rec) - known):
        errors.append(f"{where}: unknown key {key!r} for kind {kind} (known: "
                      f"{', '.join(sorted(known))})")  # fmt: skip
    strength = rec.get("strength")
    if strength not in ("hard", "soft"):
        errors.append(f"{where}: strength {strength!r}: write strength = \"hard\" (the engine "
                      "never breaks it) or \"soft\" (reported with the layout)")  # fmt: skip
    value = _number(rec.get(value_key))
    if value is None:
        errors.append(f"{where}: give {value_key} as a number")
    elif value_key in ("min_pct", "max_pct") and not 0 < value <= 100:
        errors.append(f"{where}: {value_key} = {value:g} must be above 0 and at most 100 [%]")
    elif value_key == "max_m2" and not value > 0:
        errors.append(f"{where}: max_m2 = {value:g} must be above 0 [m²]")
    elif value_key == "steps" and (value != int(value) or value < 2):
        errors.append(f"{where}: steps = {value:g} must be a whole number of at least 2 "
                      "(neighbours are 1 step apart)")  # fmt: skip
    noisy = rec.get("noisy_db")
    if noisy is not None and (_number(noisy) is None or float(noisy) < 0):
        errors.append(f"{where}: noisy_db must be a number of dB(A), 0 or more")
    for key in ("text", "tenant_kind"):
        if key in rec and not isinstance(rec[key], str):
            errors.append(f"{where}: {key} must be text in quotes")
    if len(errors) > n0:
        return None
    assert value is not None
    return Rule(id=rid.strip(), kind=str(kind), hard=strength == "hard", value=value,
                tenant_kind=str(rec.get("tenant_kind", "")).strip(),
                noisy_db=None if noisy is None else float(noisy),
                text=str(rec.get("text", "")).strip())  # fmt: skip


def _raise(source: str, errors: list[str]) -> None:
    if errors:
        raise ValidationError(f"{source}: " + "; ".join(errors)
                              + " (fix the rules file and load it again)")  # fmt: skip


def rules_from_data(data: Any, *, source: str = "rules") -> CommunityRules:
    """Rules given as plain data: ``{"shared_area": m², "rules": [rule tables]}`` (the problem
    JSON's ``rules``) or a parsed rules file ``{"rule": [rule tables]}``.

    Raises
    ------
    ValidationError
        One line naming ``source``, each bad rule and what to write instead.
    """
    if not isinstance(data, Mapping):
        raise ValidationError(f"{source}: expected a table of rules, found {type(data).__name__}")
    key = "rule" if "rule" in data or "rules" not in data else "rules"
    errors = [f"unknown top-level key {k!r} (write each rule as a [[rule]] table)"
              for k in sorted(set(data) - {key, "shared_area"})]  # fmt: skip
    tables = data.get(key, [])
    if not isinstance(tables, list):
        errors.append(f"{key}: write each rule as a [[rule]] table")
        tables = []
    rules = [_rule(r, f"{key}[{i}]", errors) for i, r in enumerate(tables)]
    seen: set[str] = set()
    for r in rules:
        if r is not None and r.id in seen:
            errors.append(f"rule {r.id!r}: the id is used twice; give each rule its own id")
        if r is not None:
            seen.add(r.id)
    shared = _number(data.get("shared_area", 0.0))
    if shared is None or shared < 0:
        errors.append("shared_area must be a number of m², 0 or more")
    _raise(source, errors)
    return CommunityRules(rules=tuple(r for r in rules if r is not None),
                          shared_area=float(shared or 0.0))  # fmt: skip


def parse_rules(text: str, *, source: str = "rules file") -> CommunityRules:
    """Read a rules file's TOML text (see the module docstring); ``ValidationError`` if bad."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(
            f"{source}: not valid TOML: {exc} (fix the rules file and load it again)"
        ) from None  # fmt: skip
    return rules_from_data(data, source=source)


def rules_to_data(rules: CommunityRules) -> dict[str, Any]:
    """The rules as plain JSON-ready data, readable by :func:`rules_from_data`."""
    out = []
    for r in rules.rules:
        strength = "hard" if r.hard else "soft"
        rec: dict[str, Any] = {"id": r.id, "kind": r.kind, "strength": strength}
        rec[RULE_KINDS[r.kind]] = r.value
        if r.tenant_kind:
            rec["tenant_kind"] = r.tenant_kind
        if r.noisy_db is not None:
            rec["noisy_db"] = r.noisy_db
        if r.text:
            rec["text"] = r.text
        out.append(rec)
    return {"shared_area": rules.shared_area, "rules": out}


def label(rule: Rule) -> str:
    """The rule in words: its ``text``, else one made from it ("at most 30 % of units to
    artisans").
    """
    if rule.text:
        return rule.text
    v = f"{rule.value:g}"
    if rule.kind == "min_shared_share":
        return f"shared space at least {v} % of the space in use"
    if rule.kind == "max_tenant_area":
        return f"at most {v} m² to one tenant"
    if rule.kind == "noise_distance":
        return f"noisy work at least {v} steps from noise-sensitive tenants"
    if rule.kind == "hazard_distance":
        return f"hazards at least {v} steps apart"
    who = f"{rule.tenant_kind}s" if rule.tenant_kind else "one kind of tenant"
    return f"at most {v} % of units to {who}"


# ---------------------------------------------------------------------- the register


def load_rules(engine: Any, site: str | None, path_or_text: str | Path,
               *, actor: str | None = None) -> CommunityRules:  # fmt: skip
    """Read a rules file (a path, or the TOML text itself), check it and store it for the site.

    The text replaces the site's rules (an empty file clears them), in one audited write
    (``load_rules`` entry). Raises ``ValidationError`` naming the file and the rule, and
    stores nothing, when the file is bad; ``NotFoundError`` when the path does not exist.
    """
    from site_manager.errors import NotFoundError
    from site_manager.register.community_rules import store_rules

    text, source = str(path_or_text), "rules text"
    if isinstance(path_or_text, Path) or ("\n" not in text and (
            text.endswith(".toml") or Path(text).is_file())):  # fmt: skip
        p = Path(path_or_text)
        if not p.is_file():
            raise NotFoundError(f"{p}: no such rules file")
        try:
            text, source = p.read_text(encoding="utf-8"), str(p)
        except UnicodeDecodeError:
            raise ValidationError(f"{p}: not UTF-8 text; save the rules file as UTF-8") from None
    rules = parse_rules(text, source=source)
    store_rules(engine, site, rules_to_data(rules)["rules"], text, actor=actor)
    return rules


def get_rules(engine: Any, site: str | None = None) -> CommunityRules:
    """The site's stored rules (none stored: no rules); ``shared_area`` is 0 here (the problem
    built from the register carries the site's).
    """
    from site_manager.register.community_rules import rules_record

    rec = rules_record(engine, site)
    if rec is None:
        return CommunityRules()
    return rules_from_data({"rules": rec["rules"]}, source=f"site {site or ''} stored rules")


# ---------------------------------------------------------------------- the checker


@dataclass(frozen=True)
class Violation:
    """One community rule a layout breaks.

    ``units`` and ``tenants`` (applicant or tenant ids) are those the planner can move;
    ``message`` says what is wrong and what would mend it.
    """

    rule_id: str
    kind: str
    hard: bool
    units: tuple[str, ...]
    tenants: tuple[str, ...]
    message: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        d = asdict(self)
        return {**d, "units": list(self.units), "tenants": list(self.tenants)}


Tenant = Applicant | ExistingTenant


def distances(problem: Problem, limit: int) -> dict[str, dict[str, int]]:
    """Unit id -> units fewer than ``limit`` adjacency steps away (1 or more) -> steps."""
    nb = problem.neighbours()
    out: dict[str, dict[str, int]] = {}
    for start in nb:
        seen = {start: 0}
        queue = deque([start])
        while queue:
            x = queue.popleft()
            if seen[x] + 1 >= limit:
                continue
            for y in sorted(nb[x]):
                if y not in seen:
                    seen[y] = seen[x] + 1
                    queue.append(y)
        out[start] = {u: d for u, d in seen.items() if d > 0}
    return out


def who(t: Tenant) -> str:
    """A tenant's name for messages (its id when it has no name)."""
    return t.name or t.id


def _where(problem: Problem, uid: str) -> str:
    name = problem.unit(uid).name
    return f"{uid} ({name})" if name and name != uid else uid


def check_rules(
    problem: Problem,
    assignment: Mapping[str, Sequence[str]],
    rules: CommunityRules | None = None,
) -> list[Violation]:
    """Every community rule the layout breaks, hard and soft (rules: ``problem.rules``).

    Entries of the assignment naming an unknown applicant or unit are skipped
    (:func:`site_manager.layout.objective.evaluate` reports them).
    """
    rules = rules if rules is not None else problem.rules
    if not rules or not rules.rules:
        return []
    unit_ids = {u.id for u in problem.units}
    apps = {a.id: a for a in problem.applicants}
    lets = {a: tuple(us) for a, us in assignment.items()
            if a in apps and us and all(u in unit_ids for u in us)}  # fmt: skip
    holder: dict[str, tuple[Tenant, bool]] = {}
    for e in problem.existing:
        for u in e.units:
            holder[u] = (e, False)
    for a, us in lets.items():
        for u in us:
            holder[u] = (apps[a], True)
    area = {u.id: _d(u.area) for u in problem.units}
    out: list[Violation] = []
    for rule in rules.rules:
        base: dict[str, Any] = {"rule_id": rule.id, "kind": rule.kind, "hard": rule.hard}
        name = f"{'hard' if rule.hard else 'soft'} rule '{label(rule)}'"
        if rule.kind == "max_tenant_area":
            for a, us in lets.items():
                held = sum((area[u] for u in us), Decimal(0))
                if held > _d(rule.value):
                    text = (
                        f"{who(apps[a])} is let {held:,.2f} m² in {' + '.join(us)}; the {name} "
                        f"allows {rule.value:g} m²: give it a smaller let or leave it out."
                    )
                    out.append(Violation(**base, units=us, tenants=(a,), message=text))
        elif rule.kind == "min_shared_share":
            placed = sum((area[u] for us in lets.values() for u in us), Decimal(0))
            held = sum((area[u] for u in holder), Decimal(0))
            shared = _d(rules.shared_area)
            if placed and shared * 100 < _d(rule.value) * (shared + held):
                share = float(shared / (shared + held) * 100) if shared + held else 0.0
                most = shared * (100 - _d(rule.value)) / _d(rule.value) - (held - placed)
                text = (
                    f"Shared space would be {share:.1f} % of the space in use ({shared:,.0f} m² "
                    f"shared, {held:,.0f} m² let); the {name} asks for {rule.value:g} %: let at "
                    f"most {max(most, Decimal(0)):,.0f} m² of these units, or zone more space "
                    "for shared use."
                )
                units = tuple(sorted(u for us in lets.values() for u in us))
                out.append(Violation(**base, units=units, tenants=tuple(lets), message=text))
        elif rule.kind == "max_kind_share":
            kinds = [rule.tenant_kind] if rule.tenant_kind else sorted(
                {apps[a].kind for a in lets if apps[a].kind})  # fmt: skip
            n = len(problem.units)
            for k in kinds:
                count = sum(1 for t, _ in holder.values() if t.kind == k)
                mine = [a for a in lets if apps[a].kind == k]
                if mine and count * 100 > _d(rule.value) * n:
                    allowed = int(_d(rule.value) * n / 100)
                    text = (
                        f"{count} of {n} units would go to {k} tenants "
                        f"({', '.join(who(apps[a]) for a in mine)} among them); the {name} "
                        f"allows {allowed}: leave {count - allowed} unit(s) of them out."
                    )
                    units = tuple(u for a in mine for u in lets[a])
                    out.append(Violation(**base, units=units, tenants=tuple(mine), message=text))
        else:
            out += _distance_violations(problem, rule, base, name, holder)
    return out


def _distance_violations(problem: Problem, rule: Rule, base: dict[str, Any], name: str,
                         holder: Mapping[str, tuple[Tenant, bool]]) -> list[Violation]:  # fmt: skip
    """Pairs of different tenants nearer than the rule's steps, one violation per pair."""
    steps = int(rule.value)
    near = distances(problem, steps)
    noisy_db = rule.noisy_db if rule.noisy_db is not None else problem.parameters.noisy_db
    best: dict[tuple[str, str], tuple[int, str, str]] = {}
    for u, (t, placed) in holder.items():
        for v, d in near[u].items():
            if v not in holder:
                continue
            s, placed_s = holder[v]
            if s.id == t.id or not (placed or placed_s):
                continue
            if rule.kind == "noise_distance":
                if not (t.noise_db >= noisy_db and s.noise_sensitive):
                    continue
            elif not (t.hazard > 0 and s.hazard > 0) or t.id > s.id:
                continue
            key = (t.id, s.id)
            if key not in best or d < best[key][0]:
                best[key] = (d, u, v)
    out = []
    tenants = {t.id: t for t, _ in holder.values()}
    for (a, b), (d, u, v) in sorted(best.items()):
        ta, tb = tenants[a], tenants[b]
        apart = f"{d} step{'s' if d > 1 else ''}"
        if rule.kind == "noise_distance":
            text = (
                f"Noisy work ({who(ta)}, {ta.noise_db:g} dB(A)) in {_where(problem, u)} is "
                f"{apart} from noise-sensitive {who(tb)} in {_where(problem, v)}"
            )
        else:
            text = (
                f"Hazardous {who(ta)} in {_where(problem, u)} is {apart} from hazardous "
                f"{who(tb)} in {_where(problem, v)}"
            )
        out.append(Violation(**base, units=(u, v), tenants=(a, b), message=(
            f"{text}; the {name} asks for {steps}: move one of them.")))  # fmt: skip
    return out
