"""The records of a layout problem: units, applicants, existing tenants and parameters.

Units: area [m²], height [m], load [kN/m²], power [kW]; ``extraction``, ``access`` (ground or
goods-lift loading) and ``daylight`` are offered or not. Applicants: area range [m²], minimum
clear height [m] and floor load [kN/m²], power [kW], needs of extraction, access and daylight,
``noise_db`` [dB(A)], ``noise_sensitive``, ``hazard`` (0 = none, any positive class is
hazardous), ``rent_per_m2`` [EUR/m²·month], ``provides`` and ``needs`` (machine or skill
types). Existing tenants are fixed in place: they occupy their units, count as neighbours for
the noise and hazard rules and for synergy both ways (see :mod:`site_manager.layout.objective`).

The records trust their inputs: build a :class:`Problem` with the readers of
:mod:`site_manager.layout.problem`, which validate every field first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from site_manager.errors import NotFoundError


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
    footprint_wkt : str
        A bay's footprint (WKT in the site's CRS) [m]: committing a let of bays makes a
        unit of that part of the hall. Empty for a unit of the register.
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
    footprint_wkt: str = ""


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
    name: str = ""


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
    name: str = ""


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


#: Community rule kinds (``docs/layout.md``, *Community rules*) and the key of each one's value.
RULE_KINDS: dict[str, str] = {
    "min_shared_share": "min_pct",
    "max_tenant_area": "max_m2",
    "noise_distance": "steps",
    "hazard_distance": "steps",
    "max_kind_share": "max_pct",
}


@dataclass(frozen=True)
class Rule:
    """One community rule of a site (read by :mod:`site_manager.layout.community`).

    Attributes
    ----------
    id : str
        Unique among the site's rules.
    kind : str
        One of :data:`RULE_KINDS`.
    hard : bool
        The engine never breaks it (else it is reported with the layout).
    value : float
        ``min_pct`` [%] of ``min_shared_share``, ``max_m2`` [m²] of ``max_tenant_area``,
        ``steps`` [-] of the distance rules, ``max_pct`` [%] of ``max_kind_share``.
    tenant_kind : str
        ``max_kind_share``: the kind of tenant it limits (empty: every kind).
    noisy_db : float or None
        ``noise_distance``: noisy from this level [dB(A)] (``None``: the problem's
        ``noisy_db``).
    text : str
        The rule in the community's words (empty: a wording made from the rule).
    """

    id: str
    kind: str
    hard: bool
    value: float
    tenant_kind: str = ""
    noisy_db: float | None = None
    text: str = ""


@dataclass(frozen=True)
class CommunityRules:
    """A site's community rules, with the one site fact they need.

    Attributes
    ----------
    rules : tuple of Rule
        In the order of the rules file.
    shared_area : float
        The site's area zoned for shared uses (``site_manager.zoning.SHARED_USES``) when the
        problem was built. [m²]
    """

    rules: tuple[Rule, ...] = ()
    shared_area: float = 0.0


@dataclass(frozen=True)
class Problem:
    """A validated layout problem. Build it with :func:`problem_from_dict` or a reader."""

    units: tuple[Unit, ...]
    adjacency: tuple[tuple[str, str], ...]
    applicants: tuple[Applicant, ...]
    existing: tuple[ExistingTenant, ...] = ()
    parameters: Parameters = field(default_factory=Parameters)
    #: The site's community rules (``None``: none).
    rules: CommunityRules | None = None

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
