"""The login gate: how many login attempts a server process works on per second.

Throttling (throttle.py) slows a name or an address; it cannot slow a flood from many addresses
at many names, and each such attempt costs an argon2 hash (~0.1 s of a core) or, once a name is
locked, a throttle read and an audit row. Measured with bench/login_load_bench.py, 8 clients
hammering the login made the server work on ~25 attempts a second, and recordings waited on the
interpreter and the cores behind them (docs/trust.md, the load bench). The gate admits at most
`rate` attempts a second (after a burst of `burst`), in order of arrival, for every name and
address alike (so it tells nothing about which names exist); an attempt whose turn would come
more than `max_wait_s` later is refused at once as busy (503 with Retry-After, audited as a
refused login) without any work on its name or password.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

# An officer logs in once a shift: four attempts a second is 14,400 an hour, and what a flood
# can make a server process hash is four hashes a second at most, not as many as it can.
DEFAULT_RATE = 4.0
DEFAULT_BURST = 8
DEFAULT_MAX_WAIT_S = 5.0


class LoginBusy(Exception):
    """The gate's queue is full: try again in `retry_after_s` seconds."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"the server is busy with logins: try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s


class LoginGate:
    """A rate limit on login attempts (the generic cell rate algorithm: one slot every
    1/rate s, `burst` of them at once after a quiet spell), thread-safe.

    `reserve()` books the next slot and says how long to wait for it, or raises LoginBusy
    when that wait would pass `max_wait_s` (nothing is booked then)."""

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        burst: int = DEFAULT_BURST,
        max_wait_s: float = DEFAULT_MAX_WAIT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not rate > 0 or burst < 1 or max_wait_s < 0:
            raise ValueError("a login gate needs rate > 0, burst >= 1 and max_wait_s >= 0")
        self.rate, self.burst, self.max_wait_s = rate, burst, max_wait_s
        self._interval = 1.0 / rate
        self._tolerance = (burst - 1) * self._interval
        self._clock = clock
        self._next = -math.inf  # when the slot after the booked ones is due (theoretical)
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Book a slot: the seconds to wait for it (0 when free now). Raises LoginBusy."""
        with self._lock:
            now = self._clock()
            due = max(self._next, now)
            wait = max(0.0, due - self._tolerance - now)
            if wait > self.max_wait_s:
                raise LoginBusy(max(1, math.ceil(wait - self.max_wait_s)))
            self._next = due + self._interval
            return wait
