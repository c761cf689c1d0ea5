"""The database engine and the per-request session."""

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

WRITE_OPTION = "guide_write_transaction"

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",  # an acknowledged answer survives a power cut, not just a crash
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
)


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
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
        # A write transaction that reads first cannot wait for the lock when it upgrades
        # (SQLITE_BUSY at once), so writers take it up front with IMMEDIATE and busy_timeout
        # makes them queue. Readers stay DEFERRED and never block each other.
        mode = "IMMEDIATE" if connection.get_execution_options().get(WRITE_OPTION) else "DEFERRED"
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


_THREAD_GATE = threading.Lock()


@contextmanager
def _sqlite_gate(lock_path: str) -> Iterator[None]:
    # flock excludes other processes (workers); the thread lock excludes this process's
    # threads, which share one open file and so one flock.
    with _THREAD_GATE, open(lock_path, "a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def write_gate(engine: Engine):
    """Queue this write behind the others, in order, before it asks SQLite for the lock.

    Without it, under load, dozens of threads in several workers poll SQLite's lock and its
    busy handler sleeps up to 100 ms between polls, so a few unlucky writes wait seconds.
    A kernel lock (flock) wakes the next writer the moment the previous one is done.
    PostgreSQL locks rows, so there the gate is a no-op.
    """
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return nullcontext()
    return _sqlite_gate(url.database + ".write-gate")


def writer(engine: Engine) -> Engine:
    """The same engine (and pool), but its transactions take SQLite's write lock at BEGIN."""
    return engine.execution_options(**{WRITE_OPTION: True})


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One session; the use case commits once at its end, anything left over rolls back."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


def upsert(session: Session, table, *, values: dict, keys: list[str], update: dict) -> None:
    """INSERT ... ON CONFLICT (keys) DO UPDATE, on SQLite and PostgreSQL alike."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table).values(**values)
    session.exec(statement.on_conflict_do_update(index_elements=keys, set_=update))
