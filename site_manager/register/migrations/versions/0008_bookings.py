"""bookings of shared equipment and trainings; the terms of sharing as columns

Two tables added (``bookings``, ``trainings``) and six columns of ``equipment`` (who may
book, opening hours, longest booking, induction required, price per hour), each with its
check in the ADD COLUMN statement (SQLite cannot add a constraint afterwards; no batch copy
is used): a register made by 0007 keeps every row, its machines with no terms (members may
book at any time, for any length, without induction, at no stated price).

Two live (not cancelled) bookings of one machine never overlap, half-open ``[start, end)``:
on PostgreSQL an exclusion constraint (btree_gist, as the leases'), on SQLite two triggers
that look up, through the partial index ``ix_bookings_live``, the machine's live booking with
the latest start before the new end: the live bookings of a machine never overlap, so sorted
by start they are sorted by end, and the new one overlaps one of them exactly when it
overlaps that one (the 0005 form of the leases' triggers).

Revision ID: 0008_bookings
Revises: 0007_space_power
Create Date: 2026-12-05 02:20:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008_bookings"
down_revision: str | Sequence[str] | None = "0007_space_power"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    ("booking_access", "VARCHAR(16)", "ck_equipment_booking_access",
     "booking_access IS NULL OR booking_access IN ('members', 'anyone')"),
    ("open_from", "TIME", None, None),
    ("open_until", "TIME", None, None),
    ("max_booking_h", "FLOAT", "ck_equipment_max_booking",
     "max_booking_h IS NULL OR max_booking_h > 0"),
    ("price_eur_per_h", "FLOAT", "ck_equipment_price",
     "price_eur_per_h IS NULL OR price_eur_per_h >= 0"),
)  # fmt: skip
_EVENTS = (
    ("INSERT", ""),
    ("UPDATE OF equipment_pk, start_at, end_at, cancelled_at", "AND b.id <> NEW.id "),
)
_RAISE = ("BEGIN SELECT RAISE(ABORT, 'bookings_no_overlap: the booking overlaps another "
          "booking of the same equipment'); END")  # fmt: skip


def _trigger(event: str) -> str:
    return "bookings_no_overlap_" + event.split()[0].lower()


def upgrade() -> None:
    """Upgrade schema."""
    for name, sql_type, check, condition in _COLUMNS:
        constraint = f" CONSTRAINT {check} CHECK ({condition})" if check else ""
        op.execute(f"ALTER TABLE equipment ADD COLUMN {name} {sql_type}{constraint}")
    op.add_column(
        "equipment",
        sa.Column("induction_required", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_pk", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.String(length=64), nullable=False),
        sa.Column("equipment_pk", sa.Integer(), nullable=False),
        sa.Column("tenant_pk", sa.Integer(), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint("end_at > start_at", name=op.f("ck_bookings_end_after_start")),
        sa.ForeignKeyConstraint(["equipment_pk"], ["equipment.id"],
                                name=op.f("fk_bookings_equipment_pk_equipment")),
        sa.ForeignKeyConstraint(["site_pk"], ["sites.id"], name=op.f("fk_bookings_site_pk_sites"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tenant_pk"], ["tenants.id"],
                                name=op.f("fk_bookings_tenant_pk_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
        sa.UniqueConstraint("site_pk", "booking_id", name=op.f("uq_bookings_site_pk")),
    )  # fmt: skip
    op.create_index("ix_bookings_site_pk", "bookings", ["site_pk"])
    op.create_index("ix_bookings_tenant_pk", "bookings", ["tenant_pk"])
    op.create_index("ix_bookings_live", "bookings", ["equipment_pk", "start_at"],
                    sqlite_where=sa.text("cancelled_at IS NULL"),
                    postgresql_where=sa.text("cancelled_at IS NULL"))  # fmt: skip
    op.create_table(
        "trainings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_pk", sa.Integer(), nullable=False),
        sa.Column("tenant_pk", sa.Integer(), nullable=False),
        sa.Column("equipment_type", sa.String(length=64), nullable=False),
        sa.Column("granted_by", sa.String(length=200), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["site_pk"], ["sites.id"],
                                name=op.f("fk_trainings_site_pk_sites"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tenant_pk"], ["tenants.id"],
                                name=op.f("fk_trainings_tenant_pk_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainings")),
    )  # fmt: skip
    op.create_index("ix_trainings_site_pk", "trainings", ["site_pk"])
    op.create_index("ix_trainings_tenant_pk", "trainings", ["tenant_pk"])
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist "
            "(equipment_pk WITH =, tstzrange(start_at, end_at, '[)') WITH &&) "
            "WHERE (cancelled_at IS NULL)"
        )
    elif dialect == "sqlite":
        for event, guard in _EVENTS:
            op.execute(
                f"CREATE TRIGGER {_trigger(event)} BEFORE {event} ON bookings FOR EACH ROW "
                "WHEN NEW.cancelled_at IS NULL AND (SELECT b.end_at FROM bookings b "
                "INDEXED BY ix_bookings_live WHERE b.equipment_pk = NEW.equipment_pk "
                f"AND b.cancelled_at IS NULL {guard}AND b.start_at < NEW.end_at "
                "ORDER BY b.start_at DESC LIMIT 1) > NEW.start_at " + _RAISE
            )


def downgrade() -> None:
    """Downgrade schema."""
    if op.get_bind().dialect.name == "sqlite":
        for event, _guard in _EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS {_trigger(event)}")
    op.drop_table("trainings")
    op.drop_table("bookings")
    with op.batch_alter_table("equipment", schema=None) as batch_op:
        for name in ("induction_required", *(c[0] for c in _COLUMNS)):
            batch_op.drop_column(name)
