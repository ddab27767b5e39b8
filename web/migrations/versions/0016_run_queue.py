"""The queue of full runs: one row per request, waiting for a run worker, running, done or
failed, with at most one waiting request per scope (a centre's slug; "" the deployment).

Revision ID: 0016_run_queue
Revises: 0015_centres
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0016_run_queue'
down_revision = '0015_centres'
branch_labels = None
depends_on = None

QUEUED = sa.text("status = 'queued'")


def upgrade():
    op.create_table(
        'run_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('worker', sa.String(length=120), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('match_run_id', sa.Integer(), nullable=True),
        sa.Column('error', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['match_run_id'], ['match_run.id'],
                                name=op.f('fk_run_request_match_run_id_match_run')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'],
                                name=op.f('fk_run_request_requested_by_id_user')),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')",
                           name=op.f('ck_run_request_status')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_run_request')),
    )
    with op.batch_alter_table('run_request', schema=None) as batch_op:
        batch_op.create_index('ix_run_request_status_requested_at', ['status', 'requested_at'],
                              unique=False)
        batch_op.create_index('uq_run_request_queued_scope', ['scope'], unique=True,
                              postgresql_where=QUEUED, sqlite_where=QUEUED)


def downgrade():
    with op.batch_alter_table('run_request', schema=None) as batch_op:
        batch_op.drop_index('uq_run_request_queued_scope', postgresql_where=QUEUED,
                            sqlite_where=QUEUED)
        batch_op.drop_index('ix_run_request_status_requested_at')
    op.drop_table('run_request')
