"""The field contract of a layout problem, and the checks every reader shares.

The field specs (:data:`UNIT_FIELDS`, :data:`APPLICANT_FIELDS`, :data:`EXISTING_FIELDS`) say
each field's kind, whether it is required and what it means; :data:`ALIASES` maps the
register's column names and spreadsheet habits onto them. :func:`_record` checks one record
against its spec, :func:`_parameters` the parameters, :func:`_assemble` the references between
records (adjacency, existing tenants' units, duplicate ids). Every problem goes into one
:class:`_Collector`, which raises one :class:`~site_manager.errors.ValidationError` naming each
record and field.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from site_manager.errors import ValidationError
from site_manager.layout.records import Applicant, ExistingTenant, Parameters, Problem, Unit
from site_manager.parsing import parse_bool

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
    "footprint_wkt": (
        "str",
        False,
        "a bay's footprint, WKT in the site's CRS [m] (a bay of a "
        "hall becomes a unit of that part of the hall when its let is committed)",
    ),
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
    "name": ("str", False, "display name"),
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
    "name": ("str", False, "display name"),
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
            if isinstance(value, bool):
                out[name] = value
            elif not from_text:  # JSON has real booleans: "yes" in a problem file is a slip
                col.add(label, bad + "true or false")
                ok = False
            else:
                try:
                    out[name] = parse_bool(value, what="")
                except ValidationError:
                    col.add(label, bad + "yes or no")
                    ok = False
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
            col.add(
                "parameters", f"field 'allow_pairs': {raw['allow_pairs']!r} is not true or false"
            )
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
