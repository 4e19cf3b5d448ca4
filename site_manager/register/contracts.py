"""The contract of every table the register reads and writes: one home for each column.

Each table (``tenants``, ``leases``, ``units``, ``equipment``, ``skills``, ``meters``,
``boards``, ``zoning``, ``applicants`` and the sample sites' ``climate_monthly``) is a tuple
of :class:`Column`: its canonical name, type, unit, whether a row must give it, its limits
(range, length), allowed values, the landlord headings accepted for it on import, and what
it holds. Everything else is derived from here:

- the readers of files (CSV, Excel, the sample folders), the verbs and the dashboard's
  forms read a value with :func:`site_manager.register.values.parse_value` and a file's
  headings with :func:`~site_manager.register.values.rename_headings`, so they refuse the
  same values with the same message; the rules that span columns or records are in
  :mod:`site_manager.register.rules`;
- exports write :attr:`Column.heading`;
- the tables of ``docs/sample-site-format.md`` are
  :func:`site_manager.register.contract_docs.markdown_tables`
  (``docs/make_contract_tables.py`` rewrites them);
- a stored text column's longest value is the schema's ``String(n)``, read from
  :data:`site_manager.register.schema.Base` ``.metadata`` (so the two cannot drift); text
  the schema keeps unbounded (``Text``) and text that is not stored get a limit here;
- every text may hold no NUL and, unless it is free text (notes, terms), no other control
  character (C0, DEL): ids and names are one printable line.

Examples
--------
>>> share = TABLES["leases"].column("common_cost_share")
>>> share.type, share.unit, share.minimum, share.maximum
('number', '-', 0.0, 1.0)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from site_manager.register.booking_schema import BOOKING_ACCESS
from site_manager.register.schema import (
    CARRIERS,
    HAZARDS,
    SKILL_LEVELS,
    TENANT_KINDS,
    TENANT_STAGES,
    USE_VALUES,
    Base,
)
from site_manager.register.user_schema import ROLE_VALUES

#: Column types, and how a value that is not of the type is described ("is not a ...").
TYPE_WORDS: dict[str, str] = {
    "text": "text",
    "choice": "choice",
    "list": "list, `;`-separated",
    "number": "number",
    "integer": "whole number",
    "date": "date YYYY-MM-DD",
    "month": "month YYYY-MM",
    "bool": "yes/no",
    "time": "time of day HH:MM",
    "datetime": "local time YYYY-MM-DDTHH:MM",
}

#: Column types that hold text (and so have a longest value and allowed characters).
TEXT_TYPES = frozenset({"text", "choice", "list", "month"})
#: Longest free text (notes, terms of sharing) the register keeps. [characters]
MAX_FREE_TEXT = 2000
#: Longest ``;``-separated list of names (machine or skill types) or GlobalIds. [characters]
MAX_LIST = 4000
#: Longest WKT polygon of part of a space (a bay of a hall is a few vertices). [characters]
MAX_WKT = 20000


def stored_length(stored: str | None) -> int | None:
    """The ``n`` of the schema column ``table.column`` if it is a ``String(n)``, else ``None``.

    Examples
    --------
    >>> stored_length("leases.lease_id"), stored_length("units.notes"), stored_length(None)
    (64, None, None)
    """
    if not stored:
        return None
    table, column = stored.split(".")
    return getattr(Base.metadata.tables[table].c[column].type, "length", None)


@dataclass(frozen=True)
class Column:
    """One column of a table.

    Attributes
    ----------
    name : str
        Canonical name (snake_case, unit in the name).
    type : str
        One of :data:`TYPE_WORDS`: ``text``, ``choice`` (one of ``choices``), ``list``
        (``;``-separated, kept as ``a;b`` text; each item one of ``choices`` when given),
        ``number``, ``integer``, ``date`` (YYYY-MM-DD), ``month`` (YYYY-MM), ``bool`` (yes/no).
    unit : str
        Unit of a number (``m²``, ``EUR/month``); ``-`` for a dimensionless one.
    required : bool
        Whether a row must give a value.
    minimum, maximum : float, optional
        Range of a number (inclusive, unless ``exclusive_minimum``).
    exclusive_minimum : bool
        Whether ``minimum`` itself is refused (an area must be above 0).
    max_length : int, optional
        Longest text [characters]. For a column stored as ``String(n)`` it is ``n``, read
        from the schema (giving another number is an error); a ``Text`` column or one not
        stored gives its own.
    free_text : bool
        Whether tab, line feed and carriage return are allowed (notes, terms); ids, names
        and every other text are one line without control characters. NUL never is.
    choices : tuple of str
        Allowed values of a ``choice`` or ``list``.
    headings : tuple of str
        Landlord headings accepted on import; the first is written on export.
    description : str
        What the column holds.
    default : Any
        The value of an empty cell of a column that is not required.
    stored : str, optional
        ``table.column`` of the schema that holds it (its length is :attr:`max_length`).
    """

    name: str
    type: str = "text"
    unit: str = ""
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    headings: tuple[str, ...] = ()
    description: str = ""
    default: Any = None
    stored: str | None = None
    free_text: bool = False

    def __post_init__(self) -> None:
        stored = stored_length(self.stored)
        if stored is not None and self.max_length not in (None, stored):
            raise ValueError(f"column {self.name}: max_length {self.max_length} differs from "
                             f"{self.stored} String({stored}); leave it out")  # fmt: skip
        if stored is not None:
            object.__setattr__(self, "max_length", stored)

    @property
    def heading(self) -> str:
        """The landlord heading written on export (the canonical name when there is none)."""
        return self.headings[0] if self.headings else self.name


@dataclass(frozen=True)
class Table:
    """A table: its file, what one row is, its id column and its columns.

    Attributes
    ----------
    name : str
        ``leases``; the sample file is ``<name>.csv``.
    description : str
        What one row is.
    columns : tuple of Column
    id_column : str, optional
        The column no two rows may share (``None`` where rows have no single id).
    sample_headings : mapping, optional
        Canonical name → heading for the columns a sample-site file carries when they are
        not all the columns under their canonical names (the applicants file is the layout
        engine's); ``None``: every column, under its name.
    record : str
        What one row is called in messages (``tenant``); default: the table's name.
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    id_column: str | None = None
    sample_headings: Mapping[str, str] | None = field(default=None)
    record: str = ""

    def column(self, name: str) -> Column:
        """The column ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def names(self) -> list[str]:
        """Canonical column names, in order."""
        return [c.name for c in self.columns]

    def sample_columns(self) -> dict[str, Column]:
        """Heading → column of the sample-site file, in the file's order."""
        if self.sample_headings is None:
            return {c.name: c for c in self.columns}
        return {heading: self.column(name) for name, heading in self.sample_headings.items()}


def _id(name: str, **options: Any) -> Column:
    """A short id: one line of text (as long as the stored column allows)."""
    return Column(name, "text", **options)


def _name(name: str, **options: Any) -> Column:
    """A name: one line of text, empty by default (as long as the stored column allows)."""
    return Column(name, "text", default="", **options)


def _yes_no(name: str, **options: Any) -> Column:
    """A yes/no column, no by default."""
    return Column(name, "bool", default=False, **options)


def _zero(name: str, unit: str, **options: Any) -> Column:
    """A number not below 0, 0 by default."""
    return Column(name, "number", unit, minimum=0.0, default=0.0, **options)


_HEADCOUNT = Column(
    "headcount",
    "integer",
    "-",
    minimum=0,
    headings=("Headcount", "Staff", "Employees", "People"),
    description="people working there",
)
_CONTACTS = (
    _name("contact_name", headings=("Contact", "Contact person", "Contact name")),
    _name("contact_email", headings=("Email", "E-mail", "Contact email")),
    Column(
        "contact_phone",
        "text",
        default="",
        headings=("Phone", "Telephone", "Contact phone"),
    ),
)
_KIND = "what kind of maker"

TENANTS = Table("tenants", "a member of the site", (
    _id("tenant_id", required=True, stored="tenants.tenant_id",
           headings=("Tenant ID", "Tenant no", "Tenant number", "Member ID"),
           description="short stable id"),
    Column("name", "text", required=True, stored="tenants.name",
           headings=("Tenant", "Tenant name", "Company", "Member"), description="tenant's name"),
    Column("kind", "choice", choices=TENANT_KINDS, stored="tenants.kind",
           headings=("Kind", "Type of tenant"), description=_KIND),
    Column("stage", "choice", choices=TENANT_STAGES, stored="tenants.stage",
           headings=("Stage",), description="how far the business has come"),
    _name("sector", stored="tenants.sector", headings=("Sector", "Trade", "Activity"),
           description="what they make"),
    replace(_HEADCOUNT, stored="tenants.headcount"),
    *(replace(c, stored=f"tenants.{c.name}") for c in _CONTACTS),
    Column("joined", "date", stored="tenants.joined", headings=("Joined", "Member since",
                                                                "Joined on"),
           description="day the tenant joined"),
), id_column="tenant_id", record="tenant")  # fmt: skip

LEASES = Table("leases", "a tenant's right to a unit for some days", (
    _id("lease_id", stored="leases.lease_id",
           headings=("Lease ID", "Lease no", "Lease number", "Contract"),
           description="short stable id (made up when empty)"),
    _id("unit_id", required=True, stored="units.unit_id",
           headings=("Unit", "Unit ID", "Unit no", "Premises"), description="the unit let"),
    _id("tenant_id", required=True, stored="tenants.tenant_id",
           headings=("Tenant", "Tenant ID", "Tenant no", "Lessee"),
           description="the tenant (on import also the tenant's exact name)"),
    Column("start", "date", required=True, stored="leases.start_date",
           headings=("Start date", "Start", "From", "Lease start", "Commencement"),
           description="first day of the lease"),
    Column("end", "date", required=True, stored="leases.end_date",
           headings=("End date", "End", "To", "Until", "Lease end", "Expiry"),
           description="last day of the lease (inclusive), on or after the start"),
    Column("rent_eur_per_month", "number", "EUR/month", required=True, minimum=0.0,
           stored="leases.rent_eur_per_month",
           headings=("Monthly rent (EUR)", "Rent (EUR/month)", "Monthly rent", "Rent per month",
                     "Rent"),
           description="rent; 0 for a free let"),
    Column("common_cost_share", "number", "-", minimum=0.0, maximum=1.0, default=0.0,
           stored="leases.common_cost_share",
           headings=("Share of common costs", "Service charge share", "Common cost share"),
           description="fraction of the site's common costs the tenant pays"),
), id_column="lease_id", record="lease")  # fmt: skip

EQUIPMENT = Table("equipment", "a means of production", (
    _id("equipment_id", required=True, stored="equipment.equipment_id",
           headings=("Equipment ID", "Asset ID", "Asset no", "Machine ID"),
           description="short stable id"),
    _name("name", stored="equipment.name",
           headings=("Machine", "Equipment", "Description", "Name")),
    Column("type", "text", default="", stored="equipment.type",
           headings=("Machine type", "Type", "Category"),
           description="machine type, e.g. `cnc_router`, `laser_cutter`, `kiln`"),
    _id("owner_tenant_id", stored="tenants.tenant_id",
           headings=("Owner", "Owner tenant", "Owned by"),
           description="owning tenant; empty for the site's own"),
    _id("space_global_id", stored="spaces.global_id",
           headings=("Space", "Location", "Room GlobalId", "Space GlobalId"),
           description="GlobalId of the space it stands in"),
    _id("board_id", stored="equipment.board_id",
           headings=("Distribution board", "Board", "Board ID"),
           description="distribution board it is wired to"),
    Column("power_kw", "number", "kW", minimum=0.0, stored="equipment.power_kw",
           headings=("Power (kW)", "Rated power (kW)", "Power"), description="rated power"),
    Column("noise_db", "number", "dB(A)", minimum=0.0, stored="equipment.noise_db",
           headings=("Noise (dB(A))", "Noise (dB)", "Noise"),
           description="sound pressure level 1 m from the machine, inside its room"),
    Column("weight_kg", "number", "kg", minimum=0.0, stored="equipment.weight_kg",
           headings=("Weight (kg)", "Weight"), description="weight"),
    Column("hazards", "list", choices=HAZARDS, default="",
           stored="equipment.hazards", headings=("Hazards", "Risks"), description="hazards"),
    _yes_no("shared", stored="equipment.shared",
           headings=("Shared", "Shared?", "Sharable"), description="shared with others"),
    Column("share_terms", "text", default="", stored="equipment.share_terms",
           max_length=MAX_FREE_TEXT, free_text=True,
           headings=("Share terms", "Terms of sharing", "Conditions"),
           description="on what terms (free text; the terms bookings obey are below)"),
    Column("booking_access", "choice", choices=BOOKING_ACCESS, stored="equipment.booking_access",
           description="who may book it: `members` (a running lease; when empty) or `anyone`"),
    Column("open_from", "time", stored="equipment.open_from",
           description="bookable from (site's local time; empty: midnight)"),
    Column("open_until", "time", stored="equipment.open_until",
           description="bookable until (site's local time; empty: midnight)"),
    Column("max_booking_h", "number", "h", minimum=0.0, exclusive_minimum=True,
           stored="equipment.max_booking_h", description="longest booking (empty: no limit)"),
    _yes_no("induction_required", stored="equipment.induction_required",
           description="a booking needs a valid training for the machine's type"),
    Column("price_eur_per_h", "number", "EUR/h", minimum=0.0,
           stored="equipment.price_eur_per_h", description="price of an hour's booking"),
), id_column="equipment_id", record="equipment")  # fmt: skip

#: A booking of a shared machine (``booking make``): not a file; the rules are
#: :func:`~site_manager.register.booking_rules.check_booking`.
BOOKINGS = Table("bookings", "a tenant's hold on a shared machine, [start, end)", (
    _id("booking_id", stored="bookings.booking_id",
        description="short stable id (made up when empty)"),
    _id("equipment_id", required=True, stored="equipment.equipment_id",
        description="the machine booked"),
    _id("tenant_id", required=True, stored="tenants.tenant_id", description="who books it"),
    Column("start", "datetime", required=True,
           description="first moment, the site's local time"),
    Column("end", "datetime", required=True,
           description="end, the site's local time (not included: the next may start then)"),
    _name("purpose", stored="bookings.purpose", description="what for"),
), id_column="booking_id", record="booking")  # fmt: skip

#: A training (induction) of a tenant on a type of machine (``training grant``).
TRAININGS = Table("trainings", "a tenant's induction on a type of machine", (
    _id("tenant_id", required=True, stored="tenants.tenant_id", description="who was trained"),
    Column("equipment_type", "text", required=True, stored="trainings.equipment_type",
           description="the machine type, as equipment `type`"),
    _name("granted_by", stored="trainings.granted_by", description="who gave the induction"),
    Column("valid_until", "date", stored="trainings.valid_until",
           description="last day it is valid (empty: no end)"),
), record="training")  # fmt: skip

APPLICANTS = Table("applicants", "a prospective tenant and its needs (the layout engine's "
                   "applicant, `docs/layout.md`)", (
    _id("applicant_id", required=True, stored="applicants.applicant_id",
           headings=("Applicant ID", "id", "Applicant"), description="short stable id"),
    _name("name", stored="applicants.name", headings=("Name", "Company"),
           description="applicant's name"),
    Column("kind", "choice", choices=TENANT_KINDS, default="",
           stored="applicants.kind", headings=("Kind", "Type of tenant"), description=_KIND),
    Column("area_min_m2", "number", "m²", required=True, minimum=0.0,
           stored="applicants.area_min_m2", headings=("Min area (m2)", "area_min"),
           description="smallest area it takes"),
    Column("area_max_m2", "number", "m²", required=True, minimum=0.0,
           stored="applicants.area_max_m2", headings=("Max area (m2)", "area_max"),
           description="largest area it takes, at least the smallest"),
    _zero("min_height_m", "m", stored="applicants.min_height_m",
           headings=("Min clear height (m)", "min_height"),
           description="lowest clear height it can work under"),
    _zero("min_load_kn_m2", "kN/m²", stored="applicants.min_load_kn_m2",
           headings=("Min floor load (kN/m2)", "min_load"),
           description="floor load its machines need"),
    _zero("power_kw", "kW", stored="applicants.power_kw",
           headings=("Power (kW)", "power"), description="electrical power it needs"),
    _yes_no("extraction", stored="applicants.extraction", headings=("Extraction",),
           description="needs fume or dust extraction"),
    _yes_no("access", stored="applicants.access", headings=("Loading access",
                                                                       "access"),
           description="needs ground or goods-lift loading"),
    _yes_no("daylight", stored="applicants.daylight", headings=("Daylight",),
           description="needs daylight"),
    _zero("noise_db", "dB(A)", stored="applicants.noise_db",
           headings=("Noise dB(A)", "Noise"), description="its loudest machine's noise"),
    _yes_no("noise_sensitive", stored="applicants.noise_sensitive",
           headings=("Noise sensitive",), description="must not sit beside noise"),
    Column("hazard", "integer", "-", minimum=0, default=0, stored="applicants.hazard",
           headings=("Hazard",), description="hazard class, 0 for none"),
    Column("rent_eur_per_m2_month", "number", "EUR/m²·month", required=True, minimum=0.0,
           stored="applicants.rent_eur_per_m2_month",
           headings=("Rent offered (EUR/m2 month)", "rent_per_m2"),
           description="rent it offers"),
    Column("provides", "list", default="", stored="applicants.provides", max_length=MAX_LIST,
           headings=("Provides",), description="machine or skill types it brings"),
    Column("needs", "list", default="", stored="applicants.needs", max_length=MAX_LIST,
           headings=("Needs",),
           description="machine or skill types it needs"),
    replace(_HEADCOUNT, stored="applicants.headcount"),
    *(replace(c, stored=f"applicants.{c.name}") for c in _CONTACTS),
    Column("applied", "date", stored="applicants.applied",
           headings=("Applied", "Date applied", "Applied on"), description="day it applied"),
), id_column="applicant_id", record="applicant", sample_headings={
    "applicant_id": "id", "kind": "kind", "area_min_m2": "area_min", "area_max_m2": "area_max",
    "min_height_m": "min_height", "min_load_kn_m2": "min_load", "power_kw": "power",
    "extraction": "extraction", "access": "access", "daylight": "daylight",
    "noise_db": "noise_db", "noise_sensitive": "noise_sensitive", "hazard": "hazard",
    "rent_eur_per_m2_month": "rent_per_m2", "provides": "provides", "needs": "needs",
})  # fmt: skip

ZONING = Table("zoning", "the use of a space", (
    _id("space_global_id", required=True, stored="spaces.global_id",
           description="GlobalId of the space"),
    Column("space_name", "text", default="", max_length=stored_length("spaces.name"),
           description="the space's name, for people"),
    Column("use", "choice", required=True, choices=USE_VALUES,
           stored="zoning.use", description="what the space is used for"),
), id_column="space_global_id", record="space")  # fmt: skip

UNITS = Table("units", "a rentable unit made of spaces", (
    _id("unit_id", required=True, stored="units.unit_id", description="short stable id"),
    _name("name", stored="units.name", description="unit's name"),
    Column("space_global_ids", "list", required=True, max_length=MAX_LIST,
           description="GlobalIds of the spaces the unit is made of"),
    Column("storey", "text", stored="units.storey",
           description="storey name (default: the spaces' storey)"),
    Column("area_m2", "number", "m²", minimum=0.0, exclusive_minimum=True,
           stored="units.area_m2", description="lettable area when not the sum of the spaces'"),
    Column("notes", "text", default="", stored="units.notes", max_length=MAX_FREE_TEXT,
           free_text=True, description="free text"),
    Column("retired", "date", stored="units.retired",
           description="day from which the unit is no longer let (`unit retire`); empty "
           "while it is live"),
), id_column="unit_id", record="unit",
   sample_headings={n: n for n in (  # a sample site's units are live
    "unit_id", "name", "space_global_ids", "storey", "area_m2", "notes")})  # fmt: skip

#: Part of a space a unit is made of (``unit define UNIT --space S --part WKT``): not a file
#: of its own; the rules (:func:`~site_manager.register.rules.check_unit_parts`) check the
#: polygon against its space and the other units of that space.
UNIT_PARTS = Table("unit_parts", "part of a space a unit is made of (a bay of a hall)", (
    _id("space_global_id", required=True, stored="spaces.global_id",
        description="GlobalId of the space the part lies in"),
    Column("footprint_wkt", "text", required=True, max_length=MAX_WKT,
           stored="unit_spaces.footprint_wkt",
           description="the part's footprint: a WKT polygon in the site's CRS [m]"),
    Column("area_m2", "number", "m²", minimum=0.0, exclusive_minimum=True,
           stored="unit_spaces.area_m2", description="the part's area (its polygon's)"),
), id_column="space_global_id", record="part")  # fmt: skip

SKILLS = Table("skills", "what a tenant can do for others", record="skill",
               columns=(
    _id("tenant_id", required=True, stored="tenants.tenant_id",
           description="the tenant"),
    Column("skill", "text", required=True, stored="skills.skill",
           description="the skill"),
    Column("level", "choice", choices=SKILL_LEVELS, stored="skills.level",
           description="how well"),
))  # fmt: skip

BOARDS = Table("boards", "an electrical distribution board (equipment names its board)", (
    _id("board_id", required=True, stored="boards.board_id",
           description="short stable id"),
    Column("storey", "text", stored="boards.storey", description="storey name"),
    Column("capacity_kw", "number", "kW", required=True, minimum=0.0,
           stored="boards.capacity_kw", description="capacity"),
), id_column="board_id", record="board")  # fmt: skip

METERS = Table("meters", "a month's consumption on a meter", record="meter reading",
               columns=(
    _id("meter_id", required=True, stored="meter_readings.meter_id",
           description="meter id"),
    _id("tenant_id", stored="tenants.tenant_id",
           description="tenant metered; empty for common areas"),
    Column("carrier", "choice", required=True, choices=CARRIERS,
           stored="meter_readings.carrier", description="what is metered"),
    Column("month", "month", required=True, stored="meter_readings.month",
           description="month of the consumption"),
    Column("reading_kwh", "number", "kWh", stored="meter_readings.reading_kwh",
           description="consumption in the month"),
    Column("reading_m3", "number", "m³", stored="meter_readings.reading_m3",
           description="water consumption in the month"),
))  # fmt: skip

CLIMATE_MONTHLY = Table("climate_monthly", "one month of the site's climate (the sample "
                        "site's README names the source)", (
    Column("month", "integer", required=True, minimum=1, maximum=12,
           stored="climate_months.month", description="month of the year"),
    Column("t_out_c", "number", "°C", required=True, stored="climate_months.t_out_c",
           description="mean outdoor air temperature"),
    Column("ghi_kwh_m2", "number", "kWh/m²", required=True, minimum=0.0,
           stored="climate_months.ghi_kwh_m2",
           description="global horizontal irradiation in the month"),
), id_column="month")  # fmt: skip

#: The attributes of a space the constraints use: read from ``Pset_MultifactorySpace`` when a
#: site is created, changed with ``set_space_attributes`` (``site-manager space set``).
SPACE_ATTRIBUTES = Table("space_attributes", "what the constraints use about a space",
                         record="space", columns=(
    Column("clear_height_m", "number", "m", minimum=0.0,
           stored="space_attributes.clear_height_m", description="clear height under beams"),
    Column("floor_load_kn_m2", "number", "kN/m²", minimum=0.0,
           stored="space_attributes.floor_load_kn_m2", description="floor load capacity"),
    _id("board_id", stored="space_attributes.board_id",
           description="distribution board id"),
    Column("board_capacity_kw", "number", "kW", minimum=0.0,
           stored="space_attributes.board_capacity_kw",
           description="distribution board capacity"),
    Column("power_kw", "number", "kW", minimum=0.0, stored="space_attributes.power_kw",
           description="electrical power available at the space"),
    Column("extraction", "bool", stored="space_attributes.extraction",
           description="fume or dust extraction available"),
    Column("daylight", "bool", stored="space_attributes.daylight", description="daylight"),
    Column("ground_access", "bool", stored="space_attributes.ground_access",
           description="access at ground level"),
    Column("crane", "bool", stored="space_attributes.crane", description="an overhead crane"),
    Column("crane_capacity_t", "number", "t", minimum=0.0,
           stored="space_attributes.crane_capacity_t", description="crane capacity"),
    Column("loading_access", "choice", choices=("ground", "goods_lift", "none"),
           stored="space_attributes.loading_access", description="how goods reach the space"),
))  # fmt: skip

LAYOUT_SCENARIOS = Table("layout_scenarios", "a layout saved by a planner (the Layout lab)", (
    Column("name", "text", required=True, max_length=200, stored="layout_scenarios.name",
           description="the scenario's name, unique in the site"),
    _name("author", stored="layout_scenarios.author", description="who saved it"),
    Column("created_at", "text", stored="layout_scenarios.created_at",
           description="when it was saved (ISO time, UTC)"),
    Column("register_revision", "integer", "-", minimum=0,
           stored="layout_scenarios.register_revision",
           description="register revision its problem was read at"),
    Column("parameters", "text", stored="layout_scenarios.parameters_json",
           description="the planner's parameters (JSON object)"),
    Column("assignment", "text", stored="layout_scenarios.assignment_json",
           description="applicant id -> unit ids of its let (JSON object)"),
    Column("figures", "text", stored="layout_scenarios.figures_json",
           description="figures computed when saved (JSON object)"),
), id_column="name")  # fmt: skip

LAYOUT_RULES = Table("layout_rules", "a site's community rules (its rules file, TOML)", (
    Column("rules", "text", stored="layout_rules.rules_json",
           description="the rules as read (JSON list of rule tables)"),
    Column("source_text", "text", stored="layout_rules.source_text",
           description="the rules file as loaded"),
    Column("loaded_at", "text", stored="layout_rules.loaded_at",
           description="when it was loaded (ISO time, UTC)"),
    _name("loaded_by", stored="layout_rules.loaded_by", description="who loaded it"),
))  # fmt: skip

USERS = Table("users", "a person who logs in to the dashboard (of the whole register)", (
    Column("name", "text", required=True, stored="users.name",
           description="the user name typed at login, unique in the register"),
    Column("role", "choice", required=True, choices=ROLE_VALUES, stored="users.role",
           description="what the user may do (site_manager.register.access.PERMISSIONS)"),
    _id("tenant_id", stored="tenants.tenant_id",
        description="role tenant: the tenant it acts for (with site)"),
    _id("site", stored="sites.site_id",
        description="role tenant: the tenant's site (default: the only site)"),
    Column("email", "text", stored="users.email",
           description="e-mail, unique; OpenID Connect logins are matched by it"),
), id_column="name", record="user")  # fmt: skip

#: Every table, in the order a site's files are written (later ones refer to earlier ones).
TABLES: dict[str, Table] = {t.name: t for t in (
    ZONING, UNITS, BOARDS, TENANTS, LEASES, EQUIPMENT, SKILLS, METERS, APPLICANTS,
    CLIMATE_MONTHLY)}  # fmt: skip

#: The tables ``import`` and ``export`` take as files with landlord headings.
IMPORTABLE: tuple[str, ...] = ("tenants", "leases", "equipment", "applicants")
