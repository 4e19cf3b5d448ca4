"""Sites in the register: created from a building model, or revised (samples: ``samples.py``).

Spaces are keyed by their IFC GlobalId within a site. A revised model is matched on it:
new spaces are added, spaces missing from the revision are flagged ``removed`` (never
deleted: units and leases still point at them) and the leases on them are flagged
``space_removed``; changed spaces (area, name, storey, footprint) are updated and reported.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from site_manager.errors import RegisterError, ValidationError
from site_manager.model import SPACE_ATTRIBUTE_COLUMNS, BuildingModel
from site_manager.parsing import is_missing, optional_float
from site_manager.register import core, model_store
from site_manager.register.audit import Audit, now, record_dict
from site_manager.register.engine import get_actor, transaction
from site_manager.register.model_store import wkt_of
from site_manager.register.schema import (
    Building,
    Lease,
    Site,
    Space,
    SpaceAttributes,
    Storey,
    Tenant,
    Unit,
    UnitSpace,
)

log = logging.getLogger(__name__)

Bind = Engine | Session

#: A revised model must match at least this share of a site's live spaces by GlobalId,
#: else ``revise_site`` refuses it unless forced (another building, a structural model).
MIN_SHARE_MATCHED = 0.5
#: A change of area below this is rounding, not a revision. [m²]
AREA_TOLERANCE_M2 = 0.01
#: Footprint vertices moving less than this are the same footprint. [m]
GEOMETRY_TOLERANCE_M = 0.001


def _attributes(rec: dict[str, Any]) -> dict[str, Any]:
    """A space's attributes as the importer typed them (``SPACE_ATTRIBUTE_COLUMNS``)."""
    return {c: None if is_missing(v := rec.get(c)) else v for c in SPACE_ATTRIBUTE_COLUMNS}


def _same_geometry(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if a == b:
        return True
    import shapely

    ga, gb = shapely.normalize(shapely.from_wkt(a)), shapely.normalize(shapely.from_wkt(b))
    return bool(shapely.equals_exact(ga, gb, tolerance=GEOMETRY_TOLERANCE_M))


def _map_conversion_json(conversion: dict[str, float] | None) -> str | None:
    """The model's map conversion as stored (JSON), or None where it gives none."""
    return json.dumps(conversion, sort_keys=True) if conversion else None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "site"


def read_site_model(path: str | Path, **options: Any) -> BuildingModel:
    """Read an IFC file with everything the register keeps of it: spaces, fabric, columns.

    ``options`` go to :func:`site_manager.ifc.read_model` (``progress``, ``timeout_s``, ...).
    Pass the result to :func:`create_site` or :func:`revise_site`; a model read without its
    fabric and columns gives a site the energy and layout engines know less about.
    """
    from site_manager.ifc import read_model  # type: ignore[attr-defined]

    return read_model(Path(path), fabric=True, columns=True, **options)


def _load_model(model: BuildingModel | str | Path) -> BuildingModel:
    return model if isinstance(model, BuildingModel) else read_site_model(model)


def _space_values(row: Any) -> dict[str, Any]:
    def num(v: Any) -> float | None:
        return optional_float(v)

    return {
        "name": "" if is_missing(row.get("name")) else str(row.get("name")),
        "long_name": "" if is_missing(row.get("long_name")) else str(row.get("long_name")),
        "area_m2": num(row.get("area_m2")),
        "height_m": num(row.get("height_m")),
        "volume_m3": num(row.get("volume_m3")),
        "area_source": None if is_missing(row.get("area_source")) else str(row["area_source"]),
        "footprint_wkt": wkt_of(row.get("geometry")),
        "z_min_m": num(row.get("z_min_m")),
        "ifc_zones_json": json.dumps([str(z) for z in zones])
        if isinstance(zones := row.get("zones"), list | tuple)
        else None,
    }


def _storey_key(building: Any, name: Any) -> tuple[str, str]:
    return ("" if is_missing(building) else str(building), "" if is_missing(name) else str(name))


def _write_storeys(s: Session, st: Site, model: BuildingModel) -> dict[tuple[str, str], Storey]:
    """Insert or update buildings and storeys; returns (building, storey name) → Storey."""
    buildings = {b.name: b for b in s.scalars(select(Building).where(Building.site_pk == st.id))}
    existing = {x.global_id: x for x in s.scalars(select(Storey).where(Storey.site_pk == st.id))}
    by_key: dict[tuple[str, str], Storey] = {}
    seen: set[str] = set()
    storeys = model.storeys
    for rec in storeys.to_dict("records") if len(storeys) else []:
        bname = "" if is_missing(rec.get("building")) else str(rec["building"])
        if bname and bname not in buildings:
            buildings[bname] = Building(site_pk=st.id, name=bname)
            s.add(buildings[bname])
            s.flush()
        gid = str(rec.get("global_id") or f"storey:{bname}:{rec.get('name')}")
        row = existing.get(gid)
        if row is None:
            row = Storey(site_pk=st.id, global_id=gid)
            s.add(row)
        row.name = "" if is_missing(rec.get("name")) else str(rec["name"])
        row.elevation_m = optional_float(rec.get("elevation_m"))
        row.building_pk = buildings[bname].id if bname else None
        row.removed = False
        seen.add(gid)
        by_key[_storey_key(bname, row.name)] = row
    for gid, row in existing.items():
        if gid not in seen:
            row.removed = True
    s.flush()
    return by_key


def _storey_of(by_key: dict[tuple[str, str], Storey], building: Any, name: Any) -> Storey | None:
    key = _storey_key(building, name)
    if key in by_key:
        return by_key[key]
    matches = [v for (b, n), v in by_key.items() if n == key[1]]
    return matches[0] if len(matches) == 1 else None


def _site_from_model(
    s: Session,
    model: BuildingModel,
    *,
    site_id: str,
    name: str,
    city: str,
    country: str,
    crs: str | None,
    actor: str,
) -> Site:
    if s.scalars(select(Site.id).where(Site.site_id == site_id)).first() is not None:
        raise RegisterError(
            f"site {site_id!r} already exists in this register; revise it with "
            "`site-manager site revise MODEL` or choose another id"
        )
    st = Site(
        site_id=site_id,
        name=name,
        city=city,
        country=country,
        crs=crs or model.info.crs,
        model_path=model.info.path,
        model_schema=model.info.schema,
        currency="EUR",
        latitude_deg=model.info.latitude,
        longitude_deg=model.info.longitude,
        true_north_deg=model.info.true_north_deg,
        map_conversion_json=_map_conversion_json(model.info.map_conversion),
        created_at=now(),
    )
    trail = Audit(s, st, actor, "create_site")
    trail.added(st, record=site_id)
    by_key = _write_storeys(s, st, model)
    spaces = model.spaces
    seen: set[str] = set()
    for rec in spaces.to_dict("records") if len(spaces) else []:
        gid = str(rec["global_id"])
        if gid in seen:
            raise ValidationError(
                f"{model.info.path}: the GlobalId {gid} is used by two spaces; fix the model"
            )
        seen.add(gid)
        storey = _storey_of(by_key, rec.get("building"), rec.get("storey"))
        sp = Space(
            site_pk=st.id,
            global_id=gid,
            storey_pk=storey.id if storey else None,
            removed=False,
            **_space_values(rec),
        )
        sp.attributes = SpaceAttributes(**_attributes(rec))
        s.add(sp)
    s.flush()
    stored = model_store.write_model_store(s, st, model)
    trail.note("spaces", site_id, "insert",
               after={"spaces": len(seen), "storeys": len(by_key), **stored})  # fmt: skip
    return st


def create_site(
    bind: Bind,
    model: BuildingModel | str | Path,
    *,
    site_id: str | None = None,
    name: str,
    city: str = "",
    country: str = "",
    crs: str | None = None,
    actor: str | None = None,
    allow_empty: bool = False,
) -> str:
    """Create a site from a building model: buildings, storeys, spaces and their attributes.

    A model without spaces (a structural model, an export that left the rooms out) is
    refused unless ``allow_empty``: such a site cannot be zoned, let or analysed.

    Parameters
    ----------
    bind : Engine or Session
        The register (an Engine: own transaction; a Session: a savepoint of it).
    model : BuildingModel or path
        The model, or an IFC file read with :func:`site_manager.ifc.read_model`.
    site_id : str, optional
        Short id (default: ``name`` in snake_case).
    name : str
        The site's name.
    city, country : str
        Where it is.
    crs : str, optional
        Map CRS (default: the model's, if it names one).
    actor : str, optional
        Who is making the change, for the audit trail.
    allow_empty : bool
        Create the site even when the model has no spaces.

    Returns
    -------
    str
        The site id.
    """
    bm = _load_model(model)
    if not len(bm.spaces) and not allow_empty:
        raise ValidationError(
            f"{bm.info.path}: the model has no spaces (IfcSpace), so a site made from it "
            "could not be zoned, let or analysed; export the model with its spaces (rooms), "
            "or give --allow-empty to create it anyway"
        )
    checked = model_store.check_site_settings({"name": name, "city": city, "country": country})
    sid = model_store.check_site_settings({"site_id": site_id or _slug(name)})["site_id"]
    name, city, country = checked["name"], checked["city"], checked["country"]
    who = get_actor(actor)
    with transaction(bind) as s:
        _site_from_model(
            s, bm, site_id=sid, name=name, city=city, country=country, crs=crs, actor=who
        )
    log.info("created site %s with %d spaces", sid, len(bm.spaces))
    return sid


# ---------------------------------------------------------------- revision


@dataclass
class RevisionReport:
    """What a revised model changed.

    Attributes
    ----------
    added : DataFrame
        ``global_id``, ``name``, ``storey``, ``area_m2`` of new spaces.
    removed : DataFrame
        ``global_id``, ``name``, ``storey``, ``area_m2``, ``unit_ids`` of spaces no longer
        in the model (kept in the register, flagged ``removed``).
    changed : DataFrame
        ``global_id``, ``name``, ``field`` (``area_m2``, ``name``, ``long_name``, ``storey``,
        ``geometry``), ``before``, ``after``; one row per changed field.
    affected_leases : DataFrame
        ``lease_id``, ``unit_id``, ``tenant_id``, ``start``, ``end``, ``space_global_id``,
        ``reason`` (``space_removed`` or ``space_changed: <fields>``). Leases are kept.
    """

    site_id: str
    added: pd.DataFrame
    removed: pd.DataFrame
    changed: pd.DataFrame
    affected_leases: pd.DataFrame
    #: Live spaces of the site before the revision, and how many of them the model kept.
    spaces_before: int = 0
    spaces_matched: int = 0
    applied: bool = True

    @property
    def share_matched(self) -> float:
        """Share of the site's live spaces the model matches by GlobalId (1 for none). [-]"""
        return self.spaces_matched / self.spaces_before if self.spaces_before else 1.0

    def summary(self) -> str:
        """One line: counts of added, removed and changed spaces and affected leases."""
        n_changed = self.changed["global_id"].nunique() if len(self.changed) else 0
        flagged = (self.affected_leases["reason"] == "space_removed").sum()
        return (f"site {self.site_id}: {self.spaces_matched} of {self.spaces_before} spaces "
                f"matched ({self.share_matched:.0%}); {len(self.added)} spaces added, "
                f"{len(self.removed)} removed, {n_changed} changed; "
                f"{len(self.affected_leases)} lease(s) affected ({flagged} flagged "
                "space_removed)"
                + ("" if self.applied else "; not applied (dry run)"))  # fmt: skip


def revise_site(
    bind: Bind,
    model: BuildingModel | str | Path,
    *,
    site: str | None = None,
    actor: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    min_share_matched: float | None = None,
) -> RevisionReport:
    """Re-import a revised model of a site, matching spaces by GlobalId.

    Nothing the register knows is lost: removed spaces stay (flagged ``removed``), the
    leases on them stay (flagged ``space_removed``) and are reported, as are the leases on
    changed spaces.

    A model that matches less than ``min_share_matched`` (default
    :data:`MIN_SHARE_MATCHED`) of the site's live spaces by GlobalId (another building, a
    structural model without spaces) is refused unless ``force``: the error says how many
    spaces it would remove and how many leases it would touch.

    Parameters
    ----------
    bind : Engine or Session
        The register.
    model : BuildingModel or path
        The revised model, or its IFC file (read with :func:`read_site_model`).
    site : str, optional
        Site id (default: the only site).
    actor : str, optional
        Who is making the change, for the audit trail.
    dry_run : bool
        Work out the report and change nothing.
    force : bool
        Apply a revision that matches too few spaces.
    min_share_matched : float, optional
        The share of live spaces a model must match. [-]

    Returns
    -------
    RevisionReport
    """
    bm = _load_model(model)
    who = get_actor(actor)
    least = MIN_SHARE_MATCHED if min_share_matched is None else min_share_matched
    try:
        return _revise(bind, bm, site=site, actor=who, dry_run=dry_run, force=force,
                       least=least)  # fmt: skip
    except _NotApplied as done:
        return done.report


class _NotApplied(Exception):
    """Raised inside the revision's transaction to roll it back and hand out its report."""

    def __init__(self, report: RevisionReport) -> None:
        self.report = report


def _revise(
    bind: Bind, bm: BuildingModel, *, site: str | None, actor: str, dry_run: bool,
    force: bool, least: float,
) -> RevisionReport:  # fmt: skip
    who = actor
    with transaction(bind) as s:
        st = core.get_site(s, site)
        storeys_before = {x.id: x.name for x in s.scalars(select(Storey).where(
            Storey.site_pk == st.id))}  # fmt: skip
        by_key = _write_storeys(s, st, bm)
        trail = Audit(s, st, who, "revise_site")
        current = core.get_spaces(s, st)
        was_removed = {g: bool(sp.removed) for g, sp in current.items()}
        added, removed, changed = [], [], []
        changed_fields: dict[str, list[str]] = {}
        seen: set[str] = set()
        for rec in bm.spaces.to_dict("records") if len(bm.spaces) else []:
            gid = str(rec["global_id"])
            seen.add(gid)
            values = _space_values(rec)
            storey = _storey_of(by_key, rec.get("building"), rec.get("storey"))
            attrs = _attributes(rec)
            sp = current.get(gid)
            if sp is None:
                sp = Space(
                    site_pk=st.id,
                    global_id=gid,
                    storey_pk=storey.id if storey else None,
                    removed=False,
                    **values,
                )
                sp.attributes = SpaceAttributes(**attrs)
                s.add(sp)
                added.append({"global_id": gid, "name": values["name"],
                              "storey": storey.name if storey else None,
                              "area_m2": values["area_m2"]})  # fmt: skip
                trail.note("spaces", gid, "insert", after=values)
                continue
            before = record_dict(sp)
            fields: list[tuple[str, Any, Any]] = []
            old_area, new_area = sp.area_m2, values["area_m2"]
            if (old_area is None) != (new_area is None) or (
                old_area is not None
                and new_area is not None
                and abs(old_area - new_area) > AREA_TOLERANCE_M2
            ):
                fields.append(("area_m2", old_area, new_area))
            for f in ("name", "long_name"):
                if (getattr(sp, f) or "") != values[f]:
                    fields.append((f, getattr(sp, f), values[f]))
            old_storey = storeys_before.get(sp.storey_pk) if sp.storey_pk else None
            new_storey = storey.name if storey else None
            if old_storey != new_storey:
                fields.append(("storey", old_storey, new_storey))
            if not _same_geometry(sp.footprint_wkt, values["footprint_wkt"]):
                fields.append(("geometry", sp.footprint_wkt, values["footprint_wkt"]))
            if sp.removed:
                fields.append(("removed", True, False))
            for k, v in values.items():
                setattr(sp, k, v)
            sp.storey_pk = storey.id if storey else None
            sp.removed = False
            if sp.attributes is None:
                sp.attributes = SpaceAttributes(**attrs)
            else:
                if sp.attributes.clear_height_source == "user" or (
                    attrs["clear_height_source"] == "geometry"
                    and sp.attributes.clear_height_source is None
                ):  # a height someone gave wins over the model's guess
                    attrs = {**attrs, "clear_height_m": None, "clear_height_source": None}
                for k, v in attrs.items():
                    if v is not None:
                        setattr(sp.attributes, k, v)
            if fields:
                changed_fields[gid] = [f for f, _, _ in fields]
                changed += [{"global_id": gid, "name": values["name"], "field": f,
                             "before": b, "after": a} for f, b, a in fields]  # fmt: skip
                trail.changed(sp, before, record=gid)
        gone = [sp for gid, sp in current.items() if gid not in seen and not sp.removed]
        unit_ids = _units_by_space(s, st)
        for sp in gone:
            removed.append({"global_id": sp.global_id, "name": sp.name,
                            "storey": storeys_before.get(sp.storey_pk) if sp.storey_pk else None,
                            "area_m2": sp.area_m2,
                            "unit_ids": sorted(unit_ids.get(sp.id, []))})  # fmt: skip
            with trail.changing(sp, record=sp.global_id):
                sp.removed = True
        affected = _flag_leases(trail, [sp.id for sp in gone],
                                {current[g].id: f for g, f in changed_fields.items()})  # fmt: skip
        st.revised_at = now()
        st.model_path = bm.info.path
        st.model_schema = bm.info.schema
        st.true_north_deg = bm.info.true_north_deg
        st.map_conversion_json = _map_conversion_json(bm.info.map_conversion)
        if st.latitude_deg is None and bm.info.latitude is not None:
            st.latitude_deg, st.longitude_deg = bm.info.latitude, bm.info.longitude
        stored = model_store.write_model_store(s, st, bm)
        if stored:
            trail.note("fabric_elements", st.site_id, "update", after=stored)
        report = RevisionReport(
            site_id=st.site_id,
            added=pd.DataFrame(added, columns=["global_id", "name", "storey", "area_m2"]),
            removed=pd.DataFrame(removed, columns=["global_id", "name", "storey", "area_m2",
                                                   "unit_ids"]),
            changed=pd.DataFrame(changed, columns=["global_id", "name", "field", "before",
                                                   "after"]),
            affected_leases=pd.DataFrame(affected, columns=["lease_id", "unit_id",
                                                            "tenant_id", "start", "end",
                                                            "space_global_id", "reason"]),
            spaces_before=sum(not gone for gone in was_removed.values()),
            spaces_matched=sum(g in was_removed and not was_removed[g] for g in seen),
            applied=not dry_run,
        )  # fmt: skip
        if dry_run:  # a dry run reports whatever it finds
            raise _NotApplied(report)
        if report.spaces_before and report.share_matched < least and not force:
            leases = report.affected_leases["lease_id"].nunique()
            what = (
                "has no spaces (a structural model?)"
                if not len(bm.spaces)
                else f"matches only {report.spaces_matched} of the site's "
                f"{report.spaces_before} spaces by GlobalId ({report.share_matched:.0%}; "
                "another building?)"
            )
            raise RegisterError(
                f"{bm.info.path}: {what}; the revision would remove {len(removed)} spaces "
                f"of site {st.site_id} and touch {leases} lease(s). Check it with --dry-run, "
                "or give --force to apply it anyway"
            )
    return report


def _units_by_space(s: Session, st: Site) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for space_pk, unit_id in s.execute(
        select(UnitSpace.space_pk, Unit.unit_id).join(Unit, Unit.id == UnitSpace.unit_pk)
        .where(Unit.site_pk == st.id)
    ):  # fmt: skip
        out.setdefault(space_pk, []).append(unit_id)
    return out


def _flag_leases(
    trail: Audit, removed_pks: list[int], changed: dict[int, list[str]]
) -> list[dict[str, Any]]:
    s, st = trail.session, trail.site
    assert st is not None
    touched = set(removed_pks) | set(changed)
    if not touched:
        return []
    q = (
        select(Lease, Unit.unit_id, Tenant.tenant_id, Space.id, Space.global_id)
        .join(Unit, Unit.id == Lease.unit_pk)
        .join(Tenant, Tenant.id == Lease.tenant_pk)
        .join(UnitSpace, UnitSpace.unit_pk == Unit.id)
        .join(Space, Space.id == UnitSpace.space_pk)
        .where(Lease.site_pk == st.id, Space.id.in_(touched))
        .order_by(Lease.lease_id, Space.global_id)
    )
    out = []
    for lease, uid, tid, space_pk, gid in s.execute(q).all():
        if space_pk in removed_pks:
            reason = "space_removed"
            if not lease.space_removed:
                with trail.changing(lease, record=lease.lease_id):
                    lease.space_removed = True
        else:
            reason = "space_changed: " + ", ".join(changed[space_pk])
        out.append({"lease_id": lease.lease_id, "unit_id": uid, "tenant_id": tid,
                    "start": lease.start_date, "end": lease.end_date,
                    "space_global_id": gid, "reason": reason})  # fmt: skip
    return out
