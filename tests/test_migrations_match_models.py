"""The Alembic migrations and the SQLModel tables describe the same schema, on the database
under test (SQLite, or PostgreSQL with TEST_DATABASE_URL): autogenerate finds no difference."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import app.models  # noqa: F401 - registers every table


def test_autogenerate_finds_no_difference_between_models_and_migrations(app):
    with app.state.database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []
