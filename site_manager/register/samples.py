"""Loading a sample site (``sample_sites/NAME``) into the register in one transaction.

This is the only code of the register that reads the sample folders (through
:mod:`site_manager.sites`); everything else reads the register.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from site_manager import sites as sample_folders
from site_manager.errors import NotFoundError, ValidationError
from site_manager.model import BuildingModel
from site_manager.register import contracts, core, model_store, noise_hours, rules
from site_manager.register.audit import Audit
from site_manager.register.checks import ParsedFile, check_file, parse_file, raise_if_problems
from site_manager.register.engine import get_actor, transaction
from site_manager.register.schema import (
    Board,
    MeterReading,
    Site,
    Skill,
    Tenant,
    Zoning,
)
from site_manager.register.sites import _load_model, _site_from_model
from site_manager.register.writing import write_records

log = logging.getLogger(__name__)

Bind = Engine | Session

#: Sample-site files in the order they are written (later ones refer to earlier ones).
SAMPLE_FILES = tuple(name for name in contracts.TABLES if name != "climate_monthly")


def sample_names() -> list[str]:
    """The names of the sample sites :func:`load_sample` can load, sorted."""
    return sample_folders.list_sample_sites()


def load_samples_if_empty(bind: Engine) -> list[str]:
    """Into a register that holds no site, every sample site (the dashboard's first start,
    ``site-manager user demo --load-samples``); the site ids loaded (none: it had sites).
    """
    with transaction(bind, readonly=True) as s:
        if s.scalar(select(Site.id).limit(1)) is not None:
            return []
    loaded = []
    for name in sample_names():
        log.info("loading sample site %s", name)
        loaded.append(load_sample(bind, name))
    return loaded


def load_sample(
    bind: Bind,
    name: str | Path,
    *,
    model: BuildingModel | None = None,
    actor: str | None = None,
) -> str:
    """Load a sample site: its model and every CSV, in one transaction.

    Every file is read and checked first; one :class:`~site_manager.register.checks.
    ImportValidationError` lists the bad rows of all files. Then the site, its spaces,
    zoning, units, boards, tenants, leases, equipment, skills, meter readings and community
    rules (``community_rules.toml``, :mod:`site_manager.layout.community`) are written in one
    transaction: an interrupted load leaves the register as it was.

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
    folder = sample_folders.site_dir(name)
    meta = sample_folders.read_site_toml(folder)
    info = meta["site"]
    if model is None:
        if "model" not in info:
            raise ValidationError(f"{folder / 'site.toml'}: [site] needs model = 'path.ifc'")
        model_path = (folder / str(info["model"])).resolve()
        if not model_path.is_file():
            raise NotFoundError(f"{folder / 'site.toml'}: model {model_path} does not exist")
        model = _load_model(model_path)
    meta["_climate"] = _sample_climate(folder, info)
    meta["_weather"] = _sample_weather(folder, info)
    meta["_neighbourhood"] = _sample_neighbourhood(folder, info)
    meta["_impact"] = _sample_impact_settings(folder, meta)
    meta["_noise_hours"] = _sample_noise_hours(folder, meta)
    parsed = {kind: parse_file(kind, folder / f"{kind}.csv", label=f"{folder.name}/{kind}.csv")
              for kind in SAMPLE_FILES if (folder / f"{kind}.csv").is_file()}  # fmt: skip
    empty = {kind: ParsedFile(kind, "", []) for kind in SAMPLE_FILES}
    ctx = rules.SiteContext(
        str(info["id"]),
        spaces={str(g) for g in model.spaces["global_id"]} if len(model.spaces) else set(),
        units={r["unit_id"] for r in parsed.get("units", empty["units"]).records},
        tenants={r["tenant_id"] for r in parsed.get("tenants", empty["tenants"]).records},
    )  # fmt: skip
    for p in parsed.values():
        check_file(p, ctx)
    raise_if_problems(parsed.values())
    community = _sample_rules(folder)
    who = get_actor(actor)
    with transaction(bind) as s:
        st = _site_from_model(s, model, site_id=str(info["id"]),
                              name=str(info.get("name", info["id"])),
                              city=str(info.get("city", "")), country=str(info.get("country", "")),
                              crs=info.get("crs"), actor=who)  # fmt: skip
        st.currency = str(info.get("currency", "EUR"))
        trail = Audit(s, st, who, "load_sample")
        _write_sample_settings(trail, folder, meta)
        spaces = core.get_spaces(s, st)
        for r in parsed.get("zoning", empty["zoning"]).records:
            s.add(Zoning(space_pk=spaces[r["space_global_id"]].id, use=r["use"]))
        from site_manager.register.verbs import _define_unit

        for r in parsed.get("units", empty["units"]).records:
            _define_unit(s, st, r["unit_id"], r["space_global_ids"].split(";"), name=r["name"],
                         storey=r["storey"], area_m2=r["area_m2"], notes=r["notes"],
                         actor=who)  # fmt: skip
        capacities: dict[str, float] = {}
        for r in parsed.get("boards", empty["boards"]).records:
            s.add(Board(site_pk=st.id, board_id=r["board_id"], storey=r["storey"],
                        capacity_kw=r["capacity_kw"]))  # fmt: skip
            capacities[r["board_id"]] = r["capacity_kw"]
        for sp in spaces.values():  # a board's capacity where the property set lacks it
            a = sp.attributes
            if a is not None and a.board_id in capacities and a.board_capacity_kw is None:
                a.board_capacity_kw = capacities[a.board_id]
        for kind in contracts.IMPORTABLE:
            if kind in parsed:
                write_records(s, st, parsed[kind], actor=who)
        tenants = {
            t.tenant_id: t.id for t in s.scalars(select(Tenant).where(Tenant.site_pk == st.id))
        }
        for r in parsed.get("skills", empty["skills"]).records:
            s.add(Skill(tenant_pk=tenants[r["tenant_id"]], skill=r["skill"], level=r["level"]))
        for r in parsed.get("meters", empty["meters"]).records:
            s.add(MeterReading(site_pk=st.id, meter_id=r["meter_id"],
                               tenant_pk=tenants.get(r["tenant_id"] or ""), carrier=r["carrier"],
                               month=r["month"], reading_kwh=r["reading_kwh"],
                               reading_m3=r["reading_m3"]))  # fmt: skip
        for kind in ("zoning", "boards", "skills", "meters"):  # one entry a file: bulk data
            if kind in parsed:
                trail.note({"meters": "meter_readings"}.get(kind, kind), st.site_id, "insert",
                           after={"rows": len(parsed[kind].records),
                                  "file": parsed[kind].file})  # fmt: skip
        s.flush()
        if community is not None:
            from site_manager.register.community_rules import store_rules

            store_rules(s, st.site_id, community[0], community[1], actor=who)
        _load_sharing(s, folder, st.site_id, who)
        site_id = st.site_id
    log.info("loaded sample site %s from %s", site_id, folder)
    return site_id


#: The sample site's trainings and bookings files (optional; ``booking``/``training`` verbs).
SHARING_FILES = ("trainings.csv", "bookings.csv")


def _load_sharing(s: Session, folder: Path, site_id: str, actor: str) -> None:
    """The sample's trainings, then its bookings, through the register's verbs: their rules
    check every row (membership, opening hours, training, overlap), so a sample that breaks
    one does not load. A training's date rule is for granting one now: the files record
    trainings given before, so none is refused for it.
    """
    from site_manager.register.bookings import grant_training, make_booking

    trainings, bookings = (_csv_rows(folder / name) for name in SHARING_FILES)
    for r in trainings:
        grant_training(s, tenant_id=r["tenant_id"], equipment_type=r["equipment_type"],
                       granted_by=r.get("granted_by") or "", valid_until=r.get("valid_until")
                       or None, site=site_id, actor=actor, today=dt.date.min)  # fmt: skip
    for r in bookings:
        make_booking(s, booking_id=r.get("booking_id") or None, equipment_id=r["equipment_id"],
                     tenant_id=r["tenant_id"], start=r["start"], end=r["end"],
                     purpose=r.get("purpose") or "", site=site_id, actor=actor)  # fmt: skip


def _csv_rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


#: The sample site's community rules file (optional).
RULES_FILE = "community_rules.toml"


def _sample_rules(folder: Path) -> tuple[list[dict[str, Any]], str] | None:
    """The sample's community rules, checked (rule tables and the file's text), or None."""
    path = folder / RULES_FILE
    if not path.is_file():
        return None
    from site_manager.layout.community import parse_rules, rules_to_data

    text = path.read_text(encoding="utf-8")
    rules = parse_rules(text, source=f"{folder.name}/{RULES_FILE}")
    return rules_to_data(rules)["rules"], text


def _sample_climate(folder: Path, info: dict[str, Any]) -> pd.DataFrame | None:
    """The sample site's monthly climate table, checked (None when it names none)."""
    name = info.get("climate")
    if not name:
        return None
    frame = sample_folders.read_csv(folder / str(name), "climate_monthly")
    months = sorted(int(m) for m in frame["month"])
    if months != list(range(1, 13)):
        raise ValidationError(f"{folder / str(name)}: needs one row for each month 1 to 12")
    return frame


def _sample_weather(folder: Path, info: dict[str, Any]) -> model_store.ClimateFile | None:
    """The sample site's hourly weather file (``weather = "FILE.epw"``), checked; else None."""
    name = info.get("weather")
    if not name:
        return None
    path = folder / str(name)
    if not path.is_file():
        raise NotFoundError(f"{folder / 'site.toml'}: weather file {path} does not exist")
    data = model_store.read_climate_file(path)
    if data.hourly is None:
        raise ValidationError(f"{folder / 'site.toml'}: weather {name} is not an hourly year")
    return data


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


def _write_sample_settings(trail: Audit, folder: Path, meta: dict[str, Any]) -> None:
    """Location, time zone, tariffs, sources, climate and neighbourhood from ``site.toml``."""
    s, st = trail.session, trail.site
    assert st is not None
    info = meta["site"]
    for key in ("latitude_deg", "longitude_deg"):
        if key in info:
            setattr(st, key, float(info[key]))
    st.time_zone = str(info["time_zone"]) if info.get("time_zone") else None
    impact = meta.get("_impact") or {}
    for key, value in impact.items():
        setattr(st, key, value)
    hours = meta.get("_noise_hours") or {}
    noise_hours.write_noise_hours(s, st, hours)
    tariffs = {k.removesuffix("_eur_per_kwh"): float(v) for k, v in meta.get("tariffs", {}).items()}
    model_store.write_tariffs(s, st, tariffs)
    model_store.write_sources(s, st, {str(k): str(v) for k, v in meta.get("sources", {}).items()})
    climate = meta.get("_climate")
    weather = meta.get("_weather")
    if weather is not None:  # the hourly year, with the monthly table made from it
        model_store.write_climate(s, st, monthly=climate, hourly=weather.hourly,
                                  source=Path(str(info["weather"])).name)  # fmt: skip
    elif climate is not None:
        model_store.write_climate(s, st, monthly=climate, source=str(info.get("climate")))
    features = model_store.write_neighbourhood(s, st, meta.get("_neighbourhood") or {})
    trail.note("sites", st.site_id, "update",
               after={"tariffs": tariffs, "time_zone": st.time_zone,
                      "climate": str(info.get("climate", "")),
                      "climate_months": 0 if climate is None else len(climate),
                      "climate_hours": 0 if weather is None else len(weather.hourly),
                      "neighbourhood_features": features, **impact,
                      "noise_hours": {k: list(v) for k, v in hours.items()}})  # fmt: skip


#: The keys of site.toml's ``[impact]`` table: the impact report's site settings.
IMPACT_SETTINGS = ("trips_threshold_per_day", "noise_limit_day_dba", "noise_limit_night_dba")


def _sample_impact_settings(folder: Path, meta: dict[str, Any]) -> dict[str, Any]:
    """The ``[impact]`` table of ``site.toml``, checked as ``site set`` checks them."""
    table = meta.get("impact", {})
    unknown = sorted(set(table) - {*IMPACT_SETTINGS, "hours"})
    if unknown:
        raise ValidationError(f"{folder / 'site.toml'}: [impact] {', '.join(unknown)} unknown; "
                              f"give {', '.join(IMPACT_SETTINGS)} or [impact.hours]")  # fmt: skip
    try:
        return model_store.check_site_settings({k: table.get(k) for k in IMPACT_SETTINGS})
    except ValidationError as exc:
        raise ValidationError(f"{folder / 'site.toml'}: [impact] {exc}") from None


def _sample_noise_hours(folder: Path, meta: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """The ``[impact.hours]`` table of ``site.toml``: kind = [hours by day, hours at night],
    checked as ``site set --noise-hours`` checks them. [h]
    """
    table = meta.get("impact", {}).get("hours", {})
    if not isinstance(table, dict):
        raise ValidationError(f"{folder / 'site.toml'}: [impact] hours must be a table "
                              "[impact.hours] of kind = [day, night]")  # fmt: skip
    try:
        return noise_hours.check_noise_hours(table)
    except ValidationError as exc:
        raise ValidationError(f"{folder / 'site.toml'}: [impact.hours] {exc}") from None
