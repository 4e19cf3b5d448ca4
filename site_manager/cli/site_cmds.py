"""Commands of the register's sites: ``site create|revise|list|set|climate|neighbourhood|show``.

Called from :mod:`.register_cmds` (whose families they are part of, in ``--help`` order).
Heavy libraries are imported inside the handlers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from site_manager.cli._common import (
    add_format_argument,
    add_site_arguments,
    open_engine,
    print_frame,
)

_common = add_site_arguments
_engine = open_engine


def _table(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    add_format_argument(parser)


def add_commands(sub: Any) -> None:
    """Register the ``site`` command family."""
    from site_manager.assumptions import COST_KEYS

    # site
    site = sub.add_parser("site", help="sites: create from a model, revise, list, settings"
                          ).add_subparsers(dest="site_command", metavar="ACTION",
                                           required=True)  # fmt: skip
    p = site.add_parser("create", help="create a site from an IFC model")
    p.add_argument("model", metavar="MODEL", help="an .ifc file")
    p.add_argument("--name", required=True, help="the site's name")
    p.add_argument("--id", dest="site_id", default=None, help="short id (default from name)")
    p.add_argument("--city", default="")
    p.add_argument("--country", default="")
    p.add_argument("--crs", default=None, help="map CRS, e.g. EPSG:25832")
    p.add_argument("--allow-empty", action="store_true",
                   help="create the site even when the model has no spaces")  # fmt: skip
    _common(p, site=False)
    p.set_defaults(handler=_site_create)
    p = site.add_parser("revise", help="re-import a revised model (spaces matched by GlobalId)")
    p.add_argument("model", metavar="MODEL", help="the revised .ifc file")
    p.add_argument("--dry-run", action="store_true",
                   help="report what would change (and the share of spaces matched), change "
                   "nothing")  # fmt: skip
    p.add_argument("--force", action="store_true",
                   help="apply a model that matches under half of the site's spaces")  # fmt: skip
    _table(p)
    p.set_defaults(handler=_site_revise)
    p = site.add_parser("list", help="the sites in the database")
    _common(p, site=False)
    add_format_argument(p)
    p.set_defaults(handler=_site_list)
    p = site.add_parser("set", help="change the site's location, time zone, currency, name, "
                        "tariffs", description="Only the settings given change; all of them "
                        "or none (a bad value changes nothing).")  # fmt: skip
    p.add_argument("--latitude", metavar="DEG", help="latitude [°], -90 to 90")
    p.add_argument("--longitude", metavar="DEG", help="longitude [°], -180 to 180 (east +)")
    p.add_argument("--time-zone", metavar="NAME", help="IANA time zone, e.g. Europe/Rome")
    p.add_argument("--currency", metavar="CODE", help="ISO 4217 code, e.g. EUR")
    p.add_argument("--name", help="the site's name")
    p.add_argument("--city")
    p.add_argument("--country")
    p.add_argument("--crs", help="map CRS, e.g. EPSG:25832 (the neighbourhood is reprojected)")
    p.add_argument(
        "--boiler-efficiency",
        metavar="X",
        help="seasonal efficiency of the boiler, e.g. 0.92 (fuel = heat / X)",
    )
    p.add_argument(
        "--cost-key",
        choices=COST_KEYS,
        help="how shared workshops, services and circulation are split among "
        "tenants (default area)",
    )
    p.add_argument(
        "--trips-threshold",
        metavar="TRIPS",
        help="trips a day above which a transport assessment is asked for",
    )
    p.add_argument(
        "--noise-limit-day",
        metavar="DBA",
        help="day noise limit at the neighbours' façades [dB(A)]",
    )
    p.add_argument(
        "--noise-limit-night",
        metavar="DBA",
        help="night noise limit at the neighbours' façades [dB(A)]",
    )
    p.add_argument(
        "--noise-hours",
        action="append",
        default=[],
        metavar="KIND=DAY,NIGHT",
        help="hours the machines of a kind of tenant (or 'shared') run by day (0-16, 06-22) "
        "and at night (0-8, 22-06), e.g. smart_factory=16,6; KIND=default goes back to the "
        "default; repeat for several",
    )
    p.add_argument(
        "--tariff",
        action="append",
        default=[],
        metavar="CARRIER=EUR_PER_KWH",
        help="price of electricity, heat or gas [EUR/kWh]; repeat for several",
    )
    _common(p)
    p.set_defaults(handler=_site_set)
    p = site.add_parser("climate", help="store the site's climate from an .epw or .csv file",
                        description="An EnergyPlus weather file (.epw: the hourly year; its "
                        "station fills an unknown latitude and longitude), a CSV of 12 months "
                        "(month, t_out_c, ghi_kwh_m2) or a CSV of 8,760 hours (t_out_c, "
                        "ghi_w_m2). Replaces the site's climate.")  # fmt: skip
    p.add_argument("file", metavar="FILE", help="FILE.epw or FILE.csv")
    _common(p)
    p.set_defaults(handler=_site_climate)
    p = site.add_parser("neighbourhood", help="store the site's neighbourhood from a GeoPackage",
                        description="Every layer with geometry of the .gpkg replaces the "
                        "site's neighbourhood, reprojected to the site's CRS.")  # fmt: skip
    p.add_argument("file", metavar="FILE", help="FILE.gpkg")
    _common(p)
    p.set_defaults(handler=_site_neighbourhood)
    p = site.add_parser("show", help="the site's settings and what the register holds of it")
    _common(p)
    add_format_argument(p, choices=("table", "json"))
    p.set_defaults(handler=_site_show)
    p = site.add_parser("retire", help="retire the site (kept with its records and audit "
                        "trail; no longer run, listed or routed)",
                        description="Sites are never deleted. Refused while one of the site's "
                        "leases ends on or after the day.")  # fmt: skip
    p.add_argument("--on", metavar="YYYY-MM-DD", help="the first day it is retired (today)")
    _common(p)
    p.set_defaults(handler=_site_retire)


# ---------------------------------------------------------------- handlers


def _site_retire(args: argparse.Namespace) -> int:
    from site_manager import register

    day = register.retire_site(_engine(args), site=args.site, on=args.on)
    print(f"site {args.site or ''} retired from {day.isoformat()}".replace("site  ", "site "))
    return 0


def _printable(frame: Any, fmt: str = "table") -> Any:
    """Dates as ISO text; lists ``;``-joined except in JSON."""
    out = frame.copy()
    for col in out.columns:
        sample = next((v for v in out[col] if v is not None and v == v), None)
        if isinstance(sample, dt.date | dt.datetime):
            out[col] = [v.isoformat() if isinstance(v, dt.date | dt.datetime) else None
                        for v in out[col]]  # fmt: skip
        elif isinstance(sample, list) and fmt != "json":
            out[col] = [";".join(map(str, v)) if isinstance(v, list) else v for v in out[col]]
    return out


def _site_create(args: argparse.Namespace) -> int:
    from site_manager import register

    site_id = register.create_site(_engine(args), args.model, site_id=args.site_id, name=args.name,
                                   city=args.city, country=args.country, crs=args.crs,
                                   allow_empty=args.allow_empty)  # fmt: skip
    print(f"created site {site_id} from {args.model}")
    return 0


def _site_revise(args: argparse.Namespace) -> int:
    from site_manager import register

    engine = _engine(args)
    report = register.revise_site(engine, args.model, site=args.site, dry_run=args.dry_run,
                                  force=args.force)  # fmt: skip
    if args.format == "json":
        payload = {k: json.loads(_printable(getattr(report, k), "json").to_json(orient="records"))
                   for k in ("added", "removed", "changed", "affected_leases")}  # fmt: skip
        payload["summary"] = report.summary()
        sys.stdout.write(json.dumps(payload, indent=1, default=str) + "\n")
        return 0
    if args.format == "csv":
        # one table for CSV tools; the summary goes to stderr so stdout stays CSV
        sys.stderr.write(report.summary() + "\n")
        print_frame(_revision_table(report), "csv")
        return 0
    print(report.summary())
    for name in ("added", "removed", "changed", "affected_leases"):
        frame = getattr(report, name)
        if len(frame):
            print(f"\n{name.replace('_', ' ')}:")
            print_frame(_printable(_rounded_areas(frame)), "table")
    return 0


#: Decimals of the areas that ``site revise`` prints as a table or CSV (0.01 m²). [-]
AREA_DECIMALS = 2


def _rounded_areas(frame: Any) -> Any:
    """A copy of a revision frame with its areas [m²] rounded to :data:`AREA_DECIMALS`.

    Areas come from the model's geometry in floating point (the textile mill's dyeing room,
    11.4 × 13.8 − 5.4 × 3.0 m², has a polygon area of 141.12000000000003); a table or CSV
    for people and spreadsheets shows 141.12. The ``area_m2`` column is rounded, and
    ``before``/``after`` where ``field`` is ``area_m2``. ``--format json`` is for programs
    and is not rounded here (pandas writes it to 10 decimals, which hides the noise).
    """
    out = frame.copy()

    def rounded(v: Any) -> Any:
        return round(float(v), AREA_DECIMALS) if isinstance(v, int | float) and v == v else v

    if "area_m2" in out.columns:
        out["area_m2"] = [rounded(v) for v in out["area_m2"]]
    if {"field", "before", "after"} <= set(out.columns):
        area = out["field"] == "area_m2"
        for col in ("before", "after"):
            out[col] = [rounded(v) if a else v for v, a in zip(out[col], area, strict=True)]
    return out


#: Columns of ``site revise --format csv``: one row per added, removed or changed-field space
#: and per affected lease, ``change`` saying which.
REVISION_CSV_COLUMNS = (
    "change", "global_id", "name", "storey", "area_m2", "unit_ids", "field", "before",
    "after", "lease_id", "unit_id", "tenant_id", "start", "end", "reason",
)  # fmt: skip


def _revision_table(report: Any) -> Any:
    """A revision report as one frame (:data:`REVISION_CSV_COLUMNS`); a lease's space is its
    ``global_id``.
    """
    import pandas as pd

    parts = []
    for name, change in (("added", "added"), ("removed", "removed"), ("changed", "changed"),
                         ("affected_leases", "affected_lease")):  # fmt: skip
        frame = _printable(_rounded_areas(getattr(report, name)), "csv")
        frame = frame.rename(columns={"space_global_id": "global_id"})
        frame.insert(0, "change", change)
        parts.append(frame)
    rows = [p for p in parts if len(p)]
    table = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    return table.reindex(columns=list(REVISION_CSV_COLUMNS))


def _site_list(args: argparse.Namespace) -> int:
    from site_manager import register

    print_frame(register.list_sites(_engine(args)), args.format)
    return 0


def _site_set(args: argparse.Namespace) -> int:
    from site_manager import register
    from site_manager.errors import ValidationError

    given = {"latitude_deg": args.latitude, "longitude_deg": args.longitude,
             "time_zone": args.time_zone, "currency": args.currency, "name": args.name,
             "city": args.city, "country": args.country, "crs": args.crs,
             "boiler_efficiency": args.boiler_efficiency, "cost_key": args.cost_key,
             "trips_threshold_per_day": args.trips_threshold,
             "noise_limit_day_dba": args.noise_limit_day,
             "noise_limit_night_dba": args.noise_limit_night}  # fmt: skip
    settings = {k: v for k, v in given.items() if v is not None}
    tariffs: dict[str, str] = {}
    for pair in args.tariff:
        carrier, sep, price = pair.partition("=")
        if not sep or not carrier.strip() or not price.strip():
            raise ValidationError(f"--tariff {pair!r} is not CARRIER=EUR_PER_KWH, e.g. "
                                  "electricity=0.27")  # fmt: skip
        tariffs[carrier.strip()] = price.strip()
    hours, reset = _noise_hours_pairs(args.noise_hours)
    if not settings and not tariffs and not hours and not reset:
        raise ValidationError(
            "nothing to set; give --latitude, --longitude, --time-zone, --currency, --name, "
            "--city, --country, --crs, --boiler-efficiency, --cost-key, --trips-threshold, "
            "--noise-limit-day, --noise-limit-night, --noise-hours or --tariff"
        )
    with register.transaction(_engine(args)) as s:  # all or nothing
        done: dict[str, Any] = {}
        if settings:
            done |= register.set_site_settings(s, site=args.site, **settings)
        if tariffs:
            prices = register.set_tariffs(s, tariffs, site=args.site)
            done |= {f"{k} tariff [EUR/kWh]": v for k, v in prices.items()}
        if hours or reset:
            written = register.set_noise_hours(s, hours, reset=reset, site=args.site)
            done |= {f"{k} hours [h day, night]": "default" if v is None else f"{v[0]:g}, "
                     f"{v[1]:g}" for k, v in written.items()}  # fmt: skip
    print("set " + ", ".join(f"{k} = {v}" for k, v in done.items()))
    return 0


def _noise_hours_pairs(pairs: list[str]) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """``--noise-hours`` values: kind → (day, night) as typed, and the kinds to reset."""
    from site_manager.errors import ValidationError

    hours: dict[str, tuple[str, str]] = {}
    reset: list[str] = []
    for pair in pairs:
        kind, sep, value = (x.strip() for x in pair.partition("="))
        day, comma, night = (x.strip() for x in value.partition(","))
        if kind and sep and value.lower() == "default":
            reset.append(kind)
        elif kind and sep and comma and day and night:
            hours[kind] = (day, night)
        else:
            raise ValidationError(f"--noise-hours {pair!r} is not KIND=DAY,NIGHT (hours by "
                                  "day, hours at night), e.g. smart_factory=16,6, or "
                                  "KIND=default")  # fmt: skip
    return hours, reset


def _site_climate(args: argparse.Namespace) -> int:
    from site_manager import register

    data = register.set_climate(_engine(args), args.file, site=args.site)
    frame = data.hourly if data.hourly is not None else data.monthly
    assert frame is not None
    if data.hourly is not None:
        amount = (f"{len(frame)} hours, mean {frame['t_out_c'].mean():.2f} °C, global "
                  f"horizontal {frame['ghi_w_m2'].sum() / 1000:.1f} kWh/m² a year")  # fmt: skip
    else:
        amount = (f"{len(frame)} months, mean {frame['t_out_c'].mean():.2f} °C, global "
                  f"horizontal {frame['ghi_kwh_m2'].sum():.1f} kWh/m² a year")  # fmt: skip
    print(f"climate stored: {data.description}; {amount}")
    return 0


def _site_neighbourhood(args: argparse.Namespace) -> int:
    from site_manager import register

    counts = register.set_neighbourhood(_engine(args), args.file, site=args.site)
    print(f"neighbourhood stored: {sum(counts.values())} features ("
          + ", ".join(f"{layer} {n}" for layer, n in counts.items()) + ")")  # fmt: skip
    return 0


def _site_show(args: argparse.Namespace) -> int:
    from site_manager import register

    f = register.frames(_engine(args), args.site)
    layers = (
        f.neighbourhood["layer"].value_counts(sort=False).to_dict() if len(f.neighbourhood) else {}
    )
    info: dict[str, Any] = {
        **{k: f.site[k] for k in ("site_id", "name", "city", "country", "crs", "latitude_deg",
                                  "longitude_deg", "time_zone", "currency")},
        "tariffs_eur_per_kwh": dict(f.tariffs), "climate_source": f.site["climate_source"],
        "climate_months": len(f.climate_monthly), "climate_hours": len(f.climate_hourly),
        "neighbourhood_features": {str(k): int(v) for k, v in layers.items()},
        "spaces": int((~f.spaces["removed"].astype(bool)).sum()) if len(f.spaces) else 0,
        "fabric_elements": 0 if f.fabric is None else len(f.fabric),
        "structural_columns": len(f.columns), "applicants": len(f.applicants),
        "register_revision": f.revision,
    }  # fmt: skip
    if args.format == "json":
        sys.stdout.write(json.dumps(info, indent=1) + "\n")
        return 0

    def known(v: Any) -> str:
        return "unknown" if v is None or v == "" else str(v)

    tariffs = ", ".join(f"{k} {v:g}" for k, v in info["tariffs_eur_per_kwh"].items())
    place = ", ".join(x for x in (info["city"], info["country"]) if x)
    lines = [
        f"site {info['site_id']}: {info['name']}" + (f" ({place})" if place else ""),
        f"location: latitude {known(info['latitude_deg'])}°, longitude "
        f"{known(info['longitude_deg'])}°",
        f"crs: {known(info['crs'])}",
        f"time zone: {known(info['time_zone'])}",
        f"currency: {info['currency']}",
        f"tariffs: {tariffs + ' EUR/kWh' if tariffs else 'none'}",
        f"climate: {known(info['climate_source'])} ({info['climate_months']} months, "
        f"{info['climate_hours']} hours)",
        "neighbourhood: " + (", ".join(f"{k} {v}" for k, v in
                                       info["neighbourhood_features"].items()) or "none"),
        f"spaces: {info['spaces']}",
        f"fabric elements: {info['fabric_elements']}",
        f"structural columns: {info['structural_columns']}",
        f"applicants: {info['applicants']}",
        f"register revision: {info['register_revision']}",
    ]  # fmt: skip
    print("\n".join(lines))
    return 0
