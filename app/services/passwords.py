"""Password hashing with argon2 (pwdlib): slow and memory-hungry on purpose.

Each hash or check takes about 0.1 s and `memory_kib` of memory, so it never runs on the event
loop or inside a database transaction, and at most `max_concurrent` run at once per process:
a burst of sign-ups queues here instead of exhausting memory or starving page views.
`hash_off_loop` / `verify_off_loop` queue on the event loop (a capacity limiter of the same
size) before they take a worker thread, so waiting sign-ups never hold the threads that page
views need for their database reads.
Production strength is the default; tests configure cheap parameters (GUIDE_ARGON2_*).
"""

import asyncio
import threading
import weakref
from functools import cached_property

from anyio import CapacityLimiter, to_thread
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

MAX_PASSWORD = 1024  # argon2 would hash megabytes; nobody types more than this


class Passwords:
    def __init__(self, *, time_cost: int, memory_kib: int, parallelism: int,
                 max_concurrent: int):
        self._hash = PasswordHash((Argon2Hasher(time_cost=time_cost, memory_cost=memory_kib,
                                                parallelism=parallelism),))
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self._max_concurrent = max_concurrent
        self._limiters: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    async def hash_off_loop(self, password: str) -> str:
        return await to_thread.run_sync(self.hash, password, limiter=self._limiter())

    async def verify_off_loop(self, password: str,
                              stored: str | None) -> tuple[bool, str | None]:
        return await to_thread.run_sync(self.verify, password, stored, limiter=self._limiter())

    def _limiter(self) -> CapacityLimiter:
        """One per event loop (a worker has one; tests may run several)."""
        loop = asyncio.get_running_loop()
        limiter = self._limiters.get(loop)
        if limiter is None:
            limiter = self._limiters[loop] = CapacityLimiter(self._max_concurrent)
        return limiter

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
