"""Verbs for the site's members one record at a time: edit a tenant, add or edit equipment,
add a skill (``add_tenant`` is in :mod:`site_manager.register.verbs`).

Each verb is one transaction (or one savepoint when given a ``Session``), typed by the
table's contract (:mod:`site_manager.register.contracts`), checked by the rules
(:mod:`site_manager.register.rules`), written to the audit trail, and either does everything
or nothing; a refusal carries every problem with its field
(:func:`~site_manager.register.rules.problems_of`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from site_manager.register import contracts, core, rules
from site_manager.register.audit import Audit
from site_manager.register.engine import get_actor, transaction
from site_manager.register.schema import Equipment, Site, Skill, Space, Tenant

Bind = Engine | Session


def _editable(table: contracts.Table, fields: dict[str, Any]) -> None:
    """Refuse field names that are not columns of ``table`` (or are its id)."""
    names = [c.name for c in table.columns if c.name != table.id_column]
    unknown = sorted(set(fields) - set(names))
    rules.refuse(rules.Problem(f, f"{table.name} have no field {f!r}; use {', '.join(names)}")
                 for f in unknown)  # fmt: skip


def _tenant_record(tenant: Tenant) -> dict[str, Any]:
    """A stored tenant as the tenants' contract names its values."""
    return {c.name: getattr(tenant, c.stored.split(".")[1]) for c in contracts.TENANTS.columns
            if c.stored and c.stored.startswith("tenants.")}  # fmt: skip


def edit_tenant(
    bind: Bind, tenant_id: str, *, site: str | None = None, actor: str | None = None,
    **fields: Any,
) -> dict[str, Any]:  # fmt: skip
    """Change some of a tenant's values (those of the tenants' contract; ``None`` clears one).

    Parameters
    ----------
    bind : Engine or Session
        The register.
    tenant_id : str
        An existing tenant of the site.
    site : str, optional
        Site id (default: the only site).
    actor : str, optional
        Who is making the change, for the audit trail.
    **fields
        ``name``, ``kind``, ``stage``, ``sector``, ``headcount``, ``contact_name``,
        ``contact_email``, ``contact_phone``, ``joined``: only those given change.

    Returns
    -------
    dict
        The tenant's values after the change.
    """
    _editable(contracts.TENANTS, fields)
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        tenant = core.get_tenant(s, st, tenant_id)
        values, problems = rules.values_from_contract(
            contracts.TENANTS, _tenant_record(tenant) | fields
        )
        rules.refuse(problems)
        with Audit(s, st, who, "edit_tenant").changing(tenant, record=tenant_id):
            for name in fields:
                setattr(tenant, name, values[name])
        return values


# ---------------------------------------------------------------- equipment


def _equipment_record(s: Session, eq: Equipment) -> dict[str, Any]:
    """A stored machine as the equipment contract names its values."""
    record = {c.name: getattr(eq, c.name) for c in contracts.EQUIPMENT.columns
              if c.stored == f"equipment.{c.name}"}  # fmt: skip
    owner = s.get(Tenant, eq.owner_tenant_pk) if eq.owner_tenant_pk is not None else None
    space = s.get(Space, eq.space_pk) if eq.space_pk is not None else None
    record["owner_tenant_id"] = owner.tenant_id if owner is not None else None
    record["space_global_id"] = space.global_id if space is not None else None
    return record


def _write_equipment(
    s: Session, st: Site, eq: Equipment, record: dict[str, Any], fields: Iterable[str]
) -> None:
    """Set the ``fields`` of ``eq`` from the checked ``record``."""
    for name in fields:
        if name == "owner_tenant_id":
            tid = record[name]
            eq.owner_tenant_pk = core.get_tenant(s, st, tid).id if tid else None
        elif name == "space_global_id":
            gid = record[name]
            eq.space_pk = core.get_spaces(s, st)[gid].id if gid else None
        else:
            setattr(eq, name, record[name])


def _checked_equipment(s: Session, st: Site, given: dict[str, Any]) -> dict[str, Any]:
    values, problems = rules.values_from_contract(contracts.EQUIPMENT, given)
    problems += rules.check_references("equipment", values, rules.context_from_db(s, st))
    rules.refuse(problems)
    return values


def add_equipment(
    bind: Bind, equipment_id: str, *, site: str | None = None, actor: str | None = None,
    **fields: Any,
) -> str:  # fmt: skip
    """Add a machine (refused if the id exists: use :func:`edit_equipment`).

    ``fields`` are columns of the equipment contract (:data:`~site_manager.register.
    contracts.EQUIPMENT`): ``name``, ``type``, ``owner_tenant_id`` (empty: the site's own),
    ``space_global_id``, ``board_id``, ``power_kw`` [kW], ``noise_db`` [dB(A)],
    ``weight_kg`` [kg], ``hazards``, ``shared``, ``share_terms``; the owner and the space
    must exist (:func:`~site_manager.register.rules.check_references`).
    """
    _editable(contracts.EQUIPMENT, fields)
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        values = _checked_equipment(s, st, {"equipment_id": equipment_id} | fields)
        exists = s.scalars(
            select(Equipment.id).where(
                Equipment.site_pk == st.id, Equipment.equipment_id == values["equipment_id"]
            )
        ).first()
        if exists is not None:
            rules.refuse([rules.Problem("equipment_id", f"equipment {equipment_id} already "
                                        f"exists in site {st.site_id}; edit it instead",
                                        "conflict")])  # fmt: skip
        eq = Equipment(site_pk=st.id, equipment_id=values["equipment_id"])
        _write_equipment(s, st, eq, values, [c.name for c in contracts.EQUIPMENT.columns
                                             if c.name != "equipment_id"])  # fmt: skip
        Audit(s, st, who, "add_equipment").added(eq, record=equipment_id)
    return str(values["equipment_id"])


def edit_equipment(
    bind: Bind, equipment_id: str, *, site: str | None = None, actor: str | None = None,
    **fields: Any,
) -> dict[str, Any]:  # fmt: skip
    """Change some values of a machine (those given; ``None`` clears one).

    The fields are those of :func:`add_equipment`. Returns the machine's values after.
    """
    _editable(contracts.EQUIPMENT, fields)
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        eq = s.scalars(
            select(Equipment).where(
                Equipment.site_pk == st.id, Equipment.equipment_id == equipment_id
            )
        ).one_or_none()
        if eq is None:
            rules.refuse([rules.Problem("equipment_id", f"equipment {equipment_id!r} does not "
                                        f"exist in site {st.site_id}; see `site-manager "
                                        "equipment list`", "unknown")])  # fmt: skip
            raise AssertionError  # pragma: no cover - refuse raised
        values = _checked_equipment(s, st, _equipment_record(s, eq) | fields)
        with Audit(s, st, who, "edit_equipment").changing(eq, record=equipment_id):
            _write_equipment(s, st, eq, values, list(fields))
        return values


# ---------------------------------------------------------------- skills


def add_skill(
    bind: Bind,
    tenant_id: str,
    skill: str,
    level: str | None = None,
    *,
    site: str | None = None,
    actor: str | None = None,
) -> str:
    """Record that tenant ``tenant_id`` can do ``skill`` at ``level`` for others.

    ``level`` is one of the skills' contract's levels (or ``None``); a tenant has each skill
    once (refused on ``skill`` if it has it already). Returns the skill as stored.
    """
    values, problems = rules.values_from_contract(
        contracts.SKILLS, {"tenant_id": tenant_id, "skill": skill, "level": level}
    )
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        problems += rules.check_references("skills", values, rules.context_from_db(s, st))
        rules.refuse(problems)
        tenant = core.get_tenant(s, st, values["tenant_id"])
        held = s.scalars(
            select(Skill.id).where(Skill.tenant_pk == tenant.id, Skill.skill == values["skill"])
        ).first()
        if held is not None:
            rules.refuse([rules.Problem("skill", f"tenant {tenant_id} already has skill "
                                        f"{values['skill']!r}", "conflict")])  # fmt: skip
        Audit(s, st, who, "add_skill").added(
            Skill(tenant_pk=tenant.id, skill=values["skill"], level=values["level"]),
            record=f"{tenant_id}:{values['skill']}")  # fmt: skip
    return str(values["skill"])
