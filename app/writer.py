"""The one write path: every state-changing unit of work goes through a `Writer`.

A unit of work is a function `unit(session, *args, **kwargs)` that reads and writes through the
ORM `session` it is given (or `session.connection()` for Core statements) and returns a result.
A unit that runs Core statements only may say so with `@connection_unit` (app/units.py): it is
given the SQLAlchemy `Connection` instead, and skips the ORM session's bookkeeping (on SQLite
its savepoint is three plain statements): the quiz submission is one, because the time its
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
(`LoopBatcher`, app/batches.py): their statements run on the loop's own thread, while waiting
for the flock, BEGIN and the COMMIT's fsync run in a helper thread (the GIL is free meanwhile,
and the loop goes on reading and grading the next requests, which form the next batch). A
writer thread would have to win the GIL back from a busy loop after every statement while every
process waits for the lock: measured on the 2-core machine, batching on the loop gave 22-45%
more submissions/s and a third lower p99. Units from plain threads (`run_sync`: the CLI, tests)
go to one writer thread per process, batched the same way. Units run while every process waits
for the lock, so a unit should only run statements: grade, build rows and convert parameters
before calling run() (the quiz submission does, `app.db.Prepared.bind`).

Where a quiz submission's time goes now (py-spy, GIL-holding samples, 2 workers under wrk,
2026-12-02, after the route began reading its own body: app/web/json_body.py): the batch
statements about an eighth; grading a tenth; converting the rows' parameters for the driver a
sixth (a third of that is json.dumps of the responses); FastAPI, Starlette and our
middleware, from routing to sending the response, about a quarter; uvicorn and the event
loop the rest. bench/write_ceiling.py's raw ASGI app does the same SQL without any of the
HTTP edge and is bound by fsync, not CPU: the app's CPU per submission is 2.5-2.8 times the
ceiling's, and its submissions/s 0.59-0.67 of a ceiling whose workers both get connections
(median 0.62 over six runs; bench-quiz prints both figures).

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
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from sqlalchemy.engine import Engine

from app.batches import (
    BEGIN_OPTION,
    LoopBatcher,
    WriteTurn,
    commit_batch,
    send_savepoints_to_driver,
)
from app.units import Job, answer, transact

logger = logging.getLogger(__name__)
MAX_BATCH = 256
_STOP = object()  # queued by close(): the writer thread finishes what came before, then ends


class Writer:
    """Runs units of work against `engine`, durably, one process-wide write path."""

    def __init__(self, engine: Engine, *, max_batch: int = MAX_BATCH):
        self.engine = engine
        self.max_batch = max_batch
        self.batches = engine.dialect.name == "sqlite"
        if self.batches:
            send_savepoints_to_driver(engine)
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._gate = threading.Lock()  # makes "closed?" and "queue it" one step
        self._closed = False
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._batchers: dict[asyncio.AbstractEventLoop, LoopBatcher] = {}

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
            return await loop.run_in_executor(self._pool, transact, self.engine, unit, args,
                                              kwargs)
        with self._gate:
            self._check_open()
            batcher = self._batchers.get(loop)
            if batcher is None:
                finished = [old for old in self._batchers if old.is_closed()]
                for old in finished:  # a test client's loop, say: its connection goes
                    self._batchers.pop(old).close()
                batcher = self._batchers[loop] = LoopBatcher(self.engine, loop, self.max_batch)
        return await batcher.run(Job(unit, args, kwargs, loop.create_future(), loop))

    def run_sync(self, unit: Callable, /, *args, **kwargs) -> Any:
        """As run(), for a plain thread (CLI, tests, sync routes); blocks until committed."""
        if not self.batches:
            self._check_open()
            return transact(self.engine, unit, args, kwargs)
        if threading.current_thread() is self._thread or _on_event_loop():
            # On the writer thread, or in a unit batched on an event loop (or in a coroutine,
            # which would stall its loop): the unit would wait for itself.
            raise RuntimeError("a unit of work cannot wait for another one: it would wait forever"
                               " (from a coroutine, await run())")
        future: Future = Future()
        self._submit(Job(unit, args, kwargs, future))
        return future.result()

    def _check_open(self) -> None:
        if self._closed or (self._thread is None and self._pool is None and not self.batches):
            raise RuntimeError("the writer is not running (start() it; close() stops it)")

    def _submit(self, job: Job) -> None:
        with self._gate:
            self._check_open()
            self._queue.put(job)

    # --- SQLite: the writer thread

    def _write_batches(self) -> None:
        jobs: list[Job] = []
        try:
            with contextlib.closing(WriteTurn(self.engine.url.database)) as turn, \
                    self.engine.connect() as connection:
                connection = connection.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
                stopping = False
                while not stopping:
                    jobs, stopping = self._take_batch()
                    if jobs:
                        with turn:
                            commit_batch(connection, jobs)
                        answer(jobs)
        except Exception as error:  # the thread is dying: nobody may wait for it forever
            with self._gate:
                self._closed = True
            while not self._queue.empty():
                jobs.append(self._queue.get_nowait())
            jobs = [job for job in jobs if job is not _STOP]
            for job in jobs:
                job.result, job.error = None, RuntimeError(f"the writer stopped: {error!r}")
            answer(jobs)
            logger.exception("the writer thread stopped; this process can no longer write")

    def _take_batch(self) -> tuple[list[Job], bool]:
        """Wait for one unit, then take whatever else is queued; True once close() was called."""
        item = self._queue.get()
        jobs: list[Job] = []
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


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def freeze_startup_garbage() -> None:
    """Call once start-up is done (content loaded, app built), in each worker process.

    gc.freeze() moves every object alive now to a generation the collector never scans; the
    long-lived start-up heap (the Guide, templates, SQLAlchemy's caches) then costs nothing in
    the full collections that the write path's many short-lived objects trigger.
    """
    gc.collect()
    gc.freeze()
