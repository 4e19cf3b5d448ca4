"""The site register: the site's memory in a database (SQLite file or PostgreSQL).

Start here
----------
The register holds what the building model does not: which space is used for what
(zoning), the rentable units, tenants, leases, equipment, skills, the space attributes the
constraints use, and an audit trail of every change. It lives in any SQLAlchemy database;
an SQLite file by default, PostgreSQL by URL (``postgresql+psycopg://user@host/db``).

Open it, then call verbs and queries. Every verb takes ``bind``: an ``Engine`` (the verb
runs in its own transaction and commits) or an open ``Session`` (the verb runs in a
savepoint of the caller's transaction). Either way a verb that fails changes nothing and
raises a :class:`~site_manager.errors.SiteManagerError` subclass whose ``str()`` is one
line a user can act on::

    from site_manager import register, tenancy

    engine = register.open_register("sqlite:///site.sqlite")   # creates / migrates
    register.load_sample(engine, "textile_mill")               # model + every CSV, one tx
    register.sign_lease(engine, unit_id="U01", tenant_id="T03",
                        start="2027-01-01", end="2027-12-31", rent_eur_per_month=900)
    f = register.frames(engine)                                # RegisterFrames (pandas)
    tenancy.occupancy(f, on=date(2026, 6, 1), by="storey")     # also rent_roll, vacancies,
                                                               # lease_expiries, summary

One home each: the columns of every table (type, unit, limits, allowed values, headings) are
:mod:`~site_manager.register.contracts` (read by :mod:`~site_manager.register.values`); the
rules across fields and records are :mod:`~site_manager.register.rules`, whose refusals
carry ``Problem(field, message)`` (``rules.problems_of(error)``); every change is written to
the audit trail through :mod:`~site_manager.register.audit`.

Sites: ``site`` is the site's id (``site.toml`` ``[site] id``, or given to
:func:`create_site`); ``site=None`` means "the only site in the database" (a
:class:`~site_manager.errors.NotFoundError` names the choices when there are several).

Opening
~~~~~~~
- ``open_register(url=None) -> Engine``: engine with the SQLite recipe (WAL, foreign keys,
  ``BEGIN IMMEDIATE``, busy timeout) or PostgreSQL; runs the Alembic migrations to head.
  ``url=None`` uses ``$SITE_MANAGER_DB``, else ``sqlite:///site_manager.sqlite`` in the cwd.
- ``transaction(bind, *, readonly=False) -> ContextManager[Session]``: one transaction,
  committed on success, rolled back on any error; integrity errors become ``RegisterError``.
  Pass the session to several verbs to make them one change; raise to undo them all.
- ``list_sites(bind) -> DataFrame``: ``site_id``, ``name``, ``city``, ``country``, ``crs``.

Queries (return new pandas DataFrames; dates are ``datetime.date``)
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
- ``frames(bind, site=None) -> RegisterFrames`` with attributes ``site`` (dict),
  ``storeys``, ``spaces`` (``global_id``, ``name``, ``long_name``, ``storey``, ``area_m2``,
  ``height_m``, ``volume_m3``, ``use``, ``removed``, ``footprint_wkt`` and the constraint
  attributes ``clear_height_m``, ``floor_load_kn_m2``, ``board_id``, ``board_capacity_kw``,
  ``extraction``, ``daylight``, ``ground_access``, ``crane``, ``loading_access``),
  ``units`` (``unit_id``, ``name``, ``storey``, ``area_m2``, ``use``, ``space_global_ids``
  list, ``notes``), ``unit_spaces`` (``unit_id``, ``space_global_id``, and for a part of a
  space its ``footprint_wkt``, ``area_m2`` and ``share`` of the space's area), ``tenants``
  (``tenant_id``, ``name``, ``kind``, ``stage``, ``sector``, ``headcount``, ``contact_*``,
  ``joined``), ``leases``
  (``lease_id``, ``unit_id``, ``tenant_id``, ``start``, ``end`` (last day, inclusive),
  ``rent_eur_per_month``, ``common_cost_share``, ``space_removed``), ``equipment``,
  ``skills``, ``boards``, ``meters``. ``frames(...).spaces_gdf()`` gives a GeoDataFrame.
- ``list_units``, ``list_tenants``, ``list_leases``, ``list_equipment``, ``get_audit``
  ``(bind, site=None) -> DataFrame``: what the CLI lists print.

Verbs (each one transaction; audited with the acting user: the logged-in user in the
dashboard, the OS user on the CLI; checked by :mod:`~site_manager.register.access`)
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
- ``create_site(bind, model, *, site_id=None, name, city="", country="", crs=None)
  -> str``: ``model`` is a ``BuildingModel`` or an IFC path; writes the building, storeys,
  spaces (footprints as WKT) and their attributes from ``Pset_MultifactorySpace``.
- ``revise_site(bind, model, *, site=None) -> RevisionReport``: spaces matched by GlobalId;
  ``report.added`` / ``removed`` / ``changed`` / ``affected_leases`` frames; removed spaces
  are flagged ``removed``, their leases flagged ``space_removed``, nothing is dropped.
- ``load_sample(bind, name_or_folder) -> str``: a ``sample_sites/NAME`` folder: the model,
  zoning, units, boards, tenants, leases, equipment, skills, meters.
- ``set_zoning(bind, uses, *, site=None) -> int``: ``uses`` maps space GlobalId to a
  :class:`site_manager.zoning.Use` value (or a frame with ``space_global_id``, ``use``).
- ``define_unit(bind, unit_id, space_global_ids, *, name="", storey=None, area_m2=None,
  notes="", parts=None, site=None) -> str``: the spaces exist, are not removed and are in
  no other live unit (unless ``area_m2`` is given: part of a hall); a retired unit is not
  redefined. ``parts`` maps a space GlobalId to the WKT polygon of the part of it the unit
  takes (a bay of a hall): within the space, overlapping no other unit's part of it.
- ``rename_unit(bind, unit_id, *, name, site=None)``.
- ``retire_unit(bind, unit_id, *, on=None, site=None) -> date``: the unit is kept (with its
  past leases) and let no more from ``on`` (default today); refused while a lease of it runs
  on ``on`` or starts after it. ``unit_context(bind, site=None)`` is the site as these rules
  see it (``retired``, ``unit_spaces``, ``removed``).
- ``add_tenant(bind, tenant_id, *, name, kind=None, stage=None, sector="", headcount=None,
  ..., site=None) -> str``; ``edit_tenant(bind, tenant_id, *, site=None, **fields) -> dict``
  (only the fields given change).
- ``add_equipment(bind, equipment_id, *, site=None, **fields) -> str``,
  ``edit_equipment(bind, equipment_id, *, site=None, **fields) -> dict``: the equipment
  contract's fields; the owner tenant and the space must exist.
- ``add_skill(bind, tenant_id, skill, level=None, *, site=None) -> str``.
- ``sign_lease(bind, *, unit_id, tenant_id, start, end, rent_eur_per_month,
  common_cost_share=0.0, lease_id=None, site=None) -> str`` (the lease id); refused with
  ``RegisterError`` naming the unit and the conflicting lease.
- ``end_lease(bind, lease_id, *, on, site=None)``: ``on`` becomes the lease's last day.
- ``make_booking(bind, *, equipment_id, tenant_id, start, end, purpose="", site=None)
  -> str`` (the booking id; start and end the site's local wall-clock time, ``[start,
  end)``), ``cancel_booking(bind, booking_id, *, site=None)``, ``list_bookings(bind,
  site=None)``, ``grant_training(bind, *, tenant_id, equipment_type, granted_by="",
  valid_until=None, site=None)``, ``list_trainings``: :mod:`~site_manager.register.bookings`
  (rules in :mod:`~site_manager.register.booking_rules`).
- ``set_space_attributes(bind, global_id, *, site=None, **attributes)``: override a space's
  constraint attributes (``clear_height_m``, ``floor_load_kn_m2``, ``board_id``,
  ``board_capacity_kw``, ``extraction``, ``daylight``, ``ground_access``, ``crane``,
  ``crane_capacity_t``, ``loading_access`` one of ``ground``, ``goods_lift``, ``none``).
- ``retire_site(bind, *, site=None, on=None) -> date``: the site is kept (every record, its
  audit trail) and leaves the dashboard's site list and the network from ``on`` (default
  today); refused while one of its leases ends on or after ``on``. Sites are never deleted.
- ``set_site_settings(bind, *, site=None, latitude_deg=None, longitude_deg=None,
  time_zone=None, currency=None, name=None, city=None, country=None, crs=None) -> dict``:
  only the settings given change; latitude in [-90, 90] and longitude in [-180, 180] [°],
  an IANA time zone, an ISO 4217 currency (``EUR``), a CRS pyproj knows (stored as
  ``EPSG:NNNN``; a stored neighbourhood is reprojected to it).
- ``set_tariffs(bind, {"electricity": 0.27, ...}, *, site=None) -> dict``: carriers
  ``electricity``, ``heat``, ``gas``, prices not negative [EUR/kWh].
- ``set_noise_hours(bind, {"smart_factory": (16, 6), ...}, *, site=None) -> dict``: the
  hours the machines of a kind of tenant (or ``shared``) run by day (0–16) and at night
  (0–8) [h]; ``reset=["sme"]`` returns kinds to the defaults.
- ``set_climate(bind, path, *, site=None) -> ClimateFile``: an EPW file (the hourly year;
  its station fills an unknown latitude and longitude), or a CSV of 12 months (``month``,
  ``t_out_c``, ``ghi_kwh_m2``) or of 8,760 hours (``t_out_c``, ``ghi_w_m2``); replaces the
  site's climate; ``climate_source`` becomes the file's name.
- ``set_neighbourhood(bind, path, *, site=None) -> dict``: every layer with geometry of a
  GeoPackage, reprojected to the site's CRS (a site without one takes the file's).
- ``import_table(bind, kind, path, *, site=None) -> ImportResult`` with ``kind`` one of
  ``"tenants"``, ``"leases"``, ``"equipment"``, ``"applicants"``; ``path`` a ``.csv`` or
  ``.xlsx`` with canonical or landlord headings (:mod:`site_manager.register.contracts`).
  Rows are upserted by id. A bad file is refused whole: ``ImportValidationError`` (a
  ``ValidationError``) lists every bad row (``.problems``: file, row, column, message).
- ``export_table(bind, kind, path, *, site=None, landlord=True) -> int``: ``.csv`` or
  ``.xlsx``; landlord headings unless ``landlord=False``.

Users (:mod:`~site_manager.register.users`; managing them is admin's ``manage_users``)
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
- ``add_user(bind, name, *, role, password=None, tenant_id=None, site=None, email=None)``,
  ``set_password(bind, name, password)``, ``disable_user(bind, name)``,
  ``list_users(bind) -> DataFrame`` (never a hash); ``check_login(bind, name, password)
  -> Principal`` (argon2id; slowed after 5 failures in a row; audited),
  ``principal_for_email(bind, email)`` (OpenID Connect), ``ensure_demo_accounts(bind)``.
"""

from __future__ import annotations

from site_manager.register.applicants import add_applicant, edit_applicant
from site_manager.register.bookings import (
    cancel_booking,
    grant_training,
    list_bookings,
    list_trainings,
    make_booking,
)
from site_manager.register.engine import get_revision, open_register, transaction
from site_manager.register.io import (
    ImportResult,
    ImportValidationError,
    export_table,
    import_table,
)
from site_manager.register.members import add_equipment, add_skill, edit_equipment, edit_tenant
from site_manager.register.model_store import ClimateFile
from site_manager.register.parts import cut_unit
from site_manager.register.queries import (
    RegisterFrames,
    frames,
    get_audit,
    list_applicants,
    list_equipment,
    list_leases,
    list_sites,
    list_tenants,
    list_units,
)
from site_manager.register.samples import load_sample, sample_names
from site_manager.register.settings import (
    retire_site,
    set_climate,
    set_neighbourhood,
    set_noise_hours,
    set_site_settings,
    set_tariffs,
)
from site_manager.register.sites import (
    MIN_SHARE_MATCHED,
    RevisionReport,
    create_site,
    read_site_model,
    revise_site,
)
from site_manager.register.users import (
    add_user,
    check_login,
    disable_user,
    ensure_demo_accounts,
    list_users,
    principal_for_email,
    set_password,
)
from site_manager.register.verbs import (
    add_tenant,
    define_unit,
    end_lease,
    rename_unit,
    retire_unit,
    set_space_attributes,
    set_zoning,
    sign_lease,
    unit_context,
)

__all__ = [
    "add_user",
    "check_login",
    "disable_user",
    "ensure_demo_accounts",
    "list_users",
    "principal_for_email",
    "set_password",
    "cut_unit",
    "cancel_booking",
    "grant_training",
    "list_bookings",
    "list_trainings",
    "make_booking",
    "add_applicant",
    "edit_applicant",
    "MIN_SHARE_MATCHED",
    "get_revision",
    "read_site_model",
    "list_applicants",
    "ClimateFile",
    "ImportResult",
    "ImportValidationError",
    "RegisterFrames",
    "RevisionReport",
    "add_equipment",
    "add_skill",
    "add_tenant",
    "create_site",
    "define_unit",
    "edit_equipment",
    "edit_tenant",
    "end_lease",
    "export_table",
    "frames",
    "get_audit",
    "import_table",
    "list_equipment",
    "list_leases",
    "list_sites",
    "list_tenants",
    "list_units",
    "load_sample",
    "open_register",
    "rename_unit",
    "retire_unit",
    "revise_site",
    "sample_names",
    "set_climate",
    "set_neighbourhood",
    "set_noise_hours",
    "retire_site",
    "set_site_settings",
    "set_space_attributes",
    "set_tariffs",
    "set_zoning",
    "sign_lease",
    "transaction",
    "unit_context",
]
