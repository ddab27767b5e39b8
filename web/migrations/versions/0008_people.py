"""People: sessions that can be ended, mail preferences per kind, erasure, English names of
organisations, offers pledged to a chosen need, and why a receipt fell short.

Revision ID: 0008_people
Revises: 0007_cockpit
Create Date: 2026-12-01

`user.session_token` is Flask-Login's alternative id: every existing person gets a random one
(existing sessions and remember cookies, which carry the numeric id, stop working once: people
sign in again). Representatives now hear about their organisation's matches by default, so
`colleague_mail` becomes true for everyone; each may turn it off again.
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = '0008_people'
down_revision = '0007_cockpit'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('mail_kinds_off', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(), nullable=True))
        batch_op.alter_column('colleague_mail', server_default=sa.true(),
                              existing_type=sa.Boolean(), existing_nullable=False)

    user = sa.table('user', sa.column('id', sa.Integer), sa.column('session_token', sa.String),
                    sa.column('colleague_mail', sa.Boolean))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(user.c.id)).all():
        connection.execute(
            user.update().where(user.c.id == user_id)
            .values(session_token=secrets.token_urlsafe(32), colleague_mail=True)
        )

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_user_session_token'), ['session_token'])

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_en', sa.String(length=160), server_default='', nullable=False))

    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chosen_need_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_offer_chosen_need_id_need'), 'need',
                                    ['chosen_need_id'], ['id'])

    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.add_column(sa.Column('short_reason', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('promised_quantity', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.drop_column('promised_quantity')
        batch_op.drop_column('short_reason')

    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_offer_chosen_need_id_need'), type_='foreignkey')
        batch_op.drop_column('chosen_need_id')

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('name_en')

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_session_token'), type_='unique')
        batch_op.alter_column('colleague_mail', server_default=sa.false(),
                              existing_type=sa.Boolean(), existing_nullable=False)
        batch_op.drop_column('erased_at')
        batch_op.drop_column('mail_kinds_off')
        batch_op.drop_column('session_token')
