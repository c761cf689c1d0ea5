"""Alembic migrations, applied programmatically by the server, `guide db upgrade` and tests."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent
POSTGRES_MIGRATION_LOCK = 7_210_001  # any constant: serialises workers starting together


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision`. Safe when several workers start at once."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SELECT pg_advisory_xact_lock({POSTGRES_MIGRATION_LOCK})"))
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
