"""The one write path: every state-changing unit of work goes through a `Writer`.

A unit of work is a function `unit(session, *args, **kwargs)` that reads and writes through
the ORM `session` it is given (or `session.connection()` for Core statements) and returns a
result. A unit that runs Core statements only may say so with `@connection_unit`: it is given
the SQLAlchemy `Connection` instead, and skips the ORM session's bookkeeping (on SQLite its
savepoint is three plain statements): the quiz submission is one, because the time its
statements take is time every process waits for the write lock.

`await writer.run(unit, ...)` (`writer.run_sync(unit, ...)` from a plain thread) returns that
result, or raises the unit's exception, to its caller and only to it. A unit never ends its
transaction: `session.commit()` in a unit only flushes, `session.rollback()` undoes the unit's
own work so far (it may then go on), and it must not call session.begin().

Durability contract: a caller gets its result only after the COMMIT that contains its unit has
returned. With SQLite's synchronous=FULL (app/db.py) that means on disk: an acknowledged unit
survives a crash or a power cut. Nothing else is promised to a caller that gave up (a
cancelled task): its unit is skipped if it had not started, else it may be stored.

SQLite: group commit. Units are gathered into batches: BEGIN IMMEDIATE, each unit in a
SAVEPOINT (and, unless it is a connection unit, a fresh Session of its own: no identity map
leaks between units), one COMMIT, and only then are the batch's callers answered. One fsync
serves the whole batch, so throughput grows with load. A unit that raises rolls back to its
savepoint and the rest of its batch is stored; if BEGIN or COMMIT fails (or SQLite abandons
the transaction), nothing of the batch is stored and every unit in it gets the error. The
uvicorn workers take turns through an flock on `<database>.write-lock` held from BEGIN to
COMMIT: the kernel wakes the next one the moment it is free, where SQLite's busy handler polls
with sleeps of up to 100 ms (a bad p99). Without fcntl (Windows) the busy timeout alone
serialises them.

Where a batch runs: units from an event loop (every route) are batched on that loop
(`_LoopBatcher`): their statements run on the loop's own thread, while waiting for the flock,
BEGIN and the COMMIT's fsync run in a helper thread (the GIL is free meanwhile, and the loop
goes on reading and grading the next requests, which form the next batch). A writer thread
would have to win the GIL back from a busy loop after every statement while every process
waits for the lock: measured on the 2-core machine, batching on the loop gave 22-45% more
submissions/s and a third lower p99. Units from plain threads (`run_sync`: the CLI, streamed
exports, tests) go to one writer thread per process, batched the same way. Units run while
every process waits for the lock, so a unit should only run statements: grade, build rows and
convert parameters before calling run() (the quiz submission does, `app.db.Prepared.bind`).

Where a quiz submission's time goes now (py-spy, GIL-holding samples, 2 workers under wrk,
2026-12-01): the batch statements about a tenth; grading and converting its rows a sixth;
FastAPI's routing and dependencies, the middleware and building the response about two
fifths; uvicorn and the event loop the rest. bench/write_ceiling.py's raw ASGI app does the
same SQL without any of the HTTP edge, which is why the app reaches 0.37-0.40 of it.

PostgreSQL: a pool of ordinary transactions. Each unit runs in a Session and transaction of
its own, in a thread pool as large as the engine's connection pool (GUIDE_DATABASE_POOL_SIZE,
so a unit never opens a connection of its own), answered after its COMMIT. The server groups
the WAL flushes of concurrent commits itself and row locks let units proceed in parallel;
batching with savepoints measured no better (650-960 against
730-810 units/s of 13 rows, 50 concurrent callers, on the 2-core project machine).
"""

import asyncio
import contextlib
import gc
import logging
import queue
import threading
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

try:  # Only POSIX has flock; elsewhere processes fall back to SQLite's busy timeout.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

logger = logging.getLogger(__name__)
# An engine execution option naming a SQLite connection's BEGIN mode (app/db.py's make_engine
# issues BEGIN itself); the writer's connection says IMMEDIATE.
BEGIN_OPTION = "guide_sqlite_begin"
MAX_BATCH = 256
_STOP = object()  # queued by close(): the writer thread finishes what came before, then ends


def connection_unit(unit: Callable) -> Callable:
    """Mark `unit` as taking a Connection, not a Session (see the module docstring). It may
    still open an ORM session on that connection for a rare branch: unit_session()."""
    unit.takes_connection = True
    return unit


def unit_session(connection: Connection) -> Session:
    """An ORM session inside a connection unit: its own SAVEPOINT in the unit's transaction;
    commit() flushes and releases it, and nothing is durable before the batch's COMMIT."""
    return Session(bind=connection, join_transaction_mode="create_savepoint",
                   expire_on_commit=False)


class UnitSession(Session):
    """A unit's ORM session: the writer, not the unit, ends its transaction.

    commit() only flushes, so a service written for a session of its own ("commits once, at
    its end") runs unchanged as a unit, yet nothing is durable before the batch's COMMIT and a
    unit that raises after its commit() is still rolled back whole.
    """

    def commit(self) -> None:
        self.flush()

    def finish(self) -> None:
        """Flush and end the unit's transaction (RELEASE its savepoint, or COMMIT on PostgreSQL)."""
        super().commit()


@dataclass(slots=True, eq=False)
class _Job:
    """A queued unit and where its outcome goes once its batch has committed."""

    unit: Callable
    args: tuple
    kwargs: dict
    future: Any  # an asyncio.Future of `loop`, or a concurrent.futures.Future when loop is None
    loop: asyncio.AbstractEventLoop | None = None
    result: Any = None
    error: BaseException | None = None


class Writer:
    """Runs units of work against `engine`, durably, one process-wide write path."""

    def __init__(self, engine: Engine, *, max_batch: int = MAX_BATCH):
        self.engine = engine
        self.max_batch = max_batch
        self.batches = engine.dialect.name == "sqlite"
        if self.batches:
            _send_savepoints_to_driver(engine)
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._gate = threading.Lock()  # makes "closed?" and "queue it" one step
        self._closed = False
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._batchers: dict[asyncio.AbstractEventLoop, _LoopBatcher] = {}

    def start(self) -> "Writer":
        if self.batches:
            self._thread = threading.Thread(target=self._write_batches, name="writer", daemon=True)
            self._thread.start()
        else:
            size = self.engine.pool.size() if hasattr(self.engine.pool, "size") else 5
            self._pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="writer")
        return self

    @property
    def closed(self) -> bool:
        """True after close(), or once the writer thread died (its units got the error)."""
        return self._closed

    def close(self) -> None:
        """Finish every unit already submitted, then stop. Later calls do nothing. Call it from
        a plain thread: it waits for the event loops' batches too."""
        with self._gate:
            if self._closed:
                return
            self._closed = True
            if self._thread is not None:
                self._queue.put(_STOP)
            batchers = list(self._batchers.values())
        if self._thread is not None:
            self._thread.join()
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        for batcher in batchers:
            batcher.close()

    async def run(self, unit: Callable, /, *args, **kwargs) -> Any:
        """`unit(session, *args, **kwargs)`'s result, once the COMMIT containing it returned."""
        loop = asyncio.get_running_loop()
        if not self.batches:
            self._check_open()
            return await loop.run_in_executor(self._pool, _transact, self.engine, unit, args,
                                              kwargs)
        with self._gate:
            self._check_open()
            batcher = self._batchers.get(loop)
            if batcher is None:
                finished = [old for old in self._batchers if old.is_closed()]
                for old in finished:  # a test client's loop, say: its connection goes
                    self._batchers.pop(old).close()
                batcher = self._batchers[loop] = _LoopBatcher(self.engine, loop, self.max_batch)
        return await batcher.run(_Job(unit, args, kwargs, loop.create_future(), loop))

    def run_sync(self, unit: Callable, /, *args, **kwargs) -> Any:
        """As run(), for a plain thread (CLI, tests, sync routes); blocks until committed."""
        if not self.batches:
            self._check_open()
            return _transact(self.engine, unit, args, kwargs)
        if threading.current_thread() is self._thread or _on_event_loop():
            # On the writer thread, or in a unit batched on an event loop (or in a coroutine,
            # which would stall its loop): the unit would wait for itself.
            raise RuntimeError("a unit of work cannot wait for another one: it would wait forever"
                               " (from a coroutine, await run())")
        future: Future = Future()
        self._submit(_Job(unit, args, kwargs, future))
        return future.result()

    def _check_open(self) -> None:
        if self._closed or (self._thread is None and self._pool is None and not self.batches):
            raise RuntimeError("the writer is not running (start() it; close() stops it)")

    def _submit(self, job: _Job) -> None:
        with self._gate:
            self._check_open()
            self._queue.put(job)

    # --- SQLite: the writer thread

    def _write_batches(self) -> None:
        jobs: list[_Job] = []
        try:
            with contextlib.closing(_WriteTurn(self.engine.url.database)) as turn, \
                    self.engine.connect() as connection:
                connection = connection.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
                stopping = False
                while not stopping:
                    jobs, stopping = self._take_batch()
                    if jobs:
                        with turn:
                            _commit_batch(connection, jobs)
                        _answer(jobs)
        except Exception as error:  # the thread is dying: nobody may wait for it forever
            with self._gate:
                self._closed = True
            while not self._queue.empty():
                jobs.append(self._queue.get_nowait())
            jobs = [job for job in jobs if job is not _STOP]
            for job in jobs:
                job.result, job.error = None, RuntimeError(f"the writer stopped: {error!r}")
            _answer(jobs)
            logger.exception("the writer thread stopped; this process can no longer write")

    def _take_batch(self) -> tuple[list[_Job], bool]:
        """Wait for one unit, then take whatever else is queued; True once close() was called."""
        item = self._queue.get()
        jobs: list[_Job] = []
        while item is not _STOP:
            if not item.future.cancelled():  # its caller gave up before it ran: skip it
                jobs.append(item)
            if len(jobs) >= self.max_batch:
                return jobs, False
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return jobs, False
        return jobs, True


class _LoopBatcher:
    """Group commit on one event loop (see the module docstring): the units' statements run on
    the loop; the flock, BEGIN and COMMIT wait in a helper thread, the loop serving meanwhile."""

    def __init__(self, engine: Engine, loop: asyncio.AbstractEventLoop, max_batch: int):
        self.loop = loop
        self.max_batch = max_batch
        self.turn = _WriteTurn(engine.url.database)
        self.connection = engine.connect().execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
        self.waiter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="commit")
        self.pending: list[_Job] = []
        self.idle = threading.Event()
        self.idle.set()

    async def run(self, job: _Job) -> Any:
        self.pending.append(job)
        if self.idle.is_set():  # no batch in flight: start one; else the next one takes it
            self.idle.clear()
            self.loop.create_task(self._write_batches())
        return await job.future

    async def _write_batches(self) -> None:
        try:
            while self.pending:
                jobs: list[_Job] = []
                try:
                    transaction = await self._in_waiter(self._begin)
                    jobs = self._take()  # all that queued while we waited for our turn
                    try:
                        for job in jobs:
                            _run_in_savepoint(self.connection, job)
                    except Exception:
                        self._roll_back(transaction)
                        raise
                    await self._in_waiter(self._commit, transaction)
                except Exception as error:  # nothing of this batch is stored
                    jobs = jobs or self._take()
                    for job in jobs:
                        job.result, job.error = None, error
                for job in jobs:
                    _settle(job)
        finally:
            self.idle.set()

    def _take(self) -> list[_Job]:
        jobs = [job for job in self.pending[:self.max_batch] if not job.future.done()]
        del self.pending[:self.max_batch]
        return jobs

    async def _in_waiter(self, step: Callable, *args) -> Any:
        """`step` in the helper thread. If the loop gives up on it (it is shutting down), the
        step still finishes, and leaves no lock held and no transaction open behind it."""
        future = self.waiter.submit(step, *args)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            future.add_done_callback(self._release_abandoned)
            raise

    def _release_abandoned(self, future: Future) -> None:
        if not future.cancelled() and future.exception() is None and future.result() is not None:
            self._roll_back(future.result())  # a BEGIN nobody will use

    def _begin(self):
        self.turn.__enter__()
        try:
            return self.connection.begin()
        except BaseException:
            self.turn.__exit__()
            raise

    def _commit(self, transaction) -> None:
        try:
            transaction.commit()
        except BaseException:
            self._roll_back(transaction)
            raise
        self.turn.__exit__()

    def _roll_back(self, transaction) -> None:
        try:
            if transaction.is_active:
                transaction.rollback()
        except Exception:  # SQLite may have ended it already; the batch failed either way
            logger.exception("rolling back a failed batch")
        finally:
            self.turn.__exit__()

    def close(self) -> None:
        """Once the batch in flight is answered (its loop closed: at once), release the
        connection and the lock file, in the helper thread after anything it still runs."""
        if not self.loop.is_closed() and not self.idle.wait(timeout=60):
            logger.warning("a batch was still in flight when the writer closed")
        self.waiter.submit(self._release)
        self.waiter.shutdown(wait=True)

    def _release(self) -> None:
        self.connection.close()
        self.turn.close()


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _commit_batch(connection: Connection, jobs: list[_Job]) -> None:
    """One transaction, one savepoint per unit; on BEGIN/COMMIT failure every unit fails."""
    try:
        with connection.begin():
            for job in jobs:
                _run_in_savepoint(connection, job)
    except Exception as error:  # nothing of this batch is stored
        for job in jobs:
            job.result, job.error = None, error


def _run_in_savepoint(connection: Connection, job: _Job) -> None:
    if getattr(job.unit, "takes_connection", False):
        _run_on_connection(connection, job)
    else:
        _run_in_session(connection, job)
    # A failed unit was rolled back to its savepoint. Some SQLite errors (disk full, I/O)
    # abandon the whole transaction instead; carrying on would run the rest in autocommit.
    if job.error is not None and not connection.connection.dbapi_connection.in_transaction:
        raise RuntimeError("SQLite rolled back the batch's transaction") from job.error


def _run_on_connection(connection: Connection, job: _Job) -> None:
    driver = connection.connection.driver_connection
    driver.execute("SAVEPOINT unit")
    try:
        job.result = job.unit(connection, *job.args, **job.kwargs)
    except Exception as error:
        job.error = error
        if driver.in_transaction:
            driver.execute("ROLLBACK TO SAVEPOINT unit")
    if driver.in_transaction:
        driver.execute("RELEASE SAVEPOINT unit")


def _run_in_session(connection: Connection, job: _Job) -> None:
    with UnitSession(bind=connection, join_transaction_mode="create_savepoint",
                     expire_on_commit=False) as session:
        try:
            job.result = job.unit(session, *job.args, **job.kwargs)
            session.finish()
            return
        except Exception as error:
            job.error = error  # closing the session rolls back to its savepoint


def _send_savepoints_to_driver(engine: Engine) -> None:
    """SAVEPOINT, RELEASE and ROLLBACK TO as plain text on the sqlite3 connection.

    SQLAlchemy compiles each savepoint statement anew: that was 90 of the 144 µs a unit cost
    the writer thread, which holds SQLite's write lock for every process meanwhile. The names
    are SQLAlchemy's own (sa_savepoint_N), so the text is safe; it applies to every connection
    of `engine` and only skips SQLAlchemy's statement logging for these three statements.
    """
    dialect = engine.dialect

    def send(connection: Connection, sql: str) -> None:
        connection.connection.driver_connection.execute(sql)

    dialect.do_savepoint = lambda connection, name: send(connection, f"SAVEPOINT {name}")
    dialect.do_release_savepoint = lambda connection, name: send(
        connection, f"RELEASE SAVEPOINT {name}")
    dialect.do_rollback_to_savepoint = lambda connection, name: send(
        connection, f"ROLLBACK TO SAVEPOINT {name}")


def _answer(jobs: list[_Job]) -> None:
    """Hand each outcome to its caller: one wake-up per event loop, not one per unit."""
    by_loop: dict[asyncio.AbstractEventLoop, list[_Job]] = defaultdict(list)
    for job in jobs:
        if job.loop is None:
            _settle(job)
        else:
            by_loop[job.loop].append(job)
    for loop, group in by_loop.items():
        with contextlib.suppress(RuntimeError):  # that loop is closed: nobody is waiting
            loop.call_soon_threadsafe(lambda group=group: [_settle(job) for job in group])


def _settle(job: _Job) -> None:
    if job.future.done():  # cancelled meanwhile
        return
    if job.error is not None:
        job.future.set_exception(job.error)
    else:
        job.future.set_result(job.result)


class _WriteTurn:
    """The cross-process queue for SQLite's write lock: an flock held from BEGIN to COMMIT."""

    def __init__(self, database: str | None):
        on_disk = fcntl is not None and database and database != ":memory:"
        self.file = open(f"{database}.write-lock", "a") if on_disk else None  # noqa: SIM115

    def __enter__(self) -> None:
        if self.file is not None:
            fcntl.flock(self.file, fcntl.LOCK_EX)

    def __exit__(self, *_exc) -> None:
        if self.file is not None:
            fcntl.flock(self.file, fcntl.LOCK_UN)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


# --- PostgreSQL: a transaction per unit


def _transact(engine: Engine, unit: Callable, args: tuple, kwargs: dict) -> Any:
    if getattr(unit, "takes_connection", False):
        with engine.begin() as connection:
            return unit(connection, *args, **kwargs)
    with UnitSession(engine, expire_on_commit=False) as session:
        result = unit(session, *args, **kwargs)
        session.finish()
    return result


def freeze_startup_garbage() -> None:
    """Call once start-up is done (content loaded, app built), in each worker process.

    gc.freeze() moves every object alive now to a generation the collector never scans; the
    long-lived start-up heap (the Guide, templates, SQLAlchemy's caches) then costs nothing in
    the full collections that the write path's many short-lived objects trigger.
    """
    gc.collect()
    gc.freeze()
