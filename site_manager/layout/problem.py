"""The layout problem: units, applicants, existing tenants and parameters, read and validated.

A layout problem is one JSON document (see ``docs/layout.md``)::

    {"units": [{"id": "U1", "storey": "EG", "area": 120.0, "height": 4.2, "load": 7.5,
                "power": 40.0, "extraction": true, "access": true, "daylight": false,
                "hall": "H1"}, ...],
     "adjacency": [["U1", "U2"], ...],
     "applicants": [{"id": "A1", "kind": "artisan", "area_min": 80, "area_max": 150,
                     "min_height": 3.0, "min_load": 5.0, "power": 20.0,
                     "extraction": true, "access": false, "daylight": false,
                     "noise_db": 88, "noise_sensitive": false, "hazard": 0,
                     "rent_per_m2": 9.5, "provides": ["cnc_router"], "needs": ["laser_cutter"]},
                    ...],
     "existing": [{"id": "T1", "units": ["U7"], "noise_db": 60, "noise_sensitive": true,
                   "hazard": 0, "provides": ["kiln"], "needs": []}],
     "parameters": {"allow_pairs": true, "noisy_db": 85, "w_fit": 1.0,
                    "pair_fit_penalty": 20, "synergy": {"cnc_router": 150}}}

Units: area [m²], height [m], load [kN/m²], power [kW]; ``extraction``, ``access`` (ground or
goods-lift loading) and ``daylight`` are offered or not. Applicants: area range [m²], minimum
clear height [m] and floor load [kN/m²], power [kW], needs of extraction, access and daylight,
``noise_db`` [dB(A)], ``noise_sensitive``, ``hazard`` (0 = none, any positive class is
hazardous), ``rent_per_m2`` [EUR/m²·month], ``provides`` and ``needs`` (machine or skill
types). Existing tenants are fixed in place: they occupy their units, count as neighbours for
the noise and hazard rules and for synergy both ways (see :mod:`site_manager.layout.objective`).

Every reader validates at the boundary and raises one
:class:`~site_manager.errors.ValidationError` listing every problem, each naming the record and
the field.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from site_manager.errors import NotFoundError, ValidationError

#: Unit fields: name -> (kind, required, meaning).
UNIT_FIELDS: dict[str, tuple[str, bool, str]] = {
    "id": ("id", True, "unit id"),
    "storey": ("str", False, "storey name"),
    "area": ("nonneg", True, "floor area [m²]"),
    "height": ("nonneg", True, "clear height [m]"),
    "load": ("nonneg", True, "floor load capacity [kN/m²]"),
    "power": ("nonneg", True, "electrical power available [kW]"),
    "extraction": ("bool", False, "extraction offered"),
    "access": ("bool", False, "ground or goods-lift loading access offered"),
    "daylight": ("bool", False, "daylight offered"),
    "hall": ("str", False, "hall (group of adjacent units) used by the neighbourhood search"),
    "name": ("str", False, "display name"),
}

#: Applicant fields: name -> (kind, required, meaning).
APPLICANT_FIELDS: dict[str, tuple[str, bool, str]] = {
    "id": ("id", True, "applicant id"),
    "kind": ("str", False, "tenant kind"),
    "area_min": ("nonneg", True, "smallest acceptable area [m²]"),
    "area_max": ("nonneg", True, "largest acceptable area [m²]"),
    "min_height": ("nonneg", False, "clear height needed [m]"),
    "min_load": ("nonneg", False, "floor load needed [kN/m²]"),
    "power": ("nonneg", False, "power needed [kW]"),
    "extraction": ("bool", False, "extraction needed"),
    "access": ("bool", False, "loading access needed"),
    "daylight": ("bool", False, "daylight needed"),
    "noise_db": ("nonneg", False, "noise emitted [dB(A)]"),
    "noise_sensitive": ("bool", False, "sensitive to noise"),
    "hazard": ("hazard", False, "hazard class, 0 = none"),
    "rent_per_m2": ("nonneg", True, "rent offered [EUR/m²·month]"),
    "provides": ("types", False, "machine or skill types brought"),
    "needs": ("types", False, "machine or skill types needed"),
}

#: Existing (fixed) tenant fields.
EXISTING_FIELDS: dict[str, tuple[str, bool, str]] = {
    "id": ("id", True, "tenant id"),
    "units": ("unitlist", True, "units the tenant occupies"),
    "kind": ("str", False, "tenant kind"),
    "noise_db": ("nonneg", False, "noise emitted [dB(A)]"),
    "noise_sensitive": ("bool", False, "sensitive to noise"),
    "hazard": ("hazard", False, "hazard class, 0 = none"),
    "provides": ("types", False, "machine or skill types brought"),
    "needs": ("types", False, "machine or skill types needed"),
}

#: Aliases accepted by the readers (canonical names with units, spreadsheet habits).
ALIASES: dict[str, str] = {
    "unit_id": "id",
    "applicant_id": "id",
    "tenant_id": "id",
    "area_m2": "area",
    "height_m": "height",
    "load_kn_m2": "load",
    "power_kw": "power",
    "area_min_m2": "area_min",
    "area_max_m2": "area_max",
    "min_height_m": "min_height",
    "min_load_kn_m2": "min_load",
    "rent_eur_per_m2_month": "rent_per_m2",
}

_TRUE = {"true", "yes", "y", "1", "x", "ja"}
_FALSE = {"false", "no", "n", "0", "", "nein"}


@dataclass(frozen=True)
class Unit:
    """A rentable unit: one space, several, or a bay of a hall.

    Attributes
    ----------
    id : str
        Unique id.
    storey : str
        Storey name.
    area : float
        Floor area. [m²]
    height : float
        Clear height. [m]
    load : float
        Floor load capacity. [kN/m²]
    power : float
        Electrical power available to the unit. [kW]
    extraction, access, daylight : bool
        Whether the unit offers extraction, loading access (ground or goods lift), daylight.
    hall : str
        The hall the unit lies in; the neighbourhood search re-optimises hall by hall. Empty
        means "derive from the adjacency" (connected components).
    name : str
        Display name.
    """

    id: str
    area: float
    height: float
    load: float
    power: float
    extraction: bool = False
    access: bool = False
    daylight: bool = False
    storey: str = ""
    hall: str = ""
    name: str = ""


@dataclass(frozen=True)
class Applicant:
    """A prospective tenant and its needs (see the module docstring for units)."""

    id: str
    area_min: float
    area_max: float
    rent_per_m2: float
    kind: str = ""
    min_height: float = 0.0
    min_load: float = 0.0
    power: float = 0.0
    extraction: bool = False
    access: bool = False
    daylight: bool = False
    noise_db: float = 0.0
    noise_sensitive: bool = False
    hazard: int = 0
    provides: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExistingTenant:
    """A tenant fixed in place: a neighbour for the rules and for synergy, never moved."""

    id: str
    units: tuple[str, ...]
    kind: str = ""
    noise_db: float = 0.0
    noise_sensitive: bool = False
    hazard: int = 0
    provides: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Parameters:
    """Parameters of the objective and the rules.

    Attributes
    ----------
    allow_pairs : bool
        An applicant may take two adjacent units (the let's area is their sum).
    noisy_db : float
        A tenant with ``noise_db >= noisy_db`` is noisy. [dB(A)]
    w_fit : float
        Weight of the fit score (0–100 points) in the objective. [EUR/month per point]
    pair_fit_penalty : float
        Fit points taken off a two-unit let.
    synergy : Mapping[str, float]
        Value of a needed machine or skill type next door, per occupied unit. [EUR/month]
    """

    allow_pairs: bool = True
    noisy_db: float = 85.0
    w_fit: float = 1.0
    pair_fit_penalty: float = 20.0
    synergy: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    """A validated layout problem. Build it with :func:`problem_from_dict` or a reader."""

    units: tuple[Unit, ...]
    adjacency: tuple[tuple[str, str], ...]
    applicants: tuple[Applicant, ...]
    existing: tuple[ExistingTenant, ...] = ()
    parameters: Parameters = field(default_factory=Parameters)

    def unit(self, unit_id: str) -> Unit:
        """The unit with this id (``NotFoundError`` if none)."""
        for u in self.units:
            if u.id == unit_id:
                return u
        raise NotFoundError(f"unit {unit_id!r} is not in the problem")

    def neighbours(self) -> dict[str, set[str]]:
        """Unit id -> ids of the units sharing a wall with it."""
        out: dict[str, set[str]] = {u.id: set() for u in self.units}
        for a, b in self.adjacency:
            out[a].add(b)
            out[b].add(a)
        return out

    def halls(self) -> dict[str, list[str]]:
        """Hall name -> unit ids. Units without a hall are grouped by connected component."""
        nb = self.neighbours()
        has_hall = {u.id: bool(u.hall) for u in self.units}
        halls: dict[str, list[str]] = {}
        seen: set[str] = set()
        for u in self.units:
            if u.hall:
                halls.setdefault(u.hall, []).append(u.id)
                seen.add(u.id)
        for u in self.units:
            if u.id in seen:
                continue
            stack, comp = [u.id], []
            seen.add(u.id)
            while stack:
                x = stack.pop()
                comp.append(x)
                for y in nb[x]:
                    if y not in seen and not has_hall[y]:
                        seen.add(y)
                        stack.append(y)
            halls[f"component:{u.id}"] = sorted(comp)
        return halls


# --------------------------------------------------------------------------------------------
# validation


class _Collector:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def raise_if_any(self) -> None:
        if not self.problems:
            return
        # one line: <file>: <record>: <problem>[; <record>: <problem> ...] (count; what to do)
        shown = self.problems[:8]
        more = len(self.problems) - len(shown)
        tail = f"; and {more} more" if more > 0 else ""
        count = f"{len(self.problems)} problem(s); " if len(self.problems) > 1 else ""
        raise ValidationError(
            f"{self.source}: "
            + "; ".join(shown)
            + tail
            + f" ({count}fix the records named and try again)"
        )


def _parse_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    return None


def _parse_number(value: Any, *, from_text: bool) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        x = float(value)
    elif from_text and isinstance(value, str):
        try:
            x = float(value.strip().replace(",", "."))
        except ValueError:
            return None
    else:
        return None
    return x if math.isfinite(x) else None


def _parse_types(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, float) and math.isnan(value):
        return ()
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(";")]
        return tuple(p for p in parts if p)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    return None


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def _record(
    raw: Any,
    spec: dict[str, tuple[str, bool, str]],
    where: str,
    col: _Collector,
    *,
    from_text: bool,
) -> dict[str, Any] | None:
    """Check one record against its field spec; return clean values or None."""
    if not isinstance(raw, Mapping):
        col.add(where, f"expected an object with fields {', '.join(spec)}, found {raw!r}")
        return None
    data = {ALIASES.get(str(k).strip(), str(k).strip()): v for k, v in raw.items()}
    rid = data.get("id")
    label = f"{where} ({rid!r})" if isinstance(rid, str | int) and rid != "" else where
    out: dict[str, Any] = {}
    ok = True
    for name, (kind, required, meaning) in spec.items():
        value = data.get(name)
        if _is_missing(value):
            if required:
                col.add(label, f"field '{name}' ({meaning}) is missing")
                ok = False
            continue
        bad = f"field '{name}' ({meaning}): {value!r} is not "
        if kind == "id":
            if from_text and isinstance(value, int | float) and not isinstance(value, bool):
                value = str(int(value)) if float(value).is_integer() else str(value)
            if not isinstance(value, str) or not value.strip():
                col.add(label, bad + "a non-empty text id")
                ok = False
            else:
                out[name] = value.strip()
        elif kind == "str":
            if from_text and not isinstance(value, str):
                value = str(value)
            if not isinstance(value, str):
                col.add(label, bad + "text")
                ok = False
            else:
                out[name] = value.strip()
        elif kind == "nonneg":
            x = _parse_number(value, from_text=from_text)
            if x is None:
                col.add(label, bad + "a finite number")
                ok = False
            elif x < 0:
                col.add(label, f"field '{name}' ({meaning}) is negative: {value!r}")
                ok = False
            else:
                out[name] = x
        elif kind == "bool":
            b = _parse_bool(value) if (from_text or isinstance(value, bool)) else None
            if b is None:
                col.add(label, bad + "true or false")
                ok = False
            else:
                out[name] = b
        elif kind == "hazard":
            x = _parse_number(value, from_text=from_text)
            if x is None or x < 0 or not float(x).is_integer():
                col.add(label, bad + "a whole number ≥ 0 (0 = no hazard)")
                ok = False
            else:
                out[name] = int(x)
        elif kind == "types":
            t = _parse_types(value)
            if t is None:
                col.add(label, bad + "a list of type names (or a ';'-separated text)")
                ok = False
            else:
                out[name] = t
        elif kind == "unitlist":
            t = _parse_types(value)
            if not t:
                col.add(label, bad + "a non-empty list of unit ids")
                ok = False
            else:
                out[name] = t
    lo, hi = out.get("area_min"), out.get("area_max")
    if lo is not None and hi is not None and lo > hi:
        col.add(label, f"field 'area_min' {lo:g} is greater than area_max {hi:g}")
        ok = False
    unknown = sorted(set(data) - set(spec))
    if unknown and not from_text:
        col.add(label, f"unknown field(s) {', '.join(map(repr, unknown))}")
        ok = False
    return out if ok else None


def _unique(ids: Iterable[tuple[str, str]], what: str, col: _Collector) -> None:
    seen: dict[str, str] = {}
    for where, rid in ids:
        if rid in seen:
            col.add(where, f"duplicate {what} id {rid!r} (first at {seen[rid]})")
        else:
            seen[rid] = where


def _parameters(raw: Any, col: _Collector) -> Parameters:
    if raw is None:
        return Parameters()
    if not isinstance(raw, Mapping):
        col.add("parameters", f"expected an object, found {raw!r}")
        return Parameters()
    kwargs: dict[str, Any] = {}
    known = {"allow_pairs", "noisy_db", "w_fit", "pair_fit_penalty", "synergy"}
    for key in sorted(set(raw) - known):
        col.add("parameters", f"unknown field {key!r} (known: {', '.join(sorted(known))})")
    if "allow_pairs" in raw:
        if not isinstance(raw["allow_pairs"], bool):
            col.add("parameters", f"field 'allow_pairs': {raw['allow_pairs']!r} is not true/false")
        else:
            kwargs["allow_pairs"] = raw["allow_pairs"]
    for key in ("noisy_db", "w_fit", "pair_fit_penalty"):
        if key in raw:
            x = _parse_number(raw[key], from_text=False)
            if x is None or x < 0:
                col.add("parameters", f"field {key!r}: {raw[key]!r} is not a number ≥ 0")
            else:
                kwargs[key] = x
    if "synergy" in raw:
        syn = raw["synergy"]
        if not isinstance(syn, Mapping):
            col.add(
                "parameters", f"field 'synergy': expected {{type: EUR per month}}, found {syn!r}"
            )
        else:
            clean: dict[str, float] = {}
            for t, v in syn.items():
                x = _parse_number(v, from_text=False)
                if not isinstance(t, str) or x is None or x < 0:
                    col.add("parameters", f"field 'synergy' entry {t!r}: {v!r} is not a number ≥ 0")
                else:
                    clean[t] = x
            kwargs["synergy"] = clean
    return Parameters(**kwargs)


def problem_from_dict(data: Any, *, source: str = "problem") -> Problem:
    """Validate a problem given as plain data (parsed JSON) and build it.

    Parameters
    ----------
    data : dict
        ``units``, ``adjacency``, ``applicants``, optional ``existing`` and ``parameters``.
    source : str
        Name used in error messages (the file name).

    Raises
    ------
    ValidationError
        Listing every bad record and field.
    """
    col = _Collector(source)
    if not isinstance(data, Mapping):
        raise ValidationError(
            f"{source}: top level: expected a JSON object with 'units' and 'applicants', "
            f"found {type(data).__name__}"
        )
    known = {"units", "adjacency", "applicants", "existing", "parameters"}
    for key in sorted(set(data) - known):
        col.add(repr(key), f"unknown top-level field (known: {', '.join(sorted(known))})")
    lists: dict[str, list[Any]] = {}
    for key in ("units", "adjacency", "applicants", "existing"):
        value = data.get(key, [])
        if not isinstance(value, list):
            col.add(key, f"expected a list, found {type(value).__name__}")
            value = []
        lists[key] = value
    if "units" not in data:
        col.add("units", "missing; give a list of unit objects")
    units = [
        _record(r, UNIT_FIELDS, f"units[{i}]", col, from_text=False)
        for i, r in enumerate(lists["units"])
    ]
    apps = [
        _record(r, APPLICANT_FIELDS, f"applicants[{i}]", col, from_text=False)
        for i, r in enumerate(lists["applicants"])
    ]
    exist = [
        _record(r, EXISTING_FIELDS, f"existing[{i}]", col, from_text=False)
        for i, r in enumerate(lists["existing"])
    ]
    params = _parameters(data.get("parameters"), col)
    declared = {
        str(r.get("id", r.get("unit_id"))).strip() for r in lists["units"] if isinstance(r, Mapping)
    }
    # without a list of units every pair would be "unknown": one error is enough
    pairs = lists["adjacency"] if isinstance(data.get("units"), list) else []
    problem = _assemble(units, pairs, apps, exist, params, col, declared)
    col.raise_if_any()
    return problem


def _assemble(
    units: Sequence[dict[str, Any] | None],
    adjacency: Sequence[Any],
    apps: Sequence[dict[str, Any] | None],
    exist: Sequence[dict[str, Any] | None],
    params: Parameters,
    col: _Collector,
    declared_units: set[str] | None = None,
) -> Problem:
    _unique(((f"units[{i}]", u["id"]) for i, u in enumerate(units) if u), "unit", col)
    _unique(
        [(f"applicants[{i}]", a["id"]) for i, a in enumerate(apps) if a]
        + [(f"existing[{i}]", e["id"]) for i, e in enumerate(exist) if e],
        "tenant/applicant",
        col,
    )
    # ids of invalid unit records count as known: their own error is already listed
    unit_ids = {u["id"] for u in units if u} | (declared_units or set())
    for i, u in enumerate(units):
        if u and u["area"] <= 0:
            col.add(f"units[{i}] ({u['id']!r})", "field 'area' must be greater than 0")
    for i, a in enumerate(apps):
        if a and a["area_max"] <= 0:
            col.add(f"applicants[{i}] ({a['id']!r})", "field 'area_max' must be greater than 0")
    pairs: list[tuple[str, str]] = []
    seen_pairs: set[tuple[str, str]] = set()
    for i, pair in enumerate(adjacency):
        where = f"adjacency[{i}]"
        if (
            not isinstance(pair, list | tuple)
            or len(pair) != 2
            or not all(isinstance(p, str) for p in pair)
        ):
            col.add(where, f"expected a pair of unit ids, found {pair!r}")
            continue
        a, b = pair
        bad = [p for p in (a, b) if p not in unit_ids]
        if bad:
            col.add(where, f"unknown unit {bad[0]!r} (not in 'units')")
            continue
        if a == b:
            col.add(where, f"unit {a!r} is paired with itself")
            continue
        key = (a, b) if a < b else (b, a)
        if key not in seen_pairs:
            seen_pairs.add(key)
            pairs.append(key)
    taken: dict[str, str] = {}
    for i, e in enumerate(exist):
        if not e:
            continue
        for uid in e["units"]:
            if uid not in unit_ids:
                col.add(f"existing[{i}] ({e['id']!r})", f"field 'units': unknown unit {uid!r}")
            elif uid in taken:
                col.add(
                    f"existing[{i}] ({e['id']!r})",
                    f"field 'units': unit {uid!r} is already occupied by {taken[uid]!r}",
                )
            else:
                taken[uid] = e["id"]
    return Problem(
        units=tuple(Unit(**u) for u in units if u),
        adjacency=tuple(pairs),
        applicants=tuple(Applicant(**a) for a in apps if a),
        existing=tuple(ExistingTenant(**e) for e in exist if e),
        parameters=params,
    )


def read_problem(path: str | Path) -> Problem:
    """Read and validate a problem JSON file (format in the module docstring).

    Raises
    ------
    NotFoundError
        If the file does not exist.
    ValidationError
        If it is not JSON or breaks the format; the message lists every bad field.
    """
    p = Path(path)
    if not p.is_file():
        raise NotFoundError(f"{p}: no such problem file")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"{p}: line {exc.lineno} column {exc.colno}: not valid JSON ({exc.msg}); "
            "write the problem as JSON"
        ) from exc
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"{p}: byte {exc.start}: not UTF-8 text; save the problem as UTF-8 JSON"
        ) from exc
    return problem_from_dict(data, source=str(p))


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    """The problem as plain JSON-ready data, in the format :func:`read_problem` reads."""

    def rec(obj: Any) -> dict[str, Any]:
        d = dict(obj.__dict__)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}

    p = problem.parameters
    return {
        "units": [rec(u) for u in problem.units],
        "adjacency": [list(pair) for pair in problem.adjacency],
        "applicants": [rec(a) for a in problem.applicants],
        "existing": [rec(e) for e in problem.existing],
        "parameters": {
            "allow_pairs": p.allow_pairs,
            "noisy_db": p.noisy_db,
            "w_fit": p.w_fit,
            "pair_fit_penalty": p.pair_fit_penalty,
            "synergy": dict(p.synergy),
        },
    }


def write_problem(problem: Problem, path: str | Path) -> None:
    """Write a problem as JSON (readable again by :func:`read_problem`)."""
    Path(path).write_text(json.dumps(problem_to_dict(problem), indent=1), encoding="utf-8")


def read_applicants_table(path: str | Path) -> tuple[Applicant, ...]:
    """Read applicants from a CSV file or an Excel sheet (first sheet) in the issue's columns.

    Columns: ``id``, ``kind``, ``area_min``, ``area_max``, ``min_height``, ``min_load``,
    ``power``, ``extraction``, ``access``, ``daylight``, ``noise_db``, ``noise_sensitive``,
    ``hazard``, ``rent_per_m2``, ``provides``, ``needs`` (``;``-separated). Booleans may be
    written ``yes``/``no``, ``true``/``false`` or ``1``/``0``. Row numbers in errors count the
    heading as row 1.
    """
    import pandas as pd

    p = Path(path)
    if not p.is_file():
        raise NotFoundError(f"{p}: no such applicants file")
    try:
        if p.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:
            frame = pd.read_excel(p, dtype=object)
        else:
            frame = pd.read_csv(p, dtype=str, keep_default_na=False)
    except Exception as exc:  # pandas raises many kinds for unreadable files
        raise ValidationError(f"{p}: cannot read the applicants table ({exc})") from exc
    col = _Collector(str(p))
    if "id" not in frame.columns and "applicant_id" not in frame.columns:
        col.add("row 1", f"no 'id' column (found {', '.join(map(str, frame.columns))})")
        col.raise_if_any()
    records = []
    for i, row in enumerate(frame.to_dict(orient="records")):
        records.append(_record(row, APPLICANT_FIELDS, f"row {i + 2}", col, from_text=True))
    problem = _assemble([], [], records, [], Parameters(), col)
    col.raise_if_any()
    return problem.applicants
