"""Saved interests and their sent log, the follow-up of stale matches, and messages to
public addresses (a notification without an account, with its own List-Unsubscribe).

Revision ID: 0012_interests
Revises: 0009_directory
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0012_interests'
down_revision = '0011_readiness'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('interest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=True),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('areas', sa.JSON(), nullable=False),
    sa.Column('urgent_nearby', sa.Boolean(), nullable=False),
    sa.Column('frequency', sa.String(length=16), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('last_sent_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("frequency IN ('immediate', 'daily', 'weekly')", name=op.f('ck_interest_frequency')),
    sa.CheckConstraint("kind IS NULL OR kind IN ('goods', 'skill', 'service')", name=op.f('ck_interest_kind')),
    sa.CheckConstraint("language IN ('el', 'en')", name=op.f('ck_interest_language')),
    sa.CheckConstraint('(user_id IS NULL) <> (email IS NULL)', name=op.f('ck_interest_owner')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_interest_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interest'))
    )
    with op.batch_alter_table('interest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interest_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_interest_user_id'), ['user_id'], unique=False)

    op.create_table('interest_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=260), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_interest_sent_need_id_need')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interest_sent')),
    sa.UniqueConstraint('recipient', 'need_id', name=op.f('uq_interest_sent_recipient'))
    )
    with op.batch_alter_table('interest_sent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interest_sent_need_id'), ['need_id'], unique=False)

    op.create_table('match_followup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("stage IN ('remind', 'escalate')", name=op.f('ck_match_followup_stage')),
    sa.ForeignKeyConstraint(['match_id'], ['match.id'], name=op.f('fk_match_followup_match_id_match')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_followup')),
    sa.UniqueConstraint('match_id', 'stage', name=op.f('uq_match_followup_match_id'))
    )
    with op.batch_alter_table('match_followup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_followup_match_id'), ['match_id'], unique=False)

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('list_unsubscribe', sa.String(length=300), nullable=True))
        batch_op.alter_column('user_id',
               existing_type=sa.INTEGER(),
               nullable=True)



def downgrade():
    # Messages to public addresses have no account to belong to: they go with the feature.
    op.execute("DELETE FROM notification WHERE user_id IS NULL")
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.alter_column('user_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('list_unsubscribe')

    with op.batch_alter_table('match_followup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_followup_match_id'))

    op.drop_table('match_followup')
    with op.batch_alter_table('interest_sent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interest_sent_need_id'))

    op.drop_table('interest_sent')
    with op.batch_alter_table('interest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interest_user_id'))
        batch_op.drop_index(batch_op.f('ix_interest_email'))

    op.drop_table('interest')
