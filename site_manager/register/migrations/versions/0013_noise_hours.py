"""a site's operating hours of its machines by kind of tenant, for the noise at the neighbours

One table added (``site_noise_hours``: site, kind, hours by day and by night; its ORM class is
``site_manager.register.noise_hours.SiteNoiseHours``); nothing else
changes, so a register made by 0012 keeps every row and its sites list no hours: the impact
report then uses the defaults of ``site_manager.assumptions`` (``NOISE_HOURS``) and says so.
The hours are bounded by the periods of the noise limits: day 06–22 (16 h), night 22–06
(8 h).

Revision ID: 0013_noise_hours
Revises: 0012_site_retired
Create Date: 2026-12-05 07:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0013_noise_hours"
down_revision: str | Sequence[str] | None = "0012_site_retired"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema (the same statements in SQLite and PostgreSQL)."""
    op.create_table(
        "site_noise_hours",
        sa.Column("site_pk", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("hours_day", sa.Float(), nullable=False),
        sa.Column("hours_night", sa.Float(), nullable=False),
        sa.CheckConstraint("hours_day >= 0 AND hours_day <= 16",
                           name=op.f("ck_site_noise_hours_hours_day")),
        sa.CheckConstraint("hours_night >= 0 AND hours_night <= 8",
                           name=op.f("ck_site_noise_hours_hours_night")),
        sa.ForeignKeyConstraint(["site_pk"], ["sites.id"],
                                name=op.f("fk_site_noise_hours_site_pk_sites"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("site_pk", "kind", name=op.f("pk_site_noise_hours")),
    )  # fmt: skip


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("site_noise_hours")
