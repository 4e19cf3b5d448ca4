"""the audit trail becomes append-only and hash-chained

Two nullable columns added to ``audit`` (ALTER TABLE ADD COLUMN, no batch copy):
``prev_hash`` and ``entry_hash`` (hex SHA-256, see ``site_manager.register.audit_chain``),
and a partial index of the entries not yet sealed. Every existing entry is chained once, in
id order. Then the database itself refuses to change the trail:

- SQLite: triggers ``BEFORE UPDATE`` and ``BEFORE DELETE ON audit`` that ``RAISE(ABORT)``;
- PostgreSQL: the trigger function ``audit_append_only()``, run ``BEFORE UPDATE OR DELETE``
  on each row and ``BEFORE TRUNCATE``, raising SQLSTATE 23000.

The one UPDATE let through seals an entry: from no hash to its hash, every other column
unchanged. A site that audit entries point at cannot be hard-deleted any more (its entries'
``site_pk`` would be set to NULL, an UPDATE): sites are retired, never deleted.

Revision ID: 0010_audit_chain
Revises: 0009_impact_settings
Create Date: 2026-12-05 04:30:00

"""

from collections.abc import Sequence

from alembic import op

from site_manager.register.audit_chain import chain_pending

# revision identifiers, used by Alembic.
revision: str = "0010_audit_chain"
down_revision: str | Sequence[str] | None = "0009_impact_settings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSED = "the audit trail is append-only"
#: The columns a seal leaves as they were (every column but the two hashes).
_KEPT = ("id", "site_pk", "at", "actor", "verb", "table_name", "record", "action",
         "before_json", "after_json")  # fmt: skip

_SQLITE_SEAL = " AND ".join(
    ["OLD.entry_hash IS NULL", "NEW.entry_hash IS NOT NULL", "NEW.prev_hash IS NOT NULL"]
    + [f"NEW.{c} IS OLD.{c}" for c in _KEPT]
)
_SQLITE = (
    f"""CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    FOR EACH ROW WHEN NOT ({_SQLITE_SEAL})
    BEGIN SELECT RAISE(ABORT, '{REFUSED}: UPDATE of an entry refused'); END""",
    f"""CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    FOR EACH ROW
    BEGIN SELECT RAISE(ABORT, '{REFUSED}: DELETE of an entry refused'); END""",
)

_PG_SEAL = (
    "OLD.entry_hash IS NULL AND NEW.entry_hash IS NOT NULL AND NEW.prev_hash IS NOT NULL AND "
    f"({', '.join(f'NEW.{c}' for c in _KEPT)}) IS NOT DISTINCT FROM "
    f"({', '.join(f'OLD.{c}' for c in _KEPT)})"
)
_POSTGRESQL = (
    f"""CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            IF {_PG_SEAL} THEN
                RETURN NEW;
            END IF;
        END IF;
        RAISE EXCEPTION '{REFUSED}: % of an entry refused', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END
    $$""",
    """CREATE TRIGGER audit_no_update_delete BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
    """CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()""",
)


def upgrade() -> None:
    """Upgrade schema: the columns, the chain of the existing entries, the triggers."""
    for name in ("prev_hash", "entry_hash"):
        op.execute(f"ALTER TABLE audit ADD COLUMN {name} VARCHAR(64)")
    op.execute("CREATE INDEX ix_audit_unsealed ON audit (id) WHERE entry_hash IS NULL")
    chain_pending(op.get_bind())
    for statement in _POSTGRESQL if op.get_bind().dialect.name == "postgresql" else _SQLITE:
        op.execute(statement)


def downgrade() -> None:
    """Downgrade schema: the triggers, the index and the columns go (the trail stays)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_no_truncate ON audit")
        op.execute("DROP TRIGGER IF EXISTS audit_no_update_delete ON audit")
        op.execute("DROP FUNCTION IF EXISTS audit_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_no_delete")
        op.execute("DROP TRIGGER IF EXISTS audit_no_update")
    op.execute("DROP INDEX IF EXISTS ix_audit_unsealed")
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_column("entry_hash")
        batch_op.drop_column("prev_hash")
