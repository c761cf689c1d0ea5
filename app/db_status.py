"""Can the app write to its database? The /healthz probe, and how to tell a read-only error."""

import logging

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from app.db import immediate

logger = logging.getLogger(__name__)

OK, READ_ONLY, UNAVAILABLE = "ok", "read-only", "unavailable"

# A write statement that changes nothing, on a one-row table every migrated database has; it is
# rolled back. SQLite refuses it on a read-only file or connection (BEGIN IMMEDIATE alone is
# quietly downgraded to a read there). It proves SQLite grants us writes, not that the disk
# has room: the honest cheap answer for a probe hit every few seconds.
SQLITE_WRITE_PROBE = "UPDATE alembic_version SET version_num = version_num"


def database_status(engine: Engine) -> str:
    """OK, READ_ONLY (writes would fail) or UNAVAILABLE (cannot even query)."""
    try:
        with immediate(engine).connect() as connection:
            if connection.dialect.name == "postgresql":  # a standby or a read-only default
                value = connection.exec_driver_sql("SHOW transaction_read_only").scalar()
                return READ_ONLY if value == "on" else OK
            try:
                connection.exec_driver_sql(SQLITE_WRITE_PROBE)
            except DBAPIError as exc:
                if is_read_only_error(exc):
                    return READ_ONLY
                raise
            finally:
                connection.rollback()
            return OK
    except Exception as exc:  # any other database failure means "not ready"
        logger.warning("health check: database unavailable: %s", exc)
        return UNAVAILABLE


def is_read_only_error(exc: DBAPIError) -> bool:
    """A write refused because the database (file, connection or server) is read-only."""
    original = exc.orig
    if getattr(original, "sqlstate", None) == "25006":  # PostgreSQL read_only_sql_transaction
        return True
    if str(getattr(original, "sqlite_errorname", "")).startswith("SQLITE_READONLY"):
        return True
    message = str(original).lower()
    return "readonly database" in message or "read-only transaction" in message
