"""energy settings of a site: boiler efficiency and the cost key of the shared parts

Two nullable columns on ``sites`` (ALTER TABLE ADD COLUMN; no batch copy): NULL means the
default of :mod:`site_manager.assumptions` (``DEFAULT_BOILER_EFFICIENCY``,
``DEFAULT_COST_KEY``), and the analyses say so.

Revision ID: 0004_energy_settings
Revises: 0003_layout_scenarios
Create Date: 2026-12-05 01:20:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0004_energy_settings'
down_revision: Union[str, Sequence[str], None] = '0003_layout_scenarios'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('sites', sa.Column('boiler_efficiency', sa.Float(), nullable=True))
    op.add_column('sites', sa.Column('cost_key', sa.String(length=16), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('sites') as batch_op:
        batch_op.drop_column('cost_key')
        batch_op.drop_column('boiler_efficiency')
