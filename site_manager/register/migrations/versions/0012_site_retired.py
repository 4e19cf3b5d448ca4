"""sites can be retired: the day from which a site is no longer run (never hard-deleted)

One nullable column added to ``sites`` with ALTER TABLE ADD COLUMN (no batch copy):
``retired_on``. A retired site keeps every record and its audit trail; it leaves the
dashboard's site list and the network's routing. A register made before keeps all its rows;
no site is retired.

Revision ID: 0012_site_retired
Revises: 0011_users
Create Date: 2026-12-05 05:40:00

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0012_site_retired"
down_revision: str | Sequence[str] | None = "0011_users"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema (the same statement in SQLite and PostgreSQL)."""
    op.execute("ALTER TABLE sites ADD COLUMN retired_on DATE")


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_column("retired_on")
