"""The centre's cockpit: notes on matches, who looks after each, imported posts' references.

Revision ID: 0007_cockpit
Revises: 0006_post_reading
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0007_cockpit'
down_revision = '0006_post_reading'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('offer', 'need'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('external_ref', sa.String(length=64), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_external_ref'), ['external_ref'], unique=False)
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assigned_to_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_match_assigned_to_id'), ['assigned_to_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_match_assigned_to_id_user'), 'user', ['assigned_to_id'], ['id']
        )
    op.create_table('match_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_match_note_author_id_user')),
    sa.ForeignKeyConstraint(['match_id'], ['match.id'], name=op.f('fk_match_note_match_id_match')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_note'))
    )
    with op.batch_alter_table('match_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_note_match_id'), ['match_id'], unique=False)


def downgrade():
    with op.batch_alter_table('match_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_note_match_id'))
    op.drop_table('match_note')
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_match_assigned_to_id_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_match_assigned_to_id'))
        batch_op.drop_column('assigned_to_id')
    for table in ('need', 'offer'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_external_ref'))
            batch_op.drop_column('external_ref')
