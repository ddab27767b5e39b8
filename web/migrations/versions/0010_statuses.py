"""Statuses as enums: the one closed vocabulary without a CHECK, a run's trigger, gets one.

Every other status column (organisation, user role and mail mode, offer, need, match,
notification, member service) already had its CHECK under the name the enum-typed columns
declare (`ck_<table>_<column>`), with the same values, so nothing else changes in the
schema and existing rows stay valid. Runs were only ever started by an offer, a need or a
full run, all in the list.

Revision ID: 0010_statuses
Revises: 0009_directory
Create Date: 2026-12-01
"""
from alembic import op

revision = '0010_statuses'
down_revision = '0009_directory'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('match_run', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_match_run_trigger'), "trigger IN ('offer', 'need', 'full', 'released')")


def downgrade():
    with op.batch_alter_table('match_run', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_match_run_trigger'), type_='check')
