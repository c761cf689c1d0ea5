"""The SQLite file and its -wal/-shm companions are private to the app's user (mode 600).

They hold emails and password hashes. SQLite creates -wal and -shm with the mode of the main
file, so creating the main file 0600 before SQLite first opens it covers all three.
"""

import logging
import os
import stat
from pathlib import Path

logger = logging.getLogger(__name__)

COMPANIONS = ("-wal", "-shm")


def create_private_database(path: Path) -> None:
    """Create `path` (and its folder, 0700) empty and 0600 if missing; tighten existing files."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    for file in (path, *(path.with_name(path.name + suffix) for suffix in COMPANIONS)):
        _make_private(file)


def _make_private(path: Path) -> None:
    """Drop group and other permissions from an existing file (of a database made before)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            os.chmod(path, mode & 0o700)
    except FileNotFoundError:
        pass
    except PermissionError as exc:  # another user's file: SQLite will say if it matters
        logger.warning("cannot make %s private: %s", path, exc)
