"""The README's settings table lists every setting, production strength is the default, and a
bad value is named in one line, not a traceback."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pwdlib.hashers.argon2 import Argon2Hasher

from app.config import Settings
from app.main import passwords_for
from tests.support import ROOT

README = Path(__file__).resolve().parent.parent / "README.md"


def documented_variables() -> set[str]:
    return set(re.findall(r"^\| `(GUIDE_[A-Z0-9_]+)`", README.read_text(), flags=re.MULTILINE))


def test_the_readme_settings_table_matches_settings():
    assert documented_variables() == {f"GUIDE_{name.upper()}" for name in Settings.model_fields}


def test_password_hashing_is_production_strength_by_default(monkeypatch):
    for name in Settings.model_fields:
        monkeypatch.delenv(f"GUIDE_{name.upper()}", raising=False)
    hashed = passwords_for(Settings()).hash("a long enough password")
    recommended = Argon2Hasher()._hasher  # argon2-cffi's RFC 9106 low-memory profile
    assert f"m={recommended.memory_cost},t={recommended.time_cost},p={recommended.parallelism}" \
        in hashed
    assert recommended.memory_cost >= 65536 and recommended.time_cost >= 3


def test_guide_names_each_bad_setting_and_exits_without_a_traceback(monkeypatch, capsys):
    from app import cli

    monkeypatch.setenv("GUIDE_PRERENDER_SERVICES", "maybe")
    monkeypatch.setenv("GUIDE_PORT", "eighty")
    with pytest.raises(SystemExit) as exit_:
        cli.main(["check"])

    assert exit_.value.code == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "GUIDE_PORT='eighty': Input should be a valid integer, unable to parse string as an "
        "integer",
        "GUIDE_PRERENDER_SERVICES='maybe': Input should be a valid boolean, unable to interpret "
        "input"]


def test_a_server_started_by_bare_uvicorn_names_the_bad_setting_too(tmp_path):
    environment = {**os.environ, "GUIDE_VAR_DIR": str(tmp_path), "GUIDE_PORT": "eighty"}
    result = subprocess.run(
        [sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app", "--port", "0"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60)

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "GUIDE_PORT='eighty': Input should be a valid integer" in result.stderr
