"""Sites in the register: created from a building model, revised, or loaded from a sample.

Spaces are keyed by their IFC GlobalId within a site. A revised model is matched on it:
new spaces are added, spaces missing from the revision are flagged ``removed`` (never
deleted: units and leases still point at them) and the leases on them are flagged
``space_removed``; changed spaces (area, name, storey, footprint) are updated and reported.
"""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from site_manager.errors import NotFoundError, RegisterError, ValidationError
from site_manager.model import BuildingModel
from site_manager.register import core, io, model_store
from site_manager.register.engine import get_actor, transaction
from site_manager.register.model_store import wkt_of
from site_manager.register.schema import (
    Board,
    Building,
    Lease,
    MeterReading,
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
from site_manager.sites import list_sample_sites, read_csv, read_site_toml, site_dir

log = logging.getLogger(__name__)

Bind = Engine | Session

#: ``Pset_MultifactorySpace`` properties → space attribute column, and how to read them.
PSET = "Pset_MultifactorySpace"
PSET_ATTRIBUTES: dict[str, tuple[str, str]] = {
    "ClearHeight": ("clear_height_m", "float"),
    "FloorLoadCapacity": ("floor_load_kn_m2", "float"),
    "DistributionBoard": ("board_id", "str"),
    "ElectricalCapacity": ("board_capacity_kw", "float"),
    "Extraction": ("extraction", "bool"),
    "Daylight": ("daylight", "bool"),
    "GroundAccess": ("ground_access", "bool"),
    "Crane": ("crane", "bool"),
    "CraneCapacity": ("crane_capacity_t", "float"),
    "LoadingAccess": ("loading_access", "str"),
}
#: A change of area below this is rounding, not a revision. [m²]
AREA_TOLERANCE_M2 = 0.01
#: Footprint vertices moving less than this are the same footprint. [m]
GEOMETRY_TOLERANCE_M = 0.001


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _as(value: Any, how: str) -> Any:
    if _missing(value):
        return None
    if how == "float":
        try:
            x = float(value)
        except (TypeError, ValueError):
            return None
        return x if math.isfinite(x) else None
    if how == "bool":
        if isinstance(value, str):
            return value.strip().lower() in ("true", "yes", "1", ".t.", "t")
        return bool(value)
    return str(value)


def attributes_from_psets(psets: Any, height_m: Any = None) -> dict[str, Any]:
    """The constraint attributes of a space from its flattened property sets.

    ``clear_height_m`` falls back to the space's geometric height when the property set
    does not give it; ``clear_height_source`` says which (``model`` or ``geometry``).
    Values that cannot be read are left empty (``None``).

    Examples
    --------
    >>> attributes_from_psets({"Pset_MultifactorySpace.ClearHeight": 6.5,
    ...                        "Pset_MultifactorySpace.Extraction": True})["extraction"]
    True
    """
    psets = psets if isinstance(psets, dict) else {}
    out: dict[str, Any] = {}
    for prop, (col, how) in PSET_ATTRIBUTES.items():
        out[col] = _as(psets.get(f"{PSET}.{prop}"), how)
    out["clear_height_source"] = "model" if out["clear_height_m"] is not None else None
    if out["clear_height_m"] is None:
        out["clear_height_m"] = _as(height_m, "float")
        out["clear_height_source"] = "geometry" if out["clear_height_m"] is not None else None
    return out


def _same_geometry(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if a == b:
        return True
    import shapely

    ga, gb = shapely.normalize(shapely.from_wkt(a)), shapely.normalize(shapely.from_wkt(b))
    return bool(shapely.equals_exact(ga, gb, tolerance=GEOMETRY_TOLERANCE_M))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "site"


def _load_model(model: BuildingModel | str | Path) -> BuildingModel:
    """The model, read from its IFC file with what the register keeps of it (fabric, columns)."""
    if isinstance(model, BuildingModel):
        return model
    from site_manager.ifc import read_model  # type: ignore[attr-defined]

    return read_model(Path(model), fabric=True, extras=("columns",))


def _space_values(row: Any) -> dict[str, Any]:
    def num(v: Any) -> float | None:
        return _as(v, "float")

    return {
        "name": "" if _missing(row.get("name")) else str(row.get("name")),
        "long_name": "" if _missing(row.get("long_name")) else str(row.get("long_name")),
        "area_m2": num(row.get("area_m2")),
        "height_m": num(row.get("height_m")),
        "volume_m3": num(row.get("volume_m3")),
        "area_source": None if _missing(row.get("area_source")) else str(row["area_source"]),
        "footprint_wkt": wkt_of(row.get("geometry")),
        "z_min_m": num(row.get("z_min_m")),
        "ifc_zones_json": json.dumps([str(z) for z in zones])
        if isinstance(zones := row.get("zones"), list | tuple)
        else None,
    }


def _storey_key(building: Any, name: Any) -> tuple[str, str]:
    return ("" if _missing(building) else str(building), "" if _missing(name) else str(name))


def _write_storeys(s: Session, st: Site, model: BuildingModel) -> dict[tuple[str, str], Storey]:
    """Insert or update buildings and storeys; returns (building, storey name) → Storey."""
    buildings = {b.name: b for b in s.scalars(select(Building).where(Building.site_pk == st.id))}
    existing = {x.global_id: x for x in s.scalars(select(Storey).where(Storey.site_pk == st.id))}
    by_key: dict[tuple[str, str], Storey] = {}
    seen: set[str] = set()
    storeys = model.storeys
    for rec in storeys.to_dict("records") if len(storeys) else []:
        bname = "" if _missing(rec.get("building")) else str(rec["building"])
        if bname and bname not in buildings:
            buildings[bname] = Building(site_pk=st.id, name=bname)
            s.add(buildings[bname])
            s.flush()
        gid = str(rec.get("global_id") or f"storey:{bname}:{rec.get('name')}")
        row = existing.get(gid)
        if row is None:
            row = Storey(site_pk=st.id, global_id=gid)
            s.add(row)
        row.name = "" if _missing(rec.get("name")) else str(rec["name"])
        row.elevation_m = _as(rec.get("elevation_m"), "float")
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
        created_at=core.now(),
    )
    s.add(st)
    s.flush()
    core.audit(
        s,
        site=st,
        actor=actor,
        verb="create_site",
        table="sites",
        record=site_id,
        action="insert",
        after=core.record_dict(st),
    )
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
        sp.attributes = SpaceAttributes(
            **attributes_from_psets(rec.get("psets"), rec.get("height_m"))
        )
        s.add(sp)
    s.flush()
    stored = model_store.write_model_store(s, st, model)
    core.audit(
        s,
        site=st,
        actor=actor,
        verb="create_site",
        table="spaces",
        record=site_id,
        action="insert",
        after={"spaces": len(seen), "storeys": len(by_key), **stored},
    )
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
) -> str:
    """Create a site from a building model: buildings, storeys, spaces and their attributes.

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

    Returns
    -------
    str
        The site id.
    """
    bm = _load_model(model)
    sid = site_id or _slug(name)
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

    def summary(self) -> str:
        """One line: counts of added, removed and changed spaces and affected leases."""
        n_changed = self.changed["global_id"].nunique() if len(self.changed) else 0
        flagged = (self.affected_leases["reason"] == "space_removed").sum()
        return (f"site {self.site_id}: {len(self.added)} spaces added, {len(self.removed)} "
                f"removed, {n_changed} changed; {len(self.affected_leases)} lease(s) "
                f"affected ({flagged} flagged space_removed)")  # fmt: skip


def revise_site(
    bind: Bind,
    model: BuildingModel | str | Path,
    *,
    site: str | None = None,
    actor: str | None = None,
) -> RevisionReport:
    """Re-import a revised model of a site, matching spaces by GlobalId.

    Nothing the register knows is lost: removed spaces stay (flagged ``removed``), the
    leases on them stay (flagged ``space_removed``) and are reported, as are the leases on
    changed spaces.

    Returns
    -------
    RevisionReport
    """
    bm = _load_model(model)
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        storeys_before = {x.id: x.name for x in s.scalars(select(Storey).where(
            Storey.site_pk == st.id))}  # fmt: skip
        by_key = _write_storeys(s, st, bm)
        current = core.get_spaces(s, st)
        added, removed, changed = [], [], []
        changed_fields: dict[str, list[str]] = {}
        seen: set[str] = set()
        for rec in bm.spaces.to_dict("records") if len(bm.spaces) else []:
            gid = str(rec["global_id"])
            seen.add(gid)
            values = _space_values(rec)
            storey = _storey_of(by_key, rec.get("building"), rec.get("storey"))
            attrs = attributes_from_psets(rec.get("psets"), rec.get("height_m"))
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
                core.audit(
                    s,
                    site=st,
                    actor=who,
                    verb="revise_site",
                    table="spaces",
                    record=gid,
                    action="insert",
                    after=values,
                )
                continue
            before = core.record_dict(sp)
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
                s.flush()
                core.audit(
                    s,
                    site=st,
                    actor=who,
                    verb="revise_site",
                    table="spaces",
                    record=gid,
                    action="update",
                    before=before,
                    after=core.record_dict(sp),
                )
        gone = [sp for gid, sp in current.items() if gid not in seen and not sp.removed]
        unit_ids = _units_by_space(s, st)
        for sp in gone:
            before = core.record_dict(sp)
            sp.removed = True
            removed.append({"global_id": sp.global_id, "name": sp.name,
                            "storey": storeys_before.get(sp.storey_pk) if sp.storey_pk else None,
                            "area_m2": sp.area_m2,
                            "unit_ids": sorted(unit_ids.get(sp.id, []))})  # fmt: skip
            s.flush()
            core.audit(
                s,
                site=st,
                actor=who,
                verb="revise_site",
                table="spaces",
                record=sp.global_id,
                action="update",
                before=before,
                after=core.record_dict(sp),
            )
        affected = _flag_leases(
            s,
            st,
            [sp.id for sp in gone],
            {current[g].id: f for g, f in changed_fields.items()},
            who,
        )
        st.revised_at = core.now()
        st.model_path = bm.info.path
        st.model_schema = bm.info.schema
        if st.latitude_deg is None and bm.info.latitude is not None:
            st.latitude_deg, st.longitude_deg = bm.info.latitude, bm.info.longitude
        stored = model_store.write_model_store(s, st, bm)
        if stored:
            core.audit(s, site=st, actor=who, verb="revise_site", table="fabric_elements",
                       record=st.site_id, action="update", after=stored)  # fmt: skip
    return RevisionReport(
        site_id=st.site_id,
        added=pd.DataFrame(added, columns=["global_id", "name", "storey", "area_m2"]),
        removed=pd.DataFrame(removed, columns=["global_id", "name", "storey", "area_m2",
                                               "unit_ids"]),
        changed=pd.DataFrame(changed, columns=["global_id", "name", "field", "before", "after"]),
        affected_leases=pd.DataFrame(affected, columns=["lease_id", "unit_id", "tenant_id",
                                                        "start", "end", "space_global_id",
                                                        "reason"]),
    )  # fmt: skip


def _units_by_space(s: Session, st: Site) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for space_pk, unit_id in s.execute(
        select(UnitSpace.space_pk, Unit.unit_id).join(Unit, Unit.id == UnitSpace.unit_pk)
        .where(Unit.site_pk == st.id)
    ):  # fmt: skip
        out.setdefault(space_pk, []).append(unit_id)
    return out


def _flag_leases(
    s: Session, st: Site, removed_pks: list[int], changed: dict[int, list[str]], actor: str
) -> list[dict[str, Any]]:
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
                before = core.record_dict(lease)
                lease.space_removed = True
                s.flush()
                core.audit(
                    s,
                    site=st,
                    actor=actor,
                    verb="revise_site",
                    table="leases",
                    record=lease.lease_id,
                    action="update",
                    before=before,
                    after=core.record_dict(lease),
                )
        else:
            reason = "space_changed: " + ", ".join(changed[space_pk])
        out.append({"lease_id": lease.lease_id, "unit_id": uid, "tenant_id": tid,
                    "start": lease.start_date, "end": lease.end_date,
                    "space_global_id": gid, "reason": reason})  # fmt: skip
    return out


# ---------------------------------------------------------------- sample sites


#: Sample-site files in the order they are written (later ones refer to earlier ones).
SAMPLE_FILES = ("zoning", "units", "boards", "tenants", "leases", "equipment", "skills",
                "meters", "applicants")  # fmt: skip


def sample_names() -> list[str]:
    """The names of the sample sites :func:`load_sample` can load, sorted."""
    return list_sample_sites()


def load_sample(
    bind: Bind,
    name: str | Path,
    *,
    model: BuildingModel | None = None,
    actor: str | None = None,
) -> str:
    """Load a sample site: its model and every CSV, in one transaction.

    Every file is read and checked first; one :class:`~site_manager.register.io.
    ImportValidationError` lists the bad rows of all files. Then the site, its spaces,
    zoning, units, boards, tenants, leases, equipment, skills and meter readings are written
    in one transaction: an interrupted load leaves the register as it was.

    Parameters
    ----------
    bind : Engine or Session
        The register (an Engine: own transaction; a Session: a savepoint of it).
    name : str or Path
        ``sample_sites/<name>`` or a folder holding a ``site.toml``.
    model : BuildingModel, optional
        The already-read model (default: read the IFC named in ``site.toml``).
    actor : str, optional
        Who is making the change, for the audit trail.

    Returns
    -------
    str
        The site id.
    """
    folder = site_dir(name)
    meta = read_site_toml(folder)
    info = meta["site"]
    if model is None:
        if "model" not in info:
            raise ValidationError(f"{folder / 'site.toml'}: [site] needs model = 'path.ifc'")
        model_path = (folder / str(info["model"])).resolve()
        if not model_path.is_file():
            raise NotFoundError(f"{folder / 'site.toml'}: model {model_path} does not exist")
        model = _load_model(model_path)
    meta["_climate"] = _sample_climate(folder, info)
    meta["_neighbourhood"] = _sample_neighbourhood(folder, info)
    parsed = {kind: io.parse_file(kind, folder / f"{kind}.csv", label=f"{folder.name}/{kind}.csv")
              for kind in SAMPLE_FILES if (folder / f"{kind}.csv").is_file()}  # fmt: skip
    ctx = io.SiteContext(
        spaces={str(g) for g in model.spaces["global_id"]} if len(model.spaces) else set(),
        units={r["unit_id"] for r in parsed["units"].records} if "units" in parsed else set(),
        tenants={r["tenant_id"] for r in parsed["tenants"].records} if "tenants" in parsed
        else set(),
        tenant_names={}, leases={},
    )  # fmt: skip
    for p in parsed.values():
        io.check_references(p, ctx)
    io.raise_if_problems(parsed.values())
    who = get_actor(actor)
    with transaction(bind) as s:
        st = _site_from_model(s, model, site_id=str(info["id"]),
                              name=str(info.get("name", info["id"])),
                              city=str(info.get("city", "")), country=str(info.get("country", "")),
                              crs=info.get("crs"), actor=who)  # fmt: skip
        st.currency = str(info.get("currency", "EUR"))
        _write_sample_settings(s, st, folder, meta, actor=who)
        spaces = core.get_spaces(s, st)
        if "zoning" in parsed:
            for r in parsed["zoning"].records:
                s.add(Zoning(space_pk=spaces[r["space_global_id"]].id, use=r["use"]))
            core.audit(
                s,
                site=st,
                actor=who,
                verb="load_sample",
                table="zoning",
                record=st.site_id,
                action="insert",
                after={"rows": len(parsed["zoning"].records)},
            )
        from site_manager.register.verbs import _define_unit

        for r in parsed.get("units", io.ParsedFile("units", "", [])).records:
            _define_unit(
                s,
                st,
                r["unit_id"],
                r["space_global_ids"],
                name=r["name"],
                storey=r["storey"],
                area_m2=r["area_m2"],
                notes=r["notes"],
                actor=who,
            )
        capacities: dict[str, float] = {}
        for r in parsed.get("boards", io.ParsedFile("boards", "", [])).records:
            s.add(
                Board(
                    site_pk=st.id,
                    board_id=r["board_id"],
                    storey=r["storey"],
                    capacity_kw=r["capacity_kw"],
                )
            )
            capacities[r["board_id"]] = r["capacity_kw"]
        for sp in spaces.values():  # a board's capacity where the property set lacks it
            a = sp.attributes
            if a is not None and a.board_id in capacities and a.board_capacity_kw is None:
                a.board_capacity_kw = capacities[a.board_id]
        for kind in ("tenants", "leases", "equipment", "applicants"):
            if kind in parsed:
                io.write_records(s, st, parsed[kind], actor=who)
        tenants = {
            t.tenant_id: t.id for t in s.scalars(select(Tenant).where(Tenant.site_pk == st.id))
        }
        for r in parsed.get("skills", io.ParsedFile("skills", "", [])).records:
            s.add(Skill(tenant_pk=tenants[r["tenant_id"]], skill=r["skill"], level=r["level"]))
        for r in parsed.get("meters", io.ParsedFile("meters", "", [])).records:
            s.add(
                MeterReading(
                    site_pk=st.id,
                    meter_id=r["meter_id"],
                    tenant_pk=tenants.get(r["tenant_id"] or ""),
                    carrier=r["carrier"],
                    month=r["month"],
                    reading_kwh=r["reading_kwh"],
                    reading_m3=r["reading_m3"],
                )
            )
        for kind in ("boards", "skills", "meters"):  # one entry per file: they are bulk data
            if kind in parsed:
                core.audit(s, site=st, actor=who, verb="load_sample",
                           table={"meters": "meter_readings"}.get(kind, kind),
                           record=st.site_id, action="insert",
                           after={"rows": len(parsed[kind].records),
                                  "file": parsed[kind].file})  # fmt: skip
        s.flush()
        site_id = st.site_id
    log.info("loaded sample site %s from %s", site_id, folder)
    return site_id


def _sample_climate(folder: Path, info: dict[str, Any]) -> pd.DataFrame | None:
    """The sample site's monthly climate table, checked (None when it names none)."""
    name = info.get("climate")
    if not name:
        return None
    frame = read_csv(folder / str(name), "climate_monthly")
    months = sorted(int(m) for m in frame["month"])
    if months != list(range(1, 13)):
        raise ValidationError(f"{folder / str(name)}: needs one row for each month 1 to 12")
    return frame


def _sample_neighbourhood(folder: Path, info: dict[str, Any]) -> dict[str, Any]:
    """The layers of the sample site's neighbourhood GeoPackage (empty when it names none)."""
    name = info.get("neighbourhood")
    if not name:
        return {}
    path = folder / str(name)
    if not path.is_file():
        raise NotFoundError(f"{folder / 'site.toml'}: neighbourhood file {path} does not exist")
    import geopandas as gpd
    import pyogrio

    return {
        str(layer): gpd.read_file(path, layer=str(layer), engine="pyogrio")
        for layer, _kind in pyogrio.list_layers(path)
    }


def _write_sample_settings(
    s: Session, st: Site, folder: Path, meta: dict[str, Any], *, actor: str
) -> None:
    """Location, time zone, tariffs, sources, climate and neighbourhood from ``site.toml``."""
    info = meta["site"]
    for key in ("latitude_deg", "longitude_deg"):
        if key in info:
            setattr(st, key, float(info[key]))
    st.time_zone = str(info["time_zone"]) if info.get("time_zone") else None
    tariffs = {k.removesuffix("_eur_per_kwh"): float(v) for k, v in meta.get("tariffs", {}).items()}
    model_store.write_tariffs(s, st, tariffs)
    model_store.write_sources(s, st, {str(k): str(v) for k, v in meta.get("sources", {}).items()})
    climate = meta.get("_climate")
    if climate is not None:
        model_store.write_climate(s, st, monthly=climate, source=str(info.get("climate")))
    features = model_store.write_neighbourhood(s, st, meta.get("_neighbourhood") or {})
    core.audit(s, site=st, actor=actor, verb="load_sample", table="sites", record=st.site_id,
               action="update",
               after={"tariffs": tariffs, "time_zone": st.time_zone,
                      "climate": str(info.get("climate", "")),
                      "climate_months": 0 if climate is None else len(climate),
                      "neighbourhood_features": features})  # fmt: skip
