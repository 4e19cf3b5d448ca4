"""Helpers the verbs share: finding a site and its records, parsing values, the audit trail."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from site_manager.errors import NotFoundError, ValidationError
from site_manager.register.schema import AuditEntry, Base, Lease, Site, Space, Tenant, Unit


def now() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


def parse_float(
    value: Any, *, what: str, minimum: float | None = None, maximum: float | None = None
) -> float:
    """A finite number within ``[minimum, maximum]``; a ``ValidationError`` otherwise."""
    try:
        number = (
            float(str(value).strip().replace(",", "")) if isinstance(value, str) else float(value)
        )
    except (TypeError, ValueError):
        raise ValidationError(f"{what} {value!r} is not a number") from None
    if not math.isfinite(number):
        raise ValidationError(f"{what} {value!r} is not a finite number")
    if minimum is not None and number < minimum:
        raise ValidationError(f"{what} {value!r} is below {minimum:g}; give at least {minimum:g}")
    if maximum is not None and number > maximum:
        raise ValidationError(f"{what} {value!r} is above {maximum:g}; give at most {maximum:g}")
    return number


def get_site(session: Session, site: str | None) -> Site:
    """The site named ``site``, or the only site when ``site`` is ``None``."""
    if site is not None:
        found = session.scalars(select(Site).where(Site.site_id == site)).one_or_none()
        if found is None:
            names = session.scalars(select(Site.site_id).order_by(Site.site_id)).all()
            raise NotFoundError(
                f"site {site!r} is not in the register; known sites: "
                f"{', '.join(names) or 'none (load one with `site-manager sample load NAME`)'}"
            )
        return found
    sites = session.scalars(select(Site).order_by(Site.site_id)).all()
    if not sites:
        raise NotFoundError(
            "the register holds no site yet; create one with `site-manager site create MODEL` "
            "or `site-manager sample load NAME`"
        )
    if len(sites) > 1:
        raise NotFoundError(
            f"the register holds {len(sites)} sites ({', '.join(s.site_id for s in sites)}); "
            "name one with --site"
        )
    return sites[0]


def get_unit(session: Session, site: Site, unit_id: str) -> Unit:
    """The unit ``unit_id`` of ``site``."""
    unit = session.scalars(
        select(Unit).where(Unit.site_pk == site.id, Unit.unit_id == unit_id)
    ).one_or_none()
    if unit is None:
        raise NotFoundError(
            f"unit {unit_id!r} does not exist in site {site.site_id}; see `site-manager unit list`"
        )
    return unit


def get_tenant(session: Session, site: Site, tenant_id: str) -> Tenant:
    """The tenant ``tenant_id`` of ``site``."""
    tenant = session.scalars(
        select(Tenant).where(Tenant.site_pk == site.id, Tenant.tenant_id == tenant_id)
    ).one_or_none()
    if tenant is None:
        raise NotFoundError(
            f"tenant {tenant_id!r} does not exist in site {site.site_id}; "
            "see `site-manager tenant list` or import the tenant first"
        )
    return tenant


def get_lease(session: Session, site: Site, lease_id: str) -> Lease:
    """The lease ``lease_id`` of ``site``."""
    lease = session.scalars(
        select(Lease).where(Lease.site_pk == site.id, Lease.lease_id == lease_id)
    ).one_or_none()
    if lease is None:
        raise NotFoundError(
            f"lease {lease_id!r} does not exist in site {site.site_id}; "
            "see `site-manager lease list`"
        )
    return lease


def get_spaces(session: Session, site: Site) -> dict[str, Space]:
    """The site's spaces by GlobalId (removed ones included)."""
    return {s.global_id: s for s in session.scalars(select(Space).where(Space.site_pk == site.id))}


def record_dict(obj: Base) -> dict[str, Any]:
    """A record's column values, JSON-ready (dates ISO)."""
    out: dict[str, Any] = {}
    for col in obj.__table__.columns:  # type: ignore[attr-defined]
        value = getattr(obj, col.key)
        if isinstance(value, dt.date | dt.datetime):
            value = value.isoformat()
        out[col.key] = value
    return out


def audit_row(
    *,
    site: Site | None,
    actor: str,
    verb: str,
    table: str,
    record: str,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    """The values of one audit entry, for a bulk insert."""
    return {
        "site_pk": site.id if site is not None else None,
        "at": at or now(),
        "actor": actor,
        "verb": verb,
        "table_name": table,
        "record": record,
        "action": action,
        "before_json": None if before is None else json.dumps(before, sort_keys=True, default=str),
        "after_json": None if after is None else json.dumps(after, sort_keys=True, default=str),
    }


def audit(
    session: Session,
    *,
    site: Site | None,
    actor: str,
    verb: str,
    table: str,
    record: str,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append one entry to the audit trail (in the caller's transaction)."""
    session.add(
        AuditEntry(
            **audit_row(
                site=site,
                actor=actor,
                verb=verb,
                table=table,
                record=record,
                action=action,
                before=before,
                after=after,
            )
        )
    )


def overlap_message(unit_id: str, other: Lease, other_tenant_id: str) -> str:
    """Why a lease of ``unit_id`` is refused: the conflicting lease, its dates and tenant."""
    return (
        f"unit {unit_id} is already leased from {other.start_date.isoformat()} to "
        f"{other.end_date.isoformat()} by lease {other.lease_id} (tenant {other_tenant_id}); "
        "choose dates that do not overlap it"
    )


def find_overlap(
    session: Session, unit: Unit, start: dt.date, end: dt.date, *, exclude_pk: int | None = None
) -> tuple[Lease, str] | None:
    """The first lease of ``unit`` overlapping ``[start, end]`` and its tenant id, if any."""
    query = (
        select(Lease, Tenant.tenant_id)
        .join(Tenant, Tenant.id == Lease.tenant_pk)
        .where(Lease.unit_pk == unit.id, Lease.start_date <= end, Lease.end_date >= start)
        .order_by(Lease.start_date)
    )
    if exclude_pk is not None:
        query = query.where(Lease.id != exclude_pk)
    row = session.execute(query).first()
    return None if row is None else (row[0], row[1])
