"""The erasure run on a schedule, inside `rmis serve`: once at start and then once a day."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

DAY_S = 86_400.0
_log = logging.getLogger("rmis.retention")


class DailyErasure:
    def __init__(self, erase: Callable[[], object], interval_s: float = DAY_S) -> None:
        self._erase, self._interval = erase, interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rmis-retention", daemon=True)

    def start(self) -> DailyErasure:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._erase()
            except Exception:  # tried again the next day; the log says why it failed
                _log.exception("the retention run failed")
            self._stop.wait(self._interval)
