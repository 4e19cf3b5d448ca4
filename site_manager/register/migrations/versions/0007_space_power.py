"""the power available at a space: ``space_attributes.power_kw``

One column added with ALTER TABLE ADD COLUMN and its check in the same statement (SQLite
cannot add a constraint to a table afterwards, and a batch copy is never used); a register
made by 0002 keeps all its rows, its spaces without a value (the layout then shares each
board's capacity by area, as before).

Revision ID: 0007_space_power
Revises: 0006_unit_parts
Create Date: 2026-12-05 01:40:00

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007_space_power"
down_revision: str | Sequence[str] | None = "0006_unit_parts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema (the statement is the same in SQLite and PostgreSQL)."""
    op.execute(
        "ALTER TABLE space_attributes ADD COLUMN power_kw FLOAT "
        "CONSTRAINT ck_space_attributes_power CHECK (power_kw IS NULL OR power_kw >= 0)"
    )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("space_attributes", schema=None) as batch_op:
        batch_op.drop_column("power_kw")
