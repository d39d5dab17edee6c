"""Ids made on a till: UUIDv7 (RFC 9562), unique without coordination and time-ordered."""
from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable


class UuidV7Source:
    """Makes UUIDv7 strings; monotonic within one process even when the clock stalls."""

    def __init__(self, now_ms: Callable[[], int] | None = None,
                 random_bytes: Callable[[int], bytes] = os.urandom) -> None:
        self._now_ms = now_ms or (lambda: time.time_ns() // 1_000_000)
        self._random = random_bytes
        self._lock = threading.Lock()
        self._last_ms = -1
        self._counter = 0

    def new_id(self) -> str:
        with self._lock:
            ms = self._now_ms()
            if ms <= self._last_ms:
                # Same millisecond (or the clock went back): keep order with a 12-bit counter
                # in rand_a, and borrow the next millisecond when it overflows.
                self._counter += 1
                if self._counter > 0xFFF:
                    self._last_ms += 1
                    self._counter = 0
                ms = self._last_ms
            else:
                self._last_ms = ms
                self._counter = int.from_bytes(self._random(2), "big") & 0x3FF
            rand_b = int.from_bytes(self._random(8), "big") & ((1 << 62) - 1)
            value = (ms & ((1 << 48) - 1)) << 80
            value |= 0x7 << 76
            value |= self._counter << 64
            value |= 0b10 << 62
            value |= rand_b
            return str(uuid.UUID(int=value))
