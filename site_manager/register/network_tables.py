"""What the Invisible Factory reads of every site at once (:mod:`site_manager.network`).

One read transaction, one query per table, all sites together: a network of 50 sites
reads in a fraction of a second, where a :func:`~site_manager.register.queries.frames`
per site would read every site's spaces, fabric and climate too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import aliased

from site_manager.network.model import NETWORK_COLUMNS
from site_manager.register.booking_schema import EquipmentBooking, Training
from site_manager.register.engine import transaction
from site_manager.register.schema import Equipment, Lease, Site, Skill, Tenant


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def network_tables(bind: Any) -> dict[str, pd.DataFrame]:
    """Every site's row (but a retired site's) and its tenants, leases, equipment, skills,
    trainings and live bookings, as the frames of :class:`site_manager.network.Network`
    (:data:`~site_manager.network.model.NETWORK_COLUMNS`; bookings aware, in UTC).
    """
    owner = aliased(Tenant)
    with transaction(bind, readonly=True) as s:
        rows: dict[str, list[Any]] = {
            "sites": list(s.execute(select(Site.site_id, Site.name, Site.latitude_deg,
                                           Site.longitude_deg, Site.time_zone)
                                    .order_by(Site.site_id))),
            "tenants": list(s.execute(select(Site.site_id, Tenant.tenant_id, Tenant.name,
                                             Tenant.contact_email)
                                      .join(Site, Site.id == Tenant.site_pk)
                                      .order_by(Site.site_id, Tenant.tenant_id))),
            "leases": list(s.execute(select(Site.site_id, Tenant.tenant_id, Lease.start_date,
                                            Lease.end_date)
                                     .join(Site, Site.id == Lease.site_pk)
                                     .join(Tenant, Tenant.id == Lease.tenant_pk))),
            "equipment": list(s.execute(select(
                Site.site_id, Equipment.equipment_id, Equipment.name, Equipment.type,
                owner.tenant_id, Equipment.shared, Equipment.booking_access,
                Equipment.open_from, Equipment.open_until, Equipment.max_booking_h,
                Equipment.induction_required, Equipment.price_eur_per_h)
                .join(Site, Site.id == Equipment.site_pk)
                .outerjoin(owner, owner.id == Equipment.owner_tenant_pk)
                .order_by(Site.site_id, Equipment.equipment_id))),
            "skills": list(s.execute(select(Site.site_id, Tenant.tenant_id, Skill.skill,
                                            Skill.level)
                                     .join(Tenant, Tenant.id == Skill.tenant_pk)
                                     .join(Site, Site.id == Tenant.site_pk)
                                     .order_by(Site.site_id, Tenant.tenant_id, Skill.skill))),
            "trainings": list(s.execute(select(Site.site_id, Tenant.tenant_id,
                                               Training.equipment_type, Training.valid_until)
                                        .join(Site, Site.id == Training.site_pk)
                                        .join(Tenant, Tenant.id == Training.tenant_pk))),
            "bookings": [(site, eid, _utc(a), _utc(b)) for site, eid, a, b in s.execute(
                select(Site.site_id, Equipment.equipment_id, EquipmentBooking.start_at,
                       EquipmentBooking.end_at)
                .join(Site, Site.id == EquipmentBooking.site_pk)
                .join(Equipment, Equipment.id == EquipmentBooking.equipment_pk)
                .where(EquipmentBooking.cancelled_at.is_(None)))],
        }  # fmt: skip
        retired = set(s.scalars(select(Site.site_id).where(
            Site.retired_on.is_not(None), Site.retired_on <= dt.date.today())))  # fmt: skip
    frames = {}
    for name, data in rows.items():
        frame = pd.DataFrame([tuple(r) for r in data], columns=NETWORK_COLUMNS[name])
        if retired:  # a retired site is no longer part of the network
            frame = frame[~frame["site_id"].isin(retired)].reset_index(drop=True)
        frames[name] = frame.astype(object) if name == "bookings" else frame
    eq = frames["equipment"]
    eq["shared"] = eq["shared"].astype(bool)
    eq["induction_required"] = eq["induction_required"].astype(bool)
    return frames
