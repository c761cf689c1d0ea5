"""The Writer (app/writer.py) on a tiny table of its own: exactly once, isolation, durability.

Runs on a SQLite file per test, and on PostgreSQL when TEST_DATABASE_URL is set.
"""

import asyncio
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel

from app.batches import LoopBatcher
from app.db import make_engine
from app.units import connection_unit, unit_session
from app.writer import Writer
from tests.support import ROOT


class WriterItem(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)


ITEMS = WriterItem.__table__


@pytest.fixture
def engine(tmp_path, postgres_url):
    engine = make_engine(postgres_url or f"sqlite:///{tmp_path / 'writer.db'}")
    ITEMS.drop(engine, checkfirst=True)
    ITEMS.create(engine)
    yield engine
    if postgres_url:
        ITEMS.drop(engine)
    engine.dispose()


@pytest.fixture
def writer(engine):
    writer = Writer(engine).start()
    yield writer
    writer.close()


def add_item(session, key: str) -> int:
    """A hot-path style unit: Core through the session's connection."""
    return session.connection().execute(insert(ITEMS).values(key=key)).inserted_primary_key[0]


def add_item_orm(session, key: str) -> WriterItem:
    assert not session.identity_map, "a unit starts with an empty identity map"
    item = WriterItem(key=key)
    session.add(item)
    session.commit()  # a service's own commit: only a flush inside a unit
    return item


def stored_keys(engine) -> list[str]:
    with engine.connect() as connection:
        return connection.execute(select(ITEMS.c.key)).scalars().all()


def count_commits(engine) -> list:
    commits = []
    event.listen(engine, "commit", lambda _connection: commits.append(1))
    return commits


def add_or_find_item(session, key: str) -> tuple[int, bool]:
    """A replay-safe unit, as save_attempt is: insert, or on a duplicate roll back and find."""
    try:
        return add_item(session, key), True
    except IntegrityError:
        session.rollback()  # undoes this unit's work only; the unit then goes on
        found = session.connection().execute(select(ITEMS.c.id).where(ITEMS.c.key == key))
        return found.scalar_one(), False


def load_every_item(session, key: str) -> int:
    assert not session.identity_map, "a unit starts with an empty identity map"
    session.add(WriterItem(key=key))
    return len(session.exec(select(WriterItem)).all())


def run_as_one_batch(writer, units) -> list:
    """Start `units` (callables taking the writer) at once, from one event loop: each queues
    its unit before the batch begins (that waits for the write turn in a helper thread), so on
    SQLite they form one batch."""
    async def batch():
        return await asyncio.gather(*(unit(writer) for unit in units), return_exceptions=True)

    return asyncio.run(batch())


def test_concurrent_units_from_tasks_and_threads_are_stored_once(engine, writer):
    def from_thread(n):
        for i in range(25):
            assert writer.run_sync(add_item, f"thread-{n}-{i}") > 0

    threads = [threading.Thread(target=from_thread, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()

    async def from_tasks():
        return await asyncio.gather(*(writer.run(add_item, f"task-{i}") for i in range(200)))

    ids = asyncio.run(from_tasks())
    for thread in threads:
        thread.join()
    keys = stored_keys(engine)
    assert len(keys) == 300
    assert len(set(keys)) == 300
    assert len(set(ids)) == 200


def test_failing_unit_does_not_spoil_its_batch(engine, writer):
    writer.run_sync(add_item, "taken")
    commits = count_commits(engine)

    def fails_after_writing(session):
        add_item(session, "undone")
        session.commit()
        raise ValueError("changed my mind")

    before, duplicate, failed, after = run_as_one_batch(writer, [
        lambda w: w.run(add_item, "before"), lambda w: w.run(add_item, "taken"),
        lambda w: w.run(fails_after_writing), lambda w: w.run(add_item_orm, "after")])
    assert isinstance(before, int)
    assert isinstance(duplicate, IntegrityError)
    assert isinstance(failed, ValueError)
    assert after.key == "after" and after.id is not None  # usable after its session closed
    assert sorted(stored_keys(engine)) == ["after", "before", "taken"]
    if writer.batches:
        assert len(commits) == 1  # the four together


@connection_unit
def add_on_connection(connection, key: str) -> int:
    return connection.execute(insert(ITEMS).values(key=key)).inserted_primary_key[0]


@connection_unit
def add_two_then_fail(connection, first: str, second: str) -> None:
    """Writes on the connection and through an ORM session of its own, then fails."""
    connection.execute(insert(ITEMS).values(key=first))
    with unit_session(connection) as session:
        session.add(WriterItem(key=second))
        session.commit()
    raise ValueError("changed my mind")


def test_connection_units_share_batches_with_session_units_and_fail_alone(engine, writer):
    writer.run_sync(add_on_connection, "taken")
    commits = count_commits(engine)
    plain, duplicate, failed, orm, after = run_as_one_batch(writer, [
        lambda w: w.run(add_on_connection, "plain"),
        lambda w: w.run(add_on_connection, "taken"),
        lambda w: w.run(add_two_then_fail, "undone", "undone too"),
        lambda w: w.run(add_item_orm, "orm"),
        lambda w: w.run(add_on_connection, "after")])
    assert isinstance(plain, int) and isinstance(after, int)
    assert isinstance(duplicate, IntegrityError)
    assert isinstance(failed, ValueError)  # and both of its writes are undone
    assert orm.key == "orm"
    assert sorted(stored_keys(engine)) == ["after", "orm", "plain", "taken"]
    if writer.batches:
        assert len(commits) == 1


def test_a_unit_that_rolls_back_itself_goes_on_and_keeps_its_batch(engine, writer):
    stored_id = writer.run_sync(add_item, "replayed")
    commits = count_commits(engine)
    results = run_as_one_batch(writer, [
        lambda w: w.run(add_item, "first"),
        lambda w: w.run(add_or_find_item, "replayed"),
        lambda w: w.run(add_or_find_item, "new"),
    ])
    assert results[1] == (stored_id, False)
    assert results[2][1] is True
    assert sorted(stored_keys(engine)) == ["first", "new", "replayed"]
    if writer.batches:
        assert len(commits) == 1


def test_units_of_one_batch_do_not_share_an_identity_map(engine, writer):
    results = run_as_one_batch(writer, [
        lambda w, n=n: w.run(load_every_item, f"orm-{n}") for n in range(5)])
    assert all(isinstance(result, int) for result in results), results  # no AssertionError
    if writer.batches:  # one after the other in one transaction: each sees those before it
        assert results == [1, 2, 3, 4, 5]


def test_result_is_delivered_only_after_commit(engine, writer):
    seen = {}

    def visible(key):
        with engine.connect() as other:
            return other.execute(select(ITEMS.c.key).where(ITEMS.c.key == key)).first() is not None

    def unit(session, key):
        add_item(session, key)
        seen["inside"] = visible(key)
        return key

    async def submit():
        future = asyncio.ensure_future(writer.run(unit, "async"))
        future.add_done_callback(lambda f: seen.setdefault("async callback", visible(f.result())))
        await future

    asyncio.run(submit())
    assert seen == {"inside": False, "async callback": True}
    writer.run_sync(unit, "sync")
    assert seen["inside"] is False
    assert visible("sync")


def test_batches_really_batch_under_concurrency(engine, writer):
    if not writer.batches:
        pytest.skip("PostgreSQL runs a transaction per unit")
    commits = count_commits(engine)

    async def many():
        await asyncio.gather(*(writer.run(add_item, f"k{i}") for i in range(300)))

    asyncio.run(many())
    assert len(stored_keys(engine)) == 300
    assert 1 <= len(commits) < 100, f"{len(commits)} COMMITs for 300 units"


def test_close_drains_the_queue_then_refuses_work(engine):
    writer = Writer(engine).start()

    async def submit_then_close():
        tasks = [asyncio.ensure_future(writer.run(add_item, f"k{i}")) for i in range(100)]
        await asyncio.sleep(0)  # every task has queued its unit
        await asyncio.to_thread(writer.close)
        return await asyncio.gather(*tasks)

    assert len(asyncio.run(submit_then_close())) == 100
    assert len(stored_keys(engine)) == 100
    writer.close()  # idempotent
    with pytest.raises(RuntimeError):
        writer.run_sync(add_item, "late")


def test_unit_exception_reaches_only_its_caller_from_run_sync(engine, writer):
    writer.run_sync(add_item, "taken")
    with pytest.raises(IntegrityError):
        writer.run_sync(add_item, "taken")
    assert writer.run_sync(add_item, "next") > 0
    assert sorted(stored_keys(engine)) == ["next", "taken"]


def test_a_unit_cannot_wait_for_another_unit(engine, writer):
    if not writer.batches:
        pytest.skip("on PostgreSQL a nested unit is simply another transaction")

    def nested(session):
        return writer.run_sync(add_item, "inner")

    with pytest.raises(RuntimeError, match="wait forever"):
        writer.run_sync(nested)

    async def from_a_loop():  # the unit runs in a batch on this loop
        return await writer.run(nested)

    with pytest.raises(RuntimeError, match="wait forever"):
        asyncio.run(asyncio.wait_for(from_a_loop(), timeout=10))
    assert stored_keys(engine) == []


def test_without_fcntl_the_writer_still_works(engine, monkeypatch):
    monkeypatch.setattr("app.batches.fcntl", None)  # as on Windows: SQLite's busy timeout only
    writer = Writer(engine).start()
    try:
        async def many():
            return await asyncio.gather(*(writer.run(add_item, f"k{i}") for i in range(50)))

        assert len(set(asyncio.run(many()))) == 50
    finally:
        writer.close()


def test_a_writer_that_cannot_start_refuses_work_instead_of_hanging(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'gone' / 'writer.db'}")
    shutil.rmtree(tmp_path / "gone")  # make_engine created it: now neither the database nor
    # its write-lock file can be opened
    writer = Writer(engine).start()
    try:
        with pytest.raises(RuntimeError):
            writer.run_sync(add_item, "never")
    finally:
        writer.close()
        engine.dispose()


def test_a_failed_begin_fails_its_batch_at_once_and_the_next_batch_works(engine, writer,
                                                                          monkeypatch):
    if not writer.batches:
        pytest.skip("PostgreSQL runs a transaction per unit")
    real_begin = LoopBatcher._begin
    failures = iter([OSError("disk gone")])

    def begin_that_fails_once(batcher):
        error = next(failures, None)
        if error is not None:
            raise error
        return real_begin(batcher)

    monkeypatch.setattr(LoopBatcher, "_begin", begin_that_fails_once)

    async def two_batches():
        first = await asyncio.wait_for(asyncio.gather(
            writer.run(add_item, "a"), writer.run(add_item, "b"), return_exceptions=True), 10)
        return first, await asyncio.wait_for(writer.run(add_item, "c"), 10)

    (a, b), c = asyncio.run(two_batches())
    assert isinstance(a, OSError) and isinstance(b, OSError)
    assert isinstance(c, int)
    assert stored_keys(engine) == ["c"]


# --- a crash under load (SQLite)

CHILD = """
import asyncio, sys
from app.db import make_engine
from tests.test_writer import ITEMS, add_item
from app.writer import Writer

writer = Writer(make_engine(sys.argv[1])).start()
prefix = sys.argv[2]

async def client(n):
    for i in range(1_000_000):
        key = await writer.run(add_item, f"{prefix}-{n}-{i}")
        print(f"{prefix}-{n}-{i}", flush=True)

async def main():
    await asyncio.gather(*(client(n) for n in range(20)))

asyncio.run(main())
"""


def test_sigkill_under_load_loses_no_acknowledged_unit(engine, tmp_path):
    if engine.dialect.name != "sqlite":
        pytest.skip("a SQLite file's durability; PostgreSQL's is the server's")
    database = tmp_path / "writer.db"
    acknowledged = tmp_path / "acknowledged"
    # Two processes on one file, as two uvicorn workers: their writers take turns.
    children = [subprocess.Popen([sys.executable, "-c", CHILD, f"sqlite:///{database}", name],
                                 cwd=ROOT, stdout=(acknowledged.with_suffix(f".{name}")).open("w"))
                for name in ("a", "b")]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and min(_lines(acknowledged, n) for n in "ab") < 300:
        time.sleep(0.05)
    for child in children:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    acked = [line for name in "ab"
             for line in acknowledged.with_suffix(f".{name}").read_text().splitlines()]
    assert len(acked) >= 600
    connection = sqlite3.connect(database)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in connection.execute("SELECT key FROM writeritem")}
    finally:
        connection.close()
    missing = set(acked) - stored
    assert not missing, f"{len(missing)} acknowledged units lost, e.g. {sorted(missing)[:3]}"


def _lines(acknowledged, name: str) -> int:
    path = acknowledged.with_suffix(f".{name}")
    return path.read_text().count("\n") if path.exists() else 0

