"""The SQLite file and its WAL and SHM hold emails and password hashes: mode 600."""

import os
import stat

import pytest
from sqlalchemy import text

from app.config import Settings
from app.main import create_app
from app.sqlite_files import create_private_database
from tests.support import FIXTURE_CONTENT, TEST_SECRET


def mode_of(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask():
    """The usual 022, so a file created without an explicit mode would be 644."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_new_database_wal_and_shm_are_private(tmp_path, usual_umask):
    var_dir = tmp_path / "var"
    app = create_app(Settings(content_dir=FIXTURE_CONTENT, var_dir=var_dir,
                              secret_key=TEST_SECRET))
    try:
        with app.state.database.engine.begin() as connection:  # a write keeps -wal and -shm open
            connection.execute(text("CREATE TABLE probe (x INTEGER)"))
            connection.execute(text("INSERT INTO probe VALUES (1)"))
        names = ["guide.db", "guide.db-wal", "guide.db-shm"]
        assert {name: mode_of(var_dir / name) for name in names} == dict.fromkeys(names, 0o600)
        assert not mode_of(var_dir) & stat.S_IWOTH
    finally:
        app.state.database.dispose()


def test_existing_database_files_are_made_private(tmp_path, usual_umask):
    path = tmp_path / "guide.db"
    for name in ("guide.db", "guide.db-wal", "guide.db-shm"):
        (tmp_path / name).write_bytes(b"")
        os.chmod(tmp_path / name, 0o644)

    create_private_database(path)

    assert [mode_of(tmp_path / n) for n in ("guide.db", "guide.db-wal", "guide.db-shm")] == [
        0o600, 0o600, 0o600]
