"""Finding a site and its records: the lookups the verbs share.

The audit trail is :mod:`site_manager.register.audit`; values are read by the contract
(:mod:`site_manager.register.contracts`), and checked by :mod:`site_manager.register.rules`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from site_manager.errors import NotFoundError
from site_manager.register.schema import Lease, Site, Space, Tenant, Unit


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
