"""layout scenarios and community rules: the Layout lab's saved layouts and a site's rules

Two new tables, nothing else changed (self-contained: re-chained by the lead at merge).

Revision ID: 0003_layout_scenarios
Revises: 0002
Create Date: 2026-12-05 01:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0003_layout_scenarios'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('layout_scenarios',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_pk', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('register_revision', sa.Integer(), nullable=True),
    sa.Column('parameters_json', sa.Text(), nullable=False),
    sa.Column('assignment_json', sa.Text(), nullable=False),
    sa.Column('figures_json', sa.Text(), nullable=False),
    sa.Column('problem_json', sa.Text(), nullable=False),
    sa.Column('committed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('committed_by', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['site_pk'], ['sites.id'], name=op.f('fk_layout_scenarios_site_pk_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_layout_scenarios')),
    sa.UniqueConstraint('site_pk', 'name', name=op.f('uq_layout_scenarios_site_pk'))
    )
    with op.batch_alter_table('layout_scenarios', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_layout_scenarios_site_pk'), ['site_pk'], unique=False)

    op.create_table('layout_rules',
    sa.Column('site_pk', sa.Integer(), nullable=False),
    sa.Column('rules_json', sa.Text(), nullable=False),
    sa.Column('source_text', sa.Text(), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('loaded_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['site_pk'], ['sites.id'], name=op.f('fk_layout_rules_site_pk_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('site_pk', name=op.f('pk_layout_rules'))
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('layout_rules')
    with op.batch_alter_table('layout_scenarios', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_layout_scenarios_site_pk'))
    op.drop_table('layout_scenarios')
