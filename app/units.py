"""Units of work: what the Writer (app/writer.py) gives a unit, and how one unit runs inside
its batch's transaction, in a savepoint of its own, with its outcome kept for its caller."""

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session


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
class Job:
    """A queued unit and where its outcome goes once its batch has committed."""

    unit: Callable
    args: tuple
    kwargs: dict
    future: Any  # an asyncio.Future of `loop`, or a concurrent.futures.Future when loop is None
    loop: asyncio.AbstractEventLoop | None = None
    result: Any = None
    error: BaseException | None = None


def run_in_savepoint(connection: Connection, job: Job) -> None:
    if getattr(job.unit, "takes_connection", False):
        _run_on_connection(connection, job)
    else:
        _run_in_session(connection, job)
    # A failed unit was rolled back to its savepoint. Some SQLite errors (disk full, I/O)
    # abandon the whole transaction instead; carrying on would run the rest in autocommit.
    if job.error is not None and not connection.connection.dbapi_connection.in_transaction:
        raise RuntimeError("SQLite rolled back the batch's transaction") from job.error


def _run_on_connection(connection: Connection, job: Job) -> None:
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


def _run_in_session(connection: Connection, job: Job) -> None:
    with UnitSession(bind=connection, join_transaction_mode="create_savepoint",
                     expire_on_commit=False) as session:
        try:
            job.result = job.unit(session, *job.args, **job.kwargs)
            session.finish()
            return
        except Exception as error:
            job.error = error  # closing the session rolls back to its savepoint


def answer(jobs: list[Job]) -> None:
    """Hand each outcome to its caller: one wake-up per event loop, not one per unit."""
    by_loop: dict[asyncio.AbstractEventLoop, list[Job]] = defaultdict(list)
    for job in jobs:
        if job.loop is None:
            settle(job)
        else:
            by_loop[job.loop].append(job)
    for loop, group in by_loop.items():
        with contextlib.suppress(RuntimeError):  # that loop is closed: nobody is waiting
            loop.call_soon_threadsafe(lambda group=group: [settle(job) for job in group])


def settle(job: Job) -> None:
    if job.future.done():  # cancelled meanwhile
        return
    if job.error is not None:
        job.future.set_exception(job.error)
    else:
        job.future.set_result(job.result)


def transact(engine: Engine, unit: Callable, args: tuple, kwargs: dict) -> Any:
    if getattr(unit, "takes_connection", False):
        with engine.begin() as connection:
            return unit(connection, *args, **kwargs)
    with UnitSession(engine, expire_on_commit=False) as session:
        result = unit(session, *args, **kwargs)
        session.finish()
    return result
