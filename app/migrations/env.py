"""Alembic environment: runs on the connection handed over by app.migrations."""

from alembic import context
from sqlmodel import SQLModel

import app.models  # noqa: F401 - registers every table on the metadata

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
