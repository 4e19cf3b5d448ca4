"""Zoning: what each space is for, and the balance of shared and private area.

A Multifactory lives from its shared spaces (common workshops, meeting rooms, canteen,
showroom) as much as from its private units; :func:`shared_private_balance` measures it.
The register stores one :class:`Use` per space (``site_manager.register.set_zoning``).
"""

from __future__ import annotations

import enum
from typing import Any

import pandas as pd

from site_manager.errors import ValidationError


class Use(enum.StrEnum):
    """The use of a space (DESIGN.md §3, "zone / use")."""

    PRIVATE_PRODUCTION = "private_production"
    SHARED_PRODUCTION = "shared_production"
    SHARED_SERVICE = "shared_service"
    STORAGE = "storage"
    CIRCULATION = "circulation"
    TECHNICAL = "technical"
    OUTDOOR = "outdoor"

    @classmethod
    def parse(cls, value: Any, *, what: str = "use") -> Use:
        """The use named by ``value``; a ``ValidationError`` lists the valid values.

        Examples
        --------
        >>> Use.parse("Shared production")
        <Use.SHARED_PRODUCTION: 'shared_production'>
        """
        text = str(value).strip().lower().replace(" ", "_").replace("-", "_")
        try:
            return cls(text)
        except ValueError:
            raise ValidationError(
                f"{what} {value!r} is not a use; use one of {', '.join(u.value for u in cls)}"
            ) from None


#: Uses whose area is shared by the community.
SHARED_USES: frozenset[Use] = frozenset({Use.SHARED_PRODUCTION, Use.SHARED_SERVICE})
#: Uses whose area is let to one tenant.
PRIVATE_USES: frozenset[Use] = frozenset({Use.PRIVATE_PRODUCTION})
#: Uses that count as lettable (they can be made into units).
LETTABLE_USES: frozenset[Use] = frozenset({Use.PRIVATE_PRODUCTION, Use.STORAGE})


def area_by_use(spaces: pd.DataFrame) -> pd.Series:
    """Floor area per use, over every :class:`Use` (0 where none). [m²]

    Parameters
    ----------
    spaces : pandas.DataFrame
        Columns ``use`` and ``area_m2``; spaces without a use (NaN/None) are left out.

    Returns
    -------
    pandas.Series
        ``area_m2`` indexed by use value, in :class:`Use` order.

    Examples
    --------
    >>> df = pd.DataFrame({"use": ["storage", "storage", None], "area_m2": [10.0, 5.0, 7.0]})
    >>> float(area_by_use(df)["storage"])
    15.0
    """
    used = spaces[spaces["use"].notna()]
    sums = used.groupby(used["use"].astype(str))["area_m2"].sum()
    return pd.Series(
        [float(sums.get(u.value, 0.0)) for u in Use],
        index=pd.Index([u.value for u in Use], name="use"),
        name="area_m2",
    )


def shared_private_balance(spaces: pd.DataFrame) -> dict[str, float]:
    """The shared and private production/service areas and the shared share.

    Parameters
    ----------
    spaces : pandas.DataFrame
        Columns ``use`` and ``area_m2`` (the register's ``frames(...).spaces``).

    Returns
    -------
    dict
        ``shared_m2`` (shared production + shared service) [m²], ``private_m2`` (private
        production) [m²], ``shared_share`` = shared / (shared + private) [-] (NaN when
        both are 0), and ``zoned_m2``, ``unzoned_m2`` [m²].

    Examples
    --------
    >>> df = pd.DataFrame({"use": ["shared_service", "private_production"],
    ...                    "area_m2": [25.0, 75.0]})
    >>> shared_private_balance(df)["shared_share"]
    0.25
    """
    by_use = area_by_use(spaces)
    shared = float(sum(by_use[u.value] for u in SHARED_USES))
    private = float(sum(by_use[u.value] for u in PRIVATE_USES))
    total = shared + private
    zoned = float(by_use.sum())
    return {
        "shared_m2": shared,
        "private_m2": private,
        "shared_share": shared / total if total > 0 else float("nan"),
        "zoned_m2": zoned,
        # the same areas summed in two orders differ in the last bits: no negative rest
        "unzoned_m2": max(0.0, float(spaces["area_m2"].fillna(0.0).sum()) - zoned),
    }
