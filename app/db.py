"""The database: the engine, and `Database`, the one way the app reads and writes.

A use case is a plain function `use_case(session, **values)`. Routes run it with
`await db.read(use_case, ...)` (a pooled session in a worker thread, rolled back at the end)
or `await db.write(use_case, ...)`: a unit of work of the process's one `Writer`
(app/writer.py), whose result comes back only after the COMMIT that contains it. On SQLite
the writer batches units (group commit); on PostgreSQL each unit is a transaction of its own.
Services never commit.
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from anyio import to_thread
from sqlalchemy import event
from sqlalchemy.engine import Dialect, Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, create_engine

from app.batches import BEGIN_OPTION
from app.sqlite_files import create_private_database
from app.writer import Writer

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",  # an acknowledged answer survives a power cut, not just a crash
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
)
POOL_SIZE, MAX_OVERFLOW = 20, 10


def make_engine(url: str, *, pool_size: int = POOL_SIZE,
                max_overflow: int = MAX_OVERFLOW) -> Engine:
    """An engine for `url`; SQLite gets WAL, synchronous=FULL, foreign keys, a busy timeout.

    PostgreSQL keeps `pool_size` connections open per process (the Writer runs as many units
    at once) and opens up to `max_overflow` more for bursts of reads, closing them after use.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=pool_size,
                             max_overflow=max_overflow)
    if _on_disk(parsed):
        create_private_database(Path(parsed.database))
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})

    @event.listens_for(engine, "connect")
    def _set_pragmas(dbapi_connection, _record):
        # pysqlite's own transaction handling would defer BEGIN until the first write;
        # we issue BEGIN ourselves (below) so reads and writes share one snapshot.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        # Readers stay DEFERRED and never block each other. A writer (the Writer's connection,
        # migrations) says IMMEDIATE: a transaction that reads first and then writes could not
        # wait for the lock when it upgrades (SQLITE_BUSY at once).
        mode = connection.get_execution_options().get(BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _on_disk(url) -> bool:
    return bool(url.database) and url.database != ":memory:"


def immediate(engine: Engine) -> Engine:
    """The same engine (and pool), but its transactions take SQLite's write lock at BEGIN.

    For writes outside the Writer that run before it or without it: migrations, the CLI's prune.
    """
    return engine.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})


T = TypeVar("T")


class Database:
    """Reads and writes of use cases: the only place that opens sessions and commits.

    The Writer starts with the first write (so an app that never writes has no writer thread)
    and close() stops it after the units already submitted; a later write starts a new one.
    """

    def __init__(self, engine: Engine):
        self.engine = engine
        self._writer: Writer | None = None
        self._lock = threading.Lock()

    @property
    def dialect(self) -> Dialect:
        """The database's SQL dialect: a write's parameters can be converted before the write."""
        return self.engine.dialect

    async def read(self, use_case: Callable[..., T], /, **values) -> T:
        return await to_thread.run_sync(lambda: self.read_now(use_case, **values))

    async def write(self, use_case: Callable[..., T], /, **values) -> T:
        """`use_case(session, **values)` as a unit of the Writer; its result after COMMIT."""
        return await self._running_writer().run(use_case, **values)

    def read_now(self, use_case: Callable[..., T], /, **values) -> T:
        """`read` for code already off the event loop (the CLI, streamed exports)."""
        with self.read_session() as session:
            return use_case(session, **values)

    def write_now(self, use_case: Callable[..., T], /, **values) -> T:
        """`write` for code already off the event loop: blocks until committed."""
        return self._running_writer().run_sync(use_case, **values)

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def _running_writer(self) -> Writer:
        writer = self._writer
        if writer is not None and not writer.closed:
            return writer
        with self._lock:  # the first write, or the writer thread died: start a new one
            if self._writer is None or self._writer.closed:
                self._writer = Writer(self.engine).start()
            return self._writer

    def close(self) -> None:
        """Stop the writer once every unit already submitted has committed."""
        with self._lock:
            writer, self._writer = self._writer, None
        if writer is not None:
            writer.close()

    def dispose(self) -> None:
        self.close()
        self.engine.dispose()


def upsert(session: Session, table, *, values: dict, keys: list[str], update: dict) -> None:
    """INSERT ... ON CONFLICT (keys) DO UPDATE, on SQLite and PostgreSQL alike."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table).values(**values)
    session.exec(statement.on_conflict_do_update(index_elements=keys, set_=update))


class Prepared:
    """A Core statement compiled once per dialect, run on the driver's own cursor.

    For the write hot path: a unit runs while every process waits for the write lock, and
    SQLAlchemy's per-execution work (execution context, parameter processing, result objects)
    cost about five times the statement itself on SQLite. The SQL, and the conversion of each
    parameter (JSON, UTC datetimes), still come from the Core statement and its column types,
    so it stays portable; the drivers keep it prepared (sqlite3's statement cache, psycopg's
    automatic prepare). Driver errors come back as SQLAlchemy's (IntegrityError, ...).
    """

    def __init__(self, statement):
        self.statement = statement
        self._compiled: dict[tuple, tuple] = {}

    def execute(self, connection, params: dict | list[dict]):
        """Run with one parameter dict (returns the driver cursor), or executemany a list."""
        return self.bind(connection.dialect, params).execute(connection)

    def bind(self, dialect, params: dict | list[dict], *, later: tuple[str, ...] = ()) -> "Bound":
        """Convert the parameters for the driver now: off the write path, when called before
        the write. `later` names ids only the write knows (an integer needs no conversion):
        give them a placeholder here and their values to Bound.execute."""
        rows = params if isinstance(params, list) else [params]
        many = isinstance(params, list)
        sql, convert, names = self._compile(dialect, rows[0], many=many)
        converted = [convert(row) for row in rows]
        slots = tuple(names.index(key) if names is not None else key for key in later)
        return Bound(sql, converted if many else converted[0], dict(zip(later, slots, strict=True)),
                     params)

    def _compile(self, dialect, params: dict, *, many: bool) -> tuple:
        key = (dialect.name, many, tuple(params))
        found = self._compiled.get(key)
        if found is None:
            found = self._compiled[key] = _compile(self.statement, dialect, list(params),
                                                   many=many)
        return found


def _compile(statement, dialect, column_keys: list[str], *, many: bool) -> tuple:
    """(SQL text, a function turning a parameter dict into what the driver takes)."""
    compiled = statement.compile(dialect=dialect, column_keys=column_keys,
                                 for_executemany=many)  # no implicit RETURNING for many rows
    binds = {compiled.bind_names[bind]: bind for bind in compiled.binds.values()}
    fixed = {name: bind.value for name, bind in binds.items() if not bind.required}
    processors = {name: bind.type.dialect_impl(dialect).bind_processor(dialect)
                  for name, bind in binds.items()}
    processors = {key: process for key, process in processors.items() if process}
    names = compiled.positiontup

    def processed(params: dict) -> dict:
        values = {**fixed, **params}
        for key, process in processors.items():
            if key in values:
                values[key] = process(values[key])
        return values

    if names is not None:  # qmark (sqlite3): a tuple in placeholder order
        return (str(compiled), lambda params: tuple(map(processed(params).__getitem__, names)),
                list(names))
    return str(compiled), processed, None


class Bound:
    """A Prepared statement's SQL with its parameters converted for the driver; `execute` fills
    in the ids named `later` and runs it (executemany for a list of rows)."""

    __slots__ = ("sql", "params", "slots", "source")

    def __init__(self, sql: str, params, slots: dict, source):
        self.sql, self.params, self.slots, self.source = sql, params, slots, source

    def execute(self, connection, **ids):
        many = isinstance(self.params, list)
        params = [self._fill(row, ids) for row in self.params] if many else self._fill(
            self.params, ids)
        dialect = connection.dialect
        cursor = connection.connection.driver_connection.cursor()
        try:
            if many:
                cursor.executemany(self.sql, params)
            else:
                cursor.execute(self.sql, params)
        except dialect.loaded_dbapi.Error as error:
            raise DBAPIError.instance(self.sql, self.source, error,
                                      dialect.loaded_dbapi.Error) from error
        return cursor

    def _fill(self, row, ids: dict):
        if not ids:
            return row
        if isinstance(row, tuple):
            row = list(row)
            for key, value in ids.items():
                row[self.slots[key]] = value
            return tuple(row)
        return {**row, **ids}
