"""units made of part of a space: the part's footprint and area per unit-space link

Two nullable columns on ``unit_spaces`` (ALTER TABLE ADD COLUMN; no batch copy): NULL means
the unit takes the whole space, as every unit did before.

Revision ID: 0006_unit_parts
Revises: 0005_lease_overlap
Create Date: 2026-12-05 01:45:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0006_unit_parts'
down_revision: Union[str, Sequence[str], None] = '0005_lease_overlap'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('unit_spaces', sa.Column('footprint_wkt', sa.Text(), nullable=True))
    op.add_column('unit_spaces', sa.Column('area_m2', sa.Float(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('unit_spaces') as batch_op:
        batch_op.drop_column('area_m2')
        batch_op.drop_column('footprint_wkt')
