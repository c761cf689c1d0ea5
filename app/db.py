"""The database: the engine, and `Database`, the one way the app reads and writes.

A use case is a plain function `use_case(session, **values)`. Routes run it with
`await db.read(use_case, ...)` (a pooled session in a worker thread, rolled back at the end)
or `await db.write(use_case, ...)` (one write transaction, committed once after the use case
returns; the result is only handed back after that COMMIT). Services never commit.
"""

import fcntl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from anyio import to_thread
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from app.sqlite_files import create_private_database

WRITE_OPTION = "guide_write_transaction"
# A connection that queues for its turn itself (app/writer.py) names its BEGIN mode here and
# bypasses the write gate below.
BEGIN_OPTION = "guide_sqlite_begin"

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",  # an acknowledged answer survives a power cut, not just a crash
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
)


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys, a busy timeout and a write gate."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
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

    gate = _WriteGate(f"{parsed.database}.write-gate") if _on_disk(parsed) else None

    @event.listens_for(engine, "begin")
    def _begin(connection):
        # A write transaction that reads first cannot wait for the lock when it upgrades
        # (SQLITE_BUSY at once), so writers take it up front with IMMEDIATE; readers stay
        # DEFERRED and never block each other. Writers first queue at the gate (below).
        options = connection.get_execution_options()
        write = options.get(WRITE_OPTION)
        if write and gate and not connection.info.get(GATE_HELD):
            gate.acquire()
            connection.info[GATE_HELD] = True
        mode = options.get(BEGIN_OPTION) or ("IMMEDIATE" if write else "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_connection, record):
        # A connection goes back to the pool once its transaction has committed or rolled
        # back: only then may the next writer go.
        if record.info.pop(GATE_HELD, False):
            gate.release()

    return engine


def _on_disk(url) -> bool:
    return bool(url.database) and url.database != ":memory:"


GATE_HELD = "guide_write_gate_held"
GATE_TIMEOUT_SECONDS = 30


class _WriteGate:
    """Writers to one SQLite file queue here, in order, before they ask SQLite for its lock.

    Without it, under load, dozens of threads in several workers poll SQLite's lock and its
    busy handler sleeps up to 100 ms between polls, so a few unlucky writes wait seconds.
    A kernel lock (flock) wakes the next writer the moment the previous one is done. The
    thread lock serialises this process's threads, which share one open file and so one flock;
    its timeout turns a thread waiting on itself (two write sessions at once) into an error.
    """

    def __init__(self, path: str):
        self.path = path
        self.lock = threading.Lock()
        self.file = None

    def acquire(self) -> None:
        if not self.lock.acquire(timeout=GATE_TIMEOUT_SECONDS):
            raise TimeoutError(f"no write turn on {self.path} within {GATE_TIMEOUT_SECONDS} s")
        try:
            if self.file is None:
                self.file = open(self.path, "a")  # noqa: SIM115 - kept open for the process
            fcntl.flock(self.file, fcntl.LOCK_EX)
        except BaseException:
            self.lock.release()
            raise

    def release(self) -> None:
        fcntl.flock(self.file, fcntl.LOCK_UN)
        self.lock.release()


def writer(engine: Engine) -> Engine:
    """The same engine (and pool), but its transactions take SQLite's write lock at BEGIN."""
    return engine.execution_options(**{WRITE_OPTION: True})


T = TypeVar("T")


class Database:
    """Reads and writes of use cases: the only place that opens sessions and commits."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._write_engine = writer(engine)

    async def read(self, use_case: Callable[..., T], /, **values) -> T:
        return await to_thread.run_sync(lambda: self.read_now(use_case, **values))

    async def write(self, use_case: Callable[..., T], /, **values) -> T:
        return await to_thread.run_sync(lambda: self.write_now(use_case, **values))

    def read_now(self, use_case: Callable[..., T], /, **values) -> T:
        """`read` for code already off the event loop (the CLI, streamed exports)."""
        with self.read_session() as session:
            return use_case(session, **values)

    def write_now(self, use_case: Callable[..., T], /, **values) -> T:
        """`write` for code already off the event loop: one transaction, committed once."""
        with Session(self._write_engine, expire_on_commit=False) as session:
            result = use_case(session, **values)
            session.commit()
            return result

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def dispose(self) -> None:
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
