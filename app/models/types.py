"""Column types shared by the tables."""

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field

# The widest id every database column can hold (PostgreSQL's integer; SQLite's is 2**63 - 1):
# the web edge answers 404 for larger ids before any query is built with them.
MAX_ID = 2**31 - 1


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


def timestamp(**column_kwargs):
    """A UTC timestamp column that defaults to now."""
    return Field(sa_type=UTCDateTime, sa_column_kwargs=column_kwargs, default_factory=utcnow)
