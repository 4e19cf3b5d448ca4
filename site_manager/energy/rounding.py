"""Rounding shares of a total so that they add up to it exactly.

A site's monthly figure (kWh, EUR, kg CO₂) is rounded once, to whole units of 1/``unit``
(cents: 100), and shared out in whole units by the largest-remainder rule, so the rounded
shares add up to the rounded total; used by the energy split per tenant
(:mod:`site_manager.energy.tenants`) and the tenant statements
(:mod:`site_manager.energy.tenant_reports`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from site_manager.errors import ValidationError


def largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """Share ``total`` whole units out in proportion to ``weights``, adding up exactly.

    Each part gets the whole part of its exact share; the units left over go one each to
    the parts with the largest fractional remainders (ties: the first listed). With all
    weights zero, the units go equally (the same rule on equal weights).

    Parameters
    ----------
    total : int
        Whole units to share (cents, Wh, g); may be negative.
    weights : sequence of float
        Non-negative weights, e.g. the unrounded amounts.

    Returns
    -------
    list of int
        One whole number per weight; their sum is ``total``.

    Examples
    --------
    >>> largest_remainder(100, [1, 1, 1])
    [34, 33, 33]
    >>> largest_remainder(1001, [250.004, 250.004, 500.993])
    [250, 250, 501]
    """
    w = np.asarray(weights, dtype=float)
    if not len(w):
        if total:
            raise ValidationError(f"cannot share {total} units among no parts")
        return []
    if (w < 0).any() or not np.isfinite(w).all():
        raise ValidationError("weights must be finite and not negative")
    if total < 0:
        return [-x for x in largest_remainder(-total, weights)]
    if w.sum() <= 0:
        w = np.ones_like(w)
    exact = total * w / w.sum()
    whole = np.floor(exact).astype(np.int64)
    left = int(total - whole.sum())
    order = np.argsort(-(exact - whole), kind="stable")
    whole[order[:left]] += 1
    return [int(x) for x in whole]


def rounded_split(total: float, exact: pd.Series, unit: int) -> list[float]:
    """``total`` rounded to 1/``unit`` and shared out by :func:`largest_remainder` in
    proportion to ``exact`` (NaN stays NaN: an unknown tariff or factor).
    """
    if not np.isfinite(total):
        return [float("nan")] * len(exact)
    whole = largest_remainder(round_half_up(total, unit), list(exact.clip(lower=0)))
    return [w / unit for w in whole]


def round_half_up(value: float, unit: int) -> int:
    """``value`` in whole 1/``unit`` (cents: 100), halves up, as money is rounded.

    A hair (10⁻⁶ of a unit) is added so that a half that floating point sums spelt
    ``…4999999`` still goes up: 8,862.075 EUR is 886,208 cents.
    """
    return int(np.floor(value * unit + 0.5 + 1e-6))
