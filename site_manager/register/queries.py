"""Reading the register into plain frames (what analyses, the CLI and the dashboard use)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, aliased

from site_manager.register import access, core, model_store
from site_manager.register.engine import transaction
from site_manager.register.schema import (
    Applicant,
    AuditEntry,
    Board,
    Equipment,
    LayoutRules,
    Lease,
    MeterReading,
    RegisterRevision,
    Site,
    Skill,
    Space,
    SpaceAttributes,
    Storey,
    Tenant,
    Unit,
    UnitSpace,
    Zoning,
)

Bind = Engine | Session

SPACE_COLUMNS = [
    "global_id", "name", "long_name", "storey", "storey_elevation_m", "area_m2", "height_m",
    "volume_m3", "area_source", "use", "removed", "footprint_wkt", "clear_height_m",
    "floor_load_kn_m2", "board_id", "board_capacity_kw", "power_kw", "extraction", "daylight",
    "ground_access", "crane", "crane_capacity_t", "loading_access", "clear_height_source",
    "z_min_m", "zones",
]  # fmt: skip
#: The space attributes the constraints use (``space_attributes``; set with
#: ``set_space_attributes``).
ATTRIBUTE_COLUMNS = SPACE_COLUMNS[12 : SPACE_COLUMNS.index("clear_height_source") + 1]
UNIT_COLUMNS = ["unit_id", "name", "storey", "area_m2", "use", "space_count",
                "space_global_ids", "notes", "retired"]  # fmt: skip
#: ``footprint_wkt`` and ``area_m2`` [m²]: the part of the space the unit takes (``None``:
#: all of it); ``share``: that part's area over the space's (1 for a whole space) [-].
UNIT_SPACE_COLUMNS = ["unit_id", "space_global_id", "footprint_wkt", "area_m2", "share"]
TENANT_COLUMNS = ["tenant_id", "name", "kind", "stage", "sector", "headcount", "contact_name",
                  "contact_email", "contact_phone", "joined"]  # fmt: skip
LEASE_COLUMNS = ["lease_id", "unit_id", "tenant_id", "start", "end", "rent_eur_per_month",
                 "common_cost_share", "space_removed"]  # fmt: skip
APPLICANT_COLUMNS = ["applicant_id", "name", "kind", "area_min_m2", "area_max_m2",
                     "min_height_m", "min_load_kn_m2", "power_kw", "extraction", "access",
                     "daylight", "noise_db", "noise_sensitive", "hazard",
                     "rent_eur_per_m2_month", "provides", "needs", "headcount",
                     "contact_name", "contact_email", "contact_phone", "applied"]  # fmt: skip
EQUIPMENT_COLUMNS = ["equipment_id", "name", "type", "owner_tenant_id", "space_global_id",
                     "board_id", "power_kw", "noise_db", "weight_kg", "hazards", "shared",
                     "share_terms", "booking_access", "open_from", "open_until",
                     "max_booking_h", "induction_required", "price_eur_per_h"]  # fmt: skip


@dataclass
class RegisterFrames:
    """A site's register as pandas frames (a snapshot; changing it changes nothing).

    Attributes
    ----------
    site : dict
        ``site_id``, ``name``, ``city``, ``country``, ``crs``, ``currency``, ``model_path``,
        ``model_schema``, ``latitude_deg``, ``longitude_deg`` [°], ``time_zone``,
        ``climate_source``.
    storeys, spaces, units, unit_spaces, tenants, leases, equipment, skills, boards, meters,
    applicants : pandas.DataFrame
        See :mod:`site_manager.register` for the columns. Unit ``area_m2`` is the declared
        lettable area, else the sum of its (not removed) spaces' areas [m²]; unit ``use`` is
        the use covering most of its area; lease ``end`` is the last day (inclusive).
    fabric : geopandas.GeoDataFrame
        The building model's fabric (:data:`site_manager.ifc.fabric.FABRIC_COLUMNS`).
    columns : pandas.DataFrame
        Its structural columns (:data:`site_manager.ifc.columns.COLUMNS_COLUMNS`).
    outlines : geopandas.GeoDataFrame
        The footprints of all its walls and doors, for floor plans
        (:data:`site_manager.ifc.outlines.OUTLINES_COLUMNS`); empty when none are stored.
    climate_monthly : pandas.DataFrame
        ``month``, ``t_out_c`` [°C], ``ghi_kwh_m2`` [kWh/m²]; empty when none is stored.
    climate_hourly : pandas.DataFrame
        ``t_out_c`` [°C], ``ghi_w_m2`` [W/m²] per hour of a year; empty when none is stored.
    tariffs : dict
        Carrier (``electricity``, ``heat``, ``gas``) → price. [EUR/kWh]
    noise_hours : dict
        Kind of tenant (or ``shared``) → hours its machines run by day and at night, as the
        site set them (:func:`site_manager.assumptions.noise_hours` adds the defaults). [h]
    sources : dict
        Topic → where the site's data come from.
    neighbourhood : pandas.DataFrame
        ``layer``, ``properties`` (dict), ``geometry_wkt`` in the site's CRS.
    revision : int
        The register revision this snapshot was read at.
    layout_rules : list of dict or None
        The site's community rules as stored (rule tables,
        :mod:`site_manager.register.community_rules`); ``None`` when none were loaded.
    """

    site: dict[str, Any]
    storeys: pd.DataFrame
    spaces: pd.DataFrame
    units: pd.DataFrame
    unit_spaces: pd.DataFrame
    tenants: pd.DataFrame
    leases: pd.DataFrame
    equipment: pd.DataFrame
    skills: pd.DataFrame
    boards: pd.DataFrame
    meters: pd.DataFrame
    applicants: pd.DataFrame = field(default_factory=pd.DataFrame)
    fabric: Any = None
    columns: pd.DataFrame = field(default_factory=pd.DataFrame)
    outlines: Any = None
    climate_monthly: pd.DataFrame = field(default_factory=pd.DataFrame)
    climate_hourly: pd.DataFrame = field(default_factory=pd.DataFrame)
    tariffs: dict[str, float] = field(default_factory=dict)
    noise_hours: dict[str, tuple[float, float]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    neighbourhood: pd.DataFrame = field(default_factory=pd.DataFrame)
    revision: int = 0
    layout_rules: list[dict[str, Any]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def neighbourhood_gdf(self, layer: str) -> Any:
        """One neighbourhood layer as a GeoDataFrame in the site's CRS (empty if none)."""
        import geopandas as gpd
        import shapely

        rows = self.neighbourhood[self.neighbourhood["layer"] == layer] if len(
            self.neighbourhood) else self.neighbourhood  # fmt: skip
        props = pd.DataFrame(list(rows["properties"])) if len(rows) else pd.DataFrame()
        geoms = [shapely.from_wkt(w) if w else None for w in rows.get("geometry_wkt", [])]
        return gpd.GeoDataFrame(props, geometry=geoms, crs=self.site.get("crs") or None)

    def units_on(self, day: dt.date) -> pd.DataFrame:
        """The units that exist on ``day``: those not retired on or before it.

        A retired unit keeps its past leases but is neither let, vacant nor offered to
        applicants from its retirement day on.
        """
        units = self.units
        if not len(units) or "retired" not in units:
            return units
        retired = units["retired"]
        return units[retired.isna() | retired.map(lambda r: r is None or r > day)]

    def spaces_gdf(self) -> Any:
        """The spaces as a GeoDataFrame (footprints parsed from WKT; CRS of the model XY)."""
        import geopandas as gpd
        import shapely

        geoms = [shapely.from_wkt(w) if isinstance(w, str) and w else shapely.Polygon()
                 for w in self.spaces["footprint_wkt"]]  # fmt: skip
        return gpd.GeoDataFrame(self.spaces.drop(columns=["footprint_wkt"]), geometry=geoms)


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    return (
        pd.DataFrame(rows, columns=columns)
        if rows
        else pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    )


def list_sites(bind: Bind) -> pd.DataFrame:
    """The sites in the register: ``site_id``, ``name``, ``city``, ``country``, ``crs``,
    ``retired_on`` (the day from which a retired site is no longer run, else None).
    """
    cols = ["site_id", "name", "city", "country", "crs", "retired_on"]
    with transaction(bind, readonly=True) as s:
        rows = [
            {c: getattr(site, c) for c in cols}
            for site in s.scalars(select(Site).order_by(Site.site_id))
        ]
    return _frame(rows, cols)


def _spaces(s: Session, st: Site) -> pd.DataFrame:
    attr_cols = ATTRIBUTE_COLUMNS
    q = (
        select(Space, Storey.name, Storey.elevation_m, Zoning.use, SpaceAttributes)
        .outerjoin(Storey, Storey.id == Space.storey_pk)
        .outerjoin(Zoning, Zoning.space_pk == Space.id)
        .outerjoin(SpaceAttributes, SpaceAttributes.space_pk == Space.id)
        .where(Space.site_pk == st.id)
        .order_by(Space.id)
    )
    rows = []
    for sp, storey, elev, use, attrs in s.execute(q):
        row = {
            "global_id": sp.global_id, "name": sp.name, "long_name": sp.long_name,
            "storey": storey, "storey_elevation_m": elev, "area_m2": sp.area_m2,
            "height_m": sp.height_m, "volume_m3": sp.volume_m3, "area_source": sp.area_source,
            "use": use, "removed": bool(sp.removed), "footprint_wkt": sp.footprint_wkt,
            "z_min_m": sp.z_min_m,
            "zones": json.loads(sp.ifc_zones_json) if sp.ifc_zones_json else [],
        }  # fmt: skip
        for c in attr_cols:
            row[c] = getattr(attrs, c) if attrs is not None else None
        rows.append(row)
    return _frame(rows, SPACE_COLUMNS)


def _known(value: Any) -> float | None:
    """A number, or ``None`` for None and NaN."""
    if value is None:
        return None
    number = float(value)
    return None if number != number else number


def _units(s: Session, st: Site, spaces: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    by_gid = spaces.set_index("global_id") if len(spaces) else None
    us_rows = []
    for uid, gid, wkt, part_m2 in s.execute(
        select(Unit.unit_id, Space.global_id, UnitSpace.footprint_wkt, UnitSpace.area_m2)
        .join(UnitSpace, UnitSpace.unit_pk == Unit.id)
        .join(Space, Space.id == UnitSpace.space_pk)
        .where(Unit.site_pk == st.id)
        .order_by(Unit.unit_id, Space.global_id)
    ):
        whole = _known(by_gid.at[gid, "area_m2"]) if by_gid is not None else None
        share = 1.0 if part_m2 is None else (
            float(part_m2) / whole if whole is not None and whole > 0 else None)  # fmt: skip
        us_rows.append({"unit_id": uid, "space_global_id": gid, "footprint_wkt": wkt,
                        "area_m2": part_m2, "share": share})  # fmt: skip
    unit_spaces = _frame(us_rows, UNIT_SPACE_COLUMNS)
    rows = []
    for unit in s.scalars(select(Unit).where(Unit.site_pk == st.id).order_by(Unit.unit_id)):
        mine = unit_spaces[unit_spaces["unit_id"] == unit.unit_id]
        gids = mine["space_global_id"].tolist()
        area = unit.area_m2
        if area is None and by_gid is not None:
            area = 0.0
            for gid, part_m2 in zip(gids, mine["area_m2"], strict=True):
                if by_gid.at[gid, "removed"]:
                    continue
                value = _known(part_m2)
                area += value if value is not None else _known(by_gid.at[gid, "area_m2"]) or 0.0
        use = None
        if by_gid is not None and gids:
            sub = by_gid.loc[gids]
            sub = sub[sub["use"].notna()]
            if len(sub):
                use = sub.groupby("use")["area_m2"].sum().sort_values(ascending=False).index[0]
        rows.append({
            "unit_id": unit.unit_id, "name": unit.name, "storey": unit.storey,
            "area_m2": area, "use": use, "space_count": len(gids), "space_global_ids": gids,
            "notes": unit.notes, "retired": unit.retired,
        })  # fmt: skip
    return _frame(rows, UNIT_COLUMNS), unit_spaces


def _tenants(s: Session, st: Site) -> pd.DataFrame:
    rows = [
        {c: getattr(t, c) for c in TENANT_COLUMNS}
        for t in s.scalars(select(Tenant).where(Tenant.site_pk == st.id).order_by(Tenant.tenant_id))
    ]
    return _frame(rows, TENANT_COLUMNS)


def _leases(s: Session, st: Site) -> pd.DataFrame:
    q = (
        select(Lease, Unit.unit_id, Tenant.tenant_id)
        .join(Unit, Unit.id == Lease.unit_pk)
        .join(Tenant, Tenant.id == Lease.tenant_pk)
        .where(Lease.site_pk == st.id)
        .order_by(Unit.unit_id, Lease.start_date, Lease.lease_id)
    )
    rows = [
        {"lease_id": le.lease_id, "unit_id": uid, "tenant_id": tid, "start": le.start_date,
         "end": le.end_date, "rent_eur_per_month": le.rent_eur_per_month,
         "common_cost_share": le.common_cost_share, "space_removed": bool(le.space_removed)}
        for le, uid, tid in s.execute(q)
    ]  # fmt: skip
    return _frame(rows, LEASE_COLUMNS)


def _equipment(s: Session, st: Site) -> pd.DataFrame:
    owner = aliased(Tenant)
    q = (
        select(Equipment, owner.tenant_id, Space.global_id)
        .outerjoin(owner, owner.id == Equipment.owner_tenant_pk)
        .outerjoin(Space, Space.id == Equipment.space_pk)
        .where(Equipment.site_pk == st.id)
        .order_by(Equipment.equipment_id)
    )
    rows = []
    for eq, tid, gid in s.execute(q):
        row = {c: getattr(eq, c) for c in EQUIPMENT_COLUMNS if hasattr(Equipment, c)}
        row["owner_tenant_id"] = tid
        row["space_global_id"] = gid
        row["shared"] = bool(eq.shared)
        row["induction_required"] = bool(eq.induction_required)
        rows.append(row)
    return _frame(rows, EQUIPMENT_COLUMNS)


def _applicants(s: Session, st: Site) -> pd.DataFrame:
    rows = [
        {c: getattr(a, c) for c in APPLICANT_COLUMNS}
        for a in s.scalars(
            select(Applicant).where(Applicant.site_pk == st.id).order_by(Applicant.applicant_id)
        )
    ]
    return _frame(rows, APPLICANT_COLUMNS)


def frames(bind: Bind, site: str | None = None, *, actor: str | None = None) -> RegisterFrames:
    """The whole register of one site as frames (one consistent read).

    Every record, tenants' names, contacts and rents included: the acting user needs
    ``read_register`` (staff roles); the municipality reads through
    :func:`site_manager.disclosure.public_report` instead.

    Parameters
    ----------
    bind : Engine or Session
        The register.
    site : str, optional
        Site id (default: the only site).
    actor : str or Principal, optional
        Who reads (default: the acting user, see :func:`access.current`).

    Returns
    -------
    RegisterFrames

    Raises
    ------
    AccessDenied
        The acting user's role may not read the full register.
    """
    with transaction(bind, readonly=True) as s:
        access.authorize("read_register", actor)  # inside: a refusal goes on the trail
        st = core.get_site(s, site)
        site_info = {
            c: getattr(st, c)
            for c in (
                "site_id",
                "name",
                "city",
                "country",
                "crs",
                "currency",
                "model_path",
                "model_schema",
                "latitude_deg",
                "longitude_deg",
                "true_north_deg",
                "time_zone",
                "climate_source",
                "boiler_efficiency",
                "cost_key",
                "trips_threshold_per_day",
                "noise_limit_day_dba",
                "noise_limit_night_dba",
            )
        }
        site_info["map_conversion"] = (json.loads(st.map_conversion_json)
                                       if st.map_conversion_json else None)  # fmt: skip
        revision = s.scalar(select(RegisterRevision.revision).where(RegisterRevision.id == 1))
        storeys = _frame(
            [{"global_id": x.global_id, "name": x.name, "elevation_m": x.elevation_m,
              "removed": bool(x.removed)}
             for x in s.scalars(select(Storey).where(Storey.site_pk == st.id).order_by(
                 Storey.elevation_m, Storey.name))],
            ["global_id", "name", "elevation_m", "removed"],
        )  # fmt: skip
        spaces = _spaces(s, st)
        units, unit_spaces = _units(s, st, spaces)
        skills = _frame(
            [{"tenant_id": tid, "skill": sk.skill, "level": sk.level}
             for sk, tid in s.execute(select(Skill, Tenant.tenant_id)
                                      .join(Tenant, Tenant.id == Skill.tenant_pk)
                                      .where(Tenant.site_pk == st.id)
                                      .order_by(Tenant.tenant_id, Skill.skill))],
            ["tenant_id", "skill", "level"],
        )  # fmt: skip
        boards = _frame(
            [{"board_id": b.board_id, "storey": b.storey, "capacity_kw": b.capacity_kw}
             for b in s.scalars(select(Board).where(Board.site_pk == st.id)
                                .order_by(Board.board_id))],
            ["board_id", "storey", "capacity_kw"],
        )  # fmt: skip
        meters = _frame(
            [{"meter_id": m.meter_id, "tenant_id": tid, "carrier": m.carrier, "month": m.month,
              "reading_kwh": m.reading_kwh, "reading_m3": m.reading_m3}
             for m, tid in s.execute(select(MeterReading, Tenant.tenant_id)
                                     .outerjoin(Tenant, Tenant.id == MeterReading.tenant_pk)
                                     .where(MeterReading.site_pk == st.id)
                                     .order_by(MeterReading.meter_id, MeterReading.month))],
            ["meter_id", "tenant_id", "carrier", "month", "reading_kwh", "reading_m3"],
        )  # fmt: skip
        settings = model_store.read_settings(s, st)
        stored_rules = s.get(LayoutRules, st.id)
        return RegisterFrames(
            site=site_info, storeys=storeys, spaces=spaces, units=units,
            unit_spaces=unit_spaces, tenants=_tenants(s, st), leases=_leases(s, st),
            equipment=_equipment(s, st), skills=skills, boards=boards, meters=meters,
            applicants=_applicants(s, st), fabric=model_store.read_fabric(s, st),
            columns=model_store.read_columns(s, st), outlines=model_store.read_outlines(s, st),
            revision=int(revision or 0), **settings,
            layout_rules=None if stored_rules is None else json.loads(stored_rules.rules_json),
        )  # fmt: skip


def list_units(bind: Bind, site: str | None = None) -> pd.DataFrame:
    """The units: ``unit_id``, ``name``, ``storey``, ``area_m2``, ``use``, ``space_count``,
    ``space_global_ids``, ``notes``.
    """
    with transaction(bind, readonly=True) as s:
        access.authorize("read_register")  # names, contacts, rents: staff only
        st = core.get_site(s, site)
        return _units(s, st, _spaces(s, st))[0]


def list_tenants(bind: Bind, site: str | None = None) -> pd.DataFrame:
    """The tenants: ``tenant_id``, ``name``, ``kind``, ``stage``, ``sector``, ``headcount``,
    contacts, ``joined``.
    """
    with transaction(bind, readonly=True) as s:
        access.authorize("read_register")  # names, contacts, rents: staff only
        return _tenants(s, core.get_site(s, site))


def list_leases(bind: Bind, site: str | None = None) -> pd.DataFrame:
    """The leases: ``lease_id``, ``unit_id``, ``tenant_id``, ``start``, ``end`` (last day),
    ``rent_eur_per_month``, ``common_cost_share``, ``space_removed``.
    """
    with transaction(bind, readonly=True) as s:
        access.authorize("read_register")  # names, contacts, rents: staff only
        return _leases(s, core.get_site(s, site))


def list_equipment(bind: Bind, site: str | None = None) -> pd.DataFrame:
    """The equipment, with owner tenant id and space GlobalId."""
    with transaction(bind, readonly=True) as s:
        access.authorize("read_register")  # names, contacts, rents: staff only
        return _equipment(s, core.get_site(s, site))


def list_applicants(bind: Bind, site: str | None = None) -> pd.DataFrame:
    """The applicants (:data:`APPLICANT_COLUMNS`), by id."""
    with transaction(bind, readonly=True) as s:
        access.authorize("read_register")  # names, contacts, rents: staff only
        return _applicants(s, core.get_site(s, site))


def get_audit(bind: Bind, site: str | None = None, *, limit: int | None = None) -> pd.DataFrame:
    """The audit trail, newest first: ``at``, ``actor``, ``verb``, ``table``, ``record``,
    ``action``, ``before``, ``after`` (JSON text).
    """
    cols = ["at", "actor", "verb", "table", "record", "action", "before", "after"]
    with transaction(bind, readonly=True) as s:
        access.authorize("read_register")  # names, contacts, rents: staff only
        st = core.get_site(s, site)
        q = (select(AuditEntry).where(AuditEntry.site_pk == st.id)
             .order_by(AuditEntry.id.desc()))  # fmt: skip
        if limit:
            q = q.limit(limit)
        rows = [
            {"at": a.at, "actor": a.actor, "verb": a.verb, "table": a.table_name,
             "record": a.record, "action": a.action, "before": a.before_json,
             "after": a.after_json}
            for a in s.scalars(q)
        ]  # fmt: skip
    return _frame(rows, cols)
