"""Recurring capacity: offers and needs per week or month, matches with a schedule, and the
period ledger.

A post's `per` (NULL: once) makes its quantity per period; a match records the periods it
counts in and any pause or end; `period_ledger` holds what confirmed matches took of a
recurring post in each period. Existing rows stay one-off.

Revision ID: 0014_recurring
Revises: 0010_statuses
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0014_recurring'
down_revision = '0013_speed'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('offer', 'need'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('per', sa.String(length=8), nullable=True))
            batch_op.create_check_constraint(
                op.f(f'ck_{table}_per'), "per IS NULL OR per IN ('week', 'month')")
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.add_column(sa.Column('per', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('period_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('period_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('paused_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('paused_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ended_on', sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_match_per'), "per IS NULL OR per IN ('week', 'month')")
    op.create_table(
        'period_ledger',
        sa.Column('side', sa.String(length=8), nullable=False),
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('committed', sa.Integer(), nullable=False),
        sa.CheckConstraint("side IN ('offer', 'need')", name=op.f('ck_period_ledger_side')),
        sa.CheckConstraint('committed >= 0', name=op.f('ck_period_ledger_committed')),
        sa.PrimaryKeyConstraint('side', 'post_id', 'period_start',
                                name=op.f('pk_period_ledger')),
    )


def downgrade():
    op.drop_table('period_ledger')
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_match_per'), type_='check')
        for column in ('ended_on', 'paused_until', 'paused_from', 'period_until',
                       'period_from', 'per'):
            batch_op.drop_column(column)
    for table in ('need', 'offer'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_per'), type_='check')
            batch_op.drop_column('per')
