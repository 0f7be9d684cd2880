"""Token buckets: a burst of `capacity` actions, refilled at `per_minute` per minute, per key.

Used for a youth's messages on the socket (key: the conversation id, so a flood from one
browser is limited whichever tab or connection it uses) and for the HTTP routes that send
e-mail (key: the client address). State lives in this process: socket.io connections are
sticky to one api process, so a flooder meets the same bucket for as long as they stay
connected. Keys are opaque ids, never text; idle buckets are forgotten.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

_MAX_KEYS = 100_000  # a bound on memory: idle (full) buckets are dropped past this


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(
        self,
        capacity: int,
        per_minute: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if capacity < 1 or per_minute <= 0:
            raise ValueError("capacity must be >= 1 and per_minute > 0")
        self.capacity = capacity
        self.rate = per_minute / 60.0  # tokens per second
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def _refilled(self, key: str, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= _MAX_KEYS:
                self._forget_full(now)
            bucket = self._buckets[key] = _Bucket(float(self.capacity), now)
        else:
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        return bucket

    def _forget_full(self, now: float) -> None:
        full_after = self.capacity / self.rate
        for key in [k for k, b in self._buckets.items() if now - b.updated >= full_after]:
            del self._buckets[key]

    def acquire(self, key: str) -> float:
        """Take one token: 0.0 if allowed, else the seconds until the next token."""
        with self._lock:
            bucket = self._refilled(key, self.clock())
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate
