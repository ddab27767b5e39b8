"""The directory of member services.

Revision ID: 0009_directory
Revises: 0008_people
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0009_directory'
down_revision = '0008_people'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('member_service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('sector', sa.String(length=32), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('areas', sa.JSON(), nullable=False),
    sa.Column('place_id', sa.String(length=64), nullable=True),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('hours', sa.String(length=200), nullable=False),
    sa.Column('eligibility', sa.Text(), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')",
                       name=op.f('ck_member_service_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'],
                            name=op.f('fk_member_service_decided_by_id_user')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                            name=op.f('fk_member_service_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_service'))
    )
    with op.batch_alter_table('member_service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_service_organisation_id'),
                              ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_service_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('member_service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_service_status'))
        batch_op.drop_index(batch_op.f('ix_member_service_organisation_id'))
    op.drop_table('member_service')
