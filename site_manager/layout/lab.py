"""The Layout lab's logic: the problem in play, the solve in the background, manual edits.

Everything the dashboard's Layout lab does that is not drawing widgets lives here, so it is
tested without a browser:

- :func:`restrict` keeps the units of the storeys or halls in play and the applicants chosen;
- :class:`LabRun` runs the engine in a thread in stages and reports its progress (best value,
  bound, gap, elapsed) while the page keeps answering: the greedy layout at once, the engine
  with a short limit (:data:`QUICK_S`: the best layout and its proven bound on screen within
  5 s), then, if that did not prove the optimum, the engine again for the rest of the limit;
- :func:`move` and :func:`remove` change a layout by hand; :func:`breaches` says which rule
  a let breaks and with which neighbour (the rules of :mod:`site_manager.layout.objective`:
  ``let_failures`` and the neighbour rule of ``Profile.clashes``);
- :func:`lets_table`, :func:`left_out_table` and :func:`key_figures` are the tables and
  figures of a layout (rent, fit and synergy per let; :func:`~site_manager.layout.reasons.
  explain` for every applicant left out).

A layout is an assignment: applicant id -> unit ids of its let (one unit, or two adjacent).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from site_manager.errors import ValidationError
from site_manager.layout.objective import (
    _profile,
    _rule_text,
    build_instance,
    evaluate,
    exact,
    let_failures,
    let_fit,
    let_rent,
)
from site_manager.layout.problem import Problem
from site_manager.layout.reasons import _NEED_TEXT, explain
from site_manager.layout.solve import Solution, solve

log = logging.getLogger(__name__)

#: Time limit of the engine's first run, so the best layout and its bound show early. [s]
QUICK_S = 4.0

Assignment = dict[str, list[str]]

#: Columns of :func:`lets_table`.
LETS_COLUMNS: dict[str, str] = {
    "applicant_id": "applicant placed",
    "kind": "kind of tenant",
    "units": "unit ids of its let, '+'-joined",
    "storey": "storey of the let",
    "area_m2": "area of the let [m²]",
    "rent_eur_per_month": "rent offered × area, rounded half up [EUR/month]",
    "fit": "fit points of the let, 0–100 [–]",
    "synergy_eur_per_month": "synergy its units earn from neighbours that provide what it "
    "needs [EUR/month]",
    "value_eur_per_month": "rent + w_fit × fit + synergy [EUR/month]",
}


# ---------------------------------------------------------------- the problem in play


def restrict(
    problem: Problem,
    *,
    storeys: Iterable[str] | None = None,
    halls: Iterable[str] | None = None,
    applicants: Iterable[str] | None = None,
) -> Problem:
    """The problem with only the units of some storeys or halls and some applicants.

    Parameters
    ----------
    problem : Problem
        The site's problem (:func:`~site_manager.layout.from_site.problem_from_register`).
    storeys, halls : iterable of str, optional
        Keep the units on these storeys and in these halls (``None``: all).
    applicants : iterable of str, optional
        Keep these applicants (``None``: all).

    Existing tenants keep their units that stay in play (as neighbours); a tenant with none
    left is dropped. Adjacency is kept between units that both stay.
    """
    keep_storeys = None if storeys is None else set(storeys)
    keep_halls = None if halls is None else set(halls)
    units = tuple(
        u
        for u in problem.units
        if (keep_storeys is None or u.storey in keep_storeys)
        and (keep_halls is None or u.hall in keep_halls)
    )
    ids = {u.id for u in units}
    chosen = None if applicants is None else set(applicants)
    existing = []
    for e in problem.existing:
        held = tuple(u for u in e.units if u in ids)
        if held:
            existing.append(dataclasses.replace(e, units=held))
    return dataclasses.replace(
        problem,
        units=units,
        adjacency=tuple(p for p in problem.adjacency if p[0] in ids and p[1] in ids),
        applicants=tuple(a for a in problem.applicants if chosen is None or a.id in chosen),
        existing=tuple(existing),
    )


def vacant_units(problem: Problem) -> list[str]:
    """Ids of the units no existing tenant holds, in the problem's order."""
    held = {u for e in problem.existing for u in e.units}
    return [u.id for u in problem.units if u.id not in held]


# ---------------------------------------------------------------- the solve in the background


@dataclass(frozen=True)
class Progress:
    """What a :class:`LabRun` has found so far.

    Attributes
    ----------
    stage : str
        ``greedy``, ``quick``, ``proof`` (the engine for the rest of the limit) or ``done``.
    elapsed_s : float
        Seconds since the run started. [s]
    best : Solution | None
        The best layout found so far.
    bound : float | None
        The lowest proven upper bound so far. [EUR/month]
    proven : bool
        True when the best layout is proven optimal.
    error : str | None
        Why the run stopped, if it failed.
    """

    stage: str
    elapsed_s: float
    best: Solution | None
    bound: float | None
    proven: bool
    error: str | None = None

    @property
    def done(self) -> bool:
        """True when the run has finished (or failed)."""
        return self.stage == "done"

    @property
    def objective(self) -> float | None:
        """The best layout's value. [EUR/month]"""
        return None if self.best is None else self.best.objective

    @property
    def gap(self) -> float | None:
        """(bound − best) / bound, when both are known and the bound is positive. [–]"""
        if self.best is None or self.bound is None or self.bound <= 0:
            return None
        return max(0.0, (self.bound - self.best.objective) / self.bound)


class LabRun:
    """The engine on one problem in a background thread, in stages (module docstring).

    Parameters
    ----------
    problem : Problem
        The problem in play.
    time_limit : float
        Seconds for the whole run. [s]
    quick_s : float
        Limit of the first engine run. [s]
    workers : int
        CP-SAT threads.
    start : bool
        Start the thread at once.
    """

    def __init__(
        self,
        problem: Problem,
        *,
        time_limit: float = 10.0,
        quick_s: float = QUICK_S,
        workers: int = 2,
        start: bool = True,
    ) -> None:
        if not time_limit > 0:
            raise ValidationError(f"time limit must be positive seconds, got {time_limit!r}")
        self.problem = problem
        self.time_limit = float(time_limit)
        self.quick_s = min(float(quick_s), self.time_limit)
        self.workers = workers
        self._lock = threading.Lock()
        self._stage = "greedy"
        self._best: Solution | None = None
        self._bound: float | None = None
        self._proven = False
        self._error: str | None = None
        self._cancel = threading.Event()
        self._t0 = time.perf_counter()
        self._t_end: float | None = None
        self._thread = threading.Thread(target=self._run, name="layout-lab", daemon=True)
        if start:
            self.start()

    def start(self) -> None:
        """Start the background thread (once)."""
        self._t0 = time.perf_counter()
        self._thread.start()

    def cancel(self) -> None:
        """Stop after the stage running now (the engine's own run is not interrupted)."""
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> Progress:
        """Block until the run ends (or ``timeout`` seconds); the progress then."""
        self._thread.join(timeout)
        return self.progress()

    def progress(self) -> Progress:
        """A consistent snapshot of the run."""
        with self._lock:
            end = self._t_end if self._t_end is not None else time.perf_counter()
            return Progress(
                stage=self._stage,
                elapsed_s=end - self._t0,
                best=self._best,
                bound=self._bound,
                proven=self._proven,
                error=self._error,
            )

    def _offer(self, sol: Solution, stage: str) -> None:
        with self._lock:
            if self._best is None or sol.objective > self._best.objective:
                self._best = sol
            if sol.bound is not None:
                self._bound = sol.bound if self._bound is None else min(self._bound, sol.bound)
            self._proven = self._proven or sol.status == "OPTIMAL"
            if self._bound is not None and self._best is not None:
                # a bound reached by the best layout proves it, whichever run found each
                self._proven = self._proven or self._best.objective >= self._bound - 1e-6
            self._stage = stage

    def _run(self) -> None:
        try:
            greedy_sol = solve(self.problem, use_greedy_only=True, with_reasons=False)
            self._offer(greedy_sol, "quick")
            quick = solve(self.problem, time_limit=self.quick_s, workers=self.workers,
                          with_reasons=False)  # fmt: skip
            self._offer(quick, "proof")
            left = self.time_limit - (time.perf_counter() - self._t0)
            if not self._proven and left > 0.5 and not self._cancel.is_set():
                self._offer(solve(self.problem, time_limit=left, workers=self.workers, seed=1,
                                  with_reasons=False), "proof")  # fmt: skip
            with self._lock:
                best = self._best
            if best is not None:
                best.reasons = explain(build_instance(self.problem), best.assignment)
                if self._proven:
                    best.status = "OPTIMAL"
        except Exception as exc:  # shown on the page; the thread must not die silently
            log.exception("layout lab run failed")
            with self._lock:
                self._error = f"{type(exc).__name__}: {exc}"
        finally:
            with self._lock:
                self._stage = "done"
                self._t_end = time.perf_counter()


# ---------------------------------------------------------------- manual edits


def move(
    assignment: Mapping[str, Sequence[str]], applicant: str, units: Sequence[str]
) -> Assignment:
    """A new layout with ``applicant`` on ``units`` (added if it was left out).

    Nothing else moves: a unit already held stays held, and :func:`breaches` says so.
    """
    if not units:
        raise ValidationError(f"applicant {applicant}: choose one unit, or two adjacent ones")
    out = {a: list(us) for a, us in assignment.items() if a != applicant}
    out[applicant] = list(units)
    return out


def remove(assignment: Mapping[str, Sequence[str]], applicant: str) -> Assignment:
    """A new layout without ``applicant``'s let."""
    return {a: list(us) for a, us in assignment.items() if a != applicant}


@dataclass(frozen=True)
class Breach:
    """A rule a let breaks: ``rule`` (``fit``, ``let``, ``taken``, ``noise``, ``hazard``),
    the unit, the neighbour (a tenant or applicant id, or ``""``) and a sentence.
    """

    applicant: str
    rule: str
    unit: str
    neighbour: str
    message: str


def breaches(
    problem: Problem, assignment: Mapping[str, Sequence[str]], applicant: str | None = None
) -> list[Breach]:
    """Every rule the layout breaks (or only those of ``applicant``'s let), with whom.

    Rules: the let fits the applicant's needs (``let_failures``); a let is one unit, or two
    adjacent ones when two-unit lets are allowed; a unit has one tenant; no noisy tenant
    beside a noise-sensitive one and no two hazardous tenants side by side (``Profile.
    clashes``, existing tenants included; two existing tenants are never checked).
    """
    params = problem.parameters
    units = {u.id: u for u in problem.units}
    apps = {a.id: a for a in problem.applicants}
    adjacent = {frozenset(p) for p in problem.adjacency}
    holder: dict[str, Any] = {}
    existing_ids = set()
    for e in problem.existing:
        existing_ids.add(e.id)
        for u in e.units:
            holder[u] = _profile(e, params.noisy_db)
    out: list[Breach] = []
    placed = {a: list(us) for a, us in assignment.items() if us}
    for aid, uids in placed.items():
        mine = applicant is None or aid == applicant
        let = "+".join(uids)

        def add(rule: str, unit: str, neighbour: str, text: str, aid: str = aid) -> None:
            out.append(Breach(aid, rule, unit, neighbour, text))

        if aid not in apps or any(u not in units for u in uids):
            if mine:
                add("let", let, "", f"{aid}: unknown applicant or unit in {let}")
            continue
        pair_ok = params.allow_pairs and frozenset(uids) in adjacent
        if len(uids) > 2 or (len(uids) == 2 and not pair_ok):
            if mine:
                why = "not adjacent" if params.allow_pairs else "two-unit lets are off"
                add("let", let, "", f"{aid}: units {' and '.join(uids)} cannot be one let ({why})")
            continue
        fails = let_failures(apps[aid], [units[u] for u in uids])
        if fails and mine:
            needs = ", ".join(_NEED_TEXT[f] for f in fails)
            add("fit", let, "", f"{aid} does not fit {let}: {needs}")
        for u in uids:
            if u not in holder or holder[u].key == aid:
                holder[u] = _profile(apps[aid], params.noisy_db)
            elif mine or holder[u].key == applicant:
                other = holder[u].key
                add("taken", u, other, f"unit {u} is held by {other}; {aid} cannot have it too")
    for a, b in problem.adjacency:
        ha, hb = holder.get(a), holder.get(b)
        if ha is None or hb is None or ha.key == hb.key:
            continue
        if ha.key in existing_ids and hb.key in existing_ids:
            continue
        rule = ha.clashes(hb)
        if not rule:
            continue
        for me, them, mu, tu in ((ha.key, hb.key, a, b), (hb.key, ha.key, b, a)):
            if me in placed and (applicant is None or me == applicant):
                text = f"{me} in {mu} is beside {them} in {tu}: {_rule_text(rule)}"
                out.append(Breach(me, rule, mu, them, text))
                if applicant is None:
                    break  # one sentence per pair of neighbours
    return out


# ---------------------------------------------------------------- tables and figures


def _unit_synergy(problem: Problem, assignment: Mapping[str, Sequence[str]]) -> dict[str, float]:
    """Synergy each placed applicant's units earn from their neighbours. [EUR/month]"""
    params = problem.parameters
    apps = {a.id: a for a in problem.applicants}
    nb = problem.neighbours()
    holder: dict[str, Any] = {}
    for e in problem.existing:
        for u in e.units:
            holder[u] = _profile(e, params.noisy_db)
    for aid, uids in assignment.items():
        if aid in apps:
            for u in uids:
                holder[u] = _profile(apps[aid], params.noisy_db)
    out: dict[str, float] = {}
    for aid, uids in assignment.items():
        if aid not in apps:
            continue
        total = exact(0.0)
        for u in uids:
            for t in apps[aid].needs:
                if t in params.synergy and any(
                    v in holder and holder[v].key != aid and t in holder[v].provides
                    for v in nb.get(u, ())
                ):
                    total += exact(params.synergy[t])
        out[aid] = float(total)
    return out


def lets_table(problem: Problem, assignment: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """One row per let of the layout (columns :data:`LETS_COLUMNS`), by applicant id.

    Lets naming an unknown applicant or unit are left out (:func:`breaches` reports them).
    """
    params = problem.parameters
    units = {u.id: u for u in problem.units}
    apps = {a.id: a for a in problem.applicants}
    synergy = _unit_synergy(problem, assignment)
    rows = []
    for aid in sorted(assignment):
        uids = list(assignment[aid])
        if aid not in apps or not uids or any(u not in units for u in uids):
            continue
        app, lu = apps[aid], [units[u] for u in uids]
        rent = let_rent(app, lu)
        fit = float(let_fit(app, lu, params.pair_fit_penalty))
        rows.append({
            "applicant_id": aid,
            "kind": app.kind,
            "units": "+".join(uids),
            "storey": lu[0].storey,
            "area_m2": round(sum(u.area for u in lu), 2),
            "rent_eur_per_month": float(rent),
            "fit": fit,
            "synergy_eur_per_month": synergy.get(aid, 0.0),
            "value_eur_per_month": float(rent + exact(params.w_fit) * exact(fit))
            + synergy.get(aid, 0.0),
        })  # fmt: skip
    return pd.DataFrame(rows, columns=list(LETS_COLUMNS))


def left_out_table(problem: Problem, assignment: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """One row per applicant the layout leaves out: ``applicant_id``, ``code``, ``reason``."""
    valid = {
        a: list(us)
        for a, us in assignment.items()
        if us
        and a in {x.id for x in problem.applicants}
        and all(u in {x.id for x in problem.units} for u in us)
    }
    reasons = explain(build_instance(problem), valid)
    rows = [{"applicant_id": a.id, "kind": a.kind, "code": reasons[a.id]["code"],
             "reason": reasons[a.id]["message"]}
            for a in problem.applicants if a.id in reasons]  # fmt: skip
    return pd.DataFrame(rows, columns=["applicant_id", "kind", "code", "reason"])


def key_figures(problem: Problem, assignment: Mapping[str, Sequence[str]]) -> dict[str, float]:
    """The layout's key figures: applicants placed, area let [m²], rent and synergy
    [EUR/month], objective [EUR/month] (``evaluate``), rules broken.
    """
    lets = lets_table(problem, assignment)
    ev = evaluate(problem, assignment)
    return {
        "applicants_placed": float(len(lets)),
        "area_let_m2": float(lets["area_m2"].sum()) if len(lets) else 0.0,
        "rent_eur_per_month": float(lets["rent_eur_per_month"].sum()) if len(lets) else 0.0,
        "synergy_eur_per_month": float(ev.synergy),
        "objective_eur_per_month": float(ev.objective),
        "rules_broken": float(len(ev.violations)),
    }


def compare_figures(layouts: Mapping[str, Mapping[str, float]]) -> pd.DataFrame:
    """Key figures of several layouts side by side: one row per figure, one column each."""
    names = list(layouts)
    figures = list(next(iter(layouts.values()))) if layouts else []
    return pd.DataFrame({"figure": figures, **{n: [layouts[n][f] for f in figures] for n in names}})


__all__ = [
    "LETS_COLUMNS",
    "QUICK_S",
    "Breach",
    "LabRun",
    "Progress",
    "breaches",
    "compare_figures",
    "key_figures",
    "left_out_table",
    "lets_table",
    "move",
    "remove",
    "restrict",
    "vacant_units",
]
