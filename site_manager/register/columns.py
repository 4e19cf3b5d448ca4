"""The columns of the register's files, and the landlord's spreadsheet headings for them.

Readers rename headings to canonical names at the boundary (pvlib's ``VARIABLE_MAP`` idea):
a heading matches when it equals the canonical name or one of its landlord headings,
ignoring case, spaces, underscores and punctuation. Exports write the first landlord
heading of each column (or the canonical name with ``landlord=False``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """A column of an import/export file.

    Attributes
    ----------
    name : str
        Canonical name (snake_case, unit in the name).
    headings : tuple of str
        Landlord headings accepted on import; the first is written on export.
    required : bool
        Whether a row must give a value.
    description : str
        What the column holds, with its unit.
    """

    name: str
    headings: tuple[str, ...]
    required: bool = False
    description: str = ""

    @property
    def landlord(self) -> str:
        """The heading written on export."""
        return self.headings[0] if self.headings else self.name


TENANTS: tuple[Column, ...] = (
    Column(
        "tenant_id",
        ("Tenant ID", "Tenant no", "Tenant number", "Member ID"),
        True,
        "short stable id",
    ),
    Column("name", ("Tenant", "Tenant name", "Company", "Member"), True, "tenant's name"),
    Column(
        "kind",
        ("Kind", "Type of tenant"),
        False,
        "freelancer, artist, artisan, solopreneur, smart_factory or sme",
    ),
    Column("stage", ("Stage",), False, "starting, growing or established"),
    Column("sector", ("Sector", "Trade", "Activity"), False, "what they make"),
    Column(
        "headcount",
        ("Headcount", "Staff", "Employees", "People"),
        False,
        "people working there [-]",
    ),
    Column("contact_name", ("Contact", "Contact person", "Contact name"), False, ""),
    Column("contact_email", ("Email", "E-mail", "Contact email"), False, ""),
    Column("contact_phone", ("Phone", "Telephone", "Contact phone"), False, ""),
    Column("joined", ("Joined", "Member since", "Joined on"), False, "date YYYY-MM-DD"),
)

LEASES: tuple[Column, ...] = (
    Column(
        "lease_id",
        ("Lease ID", "Lease no", "Lease number", "Contract"),
        False,
        "short stable id (made up when empty)",
    ),
    Column("unit_id", ("Unit", "Unit ID", "Unit no", "Premises"), True, "unit id"),
    Column(
        "tenant_id",
        ("Tenant", "Tenant ID", "Tenant no", "Lessee"),
        True,
        "tenant id (or the tenant's exact name)",
    ),
    Column(
        "start",
        ("Start date", "Start", "From", "Lease start", "Commencement"),
        True,
        "first day, YYYY-MM-DD",
    ),
    Column(
        "end",
        ("End date", "End", "To", "Until", "Lease end", "Expiry"),
        True,
        "last day (inclusive), YYYY-MM-DD",
    ),
    Column(
        "rent_eur_per_month",
        ("Monthly rent (EUR)", "Rent (EUR/month)", "Monthly rent", "Rent per month", "Rent"),
        True,
        "rent [EUR/month]",
    ),
    Column(
        "common_cost_share",
        ("Share of common costs", "Service charge share", "Common cost share"),
        False,
        "fraction 0-1 [-]",
    ),
)

EQUIPMENT: tuple[Column, ...] = (
    Column(
        "equipment_id",
        ("Equipment ID", "Asset ID", "Asset no", "Machine ID"),
        True,
        "short stable id",
    ),
    Column("name", ("Machine", "Equipment", "Description", "Name"), False, ""),
    Column("type", ("Machine type", "Type", "Category"), False, "e.g. cnc_router"),
    Column(
        "owner_tenant_id",
        ("Owner", "Owner tenant", "Owned by"),
        False,
        "tenant id, empty for the site's own",
    ),
    Column(
        "space_global_id",
        ("Space", "Location", "Room GlobalId", "Space GlobalId"),
        False,
        "GlobalId of the space it stands in",
    ),
    Column("board_id", ("Distribution board", "Board", "Board ID"), False, ""),
    Column("power_kw", ("Power (kW)", "Rated power (kW)", "Power"), False, "[kW]"),
    Column("noise_db", ("Noise (dB(A))", "Noise (dB)", "Noise"), False, "[dB(A)]"),
    Column("weight_kg", ("Weight (kg)", "Weight"), False, "[kg]"),
    Column(
        "hazards",
        ("Hazards", "Risks"),
        False,
        "; separated: fire, dust, fumes, chemical, laser, heavy_load",
    ),
    Column("shared", ("Shared", "Shared?", "Sharable"), False, "yes/no"),
    Column("share_terms", ("Share terms", "Terms of sharing", "Conditions"), False, ""),
)

#: Applicants: the layout engine's applicant columns (``docs/layout.md``; its short names
#: such as ``area_min`` and ``rent_per_m2`` are accepted as headings) and who they are.
APPLICANTS: tuple[Column, ...] = (
    Column("applicant_id", ("Applicant ID", "id", "Applicant"), True, "short stable id"),
    Column("name", ("Name", "Company"), False, "applicant's name"),
    Column("kind", ("Kind", "Type of tenant"), False,
           "freelancer, artist, artisan, solopreneur, smart_factory or sme"),
    Column("area_min_m2", ("Min area (m2)", "area_min"), True, "smallest area it takes [m²]"),
    Column("area_max_m2", ("Max area (m2)", "area_max"), True, "largest area it takes [m²]"),
    Column("min_height_m", ("Min clear height (m)", "min_height"), False,
           "lowest clear height it can work under [m]"),
    Column("min_load_kn_m2", ("Min floor load (kN/m2)", "min_load"), False,
           "floor load its machines need [kN/m²]"),
    Column("power_kw", ("Power (kW)", "power"), False, "electrical power it needs [kW]"),
    Column("extraction", ("Extraction",), False, "needs fume or dust extraction: yes/no"),
    Column("access", ("Loading access", "access"), False,
           "needs ground or goods-lift loading: yes/no"),
    Column("daylight", ("Daylight",), False, "needs daylight: yes/no"),
    Column("noise_db", ("Noise dB(A)", "Noise"), False, "loudest machine's noise [dB(A)]"),
    Column("noise_sensitive", ("Noise sensitive",), False, "must not sit beside noise: yes/no"),
    Column("hazard", ("Hazard",), False, "hazard level, 0 for none [-]"),
    Column("rent_eur_per_m2_month", ("Rent offered (EUR/m2 month)", "rent_per_m2"), True,
           "rent it offers [EUR/m²·month]"),
    Column("provides", ("Provides",), False, "; separated machine or skill types it brings"),
    Column("needs", ("Needs",), False, "; separated machine or skill types it needs"),
    Column("headcount", ("Headcount", "Staff", "People"), False, "people working there [-]"),
    Column("contact_name", ("Contact", "Contact person", "Contact name"), False, ""),
    Column("contact_email", ("Email", "E-mail", "Contact email"), False, ""),
    Column("contact_phone", ("Phone", "Telephone", "Contact phone"), False, ""),
    Column("applied", ("Applied", "Date applied", "Applied on"), False, "date YYYY-MM-DD"),
)  # fmt: skip

#: The file kinds the register imports and exports, with their columns.
KINDS: dict[str, tuple[Column, ...]] = {
    "tenants": TENANTS,
    "leases": LEASES,
    "equipment": EQUIPMENT,
    "applicants": APPLICANTS,
}

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise_heading(heading: str) -> str:
    """A heading folded for matching: lower case, letters and digits only.

    Examples
    --------
    >>> normalise_heading(" Monthly rent (EUR) ")
    'monthlyrenteur'
    """
    return _NON_WORD.sub("", str(heading).strip().casefold())


def heading_map(kind: str) -> dict[str, str]:
    """Normalised heading → canonical name for a file kind (canonical names win ties)."""
    columns = KINDS[kind]
    mapping: dict[str, str] = {}
    for col in columns:
        for heading in col.headings:
            mapping.setdefault(normalise_heading(heading), col.name)
    for col in columns:  # a canonical name always means itself
        mapping[normalise_heading(col.name)] = col.name
    return mapping


def rename_headings(kind: str, headings: list[str]) -> tuple[list[str | None], list[str]]:
    """Canonical names for a file's headings, and the problems found.

    Returns
    -------
    names : list of str or None
        One per heading; ``None`` for a heading that is not one of the kind's columns
        (it is ignored).
    problems : list of str
        Missing required columns and columns given twice.
    """
    mapping = heading_map(kind)
    names: list[str | None] = [mapping.get(normalise_heading(h)) for h in headings]
    problems: list[str] = []
    seen: dict[str, str] = {}
    for heading, name in zip(headings, names, strict=True):
        if name is None:
            continue
        if name in seen:
            problems.append(
                f"columns {seen[name]!r} and {heading!r} both mean {name}; keep one of them"
            )
        seen.setdefault(name, heading)
    for col in KINDS[kind]:
        if col.required and col.name not in seen:
            accepted = ", ".join(repr(h) for h in (col.name, *col.headings))
            problems.append(f"no column {col.name} (any of {accepted}); add it")
    return names, problems
