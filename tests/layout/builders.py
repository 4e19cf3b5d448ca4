"""Builders of tiny layout problems, written as plain JSON data (what the CLI reads)."""

from __future__ import annotations

from typing import Any


def unit(uid: str, area: float, **kw: Any) -> dict[str, Any]:
    base = {"id": uid, "storey": "EG", "area": area, "height": 4.0, "load": 5.0, "power": 50.0}
    base.update({"extraction": False, "access": False, "daylight": False})
    base.update(kw)
    return base


def applicant(aid: str, area_min: float, area_max: float, rent: float, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": aid,
        "kind": "artisan",
        "area_min": area_min,
        "area_max": area_max,
        "rent_per_m2": rent,
        "min_height": 3.0,
        "min_load": 2.0,
        "power": 5.0,
        "extraction": False,
        "access": False,
        "daylight": False,
        "noise_db": 60,
        "noise_sensitive": False,
        "hazard": 0,
        "provides": [],
        "needs": [],
    }
    base.update(kw)
    return base


def problem(units, applicants, adjacency=(), existing=(), **params: Any) -> dict[str, Any]:
    p = {"allow_pairs": True, "noisy_db": 85, "w_fit": 1, "pair_fit_penalty": 20, "synergy": {}}
    p.update(params)
    return {
        "units": list(units),
        "adjacency": [list(x) for x in adjacency],
        "applicants": list(applicants),
        "existing": list(existing),
        "parameters": p,
    }
