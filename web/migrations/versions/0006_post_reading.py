"""What a post's words say: attribute values, the categories named, the category pointed to.

Revision ID: 0006_post_reading
Revises: 0004_notifications
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_post_reading'
down_revision = '0004_notifications'
branch_labels = None
depends_on = None

TABLES = ('offer', 'need')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('attributes', sa.JSON(), nullable=False,
                                          server_default='{}'))
            batch_op.add_column(sa.Column('concepts', sa.JSON(), nullable=False,
                                          server_default='[]'))
            batch_op.add_column(sa.Column('text_category_id', sa.String(length=64),
                                          nullable=True))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('text_category_id')
            batch_op.drop_column('concepts')
            batch_op.drop_column('attributes')
