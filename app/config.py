"""Settings: the only place that reads environment variables."""

import os
import secrets
import sys
import time
from functools import cached_property
from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRET_FILE_NAME = "secret_key"


class Settings(BaseSettings):
    """Configuration, read from `GUIDE_*` environment variables (see the README)."""

    model_config = SettingsConfigDict(env_prefix="GUIDE_", extra="ignore")

    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file var/guide.db"
    )
    content_dir: Path = Field(default=Path("content"), description="chapters, quizzes, matrix")
    var_dir: Path = Field(default=Path("var"), description="SQLite file and generated secret")
    secret_key: str | None = Field(
        default=None, description="signs CSRF tokens; generated once under var/ when unset"
    )
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str | None = Field(
        default=None, description="public URL of the site; default: the request's own host")
    workers: int = 1
    session_days: int = Field(default=30, description="how long a sign-in lasts")
    stuck_days: int = Field(default=7, description="days without activity before 'stuck'")
    max_body_bytes: int = Field(default=64 * 1024, description="larger request bodies get 413")
    access_log: bool = Field(default=False, description="uvicorn's access log for guide serve")
    keep_alive_seconds: int = Field(
        default=75, ge=1, description="how long guide serve keeps an idle connection open; "
        "behind a reverse proxy, longer than the proxy keeps its idle connections to the app "
        "(nginx: 60 s), or a request sent as the app closes one fails (502)")
    prerender_services: bool = Field(
        default=True, description="render every service page's body at start-up, in the "
        "background, so no visitor waits for the first rendering")
    argon2_time_cost: int = Field(default=3, ge=1, description="argon2 iterations")
    argon2_memory_kib: int = Field(default=65536, ge=8, description="argon2 memory per hash")
    argon2_parallelism: int = Field(default=4, ge=1, description="argon2 lanes")
    database_pool_size: int = Field(
        default=20, ge=1, description="PostgreSQL connections kept open per process (and "
        "units written at once)")
    database_max_overflow: int = Field(
        default=10, ge=0, description="extra PostgreSQL connections per process for bursts")
    password_hashing_slots: int = Field(
        default=4, ge=1, description="password hashes at once per process (memory bound)")
    registrations_per_hour: int = Field(
        default=10, ge=1, description="accounts one client address may create per hour")
    trusted_proxies: str = Field(
        default="", description="comma-separated proxy addresses whose X-Forwarded-For is "
        "believed; empty: none, the connecting address is the client")

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.var_dir / 'guide.db').as_posix()}"

    @property
    def https(self) -> bool:
        """Cookies get the Secure flag when the public URL is https."""
        return (self.base_url or "").startswith("https://")

    @cached_property
    def resolved_secret_key(self) -> str:
        """The configured secret, or one generated once and kept under var/ (mode 600)."""
        if self.secret_key:
            return self.secret_key
        self.var_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        return shared_secret(self.var_dir / SECRET_FILE_NAME)


SECRET_WAIT_SECONDS = 5


def shared_secret(path: Path) -> str:
    """The key in `path`, created atomically if missing, so racing processes agree on one key.

    O_EXCL lets exactly one process create the file; the others read what it wrote, waiting
    a moment if they open it between its creation and its write.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path)
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w") as file:
        file.write(key)
        file.flush()
        os.fsync(file.fileno())
    return key


def _read_secret(path: Path) -> str:
    deadline = time.monotonic() + SECRET_WAIT_SECONDS
    while not (key := path.read_text().strip()):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{path} is empty: delete it to generate a new key")
        time.sleep(0.01)
    return key


def settings_or_exit() -> Settings:
    """The settings, or one line per bad GUIDE_* variable and exit status 2, not a traceback
    (for `guide` and for a server started as `uvicorn --factory app.main:create_app`)."""
    try:
        return Settings()
    except ValidationError as error:
        for problem in error.errors():
            name = "GUIDE_" + "_".join(map(str, problem["loc"])).upper()
            print(f"{name}={problem['input']!r}: {problem['msg']}", file=sys.stderr)
        raise SystemExit(2) from None
