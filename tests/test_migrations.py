"""Migrations go up and down on SQLite and PostgreSQL, and match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, inspect

from tests.helpers import POSTGRES_URL
from web import create_app
from web.extensions import db

TABLES = {"organisation", "user", "invitation", "audit_event", "alembic_version"}


def migration_app(tmp_path):
    url = POSTGRES_URL or f"sqlite:///{tmp_path}/migrations.sqlite3"
    return create_app({"env": "testing", "database_url": url})


def table_names():
    return set(inspect(db.engine).get_table_names())


def test_upgrade_downgrade_upgrade(tmp_path, postgres_schema):
    app = migration_app(tmp_path)
    with app.app_context():
        upgrade()
        assert TABLES <= table_names()
        downgrade(revision="base")
        assert table_names() <= {"alembic_version"}
        upgrade()
        assert TABLES <= table_names()
        db.engine.dispose()


def test_the_migrations_match_the_models(tmp_path, postgres_schema):
    app = migration_app(tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        db.engine.dispose()
    assert differences == []


def declared_checks():
    """(table, constraint name) of every CHECK the models declare, with the enums' own."""
    found = set()
    for table in db.metadata.sorted_tables:
        for constraint in table.constraints:
            if isinstance(constraint, CheckConstraint) and constraint.name:
                found.add((table.name, str(constraint.name)))
    return found


def test_the_migrations_create_every_check_the_models_declare(tmp_path, postgres_schema):
    app = migration_app(tmp_path)
    with app.app_context():
        upgrade()
        inspector = inspect(db.engine)
        created = {
            (table, check["name"])
            for table in inspector.get_table_names()
            for check in inspector.get_check_constraints(table)
        }
        db.engine.dispose()
    assert ("match_run", "ck_match_run_trigger") in declared_checks()
    assert declared_checks() - created == set()
