"""Indexes for reads under load: the open book's version is the latest change of a need.

Revision ID: 0013_speed
Revises: 0009_directory
Create Date: 2026-12-01
"""
from alembic import op

revision = '0013_speed'
down_revision = '0012_interests'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_updated_at'), ['updated_at'], unique=False)
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offer_updated_at'), ['updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offer_updated_at'))
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_updated_at'))
