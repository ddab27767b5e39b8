"""Committees' seats, emergencies and the calls sent during them.

Revision ID: 0011_readiness
Revises: 0009_directory
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0011_readiness'
down_revision = '0010_statuses'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('committee_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('committee_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                            name=op.f('fk_committee_member_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_member')),
    sa.UniqueConstraint('committee_id', 'user_id',
                        name=op.f('uq_committee_member_committee_id'))
    )
    with op.batch_alter_table('committee_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_member_committee_id'), ['committee_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_committee_member_user_id'), ['user_id'],
                              unique=False)
    op.create_table('emergency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title_el', sa.String(length=120), nullable=False),
    sa.Column('title_en', sa.String(length=120), nullable=False),
    sa.Column('message_el', sa.Text(), nullable=False),
    sa.Column('message_en', sa.Text(), nullable=False),
    sa.Column('sectors', sa.JSON(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('areas', sa.JSON(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('declared_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=True),
    sa.Column('called_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_emergency_dates')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user.id'],
                            name=op.f('fk_emergency_closed_by_id_user')),
    sa.ForeignKeyConstraint(['declared_by_id'], ['user.id'],
                            name=op.f('fk_emergency_declared_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emergency'))
    )
    op.create_table('emergency_call',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('emergency_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['emergency_id'], ['emergency.id'],
                            name=op.f('fk_emergency_call_emergency_id_emergency')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                            name=op.f('fk_emergency_call_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emergency_call')),
    sa.UniqueConstraint('emergency_id', 'user_id',
                        name=op.f('uq_emergency_call_emergency_id'))
    )
    with op.batch_alter_table('emergency_call', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_emergency_call_emergency_id'), ['emergency_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_emergency_call_user_id'), ['user_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('emergency_call', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_emergency_call_user_id'))
        batch_op.drop_index(batch_op.f('ix_emergency_call_emergency_id'))
    op.drop_table('emergency_call')
    op.drop_table('emergency')
    with op.batch_alter_table('committee_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_member_user_id'))
        batch_op.drop_index(batch_op.f('ix_committee_member_committee_id'))
    op.drop_table('committee_member')
