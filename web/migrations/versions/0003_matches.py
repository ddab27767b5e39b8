"""Matches and the engine runs that proposed them.

Revision ID: 0003_matches
Revises: 0002_offers_needs
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = '0003_matches'
down_revision = '0002_offers_needs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('match_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trigger', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('duration_ms', sa.Double(), nullable=False),
    sa.Column('offers', sa.Integer(), nullable=False),
    sa.Column('needs', sa.Integer(), nullable=False),
    sa.Column('candidates', sa.Integer(), nullable=False),
    sa.Column('proposals', sa.Integer(), nullable=False),
    sa.Column('superseded', sa.Integer(), nullable=False),
    sa.Column('objective', sa.Double(), nullable=False),
    sa.Column('solver_status', sa.String(length=200), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['started_by_id'], ['user.id'], name=op.f('fk_match_run_started_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_run'))
    )
    with op.batch_alter_table('match_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_run_started_at'), ['started_at'], unique=False)

    op.create_table('match',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('need_quantity', sa.Integer(), nullable=False),
    sa.Column('proposed_quantity', sa.Integer(), nullable=False),
    sa.Column('received_quantity', sa.Integer(), nullable=True),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('value', sa.Double(), nullable=False),
    sa.Column('breakdown', sa.JSON(), nullable=False),
    sa.Column('distance_km', sa.Double(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('fulfilled_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('proposed', 'confirmed', 'fulfilled', 'rejected', 'cancelled', 'superseded')", name=op.f('ck_match_status')),
    sa.CheckConstraint('need_quantity > 0', name=op.f('ck_match_need_quantity')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_match_quantity')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_match_decided_by_id_user')),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_match_need_id_need')),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], name=op.f('fk_match_offer_id_offer')),
    sa.ForeignKeyConstraint(['run_id'], ['match_run.id'], name=op.f('fk_match_run_id_match_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match'))
    )
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_need_id'), ['need_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_run_id'), ['run_id'], unique=False)
        batch_op.create_index('ix_match_status_value', ['status', 'value'], unique=False)
        batch_op.create_index('uq_match_proposed_pair', ['offer_id', 'need_id'], unique=True, postgresql_where=sa.text("status = 'proposed'"), sqlite_where=sa.text("status = 'proposed'"))



def downgrade():
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.drop_index('uq_match_proposed_pair', postgresql_where=sa.text("status = 'proposed'"), sqlite_where=sa.text("status = 'proposed'"))
        batch_op.drop_index('ix_match_status_value')
        batch_op.drop_index(batch_op.f('ix_match_run_id'))
        batch_op.drop_index(batch_op.f('ix_match_offer_id'))
        batch_op.drop_index(batch_op.f('ix_match_need_id'))

    op.drop_table('match')
    with op.batch_alter_table('match_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_run_started_at'))

    op.drop_table('match_run')
