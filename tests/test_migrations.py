"""The models and the migrations describe the same schema, on SQLite and PostgreSQL."""

from __future__ import annotations

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from festival.extensions import db


def _diff():
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
        return compare_metadata(context, db.metadata)


def test_models_match_migrations(database):
    assert _diff() == []


def test_downgrade_to_base_and_upgrade_again(database):
    flask_migrate.downgrade(revision="base")
    db.session.remove()
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    flask_migrate.upgrade()
    db.session.remove()
    tables = set(inspect(db.engine).get_table_names())
    assert {"localities", "editions", "locality_festivals", "users", "venues", "organizations"} <= tables
    assert _diff() == []
