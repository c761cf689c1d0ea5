"""SQLite group commit: a batch's transaction, the write turn the workers share, and batching on
an event loop. The contract and the reasons are in app/writer.py's docstring."""

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from sqlalchemy.engine import Connection, Engine

from app.units import Job, run_in_savepoint, settle

try:  # Only POSIX has flock; elsewhere processes fall back to SQLite's busy timeout.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

logger = logging.getLogger(__name__)
# An engine execution option naming a SQLite connection's BEGIN mode (app/db.py's make_engine
# issues BEGIN itself); the writer's connections say IMMEDIATE.
BEGIN_OPTION = "guide_sqlite_begin"


def commit_batch(connection: Connection, jobs: list[Job]) -> None:
    """One transaction, one savepoint per unit; on BEGIN/COMMIT failure every unit fails."""
    try:
        with connection.begin():
            for job in jobs:
                run_in_savepoint(connection, job)
    except Exception as error:  # nothing of this batch is stored
        for job in jobs:
            job.result, job.error = None, error


class LoopBatcher:
    """Group commit on one event loop (see the module docstring): the units' statements run on
    the loop; the flock, BEGIN and COMMIT wait in a helper thread, the loop serving meanwhile."""

    def __init__(self, engine: Engine, loop: asyncio.AbstractEventLoop, max_batch: int):
        self.loop = loop
        self.max_batch = max_batch
        self.turn = WriteTurn(engine.url.database)
        self.connection = engine.connect().execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
        self.waiter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="commit")
        self.pending: list[Job] = []
        self.idle = threading.Event()
        self.idle.set()

    async def run(self, job: Job) -> Any:
        self.pending.append(job)
        if self.idle.is_set():  # no batch in flight: start one; else the next one takes it
            self.idle.clear()
            self.loop.create_task(self._write_batches())
        return await job.future

    async def _write_batches(self) -> None:
        try:
            while self.pending:
                jobs: list[Job] = []
                try:
                    transaction = await self._in_waiter(self._begin)
                    jobs = self._take()  # all that queued while we waited for our turn
                    try:
                        for job in jobs:
                            run_in_savepoint(self.connection, job)
                    except Exception:
                        self._roll_back(transaction)
                        raise
                    await self._in_waiter(self._commit, transaction)
                except Exception as error:  # nothing of this batch is stored
                    jobs = jobs or self._take()
                    for job in jobs:
                        job.result, job.error = None, error
                for job in jobs:
                    settle(job)
        finally:
            self.idle.set()

    def _take(self) -> list[Job]:
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


class WriteTurn:
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


def send_savepoints_to_driver(engine: Engine) -> None:
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
