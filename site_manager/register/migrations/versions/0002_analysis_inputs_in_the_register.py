"""analysis inputs in the register: fabric, columns, climate, tariffs, neighbourhood,
applicants, site location, and the register revision every write bumps

Columns are added with ALTER TABLE ADD COLUMN (never a batch copy of ``sites`` or
``spaces``: on SQLite, dropping the old table would cascade to every site's rows).
A register made by 0001 keeps all its rows; its sites have no fabric, columns or climate
until their model is revised (``site-manager site revise``), and analyses say so.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 22:31:23.969225

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('register_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_revision'))
    )
    op.create_table('applicants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_pk', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('area_min_m2', sa.Float(), nullable=False),
    sa.Column('area_max_m2', sa.Float(), nullable=False),
    sa.Column('min_height_m', sa.Float(), nullable=False),
    sa.Column('min_load_kn_m2', sa.Float(), nullable=False),
    sa.Column('power_kw', sa.Float(), nullable=False),
    sa.Column('extraction', sa.Boolean(), nullable=False),
    sa.Column('access', sa.Boolean(), nullable=False),
    sa.Column('daylight', sa.Boolean(), nullable=False),
    sa.Column('noise_db', sa.Float(), nullable=False),
    sa.Column('noise_sensitive', sa.Boolean(), nullable=False),
    sa.Column('hazard', sa.Integer(), nullable=False),
    sa.Column('rent_eur_per_m2_month', sa.Float(), nullable=False),
    sa.Column('provides', sa.Text(), nullable=False),
    sa.Column('needs', sa.Text(), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=True),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('contact_email', sa.String(length=200), nullable=False),
    sa.Column('contact_phone', sa.String(length=64), nullable=False),
    sa.Column('applied', sa.Date(), nullable=True),
    sa.CheckConstraint('area_min_m2 >= 0 AND area_max_m2 >= area_min_m2', name=op.f('ck_applicants_area')),
    sa.CheckConstraint('headcount IS NULL OR headcount >= 0', name=op.f('ck_applicants_headcount')),
    sa.CheckConstraint('min_height_m >= 0 AND min_load_kn_m2 >= 0 AND power_kw >= 0', name=op.f('ck_applicants_needs')),
    sa.CheckConstraint('noise_db >= 0 AND hazard >= 0', name=op.f('ck_applicants_noise_hazard')),
    sa.CheckConstraint('rent_eur_per_m2_month >= 0', name=op.f('ck_applicants_rent')),
    sa.ForeignKeyConstraint(['site_pk'], ['sites.id'], name=op.f('fk_applicants_site_pk_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applicants')),
    sa.UniqueConstraint('site_pk', 'applicant_id', name=op.f('uq_applicants_site_pk'))
    )
    with op.batch_alter_table('applicants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applicants_site_pk'), ['site_pk'], unique=False)

    op.create_table('climate_hours',
    sa.Column('site_pk', sa.Integer(), nullable=False),
    sa.Column('hour', sa.Integer(), nullable=False),
    sa.Column('t_out_c', sa.Float(), nullable=False),
    sa.Column('ghi_w_m2', sa.Float(), nullable=False),
    sa.CheckConstraint('ghi_w_m2 >= 0', name=op.f('ck_climate_hours_ghi')),
    sa.CheckConstraint('hour >= 0 AND hour < 8784', name=op.f('ck_climate_hours_hour')),
    sa.ForeignKeyConstraint(['site_pk'], ['sites.id'], name=op.f('fk_climate_hours_site_pk_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('site_pk', 'hour', name=op.f('pk_climate_hours'))
    )
    op.create_table('climate_months',
    sa.Column('site_pk', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('t_out_c', sa.Float(), nullable=False),
    sa.Column('ghi_kwh_m2', sa.Float(), nullable=False),
    sa.CheckConstraint('ghi_kwh_m2 >= 0', name=op.f('ck_climate_months_ghi')),
    sa.CheckConstraint('month >= 1 AND month <= 12', name=op.f('ck_climate_months_month')),
    sa.ForeignKeyConstraint(['site_pk'], ['sites.id'], name=op.f('fk_climate_months_site_pk_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('site_pk', 'month', name=op.f('pk_climate_months'))
    )
    op.create_table('fabric_elements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_pk', sa.Integer(), nullable=False),
    sa.Column('global_id', sa.String(length=64), nullable=False),
    sa.Column('ifc_class', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('storey', sa.String(length=200), nullable=False),
    sa.Column('area_m2', sa.Float(), nullable=False),
    sa.Column('azimuth_deg', sa.Float(), nullable=True),
    sa.Column('tilt_deg', sa.Float(), nullable=True),
    sa.Column('u_w_m2k', sa.Float(), nullable=False),
    sa.Column('u_source', sa.Text(), nullable=False),
    sa.Column('g_value', sa.Float(), nullable=True),
    sa.Column('frame_fraction', sa.Float(), nullable=True),
    sa.Column('external_source', sa.String(length=32), nullable=False),
    sa.Column('space_global_ids_json', sa.Text(), nullable=False),
    sa.Column('space_areas_m2_json', sa.Text(), nullable=False),
    sa.Column('party_area_m2', sa.Float(), nullable=True),
    sa.Column('boundary_source', sa.String(length=32), nullable=False),
    sa.Column('z_min_m', sa.Float(), nullable=True),
    sa.Column('z_max_m', sa.Float(), nullable=True),
    sa.Column('footprint_wkt', sa.Text(), nullable=True),
    sa.CheckConstraint('area_m2 >= 0', name=op.f('ck_fabric_elements_area')),
    sa.CheckConstraint('u_w_m2k >= 0', name=op.f('ck_fabric_elements_u_value')),
    sa.ForeignKeyConstraint(['site_pk'], ['sites.id'], name=op.f('fk_fabric_elements_site_pk_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fabric_elements'))
    )
    with op.batch_alter_table('fabric_elements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fabric_elements_site_pk'), ['site_pk'], unique=False)

    op.create_table('neighbourhood_features',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_pk', sa.Integer(), nullable=False),
    sa.Column('layer', sa.String(length=64), nullable=False),
    sa.Column('properties_json', sa.Text(), nullable=False),
    sa.Column('geometry_wkt', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['site_pk'], ['sites.id'], name=op.f('fk_neighbourhood_features_site_pk_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_neighbourhood_features'))
    )
    with op.batch_alter_table('neighbourhood_features', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_neighbourhood_features_site_pk'), ['site_pk'], unique=False)

    op.create_table('site_sources',
    sa.Column('site_pk', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['site_pk'], ['sites.id'], name=op.f('fk_site_sources_site_pk_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('site_pk', 'topic', name=op.f('pk_site_sources'))
    )
    op.create_table('structural_columns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_pk', sa.Integer(), nullable=False),
    sa.Column('global_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('storey', sa.String(length=200), nullable=False),
    sa.Column('x_m', sa.Float(), nullable=False),
    sa.Column('y_m', sa.Float(), nullable=False),
    sa.Column('z_min_m', sa.Float(), nullable=True),
    sa.Column('z_max_m', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['site_pk'], ['sites.id'], name=op.f('fk_structural_columns_site_pk_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_structural_columns'))
    )
    with op.batch_alter_table('structural_columns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_structural_columns_site_pk'), ['site_pk'], unique=False)

    op.create_table('building_outlines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_pk', sa.Integer(), nullable=False),
    sa.Column('global_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('storey', sa.String(length=200), nullable=False),
    sa.Column('z_min_m', sa.Float(), nullable=True),
    sa.Column('z_max_m', sa.Float(), nullable=True),
    sa.Column('footprint_wkt', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['site_pk'], ['sites.id'], name=op.f('fk_building_outlines_site_pk_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_building_outlines'))
    )
    op.create_index(op.f('ix_building_outlines_site_pk'), 'building_outlines', ['site_pk'], unique=False)

    op.create_table('tariffs',
    sa.Column('site_pk', sa.Integer(), nullable=False),
    sa.Column('carrier', sa.String(length=16), nullable=False),
    sa.Column('eur_per_kwh', sa.Float(), nullable=False),
    sa.CheckConstraint("carrier IN ('electricity', 'heat', 'gas', 'water')", name=op.f('ck_tariffs_carrier')),
    sa.CheckConstraint('eur_per_kwh >= 0', name=op.f('ck_tariffs_price')),
    sa.ForeignKeyConstraint(['site_pk'], ['sites.id'], name=op.f('fk_tariffs_site_pk_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('site_pk', 'carrier', name=op.f('pk_tariffs'))
    )
    op.add_column('sites', sa.Column('latitude_deg', sa.Float(), nullable=True))
    op.add_column('sites', sa.Column('longitude_deg', sa.Float(), nullable=True))
    op.add_column('sites', sa.Column('true_north_deg', sa.Float(), nullable=True))
    op.add_column('sites', sa.Column('time_zone', sa.String(length=64), nullable=True))
    op.add_column('sites', sa.Column('climate_source', sa.Text(), nullable=False, server_default=''))
    op.add_column('space_attributes', sa.Column('clear_height_source', sa.String(length=16), nullable=True))
    op.add_column('spaces', sa.Column('z_min_m', sa.Float(), nullable=True))
    op.add_column('spaces', sa.Column('ifc_zones_json', sa.Text(), nullable=True))
    op.add_column('units', sa.Column('retired', sa.Date(), nullable=True))
    op.execute("INSERT INTO register_revision (id, revision) VALUES (1, 0)")


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('retired')

    with op.batch_alter_table('spaces', schema=None) as batch_op:
        batch_op.drop_column('ifc_zones_json')
        batch_op.drop_column('z_min_m')

    with op.batch_alter_table('space_attributes', schema=None) as batch_op:
        batch_op.drop_column('clear_height_source')

    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_column('climate_source')
        batch_op.drop_column('time_zone')
        batch_op.drop_column('longitude_deg')
        batch_op.drop_column('true_north_deg')
        batch_op.drop_column('latitude_deg')

    op.drop_table('tariffs')
    op.drop_index(op.f('ix_building_outlines_site_pk'), table_name='building_outlines')
    op.drop_table('building_outlines')
    with op.batch_alter_table('structural_columns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_structural_columns_site_pk'))

    op.drop_table('structural_columns')
    op.drop_table('site_sources')
    with op.batch_alter_table('neighbourhood_features', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_neighbourhood_features_site_pk'))

    op.drop_table('neighbourhood_features')
    with op.batch_alter_table('fabric_elements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fabric_elements_site_pk'))

    op.drop_table('fabric_elements')
    op.drop_table('climate_months')
    op.drop_table('climate_hours')
    with op.batch_alter_table('applicants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applicants_site_pk'))

    op.drop_table('applicants')
    op.drop_table('register_revision')
