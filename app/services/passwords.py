"""Password hashing with argon2 (pwdlib): slow and memory-hungry on purpose.

Each hash or check takes about 0.1 s and `memory_kib` of memory, so it never runs on the event
loop or inside a database transaction, and at most `max_concurrent` run at once per process:
a burst of sign-ups queues here instead of exhausting memory or starving page views.
Production strength is the default; tests configure cheap parameters (GUIDE_ARGON2_*).
"""

import threading
from functools import cached_property

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

MAX_PASSWORD = 1024  # argon2 would hash megabytes; nobody types more than this


class Passwords:
    def __init__(self, *, time_cost: int, memory_kib: int, parallelism: int,
                 max_concurrent: int):
        self._hash = PasswordHash((Argon2Hasher(time_cost=time_cost, memory_cost=memory_kib,
                                                parallelism=parallelism),))
        self._slots = threading.BoundedSemaphore(max_concurrent)

    def hash(self, password: str) -> str:
        with self._slots:
            return self._hash.hash(password)

    def verify(self, password: str, stored: str | None) -> tuple[bool, str | None]:
        """(valid, a re-hash when the stored hash uses old parameters, else None).

        With no stored hash (an unknown email) a dummy hash is checked, so both take as long.
        """
        password = password[:MAX_PASSWORD]  # longer is still checked: the same time as a miss
        with self._slots:
            if stored is None:
                self._hash.verify(password, self._dummy_hash)
                return False, None
            return self._hash.verify_and_update(password, stored)

    @cached_property
    def _dummy_hash(self) -> str:
        return self._hash.hash("not-a-password-anyone-has")
