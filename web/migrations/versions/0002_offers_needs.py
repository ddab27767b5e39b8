"""Offers, needs and personal API tokens.

Revision ID: 0002_offers_needs
Revises: 0001_accounts
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = '0002_offers_needs'
down_revision = '0001_accounts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_api_token_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('need',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('poster_id', sa.Integer(), nullable=False),
    sa.Column('urgency', sa.String(length=16), nullable=False),
    sa.Column('needed_by', sa.Date(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('category_id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=32), nullable=False),
    sa.Column('committed_quantity', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.String(length=64), nullable=False),
    sa.Column('latitude', sa.Double(), nullable=True),
    sa.Column('longitude', sa.Double(), nullable=True),
    sa.Column('reach_km', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('goods', 'skill', 'service')", name=op.f('ck_need_kind')),
    sa.CheckConstraint("status IN ('open', 'partly_matched', 'matched', 'fulfilled', 'withdrawn', 'expired')", name=op.f('ck_need_status')),
    sa.CheckConstraint("urgency IN ('low', 'normal', 'high', 'emergency')", name=op.f('ck_need_urgency')),
    sa.CheckConstraint('committed_quantity >= 0', name=op.f('ck_need_committed')),
    sa.CheckConstraint('quantity > 0 AND quantity <= 1000000', name=op.f('ck_need_quantity')),
    sa.CheckConstraint('reach_km >= 0 AND reach_km <= 200', name=op.f('ck_need_reach')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_need_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['poster_id'], ['user.id'], name=op.f('fk_need_poster_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need'))
    )
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.create_index('ix_need_category_status', ['category_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_place_id'), ['place_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_poster_id'), ['poster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_status'), ['status'], unique=False)

    op.create_table('offer',
    sa.Column('donor_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('lot', sa.Integer(), nullable=False),
    sa.Column('remote', sa.Boolean(), nullable=False),
    sa.Column('available_from', sa.Date(), nullable=False),
    sa.Column('available_until', sa.Date(), nullable=True),
    sa.Column('conditions', sa.Text(), nullable=False),
    sa.Column('restrict_sectors', sa.JSON(), nullable=False),
    sa.Column('restrict_areas', sa.JSON(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('category_id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=32), nullable=False),
    sa.Column('committed_quantity', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.String(length=64), nullable=False),
    sa.Column('latitude', sa.Double(), nullable=True),
    sa.Column('longitude', sa.Double(), nullable=True),
    sa.Column('reach_km', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('goods', 'skill', 'service')", name=op.f('ck_offer_kind')),
    sa.CheckConstraint("status IN ('open', 'partly_matched', 'matched', 'fulfilled', 'withdrawn', 'expired')", name=op.f('ck_offer_status')),
    sa.CheckConstraint('committed_quantity >= 0', name=op.f('ck_offer_committed')),
    sa.CheckConstraint('lot >= 1', name=op.f('ck_offer_lot')),
    sa.CheckConstraint('quantity > 0 AND quantity <= 1000000', name=op.f('ck_offer_quantity')),
    sa.CheckConstraint('reach_km >= 0 AND reach_km <= 200', name=op.f('ck_offer_reach')),
    sa.ForeignKeyConstraint(['donor_id'], ['user.id'], name=op.f('fk_offer_donor_id_user')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_offer_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offer'))
    )
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.create_index('ix_offer_category_status', ['category_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_offer_donor_id'), ['donor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offer_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offer_place_id'), ['place_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offer_status'), ['status'], unique=False)



def downgrade():
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offer_status'))
        batch_op.drop_index(batch_op.f('ix_offer_place_id'))
        batch_op.drop_index(batch_op.f('ix_offer_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_offer_donor_id'))
        batch_op.drop_index('ix_offer_category_status')

    op.drop_table('offer')
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_status'))
        batch_op.drop_index(batch_op.f('ix_need_poster_id'))
        batch_op.drop_index(batch_op.f('ix_need_place_id'))
        batch_op.drop_index(batch_op.f('ix_need_organisation_id'))
        batch_op.drop_index('ix_need_category_status')

    op.drop_table('need')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
