"""Writing checked records of a file: upserted by id, in bulk, every change audited."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from site_manager.register import contracts, core
from site_manager.register.audit import Audit, BulkUpsert
from site_manager.register.checks import ParsedFile
from site_manager.register.schema import Applicant, Equipment, Lease, Site, Tenant, Unit


def new_lease_id() -> str:
    """A fresh lease id (random, so concurrent signers never collide)."""
    return "L-" + secrets.token_hex(4).upper()


@dataclass
class ImportResult:
    """What an import did: rows added, updated and unchanged."""

    kind: str
    file: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return (f"{self.file}: {self.added} {self.kind} added, {self.updated} updated, "
                f"{self.unchanged} unchanged")  # fmt: skip


def _stored_as_is(kind: str, *, but: tuple[str, ...] = ()) -> list[str]:
    """Columns of ``kind`` stored in its own table under their own names."""
    table = contracts.TABLES[kind]
    return [c.name for c in table.columns if c.stored == f"{kind}.{c.name}"
            and c.name != table.id_column and c.name not in but]  # fmt: skip


@dataclass
class WritePlan:
    """What writing a checked file will do (rows to add and update, audit entries), planned
    without writing; :meth:`apply` writes it.
    """

    upsert: BulkUpsert
    result: ImportResult

    def apply(self, s: Session) -> ImportResult:
        """Write the plan in ``s`` (in batches); the register must be as it was planned on."""
        self.upsert.finish(s)
        return self.result


def write_records(s: Session, st: Site, parsed: ParsedFile, *, actor: str) -> ImportResult:
    """Write checked records of a tenants, leases, equipment or applicants file (upsert by id)."""
    return plan_records(s, st, parsed, actor=actor).apply(s)


def plan_records(s: Session, st: Site, parsed: ParsedFile, *, actor: str) -> WritePlan:
    """Plan writing checked records of a file (reads ``s``, writes nothing): see
    :class:`~site_manager.register.audit.BulkUpsert`.
    """
    trail = Audit(s, st, actor, f"import_{parsed.kind}")
    result = ImportResult(parsed.kind, parsed.file)
    tenants = {t.tenant_id: t.id for t in s.scalars(select(Tenant).where(Tenant.site_pk == st.id))}
    if parsed.kind == "tenants":
        upsert = BulkUpsert(trail, Tenant, "tenant_id", result)
        for r in parsed.records:
            upsert(r["tenant_id"], {k: r[k] for k in _stored_as_is("tenants")})
    elif parsed.kind == "leases":
        units = {u.unit_id: u.id for u in s.scalars(select(Unit).where(Unit.site_pk == st.id))}
        upsert = BulkUpsert(trail, Lease, "lease_id", result)
        for r in parsed.records:
            values = {"unit_pk": units[r["unit_id"]], "tenant_pk": tenants[r["tenant_id"]],
                      "start_date": r["start"], "end_date": r["end"],
                      **{k: r[k] for k in _stored_as_is("leases")}}  # fmt: skip
            upsert(r.get("lease_id") or new_lease_id(), values,
                   new_defaults={"space_removed": False, "notes": ""})  # fmt: skip
    elif parsed.kind == "equipment":
        spaces = {g: sp.id for g, sp in core.get_spaces(s, st).items()}
        upsert = BulkUpsert(trail, Equipment, "equipment_id", result)
        for r in parsed.records:
            values = {k: r[k] for k in _stored_as_is("equipment")}
            values["owner_tenant_pk"] = tenants.get(r["owner_tenant_id"] or "")
            values["space_pk"] = spaces.get(r["space_global_id"] or "")
            upsert(r["equipment_id"], values)
    elif parsed.kind == "applicants":
        upsert = BulkUpsert(trail, Applicant, "applicant_id", result)
        for r in parsed.records:
            upsert(r["applicant_id"], {k: r[k] for k in _stored_as_is("applicants")})
    else:  # pragma: no cover - guarded by import_table
        raise ValueError(parsed.kind)
    return WritePlan(upsert, result)
