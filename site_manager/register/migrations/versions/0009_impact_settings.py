"""the neighbourhood impact report's site settings and the model's map conversion

Four nullable columns added to ``sites`` with ALTER TABLE ADD COLUMN (no batch copy): the
model's ``IfcMapConversion`` (JSON; places the building in the neighbourhood map), the daily
trips above which the municipality asks for a transport assessment, and the day and night
noise limits at the neighbours. A register made before keeps all its rows; the report then
uses the defaults of ``site_manager.assumptions`` and says so.

Revision ID: 0009_impact_settings
Revises: 0008_bookings
Create Date: 2026-12-05 02:20:00

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009_impact_settings"
down_revision: str | Sequence[str] | None = "0008_bookings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    ("map_conversion_json", "TEXT"),
    ("trips_threshold_per_day", "FLOAT"),
    ("noise_limit_day_dba", "FLOAT"),
    ("noise_limit_night_dba", "FLOAT"),
)


def upgrade() -> None:
    """Upgrade schema (the statements are the same in SQLite and PostgreSQL)."""
    for name, kind in _COLUMNS:
        op.execute(f"ALTER TABLE sites ADD COLUMN {name} {kind}")


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("sites", schema=None) as batch_op:
        for name, _kind in reversed(_COLUMNS):
            batch_op.drop_column(name)
