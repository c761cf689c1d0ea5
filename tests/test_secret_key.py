"""The generated secret key: one key for every process that starts on an empty var dir."""

import multiprocessing
import secrets
import stat
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from app import config
from app.config import SECRET_FILE_NAME, Settings

RACERS = 12


@pytest.fixture(autouse=True)
def slow_key_generation(monkeypatch):
    """Widen the race: generating a key takes a while, as if the machine were busy."""
    real_token = secrets.token_urlsafe

    def slow_token(nbytes):
        time.sleep(0.05)
        return real_token(nbytes)

    monkeypatch.setattr(config.secrets, "token_urlsafe", slow_token)


def _key_after_barrier(var_dir, barrier) -> str:
    barrier.wait()
    return Settings(var_dir=var_dir, secret_key=None).resolved_secret_key


def test_threads_racing_on_an_empty_var_dir_get_one_key(tmp_path):
    # (Python 3.11's cached_property serialises these threads; 3.12 dropped that lock.)
    var_dir = tmp_path / "var"
    barrier = threading.Barrier(RACERS)
    with ThreadPoolExecutor(RACERS) as pool:
        keys = list(pool.map(lambda _: _key_after_barrier(var_dir, barrier), range(RACERS)))

    path = var_dir / SECRET_FILE_NAME
    assert set(keys) == {path.read_text()}
    assert len(keys[0]) >= 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def _process_key(var_dir, barrier, results) -> None:
    results.put(_key_after_barrier(var_dir, barrier))


def test_processes_racing_on_an_empty_var_dir_get_one_key(tmp_path):
    context = multiprocessing.get_context("fork")
    var_dir = tmp_path / "var"
    barrier = context.Barrier(RACERS)
    results = context.Queue()
    processes = [context.Process(target=_process_key, args=(var_dir, barrier, results))
                 for _ in range(RACERS)]
    for process in processes:
        process.start()
    keys = [results.get(timeout=30) for _ in processes]
    for process in processes:
        process.join(timeout=30)

    path = var_dir / SECRET_FILE_NAME
    assert set(keys) == {path.read_text()}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_existing_key_is_kept(tmp_path):
    (tmp_path / SECRET_FILE_NAME).write_text("kept-key\n")

    assert Settings(var_dir=tmp_path, secret_key=None).resolved_secret_key == "kept-key"
