"""The Alembic migrations and the SQLModel tables describe the same schema, on the database
under test (SQLite, or PostgreSQL with TEST_DATABASE_URL): autogenerate finds no difference."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import app.models

# Other tests may add tables of their own to the shared metadata: compare the app's only.
APP_TABLES = {getattr(app.models, name).__tablename__ for name in app.models.__all__
              if hasattr(getattr(app.models, name), "__tablename__")}


def only_the_apps(obj, name, type_, reflected, compare_to) -> bool:
    return type_ != "table" or name in APP_TABLES


def test_autogenerate_finds_no_difference_between_models_and_migrations(app):
    with app.state.database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_object": only_the_apps})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []
