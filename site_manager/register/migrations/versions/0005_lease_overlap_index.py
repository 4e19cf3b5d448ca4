"""lease overlap check in logarithmic time: an index on (unit_pk, start_date), and the
SQLite triggers rewritten to use it

The 0001 triggers scanned every lease of the unit for each lease written, so an import of
n leases into a unit cost O(n²) (20,000 leases into 10 units: 5.3 s in the triggers alone).
The leases of a unit never overlap (the triggers keep it so), so sorted by start they are
sorted by end as well: a new lease overlaps one of them exactly when it overlaps the one
with the latest start on or before its end, which the index finds in one step. The rule
is the same; PostgreSQL's exclusion constraint (GiST) was logarithmic already and only
gains the index. Only ADD INDEX and the two triggers replaced: every row stays.

Revision ID: 0005_lease_overlap
Revises: 0004_energy_settings
Create Date: 2026-12-05 01:20:00

"""
from typing import Sequence, Union

from alembic import op

revision: str = "0005_lease_overlap"
down_revision: Union[str, Sequence[str], None] = "0004_energy_settings"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_EVENTS = (("INSERT", ""), ("UPDATE OF unit_pk, start_date, end_date", "AND l.id <> NEW.id "))
_RAISE = ("BEGIN SELECT RAISE(ABORT, 'leases_no_overlap: the lease overlaps another lease of "
          "the same unit'); END")


def _name(event: str) -> str:
    return "leases_no_overlap_" + event.split()[0].lower()


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index("ix_leases_unit_start", "leases", ["unit_pk", "start_date"])
    if op.get_bind().dialect.name != "sqlite":
        return
    for event, guard in _EVENTS:
        op.execute(f"DROP TRIGGER IF EXISTS {_name(event)}")
        op.execute(
            f"CREATE TRIGGER {_name(event)} BEFORE {event} ON leases FOR EACH ROW "
            "WHEN (SELECT l.end_date FROM leases l INDEXED BY ix_leases_unit_start "
            f"WHERE l.unit_pk = NEW.unit_pk {guard}AND l.start_date <= NEW.end_date "
            "ORDER BY l.start_date DESC LIMIT 1) >= NEW.start_date " + _RAISE
        )


def downgrade() -> None:
    """Downgrade schema: the 0001 triggers, which scan the unit's leases."""
    if op.get_bind().dialect.name == "sqlite":
        for event, guard in _EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS {_name(event)}")
            op.execute(
                f"CREATE TRIGGER {_name(event)} BEFORE {event} ON leases FOR EACH ROW "
                "WHEN EXISTS (SELECT 1 FROM leases l WHERE l.unit_pk = NEW.unit_pk "
                f"{guard}AND l.start_date <= NEW.end_date AND NEW.start_date <= l.end_date) "
                + _RAISE
            )
    op.drop_index("ix_leases_unit_start", table_name="leases")
