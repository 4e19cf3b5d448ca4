"""Verbs that change a site's settings: location, time zone, currency, tariffs, climate and
neighbourhood.

Each verb is one transaction (or one savepoint when given a ``Session``), is written to the
audit trail, and either does everything or nothing. The files they read are checked by
:mod:`site_manager.register.model_store`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from site_manager.errors import ValidationError
from site_manager.register import core, model_store, noise_hours
from site_manager.register.audit import Audit
from site_manager.register.engine import get_actor, transaction
from site_manager.register.noise_hours import SiteNoiseHours
from site_manager.register.schema import (
    Tariff,
)
from site_manager.register.values import parse_number

log = logging.getLogger(__name__)

Bind = Engine | Session

#: Carriers :func:`set_tariffs` accepts (prices in EUR/kWh).
TARIFF_CARRIERS = ("electricity", "heat", "gas")


def set_site_settings(
    bind: Bind,
    *,
    site: str | None = None,
    actor: str | None = None,
    latitude_deg: float | str | None = None,
    longitude_deg: float | str | None = None,
    time_zone: str | None = None,
    currency: str | None = None,
    name: str | None = None,
    city: str | None = None,
    country: str | None = None,
    crs: str | None = None,
    boiler_efficiency: float | str | None = None,
    cost_key: str | None = None,
    trips_threshold_per_day: float | str | None = None,
    noise_limit_day_dba: float | str | None = None,
    noise_limit_night_dba: float | str | None = None,
) -> dict[str, Any]:
    """Change the site's settings; only those given (not ``None``) change.

    Parameters
    ----------
    bind : Engine or Session
        The register.
    site : str, optional
        Site id (default: the only site).
    actor : str, optional
        Who is making the change, for the audit trail.
    latitude_deg, longitude_deg : float, optional
        Location, in [-90, 90] and [-180, 180]. [°]
    time_zone : str, optional
        IANA time zone (``Europe/Rome``).
    currency : str, optional
        ISO 4217 code, three capital letters (``EUR``).
    name, city, country : str, optional
        The site's name (not empty), city and country.
    crs : str, optional
        Map coordinate reference system pyproj knows, stored as ``EPSG:NNNN``; a stored
        neighbourhood is reprojected from the old one.
    boiler_efficiency : float, optional
        Seasonal efficiency of the boiler, 0.3–1.5 (above 1: a heat pump's seasonal
        performance on the same carrier is not meant; condensing boilers reach about 1.05
        on the net calorific value). [–]
    cost_key : str, optional
        How shared parts are split: one of :data:`site_manager.assumptions.COST_KEYS`.
    trips_threshold_per_day : float, optional
        Trips a day above which the municipality asks for a transport assessment. [1/d]
    noise_limit_day_dba, noise_limit_night_dba : float, optional
        Noise limits at the neighbours' façades, 20–90. [dB(A)]

    Returns
    -------
    dict
        The settings written, in stored form.
    """
    values = model_store.check_site_settings({
        "latitude_deg": latitude_deg, "longitude_deg": longitude_deg, "time_zone": time_zone,
        "currency": currency, "name": name, "city": city, "country": country, "crs": crs,
        "boiler_efficiency": boiler_efficiency, "cost_key": cost_key,
        "trips_threshold_per_day": trips_threshold_per_day,
        "noise_limit_day_dba": noise_limit_day_dba, "noise_limit_night_dba": noise_limit_night_dba,
    })  # fmt: skip
    if not values:
        raise ValidationError(
            "no setting given; give a latitude, longitude, time zone, currency, name, city, "
            "country, crs, boiler efficiency, cost key, trips threshold or noise limits"
        )
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        before = {k: getattr(st, k) for k in values}
        if values.get("crs") and st.crs and values["crs"] != st.crs:
            moved = model_store.reproject_neighbourhood(s, st, st.crs, values["crs"])
            log.info("site %s: %d neighbourhood features moved to %s", st.site_id, moved,
                     values["crs"])  # fmt: skip
        for key, value in values.items():
            setattr(st, key, value)
        s.flush()
        Audit(s, st, who, "set_site_settings").note("sites", st.site_id, "update", before=before,
                                                    after=values)  # fmt: skip
    return values


def set_tariffs(
    bind: Bind,
    tariffs: Mapping[str, float | str],
    *,
    site: str | None = None,
    actor: str | None = None,
) -> dict[str, float]:
    """Set the price of energy carriers; carriers not given keep theirs.

    Parameters
    ----------
    bind : Engine or Session
        The register.
    tariffs : mapping
        Carrier (:data:`TARIFF_CARRIERS`) → price, not negative. [EUR/kWh]
    site : str, optional
        Site id (default: the only site).
    actor : str, optional
        Who is making the change, for the audit trail.

    Returns
    -------
    dict
        The prices written. [EUR/kWh]
    """
    if not tariffs:
        raise ValidationError(f"no tariff given; give a price for {', '.join(TARIFF_CARRIERS)}")
    prices: dict[str, float] = {}
    for carrier, price in tariffs.items():
        if carrier not in TARIFF_CARRIERS:
            raise ValidationError(
                f"tariff carrier {carrier!r} is not one of {', '.join(TARIFF_CARRIERS)}"
            )
        prices[carrier] = parse_number(price, what=f"{carrier} tariff [EUR/kWh]",
                                                 minimum=0.0)  # fmt: skip
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        before = {t.carrier: t.eur_per_kwh for t in s.scalars(
            select(Tariff).where(Tariff.site_pk == st.id, Tariff.carrier.in_(list(prices)))
        )}  # fmt: skip
        model_store.write_tariffs(s, st, prices)
        Audit(s, st, who, "set_tariffs").note("tariffs", st.site_id, "update", before=before,
                                              after=prices)  # fmt: skip
    return prices


def set_noise_hours(
    bind: Bind,
    hours: Mapping[str, Any],
    *,
    reset: Sequence[str] = (),
    site: str | None = None,
    actor: str | None = None,
) -> dict[str, tuple[float, float] | None]:
    """Set the hours the machines of each kind of tenant run by day and at night.

    The noise at the neighbours averages each machine's sound power over the day (06–22) and
    the night (22–06) by these hours (:mod:`site_manager.impact.noise`). Kinds not given
    keep theirs; a kind the site never set uses :data:`site_manager.assumptions.NOISE_HOURS`.

    Parameters
    ----------
    bind : Engine or Session
        The register.
    hours : mapping
        Kind (a tenant kind, or ``shared`` for the shared workshops' machines) → (hours by
        day in 0–16, hours at night in 0–8). [h]
    reset : sequence of str
        Kinds whose setting is removed: they go back to the defaults.
    site : str, optional
        Site id (default: the only site).
    actor : str, optional
        Who is making the change, for the audit trail.

    Returns
    -------
    dict
        Kind → (day, night) written, or ``None`` for a kind reset. [h]
    """
    checked = noise_hours.check_noise_hours(dict(hours))
    gone = list(noise_hours.check_noise_hours({k: (0, 0) for k in reset}))
    if not checked and not gone:
        raise ValidationError("no operating hours given; give KIND=DAY,NIGHT, e.g. "
                              "smart_factory=16,6")  # fmt: skip
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        trail = Audit(s, st, who, "set_noise_hours")  # refused here, before any change
        rows = s.scalars(select(SiteNoiseHours).where(SiteNoiseHours.site_pk == st.id,
                         SiteNoiseHours.kind.in_([*checked, *gone]))).all()  # fmt: skip
        before = {r.kind: [r.hours_day, r.hours_night] for r in rows}
        for r in rows:
            if r.kind in gone:
                s.delete(r)
        s.flush()
        noise_hours.write_noise_hours(s, st, checked)
        after = {k: list(v) for k, v in checked.items()} | dict.fromkeys(gone)
        trail.note("site_noise_hours", st.site_id, "update", before=before, after=after)
    return {**checked, **dict.fromkeys(gone)}


def set_climate(
    bind: Bind, path: str | Path, *, site: str | None = None, actor: str | None = None
) -> model_store.ClimateFile:
    """Replace the site's climate with a file's (:data:`model_store.CLIMATE_FILE_FORMS`).

    An EPW file gives the hourly year (``t_out_c`` [°C], ``ghi_w_m2`` [W/m²]; 29 February
    dropped); a monthly CSV the 12 months. The site's ``climate_source`` becomes the file's
    name and its ``climate`` source the file and station; an EPW file's station location
    fills the site's latitude and longitude where they are unknown (never overwrites them).

    Returns
    -------
    ClimateFile
        What was read and stored.

    Raises
    ------
    ValidationError
        Naming the file, what is wrong and what a climate file must be; nothing changes.
    """
    data = model_store.read_climate_file(path)
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        counts = model_store.settings_counts(s, st)
        before: dict[str, Any] = {"climate_source": st.climate_source,
                                  "months": counts["months"], "hours": counts["hours"],
                                  "latitude_deg": st.latitude_deg,
                                  "longitude_deg": st.longitude_deg}  # fmt: skip
        model_store.write_climate(s, st, monthly=data.monthly, hourly=data.hourly,
                                  source=Path(path).name)  # fmt: skip
        model_store.write_sources(s, st, {"climate": data.description})
        if st.latitude_deg is None and data.latitude_deg is not None:
            st.latitude_deg = data.latitude_deg
        if st.longitude_deg is None and data.longitude_deg is not None:
            st.longitude_deg = data.longitude_deg
        s.flush()
        after = {"climate_source": st.climate_source,
                 "months": 0 if data.monthly is None else len(data.monthly),
                 "hours": 0 if data.hourly is None else len(data.hourly),
                 "latitude_deg": st.latitude_deg, "longitude_deg": st.longitude_deg}  # fmt: skip
        Audit(s, st, who, "set_climate").note("sites", st.site_id, "update", before=before,
                                              after=after)  # fmt: skip
    log.info("site climate: %s", data.description)
    return data


def set_neighbourhood(
    bind: Bind, path: str | Path, *, site: str | None = None, actor: str | None = None
) -> dict[str, int]:
    """Replace the site's neighbourhood with every layer of a GeoPackage.

    Layers are reprojected to the site's CRS when it has one and theirs differs; a site
    without a CRS takes the file's (its first layer's). A layer without a CRS is refused
    when the site has one.

    Returns
    -------
    dict
        Layer name → features stored.

    Raises
    ------
    ValidationError
        Naming the file and what is wrong with it; nothing changes.
    """
    import pyproj

    layers = model_store.read_neighbourhood_file(path)
    name = Path(path).name
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        target = st.crs
        if target is None:
            first = next((g.crs for g in layers.values() if g.crs is not None), None)
            target = None if first is None else model_store.crs_code(first, what=f"{name} CRS")
        moved = []
        for layer, gdf in layers.items():
            if gdf.crs is None and target is not None:
                raise ValidationError(
                    f"{name}: layer {layer!r} has no coordinate reference system; give it "
                    f"one (the site's is {target})"
                )
            if target is not None and not pyproj.CRS.from_user_input(target).equals(gdf.crs):
                layers[layer] = gdf.to_crs(target)
                moved.append(layer)
        before = model_store.settings_counts(s, st)["features"]
        model_store.write_neighbourhood(s, st, layers)
        old_crs = st.crs
        st.crs = target
        s.flush()
        counts = {layer: len(gdf) for layer, gdf in layers.items()}
        Audit(s, st, who, "set_neighbourhood").note(
            "neighbourhood_features", st.site_id, "update",
            before={"features": before, "crs": old_crs},
            after={"file": name, "layers": counts, "crs": target,
                   "reprojected": moved})  # fmt: skip
    return counts


def retire_site(
    bind: Bind, *, site: str | None = None, on: Any = None, actor: str | None = None
) -> dt.date:
    """Retire a site from ``on`` (default today): it keeps every record and its audit trail,
    and leaves the dashboard's site list and the network's routing from that day.

    A site is never deleted while audit entries point at it (the database refuses); this is
    how a site stops. Refused while a lease of the site ends on or after ``on`` (end it
    first: ``lease end``), or when the site is retired already. Only an administrator may.

    Returns
    -------
    datetime.date
        The day the site is retired from.
    """
    from site_manager.errors import RegisterError
    from site_manager.parsing import parse_date
    from site_manager.register.schema import Lease

    day = dt.date.today() if on in (None, "") else parse_date(on, what="retirement day")
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        if st.retired_on is not None:
            raise RegisterError(f"site {st.site_id} is retired already (from "
                                f"{st.retired_on.isoformat()})")  # fmt: skip
        late = select(Lease.lease_id).where(Lease.site_pk == st.id, Lease.end_date >= day)
        running = s.scalars(late.order_by(Lease.end_date)).first()
        if running is not None:
            raise RegisterError(f"site {st.site_id} has lease {running} running on or after "
                                f"{day.isoformat()}; end its leases first "
                                "(site-manager lease end ID --on DATE)")  # fmt: skip
        with Audit(s, st, who, "retire_site").changing(st, record=st.site_id):
            st.retired_on = day
    log.info("site %s retired from %s", st.site_id, day)
    return day
