"""The README's settings table lists every setting, and production strength is the default."""

import re
from pathlib import Path

from pwdlib.hashers.argon2 import Argon2Hasher

from app.config import Settings
from app.main import passwords_for

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
