"""Centres as tenants: the centre and its member organisations; staff, needs, audit events,
emergencies (and full runs, optionally) belong to a centre.

Everything that exists becomes the Athens centre's: the centre is created (its area Attica),
every organisation becomes its member, every staff member its staff, every need, audit event
and emergency its own. The way down drops the columns and tables again; no row of the
earlier tables is lost either way.

Revision ID: 0015_centres
Revises: 0014_recurring
Create Date: 2026-12-01
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0015_centres'
down_revision = '0014_recurring'
branch_labels = None
depends_on = None

ATHENS = {
    'slug': 'athens',
    'name_el': 'Κέντρο Συντονισμού για θέματα Μεταναστών και Προσφύγων (ΚΣΜΠ)',
    'name_en': 'Athens Coordination Centre for Migrant and Refugee issues',
    'tagline_el': 'Δήμος Αθηναίων · Κέντρο Συντονισμού για θέματα Μεταναστών και Προσφύγων',
    'tagline_en': 'City of Athens · Coordination Centre for Migrant and Refugee issues',
    'email': '',
    'phone': '',
    'area': ['attica'],
}
STAFF_CENTRE_CHECK = (
    "(role = 'staff' AND centre_id IS NOT NULL) OR (role <> 'staff' AND centre_id IS NULL)"
)
# Tables whose rows all become Athens', and whether the column may stay empty afterwards.
OWNED = (('need', False), ('emergency', False), ('audit_event', True))


def _centre_column(batch_op, table, nullable, index=True):
    batch_op.add_column(sa.Column('centre_id', sa.Integer(), nullable=True))
    if index:
        batch_op.create_index(batch_op.f(f'ix_{table}_centre_id'), ['centre_id'], unique=False)
    batch_op.create_foreign_key(
        batch_op.f(f'fk_{table}_centre_id_centre'), 'centre', ['centre_id'], ['id'])


def _foreign_keys(bind, on):
    """On SQLite, rebuilding a table others refer to (user, need) drops it first, which the
    foreign keys refuse while rows point at it: SQLite's own procedure for such changes
    turns them off meanwhile (outside a transaction, where the setting takes) and checks
    them afterwards."""
    if bind.dialect.name != 'sqlite':
        return
    with op.get_context().autocommit_block():
        bind.execute(sa.text(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}"))
    if on:
        broken = bind.execute(sa.text('PRAGMA foreign_key_check')).all()
        assert not broken, f'rows pointing nowhere: {broken}'


def upgrade():
    centre = op.create_table(
        'centre',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=40), nullable=False),
        sa.Column('name_el', sa.String(length=160), nullable=False),
        sa.Column('name_en', sa.String(length=160), nullable=False),
        sa.Column('tagline_el', sa.String(length=200), nullable=False),
        sa.Column('tagline_en', sa.String(length=200), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('phone', sa.String(length=40), nullable=False),
        sa.Column('area', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_centre')),
        sa.UniqueConstraint('slug', name=op.f('uq_centre_slug')),
    )
    op.create_table(
        'centre_member',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('centre_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['centre_id'], ['centre.id'],
                                name=op.f('fk_centre_member_centre_id_centre')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                                name=op.f('fk_centre_member_organisation_id_organisation')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_member')),
        sa.UniqueConstraint('centre_id', 'organisation_id',
                            name=op.f('uq_centre_member_centre_id')),
    )
    with op.batch_alter_table('centre_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_centre_member_centre_id'), ['centre_id'])
        batch_op.create_index(batch_op.f('ix_centre_member_organisation_id'),
                              ['organisation_id'])

    bind = op.get_bind()
    _foreign_keys(bind, on=False)
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(centre, [{**ATHENS, 'id': 1, 'created_at': now}])
    if bind.dialect.name == 'postgresql':
        bind.execute(sa.text(
            "SELECT setval(pg_get_serial_sequence('centre', 'id'), "
            "(SELECT MAX(id) FROM centre))"))
    bind.execute(sa.text(
        'INSERT INTO centre_member (centre_id, organisation_id, created_at) '
        'SELECT 1, id, CURRENT_TIMESTAMP FROM organisation'))

    with op.batch_alter_table('user', schema=None) as batch_op:
        _centre_column(batch_op, 'user', True)
    bind.execute(sa.text("UPDATE \"user\" SET centre_id = 1 WHERE role = 'staff'"))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_user_staff_centre'), STAFF_CENTRE_CHECK)

    for table, nullable in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            _centre_column(batch_op, table, nullable)
        bind.execute(sa.text(f'UPDATE {table} SET centre_id = 1'))
        if not nullable:
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.alter_column('centre_id', existing_type=sa.Integer(), nullable=False)

    with op.batch_alter_table('match_run', schema=None) as batch_op:
        _centre_column(batch_op, 'match_run', True, index=False)
    _foreign_keys(bind, on=True)


def downgrade():
    _foreign_keys(op.get_bind(), on=False)
    for table in ('match_run', 'audit_event', 'emergency', 'need', 'user'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == 'user':
                batch_op.drop_constraint(op.f('ck_user_staff_centre'), type_='check')
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_centre_id_centre'),
                                     type_='foreignkey')
            if table != 'match_run':
                batch_op.drop_index(batch_op.f(f'ix_{table}_centre_id'))
            batch_op.drop_column('centre_id')
    with op.batch_alter_table('centre_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_centre_member_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_centre_member_centre_id'))
    op.drop_table('centre_member')
    op.drop_table('centre')
    _foreign_keys(op.get_bind(), on=True)
