"""Per-client request rate limits (token buckets) and the server's counters.

A client is who authenticated (the token's name, the certificate's subject) or, before that, its
address. Each has a bucket of ``burst`` requests that refills at ``rate`` per second; a request
finding the bucket empty is answered 429 with ``Retry-After``, which the API server's webhook
backend honours by backing off and re-sending the batch later, so a burst is delayed, not lost.
The table of buckets is bounded: the least recently seen client is forgotten first.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

#: Clients remembered at most; beyond this the least recently seen one is forgotten.
MAX_CLIENTS = 10_000


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets by client name."""

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = MAX_CLIENTS,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._max_clients = max_clients
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def allow(self, client: str) -> float:
        """``0`` when ``client`` may go ahead (one token taken), else seconds until it may."""
        now = self._clock()
        bucket = self._buckets.get(client)
        if bucket is None:
            bucket = self._buckets[client] = _Bucket(float(self.burst), now)
            if len(self._buckets) > self._max_clients:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(client)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate


class Counters:
    """Thread-safe named counters (requests by answer, events, findings …)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: Counter[str] = Counter()

    def add(self, name: str, amount: int = 1) -> None:
        """Add ``amount`` to counter ``name``."""
        with self._lock:
            self._values[name] += amount

    def set(self, name: str, value: int) -> None:
        """Set counter ``name`` (for gauges such as the spool size)."""
        with self._lock:
            self._values[name] = value

    def get(self, name: str) -> int:
        """The value of ``name`` (0 if never counted)."""
        with self._lock:
            return self._values[name]

    def snapshot(self) -> dict[str, int]:
        """Every counter, sorted by name."""
        with self._lock:
            return dict(sorted(self._values.items()))

    def restore(self, values: dict[str, int]) -> None:
        """Start from saved values (counters that survive a restart)."""
        with self._lock:
            self._values.update(values)
