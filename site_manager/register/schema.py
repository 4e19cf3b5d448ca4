"""The register's tables, as SQLAlchemy 2 ORM classes.

The schema itself is created and changed only by the Alembic migrations in
``site_manager/register/migrations``; these classes describe it for queries and verbs.
Natural ids (``site_id``, ``unit_id``, ``tenant_id``, ``lease_id``, ``equipment_id``,
space ``global_id``) are unique within a site; every table also has an integer ``id``.
Integrity that matters is held by the database: foreign keys, CHECKs on leases (end on or
after start, rent not negative, share in 0..1) and, for overlapping leases of one unit, an
exclusion constraint (PostgreSQL) or triggers (SQLite) created by the migration.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from site_manager.zoning import Use

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

USE_VALUES = tuple(u.value for u in Use)
TENANT_KINDS = ("freelancer", "artist", "artisan", "solopreneur", "smart_factory", "sme")
TENANT_STAGES = ("starting", "growing", "established")
SKILL_LEVELS = ("basic", "skilled", "expert")
HAZARDS = ("fire", "dust", "fumes", "chemical", "laser", "heavy_load")
CARRIERS = ("electricity", "heat", "gas", "water")


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention (stable migration names)."""

    metadata = MetaData(naming_convention=NAMING)


class Site(Base):
    """One Multifactory: one register."""

    __tablename__ = "sites"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(100), default="")
    crs: Mapped[str | None] = mapped_column(String(64))
    model_path: Mapped[str | None] = mapped_column(Text)
    model_schema: Mapped[str | None] = mapped_column(String(16))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    latitude_deg: Mapped[float | None] = mapped_column(Float)
    longitude_deg: Mapped[float | None] = mapped_column(Float)
    #: True north in the model's XY, clockwise from +Y (None: the model gives none). [°]
    true_north_deg: Mapped[float | None] = mapped_column(Float)
    time_zone: Mapped[str | None] = mapped_column(String(64))
    climate_source: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Seasonal efficiency of the boiler (None: ``assumptions.DEFAULT_BOILER_EFFICIENCY``). [–]
    boiler_efficiency: Mapped[float | None] = mapped_column(Float)
    #: How the shared parts' energy is split (None: ``assumptions.DEFAULT_COST_KEY``).
    cost_key: Mapped[str | None] = mapped_column(String(16))
    #: The model's ``IfcMapConversion`` as JSON (eastings, northings, x axis, scale) or None.
    map_conversion_json: Mapped[str | None] = mapped_column(Text)
    #: Trips a day above which a transport assessment is asked for (None:
    #: ``assumptions.DEFAULT_TRIPS_THRESHOLD_PER_DAY``). [trips/day]
    trips_threshold_per_day: Mapped[float | None] = mapped_column(Float)
    #: Noise limits at the neighbours, day and night (None: ``assumptions``). [dB(A)]
    noise_limit_day_dba: Mapped[float | None] = mapped_column(Float)
    noise_limit_night_dba: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revised_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    retired_on: Mapped[dt.date | None] = mapped_column(Date)  # no longer run from (0012)


class Building(Base):
    """An IfcBuilding of a site."""

    __tablename__ = "buildings"
    __table_args__ = (UniqueConstraint("site_pk", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_pk: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))


class Storey(Base):
    """An IfcBuildingStorey."""

    __tablename__ = "storeys"
    __table_args__ = (UniqueConstraint("site_pk", "global_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_pk: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    building_pk: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    global_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    elevation_m: Mapped[float | None] = mapped_column(Float)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)


class Space(Base):
    """An IfcSpace, keyed by its GlobalId within the site; never deleted, only flagged."""

    __tablename__ = "spaces"
    __table_args__ = (UniqueConstraint("site_pk", "global_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_pk: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    storey_pk: Mapped[int | None] = mapped_column(ForeignKey("storeys.id"))
    global_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    long_name: Mapped[str] = mapped_column(String(200), default="")
    area_m2: Mapped[float | None] = mapped_column(Float)
    height_m: Mapped[float | None] = mapped_column(Float)
    volume_m3: Mapped[float | None] = mapped_column(Float)
    area_source: Mapped[str | None] = mapped_column(String(16))
    footprint_wkt: Mapped[str | None] = mapped_column(Text)
    z_min_m: Mapped[float | None] = mapped_column(Float)
    ifc_zones_json: Mapped[str | None] = mapped_column(Text)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    attributes: Mapped[SpaceAttributes | None] = relationship(
        back_populates="space", uselist=False, cascade="all, delete-orphan"
    )


class SpaceAttributes(Base):
    """What the constraints use about a space; defaulted from ``Pset_MultifactorySpace``."""

    __tablename__ = "space_attributes"
    __table_args__ = (
        CheckConstraint("clear_height_m IS NULL OR clear_height_m >= 0", name="clear_height"),
        CheckConstraint("floor_load_kn_m2 IS NULL OR floor_load_kn_m2 >= 0", name="floor_load"),
        CheckConstraint(
            "board_capacity_kw IS NULL OR board_capacity_kw >= 0", name="board_capacity"
        ),
        CheckConstraint("power_kw IS NULL OR power_kw >= 0", name="power"),
    )
    space_pk: Mapped[int] = mapped_column(
        ForeignKey("spaces.id", ondelete="CASCADE"), primary_key=True
    )
    clear_height_m: Mapped[float | None] = mapped_column(Float)
    #: Where ``clear_height_m`` came from: ``model`` (Pset_MultifactorySpace), ``geometry``
    #: (the space's height, for want of one) or ``user``; None in registers made by 0.1.
    clear_height_source: Mapped[str | None] = mapped_column(String(16))
    floor_load_kn_m2: Mapped[float | None] = mapped_column(Float)
    board_id: Mapped[str | None] = mapped_column(String(64))
    board_capacity_kw: Mapped[float | None] = mapped_column(Float)
    #: Power available at the space itself [kW] (a supply of its own, or its agreed share of
    #: its board); where given, the layout uses it instead of an area share of the board.
    power_kw: Mapped[float | None] = mapped_column(Float)
    extraction: Mapped[bool | None] = mapped_column(Boolean)
    daylight: Mapped[bool | None] = mapped_column(Boolean)
    ground_access: Mapped[bool | None] = mapped_column(Boolean)
    crane: Mapped[bool | None] = mapped_column(Boolean)
    crane_capacity_t: Mapped[float | None] = mapped_column(Float)
    loading_access: Mapped[str | None] = mapped_column(String(16))
    space: Mapped[Space] = relationship(back_populates="attributes")


class Zoning(Base):
    """The use of a space."""

    __tablename__ = "zoning"
    __table_args__ = (
        CheckConstraint("use IN (" + ", ".join(f"'{u}'" for u in USE_VALUES) + ")", name="use"),
    )
    space_pk: Mapped[int] = mapped_column(
        ForeignKey("spaces.id", ondelete="CASCADE"), primary_key=True
    )
    use: Mapped[str] = mapped_column(String(32))


class Board(Base):
    """An electrical distribution board and its capacity."""

    __tablename__ = "boards"
    __table_args__ = (
        UniqueConstraint("site_pk", "board_id"),
        CheckConstraint("capacity_kw >= 0", name="capacity"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_pk: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    board_id: Mapped[str] = mapped_column(String(64))
    storey: Mapped[str | None] = mapped_column(String(200))
    capacity_kw: Mapped[float] = mapped_column(Float)


class Unit(Base):
    """A rentable grouping of spaces (or part of a hall)."""

    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("site_pk", "unit_id"),
        CheckConstraint("area_m2 IS NULL OR area_m2 > 0", name="area"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_pk: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    storey: Mapped[str | None] = mapped_column(String(200))
    area_m2: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str] = mapped_column(Text, default="")
    #: The day from which the unit is no longer let (``None``: live); a retired unit is kept
    #: for its past leases.
    retired: Mapped[dt.date | None] = mapped_column(Date)


class UnitSpace(Base):
    """Which spaces a unit is made of: a whole space, or part of it (part of a hall).

    A part has its footprint (``footprint_wkt``: a polygon in the site's CRS, metres) and
    its area (``area_m2``, the polygon's) [m²]; both ``None`` for a whole space.
    """

    __tablename__ = "unit_spaces"
    unit_pk: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True
    )
    space_pk: Mapped[int] = mapped_column(ForeignKey("spaces.id"), primary_key=True)
    footprint_wkt: Mapped[str | None] = mapped_column(Text)
    area_m2: Mapped[float | None] = mapped_column(Float)


class Tenant(Base):
    """A member of the site."""

    __tablename__ = "tenants"
    __table_args__ = (
        UniqueConstraint("site_pk", "tenant_id"),
        CheckConstraint("headcount IS NULL OR headcount >= 0", name="headcount"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_pk: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str | None] = mapped_column(String(32))
    stage: Mapped[str | None] = mapped_column(String(32))
    sector: Mapped[str] = mapped_column(String(200), default="")
    headcount: Mapped[int | None] = mapped_column(Integer)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(64), default="")
    joined: Mapped[dt.date | None] = mapped_column(Date)


class Lease(Base):
    """A tenant's right to a unit from ``start_date`` to ``end_date`` (both inclusive)."""

    __tablename__ = "leases"
    __table_args__ = (
        UniqueConstraint("site_pk", "lease_id"),
        CheckConstraint("end_date >= start_date", name="end_after_start"),
        CheckConstraint("rent_eur_per_month >= 0", name="rent_not_negative"),
        CheckConstraint(
            "common_cost_share >= 0 AND common_cost_share <= 1", name="common_cost_share"
        ),
        # the overlap triggers (SQLite) find a unit's latest lease before a day through it
        Index("ix_leases_unit_start", "unit_pk", "start_date"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_pk: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    lease_id: Mapped[str] = mapped_column(String(64))
    unit_pk: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    tenant_pk: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    rent_eur_per_month: Mapped[float] = mapped_column(Float)
    common_cost_share: Mapped[float] = mapped_column(Float, default=0.0)
    space_removed: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")


class Equipment(Base):
    """A means of production."""

    __tablename__ = "equipment"
    __table_args__ = (
        UniqueConstraint("site_pk", "equipment_id"),
        CheckConstraint("power_kw IS NULL OR power_kw >= 0", name="power"),
        CheckConstraint("weight_kg IS NULL OR weight_kg >= 0", name="weight"),
        CheckConstraint(
            "booking_access IS NULL OR booking_access IN ('members', 'anyone')",
            name="booking_access",
        ),
        CheckConstraint("max_booking_h IS NULL OR max_booking_h > 0", name="max_booking"),
        CheckConstraint("price_eur_per_h IS NULL OR price_eur_per_h >= 0", name="price"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_pk: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    equipment_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    type: Mapped[str] = mapped_column(String(64), default="")
    owner_tenant_pk: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"))
    space_pk: Mapped[int | None] = mapped_column(ForeignKey("spaces.id"))
    board_id: Mapped[str | None] = mapped_column(String(64))
    power_kw: Mapped[float | None] = mapped_column(Float)
    noise_db: Mapped[float | None] = mapped_column(Float)
    weight_kg: Mapped[float | None] = mapped_column(Float)
    hazards: Mapped[str] = mapped_column(String(200), default="")
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    share_terms: Mapped[str] = mapped_column(Text, default="")
    # the terms of sharing (0008; ``booking_schema`` has the bookings): who may book
    # (``members``/``anyone``; None: members), local opening hours (None: from/until
    # midnight), longest booking [h], induction needed, price [EUR/h]
    booking_access: Mapped[str | None] = mapped_column(String(16))
    open_from: Mapped[dt.time | None] = mapped_column(Time)
    open_until: Mapped[dt.time | None] = mapped_column(Time)
    max_booking_h: Mapped[float | None] = mapped_column(Float)
    induction_required: Mapped[bool] = mapped_column(Boolean, default=False)
    price_eur_per_h: Mapped[float | None] = mapped_column(Float)


class Skill(Base):
    """What a tenant can do for others."""

    __tablename__ = "skills"
    __table_args__ = (UniqueConstraint("tenant_pk", "skill"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_pk: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    skill: Mapped[str] = mapped_column(String(200))
    level: Mapped[str | None] = mapped_column(String(16))


class MeterReading(Base):
    """A month's consumption on a meter (kWh; water in m³)."""

    __tablename__ = "meter_readings"
    __table_args__ = (UniqueConstraint("site_pk", "meter_id", "month"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_pk: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    meter_id: Mapped[str] = mapped_column(String(64))
    tenant_pk: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"))
    carrier: Mapped[str] = mapped_column(String(16))
    month: Mapped[str] = mapped_column(String(7))
    reading_kwh: Mapped[float | None] = mapped_column(Float)
    reading_m3: Mapped[float | None] = mapped_column(Float)


class AuditEntry(Base):
    """One change made through a verb: who, when, which record, before and after (JSON).

    Append-only, hash-chained (:mod:`.audit_chain`); a site it points at is never deleted.
    """

    __tablename__ = "audit"
    __table_args__ = (Index("ix_audit_unsealed", "id", sqlite_where=text("entry_hash IS NULL"),
                            postgresql_where=text("entry_hash IS NULL")),)  # fmt: skip
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_pk: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="SET NULL"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    verb: Mapped[str] = mapped_column(String(64))
    table_name: Mapped[str] = mapped_column(String(64))
    record: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(16))
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    entry_hash: Mapped[str | None] = mapped_column(String(64))


class Tariff(Base):
    """A site's price of one energy carrier. [EUR/kWh]"""

    __tablename__ = "tariffs"
    __table_args__ = (
        CheckConstraint("eur_per_kwh >= 0", name="price"),
        CheckConstraint(
            "carrier IN (" + ", ".join(f"'{c}'" for c in CARRIERS) + ")", name="carrier"
        ),
    )
    site_pk: Mapped[int] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True
    )
    carrier: Mapped[str] = mapped_column(String(16), primary_key=True)
    eur_per_kwh: Mapped[float] = mapped_column(Float)


class SiteSource(Base):
    """Where a site's data come from (``climate``, ``tariffs``, ...): free text."""

    __tablename__ = "site_sources"
    site_pk: Mapped[int] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(Text, default="")


class ClimateMonth(Base):
    """One month of a site's monthly climate: mean outdoor temperature and irradiation."""

    __tablename__ = "climate_months"
    __table_args__ = (
        CheckConstraint("month >= 1 AND month <= 12", name="month"),
        CheckConstraint("ghi_kwh_m2 >= 0", name="ghi"),
    )
    site_pk: Mapped[int] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    t_out_c: Mapped[float] = mapped_column(Float)
    ghi_kwh_m2: Mapped[float] = mapped_column(Float)


class ClimateHour(Base):
    """One hour of a site's hourly climate (an EPW year): hour 0 is 1 January 00:00-01:00."""

    __tablename__ = "climate_hours"
    __table_args__ = (
        CheckConstraint("hour >= 0 AND hour < 8784", name="hour"),
        CheckConstraint("ghi_w_m2 >= 0", name="ghi"),
    )
    site_pk: Mapped[int] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True
    )
    hour: Mapped[int] = mapped_column(Integer, primary_key=True)
    t_out_c: Mapped[float] = mapped_column(Float)
    ghi_w_m2: Mapped[float] = mapped_column(Float)


class NeighbourhoodFeature(Base):
    """A feature of a site's neighbourhood layers (``buildings``, ``streets``, ``boundary``)."""

    __tablename__ = "neighbourhood_features"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_pk: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    layer: Mapped[str] = mapped_column(String(64))
    properties_json: Mapped[str] = mapped_column(Text, default="{}")
    geometry_wkt: Mapped[str | None] = mapped_column(Text)


class FabricElement(Base):
    """An external wall, window, door, roof or ground slab of the site's building model.

    The columns are those of :data:`site_manager.ifc.fabric.FABRIC_COLUMNS`; the spaces an
    element bounds and the share of its area each gets are JSON lists.
    """

    __tablename__ = "fabric_elements"
    __table_args__ = (
        CheckConstraint("area_m2 >= 0", name="area"),
        CheckConstraint("u_w_m2k >= 0", name="u_value"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_pk: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    global_id: Mapped[str] = mapped_column(String(64))
    ifc_class: Mapped[str] = mapped_column(String(64), default="")
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200), default="")
    storey: Mapped[str] = mapped_column(String(200), default="")
    area_m2: Mapped[float] = mapped_column(Float)
    azimuth_deg: Mapped[float | None] = mapped_column(Float)
    tilt_deg: Mapped[float | None] = mapped_column(Float)
    u_w_m2k: Mapped[float] = mapped_column(Float)
    u_source: Mapped[str] = mapped_column(Text, default="")
    g_value: Mapped[float | None] = mapped_column(Float)
    frame_fraction: Mapped[float | None] = mapped_column(Float)
    external_source: Mapped[str] = mapped_column(String(32), default="")
    space_global_ids_json: Mapped[str] = mapped_column(Text, default="[]")
    space_areas_m2_json: Mapped[str] = mapped_column(Text, default="[]")
    party_area_m2: Mapped[float | None] = mapped_column(Float)
    boundary_source: Mapped[str] = mapped_column(String(32), default="")
    z_min_m: Mapped[float | None] = mapped_column(Float)
    z_max_m: Mapped[float | None] = mapped_column(Float)
    footprint_wkt: Mapped[str | None] = mapped_column(Text)


class StructuralColumn(Base):
    """An IfcColumn of the site's building model: its axis in world XY and its height."""

    __tablename__ = "structural_columns"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_pk: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    global_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    storey: Mapped[str] = mapped_column(String(200), default="")
    x_m: Mapped[float] = mapped_column(Float)
    y_m: Mapped[float] = mapped_column(Float)
    z_min_m: Mapped[float | None] = mapped_column(Float)
    z_max_m: Mapped[float | None] = mapped_column(Float)


class BuildingOutline(Base):
    """The footprint of a wall or door of the site's building model, for floor plans."""

    __tablename__ = "building_outlines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_pk: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    global_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    storey: Mapped[str] = mapped_column(String(200), default="")
    z_min_m: Mapped[float | None] = mapped_column(Float)
    z_max_m: Mapped[float | None] = mapped_column(Float)
    footprint_wkt: Mapped[str] = mapped_column(Text)


class Applicant(Base):
    """A prospective tenant and its needs (the layout engine's applicant, ``docs/layout.md``)."""

    __tablename__ = "applicants"
    __table_args__ = (
        UniqueConstraint("site_pk", "applicant_id"),
        CheckConstraint("area_min_m2 >= 0 AND area_max_m2 >= area_min_m2", name="area"),
        CheckConstraint("min_height_m >= 0 AND min_load_kn_m2 >= 0 AND power_kw >= 0",
                        name="needs"),
        CheckConstraint("noise_db >= 0 AND hazard >= 0", name="noise_hazard"),
        CheckConstraint("rent_eur_per_m2_month >= 0", name="rent"),
        CheckConstraint("headcount IS NULL OR headcount >= 0", name="headcount"),
    )  # fmt: skip
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_pk: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    applicant_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(32), default="")
    area_min_m2: Mapped[float] = mapped_column(Float)
    area_max_m2: Mapped[float] = mapped_column(Float)
    min_height_m: Mapped[float] = mapped_column(Float, default=0.0)
    min_load_kn_m2: Mapped[float] = mapped_column(Float, default=0.0)
    power_kw: Mapped[float] = mapped_column(Float, default=0.0)
    extraction: Mapped[bool] = mapped_column(Boolean, default=False)
    access: Mapped[bool] = mapped_column(Boolean, default=False)
    daylight: Mapped[bool] = mapped_column(Boolean, default=False)
    noise_db: Mapped[float] = mapped_column(Float, default=0.0)
    noise_sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    hazard: Mapped[int] = mapped_column(Integer, default=0)
    rent_eur_per_m2_month: Mapped[float] = mapped_column(Float)
    provides: Mapped[str] = mapped_column(Text, default="")
    needs: Mapped[str] = mapped_column(Text, default="")
    headcount: Mapped[int | None] = mapped_column(Integer)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(64), default="")
    applied: Mapped[dt.date | None] = mapped_column(Date)


class RegisterRevision(Base):
    """One row whose ``revision`` every committed write bumps (a cache key for readers)."""

    __tablename__ = "register_revision"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)


class LayoutScenario(Base):
    """A layout saved by a planner: who placed which applicant in which units, and its figures.

    ``assignment_json`` is applicant id → unit ids; ``problem_json`` the layout problem it was
    made for (``site_manager.layout.problem.problem_to_dict``), read at register revision
    ``register_revision``; ``figures_json`` the figures computed when it was saved.
    ``committed_at`` is set when its leases were signed.
    """

    __tablename__ = "layout_scenarios"
    __table_args__ = (UniqueConstraint("site_pk", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_pk: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    author: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    register_revision: Mapped[int | None] = mapped_column(Integer)
    parameters_json: Mapped[str] = mapped_column(Text, default="{}")
    assignment_json: Mapped[str] = mapped_column(Text, default="{}")
    figures_json: Mapped[str] = mapped_column(Text, default="{}")
    problem_json: Mapped[str] = mapped_column(Text, default="{}")
    committed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    committed_by: Mapped[str | None] = mapped_column(String(200))


class LayoutRules(Base):
    """A site's community rules for layouts, as loaded from its rules file (TOML).

    ``rules_json`` is the list of rule tables as read and checked by
    ``site_manager.layout.community.parse_rules``; ``source_text`` the file's text.
    """

    __tablename__ = "layout_rules"
    site_pk: Mapped[int] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True
    )
    rules_json: Mapped[str] = mapped_column(Text, default="[]")
    source_text: Mapped[str] = mapped_column(Text, default="")
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    loaded_by: Mapped[str] = mapped_column(String(200), default="")
