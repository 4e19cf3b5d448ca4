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

This module holds the readers and the writer. The records (:class:`Unit`, :class:`Applicant`,
:class:`ExistingTenant`, :class:`Parameters`, :class:`Problem`) live in
:mod:`site_manager.layout.records`, the field specs and checks in
:mod:`site_manager.layout.validation`; all are importable from here too.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from site_manager import tabular
from site_manager.errors import NotFoundError, ValidationError
from site_manager.layout.community import rules_from_data, rules_to_data
from site_manager.layout.records import Applicant, ExistingTenant, Parameters, Problem, Unit
from site_manager.layout.validation import (
    ALIASES,
    APPLICANT_FIELDS,
    EXISTING_FIELDS,
    UNIT_FIELDS,
    _assemble,
    _Collector,
    _parameters,
    _record,
)


def problem_from_dict(data: Any, *, source: str = "problem") -> Problem:
    """Validate a problem given as plain data (parsed JSON) and build it.

    Parameters
    ----------
    data : dict
        ``units``, ``adjacency``, ``applicants``, optional ``existing``, ``parameters`` and
        ``rules`` (the site's community rules, :func:`~site_manager.layout.community.
        rules_from_data`; absent or null: none).
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
    known = {"units", "adjacency", "applicants", "existing", "parameters", "rules"}
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
    if data.get("rules") is not None:
        rules = rules_from_data(data["rules"], source=f"{source}: rules")
        problem = dataclasses.replace(problem, rules=rules)
    return problem


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
    rules = {} if problem.rules is None else {"rules": rules_to_data(problem.rules)}
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
        **rules,
    }


def write_problem(problem: Problem, path: str | Path) -> None:
    """Write a problem as JSON (readable again by :func:`read_problem`)."""
    Path(path).write_text(json.dumps(problem_to_dict(problem), indent=1), encoding="utf-8")


def read_applicants_table(path: str | Path) -> tuple[Applicant, ...]:
    """Read applicants from a CSV file or an Excel sheet (first sheet) in the issue's columns.

    Columns: ``id``, ``kind``, ``area_min``, ``area_max``, ``min_height``, ``min_load``,
    ``power``, ``extraction``, ``access``, ``daylight``, ``noise_db``, ``noise_sensitive``,
    ``hazard``, ``rent_per_m2``, ``provides``, ``needs`` (``;``-separated). Booleans are read
    by :func:`site_manager.parsing.parse_bool` (``yes``/``no``, ``true``/``false``, ``1``/``0``
    and the other words of :data:`~site_manager.parsing.TRUE_WORDS` and
    :data:`~site_manager.parsing.FALSE_WORDS`). Row numbers in errors count the heading as
    row 1.
    """
    import pandas as pd

    p = Path(path)
    if not p.is_file():
        raise NotFoundError(f"{p}: no such applicants file")
    try:
        if p.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:
            frame = pd.read_excel(p, dtype=object)
        else:
            # RFC 4180, delimiter from the whole file, the export's formula ' removed
            rows = tabular.read_csv_rows(p.read_bytes().decode("utf-8-sig"))
            head, body = (rows[0], rows[1:]) if rows else ([], [])
            body = [r + [""] * (len(head) - len(r)) for r in body if any(c.strip() for c in r)]
            frame = pd.DataFrame([r[: len(head)] for r in body], columns=head, dtype=object)
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


__all__ = [
    "ALIASES",
    "APPLICANT_FIELDS",
    "EXISTING_FIELDS",
    "UNIT_FIELDS",
    "Applicant",
    "ExistingTenant",
    "Parameters",
    "Problem",
    "Unit",
    "problem_from_dict",
    "problem_to_dict",
    "read_applicants_table",
    "read_problem",
    "write_problem",
]
